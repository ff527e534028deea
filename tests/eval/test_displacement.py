"""`sitrep eval displacement`: IDMC displacement figures, terms and units (issue 8)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from spacy.language import Language
from tests.conftest import GOLD

import sitrep
from sitrep.eval.displacement import evaluate, load_gold


@pytest.fixture(scope="module")
def qnlp() -> Language:
    """Only the English model and this stage: the figures depend on nothing else, and a colleague's
    half-finished stage cannot break the evaluation."""
    return sitrep.load(stages=["sitrep_quantities"])


FLOORS = json.loads((Path(__file__).parent / "floors" / "displacement.json").read_text())


def _write_gold(tmp_path: Path) -> Path:
    """Two excerpts in the IDETECT layout, written for this test (not gold text)."""
    path = tmp_path / "excerpts.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["excerpt_id", "excerpt", "Quantity", "Term", "Unit"])
        writer.writeheader()
        writer.writerow({"excerpt_id": "1", "excerpt": "Floods forced about 3,400 families to flee their villages.",
                         "Quantity": "3400.0", "Term": "Forced to Flee", "Unit": "Households"})
        writer.writerow({"excerpt_id": "2", "excerpt": "More than 900 people were evacuated from the coast.",
                         "Quantity": "900", "Term": "Evacuated", "Unit": "People"})
    return tmp_path


def test_load_gold_reads_the_idetect_layout(tmp_path):
    gold = load_gold([_write_gold(tmp_path)])
    assert [(g["quantity"], g["term"], g["unit"]) for g in gold] == [
        (3400, "Forced to Flee", "Households"), (900, "Evacuated", "People")]


def test_evaluate_small_set(tmp_path, qnlp):
    metrics = evaluate([_write_gold(tmp_path)], qnlp).metrics
    assert metrics["excerpts"] == 2
    assert metrics["quantity_acc"] == 1.0 and metrics["term_acc"] == 1.0 and metrics["unit_acc"] == 1.0
    assert "baseline_quantity_acc" in metrics


@pytest.mark.slow
def test_displacement_floor(qnlp):
    path = GOLD / "idmc_displacement"
    if not path.is_dir():
        pytest.skip("gold set idmc_displacement not beside the repository")
    metrics = evaluate([path], qnlp).metrics
    for key, floor in FLOORS["floors"].items():
        assert metrics[key] >= floor, (key, metrics[key], floor)
