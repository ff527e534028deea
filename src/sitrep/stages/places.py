"""`sitrep_places`: Place mentions resolved to GeoNames records, offline.

Writes `doc._.places`. This is the stage's room; its issue fills in the method.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.model import Place
from sitrep.stages.base import register_extension


@Language.factory("sitrep_places", assigns=["doc._.places"], default_config={})
def make_places(nlp: Language, name: str) -> PlacesStage:
    return PlacesStage(nlp, name)


class PlacesStage:
    """Place mentions resolved to GeoNames records, offline."""

    def __init__(self, nlp: Language, name: str = "sitrep_places") -> None:
        self.name = name
        register_extension("article")
        register_extension("places")

    def __call__(self, doc: Doc) -> Doc:
        doc._.places = []
        return doc


def place_for(doc: Doc, start: int, end: int) -> Place | None:
    """The place that governs the text between character offsets `start` and `end` (an event's
    clause, a count's phrase): a place in the same clause or attached phrase, else None.
    The events and quantities stages call this."""
    return None


def main_place(doc: Doc) -> Place | None:
    """The article's main place (most salient resolved place), or None."""
    return None
