"""`sitrep_events`: PLOVER events with sources, targets, mode, context, claim status, date and place.

Writes `doc._.events`. This is the stage's room; its issue fills in the method.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.stages.base import register_extension


@Language.factory("sitrep_events", assigns=["doc._.events"], default_config={})
def make_events(nlp: Language, name: str) -> EventsStage:
    return EventsStage(nlp, name)


class EventsStage:
    """PLOVER events with sources, targets, mode, context, claim status, date and place."""

    def __init__(self, nlp: Language, name: str = "sitrep_events") -> None:
        self.name = name
        register_extension("article")
        register_extension("events")

    def __call__(self, doc: Doc) -> Doc:
        doc._.events = []
        return doc
