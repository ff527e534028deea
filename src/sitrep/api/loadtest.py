"""A bounded HTTP load against a running `sitrep serve`: concurrent clients, latency per endpoint, server RSS.

    report = run_load(server.url, workload(ids), clients=50, seconds=60, pid=server.process.pid)
    print(report.table())

Used by `benchmarks/api_load.py` (issue 11: 20 clients; issue 13: 50 clients for 60 s) and, bounded to a few
seconds on a small store, by `tests/api/test_load.py`. Only ever aimed at the loopback server it is given.

Each client is a closed loop (send, wait for the answer, send the next), as a dashboard user or a script is;
requests cycle through the workload with parameters drawn from a seeded `random.Random`, so most list
requests are different URLs (a per-URL cache cannot answer them) and every run draws the same ones.

Why the default client speaks HTTP/1.1 over asyncio streams itself (`client="wire"`): client and server share
the 2-core machine, and httpx spends more CPU per request than the server does (measured 2026-12-07: the load
process at 78% of a core, the server at 41%), so its latencies were mostly the client's own queue. The wire
client sends a GET on a kept-alive connection and reads the status line, the headers and a
Content-Length or chunked body, the way `wrk` does; `client="httpx"` keeps the old client for comparison.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

Params = Callable[[random.Random], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    """One kind of request: a name for the report, a path (may contain `{id}`), and its parameters."""

    name: str
    path: str
    params: Params = lambda rng: {}  # no parameters
    ids: tuple[str, ...] = ()  # values drawn for `{id}` in the path
    is_list: bool = True  # counts towards the list-endpoint p95 target

    def request(self, rng: random.Random) -> tuple[str, dict[str, Any]]:
        path = self.path.replace("{id}", rng.choice(self.ids)) if "{id}" in self.path else self.path
        return path, self.params(rng)


COUNTRIES = ("SYR", "TUR", "IRQ", "USA", "RUS", "IRN", "GBR", "FRA", "ISR", "UKR", "SDN", "NGA")
TYPES = ("ASSAULT", "ACCUSE", "CONSULT", "AGREE", "PROTEST", "COERCE", "SUPPORT", "REQUEST", "THREATEN", "AID")
STATUSES = ("asserted", "reported", "claimed", "denied", "disputed")
# Words an analyst would search a conflict-news store for: names, places, weapons, common words.
SEARCHES = ("Raqqa", "ceasefire", "Kurdish", "airstrike", "Idlib", "refugees", "Erdogan", "Manbij", "chemical",
            "Damascus", "Isis fighters", "United Nations", "Afrin", "hospital", "civilians", "Assad")
ACTORS = ("police", "army", "Kurdish", "rebels", "government", "coalition", "Trump", "ministry")


def _date_range(rng: random.Random, first: dt.date, days: int) -> dict[str, str]:
    start = first + dt.timedelta(days=rng.randrange(days))
    return {"date_from": start.isoformat(), "date_to": (start + dt.timedelta(days=rng.randint(14, 180))).isoformat()}


def workload(article_ids: Sequence[str], story_ids: Sequence[str] = (), first_day: dt.date = dt.date(2017, 1, 1),
             days: int = 900) -> list[Endpoint]:
    """What the dashboard and API scripts ask for, with varied filters (dates within `days` of `first_day`)."""
    def pick(values: Sequence[str]) -> Callable[[random.Random], str]:
        return lambda rng: rng.choice(values)

    country, etype, search, actor = pick(COUNTRIES), pick(TYPES), pick(SEARCHES), pick(ACTORS)
    endpoints = [
        Endpoint("events", "/api/events", lambda rng: {"offset": rng.choice((0, 0, 50, 100, 500, 5000))}),
        Endpoint("events?country", "/api/events", lambda rng: {"country": country(rng)}),
        Endpoint("events?type+dates", "/api/events",
                 lambda rng: {"type": etype(rng), **_date_range(rng, first_day, days)}),
        Endpoint("events?status", "/api/events", lambda rng: {"status": rng.choice(STATUSES)}),
        Endpoint("events?q", "/api/events", lambda rng: {"q": search(rng)}),
        Endpoint("events?bbox", "/api/events", lambda rng: {"bbox": _bbox(rng)}),
        Endpoint("events?actor", "/api/events", lambda rng: {"actor": actor(rng), "offset": rng.choice((0, 50))}),
        Endpoint("event-locations", "/api/event-locations",
                 lambda rng: rng.choice(({}, {"country": country(rng)}, _date_range(rng, first_day, days)))),
        Endpoint("timeline", "/api/timeline",
                 lambda rng: rng.choice(({}, {"type": etype(rng)}, _date_range(rng, first_day, days)))),
        Endpoint("facets", "/api/facets",
                 lambda rng: rng.choice(({}, {"q": search(rng)}, _date_range(rng, first_day, days)))),
        Endpoint("articles", "/api/articles", lambda rng: {"offset": rng.choice((0, 50, 1000))}),
        Endpoint("articles?q", "/api/articles", lambda rng: {"q": search(rng)}),
        Endpoint("articles?country", "/api/articles", lambda rng: {"country": country(rng)}),
        Endpoint("actors", "/api/actors", lambda rng: {"country": country(rng)}),
        Endpoint("actors?group", "/api/actors", lambda rng: {"group": "true", "country": country(rng)}),
        Endpoint("places", "/api/places", lambda rng: {"country": country(rng)}),
        Endpoint("places?group", "/api/places", lambda rng: {"group": "true"}),
        Endpoint("quotes", "/api/quotes", lambda rng: {"q": search(rng)}),
        Endpoint("quantities", "/api/quantities", lambda rng: {"category": rng.choice(("killed", "injured",
                                                                                       "displaced"))}),
        Endpoint("story-events", "/api/story-events",
                 lambda rng: rng.choice(({}, {"type": etype(rng)}, _date_range(rng, first_day, days)))),
        Endpoint("stats", "/api/stats"),
        Endpoint("articles/{id}", "/api/articles/{id}", ids=tuple(article_ids), is_list=False),
    ]
    if story_ids:
        endpoints.append(Endpoint("story-events/{id}", "/api/story-events/{id}", ids=tuple(story_ids),
                                  is_list=False))
    return endpoints


def _bbox(rng: random.Random) -> str:
    lon, lat = rng.uniform(-20, 60), rng.uniform(0, 50)
    size = rng.choice((2, 5, 15))
    return f"{lon:.2f},{lat:.2f},{lon + size:.2f},{lat + size:.2f}"


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (nearest rank) of `values`, in the same unit."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


@dataclass
class LoadReport:
    """What one load run measured: seconds per request by endpoint, errors, and the server's RSS over time."""

    clients: int
    seconds: float = 0.0
    timings: dict[str, list[float]] = field(default_factory=dict)
    lists: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    rss_mb: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, MB)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.timings.values())

    def worst_list_p95_ms(self) -> float:
        return max((1000 * percentile(v, 0.95) for k, v in self.timings.items() if k in self.lists and v),
                   default=float("nan"))

    def list_p95_ms(self) -> float:
        """p95 over every list request together."""
        return 1000 * percentile([t for k, v in self.timings.items() if k in self.lists for t in v], 0.95)

    def table(self) -> str:
        lines = [f"{self.requests} requests from {self.clients} concurrent clients in {self.seconds:.1f} s "
                 f"({self.requests / max(self.seconds, 1e-9):.0f} req/s), {len(self.errors)} errors",
                 f"{'endpoint':<22}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"]
        for name, values in self.timings.items():
            if values:
                lines.append(f"{name:<22}{len(values):>6}" + "".join(
                    f"{1000 * percentile(values, q):>9.1f}" for q in (0.5, 0.95, 0.99)) + f"{1000 * max(values):>9.1f}")
        lines.append(f"list endpoints: p95 of all list requests {self.list_p95_ms():.1f} ms, worst endpoint p95 "
                     f"{self.worst_list_p95_ms():.1f} ms (target < 200 ms)")
        if self.rss_mb:
            values = [mb for _, mb in self.rss_mb]
            lines.append(f"server RSS: first {values[0]:.0f} MB, last {values[-1]:.0f} MB, max {max(values):.0f} MB "
                         f"({len(values)} samples)")
            step = max(1, len(self.rss_mb) // 12)
            lines.append("server RSS over time: " + ", ".join(f"{t:.0f}s {mb:.0f}" for t, mb in self.rss_mb[::step]))
        for error in self.errors[:5]:
            lines.append(f"error: {error}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        rss = [mb for _, mb in self.rss_mb]
        return {
            "clients": self.clients, "seconds": round(self.seconds, 1), "requests": self.requests,
            "errors": len(self.errors), "list_p95_ms": round(self.list_p95_ms(), 1),
            "worst_list_p95_ms": round(self.worst_list_p95_ms(), 1),
            "rss_mb": {"first": round(rss[0]), "last": round(rss[-1]), "max": round(max(rss))} if rss else None,
            "rss_series": [[round(t, 1), round(mb)] for t, mb in self.rss_mb],
            "endpoints": {name: {"n": len(v), **{f"p{int(q * 100)}_ms": round(1000 * percentile(v, q), 1)
                                                  for q in (0.5, 0.95, 0.99)}}
                          for name, v in self.timings.items() if v},
        }


def run_load(url: str, endpoints: Sequence[Endpoint], *, clients: int, seconds: float,
             max_requests: int | None = None, pid: int | None = None, seed: int = 0,
             sample_every: float = 1.0, timeout: float = 30.0, client: str = "wire") -> LoadReport:
    """`clients` closed-loop clients cycle through `endpoints` for `seconds` (or `max_requests`).

    pid (int): the server's process id; its RSS (with its child processes') is sampled every `sample_every` s.
    client (str): "wire" (HTTP/1.1 on asyncio streams, light on CPU) or "httpx" (see the module docstring).
    Any answer other than 200, and any failed request (timeout, reset), is an error.
    """
    if client not in ("wire", "httpx"):
        raise ValueError(f"client must be 'wire' or 'httpx', not {client!r}")
    report = LoadReport(clients=clients, timings={e.name: [] for e in endpoints},
                        lists={e.name for e in endpoints if e.is_list})
    stop = threading.Event()
    sampler = None
    if pid is not None:
        sampler = threading.Thread(target=_sample_rss, args=(pid, sample_every, stop, report), daemon=True)
        sampler.start()
    started = time.perf_counter()
    try:
        run = _wire_clients if client == "wire" else _httpx_clients
        asyncio.run(run(url, endpoints, clients, seconds, max_requests, seed, timeout, report))
    finally:
        report.seconds = time.perf_counter() - started
        stop.set()
        if sampler is not None:
            sampler.join()
    return report


def _sample_rss(pid: int, every: float, stop: threading.Event, report: LoadReport) -> None:
    import psutil

    process = psutil.Process(pid)
    started = time.perf_counter()
    while True:
        try:  # with `sitrep serve --workers N` the server is a supervisor and its N processes
            rss = sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])
            report.rss_mb.append((time.perf_counter() - started, rss / 1e6))
        except psutil.Error:
            return
        if stop.wait(every):
            return


Fetch = Callable[[str], Awaitable[tuple[int, bytes]]]


async def _drive(endpoints: Sequence[Endpoint], clients: int, seconds: float, max_requests: int | None, seed: int,
                 report: LoadReport, fetcher: Callable[[], AbstractAsyncContextManager[Fetch]],
                 failures: tuple[type[BaseException], ...]) -> None:
    """Run `clients` closed loops; each gets its `fetch` from `fetcher` and records timings and errors."""
    deadline = time.monotonic() + seconds
    issued = 0

    async def client(index: int) -> None:
        nonlocal issued
        rng = random.Random(seed * 1000 + index)
        k = index
        async with fetcher() as fetch:
            while time.monotonic() < deadline and (max_requests is None or issued < max_requests):
                issued += 1
                endpoint = endpoints[k % len(endpoints)]
                k += 1
                path, params = endpoint.request(rng)
                target = path + ("?" + urlencode(params, doseq=True) if params else "")
                began = time.perf_counter()
                try:
                    status, body = await fetch(target)
                except failures as e:
                    report.errors.append(f"{endpoint.name} {target}: {type(e).__name__}: {e}")
                    continue
                report.timings[endpoint.name].append(time.perf_counter() - began)
                if status != 200:
                    report.errors.append(f"{endpoint.name} {target}: {status} {body[:200].decode(errors='replace')}")

    await asyncio.gather(*(client(i) for i in range(clients)))


async def _httpx_clients(url: str, endpoints: Sequence[Endpoint], clients: int, seconds: float,
                         max_requests: int | None, seed: int, timeout: float, report: LoadReport) -> None:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as http:
        async def fetch(target: str) -> tuple[int, bytes]:
            response = await http.get(target)
            return response.status_code, await response.aread()

        @asynccontextmanager
        async def fetcher() -> AsyncIterator[Fetch]:
            yield fetch  # one shared connection pool

        await _drive(endpoints, clients, seconds, max_requests, seed, report, fetcher, (httpx.HTTPError,))


class _Connection:
    """One kept-alive HTTP/1.1 connection to the server: GET a target, read the whole answer."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode("latin-1"))
        await self.writer.drain()
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers = {name.strip().lower(): value.strip()
                   for name, _, value in (line.partition(":") for line in head[1:] if line)}
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")  # no trailers are sent: the empty line after the last chunk
            body = b"".join(parts)
        else:  # no length: the body runs to the end of the connection
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _wire_clients(url: str, endpoints: Sequence[Endpoint], clients: int, seconds: float,
                        max_requests: int | None, seed: int, timeout: float, report: LoadReport) -> None:
    parts = urlsplit(url)
    host, port, base = parts.hostname or "127.0.0.1", parts.port or 80, parts.path.rstrip("/")

    @asynccontextmanager
    async def fetcher() -> AsyncIterator[Fetch]:
        connection = _Connection(host, port)  # one kept-alive connection per client

        async def fetch(target: str) -> tuple[int, bytes]:
            try:
                return await asyncio.wait_for(connection.get(base + target), timeout)
            except BaseException:
                connection.close()  # a half-read answer leaves the connection unusable
                raise

        try:
            yield fetch
        finally:
            connection.close()

    await _drive(endpoints, clients, seconds, max_requests, seed, report, fetcher,
                 (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError))
