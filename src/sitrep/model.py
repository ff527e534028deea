"""The one data model every stage writes into, and every output (CLI, store, API, exports) reads.

Field names follow `CONTRACT.md`. Every item that comes from the text carries `start`/`end`:
Python string indices into `Article.text`, end exclusive, so `text[start:end] == item.text`.

The models are registered with srsly's msgpack encoders so that a `Doc` carrying them in
`doc._.<stage>` survives `doc.to_bytes()` / `Doc.from_bytes()` (spaCy's `n_process` and Spark
workers move docs as bytes).
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any, Literal

import srsly
from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 2

Precision = Literal["exact", "city", "admin2", "admin1", "country", "region"]
TimeType = Literal["DATE", "TIME", "DURATION", "SET"]
QuoteKind = Literal["direct", "indirect", "mixed"]
ClaimStatus = Literal["asserted", "reported", "claimed", "disputed", "denied", "hedged", "planned", "negated"]
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)


class Record(BaseModel):
    """Base of every model: extra fields are refused so that a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Span(Record):
    """A piece of the article text."""

    text: str
    start: int
    end: int


class Article(Record):
    id: str
    text: str
    published: str | None = None  # YYYY-MM-DD
    title: str | None = None
    url: str | None = None
    language: str | None = None
    sha256: str
    source: str | None = None  # the input it came from (path, path:line, feed entry, WARC record)
    notes: list[str] = Field(default_factory=list)  # coded warnings about this article (W1xx)


class Place(Span):
    geonameid: int | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166-1 alpha-3
    admin1: str | None = None
    feature_code: str | None = None
    precision: Precision | None = None
    confidence: float = 0.0
    metonymic: bool = False


class Time(Span):
    type: TimeType
    value: str | None = None  # TIMEX3 value; None when it cannot be resolved
    precision: str | None = None  # day, days, week, month, year, ...
    anchored: bool = True  # False when a relative expression had no publication date to resolve against
    mod: str | None = None  # TIMEX3 mod: START, MID, END, APPROX, MORE_THAN, LESS_THAN, ...


class Actor(Record):
    id: str
    name: str
    country: str | None = None
    sector: str | list[str] | None = None
    role: str | None = None
    kind: str | None = None  # person, organisation, government, military, group, country
    mentions: list[Span] = Field(default_factory=list)


class Speaker(Record):
    name: str
    actor_id: str | None = None
    start: int
    end: int


class Quote(Span):
    id: str | None = None
    kind: QuoteKind
    speaker: Speaker | None = None
    cue: Span | None = None


class Quantity(Span):
    category: str
    value: int | None = None
    low: int | None = None
    high: int | None = None
    approximate: bool = False
    unit: str = "people"
    place: Place | None = None
    source: dict[str, Any] | None = None  # {"name", "actor_id"} or {"quote_id"}
    event_id: str | None = None
    term: str | None = None  # the reporting term as written, normalised ("fled", "sheltered", "shot dead", ...)


class ActorRef(Record):
    """An actor as it appears inside an event: enough to read the event alone."""

    id: str | None = None
    name: str
    country: str | None = None
    sector: str | list[str] | None = None


class EventDate(Record):
    value: str | None = None
    text: str | None = None
    precision: str | None = None  # day, days, week, month, year (UCDP date_prec in spirit)


class Event(Record):
    id: str
    type: str
    mode: str | None = None
    context: list[str] = Field(default_factory=list)
    sources: list[ActorRef] = Field(default_factory=list)
    targets: list[ActorRef] = Field(default_factory=list)
    status: ClaimStatus = "asserted"
    date: EventDate | None = None
    place: Place | None = None
    trigger: Span
    confidence: float = 0.5
    sentence: Span | None = None
    quote_id: str | None = None
    quantities: list[int] = Field(default_factory=list)  # indices into the article's quantities
    disputes: list[str] = Field(default_factory=list)  # ids of earlier events whose claims this one disputes
    disputed_by: list[str] = Field(default_factory=list)  # ids of events that dispute this one
    # Other words of the article that name this same event ("the siege" after "ringed the city", "the
    # negotiations" again in a later paragraph): merged into this event, kept as evidence with their spans.
    mentions: list[Span] = Field(default_factory=list)


class ArticleResult(Record):
    """One article's full output, the object `sitrep extract` prints."""

    article: Article
    actors: list[Actor] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    times: list[Time] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)

    def spans(self) -> list[Span | Speaker]:
        """Every span-bearing item in the result (for offset checks)."""
        found: list[Span | Speaker] = [*self.places, *self.times, *self.quotes, *self.quantities]
        for actor in self.actors:
            found.extend(actor.mentions)
        for quote in self.quotes:
            if quote.speaker:
                found.append(quote.speaker)
            if quote.cue:
                found.append(quote.cue)
        for event in self.events:
            found.append(event.trigger)
        return found


class Failure(Record):
    """An input that could not be read or processed, and why."""

    source: str
    error: str
    article_id: str | None = None


# -- text identity ------------------------------------------------------------------------------------------

def normalise_for_hash(text: str) -> str:
    """The form of a text whose hash identifies an article: NFC, white space folded, case kept."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_sha256(text: str) -> str:
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


# -- msgpack round trip for Doc extensions --------------------------------------------------------------------

_MODELS: dict[str, type[Record]] = {
    cls.__name__: cls
    for cls in (Span, Article, Place, Time, Actor, Speaker, Quote, Quantity, ActorRef, EventDate, Event)
}
_TAG = "__sitrep__"


def _encode(obj: Any, chain: Any = None) -> Any:
    if isinstance(obj, Record) and type(obj).__name__ in _MODELS:
        return {_TAG: type(obj).__name__, "data": obj.model_dump()}
    return obj if chain is None else chain(obj)


def _decode(obj: Any, chain: Any = None) -> Any:
    if isinstance(obj, dict) and _TAG in obj:
        return _MODELS[obj[_TAG]].model_validate(obj["data"])
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("sitrep_model", func=_encode)
srsly.msgpack_decoders.register("sitrep_model", func=_decode)
