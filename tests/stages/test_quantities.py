"""sitrep_quantities: counts of people with category, bounds, unit, place and source (issue 8)."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import sitrep
from sitrep.model import Article, Place, text_sha256
from sitrep.pipeline import make_doc
from sitrep.resources.numbers import parse_words
from sitrep.stages.quantities import _referred_place, article_totals


@pytest.fixture(scope="module")
def qnlp() -> Language:
    """The English model with only this stage (plus actors for attribution), so that a colleague's
    half-finished stage cannot break these tests."""
    return sitrep.load(stages=["sitrep_actors", "sitrep_quantities"])


def run(nlp: Language, text: str) -> Doc:
    return nlp(make_doc(nlp, Article(id="t", text=text, sha256=text_sha256(text))))


def only(doc: Doc, category: str):
    found = [q for q in doc._.quantities if q.category == category]
    assert len(found) == 1, [(q.category, q.text) for q in doc._.quantities]
    return found[0]


@pytest.mark.parametrize(("words", "value", "low"), [
    ("ten", 10, None), ("two dozen", 24, None), ("nine hundred and twenty - one", 921, None),
    ("1.2 million", 1_200_000, None), ("5,000", 5000, None), ("14 000", 14000, None), ("2.5 lakh", 250_000, None),
    ("hundreds", None, 200), ("tens of thousands", None, 20_000), ("several hundred", None, 200),
])
def test_number_words_parse(words, value, low):
    parsed = parse_words(words.split())
    assert parsed is not None and parsed.value == value and parsed.low == low


@pytest.mark.parametrize("words", ["5 10", "million", "twenty twenty"])
def test_number_words_refuse_non_numbers(words):
    assert parse_words(words.split()) is None


def test_offsets_index_the_text(qnlp):
    doc = run(qnlp, "Officials said 14 civilians were killed and 30 others were wounded in the attack.")
    assert doc._.quantities
    for q in doc._.quantities:
        assert doc.text[q.start:q.end] == q.text


@pytest.mark.parametrize(("text", "category", "value"), [
    ("Troops killed 14 civilians in the raid.", "killed", 14),
    ("Thirty people were wounded by the blast.", "injured", 30),
    ("Police arrested two dozen protesters on Friday.", "arrested", 24),
    ("The government expelled ten journalists last week.", "expelled", 10),
    ("Eleven miners remain missing after the collapse.", "missing", 11),
    ("The storm left four dead.", "killed", 4),
])
def test_category_and_value(qnlp, text, category, value):
    assert only(run(qnlp, text), category).value == value


def test_low_bound_from_at_least(qnlp):
    q = only(run(qnlp, "At least 40 soldiers died in the fighting."), "killed")
    assert (q.value, q.low, q.high) == (40, 40, None) and q.text.startswith("At least")


def test_high_bound_from_as_many_as(qnlp):
    q = only(run(qnlp, "As many as 300 villagers were detained by the army."), "arrested")
    assert (q.low, q.high) == (None, 300)


def test_estimated_is_approximate(qnlp):
    q = only(run(qnlp, "An estimated 2,000 residents were evacuated from the valley."), "evacuated")
    assert q.value == 2000 and q.approximate


def test_range_gives_low_and_high(qnlp):
    q = only(run(qnlp, "Between 20 and 30 people were killed in the clashes."), "killed")
    assert (q.low, q.high, q.value) == (20, 30, None)


def test_vague_plural_is_a_low_bound(qnlp):
    q = only(run(qnlp, "Thousands of families fled the fighting."), "displaced")
    assert q.value is None and q.low == 2000 and q.approximate and q.unit == "households" and q.term == "fled"


def test_two_statements_about_one_toll_merge(qnlp):
    doc = run(qnlp, "At least 300 people died in the floods, and the death toll could be as high as 700.")
    q = only(doc, "killed")
    assert (q.low, q.high, q.value) == (300, 700, None)


@pytest.mark.parametrize(("text", "unit", "category"), [
    ("The floods destroyed 300 homes in the district.", "homes", "destroyed"),
    ("Clashes displaced 1,200 families last month.", "households", "displaced"),
])
def test_unit_from_the_counted_noun(qnlp, text, unit, category):
    q = only(run(qnlp, text), category)
    assert q.unit == unit


@pytest.mark.parametrize("text", [
    "The 25-year-old man was killed at 10 p.m. in 2019.",
    "Under Article 5, the G7 ministers condemned the killing.",
    "The attack killed a man on Route 9, police said, and cost $5 million.",
])
def test_non_counts_stay_out(qnlp, text):
    values = {q.value for q in run(qnlp, text)._.quantities}
    assert not values & {25, 10, 2019, 5, 7, 9, 5_000_000}


def test_no_one_is_a_zero_count(qnlp):
    q = only(run(qnlp, "No one was injured in the blast."), "injured")
    assert q.value == 0


def test_source_from_according_to(qnlp):
    q = only(run(qnlp, "According to the health ministry, 12 people were killed."), "killed")
    assert q.source is not None and "health ministry" in q.source["name"]


def test_source_from_said(qnlp):
    q = only(run(qnlp, "Police said four people were wounded."), "injured")
    assert q.source is not None and q.source["name"] == "Police"


def test_there_refers_back_to_the_last_place(qnlp):
    text = "Shelling hit Aleppo on Monday. At least 20 civilians were killed there."
    doc = run(qnlp, text)
    start = text.index("Aleppo")
    doc._.places = [Place(text="Aleppo", start=start, end=start + 6, geonameid=170063, name="Aleppo",
                          precision="city")]
    place = _referred_place(doc, doc[len(doc) - 3].sent)
    assert place is not None and place.geonameid == 170063


def test_article_totals_count_people_without_numbers(qnlp):
    doc = run(qnlp, "A man was shot and killed on Friday night. Two other people were wounded.")
    assert article_totals(doc) == {"killed": 1, "injured": 2}


def test_article_totals_shot_minus_dead(qnlp):
    doc = run(qnlp, "Five people were shot, one fatally, outside the club.")
    assert article_totals(doc) == {"killed": 1, "injured": 4}


def test_quantities_survive_doc_bytes(qnlp):
    doc = run(qnlp, "Rebels killed 14 soldiers.")
    again = Doc(qnlp.vocab).from_bytes(doc.to_bytes())
    assert [q.value for q in again._.quantities] == [14]


def test_seed_quantities(nlp, seed_text):
    """The seed's four counts (read from ../shared at run time)."""
    from tests.conftest import SEED

    doc = run(nlp, seed_text)
    expected = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))["quantities"]
    for item in expected:
        hits = [q for q in doc._.quantities if q.category in item["category_any"]
                and all(getattr(q, k) == item[k] for k in ("value", "low", "high") if k in item)]
        assert hits, item
        if "place_geonameid" in item and doc._.places:
            assert any(q.place is not None and q.place.geonameid == item["place_geonameid"] for q in hits), item


# -- issue 8, second round: PDF artefacts, housing gapping, camps, GVA singles ---------------------------------

@pytest.mark.parametrize(("text", "category", "value", "low"), [
    ("Officials said at least140,000 people were displaced by the floods.", "displaced", 140_000, 140_000),
    ("Some 30,000 residents hadevacuated before the storm arrived.", "evacuated", 30_000, None),
    ("About 96,000 peoplebetween the two rivers were displaced.", "displaced", 96_000, None),
])
def test_words_run_together_in_pdf_text(qnlp, text, category, value, low):
    q = only(run(qnlp, text), category)
    assert (q.value, q.low) == (value, low)


def test_homes_take_the_housing_word_not_the_nearer_casualty_word(qnlp):
    doc = run(qnlp, "Officials said one person was killed, three were wounded and 150 houses destroyed.")
    q = only(doc, "destroyed")
    assert q.value == 150 and q.unit == "homes"


def test_bare_number_after_homes_counts_homes(qnlp):
    doc = run(qnlp, "About 1,800 houses were completely destroyed and 3,400 partially damaged.")
    q = only(doc, "damaged")
    assert q.value == 3400 and q.unit == "homes"


@pytest.mark.parametrize(("text", "category", "term", "value"), [
    ("Around 12,000 people are living in collective sites near the capital.", "displaced", "in camps", 12_000),
    ("Soldiers moved 8,000 villagers to higher ground as the river rose.", "evacuated", "evacuated", 8_000),
    ("Over 7,000 people crossed the border into the neighbouring country last week.", "displaced", "displaced",
     7_000),
    ("The cyclone left 80,000 people without homes.", "displaced", "homeless", 80_000),
    ("The floods inundated 2,000 homes in the delta.", "damaged", "partially destroyed housing", 2_000),
    ("The storm forced more than 5,000 people to evacuate their homes.", "evacuated", "evacuated", 5_000),
    ("The number of people displaced by the fighting has reached 61,000.", "displaced", "displaced", 61_000),
])
def test_displacement_phrasings(qnlp, text, category, term, value):
    q = only(run(qnlp, text), category)
    assert (q.term, q.value) == (term, value)


def test_number_of_up_to_is_a_bare_count(qnlp):
    q = only(run(qnlp, "A further number of up to 4,000 are besieged in the old town."), "trapped")
    assert q.high == 4000 and q.unit == "people"


@pytest.mark.parametrize("text", [
    "The victim, a father of three, was shot dead on Sunday.",
    "Families stayed in 11 evacuation centers after the flood.",
])
def test_more_non_counts_stay_out(qnlp, text):
    values = {q.value for q in run(qnlp, text)._.quantities}
    assert not values & {3, 11}


def test_trigger_inside_another_nouns_relative_clause_is_not_ours(qnlp):
    doc = run(qnlp, "Two men accused in a shooting that killed a teenager appeared in court on Monday.")
    assert not [q for q in doc._.quantities if q.category == "killed" and q.value == 2]


@pytest.mark.parametrize(("text", "killed", "injured"), [
    ("A man died and his friend was hurt after a shooting on Elm Street.", 1, 1),
    ("Police said a man fatally shot his girlfriend before killing himself.", 2, 0),
    ("The suspect was shot by officers and later died at a hospital.", 1, 0),
    ("A woman suffered a gunshot wound to the arm on Friday night.", 0, 1),
    ("A boy is recovering after being shot in the hand.", 0, 1),
    ("Deputies found a deceased man inside the home.", 1, 0),
    ("The shooting claimed the life of a young father.", 1, 0),
])
def test_article_totals_without_numbers(qnlp, text, killed, injured):
    assert article_totals(run(qnlp, text)) == {"killed": killed, "injured": injured}


def test_article_totals_with_a_death_do_not_count_the_dead_victims_wound_as_injured(qnlp):
    doc = run(qnlp, "A teenager was shot on Monday. He suffered a gunshot wound to the chest and died at the scene.")
    assert article_totals(doc) == {"killed": 1, "injured": 0}


def test_article_totals_read_the_lead_not_the_background(qnlp):
    lead = "A man was wounded in a shooting on Friday night. "
    filler = "Police are asking witnesses to come forward. " * 6
    doc = run(qnlp, lead + filler + "In all, 40 people were wounded in the city this year.")
    assert sorted(q.value for q in doc._.quantities if q.category == "injured") == [1, 40]
    assert article_totals(doc)["injured"] == 1


# -- issue 8, third round: which of the article's figures is its incident's (invented sentences) ---------------

@pytest.mark.parametrize(("text", "killed", "injured"), [
    # another person: "another man was wounded" is one more, not the man who died
    ("A man was killed on Sunday night and another man was wounded.", 1, 1),
    # in the sentence naming the dead one by one, a person only said to be shot is someone else
    ("A teenager was killed and a delivery driver was shot on Oak Avenue on Tuesday.", 1, 1),
    # the dead are not released: someone hurt lived
    ("A man died after a shooting at a bar on Friday. A woman was treated at a hospital and released.", 1, 1),
    # a murder charge means someone died; an attempted murder charge does not
    ("A man has been charged with murder after a shooting on Main Street last week.", 1, 0),
    ("A man has been charged with attempted murder after a shooting on Main Street last week.", 0, 0),
])
def test_article_totals_third_round(qnlp, text, killed, injured):
    assert article_totals(run(qnlp, text)) == {"killed": killed, "injured": injured}


def test_article_totals_read_injured_a_few_paragraphs_down_when_a_death_leads(qnlp):
    lead = "A man was shot and killed outside a store on Saturday night. "
    filler = "Police are asking anyone with information to call the tip line. " * 5
    doc = run(qnlp, lead + filler + "Three other people were wounded in the shooting.")
    assert article_totals(doc) == {"killed": 1, "injured": 3}


def test_article_totals_short_lines_do_not_use_up_the_lead(qnlp):
    header = "UPDATE:\n(KXYZ)\nWatch video\n2:15\n"
    filler = "Police are asking anyone with information to call the tip line.\n" * 4
    doc = run(qnlp, header + filler + "Four people were wounded in a shooting on Elm Street.")
    assert article_totals(doc)["injured"] == 4


def test_article_totals_a_death_told_far_down_is_not_the_incidents(qnlp):
    lead = "Two people were wounded in a shooting on Elm Street on Friday. "
    filler = "Police are asking anyone with information to call the tip line. " * 16
    doc = run(qnlp, lead + filler + "Last year a man died in a shooting on the same street.")
    assert article_totals(doc) == {"killed": 0, "injured": 2}


@pytest.mark.parametrize(("text", "killed", "injured"), [
    # the active subject of a verb of harm did the harm: the gunmen are not among the people hit
    ("Two gunmen opened fire outside a bar on Friday, wounding a teenager.", 0, 1),
    ("Two gunmen shot three people outside a club.", 0, 3),
    # "shot himself to death" is a suicide like "fatally shot himself"
    ("Investigators said a hunter accidentally shot himself to death on Saturday.", 1, 0),
    # "murder suicide" without its hyphen is two dead, like "murder-suicide"
    ("Police are calling the deaths at the house on Pine Street a murder suicide.", 2, 0),
])
def test_article_totals_agents_and_suicides(qnlp, text, killed, injured):
    assert article_totals(run(qnlp, text)) == {"killed": killed, "injured": injured}


def test_count_of_shooters_is_not_a_count_of_victims(qnlp):
    doc = run(qnlp, "Two gunmen opened fire outside a bar on Friday, wounding a teenager.")
    assert not [q for q in doc._.quantities if q.value == 2]


# -- issue 8, fourth round (invented sentences) -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "killed", "injured"), [
    # "another" told with the others, or "also", is one more person
    ("A woman was killed and another man was wounded at a party on Friday. Another man was also wounded.", 1, 2),
    ("Two people were killed at a gas station on Monday night. Another man was also killed nearby.", 3, 0),
    # the object of an active verb of harm is "another" than the one who did it: one victim
    ("Police say a teenage boy shot and killed another boy behind a school on Sunday.", 1, 0),
    # a sentence of its own after a clause of time is the next case, not one more victim of this one
    ("Police say a teen was shot early Thursday on Oak Street. Just a day after a student was shot nearby, another "
     "teen has been shot.", 0, 1),
])
def test_article_totals_another_is_one_more_victim(qnlp, text, killed, injured):
    assert article_totals(run(qnlp, text)) == {"killed": killed, "injured": injured}


def test_article_totals_skip_a_tally_of_separate_incidents(qnlp):
    text = ("Four people were killed and at least 20 others were wounded in separate shootings across the city "
            "over the weekend. In the latest, three men were wounded outside a bar on Sunday night.")
    assert article_totals(run(qnlp, text)) == {"killed": 1, "injured": 3}


def test_count_takes_the_category_word_of_its_own_clause(qnlp):
    doc = run(qnlp, "A teenager died at the scene, three people are in critical condition and two others "
                    "were hospitalized.")
    assert not [q for q in doc._.quantities if q.category == "killed" and q.value == 3]
    assert article_totals(doc) == {"killed": 1, "injured": 5}


def test_count_is_not_the_victim_of_another_subjects_clause(qnlp):
    doc = run(qnlp, "Two deputies are facing charges after a young boy was shot to death during a traffic stop.")
    assert not [q for q in doc._.quantities if q.value == 2]


@pytest.mark.parametrize(("text", "killed"), [
    # victims named as the object of "killing", or the subject of "was shot and killed", are counted by name
    ("Police said the gunman fired into the car, killing Maria Lopez and Daniel Brooks on Friday night.", 2),
    ("Kevin Marsh was shot and killed on Elm Street. A neighbour said Marsh had just come home.", 1),
])
def test_article_totals_count_named_dead(qnlp, text, killed):
    assert article_totals(run(qnlp, text))["killed"] == killed


# -- fifth round (2026-12-08): deaths told without a count, conjoined victims, the accused, "others" ----------

@pytest.mark.parametrize("text", [
    # a death told by a verb or an idiom, with no number and no person the parser ties to it
    "A teenager was found shot to death in a parked car early Sunday, police said.",
    "A shooting outside a gas station left one customer dead on Friday night.",
    "The name of a 19-year-old woman who was shot and killed on Tuesday has been released.",
    "A delivery driver was fatally injured when shots were fired into his van.",
    "A 20-year-old student was gunned down while walking home from a party.",
    "A body was found in a drainage ditch off Route 9 on Monday morning, deputies said.",
])
def test_article_totals_read_a_death_without_a_count(qnlp, text):
    assert article_totals(run(qnlp, text))["killed"] == 1


@pytest.mark.parametrize("text", [
    "No one was killed when a man fired shots at a passing car on Friday, police said.",
    "The officer said the boy could have been killed if the bullet had struck him higher.",
])
def test_article_totals_a_death_that_did_not_happen_is_not_read(qnlp, text):
    assert article_totals(run(qnlp, text))["killed"] == 0


@pytest.mark.parametrize(("text", "killed", "injured"), [
    # "a woman was also shot": one more than those told before, who lived
    ("A man was killed in a shooting on Oak Street on Friday night. A woman was also shot and is expected to "
     "recover, police said.", 1, 1),
    # an ordinal numbers one of those a total already counts: "a third victim" is not a fourth person
    ("A triple shooting on Pine Street left one man dead on Saturday. A third victim was also shot and was taken "
     "to a hospital.", 1, 2),
])
def test_article_totals_also_shot_is_one_more(qnlp, text, killed, injured):
    assert article_totals(run(qnlp, text)) == {"killed": killed, "injured": injured}


def test_shot_and_then_killed_himself_is_not_the_victims_death(qnlp):
    doc = run(qnlp, "Police said a gunman shot a store clerk and then killed himself on Monday.")
    assert not [q for q in doc._.quantities if q.category == "killed" and "clerk" in q.text]
    assert article_totals(doc)["killed"] == 1


@pytest.mark.parametrize("text", [
    "Two men were charged Monday in the shooting death of a 17-year-old boy.",
    "Three brothers accused of killing a shop owner appeared in court on Wednesday.",
])
def test_the_accused_are_not_the_dead(qnlp, text):
    doc = run(qnlp, text)
    assert not [q for q in doc._.quantities if q.category in {"killed", "injured", "casualties"} and q.value != 1]
    assert article_totals(doc)["killed"] == 1


def test_gallery_labels_are_not_counts(qnlp):
    doc = run(qnlp, "Image 2 of 8 A child was shot at a home on Main Street on Tuesday.")
    assert not [q for q in doc._.quantities if q.value == 8]


@pytest.mark.parametrize(("text", "killed", "injured"), [
    # people joined by "and" under one verb add up
    ("Two children and a man were found dead inside the house on Monday evening.", 3, 0),
    ("Three men and two women were wounded when a gunman opened fire outside the club.", 0, 5),
    ("Gunmen fired into the crowd, hitting four adults and a teen, police said.", 0, 5),
    # the victims and the shooter who killed himself after them
    ("Police said the man shot and killed his two sons before killing himself at their home.", 3, 0),
])
def test_article_totals_add_up_people_told_together(qnlp, text, killed, injured):
    assert article_totals(run(qnlp, text)) == {"killed": killed, "injured": injured}


@pytest.mark.parametrize(("text", "killed", "injured"), [
    # "four other people were shot": other than the dead, so they lived
    ("A man was killed in a shooting at a bus stop on Friday. Four other people were shot and taken to "
     "hospitals.", 1, 4),
    ("A gunman fatally shot a bartender and wounded five of his companions outside the bar.", 1, 5),
])
def test_article_totals_others_shot_beside_the_dead_lived(qnlp, text, killed, injured):
    assert article_totals(run(qnlp, text)) == {"killed": killed, "injured": injured}


@pytest.mark.parametrize(("text", "killed", "injured"), [
    # "another" standing alone for one more person, the verb shared or left out
    ("Two people were shot to death and another was injured at a party on Saturday night.", 2, 1),
    ("Two men were killed and another critically injured when gunfire broke out at a car wash.", 2, 1),
])
def test_article_totals_another_alone_is_one_more_person(qnlp, text, killed, injured):
    assert article_totals(run(qnlp, text)) == {"killed": killed, "injured": injured}
