"""Throughput of sitrep against a bare spaCy parse of the same articles, measured in one run.

    python benchmarks/throughput.py [--limit N] [--corpus PATH]

Reads the Guardian conflict articles (../shared/gold/guardian_sdf_sample, 249 articles; only read here,
never stored), then, in one process:
1. bare: `nlp.pipe` of the English model alone (tok2vec, tagger, parser, lemmatizer, NER);
2. full: the `sitrep extract` path (Article objects through `sitrep.process`, every stage);
3. per stage: each sitrep stage's own time inside the full run, as a share of the bare parse time.
Bare and full alternate over `--rounds` rounds (default 2) and their totals are compared.
Prints articles/s of each, their ratio, each stage's share, peak RSS, and the versions and machine.
Ratios, not seconds, are the result: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import resource
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import sitrep
from sitrep.model import Article, text_sha256
from sitrep.pipeline import MODEL_NAME
from sitrep.stages import STAGE_ORDER

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "gold" / "guardian_sdf_sample" / "Guardian_SDF_sample.csv.zip"


def load_guardian(path: Path, limit: int | None) -> list[tuple[str, str | None]]:
    """(text, published) pairs from the zipped CSV (columns: index, date, text, source)."""
    csv.field_size_limit(2**31 - 1)
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))
    pairs = [(row["text"], (row.get("date") or "")[:10] or None) for row in rows if row.get("text", "").strip()]
    return pairs[:limit] if limit else pairs


class StageTimer:
    """Wraps one pipeline component and adds up the time it takes inside the full run."""

    def __init__(self, proc: Callable[[Doc], Doc]) -> None:
        self.proc = proc
        self.seconds = 0.0

    def __call__(self, doc: Doc) -> Doc:
        started = time.perf_counter()
        try:
            return self.proc(doc)
        finally:
            self.seconds += time.perf_counter() - started


def time_stages(nlp: Language) -> dict[str, StageTimer]:
    """Time each sitrep stage where it runs, in the full pipeline (the stages have no `pipe` method, so spaCy
    calls them doc by doc and the wrapper sees every call)."""
    timers: dict[str, StageTimer] = {}
    for index, (name, proc) in enumerate(nlp._components):  # no public way to wrap a component in place
        if name in STAGE_ORDER or name == "sitrep_paragraphs":
            timers[name] = StageTimer(proc)
            nlp._components[index] = (name, timers[name])
    return timers


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="Guardian_SDF_sample.csv.zip")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2, help="alternating bare/full rounds")
    args = parser.parse_args()

    pairs = load_guardian(args.corpus, args.limit)
    texts = [t for t, _ in pairs]
    chars = sum(map(len, texts))
    articles = [Article(id=f"g{i}", text=t, published=p, language="en", sha256=text_sha256(t), source=f"g{i}")
                for i, (t, p) in enumerate(pairs)]

    bare_nlp = spacy.load(MODEL_NAME)
    full_nlp = sitrep.load()
    timers = time_stages(full_nlp)
    list(bare_nlp.pipe(texts[:4]))  # warm up both (lazy tables, first-call allocations)
    list(sitrep.process(articles[:4], full_nlp))
    rss_after_load = peak_rss_mb()
    # Alternate bare and full over several rounds and compare the totals, so that a slow spell of the shared
    # machine lands on both sides. CPU time of the process is reported beside wall time: it ignores time the
    # machine gives to other jobs.
    bare_s = full_s = bare_cpu = full_cpu = 0.0
    failures = 0
    for name in timers:
        timers[name].seconds = 0.0
    for _ in range(args.rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in bare_nlp.pipe(texts, batch_size=args.batch_size):
            pass
        bare_s += time.perf_counter() - wall
        bare_cpu += time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        failures = sum(isinstance(r, sitrep.Failure) for r in sitrep.process(articles, full_nlp,
                                                                              batch_size=args.batch_size))
        full_s += time.perf_counter() - wall
        full_cpu += time.process_time() - cpu
    stage_s = {name: timer.seconds for name, timer in timers.items()}
    result = {
        "articles": len(texts),
        "characters": chars,
        "failures": failures,
        "bare_articles_per_s": len(texts) / bare_s,
        "full_articles_per_s": len(texts) / full_s,
        "ratio_full_to_bare": bare_s / full_s,
        "ratio_full_to_bare_cpu": bare_cpu / full_cpu,
        "rounds": args.rounds,
        "stage_share_of_bare_parse": {name: s / bare_s for name, s in stage_s.items()},
        "stages_total_share_of_bare_parse": sum(stage_s.values()) / bare_s,
        "peak_rss_mb": peak_rss_mb(),
        "rss_after_load_mb": rss_after_load,
        "versions": {"sitrep": sitrep.__version__, "spacy": spacy.__version__, "python": platform.python_version(),
                     "model": f"{bare_nlp.meta['name']} {bare_nlp.meta['version']}"},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
    }
    print(f"articles: {len(texts)} ({chars / 1e6:.2f} M characters), failures: {failures}")
    print(f"bare spaCy nlp.pipe : {result['bare_articles_per_s']:8.2f} articles/s")
    print(f"full sitrep extract : {result['full_articles_per_s']:8.2f} articles/s")
    print(f"ratio full / bare   : {result['ratio_full_to_bare']:8.3f}  (target >= 0.75; "
          f"CPU time: {result['ratio_full_to_bare_cpu']:.3f})")
    for name, share in result["stage_share_of_bare_parse"].items():
        print(f"  {name:<20} {100 * share:6.1f}% of the bare parse time")
    print(f"peak RSS            : {result['peak_rss_mb']:8.0f} MB (after loading: {rss_after_load:.0f} MB)")
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
