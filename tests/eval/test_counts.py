"""`sitrep eval counts`: killed/injured per article against GVA incidents (issue 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language
from tests.conftest import GOLD

import sitrep
from sitrep.eval.counts import evaluate, load_gold, split_of


@pytest.fixture(scope="module")
def qnlp() -> Language:
    """Only the English model and this stage: the figures depend on nothing else, and a colleague's
    half-finished stage cannot break the evaluation."""
    return sitrep.load(stages=["sitrep_quantities"])


FLOORS = json.loads((Path(__file__).parent / "floors" / "counts.json").read_text())


def _write_gold(tmp_path: Path) -> Path:
    """Two incidents and two articles written for this test (not gold text)."""
    incidents = [
        {"incident_uri": "1", "num_killed": 1, "num_injured": 2},
        {"incident_uri": "2", "num_killed": 0, "num_injured": 1},
    ]
    articles = [
        {"incident_id": "1", "doc_id": "a", "dct": "2016-05-06", "title": "t",
         "text": "A man was shot and killed on Friday night. Two other people were wounded."},
        {"incident_id": "2", "doc_id": "b", "dct": "2016-05-07", "title": "t",
         "text": "A teenager was shot in the leg on Saturday and is expected to survive."},
        {"incident_id": "3", "doc_id": "c", "dct": "2016-05-07", "title": "t", "text": "No incident for me."},
    ]
    (tmp_path / "gva_incidents.jsonl").write_text("\n".join(json.dumps(r) for r in incidents) + "\n")
    (tmp_path / "gva_news_articles.jsonl").write_text("\n".join(json.dumps(r) for r in articles) + "\n")
    return tmp_path


def test_load_gold_keeps_articles_with_counts(tmp_path):
    gold = load_gold([_write_gold(tmp_path)])
    assert [(g["id"], g["killed"], g["injured"]) for g in gold] == [("a", 1, 2), ("b", 0, 1)]
    assert {g["split"] for g in gold} <= {"dev", "test"}


def test_split_is_stable():
    assert split_of("816596") == split_of("816596") and {split_of(str(i)) for i in range(20)} == {"dev", "test"}


def test_evaluate_small_set(tmp_path, qnlp):
    report = evaluate([_write_gold(tmp_path)], qnlp)
    assert report.metrics["articles"] == 2
    assert report.metrics["killed_exact"] == 1.0 and report.metrics["injured_exact"] == 1.0
    assert "baseline_killed_exact" in report.metrics


def test_reporting_subset_leaves_out_pages_without_a_shooting_word(tmp_path, qnlp):
    gold_dir = _write_gold(tmp_path)
    with (gold_dir / "gva_news_articles.jsonl").open("a") as f:
        f.write(json.dumps({"incident_id": "1", "doc_id": "d", "dct": "2016-05-08", "title": "t",
                            "text": "Sign in to your account to keep reading this story."}) + "\n")
    gold = load_gold([gold_dir])
    assert [g["reporting"] for g in gold] == [True, True, False]
    metrics = evaluate([gold_dir], qnlp).metrics
    assert metrics["articles"] == 3 and metrics["reporting_articles"] == 2
    assert metrics["reporting_killed_exact"] == 1.0 and metrics["killed_exact"] < 1.0


@pytest.mark.slow
def test_counts_floor(qnlp):
    path = GOLD / "gva_casualties"
    if not path.is_dir():
        pytest.skip("gold set gva_casualties not beside the repository")
    metrics = evaluate([path], qnlp, limit=FLOORS["limit"]).metrics
    for key, floor in FLOORS["floors"].items():
        assert metrics[key] >= floor, (key, metrics[key], floor)
