"""What every stage shares: the `doc._` extensions, and the article context stages read."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Doc

from sitrep.model import Article

# The third-person pronouns that mark a person's gender (actors' coreference, quotes' speakers).
MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})

# One extension per stage under its contract name, plus `article` (set by the pipeline before parsing).
EXTENSIONS = ("article", "places", "times", "actors", "quotes", "quantities", "events")


def register_extension(name: str) -> None:
    """Declare `doc._.<name>` once per process; a second pipeline reuses it instead of failing (E090)."""
    if not Doc.has_extension(name):
        Doc.set_extension(name, default=None)


def register_extensions() -> None:
    for name in EXTENSIONS:
        register_extension(name)


def word_set(block: str) -> frozenset[str]:
    """A lexicon written as a block of white-space separated words (easier to read and extend than a list
    literal)."""
    return frozenset(block.split())


def publication_date(doc: Doc) -> dt.date | None:
    """The article's publication date (the document creation time, DCT), if known and valid."""
    article: Article | None = doc._.article if Doc.has_extension("article") else None
    if article is None or not article.published:
        return None
    try:
        return dt.date.fromisoformat(article.published)
    except ValueError:
        return None


def doc_text(doc: Doc) -> str:
    """`doc.text` without rebuilding it: spaCy joins every token's text on each access, which costs more than
    some stages' whole work on a long article. The article the pipeline made the doc from holds the same
    string; a doc made some other way falls back to `doc.text`."""
    article: Article | None = doc._.article if Doc.has_extension("article") else None
    if article is not None and len(doc) and len(article.text) == doc[-1].idx + len(doc[-1].text_with_ws):
        return article.text
    return doc.text
