"""Exports of the store: one writer per format.

| format | what | where |
|---|---|---|
| `jsonl` | one contract object per article (the same object `sitrep extract` prints) | file or stdout |
| `csv` | one table (default `events`), one row per item, with its article id and evidence offsets | file or stdout |
| `parquet` | every table as `<table>.parquet`, or one table with `--table` | directory (or file) |
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from sitrep.errors import Errors, SitrepError
from sitrep.store import TABLES, Store

# Columns too big or too internal for a flat table.
_HIDDEN = {"articles": ["record"]}


def _select(table: str) -> str:
    if table not in TABLES:
        raise SitrepError(Errors.E404.format(table=table, tables=", ".join(TABLES)))
    hidden = _HIDDEN.get(table)
    columns = f"* EXCLUDE ({', '.join(hidden)})" if hidden else "*"
    order = "ingested_at, id" if table == "articles" else "1"
    return f"SELECT {columns} FROM {table} ORDER BY {order}"


def export_jsonl(store: Store, table: str | None, output: Path | None) -> str | None:
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        if table:
            cursor = store.con.execute(_select(table))
            names = [d[0] for d in cursor.description]
            while rows := cursor.fetchmany(1024):
                for row in rows:
                    out.write(json.dumps(dict(zip(names, row, strict=True)), default=str, ensure_ascii=False) + "\n")
        else:
            for record in store.records():
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    return str(output) if output else None


def export_csv(store: Store, table: str | None, output: Path | None) -> str | None:
    query = _select(table or "events")
    if output:
        store.con.execute(f"COPY ({query}) TO '{_sql_path(output)}' (FORMAT csv, HEADER true)")
        return str(output)
    relation = store.con.sql(query)
    import csv

    writer = csv.writer(sys.stdout)
    writer.writerow(relation.columns)
    for row in relation.fetchall():
        writer.writerow(row)
    return None


def export_parquet(store: Store, table: str | None, output: Path | None) -> str | None:
    if table:
        target = output or Path(f"{table}.parquet")
        store.con.execute(f"COPY ({_select(table)}) TO '{_sql_path(target)}' (FORMAT parquet)")
        return str(target)
    directory = output or Path("export")
    directory.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        store.con.execute(f"COPY ({_select(name)}) TO '{_sql_path(directory / (name + '.parquet'))}' "
                          "(FORMAT parquet)")
    return str(directory)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


EXPORTERS: dict[str, Callable[[Store, str | None, Path | None], str | None]] = {
    "jsonl": export_jsonl,
    "csv": export_csv,
    "parquet": export_parquet,
}


def export_store(store: Store, fmt: str, *, table: str | None = None, output: Path | None = None) -> str | None:
    """Write the store in `fmt`; returns where it went (None for stdout)."""
    if fmt not in EXPORTERS:
        raise SitrepError(Errors.E403.format(fmt=fmt, formats=", ".join(EXPORTERS)))
    return EXPORTERS[fmt](store, table, output)
