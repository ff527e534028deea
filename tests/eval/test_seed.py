"""`sitrep eval seed`: the seed article scored by the shared scorer, against a floor that only ratchets up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import SEED

from sitrep.eval.seed import evaluate

FLOORS = json.loads((Path(__file__).parent / "floors" / "seed.json").read_text())


def test_seed_article_floor(nlp) -> None:
    if not (SEED / "expected.json").exists():
        pytest.skip("the seed fixture is not beside the repository")
    report = evaluate([], nlp)
    for key, floor in FLOORS.items():
        assert report.metrics[key] >= floor, (key, report.metrics[key], floor, report.notes)
