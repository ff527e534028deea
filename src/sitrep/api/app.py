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
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Annotated, Any

import duckdb
import numpy as np
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sitrep.api import queries as Q
from sitrep.api import serving
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
DUCKDB_MEMORY = "256MB"
CACHE_ENTRIES = 1024  # cached responses (read-only server)
CACHE_BYTES = 32_000_000  # at most this many bytes of cached bodies
WORKER_THREADS = 8  # threads serving requests (see _worker_threads)
CACHE_ENTRY_BYTES = 2_000_000  # bigger answers (CSV, GeoJSON downloads) are not cached

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


async def filters(
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
    """Parse the shared filter parameters (FastAPI dependency; `async` so that it runs on the event loop
    instead of costing every request a second trip through the thread pool)."""
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


def _items_json(items: list[str], total: int, next_link: str | None) -> Response:
    """A list page from items that are JSON already (rendered when the serving index was built): joined as
    text, never parsed and dumped again."""
    body = f'{{"items":[{",".join(items)}],"total":{total},"next":{json.dumps(next_link)}}}'
    return Response(body, media_type="application/json")


def _flat(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested item as one CSV row: `trigger.start` becomes `trigger_start`; lists stay JSON."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}_"))
        else:
            out[f"{prefix}{key}"] = value
    return out


# -- the app -----------------------------------------------------------------------------------------------------

class State:
    """What the app holds: the store connection, the serving index, the lazily loaded pipeline, and locks."""

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
        self._local = threading.local()
        # Responses are cached per URL while the store is read-only: DuckDB's file lock keeps every other
        # process from writing it, so an answer cannot go stale. Bounded in entries and bytes (memory stays flat).
        self._cache: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._cache_bytes = 0
        self._cache_lock = threading.Lock()
        self._index_lock = threading.Lock()
        self._index: serving.ServingIndex | None = None
        self.index()  # built (or checked) before the server answers, so no request waits for it
        # Requests read the serving index; DuckDB answers only /api/stats. Its buffer cache would otherwise grow
        # towards 80% of the machine's memory as pages are read: bounded, the server's memory stays flat.
        self.store.con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")

    def index(self) -> serving.ServingIndex:
        """The serving index; after an ingest (`--allow-ingest`), rebuilt on the first read that needs it."""
        index = self._index
        if index is not None:
            return index
        with self._index_lock:
            if self._index is None:
                with self.cursor() as cur:
                    self._index = serving.ServingIndex.open(cur, self.db_path, force=self.allow_ingest)
            return self._index

    def stored(self) -> None:
        """An article was stored: the serving index and the cached answers are out of date."""
        with self._index_lock:
            self._index = None
        with self._cache_lock:
            self._cache.clear()
            self._cache_bytes = 0

    def cached(self, request: Request, compute: Callable[[], Response], key: str | None = None) -> Response:
        """The response for this URL (or `key`), computed once while the store is read-only."""
        if self.allow_ingest:
            return compute()
        key = key or f"{request.url.path}?{sorted(request.query_params.multi_items())}"
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
        if hit is not None:
            return Response(hit[0], media_type=hit[1])
        response = compute()
        body = bytes(response.body)
        if response.status_code == 200 and len(body) <= CACHE_ENTRY_BYTES:
            with self._cache_lock:
                if key not in self._cache:
                    self._cache[key] = (body, response.media_type or "application/json")
                    self._cache_bytes += len(body)
                while len(self._cache) > CACHE_ENTRIES or self._cache_bytes > CACHE_BYTES:
                    _, (old, _) = self._cache.popitem(last=False)  # least recently used first
                    self._cache_bytes -= len(old)
        return response

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """This thread's DuckDB cursor (a cursor is a connection of its own: one per worker thread, kept)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = self.store.con.cursor()
        yield cur

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
        lifespan=_worker_threads,
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
    def stats(request: Request) -> Response:
        """Counts of what the store holds, and the span of event dates."""
        return state.cached(request, lambda: _json(_stats()), key="stats")  # parameters change nothing

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

    # -- lists: filters as masks over the serving index, pages read by rank ----------------------------------------
    def list_response(request: Request, name: str, f: Q.Filters, fmt: str, limit: int | None, offset: int,
                      coords: Callable[[dict[str, Any]], tuple[Any, Any]] = _flat_coords) -> Response:
        size = _page_size(fmt, limit)

        def compute() -> Response:
            index = state.index()
            ranks = np.flatnonzero(index.mask(name, f))
            total = len(ranks)
            items = index.items(name, ranks[offset:offset + size])
            return _list_page(request, name, items, total, offset, size, fmt, coords)

        return state.cached(request, compute)

    def _list_page(request: Request, name: str, items: list[str], total: int, offset: int, size: int, fmt: str,
              coords: Callable[[dict[str, Any]], tuple[Any, Any]] = _flat_coords) -> Response:
        next_link = _next_link(request, offset, size, total)
        if fmt == "json":
            return _items_json(items, total, next_link)
        parsed = [json.loads(item) for item in items]
        if fmt == "csv":
            return _csv_response([_flat(item) for item in parsed], name.replace("_", "-"))
        return _geojson(parsed, total, next_link, coords)

    @app.get("/api/events", tags=["events"])
    def events(request: Request, f: FilterDep, format: Fmt = "json",
               limit: Limit = None, offset: Offset = 0) -> Any:
        """Events (PLOVER) with sources, targets, status, date, place, trigger span, article and quote.

        Filters: date range, type, status, country (source, target or place), actor, q, bbox, article_id.
        `format=geojson` gives Point features (events with coordinates only); `format=csv` flat rows.
        """
        return list_response(request, "events", f, format, limit, offset,
                             lambda e: ((e["place"] or {}).get("lat"), (e["place"] or {}).get("lon")))

    @app.get("/api/event-locations", tags=["events"])
    def event_locations(request: Request, f: FilterDep, format: Fmt = "json",
                        limit: Annotated[int, Query(ge=1, le=10_000)] = 2000) -> Any:
        """Events grouped by location (for the map): count, top types, and counts per type group."""
        def compute() -> Response:
            index = state.index()
            items = serving.locations(index, index.mask("events", f), limit)
            if format == "geojson":
                return _geojson(items, len(items), None, _flat_coords)
            if format == "csv":
                return _csv_response(items, "event-locations")
            return _json({"items": items, "total": len(items), "next": None})

        return state.cached(request, compute)

    @app.get("/api/timeline", tags=["events"])
    def timeline(request: Request, f: FilterDep,
                 bucket: Annotated[str, Query(pattern="^(auto|day|week|month|year)$")] = "auto") -> Any:
        """Event counts per day/week/month (auto picks by the span), split by type group, with the filters."""
        def compute() -> Response:
            index = state.index()
            return _json(serving.timeline(index, index.mask("events", f), bucket))

        return state.cached(request, compute)

    @app.get("/api/facets", tags=["events"])
    def facets(request: Request, f: FilterDep) -> Any:
        """How many events of each type, status and country match the filters (for filter menus)."""
        def compute() -> Response:
            index = state.index()
            return _json(serving.facets(index, index.mask("events", f)))

        return state.cached(request, compute)

    # -- articles ------------------------------------------------------------------------------------------------
    @app.get("/api/articles", tags=["articles"])
    def articles(request: Request, f: FilterDep, format: Fmt = "json",
                 limit: Limit = None, offset: Offset = 0) -> Any:
        """Articles (newest first) with a snippet and their event count; filters: dates, q, type, country,
        actor, bbox (any place of the article inside)."""
        if format == "geojson":
            raise ApiError(400, "'format=geojson' is offered for events, event-locations, places and quantities.")
        return list_response(request, "articles", f, format, limit, offset)

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def article(article_id: str) -> Response:
        """One article's full contract object (text and every field with its offsets), plus its story events.

        Offsets are Python code-point indices into `article.text` (end exclusive).
        """
        body = state.index().article(article_id)
        if body is None:
            raise ApiError(404, f"No article with id '{article_id}'.")
        return Response(body, media_type="application/json")

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
        if added:
            state.stored()
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
    @app.get("/api/actors", tags=["entities"])
    def actors(request: Request, f: FilterDep, format: Fmt = "json",
               limit: Limit = None, offset: Offset = 0,
               group: Annotated[bool, Query(description="One row per (name, country, sector) with its article count.")]
               = False) -> Any:
        """Actors per article (with mention spans), or grouped across articles with `group=true`.
        Filters: actor/q (name), country, category (sector), dates (article published), article_id."""
        if format == "geojson":
            raise ApiError(400, "Actors have no coordinates; use format=json or csv.")
        if not group:
            return list_response(request, "actors", f, format, limit, offset)
        size = _page_size(format, limit)

        def compute() -> Response:
            index = state.index()
            codes, counts, vocab = serving.grouped_actors(index, index.mask("actors", f))
            items = []
            for code, count in zip(codes[offset:offset + size].tolist(), counts[offset:offset + size].tolist(),
                                   strict=True):
                name, country, sector = json.loads(vocab.values[code])
                items.append(json.dumps({"name": name, "country": country, "sector": sector, "articles": count}))
            return _list_page(request, "actors", items, len(codes), offset, size, format)

        return state.cached(request, compute)

    @app.get("/api/places", tags=["entities"])
    def places(request: Request, f: FilterDep, format: Fmt = "json",
               limit: Limit = None, offset: Offset = 0,
               group: Annotated[bool, Query(description="One row per GeoNames id with mention counts.")]
               = False) -> Any:
        """Toponym mentions resolved to GeoNames (one row per mention), or grouped by place with `group=true`.
        Filters: q, country, bbox, category (precision), dates, article_id. `format=geojson` gives points."""
        if not group:
            return list_response(request, "places", f, format, limit, offset)
        size = _page_size(format, limit)

        def compute() -> Response:
            index = state.index()
            codes, mentions, articles = serving.grouped_places(
                index, index.mask("places", f), by_row=bool(f.q or f.category or f.countries or f.bbox))
            items = [f'{index.place_groups[c][:-1]},"mentions":{m},"articles":{a}}}' for c, m, a in zip(
                codes[offset:offset + size].tolist(), mentions[offset:offset + size].tolist(),
                articles[offset:offset + size].tolist(), strict=True)]
            return _list_page(request, "places", items, len(codes), offset, size, format)

        return state.cached(request, compute)

    @app.get("/api/quotes", tags=["entities"])
    def quotes(request: Request, f: FilterDep, format: Fmt = "json",
               limit: Limit = None, offset: Offset = 0) -> Any:
        """Direct and reported quotes with speaker and cue spans. Filters: q (text or speaker), actor
        (speaker), category (kind), dates, article_id."""
        if format == "geojson":
            raise ApiError(400, "Quotes have no coordinates; use format=json or csv.")
        return list_response(request, "quotes", f, format, limit, offset)

    @app.get("/api/quantities", tags=["entities"])
    def quantities(request: Request, f: FilterDep, format: Fmt = "json",
                   limit: Limit = None, offset: Offset = 0) -> Any:
        """Counts of people (killed, injured, displaced, ...) with bounds and attribution. Filters: category,
        q, country and bbox (of the count's place), dates, article_id."""
        return list_response(request, "quantities", f, format, limit, offset)

    # -- story events ---------------------------------------------------------------------------------------------
    @app.get("/api/story-events", tags=["stories"])
    def story_events(request: Request, f: FilterDep, format: Fmt = "json",
                     limit: Limit = None, offset: Offset = 0) -> Any:
        """Events merged across articles, with how many reports and articles support each (the list leaves out
        `summary`; the story's own endpoint has it). Filters: type, date range, bbox, country (sources and
        targets). Empty until the cross-article layer has linked reports."""
        return list_response(request, "story_events", f, format, limit, offset)

    @app.get("/api/story-events/{story_id}", tags=["stories"])
    def story_event(story_id: str) -> Response:
        """One story event with every report (event, article, quote, counts) and where reports disagree."""
        index = state.index()
        found = index.story(story_id)
        if found is None:
            raise ApiError(404, f"No story event with id '{story_id}'.")
        story, ranks, counts = found
        reports = [json.loads(item) for item in index.items("events", ranks)]
        reports.sort(key=lambda r: (r["article"]["published"] is None, r["article"]["published"] or "",
                                    r["article_id"], r["id"]))
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


# `sitrep serve --workers N` passes its settings to each server process through these variables.
ENV_DB, ENV_HOSTS, ENV_MAX_BODY = "SITREP_SERVE_DB", "SITREP_SERVE_HOSTS", "SITREP_SERVE_MAX_BODY"


def app_from_env() -> FastAPI:
    """The read-only app of one server process of `sitrep serve --workers N` (uvicorn imports it by name in
    each process it starts, so the settings come from the environment that `serve` sets)."""
    import os

    hosts = os.environ.get(ENV_HOSTS)
    return create_app(os.environ[ENV_DB], max_body=int(os.environ.get(ENV_MAX_BODY, DEFAULT_MAX_BODY)),
                      allowed_hosts=hosts.split(",") if hosts else None)


@asynccontextmanager
async def _worker_threads(app: FastAPI) -> AsyncIterator[None]:
    """Serve requests on WORKER_THREADS threads instead of anyio's default 40: the work holds the GIL most of
    the time, so more threads only queue inside the process, and each keeps a DuckDB cursor, a SQLite
    connection and a malloc arena of its own (memory that grew with the thread count under load)."""
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


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
