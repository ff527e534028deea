"""What every evaluation shares: batching with a progress bar, P/R/F1, and the report format.

A report prints a readable table on stderr-free stdout, then one JSON object of metrics on its last
line (CONTRACT.md), so scripts can read `... | tail -1`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from spacy.language import Language
from spacy.tokens import Doc

from sitrep.model import Article, ArticleResult, Failure, text_sha256
from sitrep.pipeline import BATCH_SIZE, make_doc


@dataclass
class Report:
    """The outcome of one evaluation: a flat dict of metrics plus optional per-class rows."""

    task: str
    metrics: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)  # e.g. one per entity type or class
    notes: list[str] = field(default_factory=list)

    def print(self, out: TextIO = sys.stdout) -> None:
        console = Console(file=out, highlight=False, soft_wrap=True, width=None if out.isatty() else 160)
        table = Table(title=f"sitrep eval {self.task}")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for key, value in self.metrics.items():
            table.add_row(key, _fmt(value))
        console.print(table)
        if self.rows:
            detail = Table()
            for column in self.rows[0]:
                detail.add_column(str(column))
            for row in self.rows:
                detail.add_row(*(_fmt(v) for v in row.values()))
            console.print(detail)
        for note in self.notes:
            console.print(note)
        out.write(json.dumps({"task": self.task, **self.metrics}, sort_keys=False) + "\n")


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (0.0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def gold_article(text: str, *, doc_id: str, published: str | None = None, title: str | None = None) -> Article:
    """An article built from a gold document's text, kept exactly as given (raw text)."""
    return Article(id=doc_id, text=text, published=published, title=title, language="en",
                   sha256=text_sha256(text), source=doc_id)


def progress(total: int | None, description: str) -> Progress:
    """A progress bar on stderr (shown only on a terminal)."""
    console = Console(stderr=True)
    return Progress(
        TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, disable=not console.is_terminal, transient=True,
    )


def run_docs(nlp: Language, articles: Iterable[Article], *, total: int | None = None,
             description: str = "evaluating", batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """Run gold articles through the pipeline in batches, yielding docs in order, with a progress bar."""
    with progress(total, description) as bar:
        task = bar.add_task(description, total=total)
        for doc in nlp.pipe((make_doc(nlp, a) for a in articles), batch_size=batch_size):
            bar.advance(task)
            yield doc


def run_results(nlp: Language, articles: Iterable[Article], **kwargs: Any) -> Iterator[ArticleResult | Failure]:
    """Like `run_docs` but yielding contract results (the same objects `sitrep extract` prints)."""
    from sitrep.pipeline import result_from_doc

    for doc in run_docs(nlp, articles, **kwargs):
        yield result_from_doc(doc)


def gold_root() -> Path:
    """Where the gold sets lie: $SITREP_GOLD, else `../shared/gold` beside the repository or the cwd."""
    env = os.environ.get("SITREP_GOLD")
    if env:
        return Path(env)
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        candidate = base.parent / "shared" / "gold"
        if candidate.is_dir():
            return candidate
    return Path("../shared/gold")


def resolve_paths(paths: list[Path], default: str, pattern: str = "*") -> list[Path]:
    """The gold files to read: the paths given (directories expanded with `pattern`), else the default set."""
    roots = paths or [gold_root() / default]
    found: list[Path] = []
    for root in roots:
        found.extend(sorted(root.rglob(pattern)) if root.is_dir() else [root])
    return [p for p in found if p.is_file()]
