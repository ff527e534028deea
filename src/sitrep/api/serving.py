"""The serving index: what lets every list and aggregate of the API answer in a few milliseconds.

Why not query DuckDB per request: measured on a 10,000-article store (306,000 events), a filtered count or an
ordered page over the events table costs DuckDB 4-20 ms of CPU per query, and fetching the 50 rows of a page
by key costs about 14 ms, because a column store decompresses whole vectors of every column to read one row.
A list request needs a count, a page and its rows, so the API spent 30-400 ms of CPU per request.

A served store does not change while it is served (the server holds DuckDB's file lock; with `--allow-ingest`
the index is rebuilt after each stored article), so the server keeps, per list:

- **in memory**, the columns its filters read, as numpy arrays in the list's order (rank 0 is the first row
  of the first page). A filter is a boolean mask over the rows, `total` its count, a page the first ranks of
  the mask, an aggregate a `bincount`: well under a millisecond per 100,000 rows. Short texts (actor, place,
  speaker names, triggers) are matched as case-insensitive substrings of their distinct values, then mapped to
  rows; multi-valued fields (an event's countries and actor names) are (row, value) pairs.
- **in a SQLite file** beside the store (`<store>.serve`), every list row rendered as JSON by DuckDB at build
  time and keyed by rank (a B-tree read per row: microseconds), and FTS5 word indexes of article titles and
  texts and of quote texts for `q` (a page of results without reading any text).

The file is built on first start (about 75 s of CPU per 10,000 articles, 4-10 minutes of wall time on a busy
2-core machine, 2 GB peak memory while building) and reused while the store file keeps its size and
modification time; if the store's directory is not writable it goes to the temporary directory. Memory while
serving: about 60 MB of arrays per 10,000 articles plus bounded caches, whatever the load.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import sqlite3
import tempfile
import threading
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from sitrep.api.queries import TYPE_GROUPS

logger = logging.getLogger(__name__)

MASK_CACHE = 32  # masks (and full-text results) kept: at most ~10 MB per 100,000 rows
FORMAT = 1  # bump when what is stored in the serving file changes
NO_DAY = np.iinfo(np.int32).min  # a missing date, as days since 1970-01-01
FTS_TOKEN = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer calls a token (letters and digits)

GROUP_NAMES = tuple(TYPE_GROUPS)


def _group_case(column: str) -> str:
    return "CASE " + " ".join(f"WHEN {column} IN ({', '.join(repr(t) for t in types)}) THEN '{group}'"
                              for group, types in TYPE_GROUPS.items()) + " END"


# -- the lists, as DuckDB builds them ---------------------------------------------------------------------------
# Each list is a TEMP table `<name>_rows` with `rank` (0-based, in list order), the columns filters need, and
# `item`, the row as the API returns it. The temp tables live in DuckDB's temporary catalog, so a read-only
# store can build them.

_ARTICLE_ORDER = "a.published DESC NULLS LAST, a.ingested_at DESC, a.id"
_DAY = "CAST(date_diff('day', DATE '1970-01-01', {0}) AS INTEGER)"

_BUILD = {
    "articles": f"""
        CREATE TEMP TABLE articles_rows AS
        SELECT row_number() OVER (ORDER BY {_ARTICLE_ORDER}) - 1 AS rank, a.id, a.duplicate_of IS NOT NULL AS dup,
               {_DAY.format("a.published")} AS day, a.published, a.title, a.url, a.text,
               json_object('id', a.id, 'published', strftime(a.published, '%Y-%m-%d'), 'title', a.title,
                           'url', a.url, 'language', a.language, 'source', a.source, 'sha256', a.sha256,
                           'duplicate_of', a.duplicate_of,
                           'ingested_at', strftime(a.ingested_at, '%Y-%m-%dT%H:%M:%S'),
                           'chars', length(a.text), 'snippet', left(a.text, 280),
                           'events', coalesce(n.events, 0)) AS item
        FROM articles a LEFT JOIN (SELECT article_id, count(*) AS events FROM events GROUP BY 1) n
             ON n.article_id = a.id""",
    "quotes": """
        CREATE TEMP TABLE quotes_rows AS
        SELECT row_number() OVER (ORDER BY r.rank, x.idx) - 1 AS rank, r.rank AS art, r.dup, r.day, x.article_id,
               x.id AS quote_id, x.text, x.speaker_name, x.kind,
               json_merge_patch(to_json(x), json_object('article_title', r.title, 'published',
                                strftime(r.published, '%Y-%m-%d'))) AS item
        FROM quotes x JOIN articles_rows r ON r.id = x.article_id""",
    "events": f"""
        CREATE TEMP TABLE events_rows AS
        SELECT row_number() OVER (ORDER BY e.date DESC NULLS LAST, e.confidence DESC, e.article_id, e.id) - 1
                   AS rank,
               r.rank AS art, r.dup, {_DAY.format("e.date")} AS day, e.confidence, e.type, e.status, e.lat, e.lon,
               lower(e.trigger_text) AS trigger_lc, lower(e.place_name) AS place_lc, e.place_name,
               e.place_precision, q.rank AS quote_rank,
               concat_ws(';', e.source_countries, e.target_countries, pc.country) AS countries,
               list_concat(json_extract_string(e.sources, '$[*].name'),
                           json_extract_string(e.targets, '$[*].name')) AS names,
               e.article_id, e.id,
               json_object(
                   'article_id', e.article_id, 'id', e.id, 'type', e.type, 'group', {_group_case("e.type")},
                   'mode', e.mode, 'context', coalesce(e.context, '[]'::JSON),
                   'sources', coalesce(e.sources, '[]'::JSON), 'targets', coalesce(e.targets, '[]'::JSON),
                   'status', e.status,
                   'date', CASE WHEN e.date_value IS NOT NULL OR e.date_text IS NOT NULL THEN json_object(
                       'value', e.date_value, 'text', e.date_text, 'precision', e.date_precision,
                       'day', strftime(e.date, '%Y-%m-%d')) END,
                   'place', CASE WHEN e.place_name IS NOT NULL OR e.lat IS NOT NULL THEN json_object(
                       'geonameid', e.place_geonameid, 'name', e.place_name, 'lat', e.lat, 'lon', e.lon,
                       'precision', e.place_precision) END,
                   'trigger', json_object('text', e.trigger_text, 'start', e.trigger_start, 'end', e.trigger_end),
                   'confidence', e.confidence, 'quote_id', e.quote_id,
                   'quote', CASE WHEN e.quote_id IS NOT NULL THEN json_object(
                       'id', e.quote_id, 'text', q.text, 'speaker', q.speaker_name) END,
                   'article', json_object('id', e.article_id, 'title', r.title,
                                          'published', strftime(r.published, '%Y-%m-%d'),
                                          'url', r.url)) AS item
        FROM events e JOIN articles_rows r ON r.id = e.article_id
        LEFT JOIN (SELECT article_id, quote_id, min(rank) AS rank, any_value(text) AS text,
                          any_value(speaker_name) AS speaker_name FROM quotes_rows GROUP BY 1, 2) q
             ON q.article_id = e.article_id AND q.quote_id = e.quote_id
        LEFT JOIN (SELECT geonameid, any_value(country) AS country FROM places GROUP BY 1) pc
             ON pc.geonameid = e.place_geonameid""",
    "actors": """
        CREATE TEMP TABLE actors_rows AS
        SELECT row_number() OVER (ORDER BY r.rank, x.id) - 1 AS rank, r.rank AS art, r.dup, r.day, x.country,
               lower(x.name) AS name_lc, lower(x.sector) AS sector_lc, x.name, x.sector,
               json_merge_patch(to_json(x), json_object('article_title', r.title, 'published',
                                strftime(r.published, '%Y-%m-%d'))) AS item
        FROM actors x JOIN articles_rows r ON r.id = x.article_id""",
    "places": """
        CREATE TEMP TABLE places_rows AS
        SELECT row_number() OVER (ORDER BY r.rank, x.idx) - 1 AS rank, r.rank AS art, r.dup, r.day, x.country,
               lower(x.text) AS text_lc, lower(x.name) AS name_lc, x.precision, x.lat, x.lon, x.geonameid,
               x.name, x.feature_code,
               json_merge_patch(to_json(x), json_object('article_title', r.title, 'published',
                                strftime(r.published, '%Y-%m-%d'))) AS item
        FROM places x JOIN articles_rows r ON r.id = x.article_id""",
    "quantities": """
        CREATE TEMP TABLE quantities_rows AS
        SELECT row_number() OVER (ORDER BY r.rank, x.idx) - 1 AS rank, r.rank AS art, r.dup, r.day, x.category,
               lower(x.text) AS text_lc, lower(x.place_name) AS place_lc, pc.country, x.lat, x.lon,
               json_merge_patch(to_json(x), json_object('article_title', r.title, 'published',
                                strftime(r.published, '%Y-%m-%d'))) AS item
        FROM quantities x JOIN articles_rows r ON r.id = x.article_id
        LEFT JOIN (SELECT geonameid, any_value(country) AS country FROM places GROUP BY 1) pc
             ON pc.geonameid = x.place_geonameid""",
}

# Story events: the list leaves out `summary` (every report with its title and url: a page of 200 stories
# would weigh megabytes); `/api/story-events/{id}` has it.
_STORY_BUILD = """
    CREATE TEMP TABLE story_events_rows AS
    SELECT row_number() OVER (ORDER BY {order}) - 1 AS rank, s.type, {day} AS day, s.lat, s.lon, s.id,
           {countries} AS countries,
           json_merge_patch(to_json(s), json_object('summary', NULL, 'n_reports', coalesce(n.n_reports, 0),
                                                    'n_articles', coalesce(n.n_articles, 0))) AS item
    FROM story_events s LEFT JOIN (SELECT story_event_id, count(*) AS n_reports,
                                          count(DISTINCT article_id) AS n_articles
                                   FROM story_event_reports GROUP BY 1) n ON n.story_event_id = s.id"""

LISTS = ("articles", "quotes", "events", "actors", "places", "quantities", "story_events")


# -- pieces of the in-memory index ----------------------------------------------------------------------------

class Vocab:
    """Distinct short strings (lower-cased) with codes; finds the codes of values containing a piece of text."""

    def __init__(self, values: Sequence[str]) -> None:
        self.values = list(values)
        self.code = {v: i for i, v in enumerate(self.values)}
        # One string, one value per line: a substring search is one C-level scan, not a Python loop per value.
        self._joined = "\n".join(v.replace("\n", " ") for v in self.values)
        self._starts = np.cumsum([0] + [len(v) + 1 for v in self.values[:-1]]).astype(np.int64) \
            if self.values else np.zeros(0, np.int64)
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.values)

    def containing(self, text: str) -> np.ndarray:
        """Codes of the values that contain `text` (case-insensitive)."""
        needle = text.lower()
        with self._lock:
            if needle in self._cache:
                return self._cache[needle]
        if not needle or "\n" in needle or not self.values:
            found = np.zeros(0, np.int64)
        else:
            positions = [m.start() for m in re.finditer(re.escape(needle), self._joined)]
            found = np.unique(np.searchsorted(self._starts, np.array(positions, np.int64), side="right") - 1)
        with self._lock:
            if len(self._cache) > 2048:
                self._cache.clear()
            self._cache[needle] = found
        return found

    def codes(self, values: Iterable[str]) -> np.ndarray:
        return np.array([self.code[v] for v in values if v in self.code], np.int64)

    def hits(self, codes: np.ndarray) -> np.ndarray:
        """A lookup table: True at each code in `codes` (index it with a row's code)."""
        table = np.zeros(len(self.values) + 1, bool)  # the last slot is "no value" (code -1)
        table[codes] = True
        return table


@dataclass
class Coded:
    """A column of short strings stored as codes into a vocabulary (-1: none)."""

    codes: np.ndarray
    vocab: Vocab

    def mask(self, codes: np.ndarray) -> np.ndarray:
        return self.vocab.hits(codes)[self.codes]

    def equal(self, values: Iterable[str]) -> np.ndarray:
        return self.mask(self.vocab.codes(values))

    def containing(self, text: str) -> np.ndarray:
        return self.mask(self.vocab.containing(text))


@dataclass
class Multi:
    """A multi-valued column: (row, code) pairs, each pair once, kept sorted by code (rows of a code together)."""

    rows: np.ndarray
    codes: np.ndarray
    vocab: Vocab
    n: int
    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))

    def __post_init__(self) -> None:
        order = np.argsort(self.codes, kind="stable")
        self.rows, self.codes = self.rows[order], self.codes[order]
        self.starts = np.searchsorted(self.codes, np.arange(len(self.vocab) + 1))

    def mask(self, codes: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n, bool)
        for code in np.asarray(codes).tolist():
            out[self.rows[self.starts[code]:self.starts[code + 1]]] = True
        return out

    def equal(self, values: Iterable[str]) -> np.ndarray:
        return self.mask(self.vocab.codes(values))

    def containing(self, text: str) -> np.ndarray:
        codes = self.vocab.containing(text)
        if len(codes) <= 64:
            return self.mask(codes)
        out = np.zeros(self.n, bool)  # many values: one pass over every pair
        out[self.rows[self.vocab.hits(codes)[self.codes]]] = True
        return out

    def counts(self, row_mask: np.ndarray) -> np.ndarray:
        """How many masked rows carry each code."""
        hits = np.concatenate([[0], np.cumsum(row_mask[self.rows], dtype=np.int64)])
        return hits[self.starts[1:]] - hits[self.starts[:-1]]


@dataclass
class Table:
    """One list: its row count, numeric columns, coded text columns and multi-valued columns, all by rank."""

    name: str
    n: int
    num: dict[str, np.ndarray] = field(default_factory=dict)
    coded: dict[str, Coded] = field(default_factory=dict)
    multi: dict[str, Multi] = field(default_factory=dict)


# -- building ------------------------------------------------------------------------------------------------

def _code(values: Sequence[Any]) -> Coded:
    """Codes for a column of strings (None becomes -1)."""
    vocab_values = sorted({str(v) for v in values if v is not None})
    lookup = {v: i for i, v in enumerate(vocab_values)}
    codes = np.fromiter((-1 if v is None else lookup[str(v)] for v in values), np.int32, len(values))
    return Coded(codes, Vocab(vocab_values))


def _multi(rows: Sequence[int], values: Sequence[str], n: int) -> Multi:
    coded = _code(values)
    return Multi(np.asarray(rows, np.int32), coded.codes, coded.vocab, n)


def _floats(values: Sequence[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], np.float64)


def _ints(values: Sequence[Any], missing: int) -> np.ndarray:
    return np.array([missing if v is None else v for v in values], np.int32)


def _columns(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, list[Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


def _write_items(con: duckdb.DuckDBPyConnection, lite: sqlite3.Connection, name: str) -> None:
    """Each row's JSON, zlib-compressed (a quarter of the size; a page of 50 inflates in a tenth of a ms)."""
    lite.execute(f"CREATE TABLE {name}_items (rank INTEGER PRIMARY KEY, item BLOB NOT NULL)")
    cur = con.execute(f"SELECT rank, item FROM {name}_rows ORDER BY rank")
    while rows := cur.fetchmany(20_000):
        lite.executemany(f"INSERT INTO {name}_items VALUES (?, ?)",
                         [(rank, zlib.compress(item.encode(), 1)) for rank, item in rows])


def _write_records(con: duckdb.DuckDBPyConnection, lite: sqlite3.Connection) -> None:
    """`/api/articles/{id}` for every article, ready to send (zlib). Reading one 60 KB record from DuckDB's
    column store costs tens of milliseconds; a SQLite row, well under one."""
    lite.execute("CREATE TABLE article_records (id TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID")
    cur = con.execute("""
        SELECT a.id, a.record, a.duplicate_of, strftime(a.ingested_at, '%Y-%m-%dT%H:%M:%S'), coalesce(s.stories, '[]')
        FROM articles a LEFT JOIN (
            SELECT article_id, to_json(list({'story_event_id': story_event_id, 'event_id': event_id}
                                            ORDER BY event_id)) AS stories
            FROM story_event_reports GROUP BY 1) s ON s.article_id = a.id""")
    while rows := cur.fetchmany(500):
        out = []
        for article_id, record, duplicate_of, ingested_at, stories in rows:
            # the stored record is the contract object as JSON: three keys are added without parsing it
            extra = json.dumps({"duplicate_of": duplicate_of, "ingested_at": ingested_at})
            body = f'{record.rstrip()[:-1]},{extra[1:-1]},"story_events":{stories}}}'
            out.append((article_id, zlib.compress(body.encode(), 1)))
        lite.executemany("INSERT INTO article_records VALUES (?, ?)", out)


def _write_stories(con: duckdb.DuckDBPyConnection, lite: sqlite3.Connection) -> None:
    """Per story event: its stored row, the ranks of its reports in the events list, and the reports' counts."""
    lite.execute("CREATE TABLE story_details (id TEXT PRIMARY KEY, story BLOB NOT NULL, reports TEXT NOT NULL, "
                 "counts TEXT NOT NULL) WITHOUT ROWID")
    cur = con.execute("""
        SELECT s.id, to_json(s), coalesce(rp.reports, '[]'), coalesce(ct.counts, '[]')
        FROM story_events s
        LEFT JOIN (SELECT r.story_event_id, to_json(list(e.rank)) AS reports FROM story_event_reports r
                   JOIN events_rows e ON e.article_id = r.article_id AND e.id = r.event_id GROUP BY 1) rp
             ON rp.story_event_id = s.id
        LEFT JOIN (SELECT r.story_event_id, to_json(list({'article_id': x.article_id, 'event_id': x.event_id,
                              'category': x.category, 'value': x.value, 'low': x.low, 'high': x.high,
                              'text': x.text, 'start': x.start, 'end': x."end"} ORDER BY x.category, x.article_id))
                          AS counts
                   FROM quantities x JOIN story_event_reports r ON r.article_id = x.article_id
                        AND r.event_id = x.event_id GROUP BY 1) ct ON ct.story_event_id = s.id""")
    while rows := cur.fetchmany(5_000):
        lite.executemany("INSERT INTO story_details VALUES (?, ?, ?, ?)",
                         [(i, zlib.compress(story.encode(), 1), reports, counts) for i, story, reports, counts in rows])


def build(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Build the serving file at `path` from the store behind `con` (read-only is enough)."""
    started = time.perf_counter()
    con.execute("SET enable_progress_bar = false")
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    lite = sqlite3.connect(tmp)
    lite.execute("PRAGMA journal_mode = OFF")
    lite.execute("PRAGMA synchronous = OFF")
    story_columns = {d[0] for d in con.execute("SELECT * FROM story_events LIMIT 0").description}
    for name in LISTS:
        con.execute(f"DROP TABLE IF EXISTS {name}_rows")
        if name == "story_events":
            order = ("s.reports DESC NULLS LAST, s.date DESC NULLS LAST, s.id" if "reports" in story_columns
                     else "coalesce(n.n_reports, 0) DESC, s.date DESC NULLS LAST, s.id")
            countries = ("concat_ws(';', s.source_countries, s.target_countries)"
                         if {"source_countries", "target_countries"} <= story_columns else "''")
            con.execute(_STORY_BUILD.format(order=order, day=_DAY.format("s.date"), countries=countries))
        else:
            con.execute(_BUILD[name])
        _write_items(con, lite, name)
    lite.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='', "
                 "tokenize='unicode61 remove_diacritics 2')")
    cur = con.execute("SELECT rank, coalesce(title, ''), text FROM articles_rows ORDER BY rank")
    while rows := cur.fetchmany(2_000):
        lite.executemany("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)", rows)
    lite.execute("CREATE VIRTUAL TABLE quotes_fts USING fts5(text, content='', "
                 "tokenize='unicode61 remove_diacritics 2')")
    cur = con.execute("SELECT rank, coalesce(text, '') FROM quotes_rows ORDER BY rank")
    while rows := cur.fetchmany(20_000):
        lite.executemany("INSERT INTO quotes_fts (rowid, text) VALUES (?, ?)", rows)
    lite.execute("CREATE TABLE article_keys (id TEXT PRIMARY KEY, rank INTEGER) WITHOUT ROWID")
    lite.executemany("INSERT INTO article_keys VALUES (?, ?)", con.execute("SELECT id, rank FROM articles_rows")
                     .fetchall())
    _write_records(con, lite)
    _write_stories(con, lite)
    arrays, vocabs = _arrays(con)
    lite.execute("CREATE TABLE arrays (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
    for key, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        lite.execute("INSERT INTO arrays VALUES (?, ?)", [key, buffer.getvalue()])
    lite.execute("CREATE TABLE vocabs (name TEXT PRIMARY KEY, data TEXT NOT NULL)")
    for key, values in vocabs.items():
        lite.execute("INSERT INTO vocabs VALUES (?, ?)", [key, json.dumps(values)])
    lite.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    lite.commit()
    lite.close()
    for name in LISTS:
        con.execute(f"DROP TABLE IF EXISTS {name}_rows")
    os.replace(tmp, path)
    logger.info("built the serving index %s in %.1f s", path, time.perf_counter() - started)


def _arrays(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """Every in-memory column, flattened to named arrays and vocabularies (as the serving file stores them)."""
    arrays: dict[str, np.ndarray] = {}
    vocabs: dict[str, list[str]] = {}

    def put(table: str, column: str, value: np.ndarray | Coded | Multi) -> None:
        key = f"{table}.{column}"
        if isinstance(value, Coded):
            arrays[key + ".codes"] = value.codes
            vocabs[key] = value.vocab.values
        elif isinstance(value, Multi):
            arrays[key + ".rows"] = value.rows
            arrays[key + ".codes"] = value.codes
            vocabs[key] = value.vocab.values
        else:
            arrays[key] = value

    def common(table: str, cols: dict[str, list[Any]]) -> None:
        put(table, "art", _ints(cols["art"], -1))
        put(table, "dup", np.array(cols["dup"], bool))
        put(table, "day", _ints(cols["day"], NO_DAY))

    cols = _columns(con, "SELECT dup, day FROM articles_rows ORDER BY rank")
    put("articles", "dup", np.array(cols["dup"], bool))
    put("articles", "day", _ints(cols["day"], NO_DAY))

    cols = _columns(con, "SELECT art, dup, day, confidence, type, status, lat, lon, trigger_lc, place_lc, place_name, "
                         "place_precision, quote_rank FROM events_rows ORDER BY rank")
    n = len(cols["art"])
    common("events", cols)
    put("events", "confidence", _floats(cols["confidence"]))
    put("events", "lat", _floats(cols["lat"]))
    put("events", "lon", _floats(cols["lon"]))
    put("events", "quote", _ints(cols["quote_rank"], -1))
    for column in ("type", "status", "trigger_lc", "place_lc", "place_name", "place_precision"):
        put("events", column, _code(cols[column]))
    pairs = con.execute("SELECT DISTINCT rank, c FROM events_rows, unnest(string_split(countries, ';')) t(c) "
                        "WHERE c <> '' ORDER BY rank").fetchall()
    put("events", "countries", _multi([p[0] for p in pairs], [p[1] for p in pairs], n))
    pairs = con.execute("SELECT DISTINCT rank, lower(name) FROM events_rows, unnest(names) t(name) "
                        "WHERE name IS NOT NULL ORDER BY rank").fetchall()
    put("events", "names", _multi([p[0] for p in pairs], [p[1] for p in pairs], n))

    cols = _columns(con, "SELECT art, dup, day, country, name_lc, sector_lc, name, sector FROM actors_rows "
                         "ORDER BY rank")
    common("actors", cols)
    for column in ("country", "name_lc", "sector_lc"):
        put("actors", column, _code(cols[column]))
    # the groups of `group=true`: one code per (name, country, sector)
    put("actors", "group", _code([json.dumps([a, b, c]) for a, b, c in zip(cols["name"], cols["country"],
                                                                           cols["sector"], strict=True)]))

    cols = _columns(con, "SELECT art, dup, day, country, text_lc, name_lc, precision, lat, lon, geonameid "
                         "FROM places_rows ORDER BY rank")
    common("places", cols)
    for column in ("country", "text_lc", "name_lc", "precision"):
        put("places", column, _code(cols[column]))
    put("places", "lat", _floats(cols["lat"]))
    put("places", "lon", _floats(cols["lon"]))
    put("places", "geonameid", np.array([-1 if v is None else v for v in cols["geonameid"]], np.int64))
    groups = con.execute("SELECT geonameid, any_value(name), any_value(lat), any_value(lon), any_value(country), "
                         "any_value(feature_code) FROM places_rows WHERE geonameid IS NOT NULL GROUP BY 1 "
                         "ORDER BY 1").fetchall()
    put("places", "group_ids", np.array([g[0] for g in groups], np.int64))
    vocabs["places.group_items"] = [json.dumps({"geonameid": g[0], "name": g[1], "lat": g[2], "lon": g[3],
                                                "country": g[4], "feature_code": g[5]}) for g in groups]

    cols = _columns(con, "SELECT art, dup, day, kind, speaker_name FROM quotes_rows ORDER BY rank")
    common("quotes", cols)
    put("quotes", "kind", _code(cols["kind"]))
    put("quotes", "speaker_lc", _code([None if v is None else v.lower() for v in cols["speaker_name"]]))

    cols = _columns(con, "SELECT art, dup, day, category, text_lc, place_lc, country, lat, lon FROM quantities_rows "
                         "ORDER BY rank")
    common("quantities", cols)
    for column in ("category", "text_lc", "place_lc", "country"):
        put("quantities", column, _code(cols[column]))
    put("quantities", "lat", _floats(cols["lat"]))
    put("quantities", "lon", _floats(cols["lon"]))

    cols = _columns(con, "SELECT type, day, lat, lon FROM story_events_rows ORDER BY rank")
    put("story_events", "type", _code(cols["type"]))
    put("story_events", "day", _ints(cols["day"], NO_DAY))
    put("story_events", "lat", _floats(cols["lat"]))
    put("story_events", "lon", _floats(cols["lon"]))
    pairs = con.execute("SELECT DISTINCT rank, c FROM story_events_rows, unnest(string_split(countries, ';')) t(c) "
                        "WHERE c <> '' ORDER BY rank").fetchall()
    put("story_events", "countries", _multi([p[0] for p in pairs], [p[1] for p in pairs], len(cols["day"])))
    return arrays, vocabs


# -- loading and reading -----------------------------------------------------------------------------------------

def fingerprint(db_path: str | Path) -> str:
    """What identifies the store's content while it is served: format, size and modification time of its file."""
    stat = Path(db_path).stat()
    wal = Path(f"{db_path}.wal")
    wal_part = f":{wal.stat().st_size}:{wal.stat().st_mtime_ns}" if wal.exists() else ""
    return f"{FORMAT}:{stat.st_size}:{stat.st_mtime_ns}{wal_part}"


def serving_path(db_path: str | Path) -> Path:
    """`<store>.serve` beside the store, or in the temporary directory if the store's directory is read-only."""
    db = Path(db_path).resolve()
    if os.access(db.parent, os.W_OK):
        return db.with_name(db.name + ".serve")
    return Path(tempfile.gettempdir()) / f"sitrep-{abs(hash(str(db)))}.serve"


def ensure(con: duckdb.DuckDBPyConnection, db_path: str | Path, *, force: bool = False) -> Path:
    """The serving file of the store at `db_path`, built first unless it matches the store file (or with
    `force`). Loads nothing: `sitrep serve --workers N` calls it once before its processes start."""
    path = serving_path(db_path)
    wanted = fingerprint(db_path)
    if path.exists() and not force:
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as lite:
                row = lite.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if row and row[0] == wanted:
                return path
        except sqlite3.Error:
            pass
    build(con, path)
    with sqlite3.connect(path) as lite:
        lite.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", [wanted])
    return path


class ServingIndex:
    """The loaded serving index of one store: tables of arrays in memory, items and FTS in SQLite."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._fts: dict[str, np.ndarray] = {}
        self._masks_lock = threading.Lock()
        lite = self._lite()
        arrays = {name: np.load(io.BytesIO(data), allow_pickle=False)
                  for name, data in lite.execute("SELECT name, data FROM arrays")}
        vocabs = {name: json.loads(data) for name, data in lite.execute("SELECT name, data FROM vocabs")}
        self.tables: dict[str, Table] = {}
        for key, array in arrays.items():
            table, column, *part = key.split(".")
            t = self.tables.setdefault(table, Table(table, 0))
            if part == ["codes"] and f"{table}.{column}.rows" not in arrays:
                t.coded[column] = Coded(array, Vocab(vocabs[f"{table}.{column}"]))
            elif part == ["rows"]:
                t.multi[column] = Multi(array, arrays[f"{table}.{column}.codes"], Vocab(vocabs[f"{table}.{column}"]),
                                        0)
            elif not part:
                t.num[column] = array
        for t in self.tables.values():
            t.n = len(t.num["day"]) if "day" in t.num else 0
            for m in t.multi.values():
                m.n = t.n
        self.place_groups: list[str] = vocabs.get("places.group_items", [])
        self.locations = Locations.of(self.tables["events"])
        events = self.tables["events"]
        events.num["group"] = _type_groups(events)[events.coded["type"].codes]
        day = events.num["day"]
        for unit, name in (("M", "month"), ("Y", "year")):
            events.num[name] = np.where(day != NO_DAY, (day.astype("datetime64[D]").astype(f"datetime64[{unit}]")
                                                        .astype("datetime64[D]") - np.datetime64("1970-01-01"))
                                        .astype(np.int64), NO_DAY)
        actors, places = self.tables["actors"], self.tables["places"]
        actors.num["first"] = _first_in_article(actors.num["art"], actors.coded["group"].codes)
        ids = places.num["group_ids"]
        places.num["group"] = np.where(places.num["geonameid"] >= 0,
                                       np.searchsorted(ids, places.num["geonameid"]), -1).astype(np.int64)
        places.num["first"] = _first_in_article(places.num["art"], places.num["group"])
        self.article_ids = dict(lite.execute("SELECT id, rank FROM article_keys").fetchall())

    @classmethod
    def open(cls, con: duckdb.DuckDBPyConnection, db_path: str | Path, *, force: bool = False) -> ServingIndex:
        """The serving index of the store at `db_path`: reused if it matches the store file, else built
        (always built with `force`, e.g. when this process writes the store)."""
        return cls(ensure(con, db_path, force=force))

    def _lite(self) -> sqlite3.Connection:
        """This thread's read-only SQLite connection (a connection must stay on the thread that opened it)."""
        lite = getattr(self._local, "lite", None)
        if lite is None:
            lite = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=True)
            lite.execute("PRAGMA mmap_size = 0")  # read through SQLite's page cache, small and bounded:
            lite.execute("PRAGMA cache_size = -1024")  # 1 MB per worker thread, so the RSS stays flat
            self._local.lite = lite
        return lite

    def items(self, table: str, ranks: Sequence[int]) -> list[str]:
        """The JSON of the rows at `ranks`, in that order."""
        if not len(ranks):
            return []
        wanted = [int(r) for r in ranks]
        found: dict[int, str] = {}
        lite = self._lite()
        for start in range(0, len(wanted), 900):  # SQLite's bound-parameter limit is 999
            chunk = wanted[start:start + 900]
            found.update((rank, zlib.decompress(item).decode()) for rank, item in lite.execute(
                f"SELECT rank, item FROM {table}_items WHERE rank IN ({','.join('?' * len(chunk))})", chunk))
        return [found[r] for r in wanted]

    def mask(self, table: str, f: Any) -> np.ndarray:
        """The rows of `table` that pass the filters `f` (read-only: the caller must not change it).

        The last masks are kept: the dashboard asks for a page, the map, the timeline and the facets of one
        filter at once, and each would otherwise work out the same mask."""
        key = (table, repr(f))
        with self._masks_lock:
            found = self._masks.get(key)
        if found is None:
            found = MASKS[table](self, f)
            with self._masks_lock:
                self._masks[key] = found
                while len(self._masks) > MASK_CACHE:
                    self._masks.pop(next(iter(self._masks)))
        return found

    def fts(self, table: str, text: str, column: str | None = None) -> np.ndarray:
        """Ranks of the rows whose words match `text` (each word a word of the row, the last one a prefix)."""
        words = FTS_TOKEN.findall(text.lower())
        if not words:
            return np.zeros(0, np.int64)
        query = ('"' + " ".join(words) + '"*')
        if column:
            query = f"{column} : {query}"
        key = f"{table}|{query}"
        with self._masks_lock:
            found = self._fts.get(key)
        if found is not None:
            return found
        rows = self._lite().execute(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?", [query]).fetchall()
        found = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        with self._masks_lock:  # searches repeat (several lists, several users): the last ones are kept
            self._fts[key] = found
            while len(self._fts) > MASK_CACHE:
                self._fts.pop(next(iter(self._fts)))
        return found

    def article(self, article_id: str) -> str | None:
        """The body of `/api/articles/{id}`: the stored record plus duplicate_of, ingested_at, story_events."""
        row = self._lite().execute("SELECT body FROM article_records WHERE id = ?", [article_id]).fetchone()
        return zlib.decompress(row[0]).decode() if row else None

    def story(self, story_id: str) -> tuple[dict[str, Any], list[int], list[dict[str, Any]]] | None:
        """A story event's stored row, the list ranks of its reports, and its reports' counts."""
        row = self._lite().execute("SELECT story, reports, counts FROM story_details WHERE id = ?",
                                   [story_id]).fetchone()
        if row is None:
            return None
        return json.loads(zlib.decompress(row[0])), json.loads(row[1]), json.loads(row[2])



# -- filters as masks ------------------------------------------------------------------------------------------

def _days(day: Any) -> int:
    return int((np.datetime64(day, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64))


def _within(ix: ServingIndex, t: Table, f: Any) -> np.ndarray:
    """The filters every list shares: copies, one article, the date range (rows without a date fail a range)."""
    mask = np.ones(t.n, bool)
    if not f.include_duplicates:
        mask &= ~t.num["dup"]
    if f.article_id:  # an unknown id matches nothing (-2 is no rank; -1 marks rows without an article)
        rank = ix.article_ids.get(f.article_id, -2)
        mask &= (np.arange(t.n) if t.name == "articles" else t.num["art"]) == rank
    day = t.num["day"]
    if f.date_from:
        mask &= day >= _days(f.date_from)  # NO_DAY is the smallest int32: never in range
    if f.date_to:
        mask &= (day <= _days(f.date_to)) & (day != NO_DAY)
    return mask


def _bbox(t: Table, bbox: tuple[float, float, float, float]) -> np.ndarray:
    min_lon, min_lat, max_lon, max_lat = bbox
    lat, lon = t.num["lat"], t.num["lon"]
    with np.errstate(invalid="ignore"):  # NaN (no coordinates) compares False
        inside = (lat >= min_lat) & (lat <= max_lat)
        if min_lon <= max_lon:
            return inside & (lon >= min_lon) & (lon <= max_lon)
        return inside & ((lon >= min_lon) | (lon <= max_lon))  # a box across the antimeridian


def _of_articles(ix: ServingIndex, t: Table, article_mask: np.ndarray) -> np.ndarray:
    """Rows of `t` whose article is in `article_mask` (indexed by article rank; every row has an article)."""
    return article_mask[t.num["art"]]


def _articles_with(ix: ServingIndex, t: Table, row_mask: np.ndarray) -> np.ndarray:
    """An article mask: articles that have at least one row of `t` in `row_mask`."""
    out = np.zeros(ix.tables["articles"].n, bool)
    art = t.num["art"][row_mask]
    out[art[art >= 0]] = True
    return out


def event_mask(ix: ServingIndex, f: Any) -> np.ndarray:
    t = ix.tables["events"]
    mask = _within(ix, t, f)
    if f.types:
        mask &= t.coded["type"].equal(f.types)
    if f.statuses:
        mask &= t.coded["status"].equal(f.statuses)
    if f.countries:
        mask &= t.multi["countries"].equal(f.countries)
    if f.actor:
        mask &= t.multi["names"].containing(f.actor)
    if f.q:
        found = t.coded["trigger_lc"].containing(f.q) | t.coded["place_lc"].containing(f.q)
        titles = np.zeros(ix.tables["articles"].n, bool)
        titles[ix.fts("articles", f.q, "title")] = True
        found |= _of_articles(ix, t, titles)
        quotes = np.zeros(ix.tables["quotes"].n + 1, bool)  # the last slot: events without a quote (-1)
        quotes[ix.fts("quotes", f.q)] = True
        found |= quotes[t.num["quote"]]
        mask &= found
    if f.bbox:
        mask &= _bbox(t, f.bbox)
    if f.min_confidence is not None:
        mask &= t.num["confidence"] >= f.min_confidence
    return mask


def article_mask(ix: ServingIndex, f: Any) -> np.ndarray:
    t = ix.tables["articles"]
    mask = _within(ix, t, f)
    if f.q:
        found = np.zeros(t.n, bool)
        found[ix.fts("articles", f.q)] = True
        mask &= found
    events, places, actors = ix.tables["events"], ix.tables["places"], ix.tables["actors"]
    if f.types:
        mask &= _articles_with(ix, events, events.coded["type"].equal(f.types))
    if f.countries:
        mask &= (_articles_with(ix, places, places.coded["country"].equal(f.countries))
                 | _articles_with(ix, actors, actors.coded["country"].equal(f.countries)))
    if f.actor:
        mask &= _articles_with(ix, actors, actors.coded["name_lc"].containing(f.actor))
    if f.bbox:
        mask &= _articles_with(ix, places, _bbox(places, f.bbox))
    return mask


def actor_mask(ix: ServingIndex, f: Any) -> np.ndarray:
    t = ix.tables["actors"]
    mask = _within(ix, t, f)
    if f.countries:
        mask &= t.coded["country"].equal(f.countries)
    for text in (f.actor, f.q):
        if text:
            mask &= t.coded["name_lc"].containing(text)
    if f.category:  # sector for actors
        mask &= t.coded["sector_lc"].containing(f.category)
    return mask


def place_mask(ix: ServingIndex, f: Any) -> np.ndarray:
    t = ix.tables["places"]
    mask = _within(ix, t, f)
    if f.countries:
        mask &= t.coded["country"].equal(f.countries)
    if f.q:
        mask &= t.coded["text_lc"].containing(f.q) | t.coded["name_lc"].containing(f.q)
    if f.bbox:
        mask &= _bbox(t, f.bbox)
    if f.category:  # precision for places
        mask &= t.coded["precision"].equal([f.category])
    return mask


def quote_mask(ix: ServingIndex, f: Any) -> np.ndarray:
    t = ix.tables["quotes"]
    mask = _within(ix, t, f)
    if f.q:
        found = t.coded["speaker_lc"].containing(f.q)
        found[ix.fts("quotes", f.q)] = True
        mask &= found
    if f.actor:
        mask &= t.coded["speaker_lc"].containing(f.actor)
    if f.category:  # kind for quotes
        mask &= t.coded["kind"].equal([f.category])
    return mask


def quantity_mask(ix: ServingIndex, f: Any) -> np.ndarray:
    t = ix.tables["quantities"]
    mask = _within(ix, t, f)
    if f.category:
        mask &= t.coded["category"].equal([f.category])
    if f.q:
        mask &= t.coded["text_lc"].containing(f.q) | t.coded["place_lc"].containing(f.q)
    if f.countries:
        mask &= t.coded["country"].equal(f.countries)
    if f.bbox:
        mask &= _bbox(t, f.bbox)
    return mask


def story_mask(ix: ServingIndex, f: Any) -> np.ndarray:
    t = ix.tables["story_events"]
    mask = np.ones(t.n, bool)
    if f.types:
        mask &= t.coded["type"].equal(f.types)
    day = t.num["day"]
    if f.date_from:
        mask &= day >= _days(f.date_from)
    if f.date_to:
        mask &= (day <= _days(f.date_to)) & (day != NO_DAY)
    if f.bbox:
        mask &= _bbox(t, f.bbox)
    if f.countries:
        mask &= t.multi["countries"].equal(f.countries)
    return mask


MASKS = {"events": event_mask, "articles": article_mask, "actors": actor_mask, "places": place_mask,
         "quotes": quote_mask, "quantities": quantity_mask, "story_events": story_mask}


# -- aggregates over events ----------------------------------------------------------------------------------------

_EPOCH = dt.date(1970, 1, 1).toordinal()


def _iso(day: int) -> str | None:
    """Days since 1970-01-01 as YYYY-MM-DD (None for a missing date)."""
    if day == NO_DAY:
        return None
    return dt.date.fromordinal(_EPOCH + day).isoformat()


def _type_groups(t: Table) -> np.ndarray:
    """For each type code (and -1, the last slot), the index of its group in GROUP_NAMES (-1: none)."""
    lookup = {typ: GROUP_NAMES.index(group) for group, types in TYPE_GROUPS.items() for typ in types}
    values = t.coded["type"].vocab.values
    return np.array([lookup.get(v, -1) for v in values] + [-1], np.int64)


def _group_counts(keys: np.ndarray, groups: np.ndarray, size: int) -> list[np.ndarray]:
    """For each type group, how many rows of each key (keys in 0..size-1); one counting pass."""
    width = len(GROUP_NAMES) + 1  # the last column: no group
    table = np.bincount(keys * width + np.where(groups >= 0, groups, width - 1),
                        minlength=size * width).reshape(size, width)
    return [table[:, g] for g in range(len(GROUP_NAMES))]


def timeline(ix: ServingIndex, mask: np.ndarray, bucket: str) -> dict[str, Any]:
    t = ix.tables["events"]
    day = t.num["day"]
    rows = mask & (day != NO_DAY)
    days = day[rows]
    if not len(days):
        return {"items": [], "total": 0, "next": None, "bucket": "day" if bucket == "auto" else bucket,
                "first": None, "last": None}
    first, last = int(days.min()), int(days.max())
    if bucket == "auto":
        span = last - first
        bucket = "day" if span <= 120 else "week" if span <= 900 else "month"
    if bucket == "day":
        starts = days.astype(np.int64)
    elif bucket == "week":  # ISO weeks start on Monday; 1970-01-01 was a Thursday
        starts = days.astype(np.int64) - (days.astype(np.int64) + 3) % 7
    else:  # the first day of the month or year, worked out once per event when the index was loaded
        starts = t.num[bucket][rows]
    low = int(starts.min())
    dense = np.bincount(starts - low)  # buckets are days since `low`: counting needs no sort
    keys = np.flatnonzero(dense)
    slot = np.full(len(dense), -1, np.int64)
    slot[keys] = np.arange(len(keys))
    inverse = slot[starts - low]
    counts = dense[keys]
    keys = keys + low
    groups = t.num["group"][rows]
    per_group = _group_counts(inverse, groups, len(keys))
    columns = [keys.tolist(), counts.tolist(), *(c.tolist() for c in per_group)]
    items = [{"date": _iso(k), "events": n, **dict(zip(GROUP_NAMES, groups, strict=True))}
             for k, n, *groups in zip(*columns, strict=True)]
    return {"items": items, "total": len(items), "next": None, "bucket": bucket, "first": _iso(first),
            "last": _iso(last)}


def facets(ix: ServingIndex, mask: np.ndarray) -> dict[str, Any]:
    t = ix.tables["events"]

    def pairs(values: list[str], counts: np.ndarray, limit: int | None = None) -> list[dict[str, Any]]:
        order = sorted((i for i in range(len(values)) if counts[i] > 0), key=lambda i: (-counts[i], values[i]))
        return [{"value": values[i], "count": int(counts[i])} for i in order[:limit]]

    result = {}
    for key, column in (("types", "type"), ("statuses", "status")):
        coded = t.coded[column]
        codes = coded.codes[mask]
        result[key] = pairs(coded.vocab.values, np.bincount(codes[codes >= 0], minlength=len(coded.vocab)))
    countries = t.multi["countries"]
    result["countries"] = pairs(countries.vocab.values, countries.counts(mask), 300)
    return result


@dataclass
class Locations:
    """The events' positions rounded to 0.001 degree: a code per event (-1: none), and per position its
    coordinates and its most common place name and precision (over all its events)."""

    codes: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    name: list[str | None]
    precision: list[str | None]

    @classmethod
    def of(cls, t: Table) -> Locations:
        lat, lon = np.round(t.num["lat"], 3), np.round(t.num["lon"], 3)
        has = ~np.isnan(lat) & ~np.isnan(lon)
        pairs = np.stack([lat[has], lon[has]], axis=1)
        unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
        codes = np.full(t.n, -1, np.int64)
        codes[has] = inverse.reshape(-1)
        names, precisions = t.coded["place_name"], t.coded["place_precision"]
        return cls(codes, unique[:, 0] if len(unique) else np.zeros(0), unique[:, 1] if len(unique) else np.zeros(0),
                   _modes(codes, names.codes, len(unique), names.vocab.values),
                   _modes(codes, precisions.codes, len(unique), precisions.vocab.values))


def _modes(groups: np.ndarray, values: np.ndarray, size: int, vocab: list[str]) -> list[str | None]:
    """The most common value (code >= 0) of each group; the smallest code on ties; None if none."""
    rows = (groups >= 0) & (values >= 0)
    if not rows.any():
        return [None] * size
    width = len(vocab)
    pairs, counts = np.unique(groups[rows] * width + values[rows], return_counts=True)
    group, value = pairs // width, pairs % width
    order = np.lexsort((value, -counts, group))  # per group: most common first
    best: list[str | None] = [None] * size
    seen = np.zeros(size, bool)
    for i in order.tolist():
        g = int(group[i])
        if not seen[g]:
            seen[g] = True
            best[g] = vocab[int(value[i])]
    return best


def locations(ix: ServingIndex, mask: np.ndarray, limit: int) -> list[dict[str, Any]]:
    """Events grouped by position (rounded to 0.001 degree) for the map, most events first."""
    t, where = ix.tables["events"], ix.locations
    rows = np.flatnonzero(mask & (where.codes >= 0))
    if not len(rows):
        return []
    size = len(where.lat)
    locs = where.codes[rows]
    counts = np.bincount(locs, minlength=size)
    present = np.flatnonzero(counts)
    top = present[np.lexsort((where.lon[present], where.lat[present], -counts[present]))][:limit]
    types = t.coded["type"].codes[rows]
    per_group = _group_counts(locs, t.num["group"][rows], size)
    ntypes = len(t.coded["type"].vocab)
    type_counts = np.bincount(locs * (ntypes + 1) + np.where(types >= 0, types, ntypes),
                              minlength=size * (ntypes + 1)).reshape(size, ntypes + 1)[:, :ntypes]
    day = t.num["day"][rows]
    dated = day != NO_DAY
    # Rows are in list order, newest date first: a location's last dated row has its first date, its first row
    # its last date (an index assignment with repeated indices keeps the last value written).
    first = np.full(size, np.iinfo(np.int64).max, np.int64)
    last = np.full(size, NO_DAY, np.int64)
    first[locs[dated]] = day[dated]
    last[locs[dated][::-1]] = day[dated][::-1]
    type_values = t.coded["type"].vocab.values
    top_types = np.argmax(type_counts[top], axis=1).tolist() if ntypes else [0] * len(top)
    has_type = type_counts[top].any(axis=1).tolist() if ntypes else [False] * len(top)
    columns = zip(top.tolist(), counts[top].tolist(), top_types, has_type, first[top].tolist(), last[top].tolist(),
                  *(g[top].tolist() for g in per_group), strict=True)
    items = []
    for loc, n, top_type, typed, first_day, last_day, *groups in columns:
        items.append({
            "lat": float(where.lat[loc]), "lon": float(where.lon[loc]), "name": where.name[loc],
            "precision": where.precision[loc], "events": n, "top_type": type_values[top_type] if typed else None,
            **dict(zip(GROUP_NAMES, groups, strict=True)),
            "first": _iso(first_day) if first_day != np.iinfo(np.int64).max else None, "last": _iso(last_day),
        })
    return items


def _first_in_article(art: np.ndarray, group: np.ndarray) -> np.ndarray:
    """True on the first row of each (article, group) pair: counting these counts articles per group."""
    keys = art.astype(np.int64) * (int(group.max(initial=0)) + 2) + group + 1
    _, first = np.unique(keys, return_index=True)
    out = np.zeros(len(art), bool)
    out[first] = True
    return out & (group >= 0)


def _group_page(counts: np.ndarray) -> np.ndarray:
    """Groups with a count, most first, then by code (codes follow the sorted group values)."""
    present = np.flatnonzero(counts)
    return present[np.lexsort((present, -counts[present]))]


def grouped_actors(ix: ServingIndex, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, Vocab]:
    """Groups (name, country, sector) with rows in `mask` by articles desc, then name: (codes, articles, vocab).

    Every actor filter is a property of the group (name, country, sector) or of the article (dates, copies,
    article_id), so a pair's first row is in the mask exactly when any of its rows is."""
    t = ix.tables["actors"]
    group = t.coded["group"]
    rows = mask & t.num["first"]
    counts = np.bincount(group.codes[rows], minlength=len(group.vocab))
    order = _group_page(counts)
    return order, counts[order], group.vocab


def grouped_places(ix: ServingIndex, mask: np.ndarray, by_row: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """GeoNames ids with rows in `mask`, by mentions desc then id: (group codes, mentions, articles).

    by_row (bool): the mask depends on the mention (its text or precision), not only on the place and the
        article, so distinct articles are counted from the masked rows themselves."""
    t = ix.tables["places"]
    group = t.num["group"]
    size = len(t.num["group_ids"])
    rows = mask & (group >= 0)
    mentions = np.bincount(group[rows], minlength=size)
    if by_row:
        art = t.num["art"][rows].astype(np.int64)
        pairs = np.unique(group[rows] * (ix.tables["articles"].n + 1) + art)
        articles = np.bincount(pairs // (ix.tables["articles"].n + 1), minlength=size)
    else:
        articles = np.bincount(group[rows & t.num["first"]], minlength=size)
    present = np.flatnonzero(mentions)
    order = present[np.lexsort((present, -mentions[present]))]  # group codes follow the GeoNames ids
    return order, mentions[order], articles[order]
