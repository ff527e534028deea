"""The DuckDB store on a real file: idempotent ingest, one transaction per article, versioned schema."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import sitrep
from sitrep.errors import SitrepError
from sitrep.model import SCHEMA_VERSION, ActorRef, Event, Span
from sitrep.store import Store

TEXT = ("Police in Nairobi arrested twelve protesters on Monday after a march on parliament, "
        "Kenya's interior minister said.")


@pytest.fixture()
def result(nlp):
    return sitrep.extract(TEXT, published="2024-05-06", nlp=nlp)


def test_same_article_twice_adds_nothing(tmp_path: Path, result) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as store:
        assert store.add(result) is True
        before = store.stats()
        assert store.add(result) is False
        assert store.stats() == before
        assert before["articles"] == 1 and before["actors"] == len(result.actors)


def test_reopened_store_keeps_rows_and_version(tmp_path: Path, result) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as store:
        store.add(result)
    with Store.open(db, read_only=True) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.article(result.article.id)["article"]["text"] == TEXT
        assert next(store.records())["article"]["sha256"] == result.article.sha256


def test_failed_write_leaves_no_half_article(tmp_path: Path, result) -> None:
    # Two events with one id break the events primary key after the article row is written:
    # the transaction must take the article, its actors and everything else back.
    trigger = Span(text="arrested", start=25, end=33)
    event = Event(id="E1", type="COERCE", trigger=trigger, sources=[ActorRef(name="police")])
    broken = result.model_copy(update={"events": [event, event]})
    with Store.open(tmp_path / "s.duckdb") as store:
        with pytest.raises(duckdb.ConstraintException):
            store.add(broken)
        assert all(count == 0 for count in store.stats().values())
        assert store.add(result) is True


def test_same_id_different_text_gets_a_new_id(tmp_path: Path, nlp) -> None:
    first = sitrep.extract(TEXT, article_id="x1", nlp=nlp)
    second = sitrep.extract(TEXT.replace("twelve", "thirty"), article_id="x1", nlp=nlp)
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.add(first) and store.add(second)
        ids = [r[0] for r in store.con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
    assert ids[0] == "x1" and ids[1].startswith("x1-")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as store:
        store.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(SitrepError, match="E301"):
        Store.open(db)


def test_read_only_open_of_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SitrepError, match="E302"):
        Store.open(tmp_path / "none.duckdb", read_only=True)


def test_a_batch_is_one_transaction_in_storing_order(tmp_path: Path, nlp) -> None:
    texts = [TEXT, TEXT.replace("twelve", "forty"), TEXT.replace("Monday", "Friday")]
    results = [sitrep.extract(text, published="2024-05-06", nlp=nlp) for text in texts]
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.add_many([*results, results[0]]) == [True, True, True, False]
        rows = store.con.execute("SELECT sha256, ingested_at FROM articles ORDER BY ingested_at").fetchall()
    assert [sha for sha, _ in rows] == [r.article.sha256 for r in results]
    assert len({at for _, at in rows}) == 3  # strictly increasing, so the storing order is kept


def test_new_columns_added_by_a_migration_keep_their_default(tmp_path: Path, result) -> None:
    # A later schema version may add columns to a table; rows written by this version fill the columns it knows.
    assert result.events
    with Store.open(tmp_path / "s.duckdb") as store:
        store.con.execute("ALTER TABLE events ADD COLUMN reviewed BOOLEAN DEFAULT false")
        assert store.add(result)
        assert store.con.execute("SELECT count(*) FROM events WHERE reviewed = false").fetchone()[0] == len(
            result.events)


def test_ingest_with_worker_processes_stores_the_same(tmp_path: Path, nlp) -> None:
    # `sitrep ingest --workers 2`: two forked processes run the pipeline, this one stores; the store must hold
    # exactly what one process stores: the same articles, copies, events and story events.
    from sitrep.cli import ingest_into
    from sitrep.model import Article, text_sha256

    cities = ["Nairobi", "Kisumu", "Mombasa", "Nakuru"]
    texts = [f"Police in {city} arrested {n} protesters on Monday after a march on the county offices, "
             f"the regional police commander said." for n, city in zip((12, 30, 7, 19), cities, strict=True)]
    texts += [texts[0] + "\n\nShare this story.", texts[1].replace("Monday", "Tuesday") + " More marches are planned."]
    articles = [Article(id=f"w{i}", text=t, published="2024-05-06", language="en", sha256=text_sha256(t))
                for i, t in enumerate(texts)]
    tables = {}
    for workers in (1, 2):
        with Store.open(tmp_path / f"w{workers}.duckdb") as store:
            summary = ingest_into(store, articles, workers=workers, batch_size=2, nlp=nlp)
            assert summary["stored"] == len(texts) and not summary["failures"]
            tables[workers] = [store.con.execute(sql).fetchall() for sql in (
                "SELECT id, duplicate_of FROM articles ORDER BY id",
                "SELECT article_id, id, type, status, trigger_start FROM events ORDER BY ALL",
                "SELECT * FROM story_events ORDER BY id",
                "SELECT * FROM story_event_reports ORDER BY ALL")]
    assert tables[1] == tables[2]
    assert tables[1][0][4] == ("w4", "w0") and tables[1][2]  # a copy was found and story events were made
