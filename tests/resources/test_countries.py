"""The country, IGO and title tables: what a phrase names, which sector a title implies."""

from __future__ import annotations

import pytest

from sitrep.resources.countries import country_code, country_name, is_igo, lookup, sector_for_title


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("Russian", "RUS"),
        ("the Netherlands", "NLD"),
        ("Kyiv", "UKR"),
        ("the US", "USA"),
        ("U.S.", "USA"),
        ("G7", "G7"),
        ("the Kremlin", "RUS"),
        ("Downing Street", "GBR"),
        ("the White House", "USA"),
        ("Iraqis", "IRQ"),
        ("Britain's", "GBR"),
        ("Ivory Coast", "CIV"),
        ("the European Union", "EU"),
        ("NATO", "NATO"),
        ("U.N.", "UN"),
        ("Vietnamese-led", "VNM"),
        ("Bosnian Serb forces", "BIH"),
        ("Tehran", "IRN"),
    ],
)
def test_country_code_names_the_country(phrase: str, code: str) -> None:
    assert country_code(phrase) == code


@pytest.mark.parametrize("phrase", ["Amnesty International", "protesters", "Monday", "the West", ""])
def test_country_code_is_none_without_a_country(phrase: str) -> None:
    assert country_code(phrase) is None


def test_igo_codes_are_told_from_countries() -> None:
    assert is_igo("NATO") and is_igo("EU") and not is_igo("RUS") and not is_igo(None)


def test_capital_and_seat_kinds() -> None:
    assert lookup("Moscow").kind == "capital"
    assert lookup("the Kremlin").kind == "seat"
    assert lookup("the Pentagon").sector == "MIL"


def test_country_name_is_the_short_name() -> None:
    assert country_name("RUS") == "Russia"
    assert country_name("NATO") == "NATO"


@pytest.mark.parametrize(
    ("title", "sector"),
    [
        ("deputy defense minister", "GOV"),
        ("French President", "GOV"),
        ("general staff", "MIL"),
        ("top negotiator", "GOV"),
        ("a negotiator for Kyiv", "GOV"),
        ("rebels", "REB"),
        ("riot police", "COP"),
        ("protesters", "OPP"),
        ("Supreme Court judge", "JUD"),
        ("lawmakers", "LEG"),
        ("refugees", "REF"),
        ("aid workers", "NGO"),
        ("journalist", "MED"),
        ("chief of staff", "MIL"),
    ],
)
def test_sector_for_title(title: str, sector: str) -> None:
    assert sector_for_title(title) == sector


def test_sector_for_an_unknown_word_is_none() -> None:
    assert sector_for_title("umbrella") is None
