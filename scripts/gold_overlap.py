"""List string literals in the repository's Python files that repeat gold text.

usage: python scripts/gold_overlap.py [--gold DIR] [--min-share 0.5] [PATH ...]

The gold sets' licences forbid copying their texts into the repository, and a rule or test written
from a gold sentence over-fits in a way the held-out figures only show later. This check reads every
text file under the gold directory (default: ../shared/gold beside the repository; markup tags
dropped), indexes its word 5-grams, and prints each string literal of the given Python files
(default: src, tests, benchmarks, scripts) of which at least `--min-share` of the 5-grams occur in
some gold file, with the first gold file that holds one. Short stock phrases of news ("police are
asking anyone with information ...") are expected hits; a whole sentence with its names and figures
is not. It is a review tool, not a test: building the index takes about half a minute and 1 GB.
"""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
N = 5
_WORD = re.compile(r"[a-z0-9]+")
_TAG = re.compile(r"<[^>]+>")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def ngrams(tokens: list[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[i:i + N]) for i in range(len(tokens) - N + 1)]


def gold_index(gold: Path) -> dict[tuple[str, ...], str]:
    """Every word 5-gram of the gold texts -> the name of the first file that holds it."""
    index: dict[tuple[str, ...], str] = {}
    for path in sorted(gold.rglob("*")):
        if not path.is_file():
            continue
        try:
            text = path.read_text(errors="ignore")
        except OSError:
            continue
        for gram in ngrams(words(_TAG.sub(" ", text))):
            index.setdefault(gram, path.name)
    return index


def literals(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        default=[REPO / p for p in ("src", "tests", "benchmarks", "scripts")])
    parser.add_argument("--gold", type=Path, default=REPO.parent / "shared" / "gold")
    parser.add_argument("--min-share", type=float, default=0.5)
    args = parser.parse_args()
    index = gold_index(args.gold)
    hits = 0
    for root in args.paths:
        for path in sorted(root.rglob("*.py") if root.is_dir() else [root]):
            for line, value in literals(path):
                grams = ngrams(words(value))
                shared = [g for g in grams if g in index]
                if len(shared) >= 2 and len(shared) / len(grams) >= args.min_share:
                    hits += 1
                    print(f"{len(shared)}/{len(grams)}  {path.relative_to(REPO)}:{line}  {value[:90]!r}"
                          f"  <- {index[shared[0]]}")
    print(f"{hits} literal(s) share at least {args.min_share:.0%} of their word {N}-grams with the gold texts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
