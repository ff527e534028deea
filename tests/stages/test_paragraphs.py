"""sitrep_paragraphs: line breaks as sentence boundaries, on sentences written for these tests."""

from __future__ import annotations

import pytest
import spacy

import sitrep
from sitrep.pipeline import MODEL_NAME


@pytest.fixture(scope="module")
def nlp():
    return sitrep.load(stages=())


def sentences(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]


def test_a_headline_without_a_full_stop_is_its_own_sentence(nlp):
    text = "Police arrest 12 in Nairobi\nThe police said on Monday that twelve men were held."
    assert sentences(nlp, text)[0] == "Police arrest 12 in Nairobi"


def test_a_blank_line_always_ends_a_sentence(nlp):
    assert sentences(nlp, "Floods in the north\n\nthe army sent boats on Sunday.")[0] == "Floods in the north"


@pytest.mark.parametrize("text", [
    "About 1,000 people were displaced in\nKenya after the floods.",  # after a preposition
    "Rebels attacked the\nGovernment offices in the town.",           # after a determiner
    "The rains forced many families to leave\ntheir homes last week.",  # before a lower-case word
])
def test_a_wrapped_line_stays_one_sentence(nlp, text):
    assert len(sentences(nlp, text)) == 1, sentences(nlp, text)


def test_the_stage_sits_before_the_parser_and_can_be_left_out():
    assert sitrep.load(stages=()).pipe_names.index("sitrep_paragraphs") < \
        sitrep.load(stages=()).pipe_names.index("parser")
    assert "sitrep_paragraphs" not in sitrep.load(stages=(), paragraphs=False).pipe_names


def test_it_works_in_a_plain_spacy_pipeline():
    nlp = spacy.load(MODEL_NAME)
    nlp.add_pipe("sitrep_paragraphs", before="parser")
    assert len(list(nlp("Storm hits coast\nThousands flee their homes.").sents)) == 2
