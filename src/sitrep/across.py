"""Across articles: near-duplicate articles, story events corroborated by many reports, contradictions.

Plain functions over the store's connection, called by `Store.add` inside the article's transaction, so a
new article updates everything here in place or not at all.

**Near duplicates.** Each article gets a MinHash signature (datasketch, 128 permutations) of its word
5-shingles. Its 32 LSH bands (4 rows each) are stored as 64-bit hashes in `lsh_bands`, so finding
candidates is one indexed DuckDB join however many articles the store holds. A candidate is a duplicate
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
import hashlib
import json
import math
import re
from typing import Any

import duckdb
import numpy as np

from sitrep.model import ArticleResult, Event

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


def signature(text: str) -> tuple[np.ndarray, int]:
    """The MinHash signature of the text's shingles, and how many shingles there are."""
    from datasketch import MinHash

    grams = shingles(text)
    minhash = MinHash(num_perm=NUM_PERM, seed=1)
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


def find_duplicate(con: duckdb.DuckDBPyConnection, sig: np.ndarray, size: int) -> tuple[str, float] | None:
    """The canonical article this signature near-duplicates (and the similarity), or None."""
    hashes = band_hashes(sig)
    placeholders = ", ".join("?" * len(hashes))  # constants, so DuckDB can look them up in the index
    rows = con.execute(
        f"""SELECT s.article_id, s.signature, s.shingles, coalesce(a.duplicate_of, a.id) AS canonical
           FROM (SELECT DISTINCT article_id FROM lsh_bands WHERE hash IN ({placeholders})) b
           JOIN article_signatures s ON s.article_id = b.article_id
           JOIN articles a ON a.id = b.article_id
           ORDER BY a.ingested_at, s.article_id""", hashes).fetchall()
    best: tuple[str, float] | None = None
    for _, blob, their_size, canonical in rows:
        similarity = jaccard(sig, np.frombuffer(blob, dtype=np.uint32))
        if is_duplicate(similarity, size, their_size) and (best is None or similarity > best[1]):
            best = (canonical, similarity)
    return best


def index_article(con: duckdb.DuckDBPyConnection, article_id: str, sig: np.ndarray, size: int) -> None:
    con.execute("INSERT INTO article_signatures VALUES (?, ?, ?)", [article_id, sig.tobytes(), size])
    hashes = band_hashes(sig)
    con.execute("INSERT INTO lsh_bands SELECT unnest(?), ?", [hashes, article_id])


def mark_duplicate(con: duckdb.DuckDBPyConnection, result: ArticleResult) -> str | None:
    """Index the article and, if it copies an earlier one, set its `duplicate_of`. Returns the canonical id."""
    sig, size = signature(result.article.text)
    found = find_duplicate(con, sig, size)
    index_article(con, result.article.id, sig, size)
    if found is None:
        return None
    con.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", [found[0], result.article.id])
    return found[0]


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


def compatibility(event: Event, story: dict[str, Any]) -> int | None:
    """How many anchors (actors, place, date) positively match, or None if anything conflicts."""
    anchors = 0
    date, precision = _event_date(event)
    if date and story["date"]:
        window = DATE_WINDOW_DAYS.get(precision or "day", 3) + DATE_WINDOW_DAYS.get(story["date_precision"] or "day", 3)
        if abs((date - story["date"]).days) > window:
            return None
        anchors += 1
    place = event.place
    if place and place.lat is not None and story["lat"] is not None:
        if not places_compatible(place.lat, place.lon, place.precision, place.country, place.admin1,
                                 story["lat"], story["lon"], story["place_precision"], story["place_country"],
                                 story["place_admin1"]):
            return None
        anchors += 1
        place_matched = True
    else:
        place_matched = False
    actors_matched = False
    for mine, theirs in ((_countries(event.sources), _split(story["source_countries"])),
                         (_countries(event.targets), _split(story["target_countries"]))):
        if mine and theirs:
            if not mine & theirs:
                return None
            actors_matched = True
            anchors += 1
    if not (actors_matched or place_matched):
        return None  # a shared type and date alone is not enough to call two mentions one event
    return anchors


_SQL_WINDOW = "CASE date_precision " + " ".join(
    f"WHEN '{p}' THEN {d}" for p, d in DATE_WINDOW_DAYS.items()) + " ELSE 3 END"
_STORY_COLUMNS = ("id", "type", "date", "date_precision", "lat", "lon", "place_precision", "place_country",
                  "place_admin1", "source_countries", "target_countries")


def find_story(con: duckdb.DuckDBPyConnection, event: Event) -> str | None:
    date, precision = _event_date(event)
    # The date rule of `compatibility`, in SQL, so only stories within both windows are read back.
    window = DATE_WINDOW_DAYS.get(precision or "day", 3)
    rows = con.execute(
        f"""SELECT {", ".join(_STORY_COLUMNS)} FROM story_events
            WHERE type = ? AND (date IS NULL OR ?::DATE IS NULL
                 OR abs(date_diff('day', date, ?::DATE)) <= ? + {_SQL_WINDOW})
            ORDER BY id""", [event.type, date, date, window]).fetchall()
    best: tuple[int, str] | None = None
    for row in rows:
        story = dict(zip(_STORY_COLUMNS, row, strict=True))
        score = compatibility(event, story)
        if score is not None and (best is None or score > best[0]):
            best = (score, story["id"])
    return best[1] if best else None


def story_id(article_sha256: str, event_id: str) -> str:
    return "S" + hashlib.sha1(f"{article_sha256}:{event_id}".encode()).hexdigest()[:15]


def link_events(con: duckdb.DuckDBPyConnection, result: ArticleResult) -> list[str]:
    """Attach each event of a stored article to a story event (found or founded); refresh those stories."""
    touched: list[str] = []
    for event in result.events:
        story = find_story(con, event)
        if story is None:
            story = story_id(result.article.sha256, event.id)
            date, precision = _event_date(event)
            place = event.place
            con.execute(
                """INSERT INTO story_events (id, type, mode, date, date_precision, lat, lon, place_name,
                   place_precision, place_country, place_admin1, source_countries, target_countries, reports,
                   corroboration, summary)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '{}')""",
                [story, event.type, event.mode, date, precision, place.lat if place else None,
                 place.lon if place else None, place.name if place else None, place.precision if place else None,
                 place.country if place else None, place.admin1 if place else None,
                 ";".join(sorted(_countries(event.sources))) or None,
                 ";".join(sorted(_countries(event.targets))) or None])
        con.execute("INSERT INTO story_event_reports VALUES (?, ?, ?)", [story, result.article.id, event.id])
        if story not in touched:
            touched.append(story)
    for story in touched:
        refresh_story(con, story)
    return touched


def refresh_story(con: duckdb.DuckDBPyConnection, story: str) -> None:
    """Recompute a story event's counts, statuses, merged actors and contradictions from its reports."""
    reports = con.execute(
        """SELECT r.article_id, r.event_id, coalesce(a.duplicate_of, a.id) AS independent, e.status,
                  e.source_countries, e.target_countries, a.url, a.title, e.trigger_text
           FROM story_event_reports r JOIN articles a ON a.id = r.article_id
           JOIN events e ON e.article_id = r.article_id AND e.id = r.event_id
           WHERE r.story_event_id = ? ORDER BY a.ingested_at, r.article_id, r.event_id""", [story]).fetchall()
    statuses: dict[str, list[str]] = {}
    sources: set[str] = set()
    targets: set[str] = set()
    for article_id, _, _, status, src, tgt, *_ in reports:
        statuses.setdefault(status or "asserted", []).append(article_id)
        sources |= _split(src)
        targets |= _split(tgt)
    quantities = con.execute(
        """SELECT q.category, q.value, q.low, q.high, q.text, q.article_id, q.source
           FROM quantities q JOIN story_event_reports r ON r.article_id = q.article_id AND r.event_id = q.event_id
           WHERE r.story_event_id = ? ORDER BY q.article_id, q.idx""", [story]).fetchall()
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
    con.execute(
        """UPDATE story_events SET reports = ?, corroboration = ?, statuses = ?, contradictions = ?,
           source_countries = ?, target_countries = ?, summary = ? WHERE id = ?""",
        [len(reports), independent, json.dumps({s: len(ids) for s, ids in sorted(statuses.items())}),
         json.dumps(contradictions), ";".join(sorted(sources)) or None, ";".join(sorted(targets)) or None,
         json.dumps(summary), story])


def _ranges_agree(figures: list[dict[str, Any]]) -> bool:
    """Do all figures fit one interval? ("at least 5" and "7" agree; "5" and "9" do not.)"""
    lows = [f["low"] if f["low"] is not None else f["value"] for f in figures]
    highs = [f["high"] if f["high"] is not None else f["value"] for f in figures]
    lows = [v for v in lows if v is not None]
    highs = [v for v in highs if v is not None]
    return bool(lows and highs) and max(lows) <= min(highs)


def update(con: duckdb.DuckDBPyConnection, result: ArticleResult) -> None:
    """Everything cross-article for one newly stored article (inside its transaction)."""
    mark_duplicate(con, result)
    link_events(con, result)
