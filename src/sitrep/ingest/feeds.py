"""RSS and Atom feeds: each entry an article, with its link, title and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sitrep.errors import Errors, InputError
from sitrep.ingest.article import make_article
from sitrep.ingest.html import extract_html, looks_like_html
from sitrep.ingest.options import ReadOptions
from sitrep.model import Article, Failure


def read_feed(data: bytes, source: str, options: ReadOptions) -> Iterator[Article | Failure]:
    """Parse a feed with feedparser; a document with no entries and a parse error is malformed."""
    import feedparser

    if not data.lstrip()[:1] == b"<":
        raise InputError(source, Errors.E108.format(path=source, fmt="RSS/Atom feed", reason="not XML"))
    # feedparser never fetches: it is given bytes, and resolving external entities stays off in its parser.
    feed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    if not feed.entries:
        reason = str(feed.get("bozo_exception") or "no entries (is it an RSS or Atom feed?)")
        raise InputError(source, Errors.E108.format(path=source, fmt="RSS/Atom feed", reason=reason))
    for number, entry in enumerate(feed.entries, start=1):
        where = f"{source}#{number}"
        try:
            yield _entry_article(entry, where, options)
        except InputError as e:
            yield Failure(source=e.source, error=str(e))


def _entry_article(entry: dict, source: str, options: ReadOptions) -> Article:
    body = ""
    if entry.get("content"):
        body = max((c.get("value", "") for c in entry["content"]), key=len)
    body = body or entry.get("summary", "") or ""
    if "<" in body or looks_like_html(body):
        body = extract_html(body, source)["text"]
    text = body
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    published = dt.date(*parsed[:3]).isoformat() if parsed else None
    return make_article(text, source=source, published=published, default_published=options.published,
                        title=entry.get("title"), url=entry.get("link"), raw_text=options.raw_text)
