"""`sitrep eval time`: TimeML reading, TempEval-3 matching, and the gold-set floors (issue 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import GOLD

import sitrep
from sitrep.eval.time import GoldTimex, evaluate, is_heldout, read_tml, score

FLOORS = json.loads((Path(__file__).parent / "floors" / "time.json").read_text())

# A TimeML file written for this test (not gold text).
TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>test</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2022-03-31" functionInDocument="CREATION_TIME">2022-03-31</TIMEX3></DCT>
<TEXT>
Rebels <EVENT eid="e1" class="OCCURRENCE">attacked</EVENT> the town <TIMEX3 tid="t1" type="DATE" \
value="2022-03-28">Monday</TIMEX3> &amp; held it for <TIMEX3 tid="t2" type="DURATION" value="P2D">two days\
</TIMEX3>.
</TEXT>
</TimeML>
"""


def test_read_tml_gives_text_offsets_and_dct(tmp_path: Path) -> None:
    path = tmp_path / "doc.tml"
    path.write_text(TML, encoding="utf-8")
    gold = read_tml(path)
    assert gold.dct == "2022-03-31"
    assert [(gold.text[t.start:t.end], t.type, t.value) for t in gold.timexes] == [
        ("Monday", "DATE", "2022-03-28"), ("two days", "DURATION", "P2D")]
    assert "&" in gold.text and "<" not in gold.text


def test_score_counts_strict_relaxed_and_values() -> None:
    text = "on Monday evening for two days"
    gold = [GoldTimex(3, 9, "DATE", "2022-03-28"), GoldTimex(22, 30, "DURATION", "P2D")]
    system = [(3, 17, "TIME", "2022-03-28TEV"), (22, 30, "DURATION", "P2D"), (0, 2, "DATE", "X")]
    tally = score("d", text, gold, system)
    assert (tally.gold, tally.system, tally.strict, tally.relaxed) == (2, 3, 1, 2)
    assert (tally.value_ok, tally.type_ok) == (1, 1)
    metrics = tally.metrics()
    assert metrics["relaxed_f1"] == pytest.approx(0.8)
    assert metrics["value_f1"] == pytest.approx(metrics["relaxed_f1"] * metrics["value_accuracy"])


def test_evaluate_runs_on_a_small_file(tmp_path: Path) -> None:
    (tmp_path / "doc.tml").write_text(TML, encoding="utf-8")
    report = evaluate([tmp_path], sitrep.load(stages=["sitrep_times"]))
    assert report.metrics["relaxed_f1"] == 1.0 and report.metrics["value_f1"] == 1.0
    assert "baseline_value_f1" in report.metrics


def test_heldout_split_is_stable() -> None:
    assert is_heldout(Path("a/wsj_0006.tml")) == is_heldout(Path("b/wsj_0006.tml"))


@pytest.mark.slow
def test_tempeval3_floors() -> None:
    root = GOLD / "tempeval3"
    if not root.is_dir():
        pytest.skip("../shared/gold/tempeval3 is not beside the repository")
    report = evaluate([root], sitrep.load(stages=["sitrep_times"]))
    for key, floor in FLOORS.items():
        assert report.metrics[key] >= floor, (key, report.metrics[key], floor)
