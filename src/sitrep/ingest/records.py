"""JSONL and CSV: one article per line or row, with `text` or `html`, and optional id/published/url/title."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from sitrep.errors import Errors, InputError
from sitrep.ingest.article import make_article
from sitrep.ingest.decode import check_size, decode
from sitrep.ingest.html import extract_html
from sitrep.ingest.options import ReadOptions
from sitrep.model import Article, Failure

_STRING_FIELDS = ("text", "html", "published", "url", "title")


def article_from_record(record: Any, source: str, options: ReadOptions) -> Article:
    """One JSONL object or CSV row to an article; wrong types and missing text are InputErrors."""
    if not isinstance(record, dict):
        raise InputError(source, Errors.E110.format(path=source, field="(line)", expected="a JSON object",
                                                    got=type(record).__name__))
    for field in _STRING_FIELDS:
        value = record.get(field)
        if value is not None and not isinstance(value, str):
            raise InputError(source, Errors.E110.format(path=source, field=field, expected="a string",
                                                        got=type(value).__name__))
    record_id = record.get("id")
    if record_id is not None and not isinstance(record_id, (str, int)):
        raise InputError(source, Errors.E110.format(path=source, field="id", expected="a string or integer",
                                                    got=type(record_id).__name__))
    text, title, published, url = record.get("text"), record.get("title"), record.get("published"), record.get("url")
    if not (text and text.strip()) and record.get("html"):
        page = extract_html(record["html"], source, url=url)
        text, title, published, url = page["text"], title or page["title"], published or page["published"], url
    if not text or not text.strip():
        raise InputError(source, Errors.E109.format(path=source))
    return make_article(text, source=source, article_id=record_id, published=published,
                        default_published=options.published, title=title, url=url, raw_text=options.raw_text)


def _article_or_failure(record: Any, source: str, options: ReadOptions) -> Article | Failure:
    try:
        return article_from_record(record, source, options)
    except InputError as e:
        return Failure(source=e.source, error=str(e))


def read_jsonl(lines: Iterable[bytes | str], source: str, options: ReadOptions) -> Iterator[Article | Failure]:
    """Each non-blank line a JSON object; a broken line (bad JSON, bad bytes, too long) is one failure,
    and the rest go on. Lines are decoded one by one, so a huge file streams."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            if isinstance(line, bytes):
                check_size(where, len(line))
                line = decode(line, where)
            record = json.loads(line)
        except InputError as e:
            yield Failure(source=where, error=str(e))
            continue
        except json.JSONDecodeError as e:
            yield Failure(source=where, error=Errors.E108.format(path=where, fmt="JSON", reason=e.msg))
            continue
        yield _article_or_failure(record, where, options)


def read_csv(text: str, source: str, options: ReadOptions) -> Iterator[Article | Failure]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article texts are longer than csv's 128 KB default
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = reader.fieldnames or []
    except csv.Error as e:
        raise InputError(source, Errors.E108.format(path=source, fmt="CSV", reason=str(e))) from e
    if "text" not in fields and "html" not in fields:
        raise InputError(source, Errors.E108.format(path=source, fmt="CSV",
                                                    reason=f"no 'text' or 'html' column (columns: {fields})"))
    try:
        rows = [(f"{source}:{reader.line_num}", {k: v for k, v in row.items() if k}) for row in reader]
    except csv.Error as e:
        raise InputError(source, Errors.E108.format(path=source, fmt="CSV", reason=str(e))) from e
    for where, row in rows:
        for key in ("id", "published", "url", "title"):
            if row.get(key) == "":
                row[key] = None
        yield _article_or_failure(row, where, options)
