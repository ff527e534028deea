"""`sitrep eval quotes`: PolNeAR attribution scoring (issue 7): the scorer on tiny files written here,
and the dev-split floors (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import GOLD

import sitrep
from sitrep.eval.quotes import GoldAttribution, Prediction, Tally, baseline_predictions, evaluate, read_ann

FLOORS = json.loads((Path(__file__).parent / "floors" / "quotes.json").read_text())

TEXT = '“We are ready,” Ana Ruiz said. “The trucks leave at dawn.” The mayor said the bridge was open.'


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _corpus(tmp_path: Path, name: str = "dev") -> Path:
    """A one-article corpus in PolNeAR's layout: text/ and attributions/ with an annotator suffix."""
    split = tmp_path / name
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    q1 = _span(TEXT, "“We are ready,”")
    q2 = _span(TEXT, "“The trucks leave at dawn.”")
    src = _span(TEXT, "Ana Ruiz")
    cue = _span(TEXT, "said")
    content2 = _span(TEXT, "the bridge was open")
    src2 = _span(TEXT, "The mayor")
    cue2 = (content2[0] - 5, content2[0] - 1)
    ann = "\n".join([
        f"T1\tContent {q1[0]} {q1[1]};{q2[0]} {q2[1]}\tx",
        f"T2\tSource {src[0]} {src[1]}\tAna Ruiz",
        f"T3\tCue {cue[0]} {cue[1]}\tsaid",
        f"T4\tAttribution {cue[0]} {cue[1]}\tsaid",
        "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2",
        f"T5\tContent {content2[0]} {content2[1]}\tthe bridge was open",
        f"T6\tSource {src2[0]} {src2[1]}\tThe mayor",
        f"T7\tCue {cue2[0]} {cue2[1]}\tsaid",
        f"T8\tAttribution {cue2[0]} {cue2[1]}\tsaid",
        "E2\tAttribution:T8 Content:T5 Cue:T7 Source:T6",
    ])
    (split / "attributions" / "a_1a2b.ann").write_text(ann + "\n", encoding="utf-8")
    return split


def test_read_ann_ties_content_cue_and_source(tmp_path):
    split = _corpus(tmp_path)
    gold = read_ann(split / "attributions" / "a_1a2b.ann", TEXT)
    assert len(gold) == 2
    assert gold[0].direct and not gold[1].direct
    assert len(gold[0].content) == 2  # discontinuous content: two fragments
    assert gold[0].source_text == "Ana Ruiz"


def test_split_quote_counts_both_halves_and_a_wrong_speaker_counts_wrong():
    gold = [GoldAttribution(content=[(0, 10), (20, 30)], source=[(12, 16)], direct=True, source_text="Ruiz")]
    tally = Tally()
    preds = [Prediction(0, 10, speaker=(12, 16), speaker_name="Ana Ruiz"),
             Prediction(20, 30, speaker=(40, 45), speaker_name="Someone Else"),
             Prediction(50, 60)]
    tally.add("x" * 70, gold, preds)
    metrics = tally.metrics()
    assert metrics["content_overlap_p"] == pytest.approx(2 / 3)
    assert metrics["content_overlap_r"] == 1.0
    # the best-overlapping prediction is the first (10 chars each: ties keep the first), right speaker
    assert metrics["speaker_acc_direct"] == 1.0


def test_speaker_accepted_by_name_but_not_for_a_bare_pronoun():
    gold_name = [GoldAttribution(content=[(0, 10)], source=[(50, 55)], direct=True, source_text="Ana Ruiz")]
    gold_pron = [GoldAttribution(content=[(0, 10)], source=[(50, 52)], direct=True, source_text="he")]
    pred = [Prediction(0, 10, speaker=(70, 78), speaker_name="Ana Ruiz")]
    t1, t2 = Tally(), Tally()
    t1.add("x" * 80, gold_name, pred)
    t2.add("x" * 80, gold_pron, pred)
    assert t1.metrics()["speaker_acc_direct"] == 1.0
    assert t2.metrics()["speaker_acc_direct"] == 0.0


def test_exact_match_ignores_edge_punctuation_and_quote_marks():
    text = "“We are ready,” she said."
    gold = [GoldAttribution(content=[(0, 15)], direct=True)]
    tally = Tally()
    tally.add(text, gold, [Prediction(1, 13)])  # 'We are ready' without marks and comma
    assert tally.metrics()["content_exact_f1"] == 1.0


def test_baseline_pairs_marks_and_takes_the_nearest_entity():
    nlp = sitrep.load(stages=[])
    doc = nlp('Officials met. "The port is shut," said Omar Saleh.')
    preds = baseline_predictions(doc)
    assert len(preds) == 1 and doc.text[preds[0].start:preds[0].end] == '"The port is shut,"'


def test_evaluate_on_a_tiny_corpus(tmp_path):
    split = _corpus(tmp_path)
    report = evaluate([split], sitrep.load(stages=["sitrep_actors", "sitrep_quotes"]))
    assert report.metrics["articles"] == 1
    assert report.metrics["gold_attributions"] == 2
    assert report.metrics["content_overlap_r"] == 1.0
    assert report.metrics["speaker_acc_direct"] == 1.0
    assert "baseline_content_overlap_f1" in report.metrics


@pytest.mark.issue(7)
def test_a_bare_split_name_scores_that_split_of_the_gold_set(tmp_path, monkeypatch):
    _corpus(tmp_path / "gold" / "polnear" / "data", name="train")
    monkeypatch.setenv("SITREP_GOLD", str(tmp_path / "gold"))
    monkeypatch.chdir(tmp_path)
    report = evaluate([Path("train")], sitrep.load(stages=["sitrep_actors", "sitrep_quotes"]))
    assert report.metrics["split"] == "train"
    assert report.metrics["articles"] == 1 and report.metrics["gold_attributions"] == 2


@pytest.mark.slow
def test_polnear_dev_floors() -> None:
    root = GOLD / "polnear"
    if not root.is_dir():
        pytest.skip("../shared/gold/polnear is not beside the repository")
    report = evaluate([root], sitrep.load(stages=["sitrep_actors", "sitrep_quotes"]))
    assert report.metrics["split"] == "dev"
    for key, floor in FLOORS.items():
        assert report.metrics[key] >= floor, (key, report.metrics[key], floor)
