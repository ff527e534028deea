"""`sitrep eval subtypes`: the ACLED-to-PLOVER table, and the CASE 2021 score against its floor (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep.eval import get_task
from sitrep.eval.subtypes import ACLED_TO_PLOVER, NON_EVENTS, load_gold
from sitrep.model import PLOVER_TYPES

GOLD = Path(__file__).resolve().parents[2].parent / "shared" / "gold" / "case2021_task2_acled"
FLOORS = json.loads((Path(__file__).parent / "floors" / "subtypes.json").read_text())


def test_table_maps_onto_plover_types():
    assert set(ACLED_TO_PLOVER.values()) <= set(PLOVER_TYPES)


@pytest.mark.skipif(not GOLD.is_dir(), reason="the shared gold is not beside the repository")
def test_every_gold_label_is_mapped_or_scored_apart():
    labels = {r["label"] for r in load_gold([GOLD / "labelled.tsv"])}
    unmapped = labels - set(ACLED_TO_PLOVER) - NON_EVENTS - {"DIPLO", "ATTRIB"}
    assert not unmapped


@pytest.mark.slow
@pytest.mark.skipif(not GOLD.is_dir(), reason="the shared gold is not beside the repository")
def test_case_scores_stay_above_floors(nlp):
    report = get_task("subtypes")([GOLD / "labelled.tsv"], nlp)
    for key, floor in FLOORS.items():
        assert report.metrics[key] >= floor, (key, report.metrics[key], floor)
