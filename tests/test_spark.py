"""`sitrep spark extract` on a real local[2] Spark, its Parquet read by DuckDB, `ingest --parquet`, and a job
killed with SIGKILL mid-run then re-run."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from sitrep.cli import app

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java on the PATH", allow_module_level=True)

runner = CliRunner()
ARTICLES = [
    {"id": "s1", "published": "2024-03-04", "text": "Russian forces shelled Kharkiv on Monday, killing five "
     "people, the regional governor said."},
    {"id": "s2", "published": "2024-03-08", "text": "Police in Dhaka detained 46 garment workers on Friday after "
     "a march on the labour ministry, a police spokesman said."},
    {"id": "s3", "text": "Floods forced more than 12,000 people from their homes in Maiduguri, the state "
     "emergency agency said on Wednesday."},
    {"id": "bad", "text": ""},
]


@pytest.fixture(scope="module")
def spark_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("spark")
    source = folder / "in.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n{broken json\n")
    output = folder / "out"
    result = runner.invoke(app, ["spark", "extract", str(source), str(output), "--master", "local[2]"])
    assert result.exit_code == 1, result.output  # two inputs fail; the rest are written
    assert "wrote 3 article(s)" in result.stderr and "2 failed" in result.stderr
    return source, output


def test_output_is_date_partitioned_parquet_that_duckdb_reads(spark_output) -> None:
    _, output = spark_output
    partitions = sorted(p.name for p in output.iterdir() if p.is_dir())
    assert "published=2024-03-04" in partitions and "published=2024-03-08" in partitions
    rows = duckdb.sql(f"SELECT id, published, error, events, record FROM read_parquet('{output}/**/*.parquet', "
                      "hive_partitioning = true) ORDER BY id").fetchall()
    by_id = {row[0]: row for row in rows}
    assert {"s1", "s2", "s3"} <= set(by_id)
    assert str(by_id["s1"][1]) == "2024-03-04" and by_id["s1"][2] is None
    record = json.loads(by_id["s1"][4])
    assert record["article"]["text"].startswith("Russian forces") and isinstance(json.loads(by_id["s1"][3]), list)
    errors = [row[2] for row in rows if row[2]]
    assert len(errors) == 2 and any("E108" in e for e in errors) and any("E109" in e or "E103" in e for e in errors)


def test_ingest_parquet_loads_once(spark_output, tmp_path: Path) -> None:
    _, output = spark_output
    db = tmp_path / "s.duckdb"
    first = runner.invoke(app, ["ingest", "--parquet", str(output), "--db", str(db)])
    assert "stored 3 new" in first.stderr, first.output
    again = runner.invoke(app, ["ingest", "--parquet", str(output), "--db", str(db)])
    assert "stored 0 new" in again.stderr
    counts = json.loads(runner.invoke(app, ["stats", "--db", str(db), "--json"]).stdout)
    assert counts["articles"] == 3


def test_rerun_gives_the_same_rows(spark_output, tmp_path: Path) -> None:
    source, output = spark_output
    query = "SELECT id, sha256, events FROM read_parquet('{}/**/*.parquet', hive_partitioning = true) ORDER BY id"
    before = duckdb.sql(query.format(output)).fetchall()
    again = tmp_path / "again"
    runner.invoke(app, ["spark", "extract", str(source), str(again), "--master", "local[1]"])
    assert duckdb.sql(query.format(again)).fetchall() == before


# -- crash safety (issue 13): SIGKILL mid-run, re-run, nothing lost or duplicated --------------------------------

CITIES = ["Goma", "Kharkiv", "Dhaka", "Maiduguri", "Bamako", "Mosul", "Aleppo", "Khartoum", "Lagos", "Kabul"]


def write_articles(path: Path, count: int) -> set[str]:
    """Short, distinct articles over several publication dates (rng seeded, the same file every run)."""
    rng = random.Random(13)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            city = rng.choice(CITIES)
            text = (f"Gunmen attacked a market near {city} on Monday, killing {rng.randint(2, 90)} people, "
                    f"officials said in report number {i}. Police arrested {rng.randint(2, 40)} suspects.")
            out.write(json.dumps({"id": f"k{i:03d}", "text": text, "published": f"2024-03-0{1 + i % 5}"}) + "\n")
    return {f"k{i:03d}" for i in range(count)}


def spark_extract(source: Path, output: Path) -> subprocess.Popen:
    # its own session, so the JVM and Python workers it starts can be found (and cleaned up) as one group
    return subprocess.Popen([sys.executable, "-m", "sitrep.cli", "spark", "extract", str(source), str(output),
                             "--master", "local[2]", "--partitions", "8", "--batch-size", "4"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


def committed_tasks(output: Path) -> list[Path]:
    """Files of tasks that finished, waiting in Spark's _temporary folder for the job to commit them."""
    return [p for p in output.glob("_temporary/*/task_*/**/*.parquet")]


@pytest.mark.slow  # two Spark jobs, each loading the pipeline in two workers: 55 s quiet, 16 min on the busy machine
@pytest.mark.issue(13)
def test_sigkill_mid_extract_then_rerun_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    source, output, db = tmp_path / "in.jsonl", tmp_path / "out", tmp_path / "s.duckdb"
    expected = write_articles(source, 96)
    job = spark_extract(source, output)
    try:
        deadline = time.monotonic() + 600
        while not committed_tasks(output) and job.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert job.poll() is None, "the job ended before any task finished: nothing to kill mid-run"
        assert committed_tasks(output), "no task finished within 10 minutes"
        os.kill(job.pid, signal.SIGKILL)  # the driver dies mid-job, with no chance to clean up
        assert job.wait(timeout=60) == -signal.SIGKILL
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(job.pid, signal.SIGKILL)  # the JVM and workers, if they outlived their driver
    published = [p for p in output.rglob("*.parquet") if "_temporary" not in p.parts]
    assert published == [] and not (output / "_SUCCESS").exists()  # nothing half-written is visible

    rerun = spark_extract(source, output)
    try:
        _, stderr = rerun.communicate(timeout=900)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(rerun.pid, signal.SIGKILL)
    assert rerun.returncode == 0, stderr[-2000:]
    assert (output / "_SUCCESS").exists() and not (output / "_temporary").exists()
    rows = duckdb.sql(f"SELECT id, error FROM read_parquet('{output}/**/*.parquet', hive_partitioning = true)"
                      ).fetchall()
    ids = [row[0] for row in rows]
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected  # 0 duplicated, 0 lost
    assert all(error is None for _, error in rows)

    loaded = runner.invoke(app, ["ingest", "--parquet", str(output), "--db", str(db)])
    assert f"stored {len(expected)} new" in loaded.stderr, loaded.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT sha256) FROM articles").fetchone() == (96, 96)
