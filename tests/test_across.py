"""The cross-article layer on a real DuckDB file: copies, story events, corroboration, contradictions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep import across
from sitrep.model import ActorRef, Article, ArticleResult, Event, EventDate, Place, Quantity, Span, text_sha256
from sitrep.store import Store

REPORT = ("Russian forces shelled the city of Kharkiv on Monday, killing five people and wounding a dozen, "
          "the regional governor said. Officials said the strikes hit a market and a school, and warned that "
          "more attacks were expected as Moscow pressed its offensive in the east of the country.")
OTHER = ("Garment workers marched through Dhaka on Friday to demand higher wages, and police fired tear gas "
         "to disperse the crowd near the labour ministry, union leaders said.")
KHARKIV = Place(text="Kharkiv", start=0, end=7, geonameid=706483, name="Kharkiv", lat=49.98, lon=36.25,
                country="UKR", precision="city", confidence=0.9)


def make_result(text: str, *, article_id: str, events: list[Event] = (), quantities: list[Quantity] = ()) -> \
        ArticleResult:
    return ArticleResult(article=Article(id=article_id, text=text, language="en", sha256=text_sha256(text)),
                         events=list(events), quantities=list(quantities))


def shelling(event_id: str = "E1", *, status: str = "asserted", day: str = "2024-03-04",
             place: Place | None = KHARKIV, source: str = "RUS", target: str = "UKR") -> Event:
    return Event(id=event_id, type="ASSAULT", mode="explosives", status=status,
                 sources=[ActorRef(name="Russian forces", country=source)],
                 targets=[ActorRef(name="Kharkiv residents", country=target)],
                 date=EventDate(value=day, text="Monday", precision="day"), place=place,
                 trigger=Span(text="shelled", start=15, end=22), confidence=0.9)


def killed(value: int, event_id: str = "E1") -> Quantity:
    return Quantity(category="killed", value=value, text=f"killing {value}", start=0, end=5, event_id=event_id)


@pytest.fixture()
def store(tmp_path: Path):
    with Store.open(tmp_path / "across.duckdb") as opened:
        yield opened


def stories(store: Store) -> list[dict]:
    cursor = store.con.execute("SELECT * FROM story_events ORDER BY id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_wire_copy_is_marked_and_distinct_story_is_not(store: Store) -> None:
    store.add(make_result(REPORT, article_id="orig"))
    store.add(make_result("Breaking news\n\n" + REPORT + "\n\nShare this story on Facebook.", article_id="copy"))
    store.add(make_result(OTHER, article_id="other"))
    linked = dict(store.con.execute("SELECT id, duplicate_of FROM articles").fetchall())
    assert linked == {"orig": None, "copy": "orig", "other": None}
    assert store.stats()["duplicates"] == 1


def test_shortened_version_is_a_copy() -> None:
    sig_a, size_a = across.signature(REPORT + " " + OTHER)
    sig_b, size_b = across.signature(REPORT)
    assert across.is_duplicate(across.jaccard(sig_a, sig_b), size_a, size_b)


def test_two_reports_of_one_event_make_one_story(store: Store) -> None:
    store.add(make_result(REPORT, article_id="a1", events=[shelling()]))
    store.add(make_result(OTHER + " In Ukraine, Russian artillery hit Kharkiv on Monday.", article_id="a2",
                          events=[shelling(day="2024-03-04")]))
    (story,) = stories(store)
    assert story["reports"] == 2 and story["corroboration"] == 2
    assert story["source_countries"] == "RUS" and story["target_countries"] == "UKR"


@pytest.mark.parametrize("change", [
    {"day": "2024-03-20"},                                                   # two weeks later
    {"place": KHARKIV.model_copy(update={"lat": 46.48, "lon": 30.72, "name": "Odesa"})},  # 500 km away
    {"source": "UKR", "target": "RUS"},                                      # the other side
])
def test_incompatible_mentions_stay_apart(store: Store, change: dict) -> None:
    store.add(make_result(REPORT, article_id="a1", events=[shelling()]))
    store.add(make_result(OTHER, article_id="a2", events=[shelling(**change)]))
    assert len(stories(store)) == 2


def test_copies_corroborate_once(store: Store) -> None:
    store.add(make_result(REPORT, article_id="a1", events=[shelling()]))
    store.add(make_result(REPORT + "\n\nSign up to our newsletter.", article_id="a1-copy", events=[shelling()]))
    (story,) = stories(store)
    assert story["reports"] == 2 and story["corroboration"] == 1


def test_conflicting_tolls_and_statuses_are_side_by_side(store: Store) -> None:
    store.add(make_result(REPORT, article_id="a1", events=[shelling()], quantities=[killed(5)]))
    store.add(make_result(OTHER, article_id="a2", events=[shelling(status="denied")], quantities=[killed(9)]))
    (story,) = stories(store)
    contradictions = json.loads(story["contradictions"])
    kinds = {c["kind"] for c in contradictions}
    assert kinds == {"quantity", "status"}
    toll = next(c for c in contradictions if c["kind"] == "quantity")
    assert sorted((r["article_id"], r["value"]) for r in toll["reports"]) == [("a1", 5), ("a2", 9)]
    assert json.loads(story["statuses"]) == {"asserted": 1, "denied": 1}


def test_compatible_tolls_are_not_a_contradiction(store: Store) -> None:
    at_least = killed(5).model_copy(update={"value": None, "low": 5})
    store.add(make_result(REPORT, article_id="a1", events=[shelling()], quantities=[at_least]))
    store.add(make_result(OTHER, article_id="a2", events=[shelling()], quantities=[killed(7)]))
    (story,) = stories(store)
    assert json.loads(story["contradictions"]) == []


def test_story_ids_are_deterministic(tmp_path: Path) -> None:
    ids = []
    for name in ("one", "two"):
        with Store.open(tmp_path / f"{name}.duckdb") as store:
            store.add(make_result(REPORT, article_id="a1", events=[shelling()]))
            store.add(make_result(OTHER, article_id="a2", events=[shelling(day="2024-05-01")]))
            ids.append([s["id"] for s in stories(store)])
    assert ids[0] == ids[1] and len(ids[0]) == 2


def test_failed_article_leaves_no_story_or_signature(store: Store) -> None:
    broken = make_result(REPORT, article_id="a1", events=[shelling(), shelling()])  # duplicate event id
    with pytest.raises(Exception, match=r"(?i)constraint|duplicate"):
        store.add(broken)
    for table in ("articles", "story_events", "story_event_reports", "article_signatures", "lsh_bands"):
        assert store.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def report_stream() -> list[ArticleResult]:
    """Reports of two shellings, with a wire copy, a denial, differing tolls and an unrelated story."""
    odesa = KHARKIV.model_copy(update={"lat": 46.48, "lon": 30.72, "name": "Odesa", "geonameid": 698740})
    return [
        make_result(REPORT, article_id="a1", events=[shelling()], quantities=[killed(5)]),
        make_result(OTHER, article_id="a2", events=[shelling(day="2024-03-05", source="RUS", target="UKR")],
                    quantities=[killed(9)]),
        make_result(REPORT + "\n\nSign up to our newsletter.", article_id="a1-copy", events=[shelling()]),
        make_result(OTHER + " Odesa was hit too.", article_id="a3",
                    events=[shelling("E1", place=odesa), shelling("E2", status="denied", day="2024-03-04")]),
        make_result("Officials in Kyiv said the strikes on Odesa went on overnight into Tuesday.", article_id="a4",
                    events=[shelling("E1", place=odesa, day="2024-03-05")]),
        make_result("A long report about something else entirely, with no events at all in it.", article_id="a5"),
    ]


def store_rows(store: Store) -> dict[str, list[tuple]]:
    """Everything the cross-article layer wrote, and the articles in storing order."""
    tables = {
        "articles": "SELECT id, duplicate_of FROM articles ORDER BY ingested_at, id",
        "story_events": "SELECT * FROM story_events ORDER BY id",
        "story_event_reports": "SELECT * FROM story_event_reports ORDER BY article_id, event_id",
        "article_signatures": "SELECT article_id, signature FROM article_signatures ORDER BY article_id",
    }
    return {name: store.con.execute(sql).fetchall() for name, sql in tables.items()}


@pytest.mark.parametrize("batch_size", [2, 3, 6])
def test_a_batch_stores_what_one_by_one_stores(tmp_path: Path, batch_size: int) -> None:
    stream = report_stream()
    with Store.open(tmp_path / "one.duckdb") as one, Store.open(tmp_path / "batch.duckdb") as batched:
        assert [one.add(result) for result in stream] == [True] * len(stream)
        added = [flag for at in range(0, len(stream), batch_size)
                 for flag in batched.add_many(stream[at:at + batch_size])]
        assert added == [True] * len(stream)
        expected, found = store_rows(one), store_rows(batched)
    assert found == expected
    assert dict(expected["articles"])["a1-copy"] == "a1"  # the copy was found, within a batch too
    assert any(json.loads(row[-1] or "[]") for row in expected["story_events"])  # contradictions were kept


def test_a_copy_in_the_same_batch_points_at_the_earlier_article(store: Store) -> None:
    original = make_result(REPORT, article_id="orig")
    copy = make_result("Breaking news\n\n" + REPORT, article_id="copy")
    again = make_result(REPORT, article_id="again")  # the same text under another id
    assert store.add_many([original, copy, again]) == [True, True, False]  # one text is stored once
    linked = dict(store.con.execute("SELECT id, duplicate_of FROM articles").fetchall())
    assert linked == {"orig": None, "copy": "orig"}


def test_a_bad_article_in_a_batch_keeps_the_ones_before_it(store: Store) -> None:
    good, later = make_result(REPORT, article_id="good"), make_result(OTHER, article_id="later")
    bad = make_result(REPORT + " Updated.", article_id="bad", events=[shelling(), shelling()])  # one id twice
    with pytest.raises(Exception, match=r"(?i)constraint|duplicate"):
        store.add_many([good, bad, later])
    assert [row[0] for row in store.con.execute("SELECT id FROM articles").fetchall()] == ["good"]
    assert store.add_many([later]) == [True]


def test_a_story_whose_countries_grow_within_a_batch_is_found_again(tmp_path: Path) -> None:
    # The stored story has a place but no countries; the batch's first report adds Russia as the source, so
    # the second report, which names the source but no place, can only join it through the grown countries.
    founding = make_result(REPORT, article_id="b1", events=[shelling(source=None, target=None)])
    grows = make_result(OTHER, article_id="b2", events=[shelling(target=None)])
    joins = make_result("Moscow's forces struck again on Monday, a spokesman said.", article_id="b3",
                        events=[shelling(place=None, target=None)])
    found = []
    for name, batches in (("one", [[founding], [grows], [joins]]), ("batch", [[founding], [grows, joins]])):
        with Store.open(tmp_path / f"{name}.duckdb") as store:
            for batch in batches:
                store.add_many(batch)
            found.append(store_rows(store))
    assert found[0] == found[1]
    assert {row[0] for row in found[0]["story_event_reports"]} == {found[0]["story_events"][0][0]}  # one story


def test_undated_reports_do_not_merge(store: Store) -> None:
    undated = shelling().model_copy(update={"date": None})
    store.add(make_result(REPORT, article_id="a1", events=[undated]))
    store.add(make_result(OTHER, article_id="a2", events=[undated]))
    assert len(stories(store)) == 2  # same type, place and sides, but nothing says it is the same day


@pytest.mark.parametrize("same_batch", [False, True])
def test_a_copy_joins_its_originals_stories_even_undated(tmp_path: Path, same_batch: bool) -> None:
    undated = shelling().model_copy(update={"date": None})
    original = make_result(REPORT, article_id="orig", events=[undated])
    copy = make_result("Breaking news\n\n" + REPORT + "\n\nShare this story.", article_id="copy", events=[undated])
    with Store.open(tmp_path / "copies.duckdb") as store:
        if same_batch:
            store.add_many([original, copy])
        else:
            store.add(original)
            store.add(copy)
        (story,) = stories(store)
        assert store.con.execute("SELECT duplicate_of FROM articles WHERE id = 'copy'").fetchone() == ("orig",)
        assert story["reports"] == 2 and story["corroboration"] == 1
