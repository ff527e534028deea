"""Bytes to text: size limits, binary sniffing and encoding detection, each failure a coded error."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from charset_normalizer import CharsetMatch, from_bytes

from sitrep.errors import Errors, InputError

# A news article is tens of kilobytes; one text of megabytes is a dump or a mistake, never an article.
DEFAULT_MAX_ARTICLE_MB = 5.0

# Leading bytes of common binary formats (a file's "magic number") and what they are.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF signature"),
    (b"PK\x03\x04", "ZIP archive signature"),
    (b"\x1f\x8b", "gzip signature"),
    (b"\x89PNG", "PNG image signature"),
    (b"\xff\xd8\xff", "JPEG image signature"),
    (b"GIF8", "GIF image signature"),
    (b"\x7fELF", "ELF executable signature"),
    (b"BZh", "bzip2 signature"),
    (b"\xd0\xcf\x11\xe0", "MS Office document signature"),
    (b"SQLite format 3", "SQLite database signature"),
)


def max_article_bytes() -> int:
    """The largest single article accepted, from $SITREP_MAX_INPUT_MB (default 5 MB)."""
    try:
        mb = float(os.environ.get("SITREP_MAX_INPUT_MB", DEFAULT_MAX_ARTICLE_MB))
    except ValueError:
        mb = DEFAULT_MAX_ARTICLE_MB
    return int(mb * 1024 * 1024)


def check_size(source: str, size: int) -> None:
    limit = max_article_bytes()
    if size > limit:
        raise InputError(source, Errors.E106.format(path=source, size_mb=size / 2**20, limit_mb=limit / 2**20))


def read_article_file(path: Path) -> bytes:
    """Read a one-article file, refusing a file over the size limit before reading it."""
    source = str(path)
    check_size(source, path.stat().st_size)
    return path.read_bytes()


def binary_kind(data: bytes) -> str | None:
    """Why these bytes are not text, or None if they may be text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:4096]
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head)):
        return "NUL bytes"
    return None


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte is NUL in Latin-script text."""
    if len(head) < 4:
        return False
    return head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4


def decode(data: bytes, source: str) -> str:
    """Decode bytes as text: UTF-8 (with or without BOM) first, then the detected encoding.

    Raises InputError for binary data or bytes no encoding explains.
    """
    kind = binary_kind(data)
    if kind:
        raise InputError(source, Errors.E104.format(path=source, kind=kind))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        best = _likeliest_encoding(data)
        if best is None:
            raise InputError(source, Errors.E105.format(path=source, reason=f"not UTF-8 ({utf8_error.reason} at "
                                                        f"byte {utf8_error.start}) and no other encoding fits")
                             ) from utf8_error
        text = str(best)
        if not _reads_as_prose(text):
            raise InputError(source, Errors.E105.format(
                path=source, reason=f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}), and as "
                f"{best.encoding} it reads as gibberish")) from utf8_error
    if _control_ratio(text) > 0.3:  # stray escapes are cleaned later; a text that is mostly controls is not text
        raise InputError(source, Errors.E104.format(path=source, kind="mostly control characters"))
    return text


# Among single-byte code pages that explain the bytes equally well, the one unlabelled Western pages use
# (the WHATWG default for legacy documents); sitrep reads English, so Western text is the likely case.
DEFAULT_LEGACY_ENCODING = "cp1252"


def _likeliest_encoding(data: bytes) -> CharsetMatch | None:
    """charset-normalizer's best guess; on a tie of chaos and coherence, cp1252. Its tie order is alphabetical,
    so Latin-1 text with a few accents came out as cp1250 ("ministère" read as "ministčre")."""
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    tied = (m for m in matches if m.chaos == best.chaos and m.coherence == best.coherence)
    return next((m for m in tied if m.encoding == DEFAULT_LEGACY_ENCODING), best)


_WORD = re.compile(r"[^\W\d_]{3,}")


def _reads_as_prose(text: str) -> bool:
    """Does a guessed decoding look like writing? Most letters of real text stand in words of 3+ letters;
    a wrong code page scatters single letters between symbols."""
    sample = text[:20000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 0.4 * len(sample.strip() or "x"):
        return False
    in_words = sum(len(m) for m in _WORD.findall(sample))
    return in_words >= 0.6 * letters


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return controls / len(sample)


def clean_text(text: str) -> str:
    """Normalise line ends, drop control characters (not newlines or tabs) and NFC-normalise.

    Offsets index the cleaned text, which becomes `article.text`.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return unicodedata.normalize("NFC", text)
