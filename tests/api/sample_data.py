"""Short articles written for the API and dashboard tests, and a store built from them with the real pipeline.

Imported by tests/api/conftest.py and tests/web/conftest.py. The hostile article carries markup in its
title, URL, text and (added after extraction) an actor name and an event source, so the tests can check
that every one of them stays inert text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sitrep
from sitrep.model import Actor, ActorRef, Span
from sitrep.store import Store

HOSTILE_TITLE = '<img src=x onerror="window.__xss=1">Hostile <b>title</b>'
HOSTILE_URL = "javascript:window.__xss=2"
HOSTILE_ACTOR = "<b onmouseover=\"window.__xss=5\">Evil</b> <script>window.__xss=6</script>"
EMOJI_PREFIX = "🔥🇸🇩 "

ARTICLES: list[dict[str, Any]] = [
    {"id": "t-nairobi", "published": "2024-06-25", "title": "Arrests after Nairobi march",
     "url": "https://example.org/nairobi",
     "text": "Kenyan police arrested 40 protesters in Nairobi on Tuesday after demonstrators marched on parliament, "
             "the interior ministry said. \"We will not allow violence,\" the police chief told reporters."},
    {"id": "t-kharkiv", "published": "2024-05-12", "title": "Shelling in Kharkiv",
     "url": "https://example.org/kharkiv",
     "text": "Russian forces shelled the Ukrainian city of Kharkiv on Sunday, killing three civilians, the regional "
             "governor said. Ukraine's foreign ministry accused Moscow of targeting homes."},
    {"id": "t-emoji", "published": "2023-05-05", "title": "Talks in Jeddah 🤝",
     "url": "https://example.org/jeddah",
     "text": EMOJI_PREFIX + "Sudan's army and the Rapid Support Forces agreed on Friday to hold talks in Jeddah, "
             "Saudi officials said. Fighting continued in Khartoum, where 12 people were killed."},
    {"id": "t-hostile", "published": "2024-01-15", "title": HOSTILE_TITLE, "url": HOSTILE_URL,
     "text": "Protesters in Lagos said <script>window.__xss=3</script> police fired tear gas at them on Monday. "
             "<img src=x onerror=\"window.__xss=4\"> Nigeria's police chief denied the report on Tuesday."},
]


def build_store(path: Path, nlp: Any) -> Path:
    """Extract every sample article with the real pipeline and store it at `path`."""
    with Store.open(path) as store:
        for item in ARTICLES:
            result = sitrep.extract(item["text"], published=item["published"], title=item["title"],
                                    url=item["url"], article_id=item["id"], nlp=nlp)
            if item["id"] == "t-hostile":
                result = _make_hostile(result)
            store.add(result)
    return path


def _make_hostile(result: Any) -> Any:
    """Add an actor whose name is markup, mentioned over a real word, and make it an event's source."""
    text = result.article.text
    start = text.index("Protesters")
    actor = Actor(id="AX", name=HOSTILE_ACTOR, country="NGA", sector="CVL",
                  mentions=[Span(text="Protesters", start=start, end=start + len("Protesters"))])
    events = list(result.events)
    if events:
        first = events[0]
        events[0] = first.model_copy(update={"sources": [ActorRef(id="AX", name=HOSTILE_ACTOR, country="NGA"),
                                                         *first.sources]})
    return result.model_copy(update={"actors": [*result.actors, actor], "events": events})
