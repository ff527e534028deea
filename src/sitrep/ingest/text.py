"""Plain text files: one article each."""

from __future__ import annotations

from collections.abc import Iterator

from sitrep.ingest.article import make_article
from sitrep.ingest.options import ReadOptions
from sitrep.model import Article


def read_text(text: str, source: str, options: ReadOptions) -> Iterator[Article]:
    yield make_article(text, source=source, default_published=options.published, raw_text=options.raw_text)
