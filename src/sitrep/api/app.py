"""The REST API and the dashboard: `create_app(db_path)` returns a FastAPI app over one store.

    from sitrep.api import create_app
    app = create_app("sitrep.duckdb")                  # read-only
    app = create_app("sitrep.duckdb", allow_ingest=True)  # POST /api/articles stores new articles

Design choices, and why:
- One DuckDB connection per app; every request runs on its own `con.cursor()` (DuckDB cursors are
  separate connections to the same database, safe to use from FastAPI's worker threads at once).
- Read-only by default: the store is opened read-only unless ingest is allowed, so a served store
  cannot be changed through the API by accident.
- One error shape everywhere: `{"ok": false, "error": "...", "status": N}` (plus `errors` for bad
  parameters), for 400/403/404/405/413/500 alike, as datasette does.
- Safety: a body size limit on every request, a Host check (DNS-rebinding) when serving on loopback,
  a strict Content-Security-Policy (no inline script, nothing from other origins), no CORS headers,
  and static files served from a whitelist built at start-up, so no path from a URL ever reaches the
  file system.
- The NLP pipeline is loaded lazily, once, on the first POST that needs it: the read endpoints start
  in well under a second.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import platform
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import duckdb
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sitrep.api import queries as Q
from sitrep.api.guard import DEFAULT_MAX_BODY, LOOPBACK_HOSTS, Guard
from sitrep.errors import InputError, SitrepError

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
# What the dashboard may serve, by extension (anything else under web/, such as make_basemap.py, is not served).
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".geojson": "application/geo+json", ".svg": "image/svg+xml", ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8", ".png": "image/png",
}
MAX_LIMIT = 1000  # rows per JSON page
MAX_EXPORT = 100_000  # rows per CSV / GeoJSON download
EXPORT_DEFAULT = 10_000
CACHE_ENTRIES = 512

Fmt = Annotated[str, Query(pattern="^(json|csv|geojson)$", description="json (default), csv or geojson.")]
Limit = Annotated[int | None, Query(ge=1, le=MAX_EXPORT, description=f"Rows per page (JSON: default 50, at most "
                                                                     f"{MAX_LIMIT}; CSV/GeoJSON: default "
                                                                     f"{EXPORT_DEFAULT}, at most {MAX_EXPORT}).")]
Offset = Annotated[int, Query(ge=0, description="Rows to skip (the `next` link sets it for you).")]


class ApiError(Exception):
    """An error with an HTTP status, rendered in the one error shape."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str, errors: list[Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error": message, "status": status}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status)


# -- filters ---------------------------------------------------------------------------------------------------

def _csv_list(value: str | None, *, upper: bool = False) -> list[str]:
    if not value:
        return []
    items = [v.strip() for v in value.split(",") if v.strip()]
    return [v.upper() for v in items] if upper else items


def _date(name: str, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ApiError(400, f"'{name}' must be a date YYYY-MM-DD, got '{value}'.") from None


def _parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        parts = tuple(float(v) for v in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4 or not (-90 <= parts[1] <= parts[3] <= 90) or not all(-180 <= parts[i] <= 180 for i in (0, 2)):
        raise ApiError(400, f"'bbox' must be min_lon,min_lat,max_lon,max_lat in degrees, got '{value}'.")
    return parts  # type: ignore[return-value]


def filters(
    date_from: Annotated[str | None, Query(description="Earliest date, YYYY-MM-DD (inclusive).")] = None,
    date_to: Annotated[str | None, Query(description="Latest date, YYYY-MM-DD (inclusive).")] = None,
    type: Annotated[str | None, Query(description="PLOVER event types, comma-separated (ASSAULT,PROTEST).")] = None,
    status: Annotated[str | None, Query(description="Claim statuses, comma-separated (asserted,denied).")] = None,
    country: Annotated[str | None, Query(description="ISO 3166-1 alpha-3 codes (or IGO codes), comma-separated.")]
    = None,
    actor: Annotated[str | None, Query(description="Actor name contains this text (case-insensitive).")] = None,
    q: Annotated[str | None, Query(description="Free-text search (case-insensitive substring).")] = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat.")] = None,
    article_id: Annotated[str | None, Query(description="Only rows of this article.")] = None,
    category: Annotated[str | None, Query(description="quantities: category; actors: sector; places: precision; "
                                                        "quotes: kind.")] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1, description="events: lowest confidence.")] = None,
    include_duplicates: Annotated[bool, Query(description="Include articles marked as copies of another.")] = False,
) -> Q.Filters:
    """Parse the shared filter parameters (FastAPI dependency)."""
    return Q.Filters(
        date_from=_date("date_from", date_from), date_to=_date("date_to", date_to),
        types=_csv_list(type, upper=True), statuses=[s.lower() for s in _csv_list(status)],
        countries=_csv_list(country, upper=True), actor=actor or None, q=q or None, bbox=_parse_bbox(bbox),
        article_id=article_id or None, category=category or None, min_confidence=min_confidence,
        include_duplicates=include_duplicates,
    )


FilterDep = Annotated[Q.Filters, Depends(filters)]


# -- responses ---------------------------------------------------------------------------------------------------

def _page_size(fmt: str, limit: int | None) -> int:
    if fmt == "json":
        return min(limit or 50, MAX_LIMIT)
    return min(limit or EXPORT_DEFAULT, MAX_EXPORT)


def _next_link(request: Request, offset: int, size: int, total: int) -> str | None:
    if offset + size >= total:
        return None
    url = request.url.include_query_params(offset=offset + size, limit=size)
    return f"{url.path}?{url.query}"


def _csv_response(rows: list[dict[str, Any]], name: str) -> Response:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                             for k, v in row.items()})
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="sitrep-{name}.csv"'})


def _geojson(items: list[dict[str, Any]], total: int, next_link: str | None,
             coords: Callable[[dict[str, Any]], tuple[float | None, float | None]]) -> JSONResponse:
    features = []
    for item in items:
        lat, lon = coords(item)
        if lat is None or lon is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": item})
    body = {"type": "FeatureCollection", "features": features, "total": total, "next": next_link}
    return JSONResponse(body, media_type="application/geo+json")


def _json(body: Any) -> JSONResponse:
    """A JSON response without FastAPI's `jsonable_encoder` pass (several ms per page of events): every value
    built here is already plain JSON (dates are ISO strings, see `queries.jsonable`)."""
    return JSONResponse(body)


def _flat_coords(item: dict[str, Any]) -> tuple[float | None, float | None]:
    return item.get("lat"), item.get("lon")


# -- the app -----------------------------------------------------------------------------------------------------

class State:
    """What the app holds: the store connection, the lazily loaded pipeline, and locks."""

    def __init__(self, db_path: str, allow_ingest: bool) -> None:
        from sitrep.store import Store

        self.db_path = db_path
        self.allow_ingest = allow_ingest
        self.store = Store.open(db_path, read_only=not allow_ingest)
        # Read once: the shared connection must not be used from request threads (they use cursors).
        self.schema_version = self.store.schema_version()
        self.write_lock = threading.Lock()
        self.nlp_lock = threading.Lock()
        self._nlp: Any = None
        self.static = _static_files(WEB_DIR)
        # Aggregates (facets, timeline, map locations, stats) are cached per URL while the store is read-only:
        # DuckDB's file lock keeps every other process from writing it, so an answer cannot go stale.
        self._cache: dict[str, Any] = {}
        self._cache_lock = threading.Lock()

    def cached(self, request: Request, compute: Callable[[], Any]) -> Any:
        if self.allow_ingest:
            return compute()
        key = f"{request.url.path}?{sorted(request.query_params.multi_items())}"
        with self._cache_lock:
            if key in self._cache:
                return self._cache[key]
        value = compute()
        with self._cache_lock:
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.pop(next(iter(self._cache)))  # oldest first
            self._cache[key] = value
        return value

    def story_columns(self) -> set[str]:
        """Columns of story_events in this store (the cross-article layer may add some)."""
        with self.cursor() as cur:
            return {d[0] for d in cur.execute("SELECT * FROM story_events LIMIT 0").description}

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self.store.con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def nlp(self) -> Any:
        """The pipeline, loaded on first use and kept (loading takes seconds; most servers never need it)."""
        with self.nlp_lock:
            if self._nlp is None:
                from sitrep.pipeline import load

                self._nlp = load()
            return self._nlp


def _static_files(root: Path) -> dict[str, Path]:
    """Every servable file under `root`, by its URL path; built once so no request path touches the disk."""
    files: dict[str, Path] = {}
    if root.is_dir():
        for path in root.rglob("*"):
            if path.is_file() and path.suffix in STATIC_TYPES and not path.name.startswith("."):
                files[path.relative_to(root).as_posix()] = path
    return files


def create_app(
    db_path: str,
    *,
    allow_ingest: bool = False,
    max_body: int = DEFAULT_MAX_BODY,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """Build the API + dashboard app for the store at `db_path`.

    allow_ingest (bool): open the store read-write and accept POST /api/articles.
    max_body (int): largest request body in bytes (default 1 MB); larger ones get 413.
    allowed_hosts (list[str]): Host header values accepted; default loopback names only (a guard against
        DNS rebinding), ["*"] for any.
    """
    import sitrep

    state = State(str(db_path), allow_ingest)
    app = FastAPI(
        title="sitrep API",
        version=sitrep.__version__,
        description="Structured event data extracted from news, with the evidence span of every field. "
                    "Lists return {items, total, next}; errors return {ok: false, error, status}.",
        docs_url=None, redoc_url=None,  # FastAPI's pages load scripts from a CDN; /docs is our own page
    )
    app.state.sitrep = state
    versions = _versions(state)
    app.add_middleware(Guard, max_body=max_body, allowed_hosts=allowed_hosts or list(LOOPBACK_HOSTS))

    # -- errors: one shape -----------------------------------------------------------------------------------
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Not found.", 405: "Method not allowed."}
        detail = exc.detail if isinstance(exc.detail, str) else None
        message = messages.get(exc.status_code, detail or "HTTP error.") if detail in (None, "Not Found",
                                                                                         "Method Not Allowed") \
            else detail
        response = error_response(exc.status_code, message or "HTTP error.")
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"][1:]) or "request"
        return error_response(400, f"Invalid parameter '{where}': {first['msg']}.", errors)

    @app.exception_handler(SitrepError)
    async def _sitrep_error(request: Request, exc: SitrepError) -> JSONResponse:
        return error_response(400, str(exc))

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception) -> JSONResponse:
        return error_response(500, f"Internal error ({type(exc).__name__}); see the server log.")

    # -- pages and static files --------------------------------------------------------------------------------
    def _page(name: str) -> FileResponse:
        path = state.static.get(name)
        if path is None:
            raise ApiError(404, f"The dashboard file '{name}' is missing from this installation.")
        return FileResponse(path, media_type=STATIC_TYPES[path.suffix], headers={"Cache-Control": "no-cache"})

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return _page("index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return _page("docs.html")

    @app.get("/static/{path:path}", include_in_schema=False)
    def static(path: str) -> FileResponse:
        # Looked up in the start-up whitelist: '..', absolute paths or encoded tricks simply are not keys.
        if path not in state.static:
            raise ApiError(404, "Not found.")
        return _page(path)

    # -- introspection -----------------------------------------------------------------------------------------
    @app.get("/api/version", tags=["about"])
    def version() -> dict[str, Any]:
        """Versions of sitrep, spaCy, the English model, DuckDB, Python, and the store's schema."""
        return versions

    @app.get("/api/stats", tags=["about"])
    def stats(request: Request) -> dict[str, Any]:
        """Counts of what the store holds, and the span of event dates."""
        return _json(state.cached(request, _stats))

    def _stats() -> dict[str, Any]:
        with state.cursor() as cur:
            counts = {}
            for table in ("articles", "events", "story_events", "actors", "places", "times", "quotes",
                          "quantities", "failures"):
                counts[table] = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            counts["duplicates"] = cur.execute(
                "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
            first, last = cur.execute("SELECT min(date), max(date) FROM events").fetchone()
        return {**counts, "event_dates": {"first": Q.jsonable(first), "last": Q.jsonable(last)}}

    # -- events --------------------------------------------------------------------------------------------------
    @app.get("/api/events", tags=["events"])
    def events(request: Request, f: FilterDep, format: Fmt = "json",
               limit: Limit = None, offset: Offset = 0) -> Any:
        """Events (PLOVER) with sources, targets, status, date, place, trigger span, article and quote.

        Filters: date range, type, status, country (source, target or place), actor, q, bbox, article_id.
        `format=geojson` gives Point features (events with coordinates only); `format=csv` flat rows.
        """
        size = _page_size(format, limit)
        where = Q.event_where(f)
        with state.cursor() as cur:
            total = cur.execute(f"SELECT count(*) {Q.EVENT_FROM} {where.sql()}", where.params).fetchone()[0]
            if format == "csv":
                cur.execute(f"WITH page AS (SELECT e.article_id, e.id {Q.EVENT_FROM} {where.sql()} {Q.EVENT_ORDER} "
                            f"LIMIT ? OFFSET ?) SELECT {Q.EVENT_COLUMNS} {Q.EVENT_PAGE_FROM} JOIN page p ON "
                            f"p.article_id = e.article_id AND p.id = e.id {Q.EVENT_ORDER}",
                            [*where.params, size, offset])
                return _csv_response(Q.rows_as_dicts(cur, decode_json=False), "events")
            keys = cur.execute(f"SELECT e.article_id, e.id {Q.EVENT_FROM} {where.sql()} {Q.EVENT_ORDER} "
                               "LIMIT ? OFFSET ?", [*where.params, size, offset]).fetchall()
            records = {
                article_id: json.loads(record) for article_id, record in cur.execute(
                    "SELECT id, record FROM articles WHERE id IN (SELECT unnest(?))",
                    [sorted({k[0] for k in keys})]).fetchall()}
        items = []
        for article_id, event_id in keys:
            record = records[article_id]
            article = {**record["article"], "id": article_id}
            quotes = {q["id"]: q for q in record.get("quotes", []) if q.get("id")}
            event = next((e for e in record.get("events", []) if e.get("id") == event_id), None)
            if event is not None:
                items.append(Q.event_from_record(article, event, quotes))
        next_link = _next_link(request, offset, size, total)
        if format == "geojson":
            return _geojson(items, total, next_link,
                            lambda e: ((e["place"] or {}).get("lat"), (e["place"] or {}).get("lon")))
        return _json({"items": items, "total": total, "next": next_link})

    @app.get("/api/event-locations", tags=["events"])
    def event_locations(request: Request, f: FilterDep, format: Fmt = "json",
                        limit: Annotated[int, Query(ge=1, le=10_000)] = 2000) -> Any:
        """Events grouped by location (for the map): count, top types, and counts per type group."""
        items = state.cached(request, lambda: _locations(f, limit))
        if format == "geojson":
            return _geojson(items, len(items), None, _flat_coords)
        if format == "csv":
            return _csv_response(items, "event-locations")
        return _json({"items": items, "total": len(items), "next": None})

    def _locations(f: Q.Filters, limit: int) -> list[dict[str, Any]]:
        where = Q.event_where(f)
        where.add("e.lat IS NOT NULL AND e.lon IS NOT NULL")
        groups = ", ".join(
            f"count(*) FILTER (WHERE e.type IN ({', '.join(repr(t) for t in types)})) AS {group}"
            for group, types in Q.TYPE_GROUPS.items())
        sql = (f"SELECT round(e.lat, 3) AS lat, round(e.lon, 3) AS lon, mode(e.place_name) AS name, "
               f"mode(e.place_precision) AS precision, count(*) AS events, mode(e.type) AS top_type, {groups}, "
               f"min(e.date) AS first, max(e.date) AS last {Q.EVENT_FROM} {where.sql()} GROUP BY 1, 2 "
               "ORDER BY events DESC, lat, lon LIMIT ?")
        with state.cursor() as cur:
            return Q.rows_as_dicts(cur.execute(sql, [*where.params, limit]))

    @app.get("/api/timeline", tags=["events"])
    def timeline(request: Request, f: FilterDep,
                 bucket: Annotated[str, Query(pattern="^(auto|day|week|month|year)$")] = "auto") -> dict[str, Any]:
        """Event counts per day/week/month (auto picks by the span), split by type group, with the filters."""
        return _json(state.cached(request, lambda: _timeline(f, bucket)))

    def _timeline(f: Q.Filters, bucket: str) -> dict[str, Any]:
        where = Q.event_where(f)
        where.add("e.date IS NOT NULL")
        with state.cursor() as cur:
            first, last = cur.execute(f"SELECT min(e.date), max(e.date) {Q.EVENT_FROM} {where.sql()}",
                                      where.params).fetchone()
            if bucket == "auto":
                span = (last - first).days if first and last else 0
                bucket = "day" if span <= 120 else "week" if span <= 900 else "month"
            groups = ", ".join(
                f"count(*) FILTER (WHERE e.type IN ({', '.join(repr(t) for t in types)})) AS {group}"
                for group, types in Q.TYPE_GROUPS.items())
            items = Q.rows_as_dicts(cur.execute(
                f"SELECT date_trunc('{bucket}', e.date)::DATE AS date, count(*) AS events, {groups} "
                f"{Q.EVENT_FROM} {where.sql()} GROUP BY 1 ORDER BY 1", where.params))
        return {"items": items, "total": len(items), "next": None, "bucket": bucket,
                "first": Q.jsonable(first), "last": Q.jsonable(last)}

    @app.get("/api/facets", tags=["events"])
    def facets(request: Request, f: FilterDep) -> dict[str, Any]:
        """How many events of each type, status and country match the filters (for filter menus)."""
        return _json(state.cached(request, lambda: _facets(f)))

    def _facets(f: Q.Filters) -> dict[str, Any]:
        where = Q.event_where(f)
        base = f"{Q.EVENT_FROM} {where.sql()}"
        with state.cursor() as cur:
            types = cur.execute(f"SELECT e.type, count(*) {base} GROUP BY 1 ORDER BY 2 DESC, 1",
                                where.params).fetchall()
            statuses = cur.execute(f"SELECT e.status, count(*) {base} GROUP BY 1 ORDER BY 2 DESC, 1",
                                   where.params).fetchall()
            countries = cur.execute(
                "SELECT c, count(*) FROM (SELECT DISTINCT e.article_id, e.id, unnest(string_split("
                "concat_ws(';', e.source_countries, e.target_countries, p.country), ';')) AS c "
                f"{Q.EVENT_FROM} LEFT JOIN (SELECT geonameid, any_value(country) AS country FROM places "
                f"GROUP BY 1) p ON p.geonameid = e.place_geonameid {where.sql()}) WHERE c <> '' "
                "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 300", where.params).fetchall()

        def pairs(rows: list[tuple[Any, int]]) -> list[dict[str, Any]]:
            return [{"value": v, "count": n} for v, n in rows if v is not None]

        return {"types": pairs(types), "statuses": pairs(statuses), "countries": pairs(countries)}

    # -- articles ------------------------------------------------------------------------------------------------
    @app.get("/api/articles", tags=["articles"])
    def articles(request: Request, f: FilterDep, format: Fmt = "json",
                 limit: Limit = None, offset: Offset = 0) -> Any:
        """Articles (newest first) with a snippet and their event count; filters: dates, q, type, country,
        actor, bbox (any place of the article inside)."""
        if format == "geojson":
            raise ApiError(400, "'format=geojson' is offered for events, event-locations, places and quantities.")
        size = _page_size(format, limit)
        where = Q.article_where(f)
        with state.cursor() as cur:
            total = cur.execute(f"SELECT count(*) FROM articles a {where.sql()}", where.params).fetchone()[0]
            # keys first, then the wide columns of just that page by primary key
            order = "ORDER BY a.published DESC NULLS LAST, a.ingested_at DESC, a.id"
            ids = [r[0] for r in cur.execute(f"SELECT a.id FROM articles a {where.sql()} {order} LIMIT ? OFFSET ?",
                                             [*where.params, size, offset]).fetchall()]
            cur.execute(f"SELECT {Q.ARTICLE_COLUMNS} FROM articles a WHERE a.id IN (SELECT unnest(?)) {order}", [ids])
            items = Q.rows_as_dicts(cur)
            counts = dict(cur.execute("SELECT article_id, count(*) FROM events WHERE article_id IN "
                                      "(SELECT unnest(?)) GROUP BY 1", [[a["id"] for a in items]]).fetchall())
        for item in items:
            item["events"] = counts.get(item["id"], 0)
        if format == "csv":
            return _csv_response(items, "articles")
        return _json({"items": items, "total": total, "next": _next_link(request, offset, size, total)})

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def article(article_id: str) -> dict[str, Any]:
        """One article's full contract object (text and every field with its offsets), plus its story events.

        Offsets are Python code-point indices into `article.text` (end exclusive).
        """
        with state.cursor() as cur:
            row = cur.execute("SELECT record, duplicate_of, ingested_at FROM articles WHERE id = ?",
                              [article_id]).fetchone()
            if row is None:
                raise ApiError(404, f"No article with id '{article_id}'.")
            stories = cur.execute("SELECT story_event_id, event_id FROM story_event_reports WHERE article_id = ? "
                                  "ORDER BY event_id", [article_id]).fetchall()
        record = json.loads(row[0])
        record["duplicate_of"] = row[1]
        record["ingested_at"] = Q.jsonable(row[2])
        record["story_events"] = [{"story_event_id": s, "event_id": e} for s, e in stories]
        return _json(record)

    @app.post("/api/articles", tags=["articles"], status_code=201,
              openapi_extra=_BODY_DOC)
    async def ingest(request: Request) -> JSONResponse:
        """Extract one article and store it (only when the server runs with --allow-ingest)."""
        if not state.allow_ingest:
            raise ApiError(403, "This server is read-only; start it with `sitrep serve --allow-ingest` to ingest.")
        article = await _article_from_request(request)
        result = await _run_in_thread(lambda: _extract(state, article))
        with state.write_lock:
            added = state.store.add(result)
        body = {"ok": True, "id": result.article.id, "stored": added,
                "events": len(result.events), "sha256": result.article.sha256}
        if not added:
            with state.cursor() as cur:
                row = cur.execute("SELECT id FROM articles WHERE sha256 = ?", [result.article.sha256]).fetchone()
            body["id"] = row[0] if row else body["id"]
        return JSONResponse(body, status_code=201 if added else 200)

    # -- extract ------------------------------------------------------------------------------------------------
    async def extract_one(request: Request) -> dict[str, Any]:
        """Run the pipeline on one article and return its contract object (nothing is stored)."""
        article = await _article_from_request(request)
        result = await _run_in_thread(lambda: _extract(state, article))
        return result.model_dump(mode="json")

    app.post("/extract", tags=["extract"], openapi_extra=_BODY_DOC, summary="Extract")(extract_one)
    app.post("/api/extract", tags=["extract"], openapi_extra=_BODY_DOC, summary="Extract (alias)")(extract_one)

    # -- the other tables -----------------------------------------------------------------------------------------
    def table_list(request: Request, *, table: str, columns: str, where: Q.Where, order: str, fmt: str,
                   limit: int | None, offset: int, name: str) -> Any:
        size = _page_size(fmt, limit)
        base = f"FROM {table} x JOIN articles a ON a.id = x.article_id {where.sql()}"
        with state.cursor() as cur:
            total = cur.execute(f"SELECT count(*) {base}", where.params).fetchone()[0]
            cur.execute(f"SELECT {columns} {base} ORDER BY {order} LIMIT ? OFFSET ?", [*where.params, size, offset])
            items = Q.rows_as_dicts(cur, decode_json=fmt != "csv")
        next_link = _next_link(request, offset, size, total)
        if fmt == "csv":
            return _csv_response(items, name)
        if fmt == "geojson":
            return _geojson(items, total, next_link, _flat_coords)
        return _json({"items": items, "total": total, "next": next_link})

    def grouped_list(request: Request, *, sql_from: str, select: str, group: str, where: Q.Where, order: str,
                     fmt: str, limit: int | None, offset: int, name: str) -> Any:
        size = _page_size(fmt, limit)
        with state.cursor() as cur:
            total = cur.execute(f"SELECT count(*) FROM (SELECT 1 {sql_from} {where.sql()} GROUP BY {group})",
                                where.params).fetchone()[0]
            cur.execute(f"SELECT {select} {sql_from} {where.sql()} GROUP BY {group} ORDER BY {order} "
                        "LIMIT ? OFFSET ?", [*where.params, size, offset])
            items = Q.rows_as_dicts(cur)
        next_link = _next_link(request, offset, size, total)
        if fmt == "csv":
            return _csv_response(items, name)
        if fmt == "geojson":
            return _geojson(items, total, next_link, _flat_coords)
        return _json({"items": items, "total": total, "next": next_link})

    @app.get("/api/actors", tags=["entities"])
    def actors(request: Request, f: FilterDep, format: Fmt = "json",
               limit: Limit = None, offset: Offset = 0,
               group: Annotated[bool, Query(description="One row per (name, country, sector) with its article count.")]
               = False) -> Any:
        """Actors per article (with mention spans), or grouped across articles with `group=true`.
        Filters: actor/q (name), country, category (sector), dates (article published), article_id."""
        if format == "geojson":
            raise ApiError(400, "Actors have no coordinates; use format=json or csv.")
        where = Q.actor_where(f)
        if group:
            return grouped_list(
                request, sql_from="FROM actors x JOIN articles a ON a.id = x.article_id",
                select="x.name, x.country, x.sector, count(DISTINCT x.article_id) AS articles",
                group="x.name, x.country, x.sector", where=where, order="articles DESC, x.name, x.country",
                fmt=format, limit=limit, offset=offset, name="actors")
        return table_list(request, table="actors", columns="x.*, a.title AS article_title, a.published",
                          where=where, order="a.published DESC NULLS LAST, x.article_id, x.id", fmt=format,
                          limit=limit, offset=offset, name="actors")

    @app.get("/api/places", tags=["entities"])
    def places(request: Request, f: FilterDep, format: Fmt = "json",
               limit: Limit = None, offset: Offset = 0,
               group: Annotated[bool, Query(description="One row per GeoNames id with mention counts.")]
               = False) -> Any:
        """Toponym mentions resolved to GeoNames (one row per mention), or grouped by place with `group=true`.
        Filters: q, country, bbox, category (precision), dates, article_id. `format=geojson` gives points."""
        where = Q.place_where(f)
        if group:
            where.add("x.geonameid IS NOT NULL")
            return grouped_list(
                request, sql_from="FROM places x JOIN articles a ON a.id = x.article_id",
                select="x.geonameid, any_value(x.name) AS name, any_value(x.lat) AS lat, any_value(x.lon) AS lon, "
                       "any_value(x.country) AS country, any_value(x.feature_code) AS feature_code, "
                       "count(*) AS mentions, count(DISTINCT x.article_id) AS articles",
                group="x.geonameid", where=where, order="mentions DESC, x.geonameid", fmt=format, limit=limit,
                offset=offset, name="places")
        return table_list(request, table="places", columns="x.*, a.title AS article_title, a.published",
                          where=where, order="a.published DESC NULLS LAST, x.article_id, x.idx", fmt=format,
                          limit=limit, offset=offset, name="places")

    @app.get("/api/quotes", tags=["entities"])
    def quotes(request: Request, f: FilterDep, format: Fmt = "json",
               limit: Limit = None, offset: Offset = 0) -> Any:
        """Direct and reported quotes with speaker and cue spans. Filters: q (text or speaker), actor
        (speaker), category (kind), dates, article_id."""
        if format == "geojson":
            raise ApiError(400, "Quotes have no coordinates; use format=json or csv.")
        return table_list(request, table="quotes", columns="x.*, a.title AS article_title, a.published",
                          where=Q.quote_where(f), order="a.published DESC NULLS LAST, x.article_id, x.idx",
                          fmt=format, limit=limit, offset=offset, name="quotes")

    @app.get("/api/quantities", tags=["entities"])
    def quantities(request: Request, f: FilterDep, format: Fmt = "json",
                   limit: Limit = None, offset: Offset = 0) -> Any:
        """Counts of people (killed, injured, displaced, ...) with bounds and attribution. Filters: category,
        q, country and bbox (of the count's place), dates, article_id."""
        return table_list(request, table="quantities", columns="x.*, a.title AS article_title, a.published",
                          where=Q.quantity_where(f), order="a.published DESC NULLS LAST, x.article_id, x.idx",
                          fmt=format, limit=limit, offset=offset, name="quantities")

    # -- story events ---------------------------------------------------------------------------------------------
    @app.get("/api/story-events", tags=["stories"])
    def story_events(request: Request, f: FilterDep, format: Fmt = "json",
                     limit: Limit = None, offset: Offset = 0) -> Any:
        """Events merged across articles, with how many reports and articles support each.
        Filters: type, date range, bbox. Empty until the cross-article layer has linked reports."""
        size = _page_size(format, limit)
        where = Q.Where()
        if f.types:
            where.add("s.type IN (SELECT unnest(?))", f.types)
        if f.date_from:
            where.add("s.date >= ?", f.date_from)
        if f.date_to:
            where.add("s.date <= ?", f.date_to)
        if f.bbox:
            Q._bbox(where, "s.lat", "s.lon", f.bbox)
        if f.countries and {"source_countries", "target_countries"} <= state.story_columns():
            where.add("(list_has_any(string_split(coalesce(s.source_countries, ''), ';'), ?)"
                      " OR list_has_any(string_split(coalesce(s.target_countries, ''), ';'), ?))",
                      f.countries, f.countries)
        with state.cursor() as cur:
            total = cur.execute(f"SELECT count(*) FROM story_events s {where.sql()}", where.params).fetchone()[0]
            if "reports" in state.story_columns():
                # the cross-article layer keeps a report count per story: order by it, count the page only
                ids = [r[0] for r in cur.execute(
                    f"SELECT s.id FROM story_events s {where.sql()} ORDER BY s.reports DESC NULLS LAST, "
                    "s.date DESC NULLS LAST, s.id LIMIT ? OFFSET ?", [*where.params, size, offset]).fetchall()]
                page = Q.Where()
                page.add("s.id IN (SELECT unnest(?))", ids)
                reports_from = ("(SELECT story_event_id, count(*) AS n_reports, count(DISTINCT article_id) AS "
                                "n_articles FROM story_event_reports WHERE story_event_id IN (SELECT unnest(?)) "
                                "GROUP BY 1)")
                params: list[Any] = [ids, *page.params]  # the subquery's ids come first in the SQL
                order = "ORDER BY s.reports DESC NULLS LAST, s.date DESC NULLS LAST, s.id"
            else:
                page = where
                reports_from = ("(SELECT story_event_id, count(*) AS n_reports, count(DISTINCT article_id) AS "
                                "n_articles FROM story_event_reports GROUP BY 1)")
                order = "ORDER BY n_reports DESC, s.date DESC NULLS LAST, s.id LIMIT ? OFFSET ?"
                params = [*where.params, size, offset]
            cur.execute("SELECT s.*, coalesce(r.n_reports, 0) AS n_reports, coalesce(r.n_articles, 0) AS n_articles "
                        f"FROM story_events s LEFT JOIN {reports_from} r ON r.story_event_id = s.id {page.sql()} "
                        f"{order}", params)
            items = Q.rows_as_dicts(cur, decode_json=format != "csv")
        next_link = _next_link(request, offset, size, total)
        if format == "csv":
            return _csv_response(items, "story-events")
        if format == "geojson":
            return _geojson(items, total, next_link, _flat_coords)
        return _json({"items": items, "total": total, "next": next_link})

    @app.get("/api/story-events/{story_id}", tags=["stories"])
    def story_event(story_id: str) -> dict[str, Any]:
        """One story event with every report (event, article, quote, counts) and where reports disagree."""
        with state.cursor() as cur:
            rows = Q.rows_as_dicts(cur.execute("SELECT * FROM story_events WHERE id = ?", [story_id]))
            if not rows:
                raise ApiError(404, f"No story event with id '{story_id}'.")
            story = rows[0]
            reports = [Q.shape_event(r) for r in Q.rows_as_dicts(cur.execute(
                f"SELECT {Q.EVENT_COLUMNS} FROM story_event_reports r JOIN events e ON e.article_id = r.article_id "
                "AND e.id = r.event_id JOIN articles a ON a.id = e.article_id LEFT JOIN quotes q ON "
                "q.article_id = e.article_id AND q.id = e.quote_id WHERE r.story_event_id = ? "
                "ORDER BY a.published NULLS LAST, e.article_id, e.id", [story_id]))]
            counts = Q.rows_as_dicts(cur.execute(
                "SELECT x.article_id, x.event_id, x.category, x.value, x.low, x.high, x.text, x.start, x.\"end\" "
                "FROM quantities x JOIN story_event_reports r ON r.article_id = x.article_id AND r.event_id = "
                "x.event_id WHERE r.story_event_id = ? ORDER BY x.category, x.article_id", [story_id]))
        for report in reports:
            report["quantities"] = [c for c in counts if c["article_id"] == report["article_id"]
                                    and c["event_id"] == report["id"]]
        story["reports"] = reports
        # `contradictions` as the cross-article layer stored it (if it does); `disagreements` recomputed here
        # field by field from the reports, so the dashboard can mark each disagreeing value on its report.
        story.setdefault("contradictions", None)
        story["disagreements"] = contradictions(reports)
        return _json(story)

    return app


def _versions(state: State) -> dict[str, Any]:
    """Looked up once at start-up (reading package metadata on every request would cost milliseconds)."""
    import importlib.metadata as md

    import spacy

    import sitrep
    from sitrep.pipeline import MODEL_NAME

    try:
        model_version = md.version(MODEL_NAME.replace("_", "-"))
    except md.PackageNotFoundError:
        model_version = None
    return {"sitrep": sitrep.__version__, "spacy": spacy.__version__,
            "model": {"name": MODEL_NAME, "version": model_version}, "duckdb": duckdb.__version__,
            "python": platform.python_version(), "schema_version": state.schema_version,
            "allow_ingest": state.allow_ingest}


def contradictions(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where the reports of one story event disagree, each value with the reports that give it.

    Status (asserted vs denied ...), date, place, and every count category are compared; values are
    listed side by side, never averaged.
    """
    def field_values(get: Callable[[dict[str, Any]], Any]) -> dict[str, list[dict[str, str]]]:
        values: dict[str, list[dict[str, str]]] = {}
        for r in reports:
            value = get(r)
            if value is None:
                continue
            values.setdefault(str(value), []).append({"article_id": r["article_id"], "event_id": r["id"]})
        return values

    found = []
    checks: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("status", lambda r: r["status"]),
        ("date", lambda r: (r["date"] or {}).get("value")),
        ("place", lambda r: (r["place"] or {}).get("name")),
    ]
    categories = sorted({q["category"] for r in reports for q in r.get("quantities", [])})
    for category in categories:
        checks.append((f"count:{category}", lambda r, c=category: next(
            (q["value"] if q["value"] is not None else f"{q['low']}-{q['high']}"
             for q in r.get("quantities", []) if q["category"] == c), None)))
    for name, get in checks:
        values = field_values(get)
        if len(values) > 1:
            found.append({"field": name, "values": [{"value": v, "reports": rs} for v, rs in values.items()]})
    return found


# -- request bodies -----------------------------------------------------------------------------------------------

_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {
                "type": "object", "required": ["text"],
                "properties": {"text": {"type": "string"}, "published": {"type": "string", "format": "date"},
                               "title": {"type": "string"}, "url": {"type": "string"}, "id": {"type": "string"},
                               "raw_text": {"type": "boolean", "default": False}}}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}


async def _article_from_request(request: Request) -> Any:
    """An `Article` from a JSON body {text, published, title, url, id, raw_text} or a text/plain body."""
    from sitrep.ingest.article import make_article

    raw = await request.body()  # the Guard has already refused bodies over the limit
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            payload = json.loads(raw)
        except ValueError as e:
            raise ApiError(400, f"The body is not valid JSON ({e}).") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise ApiError(400, "The JSON body needs a string field 'text'.")
        for key in ("published", "title", "url", "id"):
            if payload.get(key) is not None and not isinstance(payload[key], str):
                raise ApiError(400, f"Field '{key}' must be a string.")
    elif content_type in ("text/plain", ""):
        try:
            payload = {"text": raw.decode("utf-8")}
        except UnicodeDecodeError:
            raise ApiError(400, "The text/plain body is not UTF-8.") from None
    else:
        raise ApiError(415, "Send application/json ({\"text\": ...}) or text/plain.")
    published = payload.get("published")
    if published:
        try:
            dt.date.fromisoformat(published)
        except ValueError:
            raise ApiError(400, f"'published' must be YYYY-MM-DD, got '{published}'.") from None
    try:
        return make_article(payload["text"], source="api", article_id=payload.get("id"), published=published,
                            title=payload.get("title"), url=payload.get("url"),
                            raw_text=bool(payload.get("raw_text", False)))
    except InputError as e:
        raise ApiError(400, str(e)) from None


def _extract(state: State, article: Any) -> Any:
    from sitrep.model import Failure
    from sitrep.pipeline import process

    nlp = state.nlp()
    with state.nlp_lock:  # one doc at a time through the shared pipeline
        result = next(process([article], nlp))
    if isinstance(result, Failure):
        raise ApiError(422, result.error)
    return result


async def _run_in_thread(func: Callable[[], Any]) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(func)
