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
from sitrep.stages.base import doc_text

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
    lowered = doc_text(doc).lower()
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
    for option in (text, *_unsuffixed(text)):
        if option in known and len(option) >= 3:
            return option
    return lemma


def _unsuffixed(word: str) -> list[str]:
    """The stems `word` may come from by an English suffix: inflections ("hoped", "banned", "hoping")
    and agent nouns ("protesters", "demonstrators", "gunmen"). Only a real suffix is taken off:
    "banks" is not "ban", "several" not "sever", "French" not "free"."""
    doubled = len(word) > 4 and word[-4] == word[-5] if word.endswith("ing") else (
        len(word) > 3 and word[-3] == word[-4])
    stems: list[str] = []
    if word.endswith(("s", "d")):
        stems.append(word[:-1])  # hopes, hoped -> hope
    if word.endswith(("es", "ed")):
        stems.append(word[:-2])  # watches, bombed
    if word.endswith(("ing", "ers", "ors", "ies")):
        stems.append(word[:-3] + "e")  # hoping -> hope, demonstrators -> demonstrate, injuries -> injure
    if word.endswith(("ing", "ers", "ors", "men")) or (word.endswith("ed") and doubled):
        stems.append(word[:-3])  # shelling, fighters, gunmen, banned
    if word.endswith(("ing", "ers")) and doubled:
        stems.append(word[:-4])  # banning, shoppers
    return stems


def _forms(token: Token) -> set[str]:
    """The lemma, and the singular of a plural the lemmatiser mangled ("bases" read as "basis")."""
    lemma = _lemma(token)
    if token.tag_ != "NNS":
        return {lemma}
    text = token.lower_
    return {lemma, text[:-1] if text.endswith("s") else text, text[:-2] if text.endswith("es") else text}


def _object_lemmas(head: Token) -> set[str]:
    """Lemmas of the verb's objects (direct, passive subject, prepositional) and their modifiers, and of
    the noun after "part of", "state of" ("lifted a state of emergency")."""
    out: set[str] = set()
    if head.dep_ == "acl" and head.tag_ == "VBN":  # "shells fired by ...", "bombs discovered on ..."
        out.add(_lemma(head.head))
        out.update(_lemma(t) for t in head.head.children if t.dep_ in ("compound", "amod"))
    for child in head.children:
        if child.dep_ in OBJECT_DEPS or child.dep_ in PASSIVE_SUBJECT_DEPS or child.dep_ == "dative":
            out.update(_forms(child))
            out.update(_lemma(t) for t in child.children if t.dep_ in ("compound", "amod"))
            for conjunct in child.conjuncts:
                out.update(_forms(conjunct))
            for prep in child.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            out.update(_forms(pobj))
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
# "ordered the paper to suspend publication", "forced the party to disband": an order to stop is a
# restriction (PLOVER COERCE), whoever gives it.
HALT_VERBS = frozenset({"suspend", "close", "stop", "halt", "cease", "shut", "disband", "dissolve", "abandon",
                        "vacate"})
DIPLOMATIC_PERSONS = frozenset(plover.PERSON_NOUNS_DIPLOMATIC)
# Siege verbs that, as a bare participle after a noun, only say where something is ("the areas
# surrounding the city"), not that anyone besieged it.
SPATIAL_PARTICIPLES = frozenset({"surround", "encircle", "ring", "border"})


def _expulsion(token: Token) -> Candidate | None:
    """"asked 42 diplomats to leave", "ordered the envoy to depart": an expulsion (SANCTION/expel for
    diplomats and missions, COERCE/deport for other people); "ordered the paper to suspend
    publication": a restriction (COERCE/restrict)."""
    if any(c.dep_ in ("xcomp", "ccomp") and _lemma(c) in HALT_VERBS for c in token.children):
        return Candidate("COERCE", "restrict", [], token, token, 0.55)
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
            confidence = 0.6
            if token.tag_ == "VBG" and (token.dep_ == "amod" or (
                    token.dep_ in ("acl", "prep") and lemma in SPATIAL_PARTICIPLES)):
                continue  # "activities surrounding the capital", "the surrounding districts": a relation
            if token.tag_ == "VBN" and token.dep_ in ("amod", "acl", "compound"):
                if rule.type in plover.COOPERATIVE_TYPES:
                    continue  # "Iran-backed militia", "the internationally recognised government": a label
                if token.dep_ != "acl":
                    confidence -= 0.2  # "the besieged city", "the banned party": background, not the news
            if rule.objects:  # the object noun is part of the pattern ("reached an agreement"), not an event
                claimed_nouns.update(c.i for c in token.children if c.dep_ in OBJECT_DEPS)
            found.append(Candidate(rule.type, rule.mode, list(rule.context), token, token, confidence))
        elif token.pos_ in ("NOUN", "PROPN") and (
                token.dep_ != "compound" or _lemma(token.head) in plover.GENERIC_EVENT_HEADS):
            rules = lex.nouns.get(lemma)
            if not rules or token.ent_type_ in ("DATE", "TIME"):
                continue  # a word inside a date is not an event: "on 12 March 2022" is no march
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


def _subjunctive(token: Token) -> bool:
    """"(demanded) that Israel ease ...": a base-form verb with its own subject, a "that" and no auxiliary."""
    return token.tag_ == "VB" and token.dep_ == "ccomp" and any(c.dep_ == "nsubj" for c in token.children) \
        and any(c.dep_ == "mark" and c.lower_ == "that" for c in token.children) \
        and not any(c.dep_ in ("aux", "auxpass") for c in token.children)


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
    by_trigger = {cand.trigger.i: cand for cand in cands if cand.kind in ("noun", "light")}
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
        noun = head.head if head.dep_ in ("acl", "ccomp", "relcl") else None
        noun_cand = by_trigger.get(noun.i) if noun is not None else None
        if noun_cand is None and _subjunctive(head):
            # "reiterated its demand that Israel ease restrictions": the clause hangs from the verb, the
            # demand is its object; a bare subjunctive ("that X ease") is asked for, not done
            noun_cand = next((by_trigger[c.i] for c in head.head.children
                              if c.dep_ in OBJECT_DEPS and c.i in by_trigger), None)
            if noun_cand is None:
                cand.status = "planned"
        if noun_cand is not None and noun_cand.type in ("REQUEST", "THREATEN"):
            # "its demand that Israel ease restrictions", "a call for troops to withdraw": what is asked for
            # has not happened; the demand is the event
            cand.dropped = True
            noun_cand.inner = cand
            _merge_context(noun_cand, cand)
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
            elif icand is None and (lemma in plover.COMMITMENT_GOVERNORS
                                    or (lemma == "prepare" and cand.type == "ASSAULT")):
                # "vowed to fight", "is ready to talk", "prepared to attack" (MOBILIZE); "hoped to begin an
                # evacuation" or "plans to withdraw" commit no one: the act alone, planned
                extra.append(_intent_event(cand, intent, lemma))
            continue
        if head.dep_ in ("acl", "relcl") and head.head.pos_ == "NOUN" and head.tag_ == "VB" and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in head.children):
            # "conditions for the two leaders to meet", "an effort to end the war": not (yet) done
            cand.status = "planned"
            continue
        if _is_future(head) and not is_negated(head) and cand.type not in (
                "AGREE", "THREATEN", "REQUEST", "REJECT", "ACCUSE"):
            cand.status = "planned"
            cand.confidence -= 0.15
            if not any(c.dep_ in PASSIVE_SUBJECT_DEPS for c in head.children):
                # "Canada will expel two diplomats": an announced intention, coded AGREE or THREATEN as
                # PLOVER (CAMEO 03x/13x) and its gold standard do; the act itself stays, planned
                extra.append(_intent_event(cand, head, "will"))
            # "42 diplomats will be asked to leave", "prisoners will be released": a decision announced
            # as already taken, by no named party; the act alone is the event
        elif is_negated(head) and cand.type in plover.COOPERATIVE_TYPES and (
                _aux_lemmas(head) & (plover.FUTURE_MODALS | {"can", "ca"})):
            # "will not accept", "would not allow": a refusal
            cand.type, cand.mode = "REJECT", None
    for cand in cands:
        if cand.type == "AGREE" and cand.kind == "verb" and cand.inner is None and any(
                c.dep_ == "xcomp" for c in cand.head.children):
            # "promised to maintain defence measures": a commitment to an act that is no PLOVER event (and
            # to no one) is a weak AGREE
            cand.confidence -= 0.1
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
                    # "insisted it will only ..." is a demand read between the lines: less sure than "must"
                    cand = Candidate("REQUEST", None, [], clause, clause, 0.52 if insists and not
                                     aux & plover.OBLIGATION_MODALS else 0.62, kind="speech")
                    cand.report_cue = token
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


# Prepositions of a criticism that name what (or whom) it is about: "complained to the UN over raids".
ABOUT_PREPS = ("about", "over", "of", "for")
# Prepositions on an object noun that name the other party: "demanded a truce with X", "sanctions on X".
OBJECT_NOUN_PREPS = frozenset({"with", "against", "on", "to", "between", "toward", "towards"})


def verb_targets(head: Token, ctype: str) -> list[Token]:
    """Objects and dyadic prepositional objects of the head, in order of preference, then the other
    party named on an object noun ("demanded a truce with X"). Giving (AID) prefers the recipient
    ("provided intelligence to X") over the thing given; a criticism (ACCUSE, PROTEST, REJECT) prefers
    what it is about ("protested to the OAS about Chilean incursions") over whom it is addressed to."""
    # a dative the parser gives as the preposition itself ("provided X to Macedonia"): its object
    datives = [c for c in head.children if c.dep_ == "dative" and c.pos_ != "ADP"] + [
        g for c in head.children if c.dep_ == "dative" and c.pos_ == "ADP" for g in c.children if g.dep_ == "pobj"]
    objs = [c for c in head.children if c.dep_ in ("dobj", "obj")] + datives
    preps: list[tuple[str, Token]] = []
    for child in head.children:
        if child.dep_ in ("prep", "prt") and (child.lower_ in TARGET_PREPS or child.lower_ == "about"):
            if child.lower_ == "in" and ctype not in ("ASSAULT", "COERCE", "MOBILIZE", "PROTEST"):
                continue
            if child.lower_ == "about" and ctype not in ("ACCUSE", "REJECT", "PROTEST", "THREATEN"):
                continue
            preps.extend((child.lower_, g) for g in child.children if g.dep_ == "pobj")
    inner = [g for obj in objs if obj not in datives for prep in obj.children
             if prep.dep_ == "prep" and prep.lower_ in OBJECT_NOUN_PREPS
             for g in prep.children if g.dep_ == "pobj"]
    if ctype == "AID":
        recipients = datives + [g for p, g in preps if p in ("to", "for")]
        return recipients + [c for c in objs if c not in recipients] + \
            [g for p, g in preps if g not in recipients] + inner
    if ctype in ("ACCUSE", "PROTEST", "REJECT"):
        about = [g for p, g in preps if p in ABOUT_PREPS]
        return objs + about + [g for _, g in preps if g not in about] + inner
    return objs + [g for _, g in preps] + inner


def late_agent(head: Token) -> Token | None:
    """The agent of a passive verb that the parser attached lower down, after a comma: "X was accused of
    misusing funds, much of it embezzled, by officials" (the last "by" phrase of the clause, outside any
    nested passive that has its own subject)."""
    found: Token | None = None
    doc = head.doc
    # below the verb, or on a verb above it that the parser made its governor ("..., much of it believed
    # to have been embezzled, by officials" with "accused" parsed under "believed")
    nodes = list(head.subtree) + [c for a in list(head.ancestors)[:2] for c in a.children if c.i > head.i]
    for token in nodes:
        if token.head.i == head.i or token.i <= head.i or token.lower_ != "by" or token.dep_ not in ("agent", "prep"):
            continue
        pobj = next((g for g in token.children if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")), None)
        if pobj is not None and any(t.is_punct and t.text == "," for t in doc[head.i:token.i]):
            found = pobj
    return found


def purpose_targets(head: Token, trigger: Token) -> list[Token]:
    """The objects of a purpose clause ("opened fire to disperse demonstrators", "a strike to demand the
    resignation of X"): the party the act is aimed at when the act itself names none."""
    out: list[Token] = []
    for node in (head, trigger) if trigger.i != head.i else (head,):
        for clause in node.children:
            if clause.dep_ in ("advcl", "xcomp", "acl", "relcl") and clause.pos_ == "VERB" \
                    and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children):
                out.extend(c for c in clause.children if c.dep_ in ("dobj", "obj", "dative"))
    return out


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
            elif child.lower_ == "from" and ctype not in ("RETREAT", "SANCTION", "COERCE"):
                sources.append(pobj)  # "criticism from aid groups", "rocket fire from Gaza", "aid from Japan"
            elif child.lower_ in ("of", "on", "against", "with", "to", "from"):
                targets.append(pobj)  # "a withdrawal from Kabul", "the expulsion from ..." keep "from" a target
    return sources, targets


DEATH_VERBS = frozenset({"die", "perish", "succumb"})
CUSTODY_NOUNS = frozenset({"custody", "detention", "hands", "captivity", "jail", "prison", "cell"})


def death_parties(noun: Token) -> tuple[Token | None, Token | None]:
    """(victim, custodian) of a violent act named as the cause of a death: "a prisoner died as a result
    of torture while in police custody" -> (prisoner, custody: its modifiers name the custodian)."""
    verb = noun.head
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    if _lemma(verb) not in DEATH_VERBS:
        return None, None
    victim = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    custodian = None
    for prep in (*verb.children, *noun.children):
        if prep.dep_ == "prep" and prep.lower_ in ("in", "under"):
            custodian = next((g for g in prep.children if g.dep_ == "pobj" and _lemma(g) in CUSTODY_NOUNS),
                             custodian)
    return victim, custodian


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
    # a list ends in "and"/"or" before its last member; a bare comma is no list ("According to X, Russia")
    before = [doc[j].lower_ for j in range(max(sent_start, i - 2), i + 1)]
    if not {"and", "or"} & set(before):
        return found
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


# -- mentions of one event ---------------------------------------------------------------------------------------

def trigger_lemma(token: Token) -> str:
    return _lemma(token)


def has_own_arguments(noun: Token) -> bool:
    """Whether an event noun names its own parties ("Russia's invasion", "talks between X and Y", "the attack
    on the convoy"); a bare "the violence", "the negotiations" does not."""
    for child in noun.children:
        if child.dep_ == "poss" or (child.dep_ in ("amod", "compound") and child.ent_type_ in ("NORP", "ORG")):
            return True
        if child.dep_ == "prep" and child.lower_ in ("by", "between", "of", "on", "against", "with", "from"):
            return True
    return False


def is_definite(noun: Token) -> bool:
    """"the siege", "this attack", "the Mariupol siege": a noun that points back to a known event."""
    return any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those") for c in noun.children)


def names_place(noun: Token) -> bool:
    """Whether the noun's own phrase names a place ("the Istanbul negotiations", "talks in Geneva")."""
    for child in noun.children:
        if child.dep_ in ("compound", "amod", "nmod") and child.ent_type_ in ("GPE", "LOC", "FAC"):
            return True
        if child.dep_ == "prep" and child.lower_ in ("in", "at") and any(
                g.ent_type_ in ("GPE", "LOC", "FAC") for g in child.children if g.dep_ == "pobj"):
            return True
    return False


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
            if token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in NARRATIVE_MARKS
                                             for c in token.children):
                # "(said it will only take roubles) after ministers termed it unacceptable": the writer's
                # own account of what happened around the speech
                return None, None
            if token.dep_ in ("conj", "advcl") and lemma in _SPEECH_VERBS:
                # "said X after ministers termed it unacceptable", "said X and left": beside the speech,
                # not inside what was said
                return None, None
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


# Subordinators of a clause that narrates a separate event beside a reported one.
NARRATIVE_MARKS = frozenset({"after", "before", "since", "because", "until", "when", "while", "as"})
_SPEECH_VERBS = plover.REPORTING_VERBS | plover.CLAIM_VERBS | plover.DENIAL_VERBS
CONTRASTS = frozenset({"but", "however", "though", "although", "yet", "while"})


def _negated(cand: Candidate, head: Token) -> bool:
    """Negation of the event's own clause. A noun event is negated by "no" on it, or by a negated verb
    that predicates it ("talks did not take place", "did not launch an attack"), not by any negated verb it
    hangs from ("do not drown out the explosions": the explosions happened)."""
    if cand.kind == "noun":
        governor = head.head
        return is_negated(head) or (governor.i != head.i and is_negated(governor) and (
            head.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS or _lemma(governor) in plover.LIGHT_VERBS))
    chain = clause_chain(head)[:2]
    return any(is_negated(t) for t in chain) or any(c.lower_ == "yet" for c in head.children)


def _disputed(cand: Candidate, sent: Span) -> bool:
    """A dispute cue after a contrast that follows the event ("soldiers were leaving, but officials said it
    was a rotation meant to mislead"); a sentence-initial "However" links to the previous sentence."""
    cues = [t.i for t in sent if t.lower_ in plover.DISPUTE_CUES or t.lemma_.lower() in plover.DISPUTE_CUES]
    if not cues:
        return False
    contrasts = [t.i for t in sent if t.lower_ in CONTRASTS and t.i > sent.start]
    return any(cand.trigger.i < b < c for b in contrasts for c in cues)


def claim_status(cand: Candidate, sent: Span) -> str:
    """The event's claim status from its own clause and what governs it."""
    head = cand.head
    if cand.kind == "intent":
        head = cand.trigger if cand.trigger.pos_ in ("VERB", "ADJ", "AUX") else cand.head
    speech_verb = cand.report_cue if cand.kind == "speech" and cand.report_cue is not None else None
    if _negated(cand, speech_verb or head) and cand.type not in ("REJECT",):
        return "negated"
    # a demand read from "maintained that it will only ..." is the speech act itself: its status is that
    # of the speaking verb, not of what was said
    reporter, kind = reporting_governor(speech_verb or cand.head)
    if kind == "denied":
        return "denied"
    if cand.reporter is None and reporter is not None:
        cand.reporter, cand.report_cue = find_subject(reporter), reporter
    if cand.kind != "speech" and cand.type not in ("ACCUSE", "REJECT") and _disputed(cand, sent):
        return "disputed"
    if cand.status == "planned":
        return "planned"
    chain = clause_chain(speech_verb or head)[:2]
    own = {c.lower_ for t in chain for c in t.children}
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
    if cand.type not in ("ASSAULT", "REQUEST", "COERCE", "REJECT") or cand.kind == "speech":
        return
    if cand.type == "REJECT" and cand.mode != "defy":
        return
    head = cand.head
    subject = find_subject(head) if cand.kind != "noun" else None
    party = [subject] if subject is not None else []
    _, agent = passive_parts(head) if cand.kind != "noun" else (None, None)
    if agent is not None:
        party.append(agent)  # "was set ablaze by an angry mob"
    if cand.type == "ASSAULT" and _lemma(cand.trigger) in ("clash", "fight", "battle"):
        party += [g for c in head.children if c.dep_ == "prep" and c.lower_ == "with"
                  for g in c.children if g.dep_ == "pobj"]
    if cand.kind == "noun":
        party += [g for c in cand.trigger.children if c.dep_ == "prep" and c.lower_ in ("with", "by", "between")
                  for g in c.children if g.dep_ == "pobj"]
    # "hundreds of protesters", "crowds of demonstrators": the people are inside the quantity
    party += [g for t in party for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
              for g in c.children if g.dep_ == "pobj"]
    if any(_lemma(t) in plover.PROTESTER_NOUNS or t.lower_.rstrip("s") in plover.PROTESTER_NOUNS
           for t in expand_conjuncts(party)):
        if cand.type == "COERCE" and cand.mode != "destroy":
            return  # police arresting protesters stays COERCE; arrests by protesters are rare
        # violence or looting by a crowd is a riot; defying a ban, a demand: a demonstration
        cand.mode = "riot" if cand.type in ("ASSAULT", "COERCE") else "demo"
        cand.type = "PROTEST"


HARM_VERBS = frozenset({"kill", "injure", "wound", "die", "destroy", "maim", "hurt"})
# Blasts that are industrial accidents when their modifier says so ("a gas explosion", "a boiler blast").
ACCIDENTAL_BLASTS = frozenset({"gas", "boiler", "furnace", "factory", "chemical", "industrial", "mine", "pipeline",
                               "tanker", "cylinder", "kitchen", "fireworks", "firework", "plant"})


def accidental(cand: Candidate) -> bool:
    """A death or injury caused by a flood, fire, crash or disease is not an ASSAULT: the subject (also of
    the clause a participle hangs from: "an earthquake struck, killing two"), the passive agent or a
    "in/by/after a ..." phrase of the trigger names a hazard; or no one is named as doing it ("scores were
    injured after downpours sent flash floods") and the sentence names a hazard and nothing violent."""
    if cand.type != "ASSAULT":
        return False
    if _lemma(cand.trigger) in ("explosion", "blast", "explode") and any(
            _lemma(m) in ACCIDENTAL_BLASTS for m in cand.trigger.children if m.dep_ in ("compound", "amod", "nsubj")):
        return True  # "a gas explosion", "a boiler exploded"
    if _lemma(cand.trigger) not in HARM_VERBS:
        return False
    head = cand.head
    causes: list[Token] = []
    subject = find_subject(head, climb=head.dep_ in ("advcl", "conj", "xcomp"))
    if subject is not None:
        causes.append(subject)
    patient, agent = passive_parts(head)
    for child in head.children:
        if child.dep_ in ("agent", "prep") and child.lower_ in ("by", "in", "after", "during", "from"):
            causes.extend(g for g in child.children if g.dep_ == "pobj")
    for token in list(causes):
        causes.extend(t for t in token.children if t.dep_ == "compound")
    if any(_lemma(t) in plover.HAZARD_NOUNS for t in causes):
        return True
    if any(_lemma(t) in ("explosion", "blast", "fire") and any(_lemma(m) in ACCIDENTAL_BLASTS for m in t.children)
           for t in causes):
        return True
    if agent is not None or (patient is None and subject is not None and subject.pos_ != "NOUN"):
        return False
    if subject is not None and patient is None and _lemma(subject) not in plover.HAZARD_NOUNS:
        return False  # "gunmen killed five": someone did it
    lemmas = {_lemma(t) for t in head.sent}
    return bool(lemmas & (plover.HAZARD_NOUNS | plover.HAZARD_EVENTS)) and not lemmas & plover.VIOLENCE_CUES


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
