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
