"""From extracted text and metadata to an `Article`: boilerplate, emptiness, language, dates, identity."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from sitrep.errors import Errors, InputError, Warnings
from sitrep.ingest.boilerplate import strip_boilerplate
from sitrep.ingest.decode import check_size, clean_text
from sitrep.ingest.language import REFUSE_SCORE, identify
from sitrep.model import Article, text_sha256

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_published(value: object) -> dt.date | None:
    """A publication date from ISO dates/datetimes, RFC 822 dates (feeds) or a `datetime`; None if absent.

    Raises ValueError for a value that is present but not a real date ("2022-02-30", "yesterday").
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a date string, got {type(value).__name__}")
    match = _ISO_DATE.match(value)
    if match:
        return dt.date(*(int(g) for g in match.groups()))
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError) as e:
        raise ValueError(value) from e
    return parsed.date()


def make_article(
    text: str,
    *,
    source: str,
    article_id: str | None = None,
    published: object = None,
    default_published: str | None = None,
    title: str | None = None,
    url: str | None = None,
    raw_text: bool = False,
) -> Article:
    """Build an article from its main text; raise InputError when there is nothing usable to process.

    published: the date the input carries (any format `parse_published` reads); an invalid one becomes a
        note on the article, not a failure. default_published: `--published`, used when the input has none.
    raw_text: keep the text exactly as given (no clean-up, no boilerplate removal) so offsets index the input.
    """
    check_size(source, len(text.encode("utf-8", "surrogatepass")))
    if not raw_text:
        text = strip_boilerplate(clean_text(text)).strip()
    if not text.strip():
        raise InputError(source, Errors.E103.format(path=source))
    language, score = identify(text)
    notes: list[str] = []
    if language != "en":
        if score >= REFUSE_SCORE:
            raise InputError(source, Errors.E107.format(path=source, language=language))
        notes.append(Warnings.W103.format(path=source, language=language, score=score))
    date = None
    try:
        date = parse_published(published)
    except ValueError:
        notes.append(Errors.E112.format(path=source, value=published))
    if date is None and default_published:
        date = dt.date.fromisoformat(default_published)
    if date is None:
        notes.append(Warnings.W102.format(path=source))
    elif date > dt.date.today() + dt.timedelta(days=1):
        notes.append(Warnings.W101.format(path=source, value=date.isoformat()))
    sha = text_sha256(text)
    return Article(
        id=str(article_id) if article_id not in (None, "") else sha[:16],
        text=text,
        published=date.isoformat() if date else None,
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        url=url if isinstance(url, str) and url else None,
        language="en",
        sha256=sha,
        source=source,
        notes=notes,
    )
