"""Time the `sitrep_quotes` stage against a bare parse of the same articles.

usage: python benchmarks/quotes_speed.py [N]   (N articles of the Guardian sample, default 50)

Parses each article with the English model (timed: the bare parse), runs `sitrep_actors` (not
timed: the quotes stage reads its output), then `sitrep_quotes` (timed); prints the totals and the
stage's time as a share of the bare parse time, per-article and against a batched parse. Two passes
in one process; the second is reported. Also counts articles the stage failed on (it must refuse
none, whatever their quotation marks).
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


def texts(n: int | None) -> list[str]:
    archive = next(SAMPLE.glob("*.zip"))
    with zipfile.ZipFile(archive) as zf:
        name = next(x for x in zf.namelist() if x.endswith((".csv", ".tsv")))
        csv.field_size_limit(10**8)
        rows = csv.DictReader(io.StringIO(zf.read(name).decode("utf-8")),
                              delimiter="\t" if name.endswith(".tsv") else ",")
        found = [row["text"] for row in rows if (row.get("text") or "").strip()]
        return found if n is None else found[:n]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    docs = texts(n)
    nlp = sitrep.load(stages=["sitrep_actors", "sitrep_quotes"])
    actors = nlp.get_pipe("sitrep_actors")
    quotes = nlp.get_pipe("sitrep_quotes")
    failed = found = 0
    with nlp.select_pipes(disable=["sitrep_actors", "sitrep_quotes"]):
        for _ in range(2):
            t_parse = t_stage = 0.0
            failed = found = 0
            for text in docs:
                t0 = time.perf_counter()
                doc = nlp(text)
                t1 = time.perf_counter()
                actors(doc)
                t2 = time.perf_counter()
                try:
                    quotes(doc)
                    found += len(doc._.quotes)
                except Exception:  # counted, not hidden: the report says how many failed
                    failed += 1
                t3 = time.perf_counter()
                t_parse += t1 - t0
                t_stage += t3 - t2
        t0 = time.perf_counter()
        for _ in nlp.pipe(docs, batch_size=32):
            pass
        t_batched = time.perf_counter() - t0
    share, share_batched = t_stage / t_parse, t_stage / t_batched
    print(f"{len(docs)} articles, {sum(map(len, docs))} chars; spaCy {spacy.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}")
    print(f"bare parse {t_parse:.2f}s, sitrep_quotes {t_stage:.3f}s: the stage adds {share:.1%} of the parse time")
    print(f"batched bare parse {t_batched:.2f}s: the stage adds {share_batched:.1%} of it")
    print(f"{found} quotes; articles the stage failed on: {failed}")
    print(json.dumps({"articles": len(docs), "parse_s": round(t_parse, 3), "quotes_s": round(t_stage, 3),
                      "quotes_share": round(share, 4), "batched_parse_s": round(t_batched, 3),
                      "quotes_share_batched": round(share_batched, 4), "quotes": found, "failed": failed}))


if __name__ == "__main__":
    main()
