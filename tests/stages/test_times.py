"""`sitrep_times`: time expressions detected and normalised to TIMEX3 values (issue 5).

One test per rule family of `timex_grammar` (a parametrized table, one case list per family, and a
test that no family is left without cases), then the behaviours that need the parse: tense deciding
the direction of bare weekdays and months, years versus counts, bad publication dates, event dates.
Every sentence is written for the test; the seed test reads the seed article from ../shared at run time.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import sitrep
from sitrep.model import Article, text_sha256
from sitrep.pipeline import make_doc
from sitrep.stages import timex_calendar as cal
from sitrep.stages.times import event_date, precision_of
from sitrep.stages.timex_grammar import FAMILY_NAMES, tag

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "seed"


@pytest.fixture(scope="module")
def nlp_times() -> Language:
    """The English model with the times stage only, so another stage's state cannot break these."""
    return sitrep.load(stages=["sitrep_times"])


def run(nlp: Language, text: str, published: str | None = "2022-03-31") -> Doc:
    """Parse `text` as an article published on `published` (2022-03-31 is a Thursday)."""
    article = Article(id="test", text=text, published=published, sha256=text_sha256(text))
    return nlp(make_doc(nlp, article))


def found(doc: Doc) -> dict[str, tuple[str, str | None]]:
    return {t.text: (t.type, t.value) for t in doc._.times}


# -- one table per rule family: (sentence, expression, type, value); DCT Thursday 2022-03-31 ---------------------

FAMILY_CASES: dict[str, list[tuple[str, str, str, str | None]]] = {
    "iso": [("The file is dated 2021-11-05 in the archive.", "2021-11-05", "DATE", "2021-11-05"),
            ("Logged at 2021-11-05 14:30 by the guard.", "2021-11-05 14:30", "TIME", "2021-11-05T14:30")],
    "slash": [("The order was signed on 11/05/2021.", "11/05/2021", "DATE", "2021-11-05")],
    "month_day": [("The ceasefire began on Nov. 5, 2021, in the south.", "Nov. 5, 2021", "DATE", "2021-11-05"),
                  ("Talks resumed on March 14 in the capital.", "March 14", "DATE", "2022-03-14")],
    "day_month": [("Voting took place on 17 October 2020.", "17 October 2020", "DATE", "2020-10-17"),
                  ("Police closed the road on 2 March.", "2 March", "DATE", "2022-03-02")],
    "month_year": [("The dam was finished in August 2019.", "August 2019", "DATE", "2019-08"),
                   ("It was January nineteen ninety-seven, she said.", "January nineteen ninety-seven", "DATE",
                    "1997-01")],
    "season": [("Oil was cheap in the winter of 1994.", "the winter of 1994", "DATE", "1994-WI"),
               ("The bridge opened in summer 2020.", "summer 2020", "DATE", "2020-SU"),
               ("We saw that price in the winter of nineteen eighty-two.", "the winter of nineteen eighty-two",
                "DATE", "1982-WI"),
               ("The dam burst in the spring of last year.", "the spring of last year", "DATE", "2021-SP")],
    "month": [("Prices rose sharply in January.", "January", "DATE", "2022-01"),
              ("The army withdrew last October.", "last October", "DATE", "2021-10"),
              ("Elections are due in early June.", "early June", "DATE", "2022-06")],
    "year": [("The border was redrawn in 1994 after the war.", "1994", "DATE", "1994"),
             ("The fund will close by mid-2025.", "mid-2025", "DATE", "2025")],
    "word_year": [("It began in nineteen ninety-four, she recalled.", "nineteen ninety-four", "DATE", "1994")],
    "decade": [("The feud goes back to the 1980s.", "the 1980s", "DATE", "198")],
    "century": [("The fort dates from the 18th century.", "the 18th century", "DATE", "17"),
                # "the past century" is the last hundred years, like "the past decade" = P10Y
                ("The lake has shrunk over the past century.", "the past century", "DURATION", "P100Y")],
    "weekday": [("Rebels attacked the convoy on Monday.", "Monday", "DATE", "2022-03-28"),
                ("The minister resigned late Tuesday.", "late Tuesday", "DATE", "2022-03-29"),
                ("Shelling resumed on Wednesday evening.", "Wednesday evening", "TIME", "2022-03-30TEV"),
                # counted from the week just named, not from the DCT
                ("The envoy will visit next week and fly home the following Monday.", "the following Monday",
                 "DATE", "2022-04-11")],
    "nth_weekday": [("Voters go to the polls on the first Sunday in May.", "the first Sunday in May", "DATE",
                     "2022-05-01"),
                    ("The fair closed on the last Friday of June 2021.", "the last Friday of June 2021", "DATE",
                     "2021-06-25")],
    "clock": [("The blast happened at 10:35 a.m. near the market.", "10:35 a.m.", "TIME", "2022-03-31T10:35"),
              ("The curfew began at 9 p.m. Tuesday.", "9 p.m. Tuesday", "TIME", "2022-03-29T21:00"),
              ("The convoy left at 4 in the morning.", "4 in the morning", "TIME", "2022-03-31T04:00"),
              ("The shops shut at ten o'clock in the evening.", "ten o'clock in the evening", "TIME",
               "2022-03-31T22:00")],
    "part_of_day": [("Sirens sounded this morning in the city.", "this morning", "TIME", "2022-03-31TMO"),
                    ("Two drones were shot down last night.", "last night", "TIME", "2022-03-30TNI"),
                    # a part of the day just named; without a named day "in the morning" is generic
                    ("The market reopened on Tuesday. Prices fell in the morning.", "the morning", "TIME",
                     "2022-03-29TMO")],
    "deictic": [("The governor spoke to reporters yesterday.", "yesterday", "DATE", "2022-03-30"),
                ("The crossing is now closed.", "now", "DATE", "PRESENT_REF"),
                ("Aid will arrive tomorrow.", "tomorrow", "DATE", "2022-04-01"),
                ("Prices may stay high in the near term.", "the near term", "DATE", "FUTURE_REF"),
                ("The bonds will be sold at a later date.", "a later date", "DATE", "FUTURE_REF")],
    "relative_unit": [("Fighting intensified last week near the port.", "last week", "DATE", "2022-W12"),
                      ("The council meets again next month.", "next month", "DATE", "2022-04"),
                      ("Inflation rose earlier this year.", "earlier this year", "DATE", "2022"),
                      ("Crops failed last summer.", "last summer", "DATE", "2021-SU"),
                      ("Orders recovered from the lows of the early summer.", "the early summer", "DATE", "2021-SU"),
                      ("Crime has doubled over the past decade.", "the past decade", "DURATION", "P10Y"),
                      # without a number, "the past year" is the year just gone (TempEval-3), with one a duration
                      ("Rents rose 8% over the past year.", "the past year", "DATE", "2021"),
                      ("Rents rose 8% over the past two years.", "the past two years", "DURATION", "P2Y"),
                      ("The minister will tour the region this weekend.", "this weekend", "DATE", "2022-W13-WE"),
                      # a season after a named date is that year's
                      ("The river flooded in May 2019. That summer, crops failed.", "That summer", "DATE",
                       "2019-SU")],
    "year_part": [("The deal should close by year-end.", "year-end", "DATE", "2022"),
                  ("New rules should be in place by year's end.", "year's end", "DATE", "2022"),
                  # the year-end already reached is last year's
                  ("The index has gained 9% since year-end.", "year-end", "DATE", "2021")],
    "quarter": [("Exports fell in the first quarter of 2021.", "the first quarter of 2021", "DATE", "2021-Q1"),
                ("Profit rose in the second half of 2020.", "the second half of 2020", "DATE", "2020-H2"),
                ("Profit should rise in the second half of the year.", "the second half of the year", "DATE",
                 "2022-H2")],
    "ago": [("The camp opened three years ago.", "three years ago", "DATE", "2019"),
            ("The talks collapsed two weeks ago.", "two weeks ago", "DATE", "2022-W11")],
    "year_ago": [("Sales were lower than in the year-ago period.", "the year-ago period", "DATE", "2021")],
    "duration": [("The siege lasted nine days.", "nine days", "DURATION", "P9D"),
                 ("They held a 16-hour vigil.", "16-hour", "DURATION", "PT16H"),
                 ("The strike has gone on for more than two decades.", "more than two decades", "DURATION", "P20Y"),
                 ("Residents waited for several months.", "several months", "DURATION", "PXM"),
                 ("It made money after several quarters of losses.", "several quarters", "DURATION", "PXQ"),
                 ("The trial is expected to last six weeks.", "six weeks", "DURATION", "P6W")],
    "bare_plural": [("The road has been closed for years.", "years", "DURATION", "PXY")],
    "unit_long": [("The envoy ended a weeklong tour of the region.", "weeklong", "DURATION", "P1W"),
                  ("Judges ended the decade-long dispute.", "decade-long", "DURATION", "P10Y")],
    "set": [("Convoys cross the border daily.", "daily", "SET", "P1D"),
            ("The committee meets every Tuesday.", "every Tuesday", "SET", "XXXX-WXX-2"),
            ("Inspectors visit twice a year.", "twice a year", "SET", "P1Y"),
            ("The herders move north each summer.", "each summer", "SET", "XXXX-SU")],
    "anaphoric": [("The clashes began on March 3. The next day, troops arrived.", "The next day", "DATE",
                   "2022-03-04"),
                  # after a month only, "that same day" is a day of that month with the day unknown
                  ("The mill burned down last October. Its owner left town that same day.", "that same day",
                   "DATE", "2021-10-XX"),
                  # after only a year, "that week" is some week of it (TimeML's X), not the year's first week
                  ("The mill burned down in 2019. Its owner left town that week.", "that week", "DATE", "2019-WXX")],
    "holiday": [("The prisoners were freed on Christmas Day 2021.", "Christmas Day 2021", "DATE", "2021-12-25"),
                ("Pilgrims will crowd the city as Easter week begins.", "Easter week", "DATE", "2022-W15"),
                ("Candidates will campaign hard from now to Election Day.", "Election Day", "DATE", "2022-11-08")],
}


@pytest.mark.parametrize("family", sorted(FAMILY_CASES))
def test_rule_family(nlp_times: Language, family: str) -> None:
    for sentence, expression, type_, value in FAMILY_CASES[family]:
        doc = run(nlp_times, sentence)
        assert found(doc).get(expression) == (type_, value), (sentence, found(doc))


def test_every_rule_family_has_a_test() -> None:
    assert set(FAMILY_NAMES) == set(FAMILY_CASES)


# -- what the parse decides -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "value"), [
    ("The envoy said on Tuesday that he was hopeful.", "2022-03-29"),  # past tense: the Tuesday just gone
    ("The envoy will meet rebel leaders on Tuesday.", "2022-04-05"),  # future: the next Tuesday
    ("The rebels plan to hand over weapons on Saturday.", "2022-04-02"),  # plan to: ahead
    ("Officials postponed the vote until Monday.", "2022-04-04"),  # deferred until: ahead
    ("Police have given the squatters until Monday to leave.", "2022-04-04"),  # a deadline given: ahead
    ("The peace talks start on Tuesday in Geneva.", "2022-04-05"),  # timetable present: ahead
    ("The envoy could not be reached on Tuesday.", "2022-03-29"),  # negated "could": a past "can"
    ("The offer had been due to expire on Tuesday.", "2022-03-29"),  # pluperfect copula: past
    ("The first envoys to arrive on Tuesday were Kenyan.", "2022-03-29"),  # infinitive subject: its own clause
    ("The photograph is from Tuesday.", "2022-03-29"),  # a bare "is" does not look ahead
    ("Markets are calm after Tuesday's vote and will open Monday.", "2022-03-29"),  # a noun's date: no tense
    ("The mine will be shut for two weeks starting Monday.", "2022-04-04"),  # a bare participle: clause tense
    ("The ferry was shut for two weeks starting Monday.", "2022-03-28"),
    ("Under the new rota, the crews get their pay by Friday.", "2022-04-01"),  # "by": a deadline, ahead
    ("The curfew remains in force until Monday.", "2022-04-04"),  # a present state lasting until then
    ("The audit results are due Friday.", "2022-04-01"),  # a present copula with "due": ahead
])
def test_tense_decides_the_direction_of_a_bare_weekday(nlp_times: Language, sentence: str, value: str) -> None:
    doc = run(nlp_times, sentence)
    weekday = next(t for t in doc._.times if t.type == "DATE")
    assert weekday.value == value


@pytest.mark.parametrize(("sentence", "value"), [
    ("The government raised taxes in November.", "2021-11"),  # past tense: last November
    ("The government will raise taxes in November.", "2022-11"),  # future: this coming November
    ("The bank has extended the credit line through November.", "2022-11"),  # extended through: ahead
    ("The plan is a way to repay the loan by November.", "2022-11"),  # no tense, "by" a deadline: ahead
    ("The firm had repaid the loan by November.", "2021-11"),  # a tense wins over "by"
    ("Local elections are slated for November.", "2022-11"),  # "slated" (lemmatised "slat") looks ahead
])
def test_tense_decides_the_year_of_a_bare_month(nlp_times: Language, sentence: str, value: str) -> None:
    doc = run(nlp_times, sentence)
    assert found(doc)["November"] == ("DATE", value)


def test_earnings_comparisons_lean_on_the_reported_quarter(nlp_times: Language) -> None:
    # A quarter still to come ("expects a loss in the fourth quarter") is not the quarter the report
    # compares with; "a year ago" is the reported quarter a year before.
    text = ("Profit rose 5% in the third quarter, and the company expects a loss in the fourth quarter. "
            "Sales were lower than a year ago.")
    doc = run(nlp_times, text, published="2021-11-02")
    assert found(doc)["a year ago"] == ("DATE", "2020-Q3")


def test_the_previous_quarter_is_the_one_before_the_reported_quarter(nlp_times: Language) -> None:
    # In a report on the third quarter, "the previous quarter" is the second; "last quarter" stays the
    # last finished one.
    text = "Profit rose 5% in the third quarter from the previous quarter. Sales also grew last quarter."
    doc = run(nlp_times, text, published="2021-11-02")
    assert found(doc)["the previous quarter"] == ("DATE", "2021-Q2")
    assert found(doc)["last quarter"] == ("DATE", "2021-Q3")


def test_a_count_is_not_a_year(nlp_times: Language) -> None:
    doc = run(nlp_times, "About 1500 troops crossed the river in 1999.")
    assert list(found(doc)) == ["1999"]


def test_a_wire_clock_time_is_not_a_year(nlp_times: Language) -> None:
    # "(1900 GMT)" restates the local time on a 24-hour clock; it is not the year 1900
    doc = run(nlp_times, "The blast came at 10 p.m. local time (1900 GMT).")
    assert [t.value for t in doc._.times] == ["2022-03-31T22:00"]


@pytest.mark.parametrize("sentence", [
    "The 52-year-old farmer, 52 years old, earned $2,000 a year.",
    "The airline flies four flights a week to the island, up from two.",
    "The new chip runs 15 million instructions per second.",
])
def test_ages_and_rates_are_not_time_expressions(nlp_times: Language, sentence: str) -> None:
    assert [t.text for t in run(nlp_times, sentence)._.times] == []


@pytest.mark.parametrize(("sentence", "expressions"), [
    ("The mayor told USA Today on Monday that the road would reopen.", ["Monday"]),
    ('The envoy said on ABC\'s "This Week" that talks had stalled.', []),
    ("For the villagers, high noon came when the soldiers left.", []),
    ("Rebels fled on Monday. Today the town is calm.", ["Monday", "Today"]),  # a sentence start is no name
    # a sentence-opening "Now," is a discourse connective; "now" inside the clause is a time
    ('The mill closed in 2009. "Now, the town is empty," she said.', ["2009"]),
    ("The mill closed in 2009. Now the town is empty.", ["2009", "Now"]),
    ("The market fell in 1995. Traders who sold that day lost heavily.", ["1995"]),  # a generic day
    ("Farmers usually sell their milk in the morning.", []),  # no day named: a generic morning
    # "soon after the raid" relates to an event (a TimeML signal); a bare "soon" is a time
    ("The hostages were freed soon after the raid.", []),
    ("The hostages will be freed soon.", ["soon"]),
    ("Her mentor said she could one day lead the party.", []),  # "some day", not a one-day stretch
])
def test_names_and_idioms_are_not_time_expressions(nlp_times: Language, sentence: str,
                                                   expressions: list[str]) -> None:
    assert [t.text for t in run(nlp_times, sentence)._.times] == expressions


def test_offsets_index_the_text(nlp_times: Language) -> None:
    text = "On Monday, after nine days of talks, the parties met again at 4 p.m."
    doc = run(nlp_times, text)
    assert len(doc._.times) == 3
    for time in doc._.times:
        assert text[time.start:time.end] == time.text


def test_spacy_entities_add_expressions_the_rules_miss() -> None:
    nlp = sitrep.load(stages=["sitrep_times"], config={"sitrep_times": {"use_entities": True}})
    doc = run(nlp, "Residents fled during the first hours of the assault.")
    assert any("hours" in t.text and t.value == "PTXH" for t in doc._.times)


def test_spacy_entities_are_off_by_default(nlp_times: Language) -> None:
    doc = run(nlp_times, "Residents fled during the first hours of the assault.")
    assert doc._.times == []


def test_times_survive_doc_serialisation(nlp_times: Language) -> None:
    doc = run(nlp_times, "The ceasefire collapsed on Friday.")
    restored = Doc(nlp_times.vocab).from_bytes(doc.to_bytes())
    assert restored._.times == doc._.times


# -- bad and missing publication dates ----------------------------------------------------------------------------

def test_no_publication_date_keeps_absolute_dates_and_marks_relative_ones(nlp_times: Language) -> None:
    doc = run(nlp_times, "Troops left on Tuesday, weeks after the March 3, 2021 accord.", published=None)
    by_text = {t.text: t for t in doc._.times}
    assert by_text["March 3, 2021"].value == "2021-03-03" and by_text["March 3, 2021"].anchored
    assert by_text["Tuesday"].anchored is False and by_text["Tuesday"].value == "XXXX-WXX-2"
    assert any(note.startswith("[W220]") for note in doc._.article.notes)


def test_unparseable_publication_date_is_noted(nlp_times: Language) -> None:
    doc = run(nlp_times, "The strike ended yesterday.", published="2022-13-45")
    assert doc._.times[0].anchored is False and doc._.times[0].value is None
    assert any(note.startswith("[W222]") for note in doc._.article.notes)


def test_future_publication_date_is_noted_but_used(nlp_times: Language) -> None:
    doc = run(nlp_times, "The strike ended yesterday.", published="2999-01-02")
    assert doc._.times[0].value == "2999-01-01"
    assert any(note.startswith("[W223]") for note in doc._.article.notes)


@pytest.mark.parametrize("text", ["The decree is dated February 30, 2021.", "It was signed on 30 February.",
                                  "The form says 2021-02-30 at the top."])
def test_impossible_date_is_noted_not_raised(nlp_times: Language, text: str) -> None:
    doc = run(nlp_times, text)
    assert len(doc._.times) == 1 and doc._.times[0].value is None
    assert any(note.startswith("[W221]") for note in doc._.article.notes)


def test_a_doc_without_article_still_works(nlp_times: Language) -> None:
    doc = nlp_times("The strike ended on 12 May 2020 after three weeks.")
    assert found(doc) == {"12 May 2020": ("DATE", "2020-05-12"), "three weeks": ("DURATION", "P3W")}


# -- calendar units used by the grammar -----------------------------------------------------------------------

def test_calendar_arithmetic_is_safe_at_the_edges() -> None:
    assert cal.safe_date(2021, 2, 29) is None
    jan31 = cal.day_point(dt.date(2021, 1, 31))
    assert cal.shift(jan31, 1, cal.MONTH).value() == "2021-02-28"
    assert cal.shift(cal.Point(cal.QUARTER, 2021, part=1), -1, cal.QUARTER).value() == "2020-Q4"
    assert cal.shift(cal.Point(cal.YEAR, 1), -5, cal.YEAR) is None
    assert cal.duration_value(5.5, "hour") == "PT5H30M" and cal.duration_value(None, "year") == "PXY"
    # a week or a season keeps no month of its own: a month away counts from its first day
    assert cal.shift(cal.Point(cal.WEEK, 2021, part=42), -1, cal.MONTH).value() == "2021-09"
    assert cal.shift(cal.Point(cal.SEASON, 2021, part=1), 1, cal.MONTH).value() == "2021-07"


def test_a_month_earlier_than_a_named_week(nlp_times: Language) -> None:
    doc = run(nlp_times, "The strike ended last week. A month earlier, talks had collapsed.")
    assert found(doc)["A month earlier"] == ("DATE", "2022-02")


def test_grammar_runs_without_spacy() -> None:
    timexes, ctx = tag("Shops reopened on Monday, two days after the raid.", dt.date(2022, 3, 31))
    assert [(t.value, t.type) for t in timexes] == [("2022-03-28", "DATE"), ("P2D", "DURATION")]
    assert ctx.unresolved == 0


# -- event dates ------------------------------------------------------------------------------------------------

def test_event_date_takes_the_time_in_the_event_clause(nlp_times: Language) -> None:
    text = "Militants attacked a checkpoint on Monday, and the army responded on Wednesday."
    doc = run(nlp_times, text)
    start = text.index("attacked")
    date = event_date(doc, start, start + len("attacked"))
    assert (date.value, date.text, date.precision) == ("2022-03-28", "Monday", "day")
    start = text.index("responded")
    assert event_date(doc, start, start + len("responded")).value == "2022-03-30"


def test_event_date_without_publication_date_keeps_its_unresolved_expression(nlp_times: Language) -> None:
    # "on Tuesday" governs the attack even when it cannot be resolved: the event must not borrow the
    # absolute date of another clause.
    text = "Rebels attacked the town on Tuesday, days after talks collapsed on 12 March 2022."
    doc = run(nlp_times, text, published=None)
    start = text.index("attacked")
    date = event_date(doc, start, start + len("attacked"))
    assert (date.value, date.text, date.precision) == (None, "Tuesday", None)


def test_event_date_falls_back_to_the_publication_date(nlp_times: Language) -> None:
    text = "Militants attacked a checkpoint near the border."
    doc = run(nlp_times, text)
    date = event_date(doc, text.index("attacked"), text.index("attacked") + 8)
    assert (date.value, date.text, date.precision) == ("2022-03-31", None, "article")


@pytest.mark.parametrize(("value", "precision"), [
    ("2022-03-29", "day"), ("2022-03-29TEV", "day"), ("2022-W13-WE", "days"), ("2022-W13", "week"),
    ("2022-03", "month"), ("2022", "year"), ("2022-Q1", "year"), ("PRESENT_REF", None),
])
def test_precision_of_a_value(value: str, precision: str | None) -> None:
    assert precision_of(value) == precision


# -- the seed article ------------------------------------------------------------------------------------------

def test_seed_times_are_exactly_right(nlp_times: Language) -> None:
    if not (SEED / "article.txt").exists():
        pytest.skip("the seed fixture is not beside the repository")
    text = (SEED / "article.txt").read_text(encoding="utf-8")
    expected = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))
    doc = run(nlp_times, text, published=expected["published"])
    values: dict[str, set[str | None]] = {}
    for time in doc._.times:
        values.setdefault(time.text, set()).add(time.value)
    for item in expected["times"]:
        accepted = set(item.get("value_any") or [item["value"]])
        assert item["surface"] in values, item
        assert values[item["surface"]] <= accepted, (item, values[item["surface"]])
