"""sitrep_paragraphs: a line break in an article starts a new sentence, before the parser runs.

The English model's parser often runs a headline, a byline or two paragraphs together into one
sentence, and every later stage works sentence by sentence: a quote's speaker, an event's subject or a
count's category is then taken from the wrong paragraph. News text (and what trafilatura keeps of a
web page) puts one paragraph per line, so a line break is a much better sentence boundary than
anything the parser can infer. The parser keeps boundaries set before it runs.

A single line break inside a clause is a wrapped line, not a paragraph: before a lower-case word
("the man was / shot") or after a word that cannot end a sentence ("displaced in / Kenya", "the /
Red Cross"). Those are left to the parser. The tagger runs before this stage, so "cannot end" is read
from the part-of-speech tag.

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("sitrep_paragraphs", before="parser")
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Token

# Tags of words after which a clause goes on: prepositions, determiners, conjunctions, "to",
# possessives, adjectives, hyphens and commas.
CONTINUING_TAGS = frozenset({"IN", "DT", "CC", "TO", "PRP$", "POS", "JJ", "JJR", "JJS", "HYPH", ",", "WDT"})


@Language.factory("sitrep_paragraphs", default_config={"wrapped_lines": True})
def make_paragraphs(nlp: Language, name: str, wrapped_lines: bool) -> ParagraphsStage:
    """wrapped_lines (bool): leave a single line break inside a clause to the parser (see module doc)."""
    return ParagraphsStage(name, wrapped_lines=wrapped_lines)


class ParagraphsStage:
    """Marks the first token after each line break as a sentence start."""

    def __init__(self, name: str = "sitrep_paragraphs", *, wrapped_lines: bool = True) -> None:
        self.name = name
        self.wrapped_lines = wrapped_lines

    def __call__(self, doc: Doc) -> Doc:
        newlines = 0  # line breaks in the whitespace since the previous word
        previous: Token | None = None
        for token in doc:
            if token.is_space:
                newlines += token.text.count("\n")
                continue
            if newlines and previous is not None and not (
                    self.wrapped_lines and newlines == 1 and is_wrapped_line(previous, token)):
                token.is_sent_start = True
            newlines = 0
            previous = token
        return doc


def is_wrapped_line(previous: Token, token: Token) -> bool:
    """A single line break between these two words continues the sentence."""
    return token.text[:1].islower() or previous.tag_ in CONTINUING_TAGS
