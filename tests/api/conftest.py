"""A store built from short test articles with the real pipeline, served by a real `sitrep serve` process."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from sample_data import build_store

from sitrep.api.server import ServerProcess


@pytest.fixture(scope="session")
def api_db(tmp_path_factory: pytest.TempPathFactory, nlp) -> Path:
    return build_store(tmp_path_factory.mktemp("api") / "store.duckdb", nlp)


@pytest.fixture(scope="session")
def server(api_db: Path) -> Iterator[ServerProcess]:
    with ServerProcess(api_db) as running:
        yield running


@pytest.fixture(scope="session")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


@pytest.fixture()
def writable_db(api_db: Path, tmp_path: Path) -> Path:
    """A private copy of the store a test may change."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(api_db, copy)
    return copy
