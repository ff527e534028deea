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
from bisect import bisect_left
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
        found: list[tuple[rules.Candidate, Span]] = []
        boilerplate = rules.boilerplate_offsets(doc)
        for index, sent in enumerate(rules.sentences(doc)):
            if boilerplate and rules.is_boilerplate(sent, boilerplate):
                continue
            cands = self.sentence_candidates(sent)
            for cand in cands:
                ctx.resolve_arguments(cand, history)
                if index == 0:
                    cand.confidence += LEDE_BONUS
            cands = [c for c in cands if c.confidence >= self.min_confidence]
            cands.sort(key=lambda c: -c.confidence)
            cands = cands[: self.max_events_per_sentence]
            if self.focus_targets:
                for cand in cands:
                    ctx.focus_target(cand)
            history.extend(cands)
            found += [(cand, sent) for cand in sorted(cands, key=lambda c: c.trigger.i)]
        for cand, sent, others in merge_mentions(found):
            event = ctx.to_event(cand, sent, f"E{len(events) + 1}")
            event.mentions = [_text_span(token) for token in others]
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
        for cand in kept:
            # an announced intention outranks the act it announces, whatever the sentence's words suggest
            # ("vowed to attack": THREATEN first, the attack planned)
            if cand.kind == "intent" and cand.inner is not None and cand.inner.confidence >= cand.confidence:
                cand.inner.confidence = cand.confidence - 0.05
        return kept


# The lede states the article's main event (news writing's inverted pyramid): its events rank a little
# higher than the same events told later.
LEDE_BONUS = 0.06
# Each further mention of the same event ("the negotiations" in four sentences) makes it a little more
# central to the article, up to MENTION_BONUS_MAX.
MENTION_BONUS = 0.03
MENTION_BONUS_MAX = 0.09


def merge_mentions(found: list[tuple[rules.Candidate, Span]]
                   ) -> list[tuple[rules.Candidate, Span, list[Token]]]:
    """One event per happening: a bare event noun that re-names an event of the article is not a new event.
    Each kept event comes with the triggers merged into it, in text order, so that no evidence is lost.

    - in one sentence, a bare noun of the type of a verb event there ("violence that has killed hundreds",
      "in a wave of expulsions, X announced that 42 diplomats will be asked to leave");
    - in the article, the same event noun again ("the negotiations" in four sentences): the most specific
      mention (a place in its phrase, coded parties, earliest) stays and gains a little confidence;
    - a definite noun ("the siege", "the Mariupol siege") of the type and mode of an earlier verb event
      ("soldiers ringed the city"): an anaphor of that event.
    """
    merged_into: dict[int, int] = {}  # index of a dropped mention -> index of the event that keeps it
    verb_events: dict[int, dict[str, int]] = {}  # sentence start -> type -> first verb event of that type
    earlier: dict[tuple[str, str], int] = {}  # (type, mode) -> latest verb event so far, in text order
    for index, (cand, sent) in enumerate(found):
        if cand.kind != "noun":
            verb_events.setdefault(sent.start, {}).setdefault(cand.type, index)
    groups: dict[tuple[str, str], list[int]] = {}
    for index, (cand, sent) in enumerate(found):
        if cand.kind != "noun":
            if cand.mode:
                earlier[(cand.type, cand.mode)] = index
            continue
        renamed = verb_events.get(sent.start, {}).get(cand.type)
        if renamed is not None and not rules.has_own_arguments(cand.trigger):
            merged_into[index] = renamed
        elif cand.mode and (cand.type, cand.mode) in earlier and rules.is_definite(cand.trigger):
            merged_into[index] = earlier[(cand.type, cand.mode)]  # an anaphor of that event
        else:
            groups.setdefault((cand.type, rules.trigger_lemma(cand.trigger)), []).append(index)
    for members in groups.values():
        if len(members) < 2:
            continue
        best = max(members, key=lambda i: (rules.names_place(found[i][0].trigger),
                                           sum(1 for r in found[i][0].source_refs + found[i][0].target_refs
                                               if r.get("country")), -i))
        merged_into.update({i: best for i in members if i != best})
        found[best][0].confidence += min(MENTION_BONUS * (len(members) - 1), MENTION_BONUS_MAX)
    others: dict[int, list[Token]] = {}
    for dropped in sorted(merged_into):
        others.setdefault(merged_into[dropped], []).append(found[dropped][0].trigger)
    return [(cand, sent, others.get(index, [])) for index, (cand, sent) in enumerate(found)
            if index not in merged_into]


def _text_span(token: Token) -> TextSpan:
    return TextSpan.model_construct(text=token.text, start=token.idx, end=token.idx + len(token.text))


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
        self.country_at: Callable[[Doc, int, int], str | None] | None = _upstream("sitrep.stages.actors",
                                                                                   "country_at")
        self.country_code: Callable[[str], str | None] = _upstream("sitrep.resources.countries", "country_code") \
            or (lambda phrase: None)
        self._focus: list[tuple[str, Actor]] | None = None
        self._main_place: tuple[Place | None] | None = None
        # token index -> actor whose mention covers it: an O(1) stand-in for `actor_at` in the hot loops
        self.actor_by_id: dict[str, Actor] = {actor.id: actor for actor in self.actors}
        self.token_actor: dict[int, Actor] = {}
        for actor in self.actors:
            for mention in actor.mentions:
                span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    self.token_actor.setdefault(token.i, actor)
        # every mention of a country-coded actor, by start offset, so that a sentence's actors are a slice
        self.coded_mentions: list[tuple[int, int, int, Actor]] = sorted(
            (m.start, m.end, n, actor) for n, actor in enumerate(self.actors) if actor.country
            for m in actor.mentions)
        self.coded_starts: list[int] = [item[0] for item in self.coded_mentions]
        # the named entities in text order with their start offsets: `Span.ents` scans every entity of the doc
        self.ents: list[Span] = list(doc.ents)
        self.ent_starts: list[int] = [ent.start_char for ent in self.ents]
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
        ("Russian soldiers", "diplomats from Estonia"), else the actor inside "a total of X" / "members
        of X", else a pronoun's antecedent, else a named place ("in Baghdad") as its country."""
        if token.pos_ == "PRON" and token.lower_ in (rules.PRONOUNS_PERSON | rules.PRONOUNS_THING
                                                     | rules.PRONOUNS_GROUP):
            actor = self.actor_for_token(token)  # the actors stage resolved it
            if actor is not None:
                return _ref(actor)
            antecedent = rules.pronoun_antecedent(token, self.is_actor_token)
            return self.ref_for(antecedent, depth + 1) if antecedent is not None and depth < 2 else None
        if token.pos_ in ("VERB", "AUX") and depth < 2:
            # a participle the parser took for the subject ("The Red Cross operating in Iraq said"):
            # the party is its own subject
            inner_subject = next((c for c in token.children if c.dep_ in rules.SUBJECT_DEPS), None)
            return self.ref_for(inner_subject, depth + 1) if inner_subject is not None else None
        phrase = _noun_phrase(token)
        actor = self.actor_for_token(token) or self.actor_in(phrase)
        country = actor.country if actor is not None else None
        if country is None:
            country = self._country_from_modifiers(token)
        if actor is None and country is None:
            if depth < 1:
                for child in token.children:
                    if child.dep_ == "prep" and child.lower_ in ("of", "from"):
                        pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                        if pobj is not None and pobj.pos_ != "PRON":  # "much of it": no party
                            inner = self.ref_for(pobj, depth + 1)
                            # "a total of 42 diplomats", "the resignation of the president": the actor
                            # inside is the party, under its own name
                            if inner is not None and (inner.get("country") or inner.get("id")):
                                return inner
            place = self.place_country(token)
            if place is not None:
                return {"id": None, "name": phrase.text, "country": place, "sector": None}
            if token.lemma_.lower() in plover.PERSON_NOUNS or token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
                return {"id": None, "name": phrase.text, "country": None, "sector": None}
            return None
        if actor is not None:
            return {**_ref(actor), "country": country}
        return {"id": None, "name": phrase.text, "country": country, "sector": None}

    def place_country(self, token: Token) -> str | None:
        """The country of a place named by the token ("in Baghdad", "the town of Samarra"): a place of the
        places stage, else a capital or city the actors stage knows (`country_at`)."""
        if not (token.ent_type_ in ("GPE", "LOC", "FAC") or token.lemma_.lower() in rules.PLACE_NOUNS
                or _named_place(token)):
            return None
        if token.ent_type_ not in ("GPE", "LOC", "FAC") and not _named_place(token):
            # "the town of Samarra": the name after "of"
            named = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                     for g in c.children if g.dep_ == "pobj" and g.pos_ == "PROPN"]
            if not named:
                return None
            token = named[0]
        for place in self.places:
            if place.country and place.start <= token.idx < place.end:
                return place.country
        if self.country_at is None:
            return None
        phrase = _noun_phrase(token)
        return self.country_at(self.doc, phrase.start_char, phrase.end_char)

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
        """Fill the candidate's source and target references: the parse first, then fallbacks (the
        nearest coded actor on the subject side / the object side, the place where it happened)."""
        if cand.kind == "noun":
            sources, targets = self.noun_event_arguments(cand)
            if not sources and cand.type == "CONSULT":
                # "the Istanbul negotiations": the article's two main parties
                cand.source_refs, cand.target_refs = self.focus_refs(2), targets
                cand.confidence -= 0.05
                return
        else:
            sources = self.verb_sources(cand)
            targets = self.verb_target_refs(cand, history, exclude=sources)
        source_keys = {_key(r) for r in sources}
        targets = [r for r in targets if _key(r) not in source_keys]
        if not _known(sources):
            sources = self.clause_actors(cand, before=True, exclude=targets) or sources
        if cand.type == "ASSAULT" and not _known(sources):
            # an attack by no named party is coded to the country where it happened (CAMEO practice for
            # unidentified attackers), unless that is the victims' country
            sources = self.place_refs(cand, exclude=targets) or sources
        if not _known(targets):
            targets = (self.clause_actors(cand, before=False, exclude=sources)
                       or self.clause_actors(cand, before=True, exclude=sources, skip_nearest=True)
                       or (self.place_refs(cand, exclude=sources if cand.type == "ASSAULT" else [])
                           if _place_target(cand) else [])
                       or self.clause_actors(cand, before=False, exclude=sources, same_country=True)
                       or targets)
        if cand.type in ("ASSAULT", "COERCE"):
            # unnamed attackers and victims ("gunmen killed five villagers in Zamfara") are of the place
            sources = self.placed(cand, sources)
            targets = self.placed(cand, targets)
        if cand.type == "PROTEST" and not any(r.get("country") for r in targets):
            # a protest with no named addressee is addressed to the protesters' own government (PLOVER)
            targets = [{"id": None, "name": r["country"], "country": r["country"], "sector": "GOV"}
                       for r in sources[:1] if r.get("country")] or targets
        source_keys = {_key(r) for r in sources}
        cand.source_refs = sources
        cand.target_refs = [r for r in targets if _key(r) not in source_keys]
        if {cand.mode, cand.inner.mode if cand.inner is not None else None} & {"expel", "withdraw"}:
            # a state expels or recalls another's people, not its own (also when the expulsion is announced)
            own = {r.get("country") for r in sources}
            cand.target_refs = [r for r in cand.target_refs if r.get("country") not in own]
        if any(r.get("country") for r in sources):
            cand.confidence += 0.08
        if any(r.get("country") for r in cand.target_refs):
            cand.confidence += 0.04

    def noun_event_arguments(self, cand: rules.Candidate) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """ "Russia's invasion of Ukraine", "talks between X and Y", "attack by rebels on a convoy"."""
        sources: list[dict[str, Any]] = []
        targets: list[dict[str, Any]] = []
        src_tokens, tgt_tokens = rules.noun_arguments(cand.trigger, cand.type)
        for tok in src_tokens:
            sources += self.refs_for(tok)
        for tok in tgt_tokens:
            targets += [r for r in self.refs_for(tok) if r not in targets]
        if not sources and not targets and cand.type in ("ASSAULT", "COERCE"):
            # "a prisoner died of torture in police custody": the dead is the target, the custodian the source
            victim, custodian = rules.death_parties(cand.trigger)
            if victim is not None:
                targets = self.refs_for(victim)
            if custodian is not None:
                sources = [r for r in [self.ref_for(custodian)] if r is not None and r.get("country")]
        return sources, targets

    def verb_sources(self, cand: rules.Candidate) -> list[dict[str, Any]]:
        """The agent of a verb trigger: given sources, the passive agent, the subject, the speaker of the
        quote it cues, the first subject of a bare participle, the reporter of a bare passive."""
        head = cand.head
        patient, agent = rules.passive_parts(head)
        sources: list[dict[str, Any]] = []
        if cand.sources:
            for tok in cand.sources:
                sources += self.refs_for(tok)
        elif agent is not None:
            sources = self.refs_for(agent)
        elif patient is None:
            subject = rules.find_subject(head)
            if subject is not None:
                sources = self.refs_for(subject)
        if not sources:
            sources = self.speaker_refs(cand)
        if not sources and patient is None and head.dep_ in ("advcl", "amod", "acl", "xcomp", "conj"):
            # a participle or clause the parser left without a subject: the sentence's first subject
            first = next((t for t in head.sent if t.dep_ in rules.SUBJECT_DEPS and t.i < head.i), None)
            if first is not None:
                sources = self.refs_for(first)
        if not sources and patient is not None:
            late = rules.late_agent(head)  # "was accused of ..., by officials": a "by" the parser hung lower
            if late is not None:
                sources = self.refs_for(late)
        if not sources and patient is not None:
            reporter, _ = rules.reporting_governor(head)
            if reporter is not None:
                who = rules.find_subject(reporter)
                if who is not None:
                    sources = self.refs_for(who)
        return sources

    def verb_target_refs(self, cand: rules.Candidate, history: list[rules.Candidate], *,
                         exclude: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The other party of a verb trigger: given targets, the passive patient, objects and dyadic
        prepositions (the object's own: "demanded a truce with X"), the agent of a criticised act, the
        object of a purpose clause ("opened fire to disperse X"). A reference to a source is no target
        ("continued their strike": the possessor is the striker)."""
        head = cand.head
        own = {_key(r) for r in exclude}
        patient, _ = rules.passive_parts(head)
        target_tokens = list(cand.targets) or ([patient] if patient is not None else []) \
            or rules.verb_targets(head, cand.type)
        if cand.kind == "light":
            target_tokens = rules.noun_arguments(cand.trigger, cand.type)[1] + target_tokens
        if cand.inner is not None and not cand.targets:
            target_tokens += rules.verb_targets(cand.inner.head, cand.inner.type)
        if cand.mode in ("expel", "deport"):
            # the nationality of the expelled: "expelled ten diplomats from Estonia"
            target_tokens = rules.from_objects(head) + target_tokens
        if not cand.targets:
            target_tokens += rules.purpose_targets(head, cand.trigger)
        targets: list[dict[str, Any]] = []
        several = cand.type in ("CONSULT", "AGREE", "COOPERATE")
        for tok in target_tokens:
            found = [r for r in self.refs_for(tok) if _key(r) not in own]
            if not _known(found) and tok.pos_ == "NOUN" and tok.lemma_.lower() in self.noun_lemmas() \
                    and cand.type in ("ACCUSE", "REJECT", "PROTEST"):
                # criticising an act targets whoever did it ("calling the siege a crime")
                found = self.event_agent(tok, history) or found
            if not _known(found) and tok.pos_ in ("NOUN", "PROPN"):
                found = [r for r in (self.ref_for(c) for c in tok.children if c.dep_ == "poss")
                         if r and _key(r) not in own] or found
            targets += [r for r in found if r not in targets]
            if _known(targets) and not several:
                break
        return targets

    def clause_actors(self, cand: rules.Candidate, *, before: bool, exclude: list[dict[str, Any]],
                      skip_nearest: bool = False, same_country: bool = False) -> list[dict[str, Any]]:
        """When the parse gives no coded party: the country-coded actor nearest the trigger in the
        sentence, before it for a source (the subject side), after it for a target (or, with
        `skip_nearest`, a target before it that is not the nearest, i.e. not the subject). The party is
        of another country than the `exclude` references, or with `same_country` another actor of the
        same country after the trigger ("a union called off its strike after talks with the
        government"); never the subject of a clause that governs the trigger ("In a wave of
        expulsions, Belgium announced ...")."""
        sent = cand.trigger.sent
        pos = cand.trigger.idx
        lo, hi = (sent.start_char, pos) if before else (pos, sent.end_char)
        taken_ids = {r.get("id") for r in exclude if r.get("id")}
        taken_countries = {r.get("country") for r in exclude if r.get("country")}
        # the subject of a verb that governs the trigger is neither its target nor, for an event noun,
        # its agent ("the UN condemned the killing of aid workers": the UN killed nobody)
        governors = {t.i for t in cand.head.ancestors} | {cand.head.i} \
            if not before or cand.kind == "noun" else set()
        # what the trigger is coordinated with is no party of it ("the explosions or Russian artillery"),
        # and the patient of a passive is not its agent ("the attack on X was condemned")
        coordinated = {t.idx for t in cand.trigger.conjuncts}
        if cand.kind != "noun":
            patient, _ = rules.passive_parts(cand.head)
            if patient is not None:
                coordinated |= {t.idx for t in patient.subtree}
        nearest: dict[int, tuple[int, Actor]] = {}  # actor's position in self.actors -> (distance, actor)
        for start, end, n, actor in self.coded_mentions[bisect_left(self.coded_starts, lo):
                                                        bisect_left(self.coded_starts, hi)]:
            if actor.id in taken_ids or start in coordinated or (
                    governors and self._governing_subject(start, end, governors)):
                continue
            if n not in nearest or abs(start - pos) < nearest[n][0]:
                nearest[n] = (abs(start - pos), actor)
        if not nearest:
            return []
        # by distance, ties in actor order (as the stable sort over self.actors gave)
        found = [nearest[n] for n in sorted(nearest, key=lambda n: (nearest[n][0], n))]
        if before and not skip_nearest:
            other = [a for _, a in found if a.country not in taken_countries]
            return [_ref(other[0])] if other else []
        if skip_nearest:
            nearest = found[0][1]
            others = [a for _, a in found[1:] if a.country != nearest.country and a.country not in taken_countries]
            return [_ref(others[0])] if others else []
        other = [a for _, a in found if (a.country in taken_countries) == same_country]
        return [_ref(other[0])] if other else []

    def placed(self, cand: rules.Candidate, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """References to unnamed groups or people with no country ("gunmen", "five villagers"), coded to
        the country of the place the clause names, as CAMEO codes unidentified attackers and victims;
        a named organisation ("Hamas fighters") keeps no country."""
        if not refs or any(r.get("country") for r in refs):
            return refs
        place: list[dict[str, Any]] | None = None
        out: list[dict[str, Any]] = []
        for ref in refs:
            actor = self.actor_by_id.get(ref.get("id") or "")
            if actor is not None and (actor.kind not in ("group", "person", "military") or _named(actor)):
                out.append(ref)
                continue
            if place is None:
                place = self.place_refs(cand, exclude=[])
            out.append({**ref, "country": place[0]["country"]} if place else ref)
        return out

    def _governing_subject(self, start: int, end: int, governors: set[int]) -> bool:
        """Whether the mention at [start, end) is the subject of a verb that governs the trigger."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        tok = span.root
        while tok.dep_ in ("compound", "amod", "conj", "appos", "poss") and tok.head.i != tok.i:
            tok = tok.head
        return tok.dep_ in rules.SUBJECT_DEPS and tok.head.i in governors

    def place_refs(self, cand: rules.Candidate, *, exclude: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The country of the place the event's clause names ("suspended aid deliveries in Baghdad"), as
        a reference: the nearest after the trigger, else before it; not a country in `exclude`."""
        start, end = rules.clause_bounds(cand)
        taken = {r.get("country") for r in exclude if r.get("country")}
        best: tuple[int, dict[str, Any]] | None = None
        for ent in self.ents[bisect_left(self.ent_starts, start):bisect_left(self.ent_starts, end)]:
            if ent.label_ not in ("GPE", "LOC", "FAC") and not (ent.label_ == "NORP" and _named_place(ent.root)):
                continue
            if self.actor_in(ent) is not None:
                continue  # an actor (a state, a capital used for its government) is not a mere place
            country = self.place_country(ent.root)
            if not country or country in taken:
                continue
            distance = ent.start_char - cand.trigger.idx
            rank = distance if distance >= 0 else 10_000 - distance
            if best is None or rank < best[0]:
                best = (rank, {"id": None, "name": ent.text, "country": country, "sector": None})
        return [best[1]] if best is not None else []

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
        if any(r.get("country") for r in cand.target_refs) or cand.type not in DYADIC_TYPES \
                or not cand.source_refs:
            return
        if cand.type == "ASSAULT":
            return
        source_countries = {r.get("country") for r in cand.source_refs}
        for ref in self.focus_refs(3):
            if ref["country"] not in source_countries:
                # people named without a country ("42 diplomats will be asked to leave") are that
                # country's; anything else gives way to it
                people = [{**r, "country": ref["country"]} for r in cand.target_refs
                          if (actor := self.actor_by_id.get(r.get("id") or "")) is not None
                          and actor.kind in ("group", "person") and not _named(actor)]
                cand.target_refs = people or [ref]
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
            trigger=_text_span(trigger),
            confidence=round(max(0.0, min(1.0, cand.confidence)), 3),
            sentence=TextSpan.model_construct(text=sent.text, start=sent.start_char, end=sent.end_char),
            quote_id=self.quote_for(cand),
            quantities=[],
            disputes=[],
            disputed_by=[],
            mentions=[],
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


def _ref(actor: Actor) -> dict[str, Any]:
    return {"id": actor.id, "name": actor.name, "country": actor.country, "sector": actor.sector}


def _known(refs: list[dict[str, Any]]) -> bool:
    """Whether the references name a party: a coded country, or an actor of the actors stage (an
    organisation with no stated country, "Western allies"), which no fallback should replace."""
    return any(r.get("country") or r.get("id") for r in refs)


# Event types whose clause's place stands for the target when no party is named ("suspended aid
# deliveries in Baghdad", "killed 23 people in Tel Aviv", "extend the curfew in the capital").
PLACE_TARGET_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "CONCEDE", "THREATEN", "PROTEST", "AID",
                                "MOBILIZE"})


def _place_target(cand: rules.Candidate) -> bool:
    return cand.type in PLACE_TARGET_TYPES or (cand.inner is not None and cand.inner.type in PLACE_TARGET_TYPES)


def _named(actor: Actor) -> bool:
    """A person with a name, or a group named by its organisation ("Hamas fighters"): capitalised words
    in its name beyond the first."""
    if actor.kind == "person" and actor.role is None:
        return True
    words = actor.name.split()
    return any(w[:1].isupper() for w in words[1:]) or (len(words) > 1 and words[0][:1].isupper()
                                                       and words[0].lower() not in _PHRASE_OPENERS)


# Words that start a group phrase in capitals only at the start of a sentence.
_PHRASE_OPENERS = frozenset({"the", "a", "an", "some", "two", "three", "five", "ten", "several", "many",
                             "unidentified", "unknown", "armed", "suspected"})


def _named_place(token: Token) -> bool:
    """ "Samarra" in "the town of Samarra" (whatever its NER label): a name a place noun introduces."""
    return token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lemma_.lower() in rules.PLACE_NOUNS


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
