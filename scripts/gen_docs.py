"""Write docs/cli.md from the live `--help` of every command, and docs/errors.md from the error catalogue.

    python scripts/gen_docs.py          # rewrite both pages
    python scripts/gen_docs.py --check  # exit 1 if either page is stale (tests/test_docs.py runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import typer.main

from sitrep.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs"
INTRO = """# Command-line reference

This page is generated from the live `--help` output by `python scripts/gen_docs.py`; a test fails
when it is out of date. Data goes to stdout, progress bars and errors to stderr. A bad input is one
line on stderr naming it (`[E1xx] path: reason`), the batch goes on, and the exit status is 1 at the end
if anything failed. Each command's Python twin is named under it.
"""
TWINS = {
    "extract": "`sitrep.extract(text, published=...)` for one text; `sitrep.process(read_inputs(paths), nlp)` "
               "for many.",
    "ingest": "`sitrep.store.Store.open(db)` and `sitrep.cli.ingest_into(store, read_inputs(paths))`.",
    "export": "`sitrep.export.export_store(store, fmt, table=..., output=...)`.",
    "stats": "`sitrep.store.Store.open(db, read_only=True).stats()`.",
    "eval": "`sitrep.eval.get_task(task)(paths, sitrep.load(), limit=N).print()`.",
    "demo": "`sitrep.samples.sample_paths()` with `ingest_into`.",
    "gazetteer build": "`sitrep.resources.gazetteer.build_gazetteer(path, force=True)`.",
    "serve": "`sitrep.api.create_app(db_path)` (a FastAPI app).",
    "spark extract": "`sitrep.spark.extract(input, output, master=...)`.",
}


def _walk(command: click.Command, path: list[str]) -> list[tuple[str, click.Command]]:
    found = [(" ".join(path), command)]
    if hasattr(command, "commands"):  # typer groups are not click.Group subclasses
        for name in command.commands:
            found.extend(_walk(command.commands[name], [*path, name]))
    return found


def render() -> str:
    root = typer.main.get_command(app)
    parts = [INTRO]
    for name, command in _walk(root, []):
        with click.Context(command, info_name=f"sitrep {name}".strip(), terminal_width=100) as ctx:
            help_text = command.get_help(ctx)
        title = f"sitrep {name}".strip()
        parts.append(f"## `{title}`\n")
        if name in TWINS:
            parts.append(f"In Python: {TWINS[name]}\n")
        parts.append("```\n" + help_text.rstrip() + "\n```\n")
    return "\n".join(parts)


def render_errors() -> str:
    from sitrep.errors import Errors, Warnings

    lines = ["# Errors and warnings", "",
             "Generated from `src/sitrep/errors.py` by `python scripts/gen_docs.py`. Every message sitrep prints",
             "starts with its code, so a user can search for it here and in the code. Errors (E) stop one input",
             "or one command; warnings (W) are notes on an article (`article.notes`) and never stop anything.",
             "", "| code | message |", "|---|---|"]
    for catalogue in (Errors, Warnings):
        for code in vars(catalogue):
            if code[:1] in "EW" and code[1:].isdigit():
                message = getattr(catalogue, code).split("] ", 1)[1].replace("|", "\\|")
                lines.append(f"| {code} | {message} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    pages = {DOCS / "cli.md": render(), DOCS / "errors.md": render_errors()}
    if "--check" in sys.argv:
        sys.exit(0 if all(p.exists() and p.read_text(encoding="utf-8") == t for p, t in pages.items()) else 1)
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
