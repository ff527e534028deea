"""`sitrep eval seed`: the seed article scored by the shared scorer against what an analyst reads out of it.

The scorer (`../shared/tools/score_article.py`) is run as it is, on the output of the same code path as
`sitrep extract`, once overall and once per item kind (A actors, Q quotes, E events, N quantities,
P places, T times, b boilerplate).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from spacy.language import Language

from sitrep.errors import Errors, SitrepError
from sitrep.eval.runner import Report, gold_root
from sitrep.ingest import read_inputs
from sitrep.model import Failure
from sitrep.pipeline import process

KINDS = {"A": "actors", "Q": "quotes", "E": "events", "N": "quantities", "P": "places", "T": "times",
         "b": "boilerplate"}
_SCORE_LINE = re.compile(r"article: (\d+)/(\d+)")


def _fixture_dir(paths: list[Path]) -> Path:
    if paths:
        return paths[0] if paths[0].is_dir() else paths[0].parent
    return gold_root().parent / "fixtures" / "seed"


def _score(scorer: Path, expected: Path, output: Path, only: str | None = None) -> tuple[int, int, list[str]]:
    command = [sys.executable, str(scorer), str(expected), str(output), "0"]
    if only:
        command += ["--only", only]
    lines = subprocess.run(command, capture_output=True, text=True, check=False).stdout.splitlines()
    match = next((m for m in map(_SCORE_LINE.search, lines) if m), None)
    if match is None:
        raise SitrepError(Errors.E402.format(path=scorer, task="seed"))
    return int(match.group(1)), int(match.group(2)), [line for line in lines if line.startswith("missed")]


def evaluate(paths: list[Path], nlp: Language, *, limit: int | None = None) -> Report:
    folder = _fixture_dir(paths)
    article_path, expected = folder / "article.txt", folder / "expected.json"
    scorer = folder.parent.parent / "tools" / "score_article.py"
    for needed in (article_path, expected, scorer):
        if not needed.is_file():
            raise SitrepError(Errors.E402.format(path=needed, task="seed"))
    published = json.loads(expected.read_text(encoding="utf-8")).get("published")
    result = next(process(read_inputs([article_path], published=published), nlp))
    if isinstance(result, Failure):
        raise SitrepError(result.error)
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "seed.json"
        output.write_text(result.model_dump_json(), encoding="utf-8")
        good, total, missed = _score(scorer, expected, output)
        metrics: dict[str, float | int] = {"score": good / total, "items": total, "matched": good}
        rows = []
        for prefix, kind in KINDS.items():
            k_good, k_total, _ = _score(scorer, expected, output, prefix)
            metrics[f"score_{kind}"] = k_good / k_total if k_total else 0.0
            rows.append({"kind": kind, "matched": k_good, "items": k_total})
    return Report(task="seed", metrics=metrics, rows=rows, notes=missed)
