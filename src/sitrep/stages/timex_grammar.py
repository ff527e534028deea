"""The rule grammar of `sitrep_times`: rule families that find time expressions and give TIMEX3 values.

Each rule family is one regular expression plus one resolver; `tests/stages/test_times.py` has a test
per family. Detection runs all families over the text, keeps the longest non-overlapping matches, then
resolves them in text order so that anaphoric expressions ("the next day", "a year earlier") can lean on
the last date mentioned. Relative expressions are anchored on the publication date (DCT); the direction
of bare weekdays and months comes from the tense of the governing verb, which the caller supplies as a
function (the stage reads it from spaCy's parse, so this module stays free of spaCy).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from sitrep.stages import timex_calendar as cal
from sitrep.stages.timex_calendar import Point
from sitrep.stages.timex_lexicon import (
    AMBIGUOUS_MONTHS,
    FULL_MONTH_RE,
    MONTH_RE,
    MONTHS,
    NUMBER_RE,
    ORDINALS,
    PARTS_OF_DAY,
    RATE_CUES,
    SEASON_RE,
    UNIT_RE,
    UNITS,
    WEEKDAY_RE,
    WEEKDAYS,
    parse_number,
)

Direction = Callable[[int, int], "str | None"]  # (start, end) -> "past" | "future" | None


@dataclass(slots=True)
class Timex:
    """One time expression found in the text, before it becomes a `sitrep.model.Time`."""

    start: int
    end: int
    type: str
    value: str | None
    family: str
    mod: str | None = None
    anchored: bool = True
    impossible: bool = False  # a calendar date that does not exist ("February 30")
    borrow_day: bool = False  # a clock time dated by default: a day named right after it wins
    reference: bool = True  # False for expressions computed from another ("a year earlier"): no new anchor
    point: Point | None = None  # the resolved calendar point, for DATE/TIME values


@dataclass
class Context:
    """What resolution needs from the document: the DCT, tense, and the last date mentioned."""

    dct: dt.date | None
    direction: Direction = lambda start, end: None
    ref: Point | None = None  # last resolved calendar point (anaphora: "the next day")
    ref_end: int = -1
    last_quarter: Point | None = None  # earnings reports: "a year earlier" = same quarter last year
    unresolved: int = 0  # relative expressions left unresolved for want of a DCT
    trial: bool = False  # the scratch context of `find`: no reference point is known yet
    impossible: list[Timex] = field(default_factory=list)


# -- regex building blocks --------------------------------------------------------------------------------

NUM = rf"(?:{NUMBER_RE})"
EDGE = (r"(?P<edge>(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|close|turn)\s+of\s+"
        r"|early[\s-]|late[\s-]|mid-?\s?)")
APPROX = (r"(?P<approx>about|almost|nearly|more\s+than|less\s+than|fewer\s+than|at\s+least|roughly|some|over"
          r"|up\s+to|around|approximately|under|at\s+most|close\s+to|just\s+over|just\s+under|well\s+over)")
B = r"(?<![\w'-])"  # left word boundary that also refuses "mid-word" hyphen joins
E = r"(?![\w-])"

EDGE_MODS = {"end": "END", "close": "END", "late": "END", "beginning": "START", "start": "START",
             "early": "START", "middle": "MID", "mid": "MID", "turn": "END"}
APPROX_MODS = {"about": "APPROX", "roughly": "APPROX", "some": "APPROX", "around": "APPROX",
               "approximately": "APPROX", "close to": "APPROX", "almost": "LESS_THAN", "nearly": "LESS_THAN",
               "less than": "LESS_THAN", "fewer than": "LESS_THAN", "under": "LESS_THAN",
               "up to": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS", "just under": "LESS_THAN",
               "more than": "MORE_THAN", "over": "MORE_THAN", "just over": "MORE_THAN", "well over": "MORE_THAN",
               "at least": "EQUAL_OR_MORE"}


def _edge_mod(text: str | None) -> str | None:
    if not text:
        return None
    for word, mod in EDGE_MODS.items():
        if word in text.lower():
            return mod
    return None


def _approx_mod(text: str | None) -> str | None:
    return APPROX_MODS.get(" ".join(text.lower().split())) if text else None


def _i(pattern: str) -> str:
    """A case-insensitive sub-pattern (month and weekday names stay case-sensitive around it)."""
    return f"(?i:{pattern})"


# -- the families ------------------------------------------------------------------------------------------

Resolver = Callable[[re.Match, Context, str], "Timex | None"]


@dataclass(frozen=True)
class Family:
    """A rule family: its name, its compiled pattern, its resolver and its priority on ties."""

    name: str
    pattern: re.Pattern
    resolve: Resolver
    priority: int


def _unit_of(text: str) -> str:
    word = text.lower().rstrip("s") if text.lower() not in ("centuries", "millennia") else text.lower()
    return UNITS.get(word, UNITS.get(text.lower(), word))


def _unresolved(m: re.Match, ctx: Context, type_: str, family: str, value: str | None = None,
                mod: str | None = None) -> Timex:
    ctx.unresolved += 1
    return Timex(m.start(), m.end(), type_, value, family, mod=mod, anchored=False)


def _dated(m: re.Match, point: Point | None, family: str, *, type_: str = "DATE", mod: str | None = None,
           start: int | None = None, end: int | None = None) -> Timex:
    return Timex(m.start() if start is None else start, m.end() if end is None else end, type_,
                 point.value() if point else None, family, mod=mod, point=point)


def _month_number(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _year(text: str) -> int:
    year = int(text)
    return year + (1900 if year >= 50 else 2000) if len(text) == 2 else year


# ISO and numeric dates --------------------------------------------------------------------------------------

def _resolve_iso(m: re.Match, ctx: Context, text: str) -> Timex | None:
    date = cal.safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    if date is None:
        return _impossible(m, ctx, "iso")
    if m["h"] is not None:
        return _dated(m, cal.day_point(date, f"T{m['h']}:{m['mi']}"), "iso", type_="TIME")
    return _dated(m, cal.day_point(date), "iso")


def _resolve_slash(m: re.Match, ctx: Context, text: str) -> Timex | None:
    first, second, year = int(m["a"]), int(m["b"]), _year(m["y"])
    month, day = (first, second) if first <= 12 else (second, first)  # US order unless impossible
    date = cal.safe_date(year, month, day)
    if date is None:
        return _impossible(m, ctx, "slash")
    return _dated(m, cal.day_point(date), "slash")


def _impossible(m: re.Match, ctx: Context, family: str) -> Timex:
    timex = Timex(m.start(), m.end(), "DATE", None, family, impossible=True)
    ctx.impossible.append(timex)
    return timex


# Month + day (+ year) ----------------------------------------------------------------------------------------

def _resolve_month_day(m: re.Match, ctx: Context, text: str) -> Timex | None:
    month, day = _month_number(m["mon"]), int(m["day"])
    if not 1 <= day <= 31:
        return None
    mod = _edge_mod(m["edge"]) if "edge" in m.re.groupindex else None
    if m["year"]:
        date = cal.safe_date(int(m["year"]), month, day)
        return _dated(m, cal.day_point(date), "month_day", mod=mod) if date else _impossible(m, ctx, "month_day")
    if cal.safe_date(2000, month, day) is None:  # 2000 is a leap year: February 29 is possible
        return _impossible(m, ctx, "month_day")
    if ctx.dct is None:
        return _unresolved(m, ctx, "DATE", "month_day", f"XXXX-{month:02d}-{day:02d}", mod)
    rel = (m["rel"] or "").lower() if "rel" in m.re.groupindex else ""
    if rel:
        direction = "past" if rel.startswith(("last", "this past")) else "future"
        year = ctx.dct.year
        candidate = cal.safe_date(year, month, day)
        if candidate is not None and direction == "past" and candidate > ctx.dct:
            year -= 1
        elif candidate is not None and direction == "future" and candidate < ctx.dct:
            year += 1
    else:
        year = cal.day_month_year(ctx.dct, month, day, ctx.direction(m.start(), m.end()))
    date = cal.safe_date(year, month, day)
    if date is None:  # February 29 in a non-leap year
        return _impossible(m, ctx, "month_day")
    return _dated(m, cal.day_point(date), "month_day", mod=mod)


def _resolve_month_year(m: re.Match, ctx: Context, text: str) -> Timex | None:
    return _dated(m, Point(cal.MONTH, _year_of(m), _month_number(m["mon"])), "month_year",
                  mod=_edge_mod(m["edge"]))


def _resolve_season(m: re.Match, ctx: Context, text: str) -> Timex | None:
    """A season of a named year: "the winter of 1994", "summer 2020", "early spring 1999"."""
    season = cal.SEASONS[m["season"].lower()]
    if m["ry"]:  # "the spring of last year", "summer next year"
        if ctx.dct is None:
            return _unresolved(m, ctx, "DATE", "season", None, _edge_mod(m["part"]))
        year = ctx.dct.year + {"last": -1, "this": 0, "next": 1}[m["ry"].lower()]
    else:
        year = _year_of(m)
    return _dated(m, Point(cal.SEASON, year, part=season), "season", mod=_edge_mod(m["part"]))


def _resolve_month(m: re.Match, ctx: Context, text: str) -> Timex | None:
    name = m["mon"]
    rel = (m["rel"] or "").lower()
    edge = m["edge"]
    before = text[max(0, m.start() - 12): m.start()].lower().split()
    cue = before[-1] if before else ""
    if name.lower() in AMBIGUOUS_MONTHS and not rel and not edge and cue not in MONTH_CUES:
        return None
    after = text[m.end(): m.end() + 20]
    # "June Carter", "April Fools": a capitalised word after a bare month name makes it a name.
    if not rel and not edge and re.match(r"\s+[A-Z][a-z]", after) and not re.match(
            r"\s+(?:" + WEEKDAY_RE + r"|" + FULL_MONTH_RE + r")", after):
        return None
    month = _month_number(name)
    mod = _edge_mod(edge)
    if ctx.dct is None:
        return _unresolved(m, ctx, "DATE", "month", f"XXXX-{month:02d}", mod)
    if m["ry"]:  # "June last year", "in October this year"
        year = ctx.dct.year + {"last": -1, "this": 0, "next": 1}[m["ry"].lower()]
        return _dated(m, Point(cal.MONTH, year, month), "month", mod=mod)
    if rel.startswith(("last", "this past", "the past")):
        year = ctx.dct.year if month < ctx.dct.month else ctx.dct.year - 1
    elif rel.startswith(("next", "this coming", "the coming")):
        year = ctx.dct.year if month > ctx.dct.month else ctx.dct.year + 1
    elif rel == "this":
        year = ctx.dct.year
    else:
        year = cal.month_year(ctx.dct, month, ctx.direction(m.start(), m.end()))
    return _dated(m, Point(cal.MONTH, year, month), "month", mod=mod)


MONTH_CUES = frozenset({"in", "since", "until", "till", "by", "from", "through", "during", "of", "before",
                        "after", "early", "late", "mid", "on", "to", "between", "and", "or", "last", "next",
                        "this", "that", "each", "every", "end", "mid-"})


# Years, decades, centuries ----------------------------------------------------------------------------------

def _resolve_year(m: re.Match, ctx: Context, text: str) -> Timex | None:
    year = int(m["year"])
    return _dated(m, Point(cal.YEAR, year), "year", mod=_edge_mod(m["edge"]))


def _resolve_decade(m: re.Match, ctx: Context, text: str) -> Timex | None:
    decade = int(m["dec"]) if m["dec"] else 1900 + 10 * int(m["dd"])
    return _dated(m, Point(cal.DECADE, decade), "decade", mod=_edge_mod(m["edge"]))


DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                "eighties": 8, "nineties": 9}
_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}


def _resolve_word_year(m: re.Match, ctx: Context, text: str) -> Timex | None:
    """Years spoken in words, as broadcast transcripts write them: "nineteen eighty-four"."""
    if m["dw"]:
        return _dated(m, Point(cal.DECADE, 1900 + 10 * DECADE_WORDS[m["dw"].lower()]), "word_year")
    if m["tt"] is not None:
        tail = " ".join(m["tt"].lower().replace("-", " ").split())
        year = 2000 + (int(parse_number(tail) or 0) if tail else 0)
        return _dated(m, Point(cal.YEAR, year), "word_year")
    year = 1900 + TENS_WORDS[m["t"].lower()] + (_ONES[m["o"].lower()] if m["o"] else 0)
    return _dated(m, Point(cal.YEAR, year), "word_year")


TENS_WORDS = {"ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
              "eighty": 80, "ninety": 90}

# A year spoken in words, without named groups so that other families can embed it ("January nineteen
# ninety-seven", "the winter of nineteen eighty-two"); `_spoken_year` reads it.
SPOKEN_YEAR_RE = (r"(?:nineteen\s+(?:hundred\s+(?:and\s+)?)?(?:ten|twenty|thirty|forty|fifty|sixty|seventy|eighty"
                  r"|ninety)(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?"
                  r"|two\s+thousand(?:\s+and)?(?:\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven"
                  r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
                  r"|twenty(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?))?)(?![\w-])")


def _spoken_year(words: str) -> int | None:
    """1994 for "nineteen ninety-four", 2001 for "two thousand and one"."""
    words = " ".join(words.lower().replace("-", " ").split())
    for prefix, base in (("nineteen hundred and ", 1900), ("nineteen hundred ", 1900), ("nineteen ", 1900),
                         ("two thousand and ", 2000), ("two thousand ", 2000)):
        if words.startswith(prefix):
            amount = parse_number(words[len(prefix):])
            return base + int(amount) if amount is not None else None
    return 2000 if words == "two thousand" else None


def _year_of(m: re.Match) -> int:
    """The year of a family with a digit group `year` and a spoken group `wy`."""
    return int(m["year"]) if m["year"] else _spoken_year(m["wy"]) or 0


CENTURY_WORDS = {"eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty first": 21}


def _resolve_century(m: re.Match, ctx: Context, text: str) -> Timex | None:
    mod = _edge_mod(m["edge"])
    if m["n"]:
        number = int(m["n"])
    elif m["w"]:
        number = CENTURY_WORDS[" ".join(m["w"].lower().split())]
    else:
        if ctx.dct is None:
            return _unresolved(m, ctx, "DATE", "century", None, mod)
        rel = " ".join(m[0].lower().split()[:-1])
        if rel == "the past":
            # "the past century" is the last hundred years, as "the past decade" is P10Y; "last century"
            # (and the ambiguous "the last century") name the previous calendar century.
            return Timex(m.start(), m.end(), "DURATION", cal.duration_value(100, "year"), "century")
        number = ctx.dct.year // 100 + 1 - (1 if (m["rel"] or "").lower().endswith(("last", "past")) else 0)
    return _dated(m, Point(cal.CENTURY, (number - 1) * 100), "century", mod=mod)


# Weekdays ---------------------------------------------------------------------------------------------------

def _resolve_weekday(m: re.Match, ctx: Context, text: str) -> Timex | None:
    weekday = WEEKDAYS[m["wd"].lower()]
    rel = " ".join((m["rel"] or "").lower().split())
    pod = (m["pod"] or "").lower()
    suffix = PARTS_OF_DAY.get(pod, "")
    type_ = "TIME" if suffix else "DATE"
    mod = {"early": "START", "late": "END"}.get(rel)
    if m["pl"]:  # "on Tuesdays": every Tuesday
        return Timex(m.start(), m.end(), "SET", f"XXXX-WXX-{weekday + 1}{suffix}", "weekday")
    fine_ref = ctx.ref is not None and ctx.ref.gran in (cal.DAY, cal.WEEK)
    if rel in ("the following", "the next", "the previous") and (fine_ref or (ctx.ref is None and ctx.dct)):
        # After a day or a week ("next week ... the following Monday"), count from it; with no date named
        # yet, from the DCT, but always in the direction the words say.
        base = ctx.ref.date() if fine_ref else ctx.dct  # type: ignore[union-attr]
        direction = "past" if rel == "the previous" else "future"
        date = base + dt.timedelta(days=((weekday - base.weekday()) % 7 or 7) if direction == "future"
                                   else -((base.weekday() - weekday) % 7 or 7))
        return _dated(m, cal.day_point(date, suffix), "weekday", type_=type_, mod=mod)
    if ctx.dct is None:
        return _unresolved(m, ctx, type_, "weekday", f"XXXX-WXX-{weekday + 1}{suffix}", mod)
    if rel == "last" or rel == "this past":
        date = ctx.dct - dt.timedelta(days=(ctx.dct.weekday() - weekday) % 7 or 7)
    elif rel == "next" or rel == "this coming":
        date = ctx.dct + dt.timedelta(days=(weekday - ctx.dct.weekday()) % 7 or 7)
    elif rel == "this":
        date = ctx.dct + dt.timedelta(days=weekday - ctx.dct.weekday())
    else:
        direction = ctx.direction(m.start(), m.end()) or "past"
        date = cal.nearest_weekday(ctx.dct, weekday, direction)
    return _dated(m, cal.day_point(date, suffix), "weekday", type_=type_, mod=mod)


NTH_IN_MONTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}


def _resolve_nth_weekday(m: re.Match, ctx: Context, text: str) -> Timex | None:
    """ "the first Sunday in May", "the last Friday of June 2021": a weekday counted within a month."""
    weekday = WEEKDAYS[m["wd"].lower()]
    month = _month_number(m["mon"])
    nth = NTH_IN_MONTH[m["ord"].lower()]
    if m["year"]:
        year = int(m["year"])
    elif ctx.dct is not None:
        year = cal.month_year(ctx.dct, month, ctx.direction(m.start(), m.end()))
    else:
        return _unresolved(m, ctx, "DATE", "nth_weekday", None)
    if nth > 0:
        first = dt.date(year, month, 1)
        date = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    else:
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        date = last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    if date.month != month:
        return None
    return _dated(m, cal.day_point(date), "nth_weekday")


# Clock times ------------------------------------------------------------------------------------------------

CLOCK_NUMBER_RE = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"


def _resolve_clock(m: re.Match, ctx: Context, text: str) -> Timex | None:
    word = (m["word"] or "").lower()
    spoken = m["h3"] or m["h4"]
    if word:
        if word == "noon" and re.search(r"(?i)\bhigh\s+$", text[max(0, m.start() - 6): m.start()]):
            return None  # "high noon": a showdown, not a clock time
        suffix = PARTS_OF_DAY[word]
    elif spoken:  # "ten o'clock", "4 in the morning", "three o'clock in the afternoon"
        hour = int(spoken) if spoken.isdigit() else int(parse_number(spoken) or 0)
        pod = (m["pod3"] or m["pod4"] or "").lower()
        if not 1 <= hour <= 12:
            return None
        if pod in ("afternoon", "evening") or (pod == "night" and hour >= 6):
            hour = hour % 12 + 12
        elif pod in ("morning", "overnight", "night") and hour == 12:
            hour = 0
        suffix = f"T{hour:02d}:00"
    else:
        hour = int(m["h"] if m["h"] is not None else m["h2"])
        minute = m["m"] if m["m"] is not None else (m["m2"] or "00")
        ampm = (m["ap"] or "").lower().replace(".", "").replace(" ", "")
        if ampm and not 1 <= hour <= 12:
            return None
        if ampm == "pm" and hour != 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour > 24 or int(minute) > 59:
            return None
        suffix = f"T{hour:02d}:{minute}"
    day: dt.date | None = None
    anchored = True
    default_day = False
    if m["wd"]:
        if ctx.dct is not None:
            weekday = WEEKDAYS[m["wd"].lower()]
            day = cal.nearest_weekday(ctx.dct, weekday, ctx.direction(m.start(), m.end()) or "past")
        else:
            anchored = False
    elif m["deixis"]:
        offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[m["deixis"].lower()]
        day = ctx.dct + dt.timedelta(days=offset) if ctx.dct else None
        anchored = ctx.dct is not None
    elif m["mon"]:
        month, dom = _month_number(m["mon"]), int(m["dom"])
        year = cal.day_month_year(ctx.dct, month, dom, None) if ctx.dct else None
        day = cal.safe_date(year, month, dom) if year else None
        anchored = ctx.dct is not None
    elif ctx.ref is not None and ctx.ref.gran == cal.DAY and m.start() - ctx.ref_end < 120:
        day = ctx.ref.date()  # "on March 3 ... at 10 a.m.": the clock time belongs to the date just named
    elif ctx.dct is not None:
        day = ctx.dct
        default_day = True
    else:
        anchored = False
    if day is None:
        if anchored is False:
            ctx.unresolved += 1
        return Timex(m.start(), m.end(), "TIME", f"XXXX-XX-XX{suffix}", "clock", anchored=False)
    timex = _dated(m, cal.day_point(day, suffix), "clock", type_="TIME")
    timex.reference = not default_day
    timex.borrow_day = default_day
    return timex


# Parts of days and deictic words ----------------------------------------------------------------------------

DEICTIC_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
                "the day after tomorrow": 2}
REFS = {"now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF", "right now": "PRESENT_REF",
        "these days": "PRESENT_REF", "at present": "PRESENT_REF", "presently": "PRESENT_REF",
        "the present": "PRESENT_REF", "current": "PRESENT_REF", "at the moment": "PRESENT_REF",
        "recently": "PAST_REF", "lately": "PAST_REF", "previously": "PAST_REF", "the past": "PAST_REF",
        "recent": "PAST_REF", "formerly": "PAST_REF", "in the past": "PAST_REF", "earlier": "PAST_REF",
        "the future": "FUTURE_REF", "soon": "FUTURE_REF", "future": "FUTURE_REF",
        "a later date": "FUTURE_REF", "a later time": "FUTURE_REF"}  # "at a later date": some time ahead


# A title-case word right before: "USA Today", "VOA Today" are names, not the day of publication.
NAME_BEFORE = re.compile(r"(?<![.!?:\"“]\s)(?<![.!?:]\s\s)\b[A-Z][\w.&'-]*[\w&']\s+$")


# The start of a sentence: the text's start, a line break, or a sentence end, then an optional opening quote.
SENTENCE_START = re.compile(r"(?:^|[.!?]['\"”’]?\s+|\n\s*)['\"“‘`]*$")


def _resolve_deictic(m: re.Match, ctx: Context, text: str) -> Timex | None:
    word = " ".join(m["w"].lower().split())
    if m["w"] == "Today" and NAME_BEFORE.search(text, max(0, m.start() - 30), m.start()):
        return None
    mod = {"early": "START", "late": "END"}.get((m["dmod"] or "").lower())
    if word.endswith("future") and word != "the future" and word != "future":
        word = "the future"
    if word.endswith(" term"):
        word = "the future"  # "in the near term", "over the long term"
    if m["w"] == "Now" and not m["dmod"] and text.startswith(",", m.end()) \
            and SENTENCE_START.search(text, max(0, m.start() - 3), m.start()):
        return None  # "Now, he says, ...": a sentence-opening "Now," is a discourse connective, not a time
    if word in REFS:
        if word == "soon" and re.search(r"(?i)\bas\s+$", text[max(0, m.start() - 4): m.start()]):
            return None  # "as soon as" is a conjunction
        if word == "soon" and re.match(r"(?i)\s+(?:after|before|afterwards?|thereafter)\b",
                                       text[m.end(): m.end() + 14]):
            return None  # "soon after the attack": a relation to an event (a TimeML signal), not a time
        if word == "future" and not re.match(r"\s+(?:date|time)\b", text[m.end(): m.end() + 6]):
            return None  # "future talks": an adjective, not a time
        return Timex(m.start(), m.end(), "DATE", REFS[word], "deictic", mod=mod)
    offset = DEICTIC_DAYS[word]
    if ctx.dct is None:
        return _unresolved(m, ctx, "DATE", "deictic", None, mod)
    suffix = "TNI" if word == "tonight" else ""
    return _dated(m, cal.day_point(ctx.dct + dt.timedelta(days=offset), suffix), "deictic",
                  type_="TIME" if suffix else "DATE", mod=mod)


# How far back (in characters) a named day still anchors "in the morning": about two sentences.
PART_OF_DAY_REACH = 200


def _resolve_part_of_day(m: re.Match, ctx: Context, text: str) -> Timex | None:
    if m["pm"]:
        # "Shops shut on Friday. Crowds gathered in the morning": a part of the day just named. Without a
        # day named shortly before, "in the morning" is generic ("commuters leave in the morning").
        suffix = PARTS_OF_DAY[m["pm"].lower()]
        if ctx.trial:  # the day it leans on is known only when resolving in text order
            return Timex(m.start(), m.end(), "TIME", None, "part_of_day")
        if ctx.ref is None or ctx.ref.gran != cal.DAY or m.start() - ctx.ref_end > PART_OF_DAY_REACH:
            return None
        timex = _dated(m, cal.day_point(ctx.ref.date(), suffix), "part_of_day", type_="TIME")
        timex.reference = False  # the day stays the reference
        return timex
    rel = " ".join((m["rel"] or "").lower().split())
    pod = (m["pod"] or m["tn"] or m["mp"] or "").lower().replace("-", "").replace(" ", "")
    pod = pod.removeprefix("mid") if pod not in ("midday", "midnight") else pod
    suffix = PARTS_OF_DAY.get(pod, "TDT")
    offset = 0
    if rel.endswith("yesterday") or (rel == "last" and pod in ("night", "evening")):
        offset = -1
    elif rel.endswith("tomorrow"):
        offset = 1
    elif pod == "overnight":
        offset = -1 if (ctx.direction(m.start(), m.end()) or "past") == "past" else 0
    if ctx.dct is None:
        return _unresolved(m, ctx, "TIME", "part_of_day", None)
    return _dated(m, cal.day_point(ctx.dct + dt.timedelta(days=offset), suffix), "part_of_day", type_="TIME")


# Relative calendar units: "last week", "this year", "earlier this month", "the end of the year" ---------------

UNIT_GRAN = {"week": cal.WEEK, "month": cal.MONTH, "year": cal.YEAR, "quarter": cal.QUARTER,
             "decade": cal.DECADE, "century": cal.CENTURY, "half": cal.HALF}


def _resolve_relative_unit(m: re.Match, ctx: Context, text: str) -> Timex | None:
    if m["unit"][0].isupper() and not m[0].isupper():
        return None  # title case, as in a programme's name: ABC's "This Week"
    rel = " ".join(m["rel"].lower().split())
    unit = m["unit"].lower().replace("-", "")
    unit = "fall" if unit == "autumn" else unit
    edge = m["edge"]
    mod = _edge_mod(edge)
    if (m["shift"] or "").lower().startswith(("early", "late")) and not mod:
        mod = "START" if m["shift"].lower().startswith("early") else "END"
    mod = mod or _edge_mod(m["part"])  # "the early summer"
    if rel in ("the", "the past", "the last", "the current") and unit == "year" and re.match(
            r"\s+(?:ended|ending|to|through)\b", text[m.end(): m.end() + 10]):
        # "the year ended March 31": a twelve-month period, not the calendar year
        return Timex(m.start(), m.end(), "DURATION", "P1Y", "relative_unit")
    if rel == "the" and not edge and not m["shift"] and unit not in ("weekend", "summer", "winter", "spring", "fall",
                                                                   "year"):
        return None
    if rel.startswith("that") and unit not in cal.SEASONS:
        return None  # "that week", "that year": the anaphoric family's
    looking_back = rel in ("the past", "the last", "past") and unit in ("year", "month", "week")
    if looking_back and re.match(r"\s+of\b", text[m.end(): m.end() + 4]):
        return None  # "the last week of March": the final week of a named month, not a relative unit
    if rel in ("the past", "the last", "the next", "the coming", "past") and unit in UNIT_GRAN and not edge \
            and not looking_back:
        # "the next month", "the past decade": a stretch of time, not a calendar unit. TimeML writes
        # decades and centuries in years ("the past decade" = P10Y), as the duration family does.
        years = {"decade": 10, "century": 100}.get(unit)
        value = cal.duration_value(years, "year") if years else cal.duration_value(1, unit)
        return Timex(m.start(), m.end(), "DURATION", value, "relative_unit")
    step = 0
    # "the past year", "over the last week" without a number: TempEval-3 annotates the calendar unit just
    # gone, as "last year" ("the last week" = 2013-W11 in a TE3-Platinum article of 2013-W12); with a
    # number ("the past two years") it is a duration (the duration family).
    if rel in ("last", "previous", "the previous", "this past", "the prior") or looking_back:
        step = -1
    elif rel in ("next", "coming", "the coming", "this coming", "the following", "following"):
        step = 1
    # "that summer" after "May 2019" is that year's summer
    anaphoric = rel in ("the following", "following", "the previous", "the same", "the prior", "that", "that same")
    base_date = ctx.ref.date() if anaphoric and ctx.ref is not None else ctx.dct
    if base_date is None:
        return _unresolved(m, ctx, "DATE", "relative_unit", None, mod)
    if unit == "weekend":
        direction = "past" if step < 0 else "future" if step > 0 else (ctx.direction(m.start(), m.end()) or "past")
        saturday = cal.nearest_weekday(base_date, 5, direction)
        if rel == "this" and not (direction == "past" and base_date.weekday() < 5):
            # "this weekend" is the weekend of the current week, unless a past verb says the one just gone
            saturday = base_date + dt.timedelta(days=5 - base_date.weekday())
        if step < 0 and saturday == base_date:
            saturday -= dt.timedelta(days=7)
        week = cal.week_point(saturday)
        return Timex(m.start(), m.end(), "DATE", f"{week.value()}-WE", "relative_unit", mod=mod,
                     point=week)
    if unit in cal.SEASONS:
        season = cal.SEASONS[unit]
        year = base_date.year + step
        season_start = (3, 6, 9, 12)[season]
        if step < 0 and rel == "this past" and season_start + 3 <= base_date.month:
            year = base_date.year  # "this past spring" read in October is this year's
        elif step > 0 and season_start > base_date.month:
            year = base_date.year  # "next summer" read in March is this year's
        if step == 0 and rel == "the":
            current = (base_date.month % 12) // 3  # 0 winter(Dec-Feb) ... used only to pick a direction
            direction = ctx.direction(m.start(), m.end()) or "past"
            index = (season + 1) % 4
            if direction == "past" and index > current:
                year -= 1
            elif direction == "future" and index < current:
                year += 1
        point = Point(cal.SEASON, year, part=season)
        return _dated(m, point, "relative_unit", mod=mod)
    gran = UNIT_GRAN[unit]
    point = cal.at_granularity(base_date, gran)
    if step:
        point = cal.shift(point, step, gran)
    return _dated(m, point, "relative_unit", mod=mod)


def _resolve_year_part(m: re.Match, ctx: Context, text: str) -> Timex | None:
    word = m[0].lower()
    mod = "MID" if "mid" in word else "END"
    if ctx.dct is None:
        return _unresolved(m, ctx, "DATE", "year_part", None, mod)
    # "since year-end", "profits rose at year-end": the end already reached is the previous one (the
    # current year or month has not ended yet); "by year-end" and a timeless mention are the current one.
    back = mod == "END" and (re.search(r"(?i)\bsince\s+(?:the\s+)?$", text[max(0, m.start() - 10): m.start()])
                             or ctx.direction(m.start(), m.end()) == "past")
    if "month" in word:
        month = cal.shift(Point(cal.MONTH, ctx.dct.year, ctx.dct.month), -1 if back else 0, cal.MONTH)
        return _dated(m, month, "year_part", mod=mod)
    return _dated(m, Point(cal.YEAR, ctx.dct.year - (1 if back else 0)), "year_part", mod=mod)


# Fiscal quarters and halves ----------------------------------------------------------------------------------

def _resolve_quarter(m: re.Match, ctx: Context, text: str) -> Timex | None:
    words = " ".join((m["pre"] or "").lower().replace("-", " ").split())
    det = (m["det"] or "").lower()
    kind = m["q"].lower()
    if kind == "period":
        if not m["pyear"]:
            return None  # "the period", "the latest period": too vague to date
        if ctx.last_quarter is None:  # "the 2019 period" outside a quarterly report: that year
            return _dated(m, Point(cal.YEAR, int(m["pyear"])), "quarter")
        kind = "quarter"
    hyphenated_ordinal = any(w in ORDINALS for w in words.split()) and "-" in m[0]
    if (det == "a" and not hyphenated_ordinal) or (not words and not det and not m["pyear"]):
        return None  # "a quarter of the vote", bare "quarter"
    if not words and det in ("its", "their"):
        return None
    gran = cal.QUARTER if kind == "quarter" else cal.HALF
    number = next((ORDINALS[w] for w in words.split() if w in ORDINALS and w != "last"), None)
    year: int | None = int(m["year"] or m["pyear"]) if (m["year"] or m["pyear"]) else None
    if m["ofrel"]:  # "the second half of the year", "the first quarter of next year"
        if ctx.dct is None:
            return _unresolved(m, ctx, "DATE", "quarter", None)
        year = ctx.dct.year + {"last": -1, "next": 1}.get(m["ofrel"].lower(), 0)
    earlier = ("year earlier", "year ago", "last year's")
    shift_year = 1 if "next year's" in words else -1 if (any(w in words for w in earlier)
                        or "prior year" in words) else 0
    if det == "next" and number is None:
        step = 1
    elif (det == "last" or words.startswith("last") or any(w in ("previous", "prior", "preceding")
                                                          for w in words.split())) and number is None:
        step = -1
    else:
        step = 0
    if year is None and ctx.dct is None:
        return _unresolved(m, ctx, "DATE", "quarter", None)
    if number is not None:
        if gran == cal.HALF and number > 2:
            return None
        if year is None:
            assert ctx.dct is not None
            year = ctx.dct.year
            # Earnings news reports finished quarters: "the fourth quarter" in a February article is
            # last year's unless the verb looks ahead.
            current = cal.quarter_of(ctx.dct) if gran == cal.QUARTER else (1 if ctx.dct.month <= 6 else 2)
            if number > current and not shift_year and ctx.direction(m.start(), m.end()) != "future":
                year -= 1
        point = Point(gran, year + shift_year, part=number)
    else:
        base = None
        if gran == cal.QUARTER and ctx.last_quarter is not None and "current" not in words:
            base = ctx.last_quarter
        if base is None:
            assert ctx.dct is not None
            here = cal.at_granularity(ctx.dct, gran)
            # In earnings news "the quarter"/"the latest quarter" is the last completed one.
            completed = "current" not in words and det != "this" and step == 0
            base = cal.shift(here, -1, cal.QUARTER) if completed and gran == cal.QUARTER else here
        point = base
        if year is not None and base is not None:
            point = Point(base.gran, year, part=base.part)  # "the 2019 quarter": that year's same quarter
        if step < 0 and gran == cal.QUARTER and ctx.last_quarter is not None and det != "last" \
                and not words.startswith("last"):
            # "the previous quarter" in an earnings report is the one before the reported quarter;
            # "last quarter" stays the last finished one.
            point = cal.shift(ctx.last_quarter, -1, cal.QUARTER)
        elif step and gran == cal.QUARTER:
            point = cal.shift(cal.at_granularity(ctx.dct, gran), step, cal.QUARTER) if ctx.dct else base
        if shift_year and point is not None:
            point = cal.shift(point, shift_year, cal.YEAR)
    timex = _dated(m, point, "quarter", start=m.start("pre") if det == "a" else None)
    # A comparison ("the year-ago quarter", "the 2019 quarter") does not become the report's quarter.
    timex.reference = not shift_year and not (number is None and year is not None)
    return timex


# "three years ago", "a year earlier", "year-earlier" ---------------------------------------------------------

def _resolve_ago(m: re.Match, ctx: Context, text: str) -> Timex | None:
    unit = _unit_of(m["unit"])
    amount = parse_number(m["num"])
    direction = " ".join(m["dir"].lower().split())
    sign = -1 if direction in ("ago", "earlier", "back", "before") else 1
    mod = _approx_mod(m["approx"])
    if unit in ("hour", "minute", "second"):
        return Timex(m.start(), m.end(), "DURATION", cal.duration_value(amount, unit), "ago", mod=mod)
    if amount is None:
        return Timex(m.start(), m.end(), "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", "ago", mod=mod)
    anaphoric = direction in ("earlier", "later", "before", "after")
    if anaphoric and ctx.ref is not None:
        base = ctx.ref
    elif direction == "ago" and ctx.last_quarter is not None and unit == "year" and amount == 1:
        base = ctx.last_quarter  # earnings news: "a year ago" is the same quarter last year
    elif ctx.dct is not None:
        base = cal.day_point(ctx.dct)
    else:
        return _unresolved(m, ctx, "DATE", "ago", None, mod)
    if unit == "fortnight":
        unit, amount = "week", amount * 2
    if unit in ("night", "weekend"):
        unit = "day" if unit == "night" else "week"
    gran = {"day": cal.DAY, "week": cal.WEEK, "month": cal.MONTH, "quarter": cal.QUARTER, "year": cal.YEAR,
            "decade": cal.YEAR, "century": cal.YEAR, "millennium": cal.YEAR}.get(unit, cal.YEAR)
    if amount != int(amount):
        return Timex(m.start(), m.end(), "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", "ago", mod=mod)
    count = int(amount) * {"decade": 10, "century": 100, "millennium": 1000}.get(unit, 1)
    step_unit = {cal.DAY: cal.DAY, cal.WEEK: cal.WEEK, cal.MONTH: cal.MONTH, cal.QUARTER: cal.QUARTER}.get(
        gran, cal.YEAR)
    if base.gran in (cal.QUARTER, cal.HALF) and step_unit == cal.YEAR:
        point = cal.shift(base, sign * count, cal.YEAR)
    else:
        start_point = cal.at_granularity(base.date(), gran if base.gran == cal.DAY else
                                         (base.gran if _finer(base.gran, gran) else gran))
        point = cal.shift(start_point, sign * count, step_unit)
        if point is not None and point.gran != gran and _finer(point.gran, gran):
            point = cal.at_granularity(point.date(), gran)
    timex = _dated(m, point, "ago", mod=mod)
    timex.reference = not anaphoric and base.gran not in (cal.QUARTER, cal.HALF)
    return timex


GRAN_ORDER = [cal.DAY, cal.WEEK, cal.MONTH, cal.QUARTER, cal.HALF, cal.SEASON, cal.YEAR, cal.DECADE, cal.CENTURY]


def _finer(a: str, b: str) -> bool:
    return GRAN_ORDER.index(a) < GRAN_ORDER.index(b)


def _resolve_year_ago(m: re.Match, ctx: Context, text: str) -> Timex | None:
    unit = (m["u"] or "year").lower()
    if ctx.last_quarter is not None and unit == "year":
        timex = _dated(m, cal.shift(ctx.last_quarter, -1, cal.YEAR), "ago")
        timex.reference = False
        return timex
    if ctx.dct is None:
        return _unresolved(m, ctx, "DATE", "ago", None)
    gran = {"year": cal.YEAR, "month": cal.MONTH, "week": cal.WEEK, "quarter": cal.QUARTER}[unit]
    return _dated(m, cal.shift(cal.at_granularity(ctx.dct, gran), -1, gran), "ago")


# Durations --------------------------------------------------------------------------------------------------

def _resolve_duration(m: re.Match, ctx: Context, text: str) -> Timex | None:
    timex = _duration(m, ctx, text)
    if timex is not None and (m["rel"] or "").lower() == "last" and re.search(
            r"(?i)\b(?:to|will|would|could|may|might|can|should|must|not|n't|did|does|do)\s+$",
            text[max(0, m.start() - 12): m.start()]):
        # "expected to last six weeks": the verb "last", not "the last six weeks"; the duration is the rest
        timex.start = m.end("rel")
    return timex


def _duration(m: re.Match, ctx: Context, text: str) -> Timex | None:
    unit = _unit_of(m["unit"])
    number_text = m["num"].lower()
    amount = parse_number(number_text)
    mod = _approx_mod(m["approx"])
    before = text[max(0, m.start() - 30): m.start()].lower()
    after = text[m.end(): m.end() + 12]
    if re.match(r"\s+old\b", after):
        return None  # "52 years old": an age
    if number_text == "one" and unit == "day" and not m["rel"] and not m["approx"] and re.search(
            r"\b(?:will|would|could|might|may|can|should|must|shall|he|she|they|we|i|you|who)\s+$", before):
        return None  # "she will one day lead the party": "some day", not a stretch of one day
    if " ".join(number_text.split()) in ("a", "an", "per") and not m["rel"] and not m["approx"]:
        if before.rstrip().endswith(RATE_CUES) or re.search(
                r"(?:[\d$%]|\b(?:million|billion|thousand|hundred|cents?|dollars?|shares?|times|pounds|euros))"
                r"\S*\s*$", before):
            return None  # "$2 million a year", "24 hours a day": a rate, not a time expression
        if _counted_plural_before(before):
            return None  # "four flights a week", "700 seats a week": a rate
        if unit == "second" and not re.search(r"\b(?:for|in|within|half|just|only)\s*$", before):
            return None  # "a second attempt": the ordinal
    if unit == "quarter" and re.match(r"\s+of\b", after) and number_text.split()[-1] in ("a", "an", "one", "three"):
        return None  # "a quarter of the market", "three-quarters of the seats": fractions
    if m["half"] and amount is not None:
        amount += 0.5
    if re.fullmatch(r"(?:1[6-9]|20)\d\d", number_text):
        return None  # "the 2019 quarter": a year, not an amount
    if unit == "quarter" and ((m["unit"].lower().endswith("s") and "-" in m[0]) or (amount is None and re.match(
            r"\s+of\s+(?:the|its|their|his|her|our|all|those|these)\b", after))):
        return None  # "three-quarters of the seats", "several quarters of the market": fractions
    if unit == "fortnight":
        unit, amount = "week", (amount * 2 if amount is not None else None)
    if unit in ("decade", "century", "millennium") and amount is not None:
        # TimeML writes decades and centuries in years ("two decades" = P20Y).
        unit, amount = "year", amount * {"decade": 10, "century": 100, "millennium": 1000}[unit]
    if unit == "weekend":
        return None
    return Timex(m.start(), m.end(), "DURATION", cal.duration_value(amount, unit), "duration", mod=mod)


def _resolve_unit_long(m: re.Match, ctx: Context, text: str) -> Timex | None:
    """"a weeklong visit", "a day-long meeting", "the decade-long war": one unit's stretch."""
    unit = m["unit"].lower()
    if unit == "decade":  # TimeML writes decades in years
        return Timex(m.start(), m.end(), "DURATION", cal.duration_value(10, "year"), "unit_long")
    return Timex(m.start(), m.end(), "DURATION", cal.duration_value(1, unit), "unit_long")


def _resolve_bare_plural(m: re.Match, ctx: Context, text: str) -> Timex | None:
    unit = _unit_of(m["unit"] or m["unit2"])
    return Timex(m.start(), m.end(), "DURATION", cal.duration_value(None, unit), "duration")


# Sets -------------------------------------------------------------------------------------------------------

LY_UNITS = {"daily": "day", "weekly": "week", "monthly": "month", "annually": "year", "yearly": "year",
            "hourly": "hour", "nightly": "day", "quarterly": "quarter", "biweekly": "week",
            "semiannually": "month"}


def _counted_plural_before(before: str) -> bool:
    """Whether `before` ends in a counted plural noun ("four flights ", "15 million instructions "), so
    that "a week" or "per second" after it is a rate of that thing rather than a time expression."""
    words = before.split()[-5:]
    if not words or not re.fullmatch(r"[a-z]{3,}s", words[-1]) or words[-1].endswith("ss"):
        return False
    return any(w[0].isdigit() or parse_number(w) is not None or w in ("hundreds", "thousands", "millions",
                                                                      "dozens", "million", "billion")
               for w in words[:-1] if w not in ("a", "an"))


def _resolve_set(m: re.Match, ctx: Context, text: str) -> Timex | None:
    if m[0].lower().startswith("per ") and _counted_plural_before(text[max(0, m.start() - 40): m.start()].lower()):
        return None  # "15 million instructions per second": a rate of a quantity
    if m["ly"]:
        word = m["ly"].lower()
        amount = {"biweekly": 2, "semiannually": 6}.get(word, 1)
        return Timex(m.start(), m.end(), "SET", cal.duration_value(amount, LY_UNITS[word]), "set")
    target = (m["unit"] or m["unit2"] or "").lower()
    if target in WEEKDAYS:
        return Timex(m.start(), m.end(), "SET", f"XXXX-WXX-{WEEKDAYS[target] + 1}", "set")
    if target in MONTHS:
        return Timex(m.start(), m.end(), "SET", f"XXXX-{MONTHS[target]:02d}", "set")
    if target in cal.SEASONS:  # "each summer": TimeML writes a recurring season with an unknown year
        return Timex(m.start(), m.end(), "SET", f"XXXX-{cal.SEASON_CODES[cal.SEASONS[target]]}", "set")
    if target in PARTS_OF_DAY and target != "day":
        return Timex(m.start(), m.end(), "SET", f"XXXX-XX-XX{PARTS_OF_DAY[target]}", "set")
    unit = _unit_of(target)
    amount = parse_number(m["num"]) if m["num"] else 1
    if unit == "fortnight":
        unit, amount = "week", 2
    if unit == "weekend":
        return Timex(m.start(), m.end(), "SET", "XXXX-WXX-WE", "set")
    return Timex(m.start(), m.end(), "SET", cal.duration_value(amount, unit), "set")


# Anaphora: "that day", "the next day", "the day before" --------------------------------------------------------

def _resolve_anaphoric(m: re.Match, ctx: Context, text: str) -> Timex | None:
    rel = " ".join((m["a"] or m["dir"] or "").lower().split())
    unit = (m["unit"] or m["unit3"]).lower()
    step = 0
    if rel in ("the next", "the following", "the very next", "after", "later"):
        step = 1
    elif rel in ("the previous", "the preceding", "the prior", "before", "earlier", "prior"):
        step = -1
    if m["dir"] and re.match(r"\s+[a-z]", text[m.end(): m.end() + 3]):
        return None  # "the day before leaving": "before" heads a clause of its own
    base = ctx.ref
    if base is None:
        if ctx.dct is None:
            return _unresolved(m, ctx, "DATE", "anaphoric", None)
        base = cal.day_point(ctx.dct)
    suffix = PARTS_OF_DAY.get(unit, "") if unit not in ("day",) else ""
    if unit in ("day", "morning", "afternoon", "evening", "night"):
        if base.gran == cal.MONTH and not step and not suffix:
            # "last October ... that same day": a day of the month just named, TimeML's YYYY-MM-XX
            return Timex(m.start(), m.end(), "DATE", f"{base.value()}-XX", "anaphoric", reference=False)
        if base.gran != cal.DAY:
            # "trades made that day" after only a year or a week has been named: a generic day that no
            # value can be given to; left out, as other expressions the rules cannot normalise are.
            return None
        point = cal.day_point(base.date() + dt.timedelta(days=step), suffix)
        return _dated(m, point, "anaphoric", type_="TIME" if suffix else "DATE")
    if unit == "weekend":
        return None
    gran = UNIT_GRAN[unit]
    if not step and gran in (cal.WEEK, cal.MONTH) and _finer(gran, base.gran) and base.gran != cal.WEEK:
        # "that week" after only a month or a year is some week of it: TimeML's X for the unknown part
        # (the first week of the year would be a guess).
        value = f"{base.year:04d}-WXX" if gran == cal.WEEK else f"{base.year:04d}-XX"
        return Timex(m.start(), m.end(), "DATE", value, "anaphoric", reference=False)
    point = cal.at_granularity(base.date(), gran)
    if step:
        point = cal.shift(point, step, gran)
    return _dated(m, point, "anaphoric")


# Holidays ----------------------------------------------------------------------------------------------------

def _holiday_date(name: str, year: int) -> dt.date | None:
    fixed = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
             "new year's day": (1, 1), "new year's eve": (12, 31), "new year's": (1, 1), "halloween": (10, 31),
             "valentine's day": (2, 14), "independence day": (7, 4), "boxing day": (12, 26), "may day": (5, 1)}
    if name in fixed:
        return cal.safe_date(year, *fixed[name])
    if name in ("easter", "easter sunday", "easter week", "holy week"):
        return cal.easter(year)
    if name == "election day":  # US: the Tuesday after the first Monday of November
        return cal.nth_weekday(year, 11, 0, 1) + dt.timedelta(days=1)
    if name == "good friday":
        return cal.easter(year) - dt.timedelta(days=2)
    if name in ("thanksgiving", "thanksgiving day"):
        return cal.nth_weekday(year, 11, 3, 4)
    if name == "labor day":
        return cal.nth_weekday(year, 9, 0, 1)
    if name == "memorial day":
        return cal.nth_weekday(year, 5, 0, -1)
    return None


def _resolve_holiday(m: re.Match, ctx: Context, text: str) -> Timex | None:
    name = " ".join(m["h"].lower().replace("\u2019", "'").split())
    point = cal.week_point if name.endswith("week") else cal.day_point  # "Easter week": the week ending on Easter
    if m["year"]:
        return _dated(m, point(_holiday_date(name, int(m["year"]))), "holiday")  # type: ignore[arg-type]
    if ctx.dct is None:
        return _unresolved(m, ctx, "DATE", "holiday", None)
    rel = (m["rel"] or "").lower()
    direction = {"last": "past", "next": "future"}.get(rel) or ctx.direction(m.start(), m.end()) or "past"
    this_year = _holiday_date(name, ctx.dct.year)
    if this_year is None:
        return None
    if rel or abs((this_year - ctx.dct).days) > 7:  # a holiday this week is this year's, whatever the tense
        if direction == "past" and this_year > ctx.dct:
            this_year = _holiday_date(name, ctx.dct.year - 1)
        elif direction == "future" and this_year < ctx.dct:
            this_year = _holiday_date(name, ctx.dct.year + 1)
    return _dated(m, point(this_year), "holiday")  # type: ignore[arg-type]


# -- assembling the grammar --------------------------------------------------------------------------------------

def _families() -> list[tuple[str, str, Resolver]]:
    """(name, pattern, resolver) of every rule family, most specific first (the order breaks ties)."""
    # Case-insensitive pieces, named here because f-strings cannot hold backslashes in expressions.
    month_rel = _i(r'last|next|this\s+past|this\s+coming|this|the\s+coming|the\s+past')
    fiscal = _i(r'(?:the\s+)?(?:fiscal|calendar)(?:\s+year)?|the\s+year')
    day_part = _i(r'morning|afternoon|evening|night|overnight')
    am_pm = _i(r'a\.m\.|p\.m\.|a\.m|p\.m|am|pm')
    clock_word = _i(r'noon|midnight|midday')
    local_time = _i('local time')
    on = _i('on')
    deixis = _i('today|yesterday|tomorrow|tonight')
    holiday_rel = _i('last|next|this')
    year_rel = _i(r"last|this|next")
    day_rel = _i(r"last|next|this\s+past|this\s+coming")
    wd_rel = _i(r"last|next|this\s+past|this\s+coming|this|the\s+following|the\s+next|the\s+previous|early|late")
    return [
        ("iso", r"(?<![\d-])(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::\d{2})?)?"
                r"(?![\d-])", _resolve_iso),
        ("slash", r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])", _resolve_slash),
        ("month_day", rf"{B}(?:(?P<rel>{day_rel})\s+)?(?:{WEEKDAY_RE},?\s+)?(?:{_i(EDGE)})?"
                      rf"(?P<mon>{MONTH_RE})\s*(?P<day>\d{{1,2}})"
                      r"(?:st|nd|rd|th)?(?![\d:,.]\d)(?:,?\s+(?P<year>\d{4})(?![\d]))?(?!\w)", _resolve_month_day),
        ("day_month", rf"{B}(?:{WEEKDAY_RE},?\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
                      rf"(?P<mon>{MONTH_RE})(?:,?\s+(?P<year>\d{{4}})(?!\d))?", _resolve_month_day),
        ("month_year", rf"{B}(?:{_i(EDGE)})?(?P<mon>{MONTH_RE})(?:,|\s+of)?\s+(?:(?P<year>\d{{4}})(?![\d])"
                       rf"|(?P<wy>{_i(SPOKEN_YEAR_RE)}))", _resolve_month_year),
        ("season", _i(rf"{B}(?:the\s+)?(?:(?P<part>early|late|mid)[\s-]+)?(?P<season>{SEASON_RE})(?:\s+of)?,?\s+"
                      rf"(?:(?P<year>1[6-9]\d\d|20\d\d)(?![\w%]|[,.]\d|-\d)|(?P<wy>{SPOKEN_YEAR_RE})"
                      r"|(?P<ry>last|this|next)\s+year(?![\w-]))"),
         _resolve_season),
        ("month", rf"{B}(?:(?P<rel>{month_rel})\s+)?"
                  rf"(?:{_i(EDGE)})?(?P<mon>{FULL_MONTH_RE}|Sept\.|Aug\.|Oct\.|Nov\.|Dec\.|Jan\.|Feb\.)"
                  rf"(?:\s+(?P<ry>{year_rel})\s+year(?!\w))?", _resolve_month),
        ("year", rf"{B}(?:{_i(EDGE)})?(?:{fiscal}\s+)?"
                 r"(?<![\w$.,/])(?P<year>1[6-9]\d\d|20\d\d)(?![\w%]|[,.]\d|-\d|\s*(?:percent|per\s+cent)"
                 # "(1900 GMT)": a wire story's 24-hour clock, not the year 1900
                 r"|\s*(?:GMT|UTC|Z\b|hrs\b|hours\s+(?:GMT|local)))",
         _resolve_year),
        ("word_year", _i(r"(?<![\w-])(?:the\s+year\s+)?(?:nineteen\s+(?:hundred\s+(?:and\s+)?)?(?P<t>ten|twenty|thirty"
                         r"|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?P<o>one|two|three|four|five|six|seven"
                         r"|eight|nine))?|two\s+thousand(?:\s+and)?(?P<tt>(?:\s+(?:one|two|three|four|five|six|seven"
                         r"|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
                         r"|twenty(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?))?)|the\s+(?P<dw>twenties"
                         r"|thirties|forties|fifties|sixties|seventies|eighties|nineties))(?![\w-])"),
         _resolve_word_year),
        ("decade", _i(rf"{B}(?:the\s+)?(?:{EDGE})?(?:(?P<dec>(?:1[5-9]|20)\d0)'?s|'(?P<dd>\d)0'?s){E}"),
         _resolve_decade),
        ("century", _i(rf"{B}(?:the\s+)?(?:{EDGE})?(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<w>eighteenth|nineteenth"
                       r"|twentieth|twenty[-\s]first))[-\s]century|(?:the\s+)?(?P<rel>this|last|past|current)\s+century"
                       r"(?!\w)"), _resolve_century),
        ("nth_weekday", _i(r"(?<![\w'-])(?:the\s+)?(?P<ord>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+")
         + rf"(?P<wd>{WEEKDAY_RE})\s+(?:{_i('in|of')})\s+(?P<mon>{MONTH_RE})(?:,?\s+(?P<year>\d{{4}})(?!\d))?",
         _resolve_nth_weekday),
        ("weekday", rf"{B}(?:(?P<rel>{wd_rel})\s+)?(?P<wd>{WEEKDAY_RE})(?P<pl>s)?(?![\w-])"
                    rf"(?:\s+(?P<pod>{day_part})(?!\w))?", _resolve_weekday),
        ("clock", rf"(?<![\w:.$])(?:(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}}))?\s*"
                  rf"(?P<ap>{am_pm})(?!\w)"
                  r"|(?P<h2>[01]?\d|2[0-3]):(?P<m2>[0-5]\d)(?![\d:])"
                  rf"|(?P<word>{clock_word})(?!\w)"
                  rf"|(?P<h3>\d{{1,2}}|{_i(CLOCK_NUMBER_RE)})\s+o['’]clock(?:\s+in\s+the\s+(?P<pod3>{day_part}))?(?!\w)"
                  rf"|(?P<h4>\d{{1,2}})\s+in\s+the\s+(?P<pod4>{day_part})(?!\w))"
                  rf"(?:\s+(?:[ECMP][SD]T|GMT|UTC|BST|CET|{local_time})(?!\w))?"
                  rf"(?:,?\s+(?:{on}\s+)?(?:(?P<wd>{WEEKDAY_RE})|(?P<deixis>{deixis})"
                  rf"|(?P<mon>{MONTH_RE})\s*(?P<dom>\d{{1,2}}))(?![\w]))?", _resolve_clock),
        ("part_of_day", _i(r"(?<![\w-])(?:(?P<rel>this|yesterday|tomorrow|last|early\s+this|late\s+this|later\s+this"
                           r"|earlier\s+this|early\s+yesterday|late\s+yesterday)\s+(?P<pod>morning|afternoon|evening"
                           r"|night)|(?P<tn>tonight|overnight)|(?P<mp>mid-?\s?(?:morning|afternoon))"
                           # "in the morning": the span is "the morning", as TimeML leaves prepositions out
                           r"|(?:(?<=\bin\s)|(?<=\bduring\s))the\s+(?P<pm>morning|afternoon|evening|night))"
                           r"(?![\w-])"),
         _resolve_part_of_day),
        ("deictic", _i(r"(?<![\w-])(?:(?P<dmod>early|late|earlier|later)\s+)?(?P<w>the\s+day\s+before\s+yesterday"
                       r"|the\s+day\s+after\s+tomorrow|today|yesterday|tomorrow|now|currently|nowadays|recently|lately"
                       r"|the\s+past(?!\s+(?:\d|few|several|many|couple|" + NUMBER_RE +
                       r"|week|month|year|decade|century|day|quarter|weekend|summer|winter|spring|fall|autumn|"
                       r"hours?|minutes?|night|half)\b)|the\s+(?:near\s+|distant\s+|foreseeable\s+|immediate\s+)?future"
                       r"|future|these\s+days|right\s+now|at\s+present|presently|at\s+the\s+moment|soon|current"
                       r"|a\s+later\s+(?:date|time)"
                       r"|the\s+(?:near|short|long)\s+term)"
                       r"(?![\w-])"), _resolve_deictic),
        ("relative_unit", _i(rf"{B}(?:{EDGE})?(?P<shift>(?:earlier|later|early|late)\s+)?(?P<rel>this\s+past"
                             r"|this\s+coming|this|last|next|past|previous|coming|current|following|the\s+past"
                             r"|the\s+last|the\s+next|the\s+previous|the\s+coming|the\s+current|the\s+following"
                             r"|the\s+same|the\s+prior|that\s+same|that|the)\s+(?:fiscal\s+|calendar\s+|full\s+|whole\s+"
                             r"|entire\s+)?"
                             rf"(?:(?P<part>early|late|mid)[\s-]+(?={SEASON_RE}))?(?P<unit>week-?end|week|month"
                             rf"|year|decade|{SEASON_RE})(?!\w|-\w)"), _resolve_relative_unit),
        ("year_part", _i(rf"{B}(?:the\s+)?(?:year[-\s]?end|year['’]s\s+end|mid-?year|end-of-year|month-?end"
                         rf"|month['’]s\s+end){E}"), _resolve_year_part),
        ("quarter", _i(rf"{B}(?:(?P<det>the|this|last|next|its|their|a)\s+)?(?:(?P<pyear>(?:19|20)\d\d)\s+)?"
                       r"(?P<pre>(?:(?:year-earlier|year-ago"
                       r"|year\s+earlier|prior\s+year|latest|current|previous|prior|preceding|recent|most\s+recent|same|comparable"
                       r"|just-ended|just\s+ended|fiscal|calendar|first|second|third|fourth|final|1st|2nd|3rd|4th"
                       r"|last|this\s+year's|last\s+year's|next\s+year's)[\s-]+)*)(?P<q>quarter|half|period)(?:\s+of\s+(?:fiscal\s+)?"
                       r"(?:(?:the\s+year\s+)?(?P<year>\d{4})|(?P<ofrel>the|this|last|next)\s+year))?(?![\w-])"),
         _resolve_quarter),
        ("ago", _i(rf"{B}(?:{APPROX}\s+)?(?P<num>{NUMBER_RE})[\s-]+(?P<unit>{UNIT_RE})\s+(?:or\s+so\s+)?"
                   r"(?P<dir>ago|earlier|later|from\s+now|hence|back)(?!\w)"), _resolve_ago),
        ("year_ago", _i(rf"{B}(?:(?:the\s+)?(?P<u>year|month|week|quarter)[-\s](?:earlier|ago)(?:\s+(?:period|quarter"
                        r"|results|level|levels|figure|figures))?|the\s+(?:quarter|period)\s+a\s+(?P<u2>year)\s+(?:ago"
                        r"|earlier)|the\s+(?:corresponding|same|comparable|year-earlier)\s+(?:period|quarter)\s+(?:of\s+)?"
                        r"(?P<u3>last\s+year|a\s+year\s+(?:ago|earlier)))(?![\w-])"), _resolve_year_ago),
        ("duration", _i(rf"{B}(?:the\s+)?(?:(?P<rel>past|last|next|first|coming|previous|final|following|latest"
                        r"|remaining|initial|same|further|additional|subsequent|preceding|prior)\s+)?"
                        rf"(?:{APPROX}\s+)?(?P<num>{NUMBER_RE})(?:[\s-]+(?:more|additional|full|straight"
                        rf"|consecutive|further|successive|long|trading|business|working|calendar))?[\s-]+(?P<unit>{UNIT_RE})"
                        r"(?P<half>\s+and\s+a\s+half)?(?:[\s-]long)?(?![\w-])"),
         _resolve_duration),
        ("unit_long", _i(r"(?<![\w'-])(?P<unit>hour|day|week|month|year|decade)-?long(?![\w-])"),
         _resolve_unit_long),
        ("bare_plural", _i(r"(?:(?<=\bfor\s)|(?<=\bwithin\s)|(?<=\bin\s)|(?<=\bfor\s\s)|(?P<recent>(?:the\s+)?(?:recent"
                           r"|coming|next\s+few|past\s+few|last\s+few|future)\s+))"
                           r"(?P<unit>years|months|weeks|days|decades|hours|centuries)(?![\w-])"
                           # "in the weeks ahead", "in the months to come": a vague stretch still to come
                           r"|(?<![\w'-])the\s+(?P<unit2>years|months|weeks|days|hours)\s+(?:ahead|to\s+come)(?![\w-])"),
         _resolve_bare_plural),
        ("set", _i(rf"{B}(?:(?P<ly>daily|weekly|monthly|annually|yearly|hourly|nightly|biweekly"
                   rf"|semiannually)|(?:every|each|per)\s+(?:other\s+)?(?:(?P<num>{NUMBER_RE})\s+)?(?P<unit>{UNIT_RE}"
                   r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|afternoon|evening|night"
                   r"|january|february|march|april|may|june|july|august|september|october|november|december"
                   r"|spring|summer|fall|autumn|winter)"
                   rf"|(?:once|twice|(?:{NUMBER_RE})\s+times)\s+(?:a|an|per)\s+(?P<unit2>{UNIT_RE}))(?!\w)"),
         _resolve_set),
        ("anaphoric", _i(r"(?<![\w-])(?:(?:earlier|later|early|late)\s+)?(?:(?P<a>that\s+same|that|the\s+same"
                         r"|the\s+next|the\s+following|the\s+previous|the\s+preceding|the\s+prior|the\s+very\s+next"
                         r"|the\s+very\s+same)\s+(?P<unit>day|morning|afternoon|evening|night|week|weekend|month"
                         r"|year)|the\s+(?P<unit3>day|night|week|month|year)\s+(?P<dir>before|after|earlier|later"
                         r"|prior))(?!\w)"), _resolve_anaphoric),
        ("holiday", rf"{B}(?:(?P<rel>{holiday_rel})\s+)?(?P<h>Christmas(?:\s+Day|\s+Eve)?|New\s+Year['’]s"
                    r"(?:\s+Day|\s+Eve)?|Thanksgiving(?:\s+Day)?|Halloween|Easter\s+[Ww]eek|Holy\s+Week|Easter(?:\s+Sunday)?"
                    r"|Good\s+Friday|Election\s+Day"
                    r"|Valentine['’]s\s+Day|Independence\s+Day|Labor\s+Day|Memorial\s+Day|Boxing\s+Day|May\s+Day)"
                    r"(?:,?\s+(?P<year>\d{4}))?(?!\w)", _resolve_holiday),
    ]


@lru_cache(maxsize=1)
def build_grammar() -> tuple[Family, ...]:
    """Compile every family once per process (the component calls this in `__init__`)."""
    return tuple(Family(name, re.compile(pattern), resolve, priority)
                 for priority, (name, pattern, resolve) in enumerate(_families()))


FAMILY_NAMES = tuple(name for name, _, _ in _families())

# Families whose match is trusted only with some help from the parse (a year may be a count).
Guard = Callable[[str, int, int], bool]


# Every time expression contains one of its family's trigger words (or a number); a family's pattern only
# runs in windows around its triggers, which keeps the stage cheap on long articles (the patterns are
# costly per character, the trigger scan is one simple pass).
_MONTH_WORDS = frozenset(m.lower() for m in MONTHS)
_WEEKDAY_WORDS = frozenset(w.lower() for w in WEEKDAYS)
_UNIT_WORDS = frozenset(
    [
        "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "night", "nights", "week",
        "weeks", "fortnight", "fortnights", "month", "months", "quarter", "quarters", "year", "years", "decade",
        "decades", "century", "centuries", "millennium", "millennia", "weekend", "weekends"
    ])
_SEASON_WORDS = frozenset(["spring", "summer", "fall", "autumn", "winter"])
_DIGITS = "#"  # stands for any number in a trigger set
FAMILY_TRIGGERS: dict[str, frozenset[str]] = {
    "iso": frozenset({_DIGITS}), "slash": frozenset({_DIGITS}),
    "month_day": _MONTH_WORDS, "day_month": _MONTH_WORDS, "month_year": _MONTH_WORDS, "month": _MONTH_WORDS,
    "season": _SEASON_WORDS, "year": frozenset({_DIGITS}), "decade": frozenset({_DIGITS}),
    "word_year": frozenset([
        "nineteen", "thousand", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
        "nineties"
    ]),
    "century": frozenset({"century"}),
    "weekday": _WEEKDAY_WORDS,
    "nth_weekday": _WEEKDAY_WORDS,
    "clock": frozenset({_DIGITS, "noon", "midnight", "midday", "clock"}),
    "part_of_day": frozenset(["morning", "afternoon", "evening", "night", "tonight", "overnight"]),
    "deictic": frozenset([
        "today", "yesterday", "tomorrow", "now", "currently", "nowadays", "recently", "lately", "past", "future",
        "present", "presently", "moment", "soon", "current", "days", "term", "later"
    ]),
    "relative_unit": _UNIT_WORDS | _SEASON_WORDS | {"weekend", "week"},
    "year_part": frozenset(["year", "yearend", "midyear", "month", "monthend", "end"]),
    "quarter": frozenset({"quarter", "half", "period"}),
    "ago": frozenset({"ago", "earlier", "later", "hence", "back", "now"}),
    "year_ago": frozenset({"earlier", "ago", "corresponding", "comparable", "same"}),
    "duration": _UNIT_WORDS,
    "bare_plural": _UNIT_WORDS,
    # "day-long" is scanned as "day" and "long": "long" alone is the rarer trigger
    "unit_long": frozenset(["long", "hourlong", "daylong", "weeklong", "monthlong", "yearlong", "decadelong"]),
    "set": _UNIT_WORDS | _WEEKDAY_WORDS | _MONTH_WORDS | _SEASON_WORDS | frozenset(
        [
            "daily", "weekly", "monthly", "annually", "yearly", "hourly", "nightly", "biweekly", "semiannually",
            "morning", "afternoon", "evening", "night"
        ]),
    "anaphoric": _UNIT_WORDS | frozenset(["morning", "afternoon", "evening", "night"]),
    "holiday": frozenset([
        "christmas", "new", "thanksgiving", "halloween", "easter", "good", "valentine", "valentines", "holy",
        "election", "independence", "labor", "memorial", "boxing", "may"
    ]),
}
WORD = re.compile(r"\d+|[A-Za-z]{3,}")  # every trigger word has three letters or more
ALL_TRIGGERS = frozenset().union(*FAMILY_TRIGGERS.values())
WINDOW = 70  # characters either side of a trigger: longer than any expression's reach from its trigger


def _triggers(text: str) -> dict[str, list[tuple[int, int]]]:
    """Positions of every trigger word (numbers under "#"), in text order."""
    found: dict[str, list[tuple[int, int]]] = {}
    for m in WORD.finditer(text):
        word = m.group()
        key = _DIGITS if word[0].isdigit() else word.lower()
        if key in ALL_TRIGGERS:
            found.setdefault(key, []).append(m.span())
    return found


def windows(text: str, positions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merged stretches of `text` around trigger positions, snapped outwards to white space."""
    length = len(text)
    merged: list[tuple[int, int]] = []
    for t_start, t_end in sorted(positions):
        start, end = max(0, t_start - WINDOW), min(length, t_end + WINDOW)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < length and not text[end].isspace():
            end += 1
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def find(text: str, grammar: tuple[Family, ...], *, guard: Guard | None = None,
         ctx: Context | None = None) -> list[tuple[Family, re.Match]]:
    """All matches of all families, longest first, without overlaps, in text order.

    guard (callable): (family name, start, end) -> keep?; the stage uses the parse to refuse counts.
    ctx (Context): when given, a candidate whose resolver refuses it ("a quarter of the vote") is
    dropped before it can hide a shorter, valid candidate inside it. The trial runs on a scratch copy.
    """
    candidates: list[tuple[int, int, int, Family, re.Match]] = []
    seen: set[tuple[int, int, str]] = set()
    triggers = _triggers(text)
    for family in grammar:
        positions = [p for word in FAMILY_TRIGGERS[family.name] for p in triggers.get(word, ())]
        for start, end in windows(text, positions):
            for m in family.pattern.finditer(text, start, end):
                key = (m.start(), m.end(), family.name)
                if m.end() > m.start() and key not in seen:
                    seen.add(key)
                    candidates.append((m.end() - m.start(), -family.priority, m.start(), family, m))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
    scratch = Context(dct=ctx.dct, direction=ctx.direction, trial=True) if ctx is not None else None
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[Family, re.Match]] = []
    for _, _, start, family, m in candidates:
        end = m.end()
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        if guard is not None and not guard(family.name, start, end):
            continue
        if scratch is not None and _refused(family, m, scratch, text):
            continue
        taken.append((start, end))
        chosen.append((family, m))
    chosen.sort(key=lambda fm: fm[1].start())
    return chosen


def _refused(family: Family, m: re.Match, scratch: Context, text: str) -> bool:
    try:
        return family.resolve(m, scratch, text) is None
    except (ValueError, OverflowError, KeyError):
        return False


def resolve_all(text: str, matches: list[tuple[Family, re.Match]], ctx: Context) -> list[Timex]:
    """Resolve matches in text order, keeping the reference point up to date for anaphora."""
    found: list[Timex] = []
    for family, m in matches:
        try:
            timex = family.resolve(m, ctx, text)
        except (ValueError, OverflowError, KeyError):
            # A calendar corner (year 0, a name outside the lexicon): keep the span, unresolved.
            timex = Timex(m.start(), m.end(), "DATE", None, family.name, anchored=False)
        if timex is None:
            continue
        _trim(text, timex)
        if found and found[-1].borrow_day and timex.point is not None and timex.point.gran == cal.DAY \
                and timex.start - found[-1].end <= 30:
            # "at 10:35 a.m. (0735 GMT) Friday": the clock time belongs to the day named after it
            clock = found[-1]
            suffix = clock.point.suffix if clock.point else ""
            clock.point = cal.day_point(timex.point.date(), suffix)
            clock.value = clock.point.value()
        found.append(timex)
        point = timex.point
        if point is not None and timex.type in ("DATE", "TIME") and timex.reference:
            ctx.ref, ctx.ref_end = point, timex.end
            if point.gran == cal.QUARTER and _reported_quarter(point, ctx):
                ctx.last_quarter = point
    return found


def _reported_quarter(point: Point, ctx: Context) -> bool:
    """Whether a quarter just named becomes the report's quarter, which "a year ago" and "the year-earlier
    period" compare with: earnings news reports a finished quarter ("the fourth quarter" in an October
    outlook is not it) and names older ones only for comparison ("after a flat second quarter")."""
    if ctx.dct is not None and cal.shift(point, 1, cal.QUARTER).date() > ctx.dct:  # type: ignore[union-attr]
        return False
    last = ctx.last_quarter
    return last is None or (point.year, point.part) >= (last.year, last.part)


def _trim(text: str, timex: Timex) -> None:
    """Drop trailing punctuation and white space a pattern may have swallowed."""
    while timex.end > timex.start and text[timex.end - 1] in " \t\n,;:":
        timex.end -= 1
    while timex.start < timex.end and text[timex.start] in " \t\n":
        timex.start += 1


def tag(text: str, dct: dt.date | None, *, direction: Direction | None = None, guard: Guard | None = None,
        grammar: tuple[Family, ...] | None = None) -> tuple[list[Timex], Context]:
    """Find and normalise every time expression in `text` against `dct` (None: relative ones unresolved)."""
    grammar = grammar or build_grammar()
    ctx = Context(dct=dct)
    if direction is not None:
        ctx.direction = direction
    return resolve_all(text, find(text, grammar, guard=guard, ctx=ctx), ctx), ctx
