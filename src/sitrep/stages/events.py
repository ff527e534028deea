"""`sitrep_events`: PLOVER events with sources, targets, mode, context, claim status, date and place.

Writes `doc._.events` (list of `model.Event`, highest confidence first). Reads what the earlier
stages wrote: `doc._.actors` (through `actor_at`), `doc._.places` (`place_for`, `main_place`),
`doc._.times` (`event_date`), `doc._.quotes` and `doc._.quantities`.

The method is a dependency-pattern layer over spaCy's parse (`event_rules.py`) driven by a lexicon of
PLOVER trigger lemmas (`resources/plover.py`); see `docs/stages/events.md`.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sitrep.errors import Warnings
from sitrep.model import Actor, ActorRef, Event, EventDate, Place
from sitrep.model import Span as TextSpan
from sitrep.resources import plover
from sitrep.stages import event_classifier
from sitrep.stages import event_rules as rules
from sitrep.stages.base import publication_date, register_extension

logger = logging.getLogger(__name__)

# Quantity categories and the event types they count (a count joins the nearest such event).
QUANTITY_TYPES: dict[str, frozenset[str]] = {
    "killed": frozenset({"ASSAULT"}), "dead": frozenset({"ASSAULT"}), "injured": frozenset({"ASSAULT"}),
    "wounded": frozenset({"ASSAULT"}), "missing": frozenset({"ASSAULT", "COERCE"}),
    "trapped": frozenset({"ASSAULT", "COERCE"}), "arrested": frozenset({"COERCE"}),
    "detained": frozenset({"COERCE"}), "expelled": frozenset({"SANCTION", "COERCE"}),
    "evacuated": frozenset({"AID", "RETREAT"}), "displaced": frozenset({"ASSAULT", "COERCE", "AID"}),
    "abducted": frozenset({"ASSAULT"}), "affected": frozenset({"ASSAULT", "AID"}),
}
# Event types whose target, when the sentence names none, is the article's focal country (a dyadic act
# with an unnamed other party: "42 diplomats will be asked to leave" in an article about Russia).
DYADIC_TYPES = frozenset({"SANCTION", "ACCUSE", "REJECT", "THREATEN", "COERCE", "ASSAULT", "REQUEST"})


@Language.factory(
    "sitrep_events",
    assigns=["doc._.events"],
    requires=["token.dep", "token.lemma"],
    default_config={"min_confidence": 0.2, "max_events_per_sentence": 6, "focus_targets": True,
                    "classifier_weight": 0.3},
)
def make_events(nlp: Language, name: str, min_confidence: float, max_events_per_sentence: int,
                focus_targets: bool, classifier_weight: float) -> EventsStage:
    return EventsStage(nlp, name, min_confidence=min_confidence, max_events_per_sentence=max_events_per_sentence,
                       focus_targets=focus_targets, classifier_weight=classifier_weight)


class EventsStage:
    """PLOVER events with sources, targets, mode, context, claim status, date and place."""

    def __init__(self, nlp: Language, name: str = "sitrep_events", *, min_confidence: float = 0.2,
                 max_events_per_sentence: int = 6, focus_targets: bool = True,
                 classifier_weight: float = 0.3) -> None:
        self.name = name
        self.classifier_weight = classifier_weight
        # the trained re-ranker (None: rules only); evaluations swap it for fold models
        self.classifier = event_classifier.load() if classifier_weight > 0 else None
        if classifier_weight > 0 and self.classifier is None:
            warnings.warn(Warnings.W260.format(name=name, path=event_classifier.WEIGHTS_PATH), stacklevel=2)
        self.min_confidence = min_confidence
        self.max_events_per_sentence = max_events_per_sentence
        self.focus_targets = focus_targets
        self.lexicon = plover.lexicon()
        register_extension("article")
        register_extension("events")

    def __call__(self, doc: Doc) -> Doc:
        """Find the events of every sentence; set doc._.events, highest confidence first."""
        ctx = _DocContext(doc)
        events: list[Event] = []
        history: list[rules.Candidate] = []
        pairs: list[tuple[rules.Candidate, Event]] = []
        boilerplate = rules.boilerplate_offsets(doc)
        for sent in rules.sentences(doc):
            if boilerplate and rules.is_boilerplate(sent, boilerplate):
                continue
            cands = self.sentence_candidates(sent)
            for cand in cands:
                ctx.resolve_arguments(cand, history)
            cands = [c for c in cands if c.confidence >= self.min_confidence]
            cands.sort(key=lambda c: -c.confidence)
            cands = cands[: self.max_events_per_sentence]
            if self.focus_targets:
                for cand in cands:
                    ctx.focus_target(cand)
            history.extend(cands)
            for cand in sorted(cands, key=lambda c: c.trigger.i):
                event = ctx.to_event(cand, sent, f"E{len(events) + 1}")
                events.append(event)
                pairs.append((cand, event))
        link_disputes(pairs)
        ctx.attach_quantities(events)
        doc._.events = sorted(events, key=lambda e: -e.confidence)
        return doc

    def sentence_candidates(self, sent: Span) -> list[rules.Candidate]:
        """Triggers of one sentence after governors and speech acts, with status and confidence."""
        cands = rules.match_triggers(sent, self.lexicon)
        cands = rules.apply_governors(cands)
        taken = {c.head.i for c in cands} | {c.trigger.i for c in cands}
        speech = rules.speech_acts(sent, taken)
        demanded = {c.head.i for c in speech if c.type == "REQUEST"}
        for cand in cands:
            # "X said Y must agree": the demand is the event, not the agreement
            if cand.head.i in demanded and cand.kind != "speech":
                cand.dropped = True
        cands += speech
        kept: list[rules.Candidate] = []
        seen: set[tuple[int, str]] = set()
        posterior: dict[str, float] = {}
        if self.classifier is not None and self.classifier_weight > 0 and cands:
            posterior = self.classifier.posterior(event_classifier.sentence_features(sent))
        for cand in cands:
            if cand.dropped:
                continue
            key = (cand.trigger.i, cand.type)
            if key in seen:
                continue
            seen.add(key)
            if rules.accidental(cand):
                continue
            rules.crowd_action(cand)
            cand.status = rules.claim_status(cand, sent)
            cand.context = rules.event_context(cand)
            cand.confidence += _structure_bonus(cand)
            cand.confidence += self.classifier_weight * posterior.get(cand.type, 0.0) if posterior else 0.0
            kept.append(cand)
        return kept


CLAIM_NOUNS = frozenset({"claim", "account", "statement", "assertion", "version", "report", "allegation",
                         "figure", "promise", "pledge", "intention", "commitment", "assurance"})


def link_disputes(pairs: list[tuple[rules.Candidate, Event]]) -> None:
    """"The US put doubt on Moscow's claims": an ACCUSE/REJECT aimed at someone's claims is linked (by id,
    both ways) to that party's events in the preceding sentences, so that both sides stay together."""
    for index, (cand, event) in enumerate(pairs):
        if event.type not in ("ACCUSE", "REJECT") or not event.targets:
            continue
        objects = rules.object_lemmas(cand.head)
        if not objects & CLAIM_NOUNS:
            continue
        target_countries = {t.country for t in event.targets if t.country}
        earlier = [e for _, e in pairs[:index]
                   if e.sentence is not None and event.sentence is not None
                   and e.sentence.start < event.sentence.start
                   and target_countries & {s.country for s in e.sources if s.country}]
        for disputed in earlier[-3:]:
            event.disputes.append(disputed.id)
            disputed.disputed_by.append(event.id)


def _structure_bonus(cand: rules.Candidate) -> float:
    """Main-clause events outrank background ones ("after two days of fighting", relative clauses)."""
    bonus = -0.08 * min(rules.depth(cand.head), 3 if cand.kind != "noun" else 1)
    if cand.head.dep_ == "ROOT" or (cand.head.dep_ == "ccomp" and cand.head.head.dep_ == "ROOT"):
        bonus += 0.1
    if cand.kind == "noun":
        bonus -= 0.05
    if cand.status == "negated":
        bonus -= 0.1
    return bonus


class _DocContext:
    """What the stage needs about one doc: actor lookup, places, dates, focal countries."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.actors: list[Actor] = list(doc._.actors or []) if Doc.has_extension("actors") else []
        self.places: list[Place] = list(doc._.places or []) if Doc.has_extension("places") else []
        self.quotes = list(doc._.quotes or []) if Doc.has_extension("quotes") else []
        self.quantities = list(doc._.quantities or []) if Doc.has_extension("quantities") else []
        self.actor_at = _upstream("sitrep.stages.actors", "actor_at")
        self.country_code: Callable[[str], str | None] = _upstream("sitrep.resources.countries", "country_code") \
            or (lambda phrase: None)
        self._focus: list[tuple[str, Actor]] | None = None
        self._main_place: tuple[Place | None] | None = None
        # token index -> actor whose mention covers it: an O(1) stand-in for `actor_at` in the hot loops
        self.token_actor: dict[int, Actor] = {}
        for actor in self.actors:
            for mention in actor.mentions:
                span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    self.token_actor.setdefault(token.i, actor)
        self.event_date = _upstream("sitrep.stages.times", "event_date")
        self.place_for_clause = _upstream("sitrep.stages.places", "place_for")
        self.main_place_of = _upstream("sitrep.stages.places", "main_place")

    # -- actors ------------------------------------------------------------------------------------------------

    def actor_for_token(self, token: Token) -> Actor | None:
        return self.token_actor.get(token.i)

    def actor_in(self, span: Span) -> Actor | None:
        """The actor with most tokens in the span (what `actor_at` returns, without its scan)."""
        counts: Counter[str] = Counter()
        found: dict[str, Actor] = {}
        for token in span:
            actor = self.token_actor.get(token.i)
            if actor is not None:
                counts[actor.id] += 1
                found[actor.id] = actor
        return found[counts.most_common(1)[0][0]] if counts else None

    def is_actor_token(self, token: Token) -> bool:
        return token.i in self.token_actor or token.ent_type_ in ("GPE", "NORP", "ORG", "PERSON")

    def refs_for(self, token: Token) -> list[dict[str, Any]]:
        """Actor references for an argument token and each of its conjuncts."""
        refs: list[dict[str, Any]] = []
        for member in rules.expand_conjuncts([token]):
            ref = self.ref_for(member)
            if ref is not None and all(ref != r for r in refs):
                refs.append(ref)
        return refs

    def ref_for(self, token: Token, depth: int = 0) -> dict[str, Any] | None:
        """One actor reference: the actor mentioned in the noun phrase, else a country from its modifiers
        ("Russian soldiers", "diplomats from Estonia"), else a pronoun's antecedent."""
        if token.pos_ == "PRON" and token.lower_ in (rules.PRONOUNS_PERSON | rules.PRONOUNS_THING
                                                     | rules.PRONOUNS_GROUP):
            antecedent = rules.pronoun_antecedent(token, self.is_actor_token)
            return self.ref_for(antecedent, depth + 1) if antecedent is not None and depth < 2 else None
        phrase = _noun_phrase(token)
        actor = self.actor_in(phrase)
        head_actor = self.actor_for_token(token)
        if head_actor is not None:
            actor = head_actor
        country = actor.country if actor is not None else None
        if country is None:
            country = self._country_from_modifiers(token)
        if actor is None and country is None:
            if depth < 1:
                for child in token.children:
                    if child.dep_ == "prep" and child.lower_ in ("of", "from"):
                        pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                        if pobj is not None:
                            inner = self.ref_for(pobj, depth + 1)
                            if inner is not None and inner.get("country"):
                                return {**inner, "name": phrase.text}
            if token.lemma_.lower() in plover.PERSON_NOUNS or token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
                return {"id": None, "name": phrase.text, "country": None, "sector": None}
            return None
        name = actor.name if actor is not None else phrase.text
        return {"id": actor.id if actor is not None else None, "name": name, "country": country,
                "sector": actor.sector if actor is not None else None}

    def _country_from_modifiers(self, token: Token) -> str | None:
        for child in token.children:
            if child.dep_ in ("amod", "compound", "poss", "nmod") and child.pos_ in ("ADJ", "PROPN", "NOUN"):
                code = self.country_code(_strip_possessive(child))
                if code:
                    return code
        if token.pos_ == "PROPN" or token.ent_type_:
            return self.country_code(_noun_phrase(token).text)
        return None

    def resolve_arguments(self, cand: rules.Candidate, history: list[rules.Candidate]) -> None:
        """Fill the candidate's source and target references from the parse."""
        head = cand.head
        sources: list[dict[str, Any]] = []
        targets: list[dict[str, Any]] = []
        if cand.kind == "noun":
            src_tokens, tgt_tokens = rules.noun_arguments(cand.trigger, cand.type)
            for tok in src_tokens:
                sources += self.refs_for(tok)
            for tok in tgt_tokens:
                targets += self.refs_for(tok)
            if not sources and cand.type == "CONSULT":
                sources = self.focus_refs(2)
                cand.confidence -= 0.05
                cand.source_refs, cand.target_refs = sources, targets
                return
        else:
            patient, agent = rules.passive_parts(head)
            subject = None if patient is not None else rules.find_subject(head)
            if cand.sources:
                for tok in cand.sources:
                    sources += self.refs_for(tok)
            elif agent is not None:
                sources = self.refs_for(agent)
            elif subject is not None:
                sources = self.refs_for(subject)
            if not sources:
                sources = self.speaker_refs(cand)
            if not sources and patient is None and cand.head.dep_ in ("advcl", "amod", "acl", "xcomp", "conj"):
                # a participle or clause the parser left without a subject: the sentence's first subject
                first = next((t for t in cand.head.sent if t.dep_ in rules.SUBJECT_DEPS
                              and t.i < cand.head.i), None)
                if first is not None:
                    sources = self.refs_for(first)
            if not sources and patient is not None:
                reporter, _ = rules.reporting_governor(head)
                if reporter is not None:
                    who = rules.find_subject(reporter)
                    if who is not None:
                        sources = self.refs_for(who)
            target_tokens = list(cand.targets) or (
                [patient] if patient is not None else []) or rules.verb_targets(head, cand.type)
            if cand.kind == "light":
                target_tokens = rules.noun_arguments(cand.trigger, cand.type)[1] + target_tokens
            if cand.inner is not None and not cand.targets:
                target_tokens += rules.verb_targets(cand.inner.head, cand.inner.type)
            if cand.mode in ("expel", "deport"):
                # the nationality of the expelled: "expelled ten diplomats from Estonia"
                target_tokens = rules.from_objects(head) + target_tokens
            for tok in target_tokens:
                found = self.refs_for(tok)
                if not found and tok.pos_ == "NOUN" and tok.lemma_.lower() in self.noun_lemmas():
                    found = self.event_agent(tok, history)
                if not found and tok.pos_ in ("NOUN", "PROPN"):
                    found = [r for r in (self.ref_for(c) for c in tok.children if c.dep_ == "poss") if r]
                targets += [r for r in found if r not in targets]
                if targets and cand.type not in ("CONSULT", "AGREE", "COOPERATE"):
                    break
        if not any(r.get("country") for r in sources):
            sources = self.clause_actors(cand, before=True, exclude=targets) or sources
        if not any(r.get("country") for r in targets):
            targets = (self.clause_actors(cand, before=False, exclude=sources)
                       or self.clause_actors(cand, before=True, exclude=sources, skip_nearest=True) or targets)
        if cand.type == "PROTEST" and not any(r.get("country") for r in targets):
            # a protest with no named addressee is addressed to the protesters' own government (PLOVER)
            targets = [{"id": None, "name": r["country"], "country": r["country"], "sector": "GOV"}
                       for r in sources[:1] if r.get("country")] or targets
        source_keys = {_key(r) for r in sources}
        cand.source_refs = sources
        cand.target_refs = [r for r in targets if _key(r) not in source_keys]
        if cand.mode in ("expel", "withdraw"):
            # a state expels or recalls another's people, not its own
            own = {r.get("country") for r in sources}
            cand.target_refs = [r for r in cand.target_refs if r.get("country") not in own]
        if any(r.get("country") for r in sources):
            cand.confidence += 0.08
        if any(r.get("country") for r in cand.target_refs):
            cand.confidence += 0.04

    def clause_actors(self, cand: rules.Candidate, *, before: bool, exclude: list[dict[str, Any]],
                      skip_nearest: bool = False) -> list[dict[str, Any]]:
        """When the parse gives no coded party: the country-coded actor nearest the trigger in the
        sentence, before it for a source (the subject side), after it for a target (or, with
        `skip_nearest`, a target before it that is not the nearest, i.e. not the subject)."""
        sent = cand.trigger.sent
        pos = cand.trigger.idx
        if before:
            lo, hi = sent.start_char, pos
        else:
            lo, hi = pos, sent.end_char
        taken = {r.get("country") for r in exclude} | {r.get("id") for r in exclude if r.get("id")}
        best: tuple[int, Actor] | None = None
        for actor in self.actors:
            if not actor.country or actor.id in taken or actor.country in taken:
                continue
            for mention in actor.mentions:
                if lo <= mention.start < hi:
                    distance = abs(mention.start - pos)
                    if best is None or distance < best[0]:
                        best = (distance, actor)
        if best is None:
            return []
        if skip_nearest:
            others = [a for a in self.actors if a.country and a.id != best[1].id and a.country not in taken
                      and a.country != best[1].country
                      and any(lo <= m.start < hi for m in a.mentions)]
            if not others:
                return []
            best = (0, others[0])
        actor = best[1]
        return [{"id": actor.id, "name": actor.name, "country": actor.country, "sector": actor.sector}]

    def speaker_refs(self, cand: rules.Candidate) -> list[dict[str, Any]]:
        """The speaker of the quote whose cue is the trigger ("..., calling X a crime")."""
        pos = cand.head.idx
        for quote in self.quotes:
            if quote.cue is not None and quote.speaker is not None and quote.cue.start <= pos < quote.cue.end:
                actor = next((a for a in self.actors if a.id == quote.speaker.actor_id), None)
                if actor is not None:
                    return [{"id": actor.id, "name": actor.name, "country": actor.country, "sector": actor.sector}]
        return []

    def noun_lemmas(self) -> dict:
        return self._nouns if hasattr(self, "_nouns") else self._set_nouns()

    def _set_nouns(self) -> dict:
        self._nouns = plover.lexicon().nouns
        return self._nouns

    def event_agent(self, noun: Token, history: list[rules.Candidate]) -> list[dict[str, Any]]:
        """Who did the act an event noun names ("calling the siege a crime"): its own agent, else the
        sources of the latest earlier violent event."""
        src, _ = rules.noun_arguments(noun)
        for tok in src:
            refs = [r for r in self.refs_for(tok) if r.get("country")]
            if refs:
                return refs
        for prior in reversed(history[-12:]):
            if prior.type in ("ASSAULT", "COERCE") and prior.source_refs:
                return list(prior.source_refs)
        return []

    def focus_refs(self, n: int) -> list[dict[str, Any]]:
        """The article's `n` most mentioned countries, as actor references."""
        if self._focus is None:
            counts: Counter[str] = Counter()
            best: dict[str, Actor] = {}
            for actor in self.actors:
                if not actor.country:
                    continue
                counts[actor.country] += len(actor.mentions)
                if actor.country not in best or len(actor.mentions) > len(best[actor.country].mentions):
                    best[actor.country] = actor
            self._focus = [(code, best[code]) for code, _ in counts.most_common(4)]
        return [{"id": a.id, "name": a.name, "country": code, "sector": a.sector} for code, a in self._focus[:n]]

    def focus_target(self, cand: rules.Candidate) -> None:
        """A dyadic act with no named other party targets the article's focal country (lower confidence)."""
        if cand.target_refs or cand.type not in DYADIC_TYPES or not cand.source_refs:
            return
        if cand.type == "ASSAULT":
            return
        source_countries = {r.get("country") for r in cand.source_refs}
        for ref in self.focus_refs(3):
            if ref["country"] not in source_countries:
                cand.target_refs = [ref]
                cand.confidence -= 0.03
                return

    # -- the event ----------------------------------------------------------------------------------------------

    def to_event(self, cand: rules.Candidate, sent: Span, event_id: str) -> Event:
        start, end = rules.clause_bounds(cand)
        trigger = cand.trigger
        return Event.model_construct(
            id=event_id,
            type=cand.type,
            mode=cand.mode,
            context=cand.context,
            sources=[ActorRef.model_construct(**r) for r in cand.source_refs],
            targets=[ActorRef.model_construct(**r) for r in cand.target_refs],
            status=cand.status,
            date=self.date_for(start, end),
            place=self.place_for(cand, start, end),
            trigger=TextSpan.model_construct(text=trigger.text, start=trigger.idx, end=trigger.idx + len(trigger.text)),
            confidence=round(max(0.0, min(1.0, cand.confidence)), 3),
            sentence=TextSpan.model_construct(text=sent.text, start=sent.start_char, end=sent.end_char),
            quote_id=self.quote_for(cand),
            quantities=[],
            disputes=[],
            disputed_by=[],
        )

    def date_for(self, start: int, end: int) -> EventDate | None:
        if self.event_date is not None:
            return self.event_date(self.doc, start, end)
        published = publication_date(self.doc)
        return EventDate(value=published.isoformat(), precision="article") if published else None

    def place_for(self, cand: rules.Candidate, start: int, end: int) -> Place | None:
        """The place of the clause (places stage), else a place named inside it, else an anaphoric "the
        city" / "it" resolved to the latest earlier city, else the article's main place."""
        place = self.place_for_clause(self.doc, start, end) if self.place_for_clause is not None else None
        if place is not None:
            return place
        inside = [p for p in self.places if start <= p.start < end and p.geonameid is not None]
        if inside:
            return min(inside, key=lambda p: abs(p.start - cand.trigger.idx))
        for tok in [*rules.verb_targets(cand.head, cand.type), cand.head]:
            if (tok.lemma_.lower() in rules.PLACE_NOUNS and any(c.lower_ == "the" for c in tok.children)) \
                    or (tok.lower_ == "it" and tok.dep_ in ("dobj", "pobj")):
                earlier = [p for p in self.places if p.end <= tok.idx and p.geonameid is not None
                           and (p.precision in (None, "exact", "city") or (p.feature_code or "").startswith("PPL"))]
                if earlier:
                    return earlier[-1]
        if self._main_place is None:  # once per doc: the places stage computes it over the whole doc
            self._main_place = (self.main_place_of(self.doc) if self.main_place_of is not None else None,)
        return self._main_place[0]

    def quote_for(self, cand: rules.Candidate) -> str | None:
        """The quote that reports the event: its span holds the trigger, or its cue is the reporting verb."""
        pos = cand.trigger.idx
        cue = cand.report_cue
        for quote in self.quotes:
            if quote.start <= pos < quote.end:
                return quote.id
            if cue is not None and quote.cue is not None and quote.cue.start <= cue.idx < quote.cue.end:
                return quote.id
        return None

    def attach_quantities(self, events: list[Event]) -> None:
        """Each count joins the nearest event of a type it counts, in its own sentence."""
        for index, quantity in enumerate(self.quantities):
            types = QUANTITY_TYPES.get(quantity.category)
            if not types:
                continue
            best: tuple[int, Event] | None = None
            for event in events:
                if event.sentence is None or not (event.sentence.start <= quantity.start < event.sentence.end):
                    continue
                if event.type not in types:
                    continue
                distance = abs(event.trigger.start - quantity.start)
                if best is None or distance < best[0]:
                    best = (distance, event)
            if best is not None:
                best[1].quantities.append(index)


def _key(ref: dict[str, Any]) -> tuple:
    return (ref.get("id"), ref.get("country"), ref.get("name") if not ref.get("id") else None)


def _strip_possessive(token: Token) -> str:
    return token.text[:-2] if token.text.endswith(("'s", "’s")) else token.text


def _noun_phrase(token: Token) -> Span:
    """The token with its left modifiers (determiners, adjectives, compounds, possessors), no clauses."""
    left = token.i
    for child in token.lefts:
        if child.dep_ in ("compound", "amod", "poss", "det", "nmod", "nummod", "quantmod", "case"):
            left = min(left, child.left_edge.i)
    right = token.i
    for child in token.rights:
        if child.dep_ in ("compound", "flat", "case") or (child.dep_ == "appos" and child.ent_type_):
            right = max(right, child.i)
    doc = token.doc
    while left < token.i and doc[left].dep_ in ("det",) and doc[left].lower_ in ("the", "a", "an"):
        left += 1
    return doc[left: right + 1]


def _upstream(module: str, name: str) -> Any:
    """A helper of another stage, imported lazily: a colleague's stage may not exist yet."""
    try:
        mod = __import__(module, fromlist=[name])
    except ImportError:
        return None
    return getattr(mod, name, None)
