"""Calendar arithmetic and TIMEX3 value formatting for `sitrep_times` (stdlib `datetime` only).

TIMEX3 values (TimeML 1.2.1) are strings whose granularity is their shape: `2022` (year), `2022-03`
(month), `2022-W13` (ISO week), `2022-Q1` (quarter), `2022-03-29` (day), `2022-03-29TEV` (part of a
day), `2022-03-29T14:30` (clock time), `P9D`/`PT5H` (durations), `XXXX-WXX-2` (a set of Tuesdays),
`PRESENT_REF`/`PAST_REF`/`FUTURE_REF`. Everything here is pure and safe for impossible dates: a
function that cannot build a real date returns None rather than raising, so "February 30" never
crashes the stage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Granularities, finest first: a value's granularity decides how arithmetic on it is done.
DAY, WEEK, MONTH, QUARTER, HALF, SEASON, YEAR, DECADE, CENTURY = (
    "day", "week", "month", "quarter", "half", "season", "year", "decade", "century")


@dataclass(frozen=True, slots=True)
class Point:
    """A resolved calendar point at some granularity (the `value` of a DATE/TIME timex).

    Only the fields that the granularity needs are meaningful: a quarter uses `year` and `part`,
    a week uses the ISO year and week in `year`/`part`, a day uses `year`/`month`/`day`.
    """

    gran: str
    year: int
    month: int = 1
    day: int = 1
    part: int = 0  # quarter 1-4, half 1-2, ISO week 1-53, season index
    suffix: str = ""  # time-of-day suffix for day points: "TEV", "T14:30", ...

    def value(self) -> str:
        """The TIMEX3 value string of this point."""
        if self.gran == DAY:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}{self.suffix}"
        if self.gran == WEEK:
            return f"{self.year:04d}-W{self.part:02d}{self.suffix}"
        if self.gran == MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        if self.gran == QUARTER:
            return f"{self.year:04d}-Q{self.part}"
        if self.gran == HALF:
            return f"{self.year:04d}-H{self.part}"
        if self.gran == SEASON:
            return f"{self.year:04d}-{SEASON_CODES[self.part]}"
        if self.gran == DECADE:
            return f"{self.year // 10:03d}"
        if self.gran == CENTURY:
            return f"{self.year // 100:02d}"
        return f"{self.year:04d}"

    def date(self) -> dt.date:
        """The first day this point covers (used as a reference for anaphora)."""
        if self.gran == DAY:
            return dt.date(self.year, self.month, self.day)
        if self.gran == WEEK:
            return dt.date.fromisocalendar(self.year, self.part, 1)
        if self.gran == QUARTER:
            return dt.date(self.year, 3 * self.part - 2, 1)
        if self.gran == HALF:
            return dt.date(self.year, 6 * self.part - 5, 1)
        if self.gran == MONTH:
            return dt.date(self.year, self.month, 1)
        if self.gran == SEASON:  # spring from March, summer June, fall September, winter December
            return dt.date(self.year, 3 * self.part + 3, 1)
        return dt.date(self.year, 1, 1)


SEASON_CODES = ("SP", "SU", "FA", "WI")
SEASONS = {"spring": 0, "summer": 1, "fall": 2, "autumn": 2, "winter": 3}


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    """A real date, or None for impossible ones ("February 30", month 13)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def day_point(date: dt.date, suffix: str = "") -> Point:
    return Point(DAY, date.year, date.month, date.day, suffix=suffix)


def week_point(date: dt.date) -> Point:
    iso = date.isocalendar()
    return Point(WEEK, iso[0], part=iso[1])


def quarter_of(date: dt.date) -> int:
    return (date.month - 1) // 3 + 1


def shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) moved by `delta` months."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def shift(point: Point, amount: int, unit: str) -> Point | None:
    """`point` moved by `amount` units, keeping the point's granularity where it is coarser.

    "a year earlier" from 2019-Q3 is 2018-Q3; from 2019-08-07 at year granularity it is 2018.
    Returns None when the result falls outside the calendar (year < 1 or > 9999).
    """
    try:
        if unit in (DAY, WEEK):
            days = amount * (7 if unit == WEEK else 1)
            target = point.date() + dt.timedelta(days=days)
            if point.gran == WEEK:
                return week_point(target)
            return day_point(target, point.suffix) if point.gran == DAY else week_point(target)
        if unit in (MONTH, QUARTER) and point.gran in (WEEK, SEASON, HALF):
            # These points keep no month of their own: "last week ... a month earlier" counts from the
            # first day the point covers.
            point = Point(MONTH, point.date().year, point.date().month)
        if unit == MONTH:
            year, month = shift_months(point.year, point.month, amount)
            if point.gran == DAY:
                return day_point(_clamped(year, month, point.day))
            return Point(MONTH, year, month)
        if unit == QUARTER:
            if point.gran == QUARTER:
                index = point.year * 4 + point.part - 1 + amount
                return Point(QUARTER, index // 4, part=index % 4 + 1)
            year, month = shift_months(point.year, point.month, 3 * amount)
            return Point(QUARTER, year, part=(month - 1) // 3 + 1)
        years = amount * {YEAR: 1, DECADE: 10, CENTURY: 100}.get(unit, 1)
        if point.gran in (QUARTER, HALF, SEASON, MONTH, DAY, WEEK) and unit == YEAR:
            if point.gran == DAY:
                return day_point(_clamped(point.year + years, point.month, point.day), point.suffix)
            if point.gran == WEEK:
                return Point(WEEK, point.year + years, part=point.part)
            return Point(point.gran, point.year + years, point.month, point.day, point.part)
        gran = unit if unit in (DECADE, CENTURY) else YEAR
        year = point.year + years
        if not 1 <= year <= 9999:
            return None
        return Point(gran, year)
    except (ValueError, OverflowError):
        return None


def _clamped(year: int, month: int, day: int) -> dt.date:
    """The date, with the day clamped to the month's length (Jan 31 + 1 month = Feb 28/29)."""
    for d in (day, 30, 29, 28):
        date = safe_date(year, month, d)
        if date is not None:
            return date
    raise ValueError(f"no day in {year}-{month}")


def at_granularity(date: dt.date, gran: str) -> Point:
    """The point of granularity `gran` that contains `date`."""
    if gran == DAY:
        return day_point(date)
    if gran == WEEK:
        return week_point(date)
    if gran == MONTH:
        return Point(MONTH, date.year, date.month)
    if gran == QUARTER:
        return Point(QUARTER, date.year, part=quarter_of(date))
    if gran == HALF:
        return Point(HALF, date.year, part=1 if date.month <= 6 else 2)
    if gran == DECADE:
        return Point(DECADE, date.year)
    if gran == CENTURY:
        return Point(CENTURY, date.year)
    return Point(YEAR, date.year)


def nearest_weekday(dct: dt.date, weekday: int, direction: str) -> dt.date:
    """The `weekday` (Monday=0) nearest the DCT in `direction` ("past" or "future").

    The DCT's own weekday means the DCT itself in both directions: news says "Tuesday" for the
    day of publication.
    """
    delta = (weekday - dct.weekday()) % 7
    if direction == "future":
        return dct + dt.timedelta(days=delta)
    return dct - dt.timedelta(days=(7 - delta) % 7)


def month_year(dct: dt.date, month: int, direction: str | None) -> int:
    """The year of a bare month name: the DCT's own month is this year; otherwise tense decides, and
    without tense the occurrence nearest the DCT wins."""
    if month == dct.month:
        return dct.year
    # The neighbouring months are the ones meant, whatever the tense ("was set for mid-November" read
    # on 30 October; "rose in September" read in October).
    if (month - dct.month) % 12 == 1:
        return dct.year + (1 if month < dct.month else 0)
    if (dct.month - month) % 12 == 1:
        return dct.year - (1 if month > dct.month else 0)
    if direction is None:
        # Without tense, news leans to the past: a month up to three ahead is this year's (or next
        # year's across December), anything further ahead was last year's.
        ahead = (month - dct.month) % 12
        if ahead <= 3:
            return dct.year + (1 if month < dct.month else 0)
        return dct.year if month < dct.month else dct.year - 1
    if direction == "future":
        return dct.year if month > dct.month else dct.year + 1
    return dct.year if month < dct.month else dct.year - 1


def day_month_year(dct: dt.date, month: int, day: int, direction: str | None) -> int:
    """The year of "March 29" without a year: the DCT's year unless tense says it lies across
    the new year (a past event dated more than a week after the DCT was last year's)."""
    date = safe_date(dct.year, month, day) or safe_date(dct.year, month, 28)
    if date is None:
        return dct.year
    # Tense moves a date across the new year only when it lies well on the other side of the DCT
    # (a deadline "Nov. 17" stated in the past tense on Oct. 27 is still this year's).
    if direction == "past" and (date - dct).days > 60:
        return dct.year - 1
    if direction == "future" and (dct - date).days > 60:
        return dct.year + 1
    # Without tense, lean to the past: up to ~3 months ahead is this year's, further ahead last year's;
    # more than 9 months back is next year's (a date in January read in late December).
    if direction is None:
        days = (date - dct).days
        if days > 92:
            return dct.year - 1
        if days < -275:
            return dct.year + 1
    return dct.year


def easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th `weekday` of a month (n = -1 for the last one)."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    year2, month2 = shift_months(year, month, 1)
    last = dt.date(year2, month2, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def duration_value(amount: float | None, unit: str) -> str:
    """A TIMEX3 duration: P3D, PT5H, P1.5Y, PXY (unknown amount)."""
    code = DURATION_CODES[unit]
    if amount is None:
        number = "X"
    elif amount == int(amount):
        number = str(int(amount))
    else:
        # Half units read better as the next smaller unit (5 1/2 hours = PT5H30M).
        whole, frac = int(amount), amount - int(amount)
        if unit == "minute" and frac == 0.5:
            return f"PT{whole}M30S" if whole else "PT30S"
        if unit == "hour" and frac == 0.5:
            return f"PT{whole}H30M" if whole else "PT30M"
        if unit == "year" and frac == 0.5:
            return f"P{whole}Y6M" if whole else "P6M"
        number = f"{amount:g}"
    return f"PT{number}{code}" if unit in TIME_UNITS else f"P{number}{code}"


DURATION_CODES = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W", "fortnight": "W",
    "month": "M", "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE", "millennium": "ML",
    "weekend": "WE",
}
TIME_UNITS = frozenset({"second", "minute", "hour"})
