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
