"""SQL for the REST API: one filter builder shared by every list, and row shaping.

Why hand-written SQL and not an ORM: the store is DuckDB with a fixed schema (`sitrep.store`); each
list endpoint is one SELECT with a WHERE built here from whitelisted clauses and bound parameters.
No user value is ever pasted into SQL text: values travel as `?` parameters, and column names come
from constants in this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

# PLOVER event types grouped the way conflict analysts read them (QuadClass in spirit), for colours
# and the stacked timeline.
TYPE_GROUPS: dict[str, tuple[str, ...]] = {
    "cooperation": ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"),
    "verbal_conflict": ("REQUEST", "ACCUSE", "REJECT", "THREATEN"),
    "material_conflict": ("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"),
}
TYPE_GROUP = {t: group for group, types in TYPE_GROUPS.items() for t in types}

# Columns whose text is JSON in the store; decoded before they are sent as JSON.
JSON_COLUMNS = {"context", "sources", "targets", "mentions", "source", "summary", "notes", "statuses", "contradictions"}


@dataclass
class Filters:
    """The filters an analyst can apply to a list (all optional; each narrows the result)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    types: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    actor: str | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    article_id: str | None = None
    category: str | None = None
    min_confidence: float | None = None
    include_duplicates: bool = False


class Where:
    """Collects SQL conditions and their parameters, in order."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return ("WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def like(text: str) -> str:
    """An ILIKE pattern that matches `text` literally anywhere (escapes % and _)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _bbox(where: Where, lat: str, lon: str, bbox: tuple[float, float, float, float]) -> None:
    min_lon, min_lat, max_lon, max_lat = bbox
    where.add(f"{lat} BETWEEN ? AND ?", min_lat, max_lat)
    if min_lon <= max_lon:
        where.add(f"{lon} BETWEEN ? AND ?", min_lon, max_lon)
    else:  # a box across the antimeridian
        where.add(f"({lon} >= ? OR {lon} <= ?)", min_lon, max_lon)


def _article_scope(where: Where, f: Filters, alias: str = "a") -> None:
    if not f.include_duplicates:
        where.add(f"{alias}.duplicate_of IS NULL")
    if f.article_id:
        where.add(f"{alias}.id = ?", f.article_id)


# -- events -------------------------------------------------------------------------------------------------

EVENT_FROM = """FROM events e JOIN articles a ON a.id = e.article_id
LEFT JOIN quotes q ON q.article_id = e.article_id AND q.id = e.quote_id"""

EVENT_COLUMNS = """e.article_id, e.id, e.type, e.mode, e.context, e.sources, e.targets, e.source_countries,
e.target_countries, e.status, e.date_value, e.date_text, e.date_precision, e.date, e.place_geonameid, e.place_name,
e.lat, e.lon, e.place_precision, e.trigger_text, e.trigger_start, e.trigger_end, e.confidence, e.quote_id,
a.title AS article_title, a.published AS article_published, a.url AS article_url,
q.text AS quote_text, q.speaker_name AS quote_speaker"""

EVENT_ORDER = "ORDER BY e.date DESC NULLS LAST, e.confidence DESC, e.article_id, e.id"


def event_where(f: Filters) -> Where:
    where = Where()
    _article_scope(where, f)
    if f.date_from:
        where.add("e.date >= ?", f.date_from)
    if f.date_to:
        where.add("e.date <= ?", f.date_to)
    if f.types:
        where.add("e.type IN (SELECT unnest(?))", f.types)
    if f.statuses:
        where.add("e.status IN (SELECT unnest(?))", f.statuses)
    if f.countries:
        # Involved as source or target, or where it happened (the place's country, via the places table).
        where.add("(list_has_any(string_split(coalesce(e.source_countries, ''), ';'), ?)"
                  " OR list_has_any(string_split(coalesce(e.target_countries, ''), ';'), ?)"
                  " OR e.place_geonameid IN (SELECT geonameid FROM places WHERE country IN (SELECT unnest(?))))",
                  f.countries, f.countries, f.countries)
    if f.actor:
        where.add("(CAST(e.sources AS VARCHAR) ILIKE ? ESCAPE '\\' OR CAST(e.targets AS VARCHAR) ILIKE ? ESCAPE '\\')",
                  like(f.actor), like(f.actor))
    if f.q:
        pattern = like(f.q)
        where.add("(e.trigger_text ILIKE ? ESCAPE '\\' OR a.title ILIKE ? ESCAPE '\\' OR e.place_name ILIKE ? "
                  "ESCAPE '\\' OR q.text ILIKE ? ESCAPE '\\' OR CAST(e.sources AS VARCHAR) ILIKE ? ESCAPE '\\' "
                  "OR CAST(e.targets AS VARCHAR) ILIKE ? ESCAPE '\\')", *([pattern] * 6))
    if f.bbox:
        _bbox(where, "e.lat", "e.lon", f.bbox)
    if f.min_confidence is not None:
        where.add("e.confidence >= ?", f.min_confidence)
    return where


def shape_event(row: dict[str, Any]) -> dict[str, Any]:
    """A flat events row as a contract-shaped event with its article and quote beside it."""
    place = None
    if row["place_name"] is not None or row["lat"] is not None:
        place = {"geonameid": row["place_geonameid"], "name": row["place_name"], "lat": row["lat"],
                 "lon": row["lon"], "precision": row["place_precision"]}
    date = None
    if row["date_value"] is not None or row["date_text"] is not None:
        date = {"value": row["date_value"], "text": row["date_text"], "precision": row["date_precision"],
                "day": row["date"]}
    quote = None
    if row["quote_id"] is not None:
        quote = {"id": row["quote_id"], "text": row["quote_text"], "speaker": row["quote_speaker"]}
    return {
        "article_id": row["article_id"], "id": row["id"], "type": row["type"],
        "group": TYPE_GROUP.get(row["type"] or ""), "mode": row["mode"], "context": row["context"] or [],
        "sources": row["sources"] or [], "targets": row["targets"] or [], "status": row["status"], "date": date,
        "place": place, "trigger": {"text": row["trigger_text"], "start": row["trigger_start"],
                                    "end": row["trigger_end"]},
        "confidence": row["confidence"], "quote_id": row["quote_id"], "quote": quote,
        "article": {"id": row["article_id"], "title": row["article_title"], "published": row["article_published"],
                    "url": row["article_url"]},
    }


# -- articles -----------------------------------------------------------------------------------------------

ARTICLE_COLUMNS = """a.id, a.published, a.title, a.url, a.language, a.source, a.sha256, a.duplicate_of,
a.ingested_at, length(a.text) AS chars, left(a.text, 280) AS snippet,
(SELECT count(*) FROM events e WHERE e.article_id = a.id) AS events"""


def article_where(f: Filters) -> Where:
    where = Where()
    _article_scope(where, f)
    if f.date_from:
        where.add("a.published >= ?", f.date_from)
    if f.date_to:
        where.add("a.published <= ?", f.date_to)
    if f.q:
        where.add("(a.title ILIKE ? ESCAPE '\\' OR a.text ILIKE ? ESCAPE '\\')", like(f.q), like(f.q))
    if f.types:
        where.add("a.id IN (SELECT article_id FROM events WHERE type IN (SELECT unnest(?)))", f.types)
    if f.countries:
        where.add("(a.id IN (SELECT article_id FROM places WHERE country IN (SELECT unnest(?)))"
                  " OR a.id IN (SELECT article_id FROM actors WHERE country IN (SELECT unnest(?))))",
                  f.countries, f.countries)
    if f.actor:
        where.add("a.id IN (SELECT article_id FROM actors WHERE name ILIKE ? ESCAPE '\\')", like(f.actor))
    if f.bbox:
        inner = Where()
        _bbox(inner, "lat", "lon", f.bbox)
        where.add(f"a.id IN (SELECT article_id FROM places {inner.sql()})", *inner.params)
    return where


# -- the smaller tables ---------------------------------------------------------------------------------------

def _published(where: Where, f: Filters) -> None:
    if f.date_from:
        where.add("a.published >= ?", f.date_from)
    if f.date_to:
        where.add("a.published <= ?", f.date_to)


def actor_where(f: Filters) -> Where:
    where = Where()
    _article_scope(where, f)
    _published(where, f)
    if f.countries:
        where.add("x.country IN (SELECT unnest(?))", f.countries)
    for text in (f.actor, f.q):
        if text:
            where.add("x.name ILIKE ? ESCAPE '\\'", like(text))
    if f.category:  # sector for actors
        where.add("x.sector ILIKE ? ESCAPE '\\'", like(f.category))
    return where


def place_where(f: Filters) -> Where:
    where = Where()
    _article_scope(where, f)
    _published(where, f)
    if f.countries:
        where.add("x.country IN (SELECT unnest(?))", f.countries)
    if f.q:
        where.add("(x.text ILIKE ? ESCAPE '\\' OR x.name ILIKE ? ESCAPE '\\')", like(f.q), like(f.q))
    if f.bbox:
        _bbox(where, "x.lat", "x.lon", f.bbox)
    if f.category:  # precision for places
        where.add("x.precision = ?", f.category)
    return where


def quote_where(f: Filters) -> Where:
    where = Where()
    _article_scope(where, f)
    _published(where, f)
    if f.q:
        where.add("(x.text ILIKE ? ESCAPE '\\' OR x.speaker_name ILIKE ? ESCAPE '\\')", like(f.q), like(f.q))
    if f.actor:
        where.add("x.speaker_name ILIKE ? ESCAPE '\\'", like(f.actor))
    if f.category:  # kind for quotes
        where.add("x.kind = ?", f.category)
    return where


def quantity_where(f: Filters) -> Where:
    where = Where()
    _article_scope(where, f)
    _published(where, f)
    if f.category:
        where.add("x.category = ?", f.category)
    if f.q:
        where.add("(x.text ILIKE ? ESCAPE '\\' OR x.place_name ILIKE ? ESCAPE '\\')", like(f.q), like(f.q))
    if f.countries:
        where.add("x.place_geonameid IN (SELECT geonameid FROM places WHERE country IN (SELECT unnest(?)))",
                  f.countries)
    if f.bbox:
        _bbox(where, "x.lat", "x.lon", f.bbox)
    return where


# -- values -------------------------------------------------------------------------------------------------

def jsonable(value: Any) -> Any:
    """A DuckDB value as JSON can carry it (dates as ISO strings)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def rows_as_dicts(cursor: Any, decode_json: bool = True) -> list[dict[str, Any]]:
    """Fetch every row of `cursor` as a dict; JSON columns decoded, dates as ISO strings."""
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        item = {}
        for name, value in zip(names, row, strict=True):
            if decode_json and name in JSON_COLUMNS and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            item[name] = jsonable(value)
        out.append(item)
    return out
