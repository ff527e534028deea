"""`sitrep_quantities`: Counts of people (killed, injured, displaced...) with best, low and high.

Writes `doc._.quantities`. This is the stage's room; its issue fills in the method.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.stages.base import register_extension


@Language.factory("sitrep_quantities", assigns=["doc._.quantities"], default_config={})
def make_quantities(nlp: Language, name: str) -> QuantitiesStage:
    return QuantitiesStage(nlp, name)


class QuantitiesStage:
    """Counts of people (killed, injured, displaced...) with best, low and high."""

    def __init__(self, nlp: Language, name: str = "sitrep_quantities") -> None:
        self.name = name
        register_extension("article")
        register_extension("quantities")

    def __call__(self, doc: Doc) -> Doc:
        doc._.quantities = []
        return doc
