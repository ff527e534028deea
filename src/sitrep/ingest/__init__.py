"""Read inputs of every common format into articles; a bad input becomes a `Failure`, never a crash.

    from sitrep.ingest import read_inputs
    for item in read_inputs(["news/", "feed.xml"], published="2022-03-29"):
        ...  # Article or Failure, in input order

| input | reader | one article per |
|---|---|---|
| `.txt` | `text.read_text` | file |
| `.html`, `.htm` | `html.read_html` (trafilatura) | file |
| `.jsonl`, `.ndjson` | `records.read_jsonl` | line with `text` or `html` |
| `.csv` | `records.read_csv` | row with `text` or `html` |
| `.xml`, `.rss`, `.atom` | `feeds.read_feed` (feedparser) | feed entry |
| `.warc`, `.warc.gz` | `warc.read_warc` (warcio) | HTML response record |
| a directory | each file in it, sorted, recursively | |
| `-` | standard input, format sniffed | |
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from sitrep.errors import Errors, InputError
from sitrep.ingest.decode import check_size, decode, read_article_file
from sitrep.ingest.feeds import read_feed
from sitrep.ingest.html import looks_like_html, read_html
from sitrep.ingest.options import ReadOptions
from sitrep.ingest.records import read_csv, read_jsonl
from sitrep.ingest.text import read_text
from sitrep.ingest.warc import read_warc
from sitrep.model import Article, Failure

__all__ = ["SUFFIXES", "ReadOptions", "read_inputs", "read_path"]

SUFFIXES = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".warc": "warc", ".warc.gz": "warc",
}


def input_format(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return "warc"
    return SUFFIXES.get(path.suffix.lower())


def read_inputs(
    paths: Iterable[str | Path], *, published: str | None = None, raw_text: bool = False
) -> Iterator[Article | Failure]:
    """Every article in the given paths (files, directories, or "-" for stdin), in order."""
    options = ReadOptions(published=published, raw_text=raw_text)
    for path in paths:
        yield from read_path(path, options)


def read_path(path: str | Path, options: ReadOptions = ReadOptions()) -> Iterator[Article | Failure]:
    """The articles of one path; any problem with it becomes a Failure naming it."""
    source = str(path)
    try:
        if source == "-":
            yield from _read_stdin(options)
            return
        path = Path(path)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if input_format(child) is not None:
                    yield from read_path(child, options)
            return
        if not path.exists():
            raise InputError(source, Errors.E102.format(path=source))
        yield from _read_file(path, options)
    except InputError as e:
        yield Failure(source=e.source, error=str(e))
    except OSError as e:
        yield Failure(source=source, error=Errors.E101.format(path=source, reason=e.strerror or str(e)))


def _read_file(path: Path, options: ReadOptions) -> Iterator[Article | Failure]:
    source = str(path)
    fmt = input_format(path)
    if fmt is None:
        raise InputError(source, Errors.E111.format(path=source))
    if path.stat().st_size == 0:
        raise InputError(source, Errors.E103.format(path=source))
    if fmt == "warc":
        with path.open("rb") as stream:
            yield from read_warc(stream, source, options)
    elif fmt == "jsonl":
        with path.open("rb") as stream:
            yield from read_jsonl(stream, source, options)
    elif fmt == "csv":
        yield from read_csv(decode(path.read_bytes(), source), source, options)
    elif fmt == "feed":
        yield from read_feed(read_article_file(path), source, options)
    elif fmt == "html":
        yield from read_html(decode(read_article_file(path), source), source, options)
    else:
        yield from read_text(decode(read_article_file(path), source), source, options)


def _read_stdin(options: ReadOptions) -> Iterator[Article | Failure]:
    data = sys.stdin.buffer.read()
    source = "<stdin>"
    if not data.strip():
        raise InputError(source, Errors.E103.format(path=source))
    if data.startswith(b"WARC/"):
        yield from read_warc(io.BytesIO(data), source, options)
        return
    text = decode(data, source)
    head = text.lstrip()[:1024].lower()
    if head.startswith("<?xml") or "<rss" in head or "<feed" in head:
        yield from read_feed(data, source, options)
    elif looks_like_html(text):
        yield from read_html(text, source, options)
    elif head.startswith("{"):
        yield from read_jsonl(text.splitlines(), source, options)
    else:
        check_size(source, len(data))
        yield from read_text(text, source, options)
