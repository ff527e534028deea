"""scripts/fit_place_weights.py: the conditional logit that fits the places ranker's weights.

The tables here are made up (no gold data): each item is a mention with a few candidate readings.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fit_place_weights.py"


@pytest.fixture(scope="module")
def fitter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fit_place_weights", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fit_place_weights"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def synthetic(fitter: ModuleType, n_items: int = 300) -> object:
    """Items of three candidates; the correct one has feature 0 ("context support") set 80% of the time and
    a lower feature 1 ("population") than a decoy; feature 2 is the same for every candidate."""
    rows, items, labels, docs = [], [], [], []
    for i in range(n_items):
        support = (i % 5) != 0  # deterministic: 4 items in 5 carry the signal
        cands = [([1.0 if support else 0.0, 3.0, 1.0], True),
                 ([0.0, 4.0, 1.0], False),
                 ([0.0, 2.0, 1.0], False)]
        for x, ok in cands:
            rows.append(x)
            items.append(i)
            labels.append(ok)
        docs.append(i // 3)
    return fitter.Table(np.array(rows), np.array(items), np.array(labels), np.array(docs),
                        np.array(["synthetic"] * n_items))


def test_fit_recovers_a_known_preference(fitter: ModuleType) -> None:
    table = synthetic(fitter)
    w = fitter.fit(table, 1e-3)
    assert w[0] > 1.0  # support speaks for a reading
    assert fitter.accuracy(w, table) >= 0.8  # every supported item is right
    # without support the middle population wins over the larger decoy only if population counts less than
    # support: the fit must not make population dominate
    assert w[0] > abs(w[1])


def test_fit_is_deterministic_and_the_penalty_shrinks(fitter: ModuleType) -> None:
    table = synthetic(fitter)
    a, b = fitter.fit(table, 1e-3), fitter.fit(table, 1e-3)
    assert np.array_equal(a, b)
    strong = fitter.fit(table, 1.0)
    assert np.linalg.norm(strong) < np.linalg.norm(a)


def test_a_feature_the_items_never_tell_apart_keeps_its_prior(fitter: ModuleType) -> None:
    table = synthetic(fitter)
    prior = np.array([0.0, 0.0, 2.5])
    w = fitter.fit(table, 1e-2, prior=prior)
    assert w[2] == pytest.approx(2.5)  # feature 2 is equal across each item's candidates


def test_subset_keeps_whole_items(fitter: ModuleType) -> None:
    table = synthetic(fitter, n_items=6)
    keep = np.array([True, False, True, False, False, True])
    sub = table.subset(keep)
    assert len(sub.doc) == 3 and len(sub.y) == 9
    assert sorted(set(sub.item.tolist())) == [0, 1, 2]
