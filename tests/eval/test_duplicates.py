"""`sitrep eval duplicates`: the perturbations, and the floor on copies of the Guardian sample (slow)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from sitrep import across
from sitrep.eval.duplicates import PERTURBATIONS, evaluate, perturb

FLOORS = json.loads((Path(__file__).parent / "floors" / "duplicates.json").read_text())
TEXT = "\n".join(f"Paragraph {i}: the army said on Monday that rebels attacked a base near Goma {i} times."
                 for i in range(10))


@pytest.mark.parametrize("kind", PERTURBATIONS)
def test_each_perturbation_changes_the_text_but_stays_a_copy(kind: str) -> None:
    copy = perturb(TEXT, kind, random.Random(1))
    assert copy != TEXT
    sig_a, _ = across.signature(TEXT)
    sig_b, _ = across.signature(copy)
    assert across.jaccard(sig_a, sig_b) > 0.3


@pytest.mark.slow
def test_guardian_copies_floor(nlp) -> None:
    metrics = evaluate([], nlp).metrics
    for key, floor in FLOORS.items():
        assert metrics[key] >= floor, (key, metrics[key], floor)
