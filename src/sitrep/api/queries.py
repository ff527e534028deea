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


_REGEX_SPECIAL = set("\\^$.|?*+()[]{}")


def like(text: str) -> str:
    """A case-insensitive RE2 pattern that matches `text` literally anywhere.

    Why a regular expression and not ILIKE: DuckDB runs `regexp_matches` with `(?i)` about 2.5 times
    faster than ILIKE over long article texts, and escaping makes % and _ (and every regex character) literal.
    """
    return "(?i)" + "".join("\\" + c if c in _REGEX_SPECIAL else c for c in text)


def matches(*columns: str) -> str:
    """SQL true when any of `columns` matches the pattern (one `?` per column)."""
    return "(" + " OR ".join(f"regexp_matches({c}, ?)" for c in columns) + ")"


def _bbox(where: Where, lat: str, lon: str, bbox: tuple[float, float, float, float]) -> None:
    min_lon, min_lat, max_lon, max_lat = bbox
    where.add(f"{lat} BETWEEN ? AND ?", min_lat, max_lat)
    if min_lon <= max_lon:
        where.add(f"{lon} BETWEEN ? AND ?", min_lon, max_lon)
    else:  # a box across the antimeridian
        where.add(f"({lon} >= ? OR {lon} <= ?)", min_lon, max_lon)


def _article_scope(where: Where, f: Filters, alias: str = "a", column: str = "id") -> None:
    """Leave out copies of another article (unless asked), and keep one article if asked.

    Written as an anti-join on the (usually tiny) set of copies, so a table need not be joined to articles.
    """
    if not f.include_duplicates:
        where.add(f"{alias}.{column} NOT IN (SELECT id FROM articles WHERE duplicate_of IS NOT NULL)")
    if f.article_id:
        where.add(f"{alias}.{column} = ?", f.article_id)


# -- events -------------------------------------------------------------------------------------------------

# Filters and ordering run on `events e` alone (EVENT_FROM); only the page of rows is then joined to its
# article and quote (EVENT_PAGE_FROM), which keeps a page of the newest events at a few milliseconds.
EVENT_FROM = "FROM events e"
EVENT_PAGE_FROM = """FROM events e JOIN articles a ON a.id = e.article_id
LEFT JOIN quotes q ON q.article_id = e.article_id AND q.id = e.quote_id"""

EVENT_COLUMNS = """e.article_id, e.id, e.type, e.mode, e.context, e.sources, e.targets, e.source_countries,
e.target_countries, e.status, e.date_value, e.date_text, e.date_precision, e.date, e.place_geonameid, e.place_name,
e.lat, e.lon, e.place_precision, e.trigger_text, e.trigger_start, e.trigger_end, e.confidence, e.quote_id,
a.title AS article_title, a.published AS article_published, a.url AS article_url,
q.text AS quote_text, q.speaker_name AS quote_speaker"""

EVENT_ORDER = "ORDER BY e.date DESC NULLS LAST, e.confidence DESC, e.article_id, e.id"


def event_where(f: Filters) -> Where:
    where = Where()
    _article_scope(where, f, "e", "article_id")
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
        where.add(matches("CAST(e.sources AS VARCHAR)", "CAST(e.targets AS VARCHAR)"), like(f.actor), like(f.actor))
    if f.q:
        pattern = like(f.q)
        # Actor names are left to the `actor` filter: matching JSON text of every event costs more than the rest.
        where.add("(" + matches("e.trigger_text", "e.place_name")
                  + " OR e.article_id IN (SELECT id FROM articles WHERE regexp_matches(title, ?))"
                  + " OR EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = e.article_id AND q.id = e.quote_id"
                  " AND regexp_matches(q.text, ?)))", *([pattern] * 4))
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


def event_from_record(article: dict[str, Any], event: dict[str, Any], quotes: dict[str, dict[str, Any]]
                      ) -> dict[str, Any]:
    """The same shape as `shape_event`, built from an article's stored contract record.

    Why: a page of events is fetched as (article_id, id) keys first, then read from the articles' records by
    primary key; reading wide JSON columns of scattered rows from the events table costs several times more.
    """
    date = event.get("date")
    if date is not None:
        value = date.get("value") or ""
        day = None
        if len(value) >= 10:
            try:
                day = dt.date.fromisoformat(value[:10]).isoformat()
            except ValueError:
                day = None
        date = {"value": date.get("value"), "text": date.get("text"), "precision": date.get("precision"), "day": day}
    place = event.get("place")
    if place is not None:
        place = {k: place.get(k) for k in ("geonameid", "name", "lat", "lon", "precision")}
    quote = None
    if event.get("quote_id"):
        q = quotes.get(event["quote_id"]) or {}
        quote = {"id": event["quote_id"], "text": q.get("text"), "speaker": (q.get("speaker") or {}).get("name")}
    trigger = event.get("trigger") or {}
    return {
        "article_id": article["id"], "id": event["id"], "type": event.get("type"),
        "group": TYPE_GROUP.get(event.get("type") or ""), "mode": event.get("mode"),
        "context": event.get("context") or [], "sources": event.get("sources") or [],
        "targets": event.get("targets") or [], "status": event.get("status"), "date": date, "place": place,
        "trigger": {"text": trigger.get("text"), "start": trigger.get("start"), "end": trigger.get("end")},
        "confidence": event.get("confidence"), "quote_id": event.get("quote_id"), "quote": quote,
        "article": {"id": article["id"], "title": article.get("title"), "published": article.get("published"),
                    "url": article.get("url")},
    }


# -- articles -----------------------------------------------------------------------------------------------

ARTICLE_COLUMNS = """a.id, a.published, a.title, a.url, a.language, a.source, a.sha256, a.duplicate_of,
a.ingested_at, length(a.text) AS chars, left(a.text, 280) AS snippet"""


def article_where(f: Filters) -> Where:
    where = Where()
    _article_scope(where, f)
    if f.date_from:
        where.add("a.published >= ?", f.date_from)
    if f.date_to:
        where.add("a.published <= ?", f.date_to)
    if f.q:
        where.add(matches("a.title", "a.text"), like(f.q), like(f.q))
    if f.types:
        where.add("a.id IN (SELECT article_id FROM events WHERE type IN (SELECT unnest(?)))", f.types)
    if f.countries:
        where.add("(a.id IN (SELECT article_id FROM places WHERE country IN (SELECT unnest(?)))"
                  " OR a.id IN (SELECT article_id FROM actors WHERE country IN (SELECT unnest(?))))",
                  f.countries, f.countries)
    if f.actor:
        where.add("a.id IN (SELECT article_id FROM actors WHERE regexp_matches(name, ?))", like(f.actor))
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
            where.add(matches("x.name"), like(text))
    if f.category:  # sector for actors
        where.add(matches("x.sector"), like(f.category))
    return where


def place_where(f: Filters) -> Where:
    where = Where()
    _article_scope(where, f)
    _published(where, f)
    if f.countries:
        where.add("x.country IN (SELECT unnest(?))", f.countries)
    if f.q:
        where.add(matches("x.text", "x.name"), like(f.q), like(f.q))
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
        where.add(matches("x.text", "x.speaker_name"), like(f.q), like(f.q))
    if f.actor:
        where.add(matches("x.speaker_name"), like(f.actor))
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
        where.add(matches("x.text", "x.place_name"), like(f.q), like(f.q))
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
