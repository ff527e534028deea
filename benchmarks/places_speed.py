"""Time the `sitrep_places` stage against a bare parse of the same articles.

usage: python benchmarks/places_speed.py [N]   (N articles of the Guardian sample, default 50)

Parses each article with the English model, then runs `sitrep_places` on the parsed doc, timing both
per article (so that load from others on the machine hits both alike). Two passes; the gazetteer's
lookup caches are emptied before each, so the figure includes the SQLite lookups a fresh process
makes (the OS page cache stays warm after the first pass). Also prints the process's peak RSS.
"""

from __future__ import annotations

import csv
import io
import json
import platform
import resource
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
    t0 = time.perf_counter()
    nlp = sitrep.load(stages=["sitrep_places"])
    load_s = time.perf_counter() - t0
    stage = nlp.get_pipe("sitrep_places")
    gaz = stage.gazetteer
    places = 0
    with nlp.select_pipes(disable=["sitrep_places"]):
        for _ in range(2):
            gaz._lookup.cache_clear()
            gaz._get.cache_clear()
            gaz._prefix.cache_clear()
            t_parse = t_stage = 0.0
            places = 0
            for text in docs:
                t0 = time.perf_counter()
                doc = nlp(text)
                t1 = time.perf_counter()
                stage(doc)
                t2 = time.perf_counter()
                t_parse += t1 - t0
                t_stage += t2 - t1
                places += len(doc._.places)
    share = t_stage / t_parse
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n} articles, {sum(map(len, docs))} chars, {places} places; spaCy {spacy.__version__}, "
          f"Python {platform.python_version()}; pipeline load {load_s:.2f}s; peak RSS {rss_mb:.0f} MB")
    print(f"bare parse {t_parse:.2f}s, sitrep_places {t_stage:.2f}s: the stage adds {share:.1%} of the parse time")
    print(json.dumps({"articles": n, "parse_s": round(t_parse, 3), "places_s": round(t_stage, 3),
                      "places_share": round(share, 4), "peak_rss_mb": round(rss_mb)}))


if __name__ == "__main__":
    main()
