"""API and dashboard speed on a 10,000-article store: list endpoints under 20 concurrent clients, page loads.

    python benchmarks/api_load.py                      # build /tmp/sitrep-api-bench.duckdb if missing, then measure
    python benchmarks/api_load.py --rebuild --articles 10000 --clients 20 --seconds 60 --requests 4000

Targets (issue 11): list endpoints p95 < 200 ms at 20 concurrent clients; every page loads in < 1 s.

The store is synthesised straight into the store's tables (no NLP) from `random.Random(42)`, so it is
the same on every run: articles with a contract-shaped `record`, and their actors, places, times, quotes,
quantities, events and story events. The server is a real `sitrep serve` process on 127.0.0.1; the load
is bounded by a request count and a time limit, and only ever goes to loopback. Client and server share
the machine's cores, so the figures are pessimistic for a server with a machine of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx

from sitrep.api.server import ServerProcess
from sitrep.model import PLOVER_TYPES
from sitrep.store import Store

CITIES = [  # name, lat, lon, ISO3, geonameid (illustrative ids)
    ("Kyiv", 50.45, 30.52, "UKR", 703448), ("Kharkiv", 49.98, 36.25, "UKR", 706483),
    ("Moscow", 55.75, 37.62, "RUS", 524901), ("Khartoum", 15.55, 32.53, "SDN", 379252),
    ("Nairobi", -1.28, 36.82, "KEN", 184745), ("Lagos", 6.45, 3.39, "NGA", 2332459),
    ("Bamako", 12.65, -8.0, "MLI", 2460596), ("Dhaka", 23.71, 90.41, "BGD", 1185241),
    ("Port-au-Prince", 18.54, -72.34, "HTI", 3718426), ("Gaza", 31.5, 34.47, "PSE", 281133),
    ("Beirut", 33.89, 35.5, "LBN", 276781), ("Damascus", 33.51, 36.29, "SYR", 170654),
    ("Baghdad", 33.34, 44.4, "IRQ", 98182), ("Kabul", 34.53, 69.17, "AFG", 1138958),
    ("Yangon", 16.8, 96.16, "MMR", 1298824), ("Bogota", 4.61, -74.08, "COL", 3688689),
    ("Caracas", 10.49, -66.88, "VEN", 3646738), ("Mogadishu", 2.04, 45.34, "SOM", 53654),
    ("Addis Ababa", 9.02, 38.75, "ETH", 344979), ("Kinshasa", -4.33, 15.31, "COD", 2314302),
    ("Tripoli", 32.89, 13.19, "LBY", 2210247), ("Sanaa", 15.35, 44.21, "YEM", 71137),
    ("Paris", 48.85, 2.35, "FRA", 2988507), ("Washington", 38.9, -77.04, "USA", 4140963),
    ("Beijing", 39.9, 116.4, "CHN", 1816670), ("Tehran", 35.69, 51.42, "IRN", 112931),
    ("Manila", 14.6, 120.98, "PHL", 1701668), ("Mexico City", 19.43, -99.13, "MEX", 3530597),
    ("Ouagadougou", 12.37, -1.53, "BFA", 2357048), ("Niamey", 13.51, 2.11, "NER", 2440485),
]
ACTORS = ["police", "army", "government", "rebels", "protesters", "ministry of defence", "opposition party",
          "UN agency", "aid workers", "militia", "foreign ministry", "president", "border guards", "students"]
SECTORS = ["COP", "MIL", "GOV", "REB", "OPP", "GOV", "OPP", "IGO", "NGO", "REB", "GOV", "GOV", "MIL", "CVL"]
STATUSES = ["asserted", "reported", "reported", "claimed", "denied", "disputed", "hedged", "planned"]
_VOCABULARY = ("the a officials said on after during forces attack talks border city villages residents fled shelling "
               "ceasefire agreement aid convoy reached statement accused rejected demands protest march parliament "
               "arrested journalists overnight strikes killed injured displaced families negotiators met capital")
WORDS = _VOCABULARY.split(" ")
TRIGGERS = {"ASSAULT": "shelled", "PROTEST": "marched", "COERCE": "arrested", "AGREE": "agreed", "CONSULT": "met",
            "ACCUSE": "accused", "REJECT": "rejected", "THREATEN": "threatened", "REQUEST": "asked",
            "SANCTION": "expelled", "AID": "delivered", "SUPPORT": "backed", "COOPERATE": "joined",
            "CONCEDE": "released", "RETREAT": "withdrew", "MOBILIZE": "deployed"}

ENDPOINTS = [
    ("events", "/api/events", {}),
    ("events?country", "/api/events", {"country": "UKR"}),
    ("events?type+dates", "/api/events", {"type": "ASSAULT,PROTEST", "date_from": "2024-01-01",
                                          "date_to": "2024-06-30"}),
    ("events?q", "/api/events", {"q": "Khartoum"}),
    ("events?bbox", "/api/events", {"bbox": "20,-10,50,20"}),
    ("events?actor+offset", "/api/events", {"actor": "police", "offset": 500}),
    ("event-locations", "/api/event-locations", {}),
    ("timeline", "/api/timeline", {}),
    ("facets", "/api/facets", {}),
    ("articles", "/api/articles", {}),
    ("articles?q", "/api/articles", {"q": "ceasefire agreement"}),
    ("articles/{id}", "/api/articles/bench-00042", {}),
    ("actors?group", "/api/actors", {"group": "true"}),
    ("actors", "/api/actors", {"country": "SDN"}),
    ("places", "/api/places", {}),
    ("quotes", "/api/quotes", {"q": "talks"}),
    ("quantities", "/api/quantities", {"category": "killed"}),
    ("story-events", "/api/story-events", {}),
    ("stats", "/api/stats", {}),
    # aggregates with a different date range on every request: what a cache miss costs
    ("facets (uncached)", "/api/facets", "random-dates"),
    ("timeline (uncached)", "/api/timeline", "random-dates"),
    ("locations (uncached)", "/api/event-locations", "random-dates"),
]


def params_for(spec: Any, rng: random.Random) -> dict[str, Any]:
    """The query parameters of one request; "random-dates" draws a fresh date range (defeats the cache)."""
    if spec == "random-dates":
        first = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(600))
        return {"date_from": first.isoformat(), "date_to": (first + dt.timedelta(days=rng.randint(7, 120))).isoformat()}
    return spec


# -- building the store --------------------------------------------------------------------------------------

def build(path: Path, n_articles: int) -> None:
    """Synthesise `n_articles` articles and everything extracted from them into a new store at `path`."""
    rng = random.Random(42)
    if path.exists():
        path.unlink()
    Store.open(path).close()  # the real schema, migrations included
    tables: dict[str, list[tuple[Any, ...]]] = {t: [] for t in ("articles", "actors", "places", "times", "quotes",
                                                                 "quantities", "events")}
    stories: list[tuple[Any, ...]] = []
    reports: list[tuple[Any, ...]] = []
    open_story: dict[tuple[str, str], list[Any]] = {}
    start_day = dt.date(2023, 1, 1)
    for i in range(n_articles):
        aid = f"bench-{i:05d}"
        published = start_day + dt.timedelta(days=rng.randrange(730))
        city = rng.choice(CITIES)
        sentences = []
        for _ in range(rng.randint(8, 16)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
            sentences.append(" ".join(words).capitalize() + ".")
        text = f"{city[0]}: " + " ".join(sentences)
        cursor = len(text)

        def append(piece: str) -> tuple[int, int]:
            nonlocal text, cursor
            text += " " + piece
            begin = cursor + 1
            cursor = len(text)
            return begin, begin + len(piece)

        actors, places, times, quotes, quantities, events = [], [], [], [], [], []
        for k in range(rng.randint(2, 5)):
            j = rng.randrange(len(ACTORS))
            country = rng.choice(CITIES)[3] if rng.random() < 0.4 else city[3]
            name = f"{country} {ACTORS[j]}"
            s, e = append(name + ".")
            actors.append({"id": f"A{k + 1}", "name": name, "country": country, "sector": SECTORS[j], "role": None,
                           "kind": "organisation", "mentions": [{"text": name, "start": s, "end": e - 1}]})
        for k in range(rng.randint(2, 6)):
            c = rng.choice(CITIES) if k else city
            s, e = append(f"In {c[0]}.")
            places.append({"text": c[0], "start": s + 3, "end": e - 1, "geonameid": c[4], "name": c[0], "lat": c[1],
                           "lon": c[2], "country": c[3], "admin1": None, "feature_code": "PPLC",
                           "precision": "city", "confidence": round(rng.random(), 2), "metonymic": False})
        s, e = append("On Monday.")
        times.append({"text": "Monday", "start": s + 3, "end": e - 1, "type": "DATE", "value": published.isoformat(),
                      "precision": "day"})
        for k in range(rng.randint(1, 3)):
            body = " ".join(rng.choice(WORDS) for _ in range(10))
            s, e = append(f"\u201c{body}\u201d, said {actors[0]['name']}.")
            quotes.append({"id": f"Q{k + 1}", "text": body, "start": s + 1, "end": s + 1 + len(body), "kind": "direct",
                           "speaker": {"name": actors[0]["name"], "actor_id": "A1", "start": e - 1 - len(
                               actors[0]["name"]), "end": e - 1},
                           "cue": {"text": "said", "start": s + len(body) + 4, "end": s + len(body) + 8}})
        for _ in range(rng.randint(0, 2)):
            value = rng.randint(1, 400)
            s, e = append(f"{value} people were killed.")
            quantities.append({"category": rng.choice(["killed", "injured", "displaced", "arrested"]), "value": value,
                               "low": None, "high": None, "approximate": False, "unit": "people",
                               "text": f"{value} people", "start": s, "end": s + len(f"{value} people"),
                               "place": places[0], "source": None, "event_id": None})
        for k in range(rng.randint(3, 12)):
            etype = rng.choice(PLOVER_TYPES)
            trigger = TRIGGERS[etype]
            s, e = append(f"They {trigger} them.")
            src, tgt = rng.sample(actors, 2) if len(actors) >= 2 else (actors[0], actors[0])
            place = rng.choice(places)
            day = published - dt.timedelta(days=rng.randrange(3))
            events.append({"id": f"E{k + 1}", "type": etype, "mode": None, "context": [],
                           "sources": [{"id": src["id"], "name": src["name"], "country": src["country"],
                                        "sector": src["sector"]}],
                           "targets": [{"id": tgt["id"], "name": tgt["name"], "country": tgt["country"],
                                        "sector": tgt["sector"]}],
                           "status": rng.choice(STATUSES),
                           "date": {"value": day.isoformat(), "text": "Monday", "precision": "day"},
                           "place": place, "trigger": {"text": trigger, "start": s + 5, "end": s + 5 + len(trigger)},
                           "confidence": round(rng.uniform(0.3, 0.95), 2), "sentence": None,
                           "quote_id": "Q1" if rng.random() < 0.3 else None, "quantities": []})
        events.sort(key=lambda ev: -ev["confidence"])
        sha = f"{i:064x}"
        article = {"id": aid, "text": text, "published": published.isoformat(), "title": f"{city[0]}: "
                   + " ".join(rng.choice(WORDS) for _ in range(6)), "url": f"https://example.org/{aid}",
                   "language": "en", "sha256": sha, "source": "benchmark", "notes": []}
        record = {"article": article, "actors": actors, "places": places, "times": times, "quotes": quotes,
                  "quantities": quantities, "events": events}
        ingested = dt.datetime(2025, 1, 1) + dt.timedelta(seconds=i)
        tables["articles"].append((aid, sha, published, article["title"], article["url"], "en", "benchmark", text,
                                   "[]", json.dumps(record), ingested, None))
        for a in actors:
            tables["actors"].append((aid, a["id"], a["name"], a["country"], a["sector"], None, a["kind"],
                                     json.dumps(a["mentions"])))
        for n, p in enumerate(places):
            tables["places"].append((aid, n, p["text"], p["start"], p["end"], p["geonameid"], p["name"], p["lat"],
                                     p["lon"], p["country"], None, "PPLC", "city", p["confidence"], False))
        for n, t in enumerate(times):
            tables["times"].append((aid, n, t["text"], t["start"], t["end"], "DATE", t["value"], "day"))
        for n, q in enumerate(quotes):
            sp, cue = q["speaker"], q["cue"]
            tables["quotes"].append((aid, n, q["id"], q["text"], q["start"], q["end"], "direct", sp["name"], "A1",
                                     sp["start"], sp["end"], cue["text"], cue["start"], cue["end"]))
        for n, x in enumerate(quantities):
            tables["quantities"].append((aid, n, x["category"], x["value"], None, None, False, "people", x["text"],
                                         x["start"], x["end"], x["place"]["geonameid"], x["place"]["name"],
                                         x["place"]["lat"], x["place"]["lon"], None, None))
        for ev in events:
            p = ev["place"]
            tables["events"].append((aid, ev["id"], ev["type"], None, "[]", json.dumps(ev["sources"]),
                                     json.dumps(ev["targets"]), ev["sources"][0]["country"],
                                     ev["targets"][0]["country"], ev["status"], ev["date"]["value"], "Monday", "day",
                                     dt.date.fromisoformat(ev["date"]["value"]), p["geonameid"], p["name"], p["lat"],
                                     p["lon"], "city", ev["trigger"]["text"], ev["trigger"]["start"],
                                     ev["trigger"]["end"], ev["confidence"], ev["quote_id"]))
            # story events: reports of one type at one place within a week join one story
            key = (ev["type"], p["name"])
            story = open_story.get(key)
            if story is None or (published - story[1]).days > 7 or story[2] >= 6:
                story = [f"S{len(stories):06d}", published, 0]
                open_story[key] = story
                stories.append((story[0], ev["type"], published, p["lat"], p["lon"], "{}"))
            story[2] += 1
            reports.append((story[0], aid, ev["id"]))
    con = duckdb.connect(str(path))
    with tempfile.TemporaryDirectory() as tmp:
        for table, rows in [*tables.items(), ("story_events", stories), ("story_event_reports", reports)]:
            file = Path(tmp) / f"{table}.csv"
            with file.open("w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows(rows)
            columns = "(id, type, date, lat, lon, summary)" if table == "story_events" else ""
            con.execute(f"COPY {table} {columns} FROM '{file}' (FORMAT csv, HEADER false, NULLSTR '')")
    con.close()


# -- measuring ---------------------------------------------------------------------------------------------

async def load(url: str, clients: int, seconds: float, max_requests: int) -> dict[str, list[float]]:
    """`clients` concurrent clients cycle through ENDPOINTS until `max_requests` or `seconds` run out."""
    timings: dict[str, list[float]] = {name: [] for name, _, _ in ENDPOINTS}
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    issued = 0

    async def client(index: int) -> None:
        nonlocal issued
        rng = random.Random(index)
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            k = index
            while issued < max_requests and time.monotonic() < deadline:
                issued += 1
                name, path, params = ENDPOINTS[k % len(ENDPOINTS)]
                k += 1
                started = time.perf_counter()
                response = await http.get(path, params=params_for(params, rng))
                timings[name].append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors.append(f"{name}: {response.status_code} {response.text[:200]}")

    await asyncio.gather(*(client(i) for i in range(clients)))
    if errors:
        print(f"{len(errors)} errors, first: {errors[0]}", file=sys.stderr)
    return timings


def serial(url: str, pid: int, repeats: int) -> dict[str, tuple[float, float]]:
    """One client, one request at a time: median latency and the server's CPU time per request (ms).

    CPU time per request hardly depends on what else runs on the machine, unlike latency under load.
    """
    import psutil

    server = psutil.Process(pid)
    rng = random.Random(7)
    out = {}
    with httpx.Client(base_url=url, timeout=30) as http:
        for name, path, params in ENDPOINTS:
            http.get(path, params=params_for(params, rng))  # warm up
            before = sum(server.cpu_times()[:2])
            latencies = []
            for _ in range(repeats):
                started = time.perf_counter()
                http.get(path, params=params_for(params, rng))
                latencies.append(time.perf_counter() - started)
            cpu = (sum(server.cpu_times()[:2]) - before) / repeats
            out[name] = (statistics.median(latencies) * 1000, cpu * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def page_loads(url: str, repeats: int) -> dict[str, list[float]]:
    """Seconds from navigation to the dashboard's `data-ready` mark (or the docs' first endpoint), cold cache."""
    from playwright.sync_api import sync_playwright

    pages = {"/ (events)": ("/", "body[data-ready='1']"),
             "article": ("/#/article/bench-00042?event=E1", "body[data-ready='1']"),
             "stories": ("/#/stories", "body[data-ready='1']"),
             "filtered events": ("/#/events?country=SDN&type=ASSAULT", "body[data-ready='1']"),
             "/docs": ("/docs", "section.endpoint")}
    results: dict[str, list[float]] = {name: [] for name in pages}
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        warm = browser.new_page()
        warm.goto(url + "/")
        warm.wait_for_selector("body[data-ready='1']", timeout=30_000)
        warm.close()
        for _ in range(repeats):
            for name, (path, selector) in pages.items():
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                started = time.perf_counter()
                page.goto(url + path)
                page.wait_for_selector(selector, timeout=30_000)
                results[name].append(time.perf_counter() - started)
                context.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "sitrep-api-bench.duckdb")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0, help="Time limit of the load phase.")
    parser.add_argument("--requests", type=int, default=4000, help="Request limit of the load phase.")
    parser.add_argument("--no-browser", action="store_true", help="Skip the page-load measurement.")
    parser.add_argument("--page-repeats", type=int, default=5)
    parser.add_argument("--serial-repeats", type=int, default=10)
    args = parser.parse_args()

    if args.rebuild or not args.db.exists():
        started = time.perf_counter()
        build(args.db, args.articles)
        print(f"built {args.db} with {args.articles} articles in {time.perf_counter() - started:.1f} s")
    with Store.open(args.db, read_only=True) as store:
        counts = store.stats()
    print(f"store: {json.dumps(counts)}")
    print(f"python {platform.python_version()}, duckdb {duckdb.__version__}, {platform.machine()}, "
          f"{platform.processor() or 'cpu'}")
    with ServerProcess(args.db) as server:
        import os

        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        one = serial(server.url, server.process.pid, args.serial_repeats)
        print(f"\none client, sequential ({args.serial_repeats} requests each)")
        print(f"{'endpoint':<22}{'median ms':>11}{'server CPU ms/req':>19}")
        for name, (median, cpu) in one.items():
            print(f"{name:<22}{median:>11.1f}{cpu:>19.1f}")
        started = time.perf_counter()
        timings = asyncio.run(load(server.url, args.clients, args.seconds, args.requests))
        elapsed = time.perf_counter() - started
        done = sum(len(v) for v in timings.values())
        print(f"\n{done} requests from {args.clients} concurrent clients in {elapsed:.1f} s "
              f"({done / elapsed:.0f} req/s)")
        print(f"{'endpoint':<22}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
        worst = 0.0
        for name, values in timings.items():
            if values:
                worst = max(worst, pct(values, 0.95))
                print(f"{name:<22}{len(values):>6}{pct(values, 0.5):>10.1f}{pct(values, 0.95):>10.1f}"
                      f"{max(values) * 1000:>10.1f}")
        print(f"worst p95: {worst:.1f} ms (target < 200 ms); load average now {os.getloadavg()[0]:.1f}")
        if not args.no_browser:
            loads = page_loads(server.url, args.page_repeats)
            print(f"\n{'page':<22}{'median s':>10}{'max s':>10}")
            for name, values in loads.items():
                print(f"{name:<22}{statistics.median(values):>10.3f}{max(values):>10.3f}")
            print(f"slowest page load: {max(max(v) for v in loads.values()):.3f} s (target < 1 s)")


if __name__ == "__main__":
    main()
