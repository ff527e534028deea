"""API and dashboard speed on a 10,000-article store built from real extraction results.

    python benchmarks/api_load.py                         # issue 11: CPU per request, 20 clients, page loads
    python benchmarks/api_load.py --soak                  # issue 13: 50 clients for 60 s, errors, server RSS
    python benchmarks/api_load.py --rebuild --articles 10000 --real 249

Targets: list endpoints p95 < 200 ms at 20 concurrent clients and every page < 1 s (issue 11); 50 clients
for 60 s with 0 errors, list p95 < 200 ms and flat memory (issue 13).

**The store.** The Guardian conflict articles of `../shared/gold/guardian_sdf_sample` (249 real articles,
~6 k characters each; read here only, never copied into the repository) are extracted once with the full
pipeline; the results are cached beside the store (`<db>.real-N.jsonl`), so a rebuild does not extract again.
The store is then filled through `Store.add_many`, the path `sitrep ingest` takes, to `--articles` articles:
the real results first (copies and story events found by the real cross-article layer), then rounds of
replicas. A round is the real corpus again under new ids and urls, with publication dates and every
day-precise event and time value moved by one random number of days (up to 18 months either way, seeded),
so the timeline and the map spread like a bigger corpus. A replica's text gets a one-line marker so that
its sha256 differs. The copy detector would (rightly) call every replica a copy of its original; it is
switched off for replicas, and 3% of them are marked as copies instead, as wire copies are in real feeds.
Story linking is switched off for replicas too (linking 10,000 articles batch by batch takes hours on a busy
machine); each round gets a copy of the real articles' story events instead, moved by the round's days.
The Guardian sample has no titles: each article's title is its first sentence (at most 100 characters).
Building takes about 30 minutes on a busy 2-core machine; the server's serving index then takes minutes
more on its first start (the script builds it before starting the server, and says how long it took).

**The server** is a real `sitrep serve` process on 127.0.0.1; the load comes from `sitrep.api.loadtest`
(closed-loop async clients, seeded parameters, so most list requests are distinct URLs). Client and server
share the machine, so latencies are pessimistic for a server with cores of its own, and on a busy machine
they say more about the machine than about sitrep: the script prints the load average with every figure, and
the server's CPU time per request (one client, one request at a time), which does not depend on other jobs.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import random
import statistics
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import httpx

from sitrep import across
from sitrep.api.loadtest import Endpoint, run_load, workload
from sitrep.api.server import ServerProcess
from sitrep.api.serving import ServingIndex, serving_path
from sitrep.model import Article, ArticleResult, text_sha256
from sitrep.store import Store

ROOT = Path(__file__).resolve().parents[1]
GUARDIAN = ROOT.parent / "shared" / "gold" / "guardian_sdf_sample" / "Guardian_SDF_sample.csv.zip"
COPY_SHARE = 0.03  # replicas marked as wire copies of their original
MAX_SHIFT_DAYS = 540


# -- the store -----------------------------------------------------------------------------------------------

def first_sentence(text: str, limit: int = 100) -> str:
    """The article's first sentence, cut on a word boundary at `limit` characters (a stand-in title)."""
    head = text.strip().split("\n", 1)[0]
    for end in (". ", "? ", "! "):
        if end in head:
            head = head.split(end, 1)[0] + end.strip()
            break
    if len(head) > limit:
        head = head[:limit].rsplit(" ", 1)[0] + "…"
    return head


def load_guardian(path: Path, limit: int) -> list[Article]:
    csv.field_size_limit(2**31 - 1)
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))
    articles = []
    for i, row in enumerate(rows):
        text = (row.get("text") or "").strip()
        if text:
            articles.append(Article(id=f"guardian-{i:03d}", text=text, published=(row.get("date") or "")[:10] or None,
                                    title=first_sentence(text), url=f"https://example.org/guardian/{i:03d}",
                                    language="en", sha256=text_sha256(text), source="guardian_sdf_sample"))
    return articles[:limit]


def real_results(corpus: Path, limit: int, cache: Path) -> list[ArticleResult]:
    """The extraction results of the first `limit` real articles, extracted once and cached as JSONL."""
    if cache.exists():
        return [ArticleResult.model_validate_json(line) for line in cache.open(encoding="utf-8")]
    import sitrep

    articles = load_guardian(corpus, limit)
    print(f"extracting {len(articles)} real articles from {corpus} (once; cached in {cache}) ...", flush=True)
    started = time.perf_counter()
    nlp = sitrep.load()
    results = [r for r in sitrep.process(articles, nlp) if isinstance(r, ArticleResult)]
    print(f"extracted {len(results)} in {time.perf_counter() - started:.0f} s", flush=True)
    cache.write_text("".join(r.model_dump_json() + "\n" for r in results), encoding="utf-8")
    return results


def _shift(value: str | None, days: int) -> str | None:
    """A TIMEX3 value moved by `days` when it starts with a full date; other values are kept."""
    if not value or len(value) < 10:
        return value
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return (day + dt.timedelta(days=days)).isoformat() + value[10:]


def replica(result: ArticleResult, number: int, days: int) -> ArticleResult:
    """The same extraction result stored as another article, `days` later (or earlier)."""
    a = result.article
    text = f"{a.text}\n\n[replica {number}]"
    article = a.model_copy(update={"id": f"{a.id}-r{number}", "text": text, "sha256": text_sha256(text),
                                   "url": f"{a.url}-r{number}", "published": _shift(a.published, days)})
    events = [e.model_copy(update={"date": e.date.model_copy(update={"value": _shift(e.date.value, days)})})
              if e.date else e for e in result.events]
    times = [t.model_copy(update={"value": _shift(t.value, days)}) for t in result.times]
    return result.model_copy(update={"article": article, "events": events, "times": times})


@contextmanager
def replicas_linked_by_sql(copies: dict[str, str]) -> Iterator[None]:
    """While storing replicas: no copy detection (the articles in `copies` become copies of their value) and no
    story linking (`copy_stories` copies the real articles' story events instead, in one statement)."""
    find_copies, link_events = across.find_copies, across.link_events

    def mark(con: duckdb.DuckDBPyConnection, batch: Any) -> None:
        for item in batch:
            item.duplicate_of = copies.get(item.id)

    across.find_copies = mark
    across.link_events = lambda con, batch: []
    try:
        yield
    finally:
        across.find_copies, across.link_events = find_copies, link_events


def copy_stories(con: duckdb.DuckDBPyConnection, real_ids: list[str], number: int, days: int) -> None:
    """The story events of the real articles again, for replica round `number` moved by `days`."""
    con.execute(f"""INSERT INTO story_events SELECT * REPLACE (id || '-r{number}' AS id,
                    date + INTERVAL ({days}) DAY AS date) FROM story_events
                    WHERE id IN (SELECT story_event_id FROM story_event_reports
                                 WHERE article_id IN (SELECT unnest(?::VARCHAR[])))""", [real_ids])
    con.execute(f"""INSERT INTO story_event_reports SELECT story_event_id || '-r{number}',
                    article_id || '-r{number}', event_id FROM story_event_reports
                    WHERE article_id IN (SELECT unnest(?::VARCHAR[]))""", [real_ids])


def build(path: Path, n_articles: int, results: list[ArticleResult], batch: int = 64) -> None:
    """A new store at `path` holding `n_articles`: the real results, then rounds of replicas of them.

    The real results go through `Store.add_many` unchanged (copies, story events and all). Each replica round
    is the real corpus again, moved by one random number of days: its articles through `Store.add_many` with
    the copy detector replaced by a fixed choice (3% copies) and story linking replaced by a copy of the real
    articles' story events, moved by the same days (linking 10,000 articles one batch at a time would take
    hours on a busy machine and would link every replica to its original).
    """
    rng = random.Random(42)
    if path.exists():
        path.unlink()
    started = time.perf_counter()
    with Store.open(path) as store:
        real = results[:n_articles]
        for start in range(0, len(real), batch):
            store.add_many(real[start:start + batch])
        real_ids = [r.article.id for r in real]
        remaining = n_articles - len(real)
        number = 0
        while remaining > 0:
            number += 1
            days = rng.randint(-MAX_SHIFT_DAYS, MAX_SHIFT_DAYS)
            pending = [replica(result, number, days) for result in real[:remaining]]
            copies = {item.article.id: item.article.id.rsplit("-r", 1)[0] for item in pending
                      if rng.random() < COPY_SHARE}
            with replicas_linked_by_sql(copies):
                for start in range(0, len(pending), batch):
                    store.add_many(pending[start:start + batch])
            if len(pending) == len(real):
                copy_stories(store.con, real_ids, number, days)
            remaining -= len(pending)
            print(f"  {n_articles - remaining:>6} articles stored ({time.perf_counter() - started:.0f} s)", flush=True)
        store.con.execute("CHECKPOINT")


# -- measuring ---------------------------------------------------------------------------------------------

def serial(url: str, pid: int, endpoints: list[Endpoint], repeats: int) -> dict[str, tuple[float, float]]:
    """One client, one request at a time: median latency and the server's CPU time per request (ms).

    CPU time per request hardly depends on what else runs on the machine, unlike latency under load.
    """
    import psutil

    server = psutil.Process(pid)
    processes = [server, *server.children(recursive=True)]  # `--workers N`: the supervisor and its processes

    def cpu_seconds() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in processes)

    rng = random.Random(7)
    out = {}
    with httpx.Client(base_url=url, timeout=60) as http:
        for endpoint in endpoints:
            path, params = endpoint.request(rng)
            http.get(path, params=params)  # warm up
            before = cpu_seconds()
            latencies = []
            for _ in range(repeats):
                path, params = endpoint.request(rng)
                began = time.perf_counter()
                response = http.get(path, params=params)
                latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    print(f"  {endpoint.name}: {response.status_code} {response.text[:200]}", file=sys.stderr)
            cpu = (cpu_seconds() - before) / repeats
            out[endpoint.name] = (statistics.median(latencies) * 1000, cpu * 1000)
    return out


PAGES = {"/ (events)": "/", "filtered events": "/#/events?country=SYR&type=ASSAULT",
         "searched events": "/#/events?q=Raqqa", "article": "/#/article/{article}?event=E1",
         "stories": "/#/stories", "/docs": "/docs"}


PAGE_REQUESTS = {  # what each dashboard page asks the server for (app.js), the static files first
    "/ (events)": ["/", "/static/app.js", "/static/app.css", "/static/world.geojson", "/api/events?limit=50&offset=0",
                   "/api/event-locations", "/api/timeline", "/api/facets"],
    "filtered events": ["/", "/static/app.js", "/static/app.css", "/static/world.geojson",
                        "/api/events?country=SYR&type=ASSAULT&limit=50&offset=0",
                        "/api/event-locations?country=SYR&type=ASSAULT", "/api/timeline?country=SYR&type=ASSAULT",
                        "/api/facets?country=SYR&type=ASSAULT"],
    "searched events": ["/", "/static/app.js", "/static/app.css", "/static/world.geojson",
                        "/api/events?q=Raqqa&limit=50&offset=0", "/api/event-locations?q=Raqqa",
                        "/api/timeline?q=Raqqa", "/api/facets?q=Raqqa"],
    "article": ["/", "/static/app.js", "/static/app.css", "/api/articles/{article}"],
    "stories": ["/", "/static/app.js", "/static/app.css", "/api/story-events?limit=50", "/api/story-events/{story}"],
}


def page_requests(url: str, article_id: str, story_id: str, repeats: int) -> dict[str, list[float]]:
    """Seconds the server takes for all the requests of each page, sent one after another (no browser; a
    fresh `nocache` value per repeat, so the server's answer cache does not answer)."""
    out: dict[str, list[float]] = {name: [] for name in PAGE_REQUESTS}
    with httpx.Client(base_url=url, timeout=60) as http:
        for repeat in range(repeats):
            for name, paths in PAGE_REQUESTS.items():
                began = time.perf_counter()
                for path in paths:
                    path = path.replace("{article}", article_id).replace("{story}", story_id)
                    if path.startswith("/api/"):
                        path += ("&" if "?" in path else "?") + f"nocache={repeat}"
                    http.get(path).raise_for_status()
                out[name].append(time.perf_counter() - began)
    return out


def page_loads(url: str, repeats: int, article_id: str) -> dict[str, list[float]]:
    """Seconds from navigation to the dashboard's `data-ready` mark (the docs page: its first endpoint), each
    in a fresh browser context (nothing cached)."""
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {name: [] for name in PAGES}
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        warm = browser.new_page()
        warm.goto(url + "/")
        warm.wait_for_selector("body[data-ready='1']", timeout=60_000)
        warm.close()
        for _ in range(repeats):
            for name, path in PAGES.items():
                selector = "section.endpoint" if path == "/docs" else "body[data-ready='1']"
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                began = time.perf_counter()
                page.goto(url + path.replace("{article}", article_id))
                page.wait_for_selector(selector, timeout=60_000)
                results[name].append(time.perf_counter() - began)
                context.close()
        browser.close()
    return results


def machine() -> str:
    load1, load5, _ = os.getloadavg()
    return f"load average {load1:.1f} (5 min {load5:.1f}) on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/sitrep-api-bench.duckdb"))
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the store")
    parser.add_argument("--real", type=int, default=249, help="real articles extracted (the rest are replicas)")
    parser.add_argument("--corpus", type=Path, default=GUARDIAN, help="Guardian_SDF_sample.csv.zip")
    parser.add_argument("--rebuild", action="store_true", help="build the store again (extraction stays cached)")
    parser.add_argument("--soak", action="store_true", help="issue 13: --clients 50 --seconds 60, no serial "
                        "pass, no browser")
    parser.add_argument("--clients", type=int, default=None, help="concurrent clients (default 20, --soak 50)")
    parser.add_argument("--seconds", type=float, default=None, help="length of the load phase (default 30, "
                        "--soak 60)")
    parser.add_argument("--client", choices=("wire", "httpx"), default="wire",
                        help="load client: HTTP/1.1 on asyncio streams (light on CPU) or httpx (see loadtest.py)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (`sitrep serve --workers`)")
    parser.add_argument("--no-browser", action="store_true", help="skip the page loads")
    parser.add_argument("--no-serial", action="store_true", help="skip the one-client pass")
    parser.add_argument("--page-repeats", type=int, default=3)
    parser.add_argument("--serial-repeats", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    args = parser.parse_args()
    clients = args.clients or (50 if args.soak else 20)
    seconds = args.seconds or (60.0 if args.soak else 30.0)

    if args.rebuild or not args.db.exists():
        results = real_results(args.corpus, args.real, args.db.with_suffix(f".real-{args.real}.jsonl"))
        began = time.perf_counter()
        build(args.db, args.articles, results)
        print(f"built {args.db} with {args.articles} articles in {time.perf_counter() - began:.0f} s")
    with Store.open(args.db, read_only=True) as store:
        counts = store.stats()
        ids = [r[0] for r in store.con.execute(
            "SELECT id FROM articles WHERE duplicate_of IS NULL ORDER BY id LIMIT 500").fetchall()]
        stories = [r[0] for r in store.con.execute(
            "SELECT id FROM story_events ORDER BY reports DESC NULLS LAST, id LIMIT 200").fetchall()]
        first, last = store.con.execute("SELECT min(date), max(date) FROM events WHERE date > DATE "
                                        "'1990-01-01'").fetchone()
    size_mb = args.db.stat().st_size / 1e6
    print(f"store {args.db} ({size_mb:.0f} MB): {json.dumps(counts)}")
    # The server builds its serving index on first start; built here first so that the build is timed apart.
    began = time.perf_counter()
    with Store.open(args.db, read_only=True) as store:
        ServingIndex.open(store.con.cursor(), args.db)
    serving_file = serving_path(args.db)
    print(f"serving index {serving_file} ({serving_file.stat().st_size / 1e6:.0f} MB): ready in "
          f"{time.perf_counter() - began:.1f} s (reused when the store is unchanged); {machine()}")
    print(f"sitrep serve on 127.0.0.1; python {platform.python_version()}, duckdb {duckdb.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} cores")
    endpoints = workload(ids, stories, first_day=first, days=max(30, (last - first).days - 60))
    figures: dict[str, Any] = {"store": counts, "store_mb": round(size_mb),
                               "serving_mb": round(serving_file.stat().st_size / 1e6)}
    with ServerProcess(args.db, startup_timeout=600, workers=args.workers) as server:
        pid = server.process.pid if server.process else None
        if not args.no_serial and not args.soak:
            print(f"\none client, one request at a time ({args.serial_repeats} each); {machine()}")
            one = serial(server.url, pid, endpoints, args.serial_repeats)
            print(f"{'endpoint':<22}{'median ms':>11}{'server CPU ms/req':>19}")
            for name, (median, cpu) in one.items():
                print(f"{name:<22}{median:>11.1f}{cpu:>19.1f}")
            mean_cpu = statistics.mean(cpu for _, cpu in one.values())
            print(f"mean server CPU per request over the mix: {mean_cpu:.1f} ms; {machine()}")
            figures["serial"] = {k: {"median_ms": round(m, 1), "cpu_ms": round(c, 1)} for k, (m, c) in one.items()}
        print(f"\nload: {clients} concurrent clients ({args.client} client) for {seconds:.0f} s; before: {machine()}")
        report = run_load(server.url, endpoints, clients=clients, seconds=seconds, pid=pid, client=args.client)
        print(report.table())
        print(f"after: {machine()}")
        figures["load"] = report.as_dict()
        if not args.soak:
            print(f"\nthe requests of each page, one after another, server answer cache bypassed ({args.page_repeats} "
                  f"each); {machine()}")
            server_side = page_requests(server.url, ids[0], stories[0], args.page_repeats)
            print(f"{'page':<22}{'median s':>10}{'max s':>10}")
            for name, values in server_side.items():
                print(f"{name:<22}{statistics.median(values):>10.3f}{max(values):>10.3f}")
            figures["page_requests"] = {k: {"median_s": round(statistics.median(v), 3), "max_s": round(max(v), 3)}
                                        for k, v in server_side.items()}
        if not args.no_browser and not args.soak:
            print(f"\npage loads in headless Chromium (fresh context each, {args.page_repeats} each); {machine()}")
            loads = page_loads(server.url, args.page_repeats, ids[0])
            print(f"{'page':<22}{'median s':>10}{'max s':>10}")
            for name, values in loads.items():
                print(f"{name:<22}{statistics.median(values):>10.3f}{max(values):>10.3f}")
            print(f"slowest page load: {max(max(v) for v in loads.values()):.3f} s (target < 1 s); {machine()}")
            figures["pages"] = {k: {"median_s": round(statistics.median(v), 3), "max_s": round(max(v), 3)}
                                for k, v in loads.items()}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
