"""The embedded DuckDB store: one file, a versioned schema, one transaction per article.

    from sitrep.store import Store
    with Store.open("sitrep.duckdb") as store:
        store.add(result)          # False if an article with the same text is already stored
        store.add_many(results)    # a batch in one transaction: [True, False, ...]
        store.stats()              # {"articles": ..., "events": ..., ...}

Articles are identified by the sha256 of their normalised text, so ingesting the same article twice
adds nothing. A batch of articles and everything extracted from them is written in one transaction,
with one statement per table: a run killed half-way leaves whole batches, never part of an article, and
re-running it stores the rest. A batch stores exactly what storing its articles one by one would. Every
table keeps the article id, so any row leads back to its evidence span in `articles.text`.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from sitrep import across
from sitrep.errors import Errors, SitrepError
from sitrep.model import SCHEMA_VERSION, ArticleResult, Failure, Place

DEFAULT_DB = "sitrep.duckdb"
# How `sitrep ingest` batches a stream of results into transactions: up to BATCH_SIZE articles, or what came
# within FLUSH_SECONDS. A statement costs about as much for 256 rows as for one, so batches keep the store
# cheap next to extraction (a batch's fixed cost is a fraction of a second, against FLUSH_SECONDS of
# extraction); a kill loses at most one uncommitted batch, which a re-run stores.
BATCH_SIZE = 256
FLUSH_SECONDS = 30.0

# One statement per table; a migration is a list of statements run in one transaction.
_SCHEMA_V1 = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS articles (
        id VARCHAR PRIMARY KEY, sha256 VARCHAR UNIQUE NOT NULL, published DATE, title VARCHAR, url VARCHAR,
        language VARCHAR, source VARCHAR, text VARCHAR NOT NULL, notes JSON, record JSON NOT NULL,
        ingested_at TIMESTAMP NOT NULL, duplicate_of VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS actors (
        article_id VARCHAR NOT NULL, id VARCHAR NOT NULL, name VARCHAR, country VARCHAR, sector VARCHAR,
        role VARCHAR, kind VARCHAR, mentions JSON, PRIMARY KEY (article_id, id))""",
    """CREATE TABLE IF NOT EXISTS places (
        article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, text VARCHAR, start INTEGER, "end" INTEGER,
        geonameid BIGINT, name VARCHAR, lat DOUBLE, lon DOUBLE, country VARCHAR, admin1 VARCHAR,
        feature_code VARCHAR, precision VARCHAR, confidence DOUBLE, metonymic BOOLEAN,
        PRIMARY KEY (article_id, idx))""",
    """CREATE TABLE IF NOT EXISTS times (
        article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, text VARCHAR, start INTEGER, "end" INTEGER,
        type VARCHAR, value VARCHAR, precision VARCHAR, PRIMARY KEY (article_id, idx))""",
    """CREATE TABLE IF NOT EXISTS quotes (
        article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, id VARCHAR, text VARCHAR, start INTEGER,
        "end" INTEGER, kind VARCHAR, speaker_name VARCHAR, speaker_actor_id VARCHAR, speaker_start INTEGER,
        speaker_end INTEGER, cue_text VARCHAR, cue_start INTEGER, cue_end INTEGER,
        PRIMARY KEY (article_id, idx))""",
    """CREATE TABLE IF NOT EXISTS quantities (
        article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, category VARCHAR, value BIGINT, low BIGINT,
        high BIGINT, approximate BOOLEAN, unit VARCHAR, text VARCHAR, start INTEGER, "end" INTEGER,
        place_geonameid BIGINT, place_name VARCHAR, lat DOUBLE, lon DOUBLE, source JSON, event_id VARCHAR,
        PRIMARY KEY (article_id, idx))""",
    """CREATE TABLE IF NOT EXISTS events (
        article_id VARCHAR NOT NULL, id VARCHAR NOT NULL, type VARCHAR, mode VARCHAR, context JSON,
        sources JSON, targets JSON, source_countries VARCHAR, target_countries VARCHAR, status VARCHAR,
        date_value VARCHAR, date_text VARCHAR, date_precision VARCHAR, date DATE, place_geonameid BIGINT,
        place_name VARCHAR, lat DOUBLE, lon DOUBLE, place_precision VARCHAR, trigger_text VARCHAR,
        trigger_start INTEGER, trigger_end INTEGER, confidence DOUBLE, quote_id VARCHAR,
        PRIMARY KEY (article_id, id))""",
    """CREATE TABLE IF NOT EXISTS story_events (
        id VARCHAR PRIMARY KEY, type VARCHAR, date DATE, lat DOUBLE, lon DOUBLE, summary JSON)""",
    """CREATE TABLE IF NOT EXISTS story_event_reports (
        story_event_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL,
        PRIMARY KEY (article_id, event_id))""",
    """CREATE TABLE IF NOT EXISTS failures (
        source VARCHAR, error VARCHAR, failed_at TIMESTAMP)""",
]
MIGRATIONS: dict[int, list[str]] = {1: _SCHEMA_V1, 2: across.SCHEMA_V2}
assert max(MIGRATIONS) == SCHEMA_VERSION, "model.SCHEMA_VERSION and the migrations must agree"

# The tables written for each article, in the order `Store.add_many` writes them.
ARTICLE_TABLES = ("articles", "actors", "places", "times", "quotes", "quantities", "events")
# What `sitrep export` and the API can read, with the stats key for each.
TABLES = ("articles", "actors", "places", "times", "quotes", "quantities", "events", "story_events",
          "story_event_reports", "failures")


class Store:
    """A DuckDB file holding articles and everything extracted from them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path
        # Seconds spent in each phase of storing (benchmarks/store_ingest.py prints them).
        self.timings: Counter[str] = Counter()
        self._last_stored: dt.datetime | None = None
        self._columns: dict[str, list[tuple[str, str]]] = {}

    # -- opening ----------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> Store:
        """Open (creating and migrating if needed) the store at `path`."""
        path = str(path)
        if read_only and not Path(path).exists():
            raise SitrepError(Errors.E302.format(path=path, reason="no such file"))
        try:
            con = duckdb.connect(path, read_only=read_only)
        except duckdb.Error as e:
            raise SitrepError(Errors.E302.format(path=path, reason=str(e).splitlines()[0])) from e
        store = cls(con, path)
        if not read_only:
            store._migrate()
        else:
            store._check_version()
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def schema_version(self) -> int:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            return 0
        return int(row[0]) if row else 0

    def _check_version(self) -> None:
        found = self.schema_version()
        if found > SCHEMA_VERSION:
            raise SitrepError(Errors.E301.format(path=self.path, found=found, supported=SCHEMA_VERSION))

    def _migrate(self) -> None:
        self._check_version()
        current = self.schema_version()
        for version in sorted(v for v in MIGRATIONS if v > current):
            with self.transaction():
                for statement in MIGRATIONS[version]:
                    self.con.execute(statement)
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- writing ----------------------------------------------------------------------------------------

    def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Which of these text hashes are already stored (one query for a batch)."""
        if not hashes:
            return set()
        rows = self.con.execute("SELECT sha256 FROM articles WHERE sha256 IN (SELECT unnest(?))",
                                [list(hashes)]).fetchall()
        return {r[0] for r in rows}

    def add(self, result: ArticleResult) -> bool:
        """Store one article and all it yields in one transaction; False if its text is already stored."""
        return self.add_many([result])[0]

    def add_many(self, results: Sequence[ArticleResult]) -> list[bool]:
        """Store a batch of articles and all they yield in one transaction, in order.

        RETURNS (list[bool]): for each result, True if stored, False if its text was already stored (or came
        earlier in the batch). If the batch fails, nothing of it stays; it is then stored article by article,
        so the articles before a bad one are kept and the bad one raises, as with `add`.
        """
        batch, stored = self._new_articles(results)
        if not batch:
            return stored
        try:
            self._write(batch)
        except Exception:
            if len(results) == 1:
                raise
            return [self.add(result) for result in results]
        return stored

    def _write(self, batch: list[across.NewArticle]) -> None:
        clock = time.perf_counter()
        with self.transaction():
            across.find_copies(self.con, batch)
            clock = self._lap("copies", clock)
            self._insert_articles(batch)
            clock = self._lap("rows", clock)
            across.index_articles(self.con, batch)
            clock = self._lap("copies", clock)
            across.link_events(self.con, batch)  # story events move with their articles, or not at all
            clock = self._lap("stories", clock)
        self._lap("commit", clock)

    def _lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[phase] += now - since
        return now

    def _new_articles(self, results: Sequence[ArticleResult]) -> tuple[list[across.NewArticle], list[bool]]:
        """The results not stored yet (first of each text), with free ids and increasing storing times."""
        started = time.perf_counter()
        signing = 0.0
        known = self.known_hashes([r.article.sha256 for r in results])
        wanted = [r.article.id for r in results]
        taken = {row[0] for row in self.con.execute(
            "SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [wanted]).fetchall()}
        batch: list[across.NewArticle] = []
        stored: list[bool] = []
        for result in results:
            if result.article.sha256 in known:
                stored.append(False)
                continue
            known.add(result.article.sha256)
            article_id = result.article.id
            if article_id in taken:  # another text holds the id: the id with a hash suffix
                article_id = f"{article_id}-{result.article.sha256[:8]}"
                result = result.model_copy(update={"article": result.article.model_copy(update={"id": article_id})})
            taken.add(article_id)
            clock = time.perf_counter()
            batch.append(across.NewArticle.of(result, self._now()))  # its MinHash signature: part of copies
            signing += time.perf_counter() - clock
            stored.append(True)
        self.timings["copies"] += signing
        self.timings["prepare"] += time.perf_counter() - started - signing
        return batch, stored

    def _now(self) -> dt.datetime:
        """The storing time of the next article: UTC now, strictly after the last article stored, so that
        `ingested_at` orders articles as they were stored even within one batch."""
        if self._last_stored is None:
            row = self.con.execute("SELECT max(ingested_at) FROM articles").fetchone()
            self._last_stored = row[0] if row and row[0] else dt.datetime.min
        now = max(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
                  self._last_stored + dt.timedelta(microseconds=1))
        self._last_stored = now
        return now

    def _insert_articles(self, batch: Sequence[across.NewArticle]) -> None:
        """Every row of a batch of articles: one statement per table."""
        rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in ARTICLE_TABLES}
        for item in batch:
            result, a = item.result, item.result.article
            rows["articles"].append(
                (a.id, a.sha256, a.published, a.title, a.url, a.language, a.source, a.text, json.dumps(a.notes),
                 result.model_dump_json(), item.ingested_at, item.duplicate_of))
            rows["actors"].extend(
                (a.id, x.id, x.name, x.country, _sector(x.sector), x.role, x.kind,
                 json.dumps([m.model_dump() for m in x.mentions]))
                for x in result.actors)
            rows["places"].extend(
                (a.id, i, p.text, p.start, p.end, p.geonameid, p.name, p.lat, p.lon, p.country, p.admin1,
                 p.feature_code, p.precision, p.confidence, p.metonymic)
                for i, p in enumerate(result.places))
            rows["times"].extend(
                (a.id, i, t.text, t.start, t.end, t.type, t.value, t.precision) for i, t in enumerate(result.times))
            rows["quotes"].extend(
                (a.id, i, q.id, q.text, q.start, q.end, q.kind,
                 *((q.speaker.name, q.speaker.actor_id, q.speaker.start, q.speaker.end) if q.speaker
                   else (None,) * 4),
                 *((q.cue.text, q.cue.start, q.cue.end) if q.cue else (None,) * 3))
                for i, q in enumerate(result.quotes))
            rows["quantities"].extend(
                (a.id, i, n.category, n.value, n.low, n.high, n.approximate, n.unit, n.text, n.start, n.end,
                 *_place_columns(n.place)[:4], json.dumps(n.source) if n.source else None, n.event_id)
                for i, n in enumerate(result.quantities))
            rows["events"].extend(
                (a.id, e.id, e.type, e.mode, json.dumps(e.context), json.dumps([s.model_dump() for s in e.sources]),
                 json.dumps([t.model_dump() for t in e.targets]), _countries(e.sources), _countries(e.targets),
                 e.status, *(_date_columns(e.date)), *_place_columns(e.place),
                 e.trigger.text, e.trigger.start, e.trigger.end, e.confidence, e.quote_id)
                for e in result.events)
        for table, table_rows in rows.items():
            self._insert_rows(table, table_rows)

    def _insert_rows(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """Insert many rows with one statement: one list parameter per column, cast to the column's type and
        unnested (DuckDB's executemany pays a round trip per row, and a long VALUES list is slow to parse).
        The rows fill the table's first columns; columns added by later migrations keep their defaults."""
        if not rows:
            return
        if table not in self._columns:
            self._columns[table] = [(f'"{name}"', kind) for name, kind in self.con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
                "AND database_name = current_database() ORDER BY column_index", [table]).fetchall()]
        columns = self._columns[table][:len(rows[0])]
        self.con.execute(f"INSERT INTO {table} ({', '.join(name for name, _ in columns)}) "
                         f"SELECT {', '.join(f'unnest(?::{kind}[])' for _, kind in columns)}",
                         [list(values) for values in zip(*rows, strict=True)])

    def add_failure(self, failure: Failure) -> None:
        self.con.execute("INSERT INTO failures VALUES (?, ?, ?)",
                         [failure.source, failure.error, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)])

    # -- reading ----------------------------------------------------------------------------------------

    def count(self, table: str, where: str = "") -> int:
        if table not in TABLES:
            raise SitrepError(Errors.E404.format(table=table, tables=", ".join(TABLES)))
        return int(self.con.execute(f"SELECT count(*) FROM {table} {where}").fetchone()[0])

    def stats(self) -> dict[str, int]:
        """Counts of what the store holds (`sitrep stats`)."""
        return {
            "articles": self.count("articles"),
            "duplicates": self.count("articles", "WHERE duplicate_of IS NOT NULL"),
            "events": self.count("events"),
            "story_events": self.count("story_events"),
            "actors": self.count("actors"),
            "places": self.count("places"),
            "times": self.count("times"),
            "quotes": self.count("quotes"),
            "quantities": self.count("quantities"),
            "failures": self.count("failures"),
        }

    def records(self) -> Iterator[dict[str, Any]]:
        """Every stored article's full contract object, in ingest order."""
        cursor = self.con.execute("SELECT record FROM articles ORDER BY ingested_at, id")
        while rows := cursor.fetchmany(256):
            for (record,) in rows:
                yield json.loads(record)

    def article(self, article_id: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT record FROM articles WHERE id = ?", [article_id]).fetchone()
        return json.loads(row[0]) if row else None


def _sector(sector: str | list[str] | None) -> str | None:
    return ";".join(sector) if isinstance(sector, list) else sector


def _countries(actors: Sequence[Any]) -> str | None:
    codes = sorted({a.country for a in actors if a.country})
    return ";".join(codes) if codes else None


def _date_columns(date: Any) -> tuple[Any, ...]:
    if date is None:
        return (None, None, None, None)
    day = None
    if date.value and len(date.value) >= 10:
        try:
            day = dt.date.fromisoformat(date.value[:10])
        except ValueError:
            day = None
    return (date.value, date.text, date.precision, day)


def _place_columns(place: Place | None) -> tuple[Any, ...]:
    if place is None:
        return (None, None, None, None, None)
    return (place.geonameid, place.name, place.lat, place.lon, place.precision)
