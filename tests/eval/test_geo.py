"""`sitrep eval geo`: gold readers, distance metrics, and the gold-set floors (issue 4)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from tests.conftest import GOLD

import sitrep
from sitrep.eval.geo import MISSED_KM, GoldDoc, GoldToponym, Prediction, Tally, auc, evaluate, km, load_gold
from sitrep.resources.gazetteer import load_gazetteer

FLOORS = json.loads((Path(__file__).parent / "floors" / "geo.json").read_text())

# Files written for these tests (not gold text), in the BRAT and XML layouts of the gold sets.
TEXT = "Police in Nairobi arrested Russian protesters. Later, Mombasa was calm."
ANN = (
    "T1\tLiteral 10 17\tNairobi\n#1\tAnnotatorNotes T1\t184745\n"
    "T2\tNon_Literal_Modifier 27 34\tRussian\n#2\tAnnotatorNotes T2\t2017370\n"
    "T3\tLiteral 54 61\tMombasa\n#3\tAnnotatorNotes T3\t-4.05466, 39.66359\n"
    "T4\tLiteral_Expression 0 6\tPolice\n"
)
XML = """<?xml version="1.0" encoding="utf-8"?>
<articles><article docid="1"><dltime>2020-01-02 10:00:00</dltime>
<text>Floods hit Mombasa on Monday.</text>
<toponyms><toponym><start>11</start><end>18</end><phrase>Mombasa</phrase>
<gaztag geonameid="186301"><name>Mombasa</name><lat>-4.05466</lat><lon>39.66359</lon></gaztag>
</toponym></toponyms></article></articles>
"""


def test_km_is_the_great_circle_distance() -> None:
    assert km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.2, abs=0.1)
    assert km(0.0, 0.0, 0.0, 180.0) == pytest.approx(MISSED_KM, rel=2e-3)  # half the equator


def test_auc_is_zero_when_exact_and_one_when_all_missed() -> None:
    assert auc([0.0, 0.0, 0.0]) == 0.0
    assert auc([MISSED_KM] * 3) == pytest.approx(1.0)
    assert 0.0 < auc([0.0, 100.0, MISSED_KM]) < 1.0


def test_tally_counts_misses_as_the_maximum_error_and_matching_ids_as_zero() -> None:
    gold = GoldDoc("t", "1", 0, "Nairobi and Mombasa", [
        GoldToponym(0, 7, "Nairobi", 184745, -1.28, 36.82),
        GoldToponym(12, 19, "Mombasa", 186301, -4.05, 39.66),
    ], other_spans=[(30, 35)])
    preds = [Prediction(0, 7, 184745, -1.3, 36.9), Prediction(30, 35, 1, 0.0, 0.0), Prediction(40, 45, 1, 0.0, 0.0)]
    tally = Tally()
    tally.add(gold, preds, lambda g: True)
    assert tally.errors == [0.0, MISSED_KM] and (tally.found, tally.gold) == (1, 2)
    assert (tally.tp_pred, tally.fp_pred) == (2, 1)  # the annotated span without coordinates is not a false positive
    m = tally.metrics()
    assert m["acc161"] == 0.5 and m["acc161_detected"] == 1.0 and m["detection_recall"] == 0.5


def test_wrong_id_is_scored_by_distance() -> None:
    gold = GoldDoc("t", "1", 0, "Paris", [GoldToponym(0, 5, "Paris", 2988507, 48.85, 2.35)])
    tally = Tally()
    tally.add(gold, [Prediction(0, 5, 4717560, 33.66, -95.56)], lambda g: True)
    assert tally.errors[0] > 7000 and tally.metrics()["acc161"] == 0.0


def test_brat_reader_keeps_toponyms_with_coordinates_and_marks_demonyms(tmp_path: Path) -> None:
    folder = tmp_path / "gwn"
    folder.mkdir()
    (folder / "0.txt").write_text(TEXT, encoding="utf-8")
    (folder / "0.ann").write_text(ANN, encoding="utf-8")
    [doc] = load_gold([folder], load_gazetteer())
    found = {t.text: t for t in doc.toponyms}
    assert set(found) == {"Nairobi", "Russian", "Mombasa"}
    assert found["Russian"].demonym and not found["Nairobi"].demonym and not found["Mombasa"].demonym
    assert found["Nairobi"].lat is not None and math.isclose(found["Mombasa"].lat, -4.05466)


def test_evaluate_scores_a_small_xml_file(tmp_path: Path) -> None:
    path = tmp_path / "lgl.xml"
    path.write_text(XML, encoding="utf-8")
    report = evaluate([path], sitrep.load(stages=["sitrep_places"]))
    assert report.metrics["acc161"] == 1.0 and report.metrics["detection_recall"] == 1.0
    assert "baseline_acc161" in report.metrics and report.metrics["toponyms"] == 1


@pytest.mark.slow
def test_geoparsing_floors() -> None:
    root = GOLD / "geoparsing"
    if not root.is_dir():
        pytest.skip("../shared/gold/geoparsing is not beside the repository")
    report = evaluate([root], sitrep.load(stages=["sitrep_places"]))
    for key, floor in FLOORS.items():
        assert report.metrics[key] >= floor, (key, report.metrics[key], floor)
