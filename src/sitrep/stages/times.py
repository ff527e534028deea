"""`sitrep_times`: time expressions detected and normalised to TIMEX3 values.

Writes `doc._.times`: one `sitrep.model.Time` per expression (DATE, TIME, DURATION, SET) with its
character span, its TIMEX3 `value` anchored on the publication date (DCT), a `precision` and a TIMEX3
`mod`. The rule grammar lives in `timex_grammar.py` (one tested unit per rule family) and the calendar
arithmetic in `timex_calendar.py`; this module adds what only the parse can tell: the tense of the verb
that governs a bare weekday or month (direction), whether a four-digit number is a year or a count,
spaCy's DATE/TIME entities as a second detection signal, and the event-date helper the events stage calls.
"""

from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Doc, Token

from sitrep.errors import Warnings
from sitrep.model import EventDate, Time
from sitrep.stages import timex_grammar as grammar
from sitrep.stages.base import doc_text, publication_date, register_extension

# Verbs after which an infinitive or a passive points ahead: "plans to meet Tuesday", "is due Tuesday".
FUTURE_CUES = frozenset({
    "be", "plan", "expect", "schedule", "due", "set", "intend", "hope", "want", "aim", "promise", "prepare", "go",
    "agree", "vow", "pledge", "threaten", "propose", "seek", "wish", "try", "decide", "ask", "call", "urge",
    "slate", "likely", "poise", "ready", "about", "to",
})
# Present-tense verbs that report the past ("police say the attack happened Tuesday" reads as past).
REPORTING = frozenset({"say", "tell", "report", "confirm", "claim", "state", "announce", "accuse", "add",
                       "note", "write", "insist", "deny", "admit", "show", "reveal", "suggest", "believe"})
FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo", "would", "'d", "might", "may", "should", "must",
                        "can", "ca"})
AHEAD = frozenset({"plan", "schedule", "slate", "expect", "due"})
# Verbs that move something to a later time: "extended the deadline until Tuesday" looks ahead, but
# "extended the talks Friday" does not, so they need "until"/"to"/"till" before the expression.
DEFER = frozenset({"postpone", "delay", "extend", "defer", "adjourn", "reschedule", "push", "move", "set", "give",
                   "grant"})
# Verbs whose simple present names a timetabled event ("the trial opens Monday").
SCHEDULED = frozenset({"start", "begin", "open", "close", "end", "arrive", "leave", "depart", "meet", "visit",
                       "hold", "host", "return", "resume", "expire", "launch", "travel", "fly", "convene", "reconvene",
                       "kick", "take", "face", "play", "sit", "vote", "go", "head", "attend", "tour"})
PAST_AUX = frozenset({"was", "were", "had", "did", "'d"})
# Present states that look ahead, by word form: the small model lemmatises "slated" as "slat", and
# "due" is an adjective the copula governs ("results are due Friday", "elections are slated for May").
AHEAD_STATES = frozenset({"due", "slated", "scheduled", "set", "expected", "poised", "planned"})
# Nouns a year may modify when it is a count, not a date ("2000 troops"): any plural noun that is not
# itself about time.
TIME_NOUNS = frozenset({"election", "elections", "budget", "budgets", "olympics", "games", "results",
                        "earnings", "figures", "levels", "sales", "profits", "talks", "accords", "census",
                        "rules", "standards", "models", "estimates", "forecasts", "guidelines", "riots"})
PRECISIONS = {"day": "day", "week": "week", "month": "month", "quarter": "year", "half": "year",
              "season": "year", "year": "year", "decade": "year", "century": "year"}
_VALUE_SHAPES = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}"), "day"),
    (re.compile(r"^\d{4}-W\d{2}-WE"), "days"),
    (re.compile(r"^\d{4}-W\d{2}"), "week"),
    (re.compile(r"^\d{4}-\d{2}$"), "month"),
    (re.compile(r"^\d{4}(?:-(?:Q\d|H\d|SP|SU|FA|WI))?$"), "year"),
)


@Language.factory(
    "sitrep_times",
    assigns=["doc._.times"],
    requires=["token.dep", "token.tag"],
    # Entities off by default: the ones the rules miss are mostly stretches the gold values differently
    # (measured on the TimeBank+AQUAINT development files, value F1 0.8320 off vs 0.8305 on).
    default_config={"use_entities": False},
)
def make_times(nlp: Language, name: str, use_entities: bool) -> TimesStage:
    return TimesStage(nlp, name, use_entities=use_entities)


class TimesStage:
    """Time expressions detected and normalised to TIMEX3 values, anchored on the publication date.

    nlp (Language): the pipeline (unused; kept for the factory signature).
    name (str): the component name.
    use_entities (bool): also keep spaCy DATE/TIME entities in plural units that no rule matched.
    """

    def __init__(self, nlp: Language, name: str = "sitrep_times", *, use_entities: bool = False) -> None:
        self.name = name
        self.use_entities = use_entities
        self.grammar = grammar.build_grammar()  # compiled once per process, shared by every instance
        register_extension("article")
        register_extension("times")

    def __call__(self, doc: Doc) -> Doc:
        """Find, normalise and store the document's time expressions in `doc._.times`."""
        dct = publication_date(doc)
        text = doc_text(doc)
        ctx = grammar.Context(dct=dct, direction=lambda start, end: direction(doc, start, end, text))
        matches = grammar.find(text, self.grammar, guard=lambda family, start, end: _keep(doc, family, start, end),
                               ctx=ctx)
        found = grammar.resolve_all(text, matches, ctx)
        if self.use_entities:
            found = _add_entities(doc, found)
        doc._.times = [_to_time(text, timex) for timex in found]
        _note(doc, dct, ctx)
        return doc


def _to_time(text: str, timex: grammar.Timex) -> Time:
    return Time(text=text[timex.start:timex.end], start=timex.start, end=timex.end, type=timex.type,
                value=timex.value, precision=precision_of(timex.value, timex.type), anchored=timex.anchored,
                mod=timex.mod)


def precision_of(value: str | None, type_: str = "DATE") -> str | None:
    """UCDP-style precision of a TIMEX3 value: day, days (2-6 days), week, month, year; None otherwise."""
    if not value or type_ in ("DURATION", "SET"):
        return None
    for pattern, precision in _VALUE_SHAPES:
        if pattern.match(value):
            return precision
    return None


# -- what the parse adds ---------------------------------------------------------------------------------------

def _keep(doc: Doc, family: str, start: int, end: int) -> bool:
    """Refuse a four-digit number that counts things ("2000 troops") rather than naming a year."""
    if family not in ("year", "season"):  # "prices fall 1998 points": a season word before a count
        return True
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return True
    token = next((t for t in reversed(span) if t.like_num), None)
    if token is None:
        return True
    if token.ent_type_ in ("MONEY", "PERCENT", "QUANTITY"):
        return False
    head = token.head
    return not (token.dep_ == "nummod" and head.tag_ in ("NNS", "NNPS") and head.lower_ not in TIME_NOUNS)


def direction(doc: Doc, start: int, end: int, text: str | None = None) -> str | None:
    """"past" or "future" for a time expression, from the tense of the verb that governs it.

    text (str): `doc.text`, passed in by callers that have it (`Doc.text` rebuilds the string each time).
    """
    text = doc_text(doc) if text is None else text
    if AHEAD_CUE.search(text, max(0, start - 16), start):
        return "future"
    if SAID_CUE.search(text, max(0, start - 24), start):
        return "past"  # "..., the minister said Friday": the date of the saying, whatever the quote says
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    token: Token = span.root
    if token.dep_ in ("poss", "compound") and token.head.pos_ in ("NOUN", "PROPN"):
        # "Friday's purchases", "a June agreement": the date belongs to the noun's event, whose time the
        # clause's verb does not tell ("is continuing to sell itself under a June agreement").
        return None
    until = UNTIL_CUE.search(text, max(0, start - 24), start) is not None
    tense = None
    # Climb the head chain to the first verb; the chain ends at the sentence root, so no `span.sent`
    # (which walks the whole document) is needed.
    for _ in range(64):
        if token.pos_ in ("VERB", "AUX"):
            if until and token.lemma_ in DEFER:
                return "future"
            tense = _tense(token)
            if tense is None and until and token.tag_ in ("VBZ", "VBP") and token.lemma_ not in REPORTING:
                return "future"  # "parliament is in recess until Jan. 12": a present state lasting until then
            if tense is None and token.tag_ == "VBG" and token.dep_ in ("advcl", "acl", "prep", "pcomp") \
                    and not any(c.dep_ in ("aux", "auxpass") for c in token.children) and token.head.i != token.i:
                # A bare participle has no tense of its own: "will be closed for two weeks starting Monday"
                # takes the tense of the clause it hangs on.
                token = token.head
                continue
            break
        if token.head.i == token.i:
            break
        token = token.head
    if tense is None and BY_CUE.search(text, max(0, start - 4), start):
        return "future"  # "a plan to repay the loan by February": "by" sets a deadline, ahead unless a tense says
    return tense


def _tense(verb: Token, depth: int = 0) -> str | None:
    auxes = {child.lower_ for child in verb.children if child.dep_ in ("aux", "auxpass")}
    if "have" in auxes and (auxes & FUTURE_AUX or "could" in auxes):
        return "past"  # "could have met Tuesday"
    if "could" in auxes and _negated(verb):
        return "past"  # a negated "could" is a past "can": "could not be reached Tuesday"
    if "could" in auxes:
        return "future"  # "the vote could come Tuesday"
    if auxes & FUTURE_AUX or verb.lower_ in FUTURE_AUX:
        return "future"
    if verb.lemma_ in AHEAD and verb.tag_ not in ("VBD", "VBN"):
        return "future"  # "plans a rally Saturday" (but "planned ... Saturday" may be either: tense decides)
    if "going" in auxes or (verb.lower_ == "going" and any(c.dep_ == "xcomp" for c in verb.children)):
        return "future"
    if auxes & PAST_AUX:
        return "past"
    tag = verb.tag_
    if tag == "VBD":
        return "past"
    if tag == "VB" and "to" in auxes and depth < 2:
        # "was due to open Friday" is past; "plans to meet Friday" looks ahead.
        head = verb.head
        if head.i == verb.i:
            return None
        if verb.dep_ != "xcomp":
            # Only a complement takes its direction from the verb it completes; an infinitive subject or
            # relative ("the first countries to join on Friday were ...") follows its own clause's tense.
            return _tense(head, depth + 1) if verb.dep_ in ("advcl", "ccomp") else None
        copula = head.head if head.pos_ == "ADJ" and head.dep_ == "acomp" else head
        head_auxes = {child.lower_ for child in copula.children if child.dep_ in ("aux", "auxpass")}
        if "had" in head_auxes or (copula is not head and copula.tag_ == "VBD"):
            return "past"  # "had been due to open Friday", "was due to expire Friday"
        if head.lemma_ in FUTURE_CUES:
            return "future"
        return _tense(head, depth + 1)
    if tag == "VBN":
        if auxes & {"has", "have", "'s", "'ve"}:
            return "past"
        if auxes & {"is", "are", "am", "be", "'re"}:
            return "future" if verb.lemma_ in FUTURE_CUES or verb.lower_ in AHEAD_STATES else None
        return "past"
    if tag == "VBG":
        if auxes & {"is", "are", "am", "'re", "'m"}:
            return "future"
        return None
    if tag in ("VBZ", "VBP"):
        # News present tense mostly reports ("police say", "comes after Tuesday's vote"): no direction,
        # unless the verb itself looks ahead ("plans a rally Saturday"); a bare "is" does not.
        # A timetable verb in the simple present is a schedule: "the talks start Thursday", "the
        # president arrives Friday" (progressive and reporting presents are handled above and below).
        if verb.lemma_ == "be" and any(c.dep_ == "acomp" and c.lower_ in AHEAD_STATES for c in verb.children):
            return "future"  # "the results are due Friday"
        return "future" if verb.lemma_ in AHEAD or verb.lemma_ in SCHEDULED else None
    if tag == "JJ" and verb.lemma_ in FUTURE_CUES:
        return "future"
    return None


def _negated(verb: Token) -> bool:
    """ "could not be reached", "Neither he nor his aides could be located"."""
    for child in verb.children:
        if child.dep_ == "neg":
            return True
        if child.dep_ in ("nsubj", "nsubjpass") and any(t.lower_ in ("neither", "no", "nobody", "none")
                                                         for t in child.subtree):
            return True
    return False


PLURAL_UNIT = re.compile(r"(?i)\b(hour|day|week|month|year|decade)s\b")
DURATION_CODES = {"hour": "H", "day": "D", "week": "W", "month": "M", "year": "Y", "decade": "DE"}
UNTIL_CUE = re.compile(r"(?i)\b(?:until|till|to|through)\s+(?:\S+\s+){0,3}$")
SAID_CUE = re.compile(r"\b(?:said|told|announced|reported|added|stated|confirmed|declared)\s+(?:\w+\s+)?"
                      r"(?:on\s+)?$")
BY_CUE = re.compile(r"(?i)\bby\s+$")
AHEAD_CUE = re.compile(r"(?i)\b(?:as\s+(?:early|soon)\s+as|from\s+now\s+(?:to|until|till|through)"
                       r"|between\s+now\s+and)\s+$")
TEMPORAL_WORD = re.compile(
    r"(?i)\b(?:day|days|week|weeks|month|months|year|years|decade|decades|century|hour|hours|minute|minutes"
    r"|morning|afternoon|evening|night|season|spring|summer|autumn|fall|winter|weekend|\d{4}|\d{1,2}:\d{2})\b")


def _add_entities(doc: Doc, found: list[grammar.Timex]) -> list[grammar.Timex]:
    """spaCy's DATE/TIME entities that no rule matched and that name a stretch of time in plural units
    ("the first hours", "the weeks before the vote"): kept as vague durations (`PTXH`, `PXW`).

    Only entities with a plainly temporal word are considered: the small model labels ages and counts as DATE.
    """
    spans = [(t.start, t.end) for t in found]
    extra: list[grammar.Timex] = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if any(ent.start_char < e and s < ent.end_char for s, e in spans):
            continue
        if not TEMPORAL_WORD.search(ent.text) or "old" in ent.text.lower():
            continue
        plural = PLURAL_UNIT.search(ent.text)
        if plural:  # "the years after the war", "the first hours": a stretch of unknown length
            code = DURATION_CODES[plural.group(1).lower()]
            value = f"PTX{code}" if code in ("H", "MIN") else f"PX{code}"
            extra.append(grammar.Timex(ent.start_char, ent.end_char, "DURATION", value, "entity"))
        # Entities the rules cannot normalise are left out: on TimeBank+AQUAINT they add a little span
        # recall but, without a value, lower value F1 (measured: 0.795 with them, 0.805 without).
    if not extra:
        return found
    return sorted(found + extra, key=lambda t: t.start)


def _note(doc: Doc, dct: dt.date | None, ctx: grammar.Context) -> None:
    """Coded notes on the article: bad or missing publication date, impossible calendar dates."""
    article = doc._.article if Doc.has_extension("article") else None
    if article is None:
        return
    notes = article.notes
    if dct is None:
        if article.published:
            notes.append(Warnings.W222.format(article=article.id, value=article.published))
        if ctx.unresolved:
            notes.append(Warnings.W220.format(article=article.id, count=ctx.unresolved))
    elif dct > dt.date.today() + dt.timedelta(days=1) and not any(n.startswith("[W101]") for n in notes):
        notes.append(Warnings.W223.format(article=article.id, value=article.published))
    for timex in ctx.impossible:
        notes.append(Warnings.W221.format(article=article.id, text=doc.text[timex.start:timex.end],
                                          start=timex.start, end=timex.end))


# -- event dates --------------------------------------------------------------------------------------------

def event_date(doc: Doc, start: int, end: int) -> EventDate:
    """The date of an event whose clause or trigger lies between character offsets `start` and `end`:
    the governing time expression (same clause or attached phrase), else the publication date with a
    lower precision. The events stage calls this.

    Preference: a DATE/TIME expression inside [start, end); else one in the same sentence whose
    syntactic head chain reaches the trigger; else the nearest one in the sentence that is not in a
    different clause; else the publication date (precision "article").
    """
    published = publication_date(doc)
    fallback = EventDate(value=published.isoformat() if published else None, text=None,
                         precision="article" if published else None)
    # Relative expressions left unresolved (no publication date) still govern their clause: the event
    # then gets their text and no value, rather than a date borrowed from another clause.
    times: list[Time] = [t for t in (doc._.times or []) if t.type in ("DATE", "TIME")
                         and ((t.value and t.value[:1].isdigit()) or not t.anchored)]
    if not times:
        return fallback
    trigger = doc.char_span(start, end, alignment_mode="expand")
    if trigger is None or len(trigger) == 0:
        return fallback
    inside = [t for t in times if start <= t.start and t.end <= end]
    root = trigger.root
    while root.head.i != root.i:  # the sentence root, without `span.sent` (which walks the whole doc)
        root = root.head
    sent_start = root.left_edge.idx
    sent_end = root.right_edge.idx + len(root.right_edge.text)
    in_sent = [t for t in times if sent_start <= t.start and t.end <= sent_end]
    candidates = inside or in_sent
    if not candidates:
        return fallback
    anchor = trigger.root
    best: Time | None = None
    best_score = 1e9
    for time in candidates:
        span = doc.char_span(time.start, time.end, alignment_mode="expand")
        if span is None:
            continue
        score = abs(span.root.i - anchor.i)
        if _governs(anchor, span.root):
            score -= 1000  # the time hangs off the trigger's own clause
        elif _clause_head(span.root) is not _clause_head(anchor):
            score += 100
        if score < best_score:
            best, best_score = time, score
    if best is None:
        return fallback
    if not best.anchored:
        return EventDate(value=None, text=best.text, precision=None)
    return EventDate(value=best.value, text=best.text, precision=best.precision or precision_of(best.value))


def _clause_head(token: Token) -> Token:
    """The verb heading the clause that `token` belongs to."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def _governs(head: Token, token: Token) -> bool:
    """True if `token` hangs (through at most a few arcs) from `head` without crossing another verb."""
    for _ in range(6):
        if token.i == head.i:
            return True
        if token.head.i == token.i:
            return False
        token = token.head
        if token.pos_ == "VERB" and token.i != head.i:
            return False
    return False
