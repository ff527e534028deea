"""Issue 13's load test, bounded: 50 concurrent clients against a real `sitrep serve` on 127.0.0.1.

The full run (60 s on a 10,000-article store, with latency percentiles) is `python benchmarks/api_load.py
--soak`; here a few seconds on the small test store check what must hold on any machine: no errors under
concurrency, and memory that does not grow with the number of requests. No timing is asserted.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from sitrep.api.loadtest import percentile, run_load, workload
from sitrep.api.server import ServerProcess


@pytest.mark.issue(13)
def test_fifty_concurrent_clients_get_no_errors_and_flat_memory(server: ServerProcess, client: httpx.Client) -> None:
    ids = [a["id"] for a in client.get("/api/articles").json()["items"]]
    assert server.process is not None
    report = run_load(server.url, workload(ids, first_day=dt.date(2023, 1, 1), days=600),
                      clients=50, seconds=6, pid=server.process.pid, sample_every=0.5)
    assert report.errors == [], report.errors[:3]
    assert report.requests >= 100, report.table()
    assert all(report.timings[name] for name in report.lists), "every list endpoint was asked"
    rss = [mb for _, mb in report.rss_mb]
    assert len(rss) >= 5
    # Flat: the second half of the run needs no more memory than the first (20 MB of slack for allocator noise).
    half = len(rss) // 2
    assert max(rss[half:]) <= max(rss[:half]) + 20, rss


def test_percentile_is_the_nearest_rank() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 100.0], 0.95) == 100.0
