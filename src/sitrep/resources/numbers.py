"""English number expressions -> integers: digits ("5,000", "1.2 million"), words ("ten", "two dozen",
"nine hundred and twenty-one") and vague plurals ("hundreds", "tens of thousands").

Why a parser of our own: spaCy marks number tokens (`like_num`) but gives no value, and counts in news
mix digits, words and multipliers freely. The lexicon is general English, nothing from any gold set.

A parse gives `(value, low, approximate)`: `value` for a definite number; for a vague plural ("hundreds",
"dozens", "tens of thousands") `value` is None and `low` is the smallest amount the word can mean
(two of the unit: "hundreds" -> 200), and `approximate` is True.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# Multipliers that scale what comes before them ("two hundred", "1.2 million", "a dozen").
SCALES: dict[str, int] = {
    "dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
    "mn": 1_000_000, "m": 1_000_000, "bn": 1_000_000_000, "k": 1_000,
    "lakh": 100_000, "lakhs": 100_000, "crore": 10_000_000, "crores": 10_000_000,
}
# "several hundred", "a few thousand": at least two of the scale, value unknown.
SEVERAL = frozenset({"several", "few", "many", "some"})
# Vague plurals: "hundreds" = at least two hundred, value unknown.
VAGUE: dict[str, int] = {
    "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
    "billions": 1_000_000_000, "tens": 10,
}
# Words that are numbers on their own only in some contexts ("a dozen", "a couple of").
ARTICLES = {"a", "an"}
COUPLE = {"couple": 2, "pair": 2}

NUMBER_WORDS: frozenset[str] = frozenset({*UNITS, *TENS, *SCALES, *VAGUE} - {"m", "k", "mn", "bn"})
# Words that may begin a number phrase but are not numbers alone ("several hundred", "a few thousand").
PHRASE_STARTERS = frozenset({"several", "few", "many", "some"})

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_DIGITS_SCALE = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mn|bn)$", re.IGNORECASE)


class Parsed(NamedTuple):
    value: int | None
    low: int | None
    approximate: bool


def _join_digit_groups(tokens: list[str]) -> list[str]:
    """'14 000', '3 200' (thousands separated by a space, as in UN and European reports) -> '14000'."""
    out: list[str] = []
    for word in tokens:
        if out and len(word) == 3 and word.isdigit() and re.fullmatch(r"\d{1,3}(?: ?\d{3})*", out[-1]):
            out[-1] = out[-1] + word
        else:
            out.append(word)
    return [w if " " not in w else w.replace(" ", "") for w in out]


def digits_value(text: str) -> float | None:
    """'5,000' -> 5000.0, '1.2' -> 1.2; None for anything else (phone numbers, '7-0', 'G7')."""
    if _DIGITS.match(text):
        return float(text.replace(",", ""))
    match = _DIGITS_SCALE.match(text)
    if match:
        return float(match.group(1)) * SCALES[match.group(2).lower()]
    return None


def is_number_word(lower: str) -> bool:
    """True for a token that can be (part of) a number: digits or an English number word."""
    return lower in NUMBER_WORDS or digits_value(lower) is not None


def parse_words(words: Sequence[str]) -> Parsed | None:
    """Parse a number phrase given as lower-cased tokens (hyphens and 'and' may be among them).

    >>> parse_words(["two", "dozen"])
    Parsed(value=24, low=None, approximate=False)
    >>> parse_words(["nine", "hundred", "and", "twenty", "-", "one"])
    Parsed(value=921, low=None, approximate=False)
    >>> parse_words(["tens", "of", "thousands"])
    Parsed(value=None, low=20000, approximate=True)
    """
    tokens = [w for w in words if w not in {"-", "and", ","} and w.strip()]
    if not tokens:
        return None
    tokens = _join_digit_groups(tokens)
    if tokens[0] in SEVERAL and len(tokens) > 1 and tokens[1] in SCALES:
        low = 2 * SCALES[tokens[1]]
        for word in tokens[2:]:
            if word not in SCALES:
                return None
            low *= SCALES[word]
        return Parsed(None, low, True)
    if tokens[0] in SCALES:
        return None  # "million people" without a number before it is not a count we can read
    # Vague plurals: "hundreds", "tens of thousands", "hundreds of thousands", "several thousand".
    if tokens[0] in VAGUE:
        low = 2 * VAGUE[tokens[0]]
        rest = [w for w in tokens[1:] if w != "of"]
        for word in rest:
            scale = SCALES.get(word) or VAGUE.get(word)
            if scale is None:
                return None
            low *= scale
        return Parsed(None, low, True)
    total = 0  # finished groups (thousands, millions)
    current: float = 0  # the group being built
    seen = False
    for word in tokens:
        if word in ARTICLES or word in COUPLE:
            if current and not (current == 1 and word in COUPLE):
                return None
            current = COUPLE.get(word, 1)
            seen = True
            continue
        if word == "of":
            continue
        number = digits_value(word)
        if number is not None:
            if current or total:
                return None  # two numbers side by side: "5 10" is not one number
            current = number
            seen = True
        elif word in UNITS:
            if current % 100 >= 20 and current % 10 == 0 and UNITS[word] < 10:
                current += UNITS[word]  # "twenty one"
            elif current % 100 == 0:
                current += UNITS[word]
            else:
                return None
            seen = True
        elif word in TENS:
            if current % 100 != 0:
                return None
            current += TENS[word]
            seen = True
        elif word in SCALES:
            scale = SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        elif word in VAGUE:
            # "several hundreds" is not parsed here; "two thousands" is rare: treat as a scale
            current = (current or 1) * VAGUE[word]
            seen = True
        else:
            return None
    if not seen:
        return None
    value = total + current
    if value != int(value):
        return None  # "2.5 people" is not a count
    return Parsed(int(value), None, False)
