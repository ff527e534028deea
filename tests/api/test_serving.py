"""The serving index answers what plain SQL over the store answers (on a store built with the real pipeline)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest

from sitrep.api import serving
from sitrep.api.queries import Filters


@pytest.fixture(scope="module")
def store_copy(api_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy: the serving file is written beside the store."""
    copy = tmp_path_factory.mktemp("serving") / "store.duckdb"
    shutil.copy(api_db, copy)
    return copy


@pytest.fixture(scope="module")
def con(store_copy: Path):
    connection = duckdb.connect(str(store_copy), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def index(con, store_copy: Path) -> serving.ServingIndex:
    return serving.ServingIndex.open(con.cursor(), store_copy)


def sql_count(con, sql: str, params: list | None = None) -> int:
    return con.execute(sql, params or []).fetchone()[0]


def test_every_list_has_one_row_per_stored_row(index, con) -> None:
    for name, table in [("events", "events"), ("articles", "articles"), ("actors", "actors"),
                        ("places", "places"), ("quotes", "quotes"), ("quantities", "quantities"),
                        ("story_events", "story_events")]:
        assert index.tables[name].n == sql_count(con, f"SELECT count(*) FROM {table}"), name


def test_events_come_newest_first_as_sql_orders_them(index, con) -> None:
    expected = con.execute("SELECT article_id, id FROM events ORDER BY date DESC NULLS LAST, confidence DESC, "
                           "article_id, id").fetchall()
    items = [json.loads(i) for i in index.items("events", list(range(index.tables["events"].n)))]
    assert [(e["article_id"], e["id"]) for e in items] == [tuple(k) for k in expected]


@pytest.mark.parametrize(("filters", "where", "params"), [
    (Filters(types=["ASSAULT", "ACCUSE"]), "type IN ('ASSAULT', 'ACCUSE')", []),
    (Filters(statuses=["asserted"]), "status = 'asserted'", []),
    (Filters(date_from=dt.date(2024, 1, 1)), "date >= DATE '2024-01-01'", []),
    (Filters(min_confidence=0.6), "confidence >= 0.6", []),
    (Filters(countries=["UKR"]), "contains(coalesce(source_countries, '') || ';' || coalesce(target_countries, '')"
                                 " || ';' || coalesce((SELECT any_value(country) FROM places p WHERE "
                                 "p.geonameid = events.place_geonameid), ''), 'UKR')", []),
    (Filters(actor="police"), "regexp_matches(lower(CAST(list_concat(json_extract_string(sources, '$[*].name'), "
                              "json_extract_string(targets, '$[*].name')) AS VARCHAR)), 'police')", []),
])
def test_event_filters_count_what_sql_counts(index, con, filters, where, params) -> None:
    assert int(serving.event_mask(index, filters).sum()) == sql_count(
        con, f"SELECT count(*) FROM events WHERE {where}", params)


def test_text_search_matches_words_and_word_starts(index) -> None:
    kharkiv = index.article_ids["t-kharkiv"]
    for query in ("Kharkiv", "kharkiv", "Khark", "shelled the ukrainian"):
        found = np.flatnonzero(serving.article_mask(index, Filters(q=query)))
        assert found.tolist() == [kharkiv], query
    assert not serving.article_mask(index, Filters(q="%_%")).any()  # no word: nothing, not everything


def test_grouped_actors_count_distinct_articles(index, con) -> None:
    codes, counts, vocab = serving.grouped_actors(index, serving.actor_mask(index, Filters()))
    got = {tuple(json.loads(vocab.values[c])): n for c, n in zip(codes.tolist(), counts.tolist(), strict=True)}
    expected = {(name, country, sector): n for name, country, sector, n in con.execute(
        "SELECT name, country, sector, count(DISTINCT article_id) FROM actors GROUP BY ALL").fetchall()}
    assert got == expected


def test_aggregates_add_up_to_the_matching_events(index) -> None:
    mask = serving.event_mask(index, Filters())
    dated = int((mask & (index.tables["events"].num["day"] != serving.NO_DAY)).sum())
    for bucket in ("day", "week", "month", "year"):
        timeline = serving.timeline(index, mask, bucket)
        assert sum(i["events"] for i in timeline["items"]) == dated, bucket
        assert all(i["events"] == i["cooperation"] + i["verbal_conflict"] + i["material_conflict"]
                   for i in timeline["items"])
    facets = serving.facets(index, mask)
    assert sum(f["count"] for f in facets["types"]) == int(mask.sum())
    located = int((mask & ~np.isnan(index.tables["events"].num["lat"])).sum())
    assert sum(loc["events"] for loc in serving.locations(index, mask, 10_000)) == located


def test_serving_file_is_reused_until_the_store_changes(con, store_copy: Path) -> None:
    path = serving.serving_path(store_copy)
    before = path.stat().st_mtime_ns
    serving.ServingIndex.open(con.cursor(), store_copy)
    assert path.stat().st_mtime_ns == before  # unchanged store: the file is read, not rebuilt
    stale = store_copy.with_name("stale.duckdb")
    shutil.copy(store_copy, stale)
    shutil.copy(path, serving.serving_path(stale))
    with duckdb.connect(str(stale)) as writer:
        writer.execute("DELETE FROM events WHERE id = (SELECT min(id) FROM events)")
        writer.execute("CHECKPOINT")
    with duckdb.connect(str(stale), read_only=True) as reader:
        rebuilt = serving.ServingIndex.open(reader.cursor(), stale)
        assert rebuilt.tables["events"].n == sql_count(reader, "SELECT count(*) FROM events")
