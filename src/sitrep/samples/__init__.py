"""Sample articles the project wrote itself (fictional reports about real places), for `sitrep demo`.

The seed article lives in the shared fixtures beside the repository; the demo adds it when present.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED_PUBLISHED = "2022-03-29"
SAMPLE_SUFFIXES = (".txt", ".html", ".xml", ".jsonl")


def sample_paths() -> list[Path]:
    """The bundled samples, plus the seed article from ../shared/fixtures/seed if it is there."""
    paths = sorted(p for p in HERE.iterdir() if p.suffix in SAMPLE_SUFFIXES)
    for base in (Path.cwd(), HERE.parents[2]):  # the working directory, then the repository root
        seed = base.parent / "shared" / "fixtures" / "seed" / "article.txt"
        if seed.is_file():
            return [seed, *paths]
    return paths
