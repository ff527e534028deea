"""Shared fixtures: the real English pipeline with every stage, real files under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

import sitrep

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLD = SHARED / "gold"
SEED = SHARED / "fixtures" / "seed"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="run gold-set evaluations (slow)")
    parser.addoption("--browser", action="store_true", default=False, help="run headless-Chromium tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "slow" in item.keywords and not config.getoption("--slow"):
            item.add_marker(pytest.mark.skip(reason="slow evaluation: run with --slow"))
        if "browser" in item.keywords and not config.getoption("--browser"):
            item.add_marker(pytest.mark.skip(reason="browser test: run with --browser"))


def pytest_report_header(config: pytest.Config) -> list[str]:
    import duckdb
    import spacy

    return [f"sitrep {sitrep.__version__}, spaCy {spacy.__version__}, DuckDB {duckdb.__version__}"]


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real English model with every sitrep stage."""
    return sitrep.load()


@pytest.fixture(scope="session")
def seed_text() -> str:
    path = SEED / "article.txt"
    if not path.exists():
        pytest.skip("the seed fixture (../shared/fixtures/seed) is not beside the repository")
    return path.read_text(encoding="utf-8")
