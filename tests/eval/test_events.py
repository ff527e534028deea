"""`sitrep eval events`: the scoring helpers, and the PLOVER GSR score against its floor (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep.eval import get_task
from sitrep.eval.events import LABEL_MAP, code_matches, load_gold, macro_f1, split_accuracy, type_split

GOLD = Path(__file__).resolve().parents[2].parent / "shared" / "gold" / "plover_gsr"
FLOORS = json.loads((Path(__file__).parent / "floors" / "events.json").read_text())


def test_old_plover_labels_are_read_as_current_ones():
    assert LABEL_MAP["DEMAND"] == "REQUEST" and LABEL_MAP["DISAPPROVE"] == "ACCUSE"
    assert LABEL_MAP["FIGHT"] == "ASSAULT" and LABEL_MAP["INVESTIGATE"] == "ACCUSE"


def test_gold_igo_matches_any_organisation_code():
    iso3 = frozenset({"USA", "RUS"})
    assert code_matches("IGO", "UN", iso3) and code_matches("IGO", "NATO", iso3)
    assert not code_matches("IGO", "USA", iso3) and not code_matches("USA", None, iso3)


def test_macro_f1_averages_gold_classes():
    score, per = macro_f1(["A", "A", "B"], ["A", "B", "B"])
    assert per["A"]["f1"] == pytest.approx(2 / 3) and per["B"]["f1"] == pytest.approx(2 / 3)
    assert score == pytest.approx(2 / 3)


def test_type_split_holds_out_a_fixed_fifth_by_text():
    texts = [f"Sentence number {i} about troops." for i in range(2000)]
    splits = [type_split(t) for t in texts]
    assert splits == [type_split(t) for t in texts]  # a fixed split, not a random one
    assert 0.17 < splits.count("heldout") / len(splits) < 0.23


def test_split_accuracy_counts_only_its_split():
    assert split_accuracy(["A", "B", "C"], ["A", "X", "C"], ["dev", "dev", "heldout"], "dev") == 0.5
    assert split_accuracy(["A", "B", "C"], ["A", "X", "C"], ["dev", "dev", "heldout"], "heldout") == 1.0


@pytest.mark.skipif(not GOLD.is_dir(), reason="the shared gold is not beside the repository")
def test_gold_loads_with_current_labels():
    records = load_gold([GOLD])
    assert records and all(r["type"] not in LABEL_MAP for r in records)


@pytest.mark.slow
@pytest.mark.skipif(not GOLD.is_dir(), reason="the shared gold is not beside the repository")
def test_gsr_scores_stay_above_floors(nlp):
    report = get_task("events")([GOLD], nlp)
    for key, floor in FLOORS.items():
        assert report.metrics[key] >= floor, (key, report.metrics[key], floor)
