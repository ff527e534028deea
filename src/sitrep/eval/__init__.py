"""Evaluation on the gold sets under `../shared/gold`: one module per task, one runner for all.

Each task module defines `evaluate(paths: list[Path], nlp: Language, *, limit: int | None) -> Report`.
The gold is read at run time from the paths given; nothing of it is stored in the repository.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sitrep.errors import Errors, SitrepError

# task name -> module under sitrep.eval (imported only when that task runs)
TASKS: dict[str, str] = {
    "seed": "seed",
    "ner": "ner",
    "geo": "geo",
    "time": "time",
    "quotes": "quotes",
    "events": "events",
    "subtypes": "subtypes",
    "counts": "counts",
    "displacement": "displacement",
    "coref": "coref",
    "duplicates": "duplicates",
}


def get_task(task: str) -> Callable:
    if task not in TASKS:
        raise SitrepError(Errors.E401.format(task=task, tasks=", ".join(TASKS)))
    module = importlib.import_module(f"sitrep.eval.{TASKS[task]}")
    return module.evaluate
