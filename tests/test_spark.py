"""`sitrep spark extract` on a real local[2] Spark, its Parquet read by DuckDB, and `ingest --parquet`."""

from __future__ import annotations

import json
import shutil
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
