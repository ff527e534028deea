"""General-English lexicon of `sitrep_times`: month, weekday, number, unit and part-of-day words.

These are closed word classes of English, not data from any corpus. Regex fragments are plain strings
(compiled once per component by `timex_grammar.build_grammar`), so importing this module is free.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
FULL_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
# Month names, capitalised as they must be in running text ("may" and "march" are also words).
MONTH_RE = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
            r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\."
            r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![a-z])")
FULL_MONTH_RE = r"(?:" + "|".join(FULL_MONTHS) + r")(?![a-z])"
# Month names that are also common English words: bare, they need a cue ("in May", "last March").
AMBIGUOUS_MONTHS = frozenset({"may", "march"})

WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

PARTS_OF_DAY: dict[str, str] = {
    "morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI", "overnight": "TNI",
    "tonight": "TNI", "midday": "T12:00", "noon": "T12:00", "midnight": "T24:00", "day": "TDT",
}

SMALL_NUMBERS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-first": 21, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "final": 4, "last": 4,
}
# Quantity words that give a duration of unknown length ("several years" = PXY).
VAGUE_AMOUNTS = frozenset({"few", "a few", "several", "many", "some", "hundreds of", "thousands of",
                           "dozens of", "a number of"})

_UNITS_1_19 = "|".join(sorted(SMALL_NUMBERS, key=len, reverse=True))
_TENS = "|".join(TENS)
# A cardinal amount: digits, number words, "a"/"an", or a vague amount. Longer alternatives first so
# "a few" is not read as "a".
NUMBER_RE = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+1/2|\s+and\s+a\s+half)?"
    rf"|(?:{_TENS})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    rf"|(?:{_UNITS_1_19})(?:\s+and\s+a\s+half)?"
    r"|a\s+hundred|one\s+hundred|a\s+thousand|hundreds\s+of|thousands\s+of|dozens\s+of|a\s+dozen"
    r"|a\s+couple\s+of|a\s+couple|couple\s+of|a\s+few|a\s+number\s+of|few|several|many|some|half\s+an?|a\s+half|an?"
)

UNITS: dict[str, str] = {
    "second": "second", "minute": "minute", "hour": "hour", "day": "day", "night": "night", "week": "week",
    "fortnight": "fortnight", "month": "month", "quarter": "quarter", "year": "year", "decade": "decade",
    "century": "century", "centuries": "century", "millennium": "millennium", "millennia": "millennium",
    "weekend": "weekend",
}
UNIT_RE = (r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|quarters?|years?"
           r"|decades?|century|centuries|millennium|millennia|weekends?)")

SEASON_RE = r"(?:spring|summer|fall|autumn|winter)"

# Amount words before "a year" that make it a rate, i.e. a SET ("twice a year", "$5 a year").
RATE_CUES = ("once", "twice", "times", "percent", "%")


def parse_number(text: str) -> float | None:
    """The value of a cardinal amount as matched by NUMBER_RE; None for vague amounts ("several")."""
    words = " ".join(text.lower().replace("-", " ").split())
    if words in VAGUE_AMOUNTS or words.startswith(("hundreds", "thousands", "dozens")):
        return None
    half = 0.0
    for tail in (" 1/2", " and a half"):
        if words.endswith(tail):
            words, half = words[: -len(tail)], 0.5
    if words in ("a", "an", "one"):
        return 1 + half
    if words in ("half a", "half an", "a half"):
        return 0.5
    if words in ("a couple", "a couple of", "couple of"):  # "the past couple of months"
        return 2
    if words in ("a dozen",):
        return 12
    if words in ("a hundred", "one hundred"):
        return 100
    if words == "a thousand":
        return 1000
    try:
        return float(words.replace(",", "")) + half
    except ValueError:
        pass
    total = 0
    for word in words.split():
        if word in TENS:
            total += TENS[word]
        elif word in SMALL_NUMBERS:
            total += SMALL_NUMBERS[word]
        else:
            return None
    return total + half
