"""`sitrep_actors`: people, organisations, governments and groups, each with every mention.

Writes `doc._.actors`. The spine groups named entities (PERSON, ORG, GPE, NORP) into actors: the
same name, or a person's surname after the full name, is one actor. Country, sector and role
coding from the text itself belongs to the actors issue.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from sitrep.model import Actor
from sitrep.model import Span as TextSpan
from sitrep.stages.base import register_extension

ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")


@Language.factory(
    "sitrep_actors",
    assigns=["doc._.actors"],
    requires=["doc.ents"],
    default_config={"labels": list(ACTOR_LABELS)},
)
def make_actors(nlp: Language, name: str, labels: list[str]) -> ActorsStage:
    return ActorsStage(nlp, name, labels=labels)


class ActorsStage:
    """Group the named entities of a doc into actors with every mention's offsets."""

    def __init__(self, nlp: Language, name: str = "sitrep_actors", *, labels: list[str] | None = None) -> None:
        if labels is None:
            labels = list(ACTOR_LABELS)
        self.name = name
        self.labels = set(labels)
        register_extension("article")
        register_extension("actors")

    def __call__(self, doc: Doc) -> Doc:
        doc._.actors = self.group(ent for ent in doc.ents if ent.label_ in self.labels)
        return doc

    def group(self, ents) -> list[Actor]:
        actors: list[Actor] = []
        by_key: dict[tuple[str, str], Actor] = {}
        for ent in ents:
            name = _clean_name(ent)
            if not name:
                continue
            key = (ent.label_, name.lower())
            actor = by_key.get(key)
            if actor is None and ent.label_ == "PERSON":
                actor = _person_by_surname(actors, name)
            if actor is None:
                actor = Actor(id=f"A{len(actors) + 1}", name=name, kind=_KIND[ent.label_])
                actors.append(actor)
            by_key[key] = actor
            actor.mentions.append(TextSpan(text=ent.text, start=ent.start_char, end=ent.end_char))
        return actors


_KIND = {"PERSON": "person", "ORG": "organisation", "GPE": "country", "NORP": "group"}


def _clean_name(ent: Span) -> str:
    """The entity's name without a leading determiner or a trailing possessive."""
    tokens = list(ent)
    while tokens and tokens[0].lower_ in {"the", "a", "an"}:
        tokens.pop(0)
    while tokens and tokens[-1].tag_ == "POS":
        tokens.pop()
    return "".join(t.text_with_ws for t in tokens).strip()


def _person_by_surname(actors: list[Actor], name: str) -> Actor | None:
    """'Zelensky' after 'Volodymyr Zelensky' is the same person (one candidate only, else none)."""
    parts = name.split()
    candidates = [
        a for a in actors
        if a.kind == "person" and a.name != name
        and (a.name.split()[-1] == parts[-1] or (len(parts) > 1 and parts[-1] == a.name))
    ]
    if len(candidates) == 1:
        if len(parts) > len(candidates[0].name.split()):
            candidates[0].name = name  # keep the fullest form as the actor's name
        return candidates[0]
    return None


def actor_at(doc: Doc, start: int, end: int) -> Actor | None:
    """The actor with a mention overlapping character offsets [start, end), preferring the longest
    overlap; None if no actor is mentioned there. The quotes and events stages call this."""
    best: tuple[int, Actor] | None = None
    for actor in doc._.actors or []:
        for mention in actor.mentions:
            overlap = min(end, mention.end) - max(start, mention.start)
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, actor)
    return best[1] if best else None
