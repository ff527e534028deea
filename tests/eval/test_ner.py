"""`sitrep eval ner`: IOB reading, scoring, and the CoNLL++ dev floor (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep.eval.ner import evaluate, iob_entities, read_conll

FLOORS = json.loads((Path(__file__).parent / "floors" / "ner.json").read_text())


@pytest.mark.parametrize(("tags", "expected"), [
    (["B-PER", "I-PER", "O", "B-LOC"], {(0, 2, "PER"), (3, 4, "LOC")}),
    (["I-ORG", "I-ORG", "I-LOC"], {(0, 2, "ORG"), (2, 3, "LOC")}),       # IOB1: a type change starts an entity
    (["B-MISC", "B-MISC", "O"], {(0, 1, "MISC"), (1, 2, "MISC")}),
])
def test_iob_entities(tags: list[str], expected: set) -> None:
    assert iob_entities(tags) == expected


def test_read_conll_splits_sentences_and_documents(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("-DOCSTART- -X- -X- O\n\nRebels NNS B-NP O\nattacked VBD B-VP O\nGoma NNP B-NP B-LOC\n\n"
                    "Kabila NNP B-NP B-PER\nspoke VBD B-VP O\n")
    assert list(read_conll(path)) == [(["Rebels", "attacked", "Goma"], ["O", "O", "B-LOC"]),
                                      (["Kabila", "spoke"], ["B-PER", "O"])]


def test_evaluate_on_a_written_file(nlp, tmp_path: Path) -> None:
    path = tmp_path / "mini.txt"
    path.write_text("Emmanuel NNP B-NP B-PER\nMacron NNP I-NP I-PER\nvisited VBD B-VP O\nBerlin NNP B-NP B-LOC\n"
                    "on IN B-PP O\nFriday NNP B-NP O\n. . O O\n")
    report = evaluate([path], nlp)
    assert report.metrics["sentences"] == 1 and report.metrics["f1"] == pytest.approx(1.0)


@pytest.mark.slow
def test_conllpp_dev_floor(nlp) -> None:
    metrics = evaluate([], nlp).metrics
    for key, floor in FLOORS.items():
        assert metrics[key] >= floor, (key, metrics[key], floor)
