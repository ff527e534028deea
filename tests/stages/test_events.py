"""sitrep_events on short sentences written for these tests (never gold or seed text)."""

from __future__ import annotations

import pytest
from spacy.language import Language

import sitrep
from sitrep.model import Article, text_sha256
from sitrep.pipeline import make_doc
from sitrep.resources.plover import lexicon
from sitrep.stages.events import EventsStage


@pytest.fixture(scope="module")
def events_nlp() -> Language:
    """Only the stages the events stage reads, so a half-finished colleague stage cannot break these."""
    return sitrep.load(stages=["sitrep_actors", "sitrep_events"])


def run(nlp: Language, text: str):
    article = Article(id="t", text=text, published="2024-05-06", sha256=text_sha256(text))
    doc = nlp(make_doc(nlp, article))
    return doc, doc._.events


def first(events, type_: str):
    found = [e for e in events if e.type == type_]
    assert found, f"no {type_} in {[(e.type, e.trigger.text) for e in events]}"
    return found[0]


def countries(refs) -> set[str]:
    return {r.country for r in refs if r.country}


def test_trigger_offsets_index_the_text(events_nlp):
    doc, events = run(events_nlp, "Rebels shelled the town on Monday. Police arrested five men.")
    assert events
    for event in events:
        assert doc.text[event.trigger.start:event.trigger.end] == event.trigger.text


def test_events_are_sorted_by_confidence(events_nlp):
    _, events = run(events_nlp, "Israel agreed to withdraw its troops. Protesters marched in the capital.")
    assert [e.confidence for e in events] == sorted((e.confidence for e in events), reverse=True)


def test_coordinated_sources_and_nationality_target(events_nlp):
    _, events = run(events_nlp, "Belgium, Ireland and the Netherlands expelled twelve Russian diplomats.")
    event = first(events, "SANCTION")
    assert event.mode == "expel"
    assert countries(event.sources) == {"BEL", "IRL", "NLD"}
    assert countries(event.targets) == {"RUS"}


def test_expelled_from_gives_the_target_country(events_nlp):
    _, events = run(events_nlp, "Spain expelled three diplomats from Peru and Chile.")
    event = first(events, "SANCTION")
    assert countries(event.sources) == {"ESP"}
    assert {"PER", "CHL"} <= countries(event.targets)


@pytest.mark.parametrize(("text", "expected"), [
    ("The minister called the bombing a war crime.", "ACCUSE"),
    ("The ministers termed the new tariff unacceptable.", "REJECT"),
    ("Kenya and Uganda signed a trade agreement on Friday.", "SUPPORT"),
    ("Students staged a demonstration outside the parliament.", "PROTEST"),
    ("Protesters clashed with police in the capital.", "PROTEST"),
    ("The president urged donors to send food aid.", "REQUEST"),
    ("Troops shelled the village overnight.", "ASSAULT"),
    ("Police arrested twelve journalists.", "COERCE"),
    ("The army deployed tanks along the border.", "MOBILIZE"),
    ("The government lifted the curfew.", "CONCEDE"),
])
def test_top_event_type(events_nlp, text, expected):
    _, events = run(events_nlp, text)
    assert events and events[0].type == expected, [(e.type, e.trigger.text, e.confidence) for e in events]


def test_agreeing_to_act_is_agree_with_the_act_planned(events_nlp):
    _, events = run(events_nlp, "Egypt agreed to open its border with Gaza.")
    assert events[0].type == "AGREE"
    assert first(events, "AID").status == "planned"


def test_future_hostile_act_is_a_threat_and_a_planned_act(events_nlp):
    _, events = run(events_nlp, "Canada will expel two Iranian diplomats.")
    assert events[0].type == "THREATEN"
    sanction = first(events, "SANCTION")
    assert sanction.status == "planned" and countries(sanction.sources) == {"CAN"}


def test_refusal_suppresses_the_refused_act(events_nlp):
    _, events = run(events_nlp, "Poland refused to send troops.")
    assert events[0].type == "REJECT"
    assert not [e for e in events if e.type == "MOBILIZE"]


@pytest.mark.parametrize(("text", "type_", "status"), [
    ("Rebels reportedly attacked the village.", "ASSAULT", "hedged"),
    ("Officials said soldiers shelled the town.", "ASSAULT", "reported"),
    ("The government denied that police arrested the journalists.", "COERCE", "denied"),
    ("The two leaders did not meet on Friday.", "CONSULT", "negated"),
    ("The army claimed that it shelled rebel positions.", "ASSAULT", "claimed"),
    ("The army said troops withdrew from the city, but observers called it a ruse meant to mislead.",
     "RETREAT", "disputed"),
    ("France had hoped to begin an evacuation of civilians.", "AID", "planned"),
])
def test_claim_status(events_nlp, text, type_, status):
    _, events = run(events_nlp, text)
    assert first(events, type_).status == status


def test_speech_act_source_is_the_subject_of_the_clause(events_nlp):
    _, events = run(events_nlp, "Germany condemned the attack on the convoy.")
    event = first(events, "ACCUSE")
    assert countries(event.sources) == {"DEU"}


def test_boilerplate_line_gives_no_event(events_nlp):
    _, events = run(events_nlp, "Click here to read our blog on why the army attacked the city.")
    assert events == []


def test_date_falls_back_to_publication(events_nlp):
    _, events = run(events_nlp, "Police arrested twelve journalists.")
    assert events[0].date is not None and events[0].date.value == "2024-05-06"


def test_lexicon_lines_parse_with_known_types():
    from sitrep.model import PLOVER_TYPES

    lex = lexicon()
    for table in (lex.verbs, lex.nouns):
        for rules in table.values():
            for rule in rules:
                assert rule.type is None or rule.type in PLOVER_TYPES, rule


def test_stage_config_defaults(events_nlp):
    stage = events_nlp.get_pipe("sitrep_events")
    assert isinstance(stage, EventsStage)
    assert stage.min_confidence == 0.2 and stage.max_events_per_sentence == 6 and stage.focus_targets


def test_full_pipeline_round_trips_events(nlp):
    result = sitrep.extract("Rebels shelled the town on Monday.", published="2024-05-06", nlp=nlp)
    assert result.events and result.events[0].type == "ASSAULT"
    assert result.model_dump()["events"][0]["trigger"]["text"] == "shelled"


def test_reranker_training_is_deterministic_and_normalised():
    from sitrep.stages.event_classifier import train

    examples = [(["expel", "diplomat"], "SANCTION"), (["expel", "envoy"], "SANCTION"),
                (["shell", "town"], "ASSAULT"), (["shell", "village"], "ASSAULT")]
    first_model, second_model = train(examples), train(examples)
    assert first_model.to_json() == second_model.to_json()
    posterior = first_model.posterior(["expel"])
    assert sum(posterior.values()) == pytest.approx(1.0)
    assert posterior["SANCTION"] > posterior["ASSAULT"]


def test_shipped_reranker_holds_no_names():
    from sitrep.stages.event_classifier import load

    model = load()
    assert model is not None
    assert all(word.islower() and word.isalpha() for word in model.log_lik)


def test_disputing_a_claim_links_both_events(events_nlp):
    _, events = run(events_nlp, "Russia said it withdrew its troops from the border. "
                                "However, Germany cast doubt on Russia's claims.")
    accuse = first(events, "ACCUSE")
    retreat = first(events, "RETREAT")
    assert retreat.id in accuse.disputes and accuse.id in retreat.disputed_by


@pytest.mark.parametrize("text", ["Ten people were killed in a flood on Monday.", "A fire killed five workers."])
def test_deaths_from_hazards_are_not_assaults(events_nlp, text):
    _, events = run(events_nlp, text)
    assert not [e for e in events if e.type == "ASSAULT"]
