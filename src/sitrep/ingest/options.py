"""The options every reader takes, gathered in one object (as trafilatura's Extractor does)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadOptions:
    """How inputs become articles.

    published: YYYY-MM-DD used where an input carries no publication date (`--published`).
    raw_text: keep text exactly as given, no clean-up or boilerplate removal (`--raw-text`).
    """

    published: str | None = None
    raw_text: bool = False
