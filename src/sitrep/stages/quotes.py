"""`sitrep_quotes`: Direct, indirect and mixed quotes with their cue and resolved speaker.

Writes `doc._.quotes`. This is the stage's room; its issue fills in the method.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.stages.base import register_extension


@Language.factory("sitrep_quotes", assigns=["doc._.quotes"], default_config={})
def make_quotes(nlp: Language, name: str) -> QuotesStage:
    return QuotesStage(nlp, name)


class QuotesStage:
    """Direct, indirect and mixed quotes with their cue and resolved speaker."""

    def __init__(self, nlp: Language, name: str = "sitrep_quotes") -> None:
        self.name = name
        register_extension("article")
        register_extension("quotes")

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = []
        return doc
