"""Where the quotations of a text are: the quotation marks both the actors stage (is this pronoun
inside a quotation?) and the quotes stage (what is quoted?) read, found one way for both."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from sitrep.stages.base import doc_text

CLOSERS_DOUBLE = "”»"
QUOTE_CHARS = frozenset(["\"", "“", "”", "„", "«", "»", "‘", "’", "'", "''", "``"])
_PARAGRAPH = re.compile(r"[^\n]+")
_MARKS = re.compile(r"''|``|[\"“”„«»‘]")
_SPACE_OR_OPEN = frozenset(" \t\u00a0([{—–-/")
_CACHE_KEY = "sitrep.quotations"


def quotations(doc: Doc) -> list[tuple[int, int]]:
    """`find_quotations` of the doc's text, found once per doc (both stages ask)."""
    found = doc.user_data.get(_CACHE_KEY)
    if found is None:
        found = doc.user_data[_CACHE_KEY] = find_quotations(doc_text(doc))
    return found


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Character spans (marks included) of every top-level quotation in `text`, in order.

    Copes with any mark style and with unbalanced marks: never raises, an unclosed quotation ends
    with its paragraph.
    """
    spans: list[tuple[int, int]] = []
    for match in _PARAGRAPH.finditer(text):
        spans.extend(_paragraph_quotations(text, match.start(), match.end()))
    return spans


def _paragraph_quotations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    open_at = -1  # start of the open double quotation
    open_char = ""
    nested = ""  # style of a quotation open inside the open one
    skip_to = start  # past the end of a single-quoted span already taken
    for match in _MARKS.finditer(text, start, end):
        i = match.start()
        if i < skip_to:
            continue
        mark = match.group()
        # typewriter pairs: `` opens, '' is a straight double mark (PTB and some wire copy)
        ch = "“" if mark == "``" else '"' if mark == "''" else mark
        width = len(mark)
        if ch == "‘":
            if open_at < 0:
                close = _single_close(text, i, end)
                if close > 0:
                    spans.append((i, close))
                    skip_to = close
            continue
        before = text[i - 1] if i > start else " "
        after = text[i + width] if i + width < end else " "
        looks_open = i == start or before in _SPACE_OR_OPEN or before in "“‘\"'"
        looks_close = not before.isspace() and (not after.isalnum() or i + width == end)
        if open_at < 0:
            if ch in CLOSERS_DOUBLE and not (ch == "»" and looks_open):
                continue  # a stray closer: nothing is open
            open_at, open_char, nested = i, ch, ""
            continue
        if nested:
            # a quotation in the other style inside this one ('"... about “Equal Justice” ..."')
            if (nested == '"' and ch == '"' and not looks_open) or (nested != '"' and ch in CLOSERS_DOUBLE):
                nested = ""
                continue
            if ch == open_char == '"' or (ch in CLOSERS_DOUBLE and open_char != '"'):
                nested = ""  # the inner one never closed: this mark closes the outer quotation
            else:
                continue
        elif looks_open and not looks_close and (
            (open_char == '"' and ch in "“„") or (open_char in "“„" and ch == '"')
        ):
            nested = ch
            continue
        closes = (
            ch in CLOSERS_DOUBLE
            or (ch == '"' and (looks_close or not looks_open))
            # 'this, " Lee said': a stray space before the closer; an opener never ends a paragraph
            or (ch == '"' and not after.isalnum() and after not in "“‘\"'(")
            or (ch in "“„" and looks_close and not looks_open)
            or (ch == "«" and open_char == "»")
        )
        if closes:
            if i - open_at > 1:
                spans.append((open_at, i + width))
            open_at = -1
        else:
            open_at, open_char = i, ch  # the earlier opener had no closer: restart here
    if open_at >= 0:
        stop = end
        while stop > open_at + 1 and text[stop - 1].isspace():
            stop -= 1
        if stop - open_at > 2:
            spans.append((open_at, stop))
    return spans


def _single_close(text: str, i: int, end: int) -> int:
    """End (exclusive) of a top-level ‘single-quoted’ span opened at i, or -1 if it is not one."""
    before = text[i - 1] if i > 0 else " "
    if not (before in _SPACE_OR_OPEN or before == "\n" or i == 0):
        return -1
    j = text.find("’", i + 1, min(end, i + 400))
    while j > 0:
        after = text[j + 1] if j + 1 < end else " "
        if not after.isalnum() and not text[j - 1].isspace():
            return j + 1
        j = text.find("’", j + 1, min(end, i + 400))
    return -1


def token_quote_index(doc: Doc, marks: list[tuple[int, int]]) -> list[int]:
    """For each token, the index of the quotation holding it (marks excluded), else -1."""
    index = [-1] * len(doc)
    qi = 0
    for token in doc:
        while qi < len(marks) and marks[qi][1] <= token.idx:
            qi += 1
        if qi < len(marks) and marks[qi][0] < token.idx and token.idx + len(token) < marks[qi][1]:
            index[token.i] = qi
    return index
