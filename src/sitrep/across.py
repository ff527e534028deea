"""Across articles: near-duplicate articles, story events corroborated by many reports, contradictions.

Plain functions over the store's connection, called by `Store.add_many` inside the transaction that writes
a batch of new articles, so new articles update everything here in place or not at all. A batch gives the
same rows as storing its articles one by one, in order: each article is matched against the store and the
articles before it in the batch (held in memory), and every step costs a fixed number of set-based
statements per batch, not a round trip per event or per story.

**Near duplicates.** Each article gets a MinHash signature (datasketch, 128 permutations) of its word
5-shingles. Its 32 LSH bands (4 rows each) are stored as 64-bit hashes in `lsh_bands`, so finding
candidates is one DuckDB join per batch however many articles the store holds. A candidate is a duplicate
when the Jaccard similarity estimated from the two signatures reaches `DUPLICATE_JACCARD`. The first
stored copy is canonical; later copies point at it with `articles.duplicate_of`.

**Story events.** An event mention joins an existing story event when the type is the same, dates fall
within windows that depend on each date's precision, places lie within radii that depend on each place's
precision, the source and target countries agree where both are known, and at least one of actors or
place positively matches. Otherwise it founds a new story event whose id is a hash of its founding
report, so re-running the same ingest gives the same ids.

**Corroboration and contradictions.** A story event counts its independent sources: articles, with all
copies of one wire story counted once. Quantities of one category that disagree across reports, and claim
statuses that disagree (asserted by one report, denied or disputed by another), are kept side by side
with their sources in `contradictions`, never averaged.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import duckdb
import numpy as np

from sitrep.model import ArticleResult, Event, Place

NUM_PERM = 128
BANDS, ROWS = 32, 4  # candidate probability 1-(1-J^4)^32: 0.99 at J=0.6, 0.87 at J=0.5, 0.40 at J=0.3
SHINGLE_WORDS = 5
# A copy either shares most shingles with its original (Jaccard), or is mostly contained in it (a cut or
# shortened version: containment = |A & B| / min(|A|, |B|), derived from Jaccard and the two set sizes).
DUPLICATE_JACCARD = 0.5
DUPLICATE_CONTAINMENT = 0.8
MIN_JACCARD_FOR_CONTAINMENT = 0.3
_WORD = re.compile(r"\w+")

# How far apart two dates may be (days) for each precision, and two places (km) for each precision.
DATE_WINDOW_DAYS = {"day": 1, "days": 4, "week": 7, "month": 31, "year": 366, "article": 3}
PLACE_RADIUS_KM = {"exact": 25, "city": 25, "admin2": 60, "admin1": 250, "country": 800, "region": 2500}
# Statuses that say an event happened, and statuses that contest it.
AFFIRMING = {"asserted", "reported", "claimed"}
CONTESTING = {"denied", "disputed", "negated"}

SCHEMA_V2 = [
    """CREATE TABLE IF NOT EXISTS article_signatures (article_id VARCHAR PRIMARY KEY, signature BLOB NOT NULL,
        shingles INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS lsh_bands (hash BIGINT NOT NULL, article_id VARCHAR NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS lsh_bands_lookup ON lsh_bands (hash)""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS mode VARCHAR""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS date_precision VARCHAR""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS place_name VARCHAR""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS place_precision VARCHAR""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS place_country VARCHAR""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS place_admin1 VARCHAR""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS source_countries VARCHAR""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS target_countries VARCHAR""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS reports INTEGER""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS corroboration INTEGER""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS statuses JSON""",
    """ALTER TABLE story_events ADD COLUMN IF NOT EXISTS contradictions JSON""",
    """CREATE INDEX IF NOT EXISTS story_events_type_date ON story_events (type, date)""",
    """CREATE INDEX IF NOT EXISTS story_event_reports_story ON story_event_reports (story_event_id)""",
]


# -- near-duplicate articles ----------------------------------------------------------------------------------

def shingles(text: str) -> set[bytes]:
    """Word 5-grams of the lower-cased text (the whole text for very short ones)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()}
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


@functools.lru_cache(maxsize=1)
def _empty_minhash() -> Any:
    """An empty MinHash: its copies share its permutations, which datasketch would otherwise draw again from the
    seed for every article (a third of the signature's cost)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


def signature(text: str) -> tuple[np.ndarray, int]:
    """The MinHash signature of the text's shingles, and how many shingles there are."""
    grams = shingles(text)
    minhash = _empty_minhash().copy()
    minhash.update_batch(list(grams))
    return minhash.hashvalues.astype(np.uint32), len(grams)


def band_hashes(sig: np.ndarray) -> list[int]:
    """One signed 64-bit hash per LSH band, the band number mixed in so one indexed column serves all bands
    (deterministic across processes, unlike Python's hash())."""
    return [int.from_bytes(hashlib.blake2b(bytes([b]) + sig[b * ROWS:(b + 1) * ROWS].tobytes(),
                                           digest_size=8).digest(), "little", signed=True) for b in range(BANDS)]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two shingle sets, estimated from their MinHash signatures."""
    return float(np.mean(a == b))


def containment(similarity: float, size_a: int, size_b: int) -> float:
    """|A & B| / min(|A|, |B|) from the Jaccard similarity and the set sizes."""
    if similarity <= 0 or not size_a or not size_b:
        return 0.0
    shared = similarity * (size_a + size_b) / (1 + similarity)
    return min(1.0, shared / min(size_a, size_b))


def is_duplicate(similarity: float, size_a: int, size_b: int) -> bool:
    return similarity >= DUPLICATE_JACCARD or (
        similarity >= MIN_JACCARD_FOR_CONTAINMENT and containment(similarity, size_a, size_b) >= DUPLICATE_CONTAINMENT)


@dataclass
class NewArticle:
    """An article being stored in the current batch: its result, when it was stored, its MinHash signature."""

    result: ArticleResult
    ingested_at: dt.datetime
    signature: np.ndarray
    shingles: int
    bands: list[int]
    duplicate_of: str | None = None

    @classmethod
    def of(cls, result: ArticleResult, ingested_at: dt.datetime) -> NewArticle:
        sig, size = signature(result.article.text)
        return cls(result, ingested_at, sig, size, band_hashes(sig))

    @property
    def id(self) -> str:
        return self.result.article.id

    @property
    def canonical(self) -> str:
        return self.duplicate_of or self.id


def find_copies(con: duckdb.DuckDBPyConnection, batch: Sequence[NewArticle]) -> None:
    """Set `duplicate_of` of each new article that near-duplicates a stored article or an earlier one of the
    batch: the candidate sharing an LSH band with the highest Jaccard similarity (the first stored on ties)
    whose similarity passes `is_duplicate`, resolved to its canonical article. Reads only: one query."""
    wanted = sorted({h for item in batch for h in item.bands})
    rows = con.execute(
        """SELECT b.hash, s.article_id, s.signature, s.shingles, coalesce(a.duplicate_of, a.id), a.ingested_at
           FROM lsh_bands b JOIN article_signatures s ON s.article_id = b.article_id
           JOIN articles a ON a.id = b.article_id
           WHERE b.hash IN (SELECT unnest(?::BIGINT[]))""", [wanted]).fetchall()
    # candidate -> (order stored, signature, shingle count, canonical id)
    known: dict[str, tuple[tuple[dt.datetime, str], np.ndarray, int, str]] = {}
    by_band: dict[int, list[str]] = {}
    for band, article_id, blob, size, canonical, ingested_at in rows:
        if article_id not in known:
            known[article_id] = ((ingested_at, article_id), np.frombuffer(blob, dtype=np.uint32), size, canonical)
        by_band.setdefault(band, []).append(article_id)
    for item in batch:
        candidates = {article_id for band in item.bands for article_id in by_band.get(band, ())}
        best: tuple[str, float] | None = None
        for article_id in sorted(candidates, key=lambda c: known[c][0]):
            _, their_sig, their_size, canonical = known[article_id]
            similarity = jaccard(item.signature, their_sig)
            if is_duplicate(similarity, item.shingles, their_size) and (best is None or similarity > best[1]):
                best = (canonical, similarity)
        item.duplicate_of = best[0] if best else None
        # later articles of the batch see this one as a candidate, as they would after its commit
        known[item.id] = ((item.ingested_at, item.id), item.signature, item.shingles, item.canonical)
        for band in item.bands:
            by_band.setdefault(band, []).append(item.id)


def index_articles(con: duckdb.DuckDBPyConnection, batch: Sequence[NewArticle]) -> None:
    """Store the signatures and LSH bands of a batch (two statements)."""
    if not batch:
        return
    con.execute("INSERT INTO article_signatures SELECT unnest(?), unnest(?::BLOB[]), unnest(?)",
                [[item.id for item in batch], [item.signature.tobytes() for item in batch],
                 [item.shingles for item in batch]])
    con.execute("INSERT INTO lsh_bands SELECT unnest(?::BIGINT[]), unnest(?)",
                [[h for item in batch for h in item.bands],
                 [item.id for item in batch for _ in range(BANDS)]])


# -- story events ----------------------------------------------------------------------------------------------

def _countries(actors: list[Any]) -> set[str]:
    return {a.country for a in actors if a.country}


def _split(value: str | None) -> set[str]:
    return set(value.split(";")) if value else set()


def _event_date(event: Event) -> tuple[dt.date | None, str | None]:
    if event.date and event.date.value and len(event.date.value) >= 10:
        try:
            return dt.date.fromisoformat(event.date.value[:10]), event.date.precision or "day"
        except ValueError:
            return None, None
    return None, None


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(min(1.0, a)))


_COARSE = {"country": 2, "region": 3, "admin1": 1}  # coarse precisions; a finer place may lie inside them


def places_compatible(lat1: float, lon1: float, precision1: str | None, country1: str | None,
                      admin1_1: str | None, lat2: float, lon2: float, precision2: str | None,
                      country2: str | None, admin1_2: str | None) -> bool:
    """Can two places be where one event happened?

    A country or first-level division is a container, not a point: the centroid of the United States lies
    2,300 km from Los Angeles, so comparing centroid distance with radii (as `compatibility` does) calls
    "in the US" and "in Los Angeles" a conflict. When either place is coarse, containment decides where both
    codes are known: same country (for a country), same country and admin1 (for an admin1). Two places of
    city-level precision, or places without codes, fall back to the distance test with the radii of
    `PLACE_RADIUS_KM`.
    """
    coarse = max(_COARSE.get(precision1 or "", 0), _COARSE.get(precision2 or "", 0))
    if coarse and country1 and country2:
        if country1 != country2:
            return coarse == 3 and km_between(lat1, lon1, lat2, lon2) <= PLACE_RADIUS_KM["region"]
        if coarse == 1 and admin1_1 and admin1_2:
            return admin1_1 == admin1_2  # an admin1 contains only places of its own admin1
        return True
    radius = PLACE_RADIUS_KM.get(precision1 or "city", 100) + PLACE_RADIUS_KM.get(precision2 or "city", 100)
    return km_between(lat1, lon1, lat2, lon2) <= radius


class Anchors(NamedTuple):
    """What `compatibility` reads of an event, worked out once per event rather than once per candidate."""

    date: dt.date | None
    window: int  # days, from the date's precision
    place: Place | None  # only a place with coordinates
    sources: set[str]
    targets: set[str]

    @classmethod
    def of(cls, event: Event) -> Anchors:
        date, precision = _event_date(event)
        place = event.place if event.place is not None and event.place.lat is not None else None
        return cls(date, DATE_WINDOW_DAYS.get(precision or "day", 3), place, _countries(event.sources),
                   _countries(event.targets))


def compatibility(event: Event | Anchors, story: dict[str, Any]) -> int | None:
    """How many anchors (actors, place, date) positively match, or None if anything conflicts."""
    mine = event if isinstance(event, Anchors) else Anchors.of(event)
    date = mine.date
    if not date or not story["date"]:
        return None  # without a date on both sides nothing says the two reports tell of one happening
    window = mine.window + DATE_WINDOW_DAYS.get(story["date_precision"] or "day", 3)
    if abs((date - story["date"]).days) > window:
        return None
    anchors = 1
    place = mine.place
    if place and story["lat"] is not None:
        if not places_compatible(place.lat, place.lon, place.precision, place.country, place.admin1,
                                 story["lat"], story["lon"], story["place_precision"], story["place_country"],
                                 story["place_admin1"]):
            return None
        anchors += 1
        place_matched = True
    else:
        place_matched = False
    actors_matched = False
    for ours, theirs in ((mine.sources, _split(story["source_countries"])),
                         (mine.targets, _split(story["target_countries"]))):
        if ours and theirs:
            if not ours & theirs:
                return None
            actors_matched = True
            anchors += 1
    if not (actors_matched or place_matched):
        return None  # a shared type and date alone is not enough to call two mentions one event
    return anchors


_SQL_WINDOW = "CASE s.date_precision " + " ".join(
    f"WHEN '{p}' THEN {d}" for p, d in DATE_WINDOW_DAYS.items()) + " ELSE 3 END"
# `places_compatible` in SQL, on a story `s` and an event `e` (its place's coordinates, precision, country and
# admin1; `coarse` and `radius` from its precision), looser by 1 km so that rounding never drops a candidate.
_SQL_COARSE = "CASE s.place_precision " + " ".join(f"WHEN '{p}' THEN {c}" for p, c in _COARSE.items()) + " ELSE 0 END"
_SQL_RADIUS = "CASE coalesce(s.place_precision, 'city') " + " ".join(
    f"WHEN '{p}' THEN {r}" for p, r in PLACE_RADIUS_KM.items()) + " ELSE 100 END"
_SQL_KM = ("12742 * asin(sqrt(least(1.0, sin(radians(s.lat - e.lat) / 2) ^ 2 "
           "+ cos(radians(e.lat)) * cos(radians(s.lat)) * sin(radians(s.lon - e.lon) / 2) ^ 2)))")
_SQL_PLACES_COMPATIBLE = f"""CASE
    WHEN greatest(e.coarse, {_SQL_COARSE}) > 0 AND e.country <> '' AND s.place_country <> '' THEN
        CASE WHEN e.country <> s.place_country
                  THEN greatest(e.coarse, {_SQL_COARSE}) = 3 AND {_SQL_KM} <= {PLACE_RADIUS_KM["region"]} + 1
             WHEN greatest(e.coarse, {_SQL_COARSE}) = 1 AND e.admin1 <> '' AND s.place_admin1 <> ''
                  THEN e.admin1 = s.place_admin1
             ELSE TRUE END
    ELSE {_SQL_KM} <= e.radius + {_SQL_RADIUS} + 1 END"""
_STORY_COLUMNS = ("id", "type", "date", "date_precision", "lat", "lon", "place_precision", "place_country",
                  "place_admin1", "source_countries", "target_countries")


def story_id(article_sha256: str, event_id: str) -> str:
    return "S" + hashlib.sha1(f"{article_sha256}:{event_id}".encode()).hexdigest()[:15]


# The filter of `_stored_candidates`, on a story `s` and an event `e`.
_SQL_CANDIDATE = f"""abs(date_diff('day', s.date, e.day)) <= e.w + {_SQL_WINDOW}
    AND ((e.placed AND s.lat IS NOT NULL) OR (len(e.src) > 0 AND s.source_countries IS NOT NULL)
         OR (len(e.tgt) > 0 AND s.target_countries IS NOT NULL))
    AND (NOT e.placed OR s.lat IS NULL OR {_SQL_PLACES_COMPATIBLE})
    AND (len(e.src) = 0 OR coalesce(s.source_countries, '') = ''
         OR list_has_any(string_split(s.source_countries, ';'), e.src))
    AND (len(e.tgt) = 0 OR coalesce(s.target_countries, '') = ''
         OR list_has_any(string_split(s.target_countries, ';'), e.tgt))"""
# Days are cut into buckets of 16 so that most pairs come from an equality join on (type, bucket) rather than
# from comparing every event with every stored story of its type. A story of window at most a week can only
# match an event of window w within w + 7 days, i.e. at most ceil((w + 7) / 16) buckets away (one bucket for
# windows up to a week). Stories with a longer window (a month, a year) are compared with every dated event of
# their type; the two parts never overlap. An event or a story without a date joins nothing (`compatibility`).
_BUCKET_DAYS, _SHORT_WINDOW = 16, 7
_SQL_BUCKET = f"floor(date_diff('day', DATE '1970-01-01', {{}}) / {_BUCKET_DAYS})"
_EVENT_FIELDS = {"n": "INTEGER", "type": "VARCHAR", "day": "DATE", "w": "INTEGER", "src": "VARCHAR[]",
                 "tgt": "VARCHAR[]", "placed": "BOOLEAN", "lat": "DOUBLE", "lon": "DOUBLE", "coarse": "INTEGER",
                 "radius": "INTEGER", "country": "VARCHAR", "admin1": "VARCHAR"}
# A pair of an event and a stored story, with what the filter reads of each: `e.x` becomes `e_x`, `s.y` `s_y`.
_PAIR_COLUMNS = ", ".join([f"e.{name} AS e_{name}" for name in _EVENT_FIELDS]
                          + [f"s.{name} AS s_{name}" for name in _STORY_COLUMNS])


def _paired(sql: str) -> str:
    return re.sub(r"\b([es])\.(\w+)", r"\1_\2", sql)


_CANDIDATES_SQL = f"""
WITH e AS (
    -- the batch's events, one JSON object of columns (a single parameter converts faster than thirteen lists)
    SELECT {", ".join(f"unnest(j.{name}) AS {name}" for name in _EVENT_FIELDS)}
    FROM (SELECT ?::JSON::STRUCT({", ".join(f"{name} {kind}[]" for name, kind in _EVENT_FIELDS.items())}) AS j)),
near AS (
    SELECT *, {_SQL_BUCKET.format("day")} + unnest(range(-k, k + 1)) AS bucket
    FROM (SELECT *, CAST(ceil((w + {_SHORT_WINDOW}) / {_BUCKET_DAYS}) AS BIGINT) AS k FROM e WHERE day IS NOT NULL)),
short AS (
    SELECT *, {_SQL_BUCKET.format("date")} AS bucket FROM story_events s
    WHERE date IS NOT NULL AND {_SQL_WINDOW} <= {_SHORT_WINDOW}),
pairs AS (
    SELECT {_PAIR_COLUMNS} FROM near e JOIN short s ON s.type = e.type AND s.bucket = e.bucket
    UNION ALL
    SELECT {_PAIR_COLUMNS} FROM e JOIN story_events s ON s.type = e.type
        WHERE e.day IS NOT NULL AND s.date IS NOT NULL AND {_SQL_WINDOW} > {_SHORT_WINDOW})
SELECT {", ".join("s_" + c for c in _STORY_COLUMNS)}, list(e_n)
FROM pairs
WHERE {_paired(_SQL_CANDIDATE)}
GROUP BY ALL"""


def _stored_candidates(con: duckdb.DuckDBPyConnection, events: list[Event], anchors: list[Anchors]
                       ) -> tuple[dict[str, dict[str, Any]], list[list[str]]]:
    """The stored story events each event may join: the stories by id, and for each event the ids of its
    candidates. One query. Its filter keeps every story for which `compatibility` could be other than None,
    on the stories as they are stored (so a story whose countries grow in this batch is looked at again):
    same type; dates within both windows; a place on both sides, or countries on a side of both; places, if
    both have one, that `places_compatible` accepts; and no side whose countries, known on both, are disjoint."""
    columns: dict[str, list[Any]] = {name: [] for name in _EVENT_FIELDS}
    for n, (event, mine) in enumerate(zip(events, anchors, strict=True)):
        place = mine.place
        values = (n, event.type, mine.date.isoformat() if mine.date else None, mine.window,
                  sorted(mine.sources), sorted(mine.targets), place is not None,
                  place.lat if place else None, place.lon if place else None,
                  _COARSE.get(place.precision or "", 0) if place else 0,
                  PLACE_RADIUS_KM.get(place.precision or "city", 100) if place else 0,
                  place.country if place else None, place.admin1 if place else None)
        for column, value in zip(columns.values(), values, strict=True):
            column.append(value)
    found = con.execute(_CANDIDATES_SQL, [json.dumps(columns)]).fetchall()
    stories: dict[str, dict[str, Any]] = {}
    candidates: list[list[str]] = [[] for _ in events]
    for *values, numbers in found:
        story = dict(zip(_STORY_COLUMNS, values, strict=True))
        stories[story["id"]] = story
        for n in numbers:
            candidates[n].append(story["id"])
    return stories, candidates


def _joined(codes: str | None, actors: list[Any]) -> str | None:
    """A story's `;`-joined countries after a report with these actors joins it (the union, as a refresh makes)."""
    return ";".join(sorted(_split(codes) | _countries(actors))) or None


def link_events(con: duckdb.DuckDBPyConnection, batch: Sequence[NewArticle]) -> list[str]:
    """Attach each event of the batch's (already written) articles to a story event, found or founded, and
    refresh every story touched. Returns the touched story ids.

    Article by article and event by event, in order, each event joins the compatible story with the most
    matching anchors (the first by id on ties) among the stored stories and the stories founded earlier in the
    batch, or founds one. What an event sees is what it would see if each article were stored alone: the
    countries of a story grow (the refresh) only after the article whose reports joined it.
    """
    events = [event for item in batch for event in item.result.events]
    if not events:
        return []
    anchors_of = [Anchors.of(event) for event in events]  # once per event: the query and the matching read them
    stories, stored_candidates = _stored_candidates(con, events, anchors_of)
    # A copy's events are its original's: each joins the story its twin in the original joined (same type and
    # trigger), dated or not, so a wire story is one set of story events however often it is sent.
    original_stories = _original_stories(con, [item.duplicate_of for item in batch if item.duplicate_of], stories)
    # type -> stories founded, or whose countries grew, in this batch (candidates of every later event), with
    # their day number and date window, so that the date rule can skip most of them cheaply
    changed: dict[str, dict[str, tuple[int | None, int]]] = {}

    def mark_changed(story: dict[str, Any]) -> None:
        day = story["date"].toordinal() if story["date"] else None
        window = DATE_WINDOW_DAYS.get(story["date_precision"] or "day", 3)
        changed.setdefault(story["type"], {})[story["id"]] = (day, window)
    new_stories: list[tuple[Any, ...]] = []
    reports: list[tuple[str, str, str]] = []
    touched: dict[str, None] = {}  # ordered set
    n = 0
    for item in batch:
        joined: list[tuple[str, Event]] = []
        twins = list(original_stories.get(item.duplicate_of, [])) if item.duplicate_of else []
        for event in item.result.events:
            twin = next((t for t in twins if t[:2] == (event.type, event.trigger.text)), None)
            if twin is not None and twin[2] in stories:
                twins.remove(twin)
                n += 1
                reports.append((twin[2], item.id, event.id))
                joined.append((twin[2], event))
                touched[twin[2]] = None
                continue
            anchors = anchors_of[n]
            day = anchors.date.toordinal() if anchors.date else None
            nearby = [story for story, (their_day, their_window) in changed.get(event.type, {}).items()
                      if day is None or their_day is None or abs(day - their_day) <= anchors.window + their_window]
            candidates = sorted({*stored_candidates[n], *nearby})
            n += 1
            best: tuple[int, str] | None = None
            for candidate in candidates:
                score = compatibility(anchors, stories[candidate])
                if score is not None and (best is None or score > best[0]):
                    best = (score, candidate)
            if best is None:
                story = story_id(item.result.article.sha256, event.id)
                date, precision = _event_date(event)
                place = event.place
                row = (story, event.type, event.mode, date, precision, place.lat if place else None,
                       place.lon if place else None, place.name if place else None,
                       place.precision if place else None, place.country if place else None,
                       place.admin1 if place else None, ";".join(sorted(anchors.sources)) or None,
                       ";".join(sorted(anchors.targets)) or None)
                new_stories.append(row)
                stories[story] = {"id": story, "type": event.type, "date": date, "date_precision": precision,
                                  "lat": row[5], "lon": row[6], "place_precision": row[8], "place_country": row[9],
                                  "place_admin1": row[10], "source_countries": row[11], "target_countries": row[12]}
                mark_changed(stories[story])
            else:
                story = best[1]
            reports.append((story, item.id, event.id))
            joined.append((story, event))
            touched[story] = None
        original_stories[item.id] = [(event.type, event.trigger.text, story) for story, event in joined]
        for story, event in joined:  # the refresh after this article: later articles see the merged countries
            stories[story]["source_countries"] = _joined(stories[story]["source_countries"], event.sources)
            stories[story]["target_countries"] = _joined(stories[story]["target_countries"], event.targets)
            mark_changed(stories[story])
    if new_stories:
        columns = list(zip(*new_stories, strict=True))
        con.execute(
            """INSERT INTO story_events (id, type, mode, date, date_precision, lat, lon, place_name, place_precision,
               place_country, place_admin1, source_countries, target_countries, reports, corroboration, summary)
               SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::DATE[]),
                      unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), unnest(?::DOUBLE[]), unnest(?::VARCHAR[]),
                      unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
                      unnest(?::VARCHAR[]), 0, 0, '{}'""", [list(c) for c in columns])
    columns = list(zip(*reports, strict=True))
    con.execute("INSERT INTO story_event_reports SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                "unnest(?::VARCHAR[])", [list(c) for c in columns])
    refresh_stories(con, list(touched))
    return list(touched)


def _original_stories(con: duckdb.DuckDBPyConnection, article_ids: list[str], stories: dict[str, dict[str, Any]]
                      ) -> dict[str, list[tuple[str, str, str]]]:
    """For each stored article, (type, trigger text, story id) of its events in text order; the stories read
    are added to `stories` (where a story already there, as read this batch, is kept)."""
    if not article_ids:
        return {}
    rows = con.execute(
        f"""SELECT e.article_id, e.type, e.trigger_text, {", ".join("s." + c for c in _STORY_COLUMNS)}
            FROM events e JOIN story_event_reports r ON r.article_id = e.article_id AND r.event_id = e.id
            JOIN story_events s ON s.id = r.story_event_id
            WHERE e.article_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY e.article_id, e.trigger_start""",
        [sorted(set(article_ids))]).fetchall()
    found: dict[str, list[tuple[str, str, str]]] = {}
    for article_id, event_type, trigger, *values in rows:
        story = dict(zip(_STORY_COLUMNS, values, strict=True))
        stories.setdefault(story["id"], story)
        found.setdefault(article_id, []).append((event_type, trigger, story["id"]))
    return found


def refresh_stories(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> None:
    """Recompute the counts, statuses, merged actors and contradictions of these stories from all their reports
    (three statements for any number of stories)."""
    if not story_ids:
        return
    reports: dict[str, list[tuple[Any, ...]]] = {story: [] for story in story_ids}
    for story, *row in con.execute(
            """SELECT r.story_event_id, r.article_id, r.event_id, coalesce(a.duplicate_of, a.id) AS independent,
                      e.status, e.source_countries, e.target_countries, a.url, a.title, e.trigger_text
               FROM story_event_reports r JOIN articles a ON a.id = r.article_id
               JOIN events e ON e.article_id = r.article_id AND e.id = r.event_id
               WHERE r.story_event_id IN (SELECT unnest(?::VARCHAR[]))
               ORDER BY r.story_event_id, a.ingested_at, r.article_id, r.event_id""", [story_ids]).fetchall():
        reports[story].append(tuple(row))
    quantities: dict[str, list[tuple[Any, ...]]] = {story: [] for story in story_ids}
    for story, *row in con.execute(
            """SELECT r.story_event_id, q.category, q.value, q.low, q.high, q.text, q.article_id, q.source
               FROM quantities q JOIN story_event_reports r ON r.article_id = q.article_id AND r.event_id = q.event_id
               WHERE r.story_event_id IN (SELECT unnest(?::VARCHAR[]))
               ORDER BY r.story_event_id, q.article_id, q.idx""", [story_ids]).fetchall():
        quantities[story].append(tuple(row))
    rows = [(story, *summarize(reports[story], quantities[story])) for story in story_ids]
    columns = [list(c) for c in zip(*rows, strict=True)]
    con.execute(
        """UPDATE story_events SET reports = u.reports, corroboration = u.corroboration, statuses = u.statuses,
           contradictions = u.contradictions, source_countries = u.source_countries,
           target_countries = u.target_countries, summary = u.summary
           FROM (SELECT unnest(?::VARCHAR[]) AS id, unnest(?::INTEGER[]) AS reports,
                        unnest(?::INTEGER[]) AS corroboration, unnest(?::VARCHAR[]) AS statuses,
                        unnest(?::VARCHAR[]) AS contradictions, unnest(?::VARCHAR[]) AS source_countries,
                        unnest(?::VARCHAR[]) AS target_countries, unnest(?::VARCHAR[]) AS summary) u
           WHERE story_events.id = u.id""", columns)


def summarize(reports: list[tuple[Any, ...]], quantities: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """A story's refreshed columns from its reports, in storing order ((article_id, event_id, independent_of,
    status, source countries, target countries, url, title, trigger) each), and the quantities of its reports:
    report count, corroboration, statuses, contradictions, source and target countries, summary."""
    statuses: dict[str, list[str]] = {}
    sources: set[str] = set()
    targets: set[str] = set()
    for article_id, _, _, status, src, tgt, *_ in reports:
        statuses.setdefault(status or "asserted", []).append(article_id)
        sources |= _split(src)
        targets |= _split(tgt)
    contradictions: list[dict[str, Any]] = []
    by_category: dict[str, list[dict[str, Any]]] = {}
    for category, value, low, high, text, article_id, source in quantities:
        by_category.setdefault(category, []).append({"value": value, "low": low, "high": high, "text": text,
                                                     "article_id": article_id,
                                                     "source": json.loads(source) if source else None})
    for category, figures in by_category.items():
        if len({(f["value"], f["low"], f["high"]) for f in figures}) > 1 and not _ranges_agree(figures):
            contradictions.append({"kind": "quantity", "category": category, "reports": figures})
    if set(statuses) & AFFIRMING and set(statuses) & CONTESTING:
        contradictions.append({"kind": "status", "reports": [{"status": s, "article_ids": ids}
                                                             for s, ids in sorted(statuses.items())]})
    independent = len({row[2] for row in reports})
    summary = {"reports": [{"article_id": r[0], "event_id": r[1], "independent_of": r[2], "status": r[3],
                            "url": r[6], "title": r[7], "trigger": r[8]} for r in reports]}
    return (len(reports), independent, json.dumps({s: len(ids) for s, ids in sorted(statuses.items())}),
            json.dumps(contradictions), ";".join(sorted(sources)) or None, ";".join(sorted(targets)) or None,
            json.dumps(summary))


def _ranges_agree(figures: list[dict[str, Any]]) -> bool:
    """Do all figures fit one interval? ("at least 5" and "7" agree; "5" and "9" do not.)"""
    lows = [f["low"] if f["low"] is not None else f["value"] for f in figures]
    highs = [f["high"] if f["high"] is not None else f["value"] for f in figures]
    lows = [v for v in lows if v is not None]
    highs = [v for v in highs if v is not None]
    return bool(lows and highs) and max(lows) <= min(highs)
