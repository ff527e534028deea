"""HTML pages: main text and metadata with trafilatura (navigation, comments, share widgets dropped)."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from sitrep.errors import Errors, InputError
from sitrep.ingest.article import make_article
from sitrep.ingest.options import ReadOptions
from sitrep.model import Article


def extract_html(html: str | bytes, source: str, url: str | None = None) -> dict[str, Any]:
    """The main text, title, date and url of an HTML page.

    Raises InputError when the page has no main text (an empty or markup-only page).
    """
    import trafilatura  # imported here: it costs a second at import and only HTML inputs need it

    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if "<body" not in html[:4096].lower():
        html = f"<html><body>{html}</body></html>"  # a fragment (feed entry, JSONL field) has no tree root
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, include_links=False, favor_precision=True,
        )
    except Exception as e:  # trafilatura/lxml raise many types on broken markup
        raise InputError(source, Errors.E108.format(path=source, fmt="HTML", reason=str(e) or type(e).__name__)) from e
    data = (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)) if doc is not None else {}
    text = data.get("text") or ""
    if not text.strip():
        # lxml gives up on trees deeper than 256 levels; a flat tokenizer still finds the paragraphs
        text = paragraph_text(html)
    if not text.strip():
        raise InputError(source, Errors.E103.format(path=source))
    return {"text": text, "title": data.get("title"), "published": data.get("date"),
            "url": data.get("url") or url}


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head or "<p>" in head or "<div" in head)


def read_html(html: str, source: str, options: ReadOptions) -> Iterator[Article]:
    """One HTML page, one article. `--raw-text` keeps trafilatura's text without the post-filter."""
    page = extract_html(html, source)
    yield make_article(page["text"], source=source, published=page["published"],
                       default_published=options.published, title=page["title"], url=page["url"],
                       raw_text=options.raw_text)


class _ParagraphText(HTMLParser):
    """Text of paragraph-like elements, outside page furniture, from a streaming tokenizer (no tree, no depth
    limit). The fallback when trafilatura cannot build a tree."""

    SKIP = frozenset({"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template"})
    BLOCKS = frozenset({"p", "h1", "h2", "h3", "li", "blockquote", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.block = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.block += 1
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS and self.block:
            self.block -= 1

    def handle_data(self, data: str) -> None:
        if self.block and not self.skipping:
            self.parts.append(data)


def paragraph_text(html: str) -> str:
    parser = _ParagraphText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
