"""`sitrep eval duplicates`: near-duplicate detection on copies made from real articles.

The test set is built at run time, never stored: from each Guardian article (../shared/gold/
guardian_sdf_sample) the evaluation makes perturbed copies of the kinds that wire stories and
republished pages show, with `random.Random(42)`:

| perturbation | what |
|---|---|
| headline | a new headline line and a dateline prepended |
| cut | 1-3 paragraphs removed (at most 30% of the text) |
| boilerplate | site furniture added at both ends (bylines, newsletter and share lines, copyright) |
| update | a paragraph added and a sentence reworded, as in an updated version |
| combined | headline + cut + boilerplate together |
| truncated | only the first half of the paragraphs (a shortened wire version): the hardest case |

Originals and copies go through the real store (`Store.add`, a DuckDB file in a temporary directory, no
NLP): a copy counts as found when its `duplicate_of` is its original; any other `duplicate_of` is a false
positive (precision), and copies not linked to their original are misses (recall). A baseline row shows
exact-hash deduplication (what `sha256` alone catches).
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import zipfile
from pathlib import Path

from spacy.language import Language

from sitrep.errors import Errors, SitrepError
from sitrep.eval.runner import Report, progress, resolve_paths
from sitrep.model import Article, ArticleResult, text_sha256
from sitrep.store import Store

DEFAULT_SET = "guardian_sdf_sample"
PERTURBATIONS = ("headline", "cut", "boilerplate", "update", "combined", "truncated")
_FURNITURE_TOP = ["By Staff and agencies", "Updated 14:32 GMT", "Listen to this article"]
_FURNITURE_BOTTOM = ["Sign up to our morning briefing newsletter.", "Share this story on Facebook and Twitter",
                     "© 2019 Example Media Group. All rights reserved.", "Related: more coverage of this story"]
_HEADLINES = ["Live: latest updates", "What we know so far", "Analysis: the story behind the headlines",
              "Breaking news"]


def read_articles(paths: list[Path]) -> list[str]:
    files = resolve_paths(paths, DEFAULT_SET, "*.zip")
    texts: list[str] = []
    csv.field_size_limit(2**31 - 1)
    for path in files:
        with zipfile.ZipFile(path) as archive:
            for name in (n for n in archive.namelist() if n.endswith(".csv")):
                reader = csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8"))
                texts.extend(row["text"] for row in reader if row.get("text", "").strip())
    return texts


def _paragraphs(text: str) -> list[str]:
    parts = [p for p in text.split("\n") if p.strip()]
    if len(parts) < 4:  # one-block texts: cut on sentence ends instead
        parts = [s.strip() + "." for s in text.split(". ") if s.strip()]
    return parts


def perturb(text: str, kind: str, rng: random.Random) -> str:
    paragraphs = _paragraphs(text)
    if kind in ("cut", "combined") and len(paragraphs) > 3:
        budget = max(1, min(3, int(len(paragraphs) * 0.3)))
        for _ in range(rng.randint(1, budget)):
            paragraphs.pop(rng.randrange(1, len(paragraphs)))
    if kind == "truncated":
        paragraphs = paragraphs[:max(2, len(paragraphs) // 2)]
    if kind == "update":
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1),
                          "This article was updated with further details from officials on Wednesday.")
        i = rng.randrange(len(paragraphs))
        paragraphs[i] = paragraphs[i].replace(" said ", " told reporters ", 1)
    if kind in ("headline", "combined"):
        paragraphs = [rng.choice(_HEADLINES), "LONDON (Reuters) -", *paragraphs]
    if kind in ("boilerplate", "combined"):
        paragraphs = [*rng.sample(_FURNITURE_TOP, 2), *paragraphs, *rng.sample(_FURNITURE_BOTTOM, 2)]
    return "\n\n".join(paragraphs)


def _result(article_id: str, text: str) -> ArticleResult:
    return ArticleResult(article=Article(id=article_id, text=text, language="en", sha256=text_sha256(text)))


def evaluate(paths: list[Path], nlp: Language, *, limit: int | None = None) -> Report:
    texts = read_articles(paths)
    if not texts:
        raise SitrepError(Errors.E402.format(path=paths or DEFAULT_SET, task="duplicates"))
    texts = texts[:limit] if limit else texts
    rng = random.Random(42)
    copies = [(f"o{i}", f"o{i}-{kind}", perturb(text, kind, rng))
              for i, text in enumerate(texts) for kind in PERTURBATIONS]
    per_kind = {kind: [0, 0] for kind in PERTURBATIONS}  # found, total
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "dup.duckdb") as store, \
            progress(len(texts) + len(copies), "duplicates") as bar:
        task = bar.add_task("duplicates", total=len(texts) + len(copies))
        for i, text in enumerate(texts):
            store.add(_result(f"o{i}", text))
            bar.advance(task)
        for _, copy_id, text in copies:
            store.add(_result(copy_id, text))
            bar.advance(task)
        linked = dict(store.con.execute("SELECT id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL")
                      .fetchall())
    tp = fp = 0
    for original, copy_id, _ in copies:
        kind = copy_id.split("-", 1)[1]
        per_kind[kind][1] += 1
        if linked.get(copy_id) == original:
            tp += 1
            per_kind[kind][0] += 1
    fp = sum(1 for article_id, canonical in linked.items()
             if not (article_id.startswith(f"{canonical}-")))
    fn = len(copies) - tp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / len(copies) if copies else 0.0
    exact = sum(1 for (original, _, text) in copies if text_sha256(text) == text_sha256(texts[int(original[1:])]))
    return Report(
        task="duplicates",
        metrics={"originals": len(texts), "copies": len(copies), "precision": precision, "recall": recall,
                 "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
                 "false_positives": fp, "missed": fn, "baseline_exact_hash_recall": exact / len(copies)},
        rows=[{"perturbation": k, "found": v[0], "copies": v[1], "recall": v[0] / v[1] if v[1] else 0.0}
              for k, v in per_kind.items()],
    )
