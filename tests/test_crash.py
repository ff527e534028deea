"""Crash safety: `sitrep ingest` killed with SIGKILL mid-run loses nothing and duplicates nothing on re-run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

CITIES = ["Goma", "Kharkiv", "Dhaka", "Maiduguri", "Bamako", "Mosul", "Aleppo", "Khartoum", "Lagos", "Kabul"]
ACTORS = ["Police", "The army", "Rebels", "Protesters", "Government troops", "Militants"]
VERBS = ["attacked", "surrounded", "shelled", "marched on", "raided", "blockaded"]


def write_articles(path: Path, count: int) -> None:
    """Short, distinct articles written by the test (rng seeded, so every run writes the same file)."""
    rng = random.Random(42)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            city, actor, verb = rng.choice(CITIES), rng.choice(ACTORS), rng.choice(VERBS)
            text = (f"{actor} {verb} a checkpoint near {city} on Monday, killing {rng.randint(2, 90)} people, "
                    f"officials said in report number {i}. The regional governor said {rng.randint(3, 400)} "
                    f"families had fled their homes since the fighting began.")
            out.write(json.dumps({"id": f"c{i:04d}", "text": text, "published": "2024-03-06"}) + "\n")


def ingest(source: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sitrep.cli", "ingest", str(source), "--db", str(db), "--debug",
                             "--batch-size", "8"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = ("articles", "events", "actors", "places", "times", "quotes", "quantities", "story_event_reports")
        found = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        found["distinct_sha"] = con.execute("SELECT count(DISTINCT sha256) FROM articles").fetchone()[0]
        found["orphan_events"] = con.execute(
            "SELECT count(*) FROM events e LEFT JOIN articles a ON a.id = e.article_id WHERE a.id IS NULL"
        ).fetchone()[0]
    return found


@pytest.mark.issue(13)
def test_sigkill_mid_ingest_then_rerun_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    source = tmp_path / "500.jsonl"
    write_articles(source, 500)
    db = tmp_path / "crash.duckdb"
    process = ingest(source, db)
    stored = 0
    deadline = time.monotonic() + 600
    for line in process.stderr:  # "stored article <id>" per committed article, with --debug
        stored += "stored article" in line
        if stored >= 60 or time.monotonic() > deadline:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL and stored >= 60

    partial = counts(db)  # the store opens cleanly after the kill (DuckDB replays its WAL)
    assert 60 <= partial["articles"] < 500

    rerun = ingest(source, db)
    _, stderr = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, stderr[-2000:]
    final = counts(db)
    assert final["articles"] == 500 and final["distinct_sha"] == 500 and final["orphan_events"] == 0

    clean = tmp_path / "clean.duckdb"
    reference = ingest(source, clean)
    reference.communicate(timeout=900)
    assert final == counts(clean)  # exactly what an uninterrupted run stores
