"""`sitrep_times`: Time expressions detected and normalised to TIMEX3 values.

Writes `doc._.times`. This is the stage's room; its issue fills in the method.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.model import EventDate
from sitrep.stages.base import publication_date, register_extension


@Language.factory("sitrep_times", assigns=["doc._.times"], default_config={})
def make_times(nlp: Language, name: str) -> TimesStage:
    return TimesStage(nlp, name)


class TimesStage:
    """Time expressions detected and normalised to TIMEX3 values."""

    def __init__(self, nlp: Language, name: str = "sitrep_times") -> None:
        self.name = name
        register_extension("article")
        register_extension("times")

    def __call__(self, doc: Doc) -> Doc:
        doc._.times = []
        return doc


def event_date(doc: Doc, start: int, end: int) -> EventDate:
    """The date of an event whose clause or trigger lies between character offsets `start` and `end`:
    the governing time expression (same clause or attached phrase), else the publication date with a
    lower precision. The events stage calls this."""
    published = publication_date(doc)
    return EventDate(value=published.isoformat() if published else None, text=None,
                     precision="article" if published else None)
