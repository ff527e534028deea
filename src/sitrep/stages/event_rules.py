"""The dependency-pattern layer of `sitrep_events`: triggers, their arguments, claim status.

Works on one spaCy sentence at a time and returns `Candidate`s (plain dataclasses, cheap); the stage
turns them into `model.Event`s. The steps, each a small function:

1. `match_triggers`: verbs and nominalisations of the PLOVER lexicon (`resources/plover.py`), with the
   conditions a line states (particle, object, subject, modifier); a nominalisation that is the object
   of a light verb ("staged a protest") takes the light verb as its syntactic head.
2. `apply_governors`: what governs a trigger changes the event: "agreed to reduce combat" gives AGREE
   (and the reduction as a planned RETREAT), "threatened to cut" THREATEN, "urged X to" REQUEST, "refused
   to" REJECT; a future or intended hostile act is a THREATEN, a cooperative one an AGREE (PLOVER codes
   intentions that way), while the act itself is kept as a `planned` event.
3. Speech acts without a lexicon verb: "called X a crime" (ACCUSE), "termed X unacceptable" (REJECT),
   "said that Y must ..." (REQUEST), "insisted that it will only ..." (REQUEST).
4. `arguments`: sources from the subject (climbing xcomp/advcl/conj/pcomp to the clause that has one,
   passive agents), targets from objects and dyadic prepositions, every conjunct a separate actor
   ("Belgium, Ireland and the Netherlands"), nationality from modifiers ("Russian soldiers",
   "diplomats from Estonia"), pronouns resolved to the nearest preceding subject actor.
5. `claim_status`: negated, denied, disputed, planned, hedged, claimed, reported, asserted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from sitrep.resources import plover
from sitrep.resources.plover import Lexicon, Rule

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
OBJECT_DEPS = frozenset({"dobj", "obj", "attr", "oprd"})
# Prepositions whose object is the other party of a dyadic event.
TARGET_PREPS = frozenset({"to", "with", "against", "on", "from", "at", "into", "toward", "towards", "upon", "over",
                          "for", "in"})
PLACE_NOUNS = frozenset({"city", "town", "village", "capital", "port", "region", "area", "district", "province"})
PRONOUNS_PERSON = frozenset({"he", "she", "him", "her", "his"})
PRONOUNS_THING = frozenset({"it", "its"})
PRONOUNS_GROUP = frozenset({"they", "them", "their"})
BOILERPLATE = ("click here", "read our", "subscribe to", "sign up for our", "newsletter", "cookie")


@dataclass
class Candidate:
    """An event found in a sentence, before it becomes a `model.Event`."""

    type: str
    mode: str | None
    context: list[str]
    trigger: Token  # the token whose text is the trigger span
    head: Token  # the token whose dependents are the event's arguments
    confidence: float
    kind: str = "verb"  # verb, light, noun, speech, intent
    status: str = "asserted"
    sources: list[Token] = field(default_factory=list)
    targets: list[Token] = field(default_factory=list)
    source_refs: list = field(default_factory=list)  # ActorRef-like dicts filled by the stage
    target_refs: list = field(default_factory=list)
    reporter: Token | None = None
    report_cue: Token | None = None
    dropped: bool = False
    inner: Candidate | None = None  # the act an AGREE/THREATEN/REQUEST/REJECT is about


def boilerplate_offsets(doc: Doc) -> list[int]:
    """Where site-promotion cues ('click here', 'read our blog') occur: once per doc, not per sentence."""
    lowered = doc.text.lower()
    found: list[int] = []
    for cue in BOILERPLATE:
        start = lowered.find(cue)
        while start >= 0:
            found.append(start)
            start = lowered.find(cue, start + 1)
    return found


def is_boilerplate(sent: Span, offsets: list[int]) -> bool:
    """A site promotion line is not news and yields no events."""
    return any(sent.start_char <= pos < sent.end_char for pos in offsets)


# -- 1. triggers -------------------------------------------------------------------------------------------------

def _lemma(token: Token) -> str:
    """The token's lemma, repaired when spaCy's lemmatiser misses a word the lexicon knows
    ("hoped" -> "hop" is read as "hope")."""
    lemma = token.lemma_.lower()
    known = plover.known_lemmas()
    if lemma in known or token.tag_ not in ("VBD", "VBN", "VBG", "VBZ", "NNS", "JJ"):
        return lemma
    text = token.lower_
    for option in (text, text[:-1], text[:-2], text[:-3] + "e", text[:-3], text[:-4]):
        if option in known and len(option) >= 3:
            return option
    return lemma


def _object_lemmas(head: Token) -> set[str]:
    """Lemmas of the verb's objects (direct, passive subject, prepositional) and their modifiers, and of
    the noun after "part of", "state of" ("lifted a state of emergency")."""
    out: set[str] = set()
    if head.dep_ == "acl" and head.tag_ == "VBN":  # "shells fired by ...", "bombs discovered on ..."
        out.add(_lemma(head.head))
        out.update(_lemma(t) for t in head.head.children if t.dep_ in ("compound", "amod"))
    for child in head.children:
        if child.dep_ in OBJECT_DEPS or child.dep_ in PASSIVE_SUBJECT_DEPS or child.dep_ == "dative":
            out.add(_lemma(child))
            out.update(_lemma(t) for t in child.children if t.dep_ in ("compound", "amod"))
            out.update(_lemma(c) for c in child.conjuncts)
            for prep in child.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            out.add(_lemma(pobj))
                            out.update(_lemma(t) for t in pobj.children if t.dep_ in ("compound", "amod"))
        elif child.dep_ in ("prep", "prt"):
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    out.add(_lemma(grandchild))
                    out.update(_lemma(c) for c in grandchild.conjuncts)
    return out


def object_lemmas(head: Token) -> set[str]:
    """Public name of `_object_lemmas` (the stage links disputes of "claims" with it)."""
    return _object_lemmas(head)


def _subject_lemmas(head: Token) -> set[str]:
    subject = find_subject(head)
    if subject is None:
        return set()
    return {_lemma(subject), *(_lemma(t) for t in subject.children if t.dep_ in ("compound", "amod"))}


def _has_particle(head: Token, particle: str) -> bool:
    for child in head.children:
        if child.dep_ in ("prt", "prep", "agent", "advmod") and child.lower_ == particle:
            return True
        # "pushing hard for the US [to] support": the preposition parsed as the marker of a clause
        if child.dep_ in ("advcl", "ccomp") and any(g.dep_ == "mark" and g.lower_ == particle for g in child.children):
            return True
    return False


def _rule_for_verb(token: Token, rules: tuple[Rule, ...]) -> Rule | None:
    objects: set[str] | None = None
    subjects: set[str] | None = None
    for rule in rules:
        if rule.particle and not _has_particle(token, rule.particle):
            continue
        if rule.objects:
            if objects is None:
                objects = _object_lemmas(token)
            if not objects & rule.objects:
                continue
        if rule.subjects:
            if subjects is None:
                subjects = _subject_lemmas(token)
            if not subjects & rule.subjects:
                continue
        return rule
    return None


def _rule_for_noun(token: Token, rules: tuple[Rule, ...]) -> Rule | None:
    modifiers = {_lemma(t) for t in token.children if t.dep_ in ("compound", "amod", "nmod", "npadvmod")}
    for rule in rules:
        if rule.modifiers and not modifiers & rule.modifiers:
            continue
        return rule
    return None


EXPEL_GOVERNORS = frozenset({"ask", "order", "tell", "force", "instruct", "give", "require", "direct"})
EXPEL_VERBS = frozenset({"leave", "depart", "quit", "go", "exit"})
DIPLOMATIC_PERSONS = frozenset(plover.PERSON_NOUNS_DIPLOMATIC)


def _expulsion(token: Token) -> Candidate | None:
    """"asked 42 diplomats to leave", "ordered the envoy to depart": an expulsion (SANCTION/expel for
    diplomats and missions, COERCE/deport for other people)."""
    inner = next((c for c in token.children if c.dep_ in ("xcomp", "ccomp") and _lemma(c) in EXPEL_VERBS), None)
    if inner is None:
        return None
    persons = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "dative")]
    persons += [c for c in inner.children if c.dep_ == "nsubj"]
    lemmas = {_lemma(p) for p in persons}
    for p in persons:
        lemmas.update(_lemma(g) for c in p.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj")
    if lemmas & DIPLOMATIC_PERSONS:
        return Candidate("SANCTION", "expel", ["diplomatic"], token, token, 0.62)
    return Candidate("COERCE", "deport", ["legal"], token, token, 0.55)


def match_triggers(sent: Span, lex: Lexicon) -> list[Candidate]:
    """Every lexicon trigger in the sentence, as a candidate with the rule's type, mode and context."""
    found: list[Candidate] = []
    claimed_nouns: set[int] = set()
    for token in sent:
        lemma = _lemma(token)
        if lemma in EXPEL_GOVERNORS and token.pos_ == "VERB":
            expulsion = _expulsion(token)
            if expulsion is not None:
                found.append(expulsion)
                continue
        if token.pos_ in ("VERB", "AUX") or (token.tag_.startswith("VB") and token.pos_ != "NOUN"):
            rules = lex.verbs.get(lemma)
            if not rules:
                continue
            if any(c.dep_ == "det" and c.lower_ in ("the", "a", "an") for c in token.children):
                continue  # a participle used as a noun: "evacuated the wounded"
            rule = _rule_for_verb(token, rules)
            if rule is None or rule.type is None:
                continue
            if rule.objects:  # the object noun is part of the pattern ("reached an agreement"), not an event
                claimed_nouns.update(c.i for c in token.children if c.dep_ in OBJECT_DEPS)
            found.append(Candidate(rule.type, rule.mode, list(rule.context), token, token, 0.6))
        elif token.pos_ in ("NOUN", "PROPN") and (
                token.dep_ != "compound" or _lemma(token.head) in plover.GENERIC_EVENT_HEADS):
            rules = lex.nouns.get(lemma)
            if not rules:
                continue
            rule = _rule_for_noun(token, rules)
            if rule is None or rule.type is None:
                continue
            head, kind, confidence = token, "noun", 0.42
            nominal = token.head if token.dep_ == "compound" else token  # "a mediation effort"
            governor = nominal.head
            if nominal.dep_ in OBJECT_DEPS and _lemma(governor) in plover.LIGHT_VERBS:
                head, kind, confidence = governor, "light", 0.6
            found.append(Candidate(rule.type, rule.mode, list(rule.context), token, head, confidence, kind=kind))
    return [c for c in found if not (c.kind != "verb" and c.trigger.i in claimed_nouns)]


# -- 2. governors ------------------------------------------------------------------------------------------------

def _aux_lemmas(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}


def is_negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or (c.lower_ in ("never", "no") and c.dep_ in ("advmod", "neg", "det"))
               for c in token.children)


def _intent_governor(head: Token) -> Token | None:
    """The verb or adjective of intention that governs `head` ("agreed to", "is willing to"), if any."""
    if head.dep_ == "xcomp" and _lemma(head.head) in plover.PHASE_GOVERNORS and head.head.dep_ == "xcomp":
        head = head.head  # "prepared to resume shelling"
    if head.dep_ not in ("xcomp", "advcl") or (
            head.dep_ == "advcl" and not any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children)):
        return None
    governor = head.head
    lemma = _lemma(governor)
    if lemma in plover.INTENT_GOVERNORS or lemma in plover.INTENT_ADJECTIVES:
        return governor
    return None


def intent_type(inner_type: str, governor_lemma: str) -> str:
    """PLOVER codes an intention by what is intended: hostile acts are THREATEN, cooperative ones AGREE;
    preparing an attack is MOBILIZE."""
    if governor_lemma == "prepare" and inner_type == "ASSAULT":
        return "MOBILIZE"
    if inner_type in plover.HOSTILE_TYPES:
        return "THREATEN" if inner_type not in ("ACCUSE", "REJECT", "PROTEST", "THREATEN") else inner_type
    return "AGREE"


def _is_future(token: Token) -> bool:
    aux = _aux_lemmas(token)
    if aux & {"will", "shall", "'ll", "wo", "would"}:
        return True
    # "is going to expel"
    return token.dep_ == "xcomp" and _lemma(token.head) == "go" and token.head.tag_ == "VBG"


def apply_governors(cands: list[Candidate]) -> list[Candidate]:
    """Let the governing verb decide what an inner act means (intention, request, refusal, threat)."""
    by_head: dict[int, Candidate] = {}
    for cand in cands:
        if cand.kind in ("verb", "light"):
            by_head.setdefault(cand.head.i, cand)
    extra: list[Candidate] = []
    for cand in cands:
        if cand.kind == "noun":
            continue
        head = cand.head
        governor = head.head if head.dep_ in ("xcomp", "ccomp") else None
        gov_lemma = _lemma(governor) if governor is not None else ""
        gov_cand = by_head.get(governor.i) if governor is not None else None
        if governor is not None and head.dep_ == "xcomp" and gov_lemma in plover.THREAT_GOVERNORS:
            cand.dropped = True
            if gov_cand is not None:
                gov_cand.mode = gov_cand.mode or _threat_mode(cand)
                _merge_context(gov_cand, cand)
            continue
        if governor is not None and gov_lemma in plover.REQUEST_GOVERNORS and gov_cand is not None \
                and gov_cand.type == "REQUEST":
            cand.dropped = True
            gov_cand.inner = cand
            _merge_context(gov_cand, cand)
            continue
        if governor is not None and head.dep_ == "xcomp" and gov_lemma in plover.REFUSAL_GOVERNORS:
            cand.dropped = True
            if gov_cand is not None:
                _merge_context(gov_cand, cand)
            continue
        intent = _intent_governor(head)
        if intent is not None:
            if is_negated(intent) or is_negated(head):
                continue  # handled by status (negated) below
            lemma = _lemma(intent)
            cand.status = "planned"
            cand.confidence -= 0.15
            icand = by_head.get(intent.i)
            if icand is not None and icand.type == "AGREE":
                new_type = intent_type(cand.type, lemma)
                if new_type != "AGREE":
                    icand.type = new_type
                icand.mode = icand.mode or cand.mode
                icand.inner = cand
                _merge_context(icand, cand)
            elif icand is None and lemma not in ("try", "attempt", "manage", "seek", "want", "wish", "mean"):
                extra.append(_intent_event(cand, intent, lemma))
            continue
        if _is_future(head) and not is_negated(head) and cand.type not in (
                "AGREE", "THREATEN", "REQUEST", "REJECT", "ACCUSE"):
            cand.status = "planned"
            cand.confidence -= 0.15
            extra.append(_intent_event(cand, head, "will"))
        elif is_negated(head) and cand.type in plover.COOPERATIVE_TYPES and (
                _aux_lemmas(head) & (plover.FUTURE_MODALS | {"can", "ca"})):
            # "will not accept", "would not allow": a refusal
            cand.type, cand.mode = "REJECT", None
    return cands + extra


def _threat_mode(inner: Candidate) -> str | None:
    return {"ASSAULT": "violence", "SANCTION": "relations", "COERCE": "restrict"}.get(inner.type, inner.mode)


def _merge_context(outer: Candidate, inner: Candidate) -> None:
    for tag in inner.context:
        if tag not in outer.context:
            outer.context.append(tag)


def _intent_event(inner: Candidate, governor: Token, lemma: str) -> Candidate:
    new_type = intent_type(inner.type, lemma)
    mode = _threat_mode(inner) if new_type == "THREATEN" else inner.mode
    return Candidate(new_type, mode, list(inner.context), governor if lemma != "will" else inner.trigger,
                     inner.head, inner.confidence + 0.2, kind="intent", inner=inner)


# -- 3. speech acts ------------------------------------------------------------------------------------------------

def _predicate_lemmas(verb: Token) -> tuple[Token | None, set[str]]:
    """For "called the siege a crime" / "termed X unacceptable" / "described X as Y": the object and the
    lemmas of what it is called."""
    obj: Token | None = None
    lemmas: set[str] = set()
    for child in verb.children:
        if child.dep_ in ("dobj", "obj") and obj is None:
            obj = child
        elif child.dep_ in ("oprd", "attr", "acomp", "xcomp", "ccomp"):
            for t in child.subtree:
                lemmas.add(_lemma(t))
            subj = next((c for c in child.children if c.dep_ in ("nsubj", "dobj")), None)
            if subj is None:  # "termed the new tariff unacceptable" parsed with the noun inside the predicate
                subj = next((t for t in child.subtree if t.pos_ in ("NOUN", "PROPN", "PRON") and t.i < child.i), None)
            if subj is not None and obj is None:
                obj = subj
        elif child.dep_ == "prep" and child.lower_ == "as":
            for t in child.subtree:
                lemmas.add(_lemma(t))
    if obj is not None:
        # the predicate may hang below the object ("called the siege a crime" parsed as apposition)
        for t in obj.children:
            if t.dep_ in ("appos", "amod", "acl", "relcl", "oprd", "attr"):
                lemmas.update(_lemma(x) for x in t.subtree)
    return obj, lemmas


def speech_acts(sent: Span, taken: set[int]) -> list[Candidate]:
    """Speech acts without a lexicon verb: naming with a negative predicate, demands in reported clauses."""
    out: list[Candidate] = []
    for token in sent:
        if token.i in taken or token.pos_ not in ("VERB", "AUX"):
            continue
        lemma = _lemma(token)
        if lemma in plover.NAMING_VERBS and not _has_particle(token, "for") and not _has_particle(token, "on"):
            obj, lemmas = _predicate_lemmas(token)
            if obj is None:
                continue
            if lemmas & plover.REJECTION_PREDICATES:
                cand = Candidate("REJECT", None, [], token, token, 0.6, kind="speech")
            elif lemmas & plover.NEGATIVE_PREDICATES:
                cand = Candidate("ACCUSE", "disapprove", [], token, token, 0.6, kind="speech")
            else:
                continue
            cand.targets = [obj]
            out.append(cand)
        elif lemma in plover.REPORTING_VERBS or lemma in plover.CLAIM_VERBS:
            for clause in token.children:
                if clause.dep_ != "ccomp":
                    continue
                aux = _aux_lemmas(clause)
                insists = lemma in ("insist", "maintain") and (
                    aux & plover.FUTURE_MODALS or any(c.lower_ == "only" for c in clause.children))
                if aux & plover.OBLIGATION_MODALS or insists:
                    subject = find_subject(clause, climb=False)
                    cand = Candidate("REQUEST", None, [], clause, clause, 0.62, kind="speech")
                    cand.sources = [s for s in [find_subject(token)] if s is not None]
                    if subject is not None and not insists:
                        cand.targets = [subject]
                    out.append(cand)
    return out


# -- 4. arguments --------------------------------------------------------------------------------------------------

def find_subject(head: Token, climb: bool = True) -> Token | None:
    """The active subject of `head`, climbing to the clause that has one (xcomp, conj, participles)."""
    token = head
    for _ in range(4):
        for child in token.children:
            if child.dep_ in SUBJECT_DEPS:
                return child
        if not climb:
            return None
        if token.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acl", "ccomp") and token.head.i != token.i:
            if token.dep_ == "ccomp" and any(c.dep_ in PASSIVE_SUBJECT_DEPS for c in token.children):
                return None
            parent = token.head
            if token.dep_ == "pcomp" and parent.dep_ == "prep":
                parent = parent.head
            if token.dep_ == "acl" and parent.pos_ in ("NOUN", "PROPN"):
                return None
            if token.dep_ == "conj" and any(c.dep_ in PASSIVE_SUBJECT_DEPS for c in parent.children):
                return None
            token = parent
        else:
            return None
    return None


def passive_parts(head: Token) -> tuple[Token | None, Token | None]:
    """(patient, agent) of a passive verb: "diplomats were expelled by Moscow"."""
    patient = next((c for c in head.children if c.dep_ in PASSIVE_SUBJECT_DEPS), None)
    agent = None
    for child in head.children:
        if child.dep_ == "agent":
            agent = next((g for g in child.children if g.dep_ == "pobj"), None)
    return patient, agent


def verb_targets(head: Token, ctype: str) -> list[Token]:
    """Objects and dyadic prepositional objects of the head, in order of preference."""
    objs = [c for c in head.children if c.dep_ in ("dobj", "obj", "dative")]
    preps: list[Token] = []
    for child in head.children:
        if child.dep_ in ("prep", "prt") and child.lower_ in TARGET_PREPS:
            if child.lower_ == "in" and ctype not in ("ASSAULT", "COERCE", "MOBILIZE", "PROTEST"):
                continue
            preps.extend(g for g in child.children if g.dep_ == "pobj")
    return objs + preps


def from_objects(head: Token) -> list[Token]:
    """Objects of "from" on the verb or on its object ("expelled diplomats from Estonia")."""
    out: list[Token] = []
    for node in (head, *(c for c in head.children if c.dep_ in ("dobj", "nsubjpass"))):
        for child in node.children:
            if child.dep_ == "prep" and child.lower_ == "from":
                out.extend(g for g in child.children if g.dep_ == "pobj")
    return out


SELF_DIRECTED_TYPES = frozenset({"MOBILIZE", "RETREAT", "PROTEST"})


def noun_arguments(noun: Token, ctype: str | None = None) -> tuple[list[Token], list[Token]]:
    """Sources and targets of an event nominalisation: "Russia's invasion of Ukraine", "talks between
    X and Y", "attack by rebels on a convoy"."""
    sources: list[Token] = []
    targets: list[Token] = []
    for child in noun.children:
        if child.dep_ == "poss" or (child.dep_ == "amod" and child.ent_type_ in ("NORP", "GPE")):
            sources.append(child)
        elif child.dep_ == "prep":
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is None:
                continue
            if child.lower_ == "by" or child.lower_ == "between":
                sources.append(pobj)
            elif child.lower_ == "of" and ctype in SELF_DIRECTED_TYPES:
                sources.append(pobj)  # "the deployment of NATO troops", "the withdrawal of Serbian forces"
            elif child.lower_ in ("of", "on", "against", "with", "to", "from"):
                targets.append(pobj)
    return sources, targets


def pronoun_antecedent(token: Token, actor_tokens: Callable[[Token], bool]) -> Token | None:
    """The nearest preceding subject (else any actor mention) compatible with the pronoun."""
    lower = token.lower_
    doc = token.doc
    start = max(0, (token.sent.start if token.sent.start > 0 else 0) - 80)
    fallback: Token | None = None
    for i in range(token.i - 1, start - 1, -1):
        cand = doc[i]
        if cand.pos_ == "PRON" or not actor_tokens(cand):
            continue
        is_person = cand.ent_type_ == "PERSON"
        if lower in PRONOUNS_PERSON and not is_person:
            continue
        if lower in PRONOUNS_THING and is_person:
            continue
        if cand.dep_ in SUBJECT_DEPS or cand.dep_ in PASSIVE_SUBJECT_DEPS or (
                cand.dep_ == "compound" and cand.head.dep_ in SUBJECT_DEPS):
            return cand
        if fallback is None:
            fallback = cand
    return fallback


def expand_conjuncts(tokens: Iterable[Token]) -> list[Token]:
    """Every member of a coordination, in text order, without repeats. A list of names the parser
    attached elsewhere ("..., Belgium, Ireland, and the Netherlands announced") is repaired by walking
    left over ", X" / "and X" while X is a named entity of the same kind."""
    seen: dict[int, Token] = {}
    for token in tokens:
        members = [token, *token.conjuncts]
        if token.ent_type_ in ("GPE", "NORP", "ORG", "PERSON") and not token.conjuncts:
            members += _left_list(token)
        for member in members:
            if member.pos_ in ("CCONJ", "PUNCT"):
                continue
            seen.setdefault(member.i, member)
    return [seen[i] for i in sorted(seen)]


def _left_list(token: Token) -> list[Token]:
    doc = token.doc
    found: list[Token] = []
    i = token.left_edge.i - 1
    sent_start = token.sent.start
    saw_separator = False
    while i >= sent_start:
        t = doc[i]
        if t.lower_ in (",", "and", "or", "the"):
            saw_separator = saw_separator or t.lower_ != "the"
            i -= 1
            continue
        if saw_separator and t.ent_type_ == token.ent_type_ and t.ent_iob_ in ("B", "I"):
            start = i
            while start > sent_start and doc[start].ent_iob_ == "I":
                start -= 1
            found.append(doc[start:i + 1].root)
            i = start - 1
            saw_separator = False
            continue
        break
    return found


# -- 5. claim status -----------------------------------------------------------------------------------------------

def clause_chain(head: Token) -> list[Token]:
    """The head and the verbs above it up to the sentence root (for status and reporting cues)."""
    chain = [head]
    token = head
    while token.head.i != token.i and len(chain) < 8:
        token = token.head
        chain.append(token)
    return chain


def reporting_governor(head: Token) -> tuple[Token | None, str | None]:
    """The reporting, claiming or denying verb the event's clause is the complement of, if any."""
    token = head
    for _ in range(6):
        if token.head.i == token.i:
            break
        if token.dep_ in ("ccomp", "xcomp", "conj", "advcl") or (token.dep_ == "dobj" and token.pos_ == "NOUN"):
            parent = token.head
            lemma = _lemma(parent)
            if lemma in plover.DENIAL_VERBS:
                return parent, "denied"
            if lemma in plover.CLAIM_VERBS:
                return parent, "claimed"
            if lemma in plover.REPORTING_VERBS:
                return parent, "reported"
            token = parent
        else:
            token = token.head
    return None, None


def claim_status(cand: Candidate, sent: Span) -> str:
    """The event's claim status from its own clause and what governs it."""
    head = cand.head
    if cand.kind == "intent":
        head = cand.trigger if cand.trigger.pos_ in ("VERB", "ADJ", "AUX") else cand.head
    chain = clause_chain(head)[:3]
    if (any(is_negated(t) for t in chain[:2]) or any(
            c.lower_ == "yet" for t in chain[:1] for c in t.children)) and cand.type not in ("REJECT",):
        return "negated"
    reporter, kind = reporting_governor(cand.head)
    if kind == "denied":
        return "denied"
    if cand.reporter is None and reporter is not None:
        cand.reporter, cand.report_cue = find_subject(reporter), reporter
    lowered = {t.lower_ for t in sent}
    if lowered & plover.DISPUTE_CUES and ({"but", "however", "though", "although"} & lowered) \
            and cand.kind != "speech" and cand.type not in ("ACCUSE", "REJECT"):
        return "disputed"
    if cand.status == "planned":
        return "planned"
    own = {c.lower_ for t in chain[:2] for c in t.children}
    if own & plover.HEDGE_WORDS or _aux_lemmas(cand.head) & plover.HEDGE_MODALS:
        return "hedged"
    if any(_lemma(t) in ("suspect", "alleged", "allegedly", "suspected") for t in cand.head.children):
        return "hedged"
    if kind == "claimed":
        return "claimed"
    if kind == "reported":
        return "reported"
    if any(t.lower_ == "according" for t in sent):
        return "reported"
    return "asserted"


def crowd_action(cand: Candidate) -> None:
    """Violence or demands by protesters are PROTEST in PLOVER (riot, demonstrate): "protesters clashed
    with police", "demonstrators demanded the release of ..."."""
    if cand.type not in ("ASSAULT", "REQUEST", "COERCE") or cand.kind == "speech":
        return
    head = cand.head
    subject = find_subject(head) if cand.kind != "noun" else None
    party = [subject] if subject is not None else []
    if cand.type == "ASSAULT" and _lemma(cand.trigger) in ("clash", "fight", "battle"):
        party += [g for c in head.children if c.dep_ == "prep" and c.lower_ == "with"
                  for g in c.children if g.dep_ == "pobj"]
    if cand.kind == "noun":
        party += [g for c in cand.trigger.children if c.dep_ == "prep" and c.lower_ in ("with", "by", "between")
                  for g in c.children if g.dep_ == "pobj"]
    if any(_lemma(t) in plover.PROTESTER_NOUNS or t.lower_.rstrip("s") in plover.PROTESTER_NOUNS
           for t in expand_conjuncts(party)):
        if cand.type == "COERCE":
            return  # police arresting protesters stays COERCE; arrests by protesters are rare
        cand.mode = "riot" if cand.type == "ASSAULT" else "demo"
        cand.type = "PROTEST"


def accidental(cand: Candidate) -> bool:
    """A death or injury caused by a flood, fire, crash or disease is not an ASSAULT: the subject, passive
    agent or a "in/by/after a ..." phrase of the trigger names a hazard."""
    if cand.type != "ASSAULT" or _lemma(cand.trigger) not in ("kill", "injure", "wound", "die", "destroy", "maim"):
        return False
    head = cand.head
    causes: list[Token] = []
    subject = find_subject(head, climb=False)
    if subject is not None:
        causes.append(subject)
    for child in head.children:
        if child.dep_ in ("agent", "prep") and child.lower_ in ("by", "in", "after", "during", "from"):
            causes.extend(g for g in child.children if g.dep_ == "pobj")
    for token in list(causes):
        causes.extend(t for t in token.children if t.dep_ == "compound")
    return any(_lemma(t) in plover.HAZARD_NOUNS for t in causes)


def event_context(cand: Candidate) -> list[str]:
    """Context tags: the rule's, plus those of words in the trigger's clause (objects and modifiers)."""
    tags = list(cand.context)
    for token in (cand.head, *cand.head.children, *cand.trigger.children):
        tag = plover.CONTEXT_WORDS.get(_lemma(token))
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def clause_bounds(cand: Candidate) -> tuple[int, int]:
    """Character span of the event's clause: the head's subtree, bounded by its sentence."""
    head = cand.head
    sent = head.sent
    start = max(head.left_edge.idx, sent.start_char)
    end = min(head.right_edge.idx + len(head.right_edge.text), sent.end_char)
    return start, end


def depth(token: Token) -> int:
    """How deeply embedded a clause is: complements of reporting verbs do not count."""
    n = 0
    while token.head.i != token.i:
        if token.dep_ in ("advcl", "relcl", "acl", "pcomp", "pobj", "prep", "npadvmod", "appos"):
            n += 1
        elif token.dep_ in ("ccomp", "xcomp") and _lemma(token.head) not in (
                plover.REPORTING_VERBS | plover.CLAIM_VERBS):
            n += 0.5
        token = token.head
    return int(n)


def sentences(doc: Doc) -> Iterable[Span]:
    return doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
