"""Exports of the store: one writer per format.

| format | what | where |
|---|---|---|
| `jsonl` | one contract object per article (the same object `sitrep extract` prints) | file or stdout |
| `csv` | one table (default `events`), one row per item, with its article id and evidence offsets | file or stdout |
| `parquet` | every table as `<table>.parquet`, or one table with `--table` | directory (or file) |
| `geojson` | events with coordinates as a FeatureCollection of Points (see `export_geojson`) | file or stdout |
| `acled-csv` | one row per event in ACLED's column layout (see `export_acled_csv`) | file or stdout |
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sitrep.errors import Errors, SitrepError
from sitrep.store import TABLES, Store

# Columns too big or too internal for a flat table.
_HIDDEN = {"articles": ["record"]}


def _select(table: str) -> str:
    if table not in TABLES:
        raise SitrepError(Errors.E404.format(table=table, tables=", ".join(TABLES)))
    hidden = _HIDDEN.get(table)
    columns = f"* EXCLUDE ({', '.join(hidden)})" if hidden else "*"
    order = "ingested_at, id" if table == "articles" else "1"
    return f"SELECT {columns} FROM {table} ORDER BY {order}"


def export_jsonl(store: Store, table: str | None, output: Path | None) -> str | None:
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        if table:
            cursor = store.con.execute(_select(table))
            names = [d[0] for d in cursor.description]
            while rows := cursor.fetchmany(1024):
                for row in rows:
                    out.write(json.dumps(dict(zip(names, row, strict=True)), default=str, ensure_ascii=False) + "\n")
        else:
            for record in store.records():
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    return str(output) if output else None


def export_csv(store: Store, table: str | None, output: Path | None) -> str | None:
    query = _select(table or "events")
    if output:
        store.con.execute(f"COPY ({query}) TO '{_sql_path(output)}' (FORMAT csv, HEADER true)")
        return str(output)
    relation = store.con.sql(query)
    import csv

    writer = csv.writer(sys.stdout)
    writer.writerow(relation.columns)
    for row in relation.fetchall():
        writer.writerow(row)
    return None


def export_parquet(store: Store, table: str | None, output: Path | None) -> str | None:
    if table:
        target = output or Path(f"{table}.parquet")
        store.con.execute(f"COPY ({_select(table)}) TO '{_sql_path(target)}' (FORMAT parquet)")
        return str(target)
    directory = output or Path("export")
    directory.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        if name == "events":  # by date, as analysts slice events; undated ones in date=__HIVE_DEFAULT_PARTITION__
            store.con.execute(f"COPY ({_select(name)}) TO '{_sql_path(directory / 'events')}' "
                              "(FORMAT parquet, PARTITION_BY (date), OVERWRITE_OR_IGNORE)")
            continue
        store.con.execute(f"COPY ({_select(name)}) TO '{_sql_path(directory / (name + '.parquet'))}' "
                          "(FORMAT parquet)")
    return str(directory)


# -- analyst formats: read from the contract records, so every field has its evidence ---------------------------

def _events_with_articles(store: Store) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Each event with its article's record; copies of another article are left out (counted once)."""
    cursor = store.con.execute("SELECT record FROM articles WHERE duplicate_of IS NULL ORDER BY ingested_at, id")
    while rows := cursor.fetchmany(256):
        for (raw,) in rows:
            record = json.loads(raw)
            for event in record.get("events", []):
                yield record, event


def _plover_actor(actors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "; ".join(a.get("name") or "" for a in actors) or None,
            "country": ";".join(sorted({a["country"] for a in actors if a.get("country")})) or None,
            "sector": ";".join(sorted({s for a in actors for s in _as_list(a.get("sector"))})) or None}


def _as_list(value: Any) -> list[str]:
    return [v for v in (value if isinstance(value, list) else [value]) if v]


def export_plover(store: Store, table: str | None, output: Path | None) -> str | None:
    """One event per line with POLECAT's main fields (PLOVER event, mode, contexts, actor, recipient, place)."""
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for record, event in _events_with_articles(store):
            article = record["article"]
            place = event.get("place") or {}
            date = event.get("date") or {}
            row = {
                "event_id": f"{article['id']}-{event['id']}", "event_date": date.get("value"),
                "date_precision": date.get("precision"), "event_type": event["type"],
                "event_mode": event.get("mode"), "contexts": event.get("context", []),
                "claim_status": event.get("status"),
                "actor": _plover_actor(event.get("sources", [])),
                "recipient": _plover_actor(event.get("targets", [])),
                "location": {"placename": place.get("name"), "geonameid": place.get("geonameid"),
                             "country": place.get("country"), "admin1": place.get("admin1"),
                             "latitude": place.get("lat"), "longitude": place.get("lon"),
                             "feature_code": place.get("feature_code"), "precision": place.get("precision"),
                             "raw_placename": place.get("text")},
                "story_id": article["id"], "publication_date": article.get("published"),
                "headline": article.get("title"), "url": article.get("url"),
                "trigger": event["trigger"], "confidence": event.get("confidence"), "language": "en",
                "coder": "sitrep",
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    return str(output) if output else None


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


# -- events for maps and conflict datasets (issue 11) ---------------------------------------------------------

# Events with their article, the country and admin1 of their place, and the deaths counted for them. Copies
# of another article (duplicate_of) are left out so a wire story is not counted twice.
_EVENT_ROWS = """
SELECT e.article_id, e.id, e.type, e.mode, e.status, e.sources, e.targets, e.date, e.date_value, e.date_text,
       e.date_precision, e.place_geonameid, e.place_name, e.lat, e.lon, e.place_precision, e.trigger_text,
       e.trigger_start, e.trigger_end, e.confidence, a.url, a.title, a.published, a.source AS article_source,
       epoch(a.ingested_at)::BIGINT AS ingested, p.country, p.admin1,
       coalesce(k.killed, 0) AS fatalities
FROM events e JOIN articles a ON a.id = e.article_id
LEFT JOIN (SELECT geonameid, any_value(country) AS country, any_value(admin1) AS admin1 FROM places
           GROUP BY 1) p ON p.geonameid = e.place_geonameid
LEFT JOIN (SELECT article_id, event_id, sum(coalesce(value, low, 0)) AS killed FROM quantities
           WHERE category = 'killed' AND event_id IS NOT NULL GROUP BY 1, 2) k
       ON k.article_id = e.article_id AND k.event_id = e.id
WHERE a.duplicate_of IS NULL
ORDER BY e.date NULLS LAST, e.article_id, e.id"""


def _event_rows(store: Store) -> Iterator[dict[str, Any]]:
    cursor = store.con.execute(_EVENT_ROWS)
    names = [d[0] for d in cursor.description]
    while rows := cursor.fetchmany(1024):
        for row in rows:
            item = dict(zip(names, row, strict=True))
            for key in ("sources", "targets"):
                item[key] = json.loads(item[key]) if item[key] else []
            yield item


def export_geojson(store: Store, table: str | None, output: Path | None) -> str | None:
    """Events with coordinates as a GeoJSON FeatureCollection of Points (`[lon, lat]`, RFC 7946).

    Properties: `article_id`, `event_id`, `type`, `mode`, `status`, `date` (TIMEX3 value), `date_precision`,
    `place`, `geonameid`, `country`, `admin1`, `geo_precision` (exact, city, admin2, admin1, country,
    region: how sure the point is), `sources` / `targets` (names), `source_countries` / `target_countries`,
    `trigger` {`text`, `start`, `end`} (evidence span in the article text), `confidence`, `fatalities`,
    `url`, `title`, `published`. Events without coordinates are left out.
    """
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        out.write('{"type": "FeatureCollection", "features": [\n')
        first = True
        for e in _event_rows(store):
            if e["lat"] is None or e["lon"] is None:
                continue
            feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [e["lon"], e["lat"]]},
                       "properties": {
                           "article_id": e["article_id"], "event_id": e["id"], "type": e["type"], "mode": e["mode"],
                           "status": e["status"], "date": e["date_value"], "date_precision": e["date_precision"],
                           "place": e["place_name"], "geonameid": e["place_geonameid"], "country": e["country"],
                           "admin1": e["admin1"], "geo_precision": e["place_precision"],
                           "sources": [a.get("name") for a in e["sources"]],
                           "targets": [a.get("name") for a in e["targets"]],
                           "source_countries": sorted({a["country"] for a in e["sources"] if a.get("country")}),
                           "target_countries": sorted({a["country"] for a in e["targets"] if a.get("country")}),
                           "trigger": {"text": e["trigger_text"], "start": e["trigger_start"],
                                       "end": e["trigger_end"]},
                           "confidence": e["confidence"], "fatalities": e["fatalities"], "url": e["url"],
                           "title": e["title"], "published": e["published"].isoformat() if e["published"] else None}}
            out.write(("" if first else ",\n") + json.dumps(feature, ensure_ascii=False))
            first = False
        out.write("\n]}\n")
    finally:
        if output:
            out.close()
    return str(output) if output else None


# ACLED's codebook: time_precision 1 = the day is known, 2 = the week or a few days, 3 = the month or less
# precise; geo_precision 1 = the town itself, 2 = a part of a region near it, 3 = a larger region.
_ACLED_TIME = {"day": 1, "article": 1, "days": 2, "week": 2}
_ACLED_GEO = {"exact": 1, "city": 1, "admin2": 2, "admin1": 3, "country": 3, "region": 3}
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
                 "assoc_actor_1", "actor2", "assoc_actor_2", "iso", "country", "admin1", "location", "latitude",
                 "longitude", "geo_precision", "source", "notes", "fatalities", "tags", "timestamp"]


def export_acled_csv(store: Store, table: str | None, output: Path | None) -> str | None:
    """One row per event in ACLED's column layout, so ACLED tooling and analysts' habits carry over.

    `event_id_cnty` article:event id; `event_date` YYYY-MM-DD; `year`; `time_precision` 1/2/3 (day,
    week, month or coarser); `event_type` the PLOVER type; `sub_event_type` the PLOVER mode; `actor1` the
    first source and `assoc_actor_1` the others ("; "-joined), `actor2` / `assoc_actor_2` likewise for
    targets; `iso` ISO 3166-1 alpha-3 of the place (ACLED uses a numeric code; alpha-3 is kept here) and
    `country` the same code; `admin1`; `location` the place name; `latitude`, `longitude`; `geo_precision`
    1/2/3 (town, part of a region, larger region); `source` the article URL (or input); `notes` the
    trigger, claim status and title; `fatalities` deaths counted for the event (0 when none is reported);
    `tags` `status=<claim status>`; `timestamp` when the article was stored (Unix seconds). Rows are events
    as reported (PLOVER), not ACLED's own event categories.
    """
    import csv

    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        writer = csv.writer(out)
        writer.writerow(ACLED_COLUMNS)
        for e in _event_rows(store):
            day = e["date"].isoformat() if e["date"] else (e["date_value"] or "")[:10] or None
            sources = [a.get("name") or "" for a in e["sources"]]
            targets = [a.get("name") or "" for a in e["targets"]]
            precision = _ACLED_TIME.get(e["date_precision"] or "", 3)
            notes = f"{e['trigger_text']!r} ({e['status']})" + (f"; {e['title']}" if e["title"] else "")
            writer.writerow([
                f"{e['article_id']}:{e['id']}", day, day[:4] if day else None, precision, e["type"], e["mode"],
                sources[0] if sources else None, "; ".join(sources[1:]) or None,
                targets[0] if targets else None, "; ".join(targets[1:]) or None,
                e["country"], e["country"], e["admin1"], e["place_name"], e["lat"], e["lon"],
                _ACLED_GEO.get(e["place_precision"] or "") if e["lat"] is not None else None,
                e["url"] or e["article_source"], notes, e["fatalities"], f"status={e['status']}", e["ingested"],
            ])
    finally:
        if output:
            out.close()
    return str(output) if output else None


EXPORTERS: dict[str, Callable[[Store, str | None, Path | None], str | None]] = {
    "jsonl": export_jsonl,
    "csv": export_csv,
    "parquet": export_parquet,
    "geojson": export_geojson,
    "acled-csv": export_acled_csv,
    "plover": export_plover,
}


def export_store(store: Store, fmt: str, *, table: str | None = None, output: Path | None = None) -> str | None:
    """Write the store in `fmt`; returns where it went (None for stdout)."""
    if fmt not in EXPORTERS:
        raise SitrepError(Errors.E403.format(fmt=fmt, formats=", ".join(EXPORTERS)))
    return EXPORTERS[fmt](store, table, output)
