"""Scale out on Apache Spark: `sitrep spark extract INPUT OUTPUT [--master local[2]]`.

    from sitrep.spark import extract
    extract("s3a://bucket/news/*.jsonl", "s3a://bucket/sitrep-out", master="yarn")

- **Input** from any Hadoop-compatible path: JSONL (`.jsonl`/`.json`, one object per line with `text` or
  `html`, and optional `id`, `published`, `url`, `title`), Parquet (the same columns), WARC
  (`.warc`/`.warc.gz`, HTML response records) or plain text (`.txt`, one article per file). The format
  comes from `--format` or the path's extension.
- **Work.** Each partition loads the pipeline once (per Python worker process), turns its records into
  articles with the same readers as `sitrep ingest`, and runs them through `nlp.pipe` in batches
  (`sitrep.process`).
- **Output.** Parquet partitioned by publication date (`published=YYYY-MM-DD/`, and the Hive default
  partition for undated articles). It has one row per input article: the contract's article fields;
  `actors`, `places`, `times`, `quotes`, `quantities` and `events` as JSON text; the whole contract
  object as `record`; and `error` for inputs that failed. DuckDB reads it directly:
  `SELECT * FROM read_parquet('OUT/**/*.parquet', hive_partitioning = true)`.
- **Re-runs** overwrite OUTPUT as a whole, and Spark commits the output only when the job succeeds, so
  a killed job leaves no partial result. Article ids are content hashes, so a re-run gives the same
  rows.
- **Cross-article deduplication** runs in DuckDB when the output is loaded with
  `sitrep ingest --parquet OUT`: each article goes through the store's MinHash/LSH copy detection and
  story-event merging (`sitrep.across`), in batches of whole articles, skipping texts already stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from sitrep.errors import Errors, InputError, SitrepError

# Columns of the output, in order: article fields, the contract's lists as JSON, the full record, an error.
ARTICLE_COLUMNS = ("id", "sha256", "published", "title", "url", "language", "source", "text")
LIST_COLUMNS = ("actors", "places", "times", "quotes", "quantities", "events")
OUTPUT_COLUMNS = (*ARTICLE_COLUMNS, *LIST_COLUMNS, "record", "error")
FORMATS = ("jsonl", "parquet", "warc", "text")


def input_format(path: str, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise SitrepError(Errors.E101.format(path=path, reason=f"unknown --format '{fmt}' "
                                                 f"(one of {', '.join(FORMATS)})"))
        return fmt
    name = path.lower().rstrip("/")
    for suffix, found in ((".jsonl", "jsonl"), (".json", "jsonl"), (".ndjson", "jsonl"), (".parquet", "parquet"),
                          (".warc.gz", "warc"), (".warc", "warc"), (".txt", "text")):
        if name.endswith(suffix) or name.endswith(suffix + "/*") or f"*{suffix}" in name:
            return found
    raise SitrepError(Errors.E111.format(path=path))


@lru_cache(maxsize=1)
def _worker_nlp() -> Any:
    """The pipeline, loaded once per Python worker process and reused by every partition it runs."""
    from sitrep.pipeline import load

    return load()


def _records_to_rows(records: Iterable[dict[str, Any]], published: str | None, raw_text: bool,
                     batch_size: int) -> Iterator[dict[str, Any]]:
    """One partition: records -> articles -> the pipeline in batches -> output rows (failures included)."""
    from sitrep.ingest.options import ReadOptions
    from sitrep.ingest.records import article_from_record
    from sitrep.model import Failure
    from sitrep.pipeline import process

    options = ReadOptions(published=published, raw_text=raw_text)

    def articles() -> Iterator[Any]:
        for record in records:
            source = str(record.get("__source__") or record.get("id") or "record")
            fields = {k: v for k, v in record.items() if k != "__source__" and v is not None}
            try:
                yield article_from_record(fields, source, options)
            except InputError as e:
                yield Failure(source=e.source, error=str(e), article_id=str(record.get("id") or source))

    for item in process(articles(), _worker_nlp(), batch_size=batch_size):
        yield failure_row(item) if isinstance(item, Failure) else result_row(item)


def result_row(result: Any) -> dict[str, Any]:
    data = result.model_dump(mode="json")
    row = {key: data["article"].get(key) for key in ARTICLE_COLUMNS}
    row.update({key: json.dumps(data[key], ensure_ascii=False) for key in LIST_COLUMNS})
    row["record"] = json.dumps(data, ensure_ascii=False)
    row["error"] = None
    return row


def failure_row(failure: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(OUTPUT_COLUMNS)
    row.update({"id": failure.article_id or failure.source, "source": failure.source, "error": failure.error})
    return row


def _warc_records(path_and_bytes: tuple[str, bytes]) -> Iterator[dict[str, Any]]:
    """HTML response records of one WARC file as records with `html` and `url` (decoded in the executor)."""
    import io

    from warcio.archiveiterator import ArchiveIterator

    path, data = path_and_bytes
    try:
        for number, record in enumerate(ArchiveIterator(io.BytesIO(data)), start=1):
            if record.rec_type != "response" or not record.http_headers:
                continue
            if "html" not in (record.http_headers.get_header("Content-Type") or ""):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = record.content_stream().read()
            yield {"html": body.decode("utf-8", "replace"), "url": url, "__source__": f"{path}#{number}"}
    except Exception as e:  # a broken archive becomes one failed record, not a failed job
        yield {"__source__": path, "text": None, "__error__": str(e)}


def _schema() -> Any:
    from pyspark.sql.types import StringType, StructField, StructType

    return StructType([StructField(name, StringType(), True) for name in OUTPUT_COLUMNS])


def _input_records(spark: Any, path: str, fmt: str) -> Any:
    """An RDD of plain dicts, one per input article, whatever the input format."""
    if fmt == "jsonl":
        def parse(pair: tuple[int, str]) -> dict[str, Any]:
            number, line = pair
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                return {"__source__": f"{path}:{number + 1}", "__error__": f"malformed JSON: {e.msg}"}
            if not isinstance(record, dict):
                return {"__source__": f"{path}:{number + 1}", "__error__": "not a JSON object"}
            return {**record, "__source__": f"{path}:{number + 1}"}

        lines = spark.sparkContext.textFile(path).zipWithIndex().map(lambda p: (p[1], p[0]))
        return lines.filter(lambda p: p[1].strip()).map(parse)
    if fmt == "parquet":
        frame = spark.read.parquet(path)
        wanted = [c for c in ("id", "text", "html", "published", "url", "title") if c in frame.columns]
        return frame.select(*wanted).rdd.map(lambda r: {k: (None if v is None else str(v))
                                                        for k, v in r.asDict().items()})
    if fmt == "warc":
        return spark.sparkContext.binaryFiles(path).flatMap(_warc_records)
    return spark.sparkContext.wholeTextFiles(path).map(lambda p: {"text": p[1], "__source__": p[0]})


def _partition(records: Iterable[dict[str, Any]], published: str | None, raw_text: bool,
               batch_size: int) -> Iterator[tuple[Any, ...]]:
    good: list[dict[str, Any]] = []
    for record in records:
        if "__error__" in record:
            source = record["__source__"]
            yield tuple(failure_row(_failure(source, Errors.E108.format(path=source, fmt="input",
                                                                        reason=record["__error__"])))[c]
                        for c in OUTPUT_COLUMNS)
        else:
            good.append(record)
    for row in _records_to_rows(good, published, raw_text, batch_size):
        yield tuple(row[c] for c in OUTPUT_COLUMNS)


def _failure(source: str, error: str) -> Any:
    from sitrep.model import Failure

    return Failure(source=source, error=error, article_id=source)


def extract(input_path: str, output_path: str, *, master: str | None = "local[2]", fmt: str | None = None,
            published: str | None = None, raw_text: bool = False, partitions: int | None = None,
            batch_size: int = 32) -> dict[str, int]:
    """Run the pipeline over INPUT on Spark and write partitioned Parquet to OUTPUT.

    master: a Spark master URL (`local[2]`, `spark://host:7077`, `yarn`); None keeps the session's own.
    partitions: how many partitions to process the input in (default: 2 per core Spark reports).
    RETURNS: counts of articles written and failures.
    """
    from pyspark.sql import SparkSession

    fmt = input_format(input_path, fmt)
    builder = SparkSession.builder.appName("sitrep extract")
    if master:
        builder = builder.master(master)
    spark = (builder.config("spark.ui.enabled", "false")
             .config("spark.sql.sources.partitionOverwriteMode", "static")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .getOrCreate())
    try:
        records = _input_records(spark, input_path, fmt)
        count = partitions or max(2, 2 * spark.sparkContext.defaultParallelism)
        rows = records.repartition(count).mapPartitions(
            lambda part: _partition(part, published, raw_text, batch_size))
        spark.createDataFrame(rows, _schema()).write.mode("overwrite").partitionBy("published") \
            .parquet(output_path)
        written = spark.read.parquet(output_path)  # count what was committed, without running the pipeline again
        failures = written.filter("error IS NOT NULL").count()
        total = written.count()
    finally:
        spark.stop()
    return {"articles": total - failures, "failures": failures}


def read_output(path: str | Path) -> Iterator[Any]:
    """Contract results (and failures) from a `sitrep spark extract` output directory, via DuckDB."""
    import duckdb

    from sitrep.model import ArticleResult, Failure

    pattern = str(Path(path) / "**" / "*.parquet").replace("'", "''")
    with duckdb.connect() as con:
        cursor = con.execute(f"SELECT record, error, source, id FROM read_parquet('{pattern}', "
                             "hive_partitioning = true) ORDER BY published NULLS LAST, id")
        while rows := cursor.fetchmany(512):
            for record, error, source, article_id in rows:
                if error:
                    yield Failure(source=source or article_id or str(path), error=error, article_id=article_id)
                else:
                    yield ArticleResult.model_validate_json(record)
