"""WARC archives (.warc, .warc.gz): each HTML response record an article."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from sitrep.errors import Errors, InputError
from sitrep.ingest.decode import decode
from sitrep.ingest.html import read_html
from sitrep.ingest.options import ReadOptions
from sitrep.ingest.text import read_text
from sitrep.model import Article, Failure

# Read at most this much of one record: a record over the article limit is refused, not inflated.
_READ_SLACK = 1024


def read_warc(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Article | Failure]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from sitrep.ingest.decode import max_article_bytes

    limit = max_article_bytes()
    found = 0  # records that gave an article or a failure
    try:
        for number, record in enumerate(ArchiveIterator(stream), start=1):
            if record.rec_type not in ("response", "resource"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{source}#{number}" + (f" ({url})" if url else "")
            content_type = (record.http_headers.get_header("Content-Type") if record.http_headers
                            else record.rec_headers.get_header("Content-Type")) or ""
            if "html" not in content_type and "text/plain" not in content_type:
                continue
            found += 1
            try:
                body = record.content_stream().read(limit + _READ_SLACK)  # a zip bomb stops inflating here
                if len(body) > limit:
                    raise InputError(where, Errors.E113.format(path=where, limit_mb=limit / 2**20))
                text = decode(body, where)
                reader = read_html if "html" in content_type else read_text
                for article in reader(text, where, options):
                    if url and not article.url:
                        article.url = url
                    yield article
            except InputError as e:
                yield Failure(source=e.source, error=str(e))
            except Exception as e:  # a broken record (bad gzip member, truncated chunk) fails alone
                yield Failure(source=where, error=Errors.E108.format(path=where, fmt="WARC record", reason=e))
    except (ArchiveLoadFailed, OSError, ValueError, EOFError) as e:  # unreadable archive or gzip stream
        raise InputError(source, Errors.E108.format(path=source, fmt="WARC", reason=str(e).strip())) from e
    if found == 0:
        raise InputError(source, Errors.E108.format(path=source, fmt="WARC",
                                                    reason="no HTML or text response records"))
