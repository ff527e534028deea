"""`sitrep_quotes`: quotation marks, cues, contents and speakers on short sentences written for the tests."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import sitrep
from sitrep.stages.quotation_marks import find_quotations


@pytest.fixture(scope="module")
def qnlp() -> Language:
    """The English model with the actors stage (the speaker resolver reads it) and this stage."""
    return sitrep.load(stages=["sitrep_actors", "sitrep_quotes"])


def test_offsets_index_the_text(qnlp):
    doc = qnlp("“The bridge is closed,” the mayor of Springfield, Ann Hale, told reporters on Monday.")
    assert doc._.quotes
    for quote in doc._.quotes:
        assert doc.text[quote.start:quote.end] == quote.text
        if quote.speaker:
            assert quote.speaker.start < quote.speaker.end
        if quote.cue:
            assert doc.text[quote.cue.start:quote.cue.end] == quote.cue.text


@pytest.mark.parametrize(
    "text,fragment",
    [
        ('"We will rebuild the school," said Maria Lopez.', "We will rebuild the school"),
        ("“We will rebuild the school,” said Maria Lopez.", "We will rebuild the school"),
        ("«We will rebuild the school», said Maria Lopez.", "We will rebuild the school"),
        ("``We will rebuild the school,'' said Maria Lopez.", "We will rebuild the school"),
    ],
)
def test_every_quote_mark_style_gives_a_direct_quote_with_its_speaker(qnlp, text, fragment):
    doc = qnlp(text)
    hits = [q for q in doc._.quotes if fragment in q.text]
    assert hits, [q.text for q in doc._.quotes]
    assert hits[0].kind == "direct"
    assert hits[0].speaker is not None and "Lopez" in hits[0].speaker.name
    assert hits[0].cue is not None and hits[0].cue.text == "said"


def test_quote_split_by_its_attribution_keeps_one_speaker(qnlp):
    doc = qnlp("“The water is rising,” Tom Baker said, “and the roads are already cut.”")
    texts = [q.text for q in doc._.quotes]
    first = next(q for q in doc._.quotes if "water is rising" in q.text)
    second = next(q for q in doc._.quotes if "roads are already cut" in q.text)
    assert first.speaker and second.speaker, texts
    assert first.speaker.name == second.speaker.name == "Tom Baker"


def test_multi_sentence_quote_then_next_paragraph_continues_the_speaker(qnlp):
    text = (
        "Anna Novak, the head of the relief agency, spoke in Geneva.\n\n"
        "“We have no trucks left. The warehouses are empty,” Novak said.\n\n"
        "“We need a corridor by Friday.”"
    )
    doc = qnlp(text)
    last = next(q for q in doc._.quotes if "corridor" in q.text)
    assert last.kind == "direct" and last.cue is None
    assert last.speaker is not None and last.speaker.name == "Anna Novak"


def test_quoted_fragment_inside_reported_speech_is_mixed(qnlp):
    doc = qnlp("The foreign minister, Peter Lang, described the proposal as “completely unacceptable.”")
    hit = next(q for q in doc._.quotes if "unacceptable" in q.text)
    assert hit.kind == "mixed"
    assert hit.cue is not None and hit.cue.text == "described"
    assert hit.speaker is not None and hit.speaker.name == "Peter Lang"


def test_indirect_speech_with_that_clause(qnlp):
    doc = qnlp("The army said that the convoy had reached the border.")
    quote = doc._.quotes[0]
    assert quote.kind == "indirect"
    assert quote.text == "that the convoy had reached the border"
    assert quote.speaker is not None and "army" in quote.speaker.name


def test_according_to_names_the_source(qnlp):
    doc = qnlp("According to the health ministry, 40 people were injured in the blast.")
    quote = doc._.quotes[0]
    assert quote.cue is not None and quote.cue.text == "According to"
    assert "40 people were injured" in quote.text
    assert quote.speaker is not None and "health ministry" in quote.speaker.name


def test_reported_clause_without_that(qnlp):
    doc = qnlp("Chancellor Erik Brandt stated the conditions for a ceasefire had not been met.")
    quote = doc._.quotes[0]
    assert quote.kind == "indirect" and "conditions for a ceasefire" in quote.text
    assert quote.speaker is not None and quote.speaker.name == "Erik Brandt"


def test_pronoun_speaker_resolves_to_the_last_named_person(qnlp):
    doc = qnlp("Laura Kim met the delegates on Sunday. Afterwards she added that the talks would resume.")
    quote = next(q for q in doc._.quotes if "talks would resume" in q.text)
    assert quote.speaker is not None
    assert quote.speaker.name == "Laura Kim"
    assert doc.text[quote.speaker.start:quote.speaker.end] == "she"


def test_pronoun_without_antecedent_leaves_speaker_unknown(qnlp):
    doc = qnlp("He added that the talks would resume.")
    assert doc._.quotes and doc._.quotes[0].speaker is None


def test_subject_of_coordinated_cue_is_inherited(qnlp):
    doc = qnlp("The government rejected the offer and promised to keep “every option on the table.”")
    quote = next(q for q in doc._.quotes if "every option" in q.text)
    assert quote.speaker is not None and "government" in quote.speaker.name


def test_scare_quotes_without_a_cue_are_not_speech(qnlp):
    doc = qnlp("The so-called “peace plan” was printed on the front page of the newspaper.")
    assert doc._.quotes == []


def test_speech_inside_a_quotation_is_not_a_separate_attribution(qnlp):
    doc = qnlp("“My neighbour said the shelling started at dawn,” Omar Haddad told the radio station.")
    assert all(q.speaker is None or q.speaker.name == "Omar Haddad" for q in doc._.quotes)


def test_ids_follow_text_order(qnlp):
    doc = qnlp("The police said two men were arrested. The mayor said the square would reopen.")
    assert [q.id for q in doc._.quotes] == [f"Q{i + 1}" for i in range(len(doc._.quotes))]
    assert [q.start for q in doc._.quotes] == sorted(q.start for q in doc._.quotes)


@pytest.mark.parametrize(
    "text",
    [
        "He said “this never ends",  # unclosed
        "” stray closer and “ another “ opener” and ‘ lone single",
        "Nested “outer ‘inner’ still outer” done.",
        "“Para one ends open\n\n“Para two” closes.",
        '"""',
        "",
    ],
)
def test_unbalanced_and_nested_marks_never_fail(qnlp, text):
    doc = qnlp(text)
    assert isinstance(doc._.quotes, list)
    for quote in doc._.quotes:
        assert doc.text[quote.start:quote.end] == quote.text


def test_find_quotations_closes_an_unclosed_quote_at_the_paragraph_end():
    text = "She said: “We will stay\nHe left."
    spans = find_quotations(text)
    assert [text[s:e] for s, e in spans] == ["“We will stay"]


def test_find_quotations_ignores_apostrophes():
    text = "The players’ union said it won’t ‘negotiate under threat’ again."
    assert [text[s:e] for s, e in find_quotations(text)] == ["‘negotiate under threat’"]


def test_quotes_survive_doc_serialisation(qnlp):
    doc = qnlp("“Prices will fall,” said the bank governor, Ruth Adler.")
    restored = Doc(qnlp.vocab).from_bytes(doc.to_bytes())
    assert [q.text for q in restored._.quotes] == [q.text for q in doc._.quotes]


@pytest.mark.issue(7)
def test_seed_article_quotes_have_the_right_speakers(seed_text):
    """All ten quotes an analyst reads in the seed, each with its speaker (read at run time)."""
    import json
    from pathlib import Path

    expected = json.loads((Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "seed"
                           / "expected.json").read_text(encoding="utf-8"))
    nlp = sitrep.load(stages=["sitrep_actors", "sitrep_quotes"])
    result = sitrep.extract(seed_text, published="2022-03-29", nlp=nlp)
    for item in expected["quotes"]:
        hits = [q for q in result.quotes if item["fragment"].lower() in q.text.lower()]
        names = [(q.speaker.name if q.speaker else "") for q in hits]
        assert any(any(s.lower() in n.lower() for s in item["speaker_any"]) for n in names), (item, names)


# ---------------------------------------------------------------------- issue 7: speakers after the quote,
# colon introducers, signatures, relative pronouns, documents, gender, nested marks


def _quote_with(doc: Doc, fragment: str):
    hits = [q for q in doc._.quotes if fragment in q.text]
    assert hits, [q.text for q in doc._.quotes]
    return hits[0]


def _local(doc: Doc, quote) -> str:
    return doc.text[quote.speaker.start:quote.speaker.end]


@pytest.mark.issue(7)
@pytest.mark.parametrize(
    "text,speaker",
    [
        ('"We will not leave the valley," said retired colonel Omar Baker, asked about the plan.', "Omar Baker"),
        ('"The trucks are waiting at the border," opined the Lakeside Herald.', "Lakeside Herald"),
        ('"The water is rising," tweeted a farmer from the delta region.', "a farmer"),
    ],
)
def test_inverted_speaker_after_the_quotation(qnlp, text, speaker):
    quote = _quote_with(qnlp(text), "")
    assert quote.kind == "direct" and quote.speaker is not None
    assert speaker in quote.speaker.name


@pytest.mark.issue(7)
def test_speaker_with_apposition_between_quotation_and_cue(qnlp):
    doc = qnlp("“The shelters are full and the roads are cut,” Lena Ortiz, a regional aid coordinator, "
               "said at a briefing in the capital.")
    quote = _quote_with(doc, "shelters are full")
    assert quote.text.startswith("“") and quote.text.endswith("”")  # the speaker is not part of the content
    assert quote.speaker is not None and quote.speaker.name == "Lena Ortiz"


@pytest.mark.issue(7)
def test_one_of_a_group_keeps_its_own_text(qnlp):
    doc = qnlp('"There is no path for them," said one of the negotiators, who spoke on condition of anonymity.')
    quote = _quote_with(doc, "no path")
    assert quote.speaker is not None and quote.speaker.name == "one of the negotiators"


def test_who_hung_on_an_abstract_noun_is_the_people_under_it(qnlp):
    """The parser hangs "who say" on "the plant"; "who" stands for people, not for the plant."""
    doc = qnlp("The verdict was met with fury by the relatives of workers killed at the plant, who say they are "
               "“devastated” by it.")
    quote = doc._.quotes[0]
    assert quote.speaker is not None and quote.speaker.name.split()[-1] in ("relatives", "workers")


@pytest.mark.issue(7)
def test_relative_pronoun_is_the_local_mention_and_its_antecedent_the_name(qnlp):
    doc = qnlp("The plan was backed by Maria Lopez, who said it would “save the harbour.”")
    quote = _quote_with(doc, "save the harbour")
    assert quote.speaker is not None
    assert _local(doc, quote) == "who" and quote.speaker.name == "Maria Lopez"


@pytest.mark.issue(7)
def test_colon_after_a_clause_without_a_reporting_verb_introduces_the_next_paragraph(qnlp):
    text = ("Governor Paul Mendes issued the following statement:\n\n"
            "“Our thoughts are with the families. We will rebuild every home.”")
    quote = _quote_with(qnlp(text), "Our thoughts")
    assert quote.speaker is not None and quote.speaker.name == "Paul Mendes"


@pytest.mark.issue(7)
def test_name_before_a_colon_without_a_verb_is_the_speaker(qnlp):
    doc = qnlp("Harbour forecast - Ruth Adler: “The storm will reach the coast on Friday night.”")
    quote = _quote_with(doc, "storm will reach")
    assert quote.speaker is not None and "Adler" in quote.speaker.name


@pytest.mark.issue(7)
def test_dash_signature_line_names_the_speaker(qnlp):
    text = ("The debate went on for hours.\n\n"
            "\"We have a lot of work ahead of us. That is why we are here.\"\n\n"
            "- Maria Lopez, Springfield.\n\nShe later left.")
    quote = _quote_with(qnlp(text), "lot of work")
    assert quote.speaker is not None and quote.speaker.name == "Maria Lopez"


@pytest.mark.issue(7)
@pytest.mark.parametrize("intro", ["Ann Lee told reporters on Monday.", "Ann Lee said in a statement."])
def test_bare_cue_in_the_previous_sentence_introduces_the_quotation(qnlp, intro):
    doc = qnlp(f"{intro} “There are no ballots left to count.”")
    quote = _quote_with(doc, "no ballots")
    assert quote.cue is not None and quote.speaker is not None and quote.speaker.name == "Ann Lee"


@pytest.mark.issue(7)
def test_a_document_reads_its_words_and_it_stands_for_the_document(qnlp):
    text = ("The ministry sent a letter to the mayors on Friday.\n\n"
            "“The deadline cannot be moved,” the letter read.\n\n"
            "“Every school must reopen by March,” it read.")
    doc = qnlp(text)
    first = _quote_with(doc, "deadline")
    second = _quote_with(doc, "Every school")
    assert first.cue is not None and first.cue.text == "read"
    assert first.speaker is not None and "letter" in first.speaker.name
    assert second.speaker is not None and _local(doc, second) == "it"


@pytest.mark.issue(7)
def test_participle_after_a_message_noun_takes_the_issuer(qnlp):
    doc = qnlp('The Harbour Party sent a text message to supporters saying: "We won the district!"')
    quote = _quote_with(doc, "We won")
    assert quote.speaker is not None and "Harbour Party" in quote.speaker.name


@pytest.mark.issue(7)
def test_quoted_as_saying_gives_the_passive_subject(qnlp):
    doc = qnlp('Karl Brandt was quoted as saying, "The port will stay closed."')
    quote = _quote_with(doc, "port will stay closed")
    assert quote.speaker is not None and quote.speaker.name == "Karl Brandt"


@pytest.mark.issue(7)
def test_she_skips_a_man_the_text_marks_as_such(qnlp):
    doc = qnlp('Mrs. Ann Lee met the minister, Mr. John Park, on Monday. "We are ready," she said.')
    quote = _quote_with(doc, "We are ready")
    assert quote.speaker is not None and quote.speaker.name == "Ann Lee" and _local(doc, quote) == "she"


@pytest.mark.issue(7)
def test_subject_is_not_taken_across_a_paragraph_break(qnlp):
    text = ("1:50 p.m.\n\nThe veteran trainer Sam Ortiz once said: “The river was born in the hills.”")
    quote = _quote_with(qnlp(text), "river was born")
    assert quote.speaker is not None and quote.speaker.name == "Sam Ortiz"


@pytest.mark.issue(7)
def test_quotation_with_its_own_cue_after_it_is_not_the_previous_verbs_content(qnlp):
    doc = qnlp("Officials in the capital deny the claim — “why would we hide the figures?” asked Nora Vance, "
               "a ministry adviser.")
    quote = _quote_with(doc, "why would we hide")
    assert quote.cue is not None and quote.cue.text == "asked"
    assert quote.speaker is not None and quote.speaker.name == "Nora Vance"


@pytest.mark.issue(7)
@pytest.mark.parametrize(
    "text,expected",
    [
        # a quotation in the other style inside an open one is nested, not a new quotation
        ('"The office is not about “Equal Justice” anymore. It is about him.',
         ['"The office is not about “Equal Justice” anymore. It is about him.']),
        ('“He said "no" to me,” she said.', ['“He said "no" to me,”']),
        # a stray space before a straight closing mark
        ('"I think it is a disgrace, " Lee said.', ['"I think it is a disgrace, "']),
    ],
)
def test_find_quotations_nested_styles_and_stray_space(text, expected):
    assert [text[s:e] for s, e in find_quotations(text)] == expected


@pytest.mark.issue(6)
def test_a_pronoun_speaker_is_the_person_the_actors_stage_resolved_it_to(qnlp):
    # the last person named is Lena Vogt; the actors stage takes the subject of the sentence before
    doc = qnlp('Omar Haddad met Lena Vogt on Monday. "The bridge will reopen," he said.')
    quote = _quote_with(doc, "bridge will reopen")
    assert quote.speaker is not None and quote.speaker.name == "Omar Haddad" and _local(doc, quote) == "he"


@pytest.mark.issue(6)
def test_a_pronoun_speaker_beyond_the_actors_window_skips_the_other_gender(qnlp):
    text = ('Mrs. Lena Vogt opened the session. Mr. Omar Haddad arrived late. The hall was full. '
            'The debate was long. Nobody left early. "We will vote tomorrow," she said.')
    quote = _quote_with(qnlp(text), "vote tomorrow")
    assert quote.speaker is not None and quote.speaker.name == "Lena Vogt"
