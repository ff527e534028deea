"""Spark local[2] against local[1] on the same articles, in one run, with peak RSS per Python worker.

    python benchmarks/spark_scaling.py [--limit 2000]

Writes the GVA local-news articles (../shared/gold/gva_casualties, read only, into a temporary JSONL),
runs `sitrep.spark.extract` with local[1] and then local[2], and prints articles/s of each, their ratio
(target >= 1.7) and the peak resident memory of each Python worker process (target <= 1.5 GB). A sampling
thread reads the RSS of every Python process below this one every 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil

from sitrep.spark import extract

ROOT = Path(__file__).resolve().parents[1]
GVA = ROOT.parent / "shared" / "gold" / "gva_casualties" / "gva_news_articles.jsonl"


class WorkerMemory:
    """Peak RSS of the Python processes under this one (Spark's Python workers), sampled in a thread."""

    def __init__(self) -> None:
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            for child in me.children(recursive=True):
                try:
                    if "python" in child.name().lower():
                        self.peak[child.pid] = max(self.peak.get(child.pid, 0), child.memory_info().rss)
                except psutil.Error:
                    continue
            time.sleep(0.2)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def max_mb(self) -> float:
        return max(self.peak.values(), default=0) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "gva.jsonl"
        count = 0
        with GVA.open(encoding="utf-8") as lines, source.open("w", encoding="utf-8") as out:
            for line in lines:
                row = json.loads(line)
                if not (row.get("text") or "").strip():
                    continue
                out.write(json.dumps({"id": row["doc_id"], "text": row["text"], "published": row.get("dct"),
                                      "title": row.get("title"), "url": row.get("url")}) + "\n")
                count += 1
                if count >= args.limit:
                    break
        timings: dict[str, float] = {}
        memory: dict[str, float] = {}
        for master in ("local[1]", "local[2]"):
            with WorkerMemory() as sampler:
                started = time.perf_counter()
                counts = extract(str(source), str(Path(tmp) / master.replace("[", "_").replace("]", "")),
                                 master=master, partitions=8)
                timings[master] = time.perf_counter() - started
            memory[master] = sampler.max_mb()
            print(f"{master}: {count / timings[master]:.2f} articles/s ({timings[master]:.0f} s; {counts}); "
                  f"peak worker RSS {memory[master]:.0f} MB")
    ratio = timings["local[1]"] / timings["local[2]"]
    print(f"speed-up local[2] / local[1]: {ratio:.2f} (target >= 1.7) on {os.cpu_count()} cores")
    print(json.dumps({"articles": count, "seconds": timings, "speedup": ratio, "peak_worker_rss_mb": memory}))


if __name__ == "__main__":
    main()
