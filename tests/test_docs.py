"""Documentation that cannot drift: the CLI page is the live --help, every stage and config key has a section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from spacy.language import Language

import sitrep  # noqa: F401  (registers the factories)
from sitrep.stages import STAGE_ORDER

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_cli_reference_is_current() -> None:
    script = DOCS.parent / "scripts" / "gen_docs.py"
    completed = subprocess.run([sys.executable, str(script), "--check"], check=False)
    assert completed.returncode == 0, "docs/cli.md or docs/errors.md is stale: run `python scripts/gen_docs.py`"


@pytest.mark.parametrize("factory", STAGE_ORDER)
def test_every_stage_and_config_key_is_documented(factory: str) -> None:
    page = DOCS / "stages" / f"{factory.removeprefix('sitrep_')}.md"
    assert page.exists(), f"{factory} has no page in docs/stages/"
    text = page.read_text(encoding="utf-8")
    assert f"`{factory}`" in text
    for key in Language.get_factory_meta(factory).default_config:
        assert f"`{key}`" in text, f"config key {key!r} of {factory} is not documented in {page.name}"


@pytest.mark.parametrize("page", ["cli.md", "python-api.md", "store.md", "ingest.md", "evaluation.md",
                                  "performance.md", "settings.md", "errors.md"])
def test_core_pages_exist(page: str) -> None:
    assert (DOCS / page).is_file()


def test_every_error_code_is_in_the_catalogue_page() -> None:
    from sitrep.errors import Errors, Warnings

    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    codes = [name for catalogue in (Errors, Warnings) for name in vars(catalogue)
             if name[:1] in "EW" and name[1:].isdigit()]
    missing = [code for code in codes if f"| {code} |" not in text]
    assert not missing, f"codes missing from docs/errors.md: {missing}"
