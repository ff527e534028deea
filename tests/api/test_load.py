"""Issue 13's load test, bounded: 50 concurrent clients against a real `sitrep serve` on 127.0.0.1.

The full run (60 s on a 10,000-article store, with latency percentiles) is `python benchmarks/api_load.py
--soak`; here a few seconds on the small test store check what must hold on any machine: no errors under
concurrency, and memory that does not grow with the number of requests. No timing is asserted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator

import httpx
import pytest

from sitrep.api.loadtest import Endpoint, percentile, run_load, workload
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


@pytest.mark.issue(13)
def test_the_httpx_client_sees_the_same_server_without_errors(server: ServerProcess, client: httpx.Client) -> None:
    ids = [a["id"] for a in client.get("/api/articles").json()["items"]]
    report = run_load(server.url, workload(ids, first_day=dt.date(2023, 1, 1), days=600),
                      clients=5, seconds=60, max_requests=60, client="httpx")
    assert report.errors == [], report.errors[:3]
    assert report.requests >= 50


@pytest.fixture
def plain_server() -> Iterator[str]:
    """A plain asyncio HTTP/1.1 server on 127.0.0.1, in a thread: answers by length, chunked, closing, 404."""
    answers = {
        b"/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        b"/length": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"/close": b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye",
        b"/missing": b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno such x",
    }

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            path = head.split(b" ")[1].split(b"?")[0]
            writer.write(answers[path])
            await writer.drain()
            if path == b"/close":
                break
        writer.close()

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(serve, "127.0.0.1", 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def test_the_wire_client_reads_every_kind_of_answer_and_counts_errors(plain_server: str) -> None:
    endpoints = [Endpoint("chunked", "/chunked"), Endpoint("length", "/length", lambda rng: {"q": "a b"}),
                 Endpoint("close", "/close"), Endpoint("missing", "/missing")]
    report = run_load(plain_server, endpoints, clients=1, seconds=30, max_requests=8)
    assert report.requests == 8  # every answer read to its end, the closed connection opened again
    assert {name: len(times) for name, times in report.timings.items()} == {
        "chunked": 2, "length": 2, "close": 2, "missing": 2}
    assert len(report.errors) == 2 and all("404 no such x" in e for e in report.errors), report.errors


def test_an_unknown_client_is_refused() -> None:
    with pytest.raises(ValueError, match="client must be"):
        run_load("http://127.0.0.1:9", [Endpoint("x", "/")], clients=1, seconds=1, client="curl")


def test_percentile_is_the_nearest_rank() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 100.0], 0.95) == 100.0
