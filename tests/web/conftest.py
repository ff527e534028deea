"""A real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against a real `sitrep serve`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from sample_data import build_store

from sitrep.api.server import ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory, nlp) -> Iterator[ServerProcess]:
    db = build_store(tmp_path_factory.mktemp("web") / "store.duckdb", nlp)
    with ServerProcess(db) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, web_server: ServerProcess) -> Iterator[object]:
    """A fresh page; the test fails if the page logs any console error or throws."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=web_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    yield page
    context.close()
    assert problems == [], problems

