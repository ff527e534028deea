"""The `sitrep` command as users call it: CliRunner for most, a real subprocess for stdin and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from sitrep.cli import app

runner = CliRunner()
NEWS = ("Police in Nairobi arrested twelve protesters on Monday after a march on parliament turned violent, "
        "Kenya's interior minister Kithure Kindiki said.")
MORE = "The army said on Thursday that its troops had taken control of the town of Goma after two days of fighting."
CONTRACT_KEYS = {"article", "actors", "places", "times", "quotes", "quantities", "events"}


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "a.txt").write_text(NEWS)
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b1", "text": MORE, "published": "2024-02-01"}) + "\n")
    (tmp_path / "empty.txt").write_text("")
    return {"a": tmp_path / "a.txt", "b": tmp_path / "b.jsonl", "empty": tmp_path / "empty.txt"}


def test_extract_one_article_prints_one_contract_object(inputs) -> None:
    result = runner.invoke(app, ["extract", str(inputs["a"]), "--published", "2024-05-06"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert set(obj) >= CONTRACT_KEYS
    assert obj["article"]["published"] == "2024-05-06" and obj["article"]["text"] == NEWS
    assert {"id", "text", "published", "title", "url", "language", "sha256"} <= set(obj["article"])


def test_extract_many_gives_jsonl_in_input_order_with_errors_in_place(inputs, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(inputs["a"]), str(inputs["empty"]), str(inputs["b"]), "-o", str(out)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 3
    assert lines[0]["article"]["text"] == NEWS
    assert set(lines[1]) == {"article", "error"} and lines[1]["error"].startswith("[E103]")
    assert lines[2]["article"]["id"] == "b1"
    assert "empty.txt" in result.stderr and "[E103]" in result.stderr


def test_extract_raw_text_keeps_offsets_on_the_input(tmp_path) -> None:
    text = "  Rebels shelled the airport in Goma on Sunday.\r\nTo read our live blog, click here."
    path = tmp_path / "raw.txt"
    path.write_bytes(text.encode())
    result = runner.invoke(app, ["extract", str(path), "--raw-text", "--jsonl"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert obj["article"]["text"] == text


def test_bad_published_date_is_a_usage_error(inputs) -> None:
    result = runner.invoke(app, ["extract", str(inputs["a"]), "--published", "2022-02-30"])
    assert result.exit_code == 2 and "E112" in result.output


def test_ingest_twice_is_idempotent_then_stats_and_exports(inputs, tmp_path) -> None:
    db = tmp_path / "s.duckdb"
    first = runner.invoke(app, ["ingest", str(inputs["a"]), str(inputs["b"]), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "stored 2 new" in first.stderr
    again = runner.invoke(app, ["ingest", str(inputs["a"]), str(inputs["b"]), "--db", str(db)])
    assert again.exit_code == 0 and "stored 0 new" in again.stderr and "2 already there" in again.stderr

    stats = json.loads(runner.invoke(app, ["stats", "--db", str(db), "--json"]).stdout)
    for key in ("articles", "duplicates", "events", "story_events", "actors", "places", "quotes", "quantities",
                "failures"):
        assert isinstance(stats[key], int)
    assert stats["articles"] == 2 and stats["failures"] == 0

    out = tmp_path / "all.jsonl"
    assert runner.invoke(app, ["export", "--format", "jsonl", "--db", str(db), "-o", str(out)]).exit_code == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["article"]["text"] for r in records} == {NEWS, MORE}

    csv_path = tmp_path / "actors.csv"
    assert runner.invoke(app, ["export", "-f", "csv", "--table", "actors", "--db", str(db), "-o",
                               str(csv_path)]).exit_code == 0
    assert duckdb.sql(f"SELECT count(*) FROM read_csv_auto('{csv_path}')").fetchall()[0][0] == stats["actors"]

    parquet_dir = tmp_path / "pq"
    assert runner.invoke(app, ["export", "-f", "parquet", "--db", str(db), "-o", str(parquet_dir)]).exit_code == 0
    assert duckdb.sql(f"SELECT count(*) FROM '{parquet_dir / 'articles.parquet'}'").fetchall()[0][0] == 2


@pytest.mark.parametrize("fmt", ["geojson", "acled-csv", "plover"])
def test_analyst_exports_carry_every_event_once(tmp_path, fmt) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Russian forces shelled Kharkiv on Monday, killing five people, the regional governor said. "
                    "Police in Dhaka arrested 40 protesters on Tuesday.")
    db = tmp_path / "s.duckdb"
    assert runner.invoke(app, ["ingest", str(path), "--db", str(db), "--published", "2024-03-06"]).exit_code == 0
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(app, ["export", "-f", fmt, "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        located = con.execute("SELECT count(*) FROM events WHERE lat IS NOT NULL").fetchone()[0]
    assert events > 0
    if fmt == "geojson":
        features = json.loads(out.read_text())["features"]
        assert len(features) == located
        assert all(-180 <= f["geometry"]["coordinates"][0] <= 180 for f in features)
    elif fmt == "plover":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(rows) == events and all(r["event_type"] and "actor" in r for r in rows)
    else:
        rows = out.read_text().splitlines()
        assert rows[0].startswith("event_id_cnty,event_date") and len(rows) == events + 1


def test_ingest_records_failures_and_exits_1(inputs, tmp_path) -> None:
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", str(inputs["empty"]), str(inputs["a"]), "--db", str(db)])
    assert result.exit_code == 1 and "E103" in result.stderr and "1 input(s) failed" in result.stderr
    stats = json.loads(runner.invoke(app, ["stats", "--db", str(db), "--json"]).stdout)
    assert stats["articles"] == 1 and stats["failures"] == 1


def test_unknown_export_format(tmp_path, inputs) -> None:
    db = tmp_path / "s.duckdb"
    runner.invoke(app, ["ingest", str(inputs["a"]), "--db", str(db)])
    result = runner.invoke(app, ["export", "--format", "xlsx", "--db", str(db)])
    assert result.exit_code == 2 and "E403" in result.stderr


def test_stdin_through_the_real_command(tmp_path) -> None:
    completed = subprocess.run([sys.executable, "-m", "sitrep.cli", "extract", "-", "--published", "2024-05-06"],
                               input=NEWS.encode(), capture_output=True, check=False, timeout=300)
    assert completed.returncode == 0, completed.stderr.decode()
    assert json.loads(completed.stdout)["article"]["text"] == NEWS


def test_missing_file_through_the_real_command(tmp_path) -> None:
    completed = subprocess.run([sys.executable, "-m", "sitrep.cli", "extract", str(tmp_path / "gone.txt")],
                               capture_output=True, text=True, check=False, timeout=300)
    assert completed.returncode == 1
    assert completed.stderr.splitlines()[0].startswith("[E102]") and "gone.txt" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_demo_ingests_the_samples(tmp_path) -> None:
    db = tmp_path / "demo.duckdb"
    result = runner.invoke(app, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert str(db.resolve()) in result.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] >= 6


def test_ingest_with_two_worker_processes_stores_the_same(inputs, tmp_path) -> None:
    counts = []
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.duckdb"
        result = runner.invoke(app, ["ingest", str(inputs["a"]), str(inputs["b"]), "--db", str(db),
                                     "--workers", workers])
        assert result.exit_code == 0, result.output
        counts.append(json.loads(runner.invoke(app, ["stats", "--db", str(db), "--json"]).stdout))
    assert counts[0] == counts[1] and counts[0]["articles"] == 2
