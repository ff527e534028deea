"""Time the `sitrep_actors` stage against a bare parse of the same articles.

usage: python benchmarks/actors_speed.py [N]   (N articles of the Guardian sample, default 50)

Parses each article with the English model, then runs `sitrep_actors` on the parsed doc, timing both
per article (so that load from others on the machine hits both alike); prints the totals and the
stage's time as a share of the bare parse time. One process; the second of two passes is reported.
"""

from __future__ import annotations

import csv
import io
import json
import platform
import sys
import time
import zipfile
from pathlib import Path

import spacy

import sitrep

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "gold" / "guardian_sdf_sample"


def texts(n: int) -> list[str]:
    archive = next(SAMPLE.glob("*.zip"))
    with zipfile.ZipFile(archive) as zf:
        name = next(x for x in zf.namelist() if x.endswith((".csv", ".tsv")))
        csv.field_size_limit(10**8)
        rows = csv.DictReader(io.StringIO(zf.read(name).decode("utf-8")),
                              delimiter="\t" if name.endswith(".tsv") else ",")
        return [row["text"] for row in rows if (row.get("text") or "").strip()][:n]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    docs = texts(n)
    nlp = sitrep.load(stages=["sitrep_actors"])
    stage = nlp.get_pipe("sitrep_actors")
    # time the parse and the stage on the same docs in one pass, so that load from colleagues
    # sharing the machine affects both alike
    t_parse = t_stage = 0.0
    with nlp.select_pipes(disable=["sitrep_actors"]):
        for _ in range(2):
            t_parse = t_stage = 0.0
            for text in docs:
                t0 = time.perf_counter()
                doc = nlp(text)
                t1 = time.perf_counter()
                stage(doc)
                t2 = time.perf_counter()
                t_parse += t1 - t0
                t_stage += t2 - t1
    share = t_stage / t_parse
    # the same parse batched (nlp.pipe, as sitrep.process runs it) is faster per doc: report the
    # stage against that too, the stricter ratio
    with nlp.select_pipes(disable=["sitrep_actors"]):
        t0 = time.perf_counter()
        for _ in nlp.pipe(docs, batch_size=32):
            pass
        t_batched = time.perf_counter() - t0
    share_batched = t_stage / t_batched
    print(f"{n} articles, {sum(map(len, docs))} chars; spaCy {spacy.__version__}, Python {platform.python_version()}")
    print(f"bare parse {t_parse:.2f}s, sitrep_actors {t_stage:.2f}s: the stage adds {share:.1%} of the parse time")
    print(f"batched bare parse {t_batched:.2f}s: the stage adds {share_batched:.1%} of it")
    print(json.dumps({"articles": n, "parse_s": round(t_parse, 3), "actors_s": round(t_stage, 3),
                      "actors_share": round(share, 4), "batched_parse_s": round(t_batched, 3),
                      "actors_share_batched": round(share_batched, 4)}))


if __name__ == "__main__":
    main()
