"""`sitrep_quotes`: direct, indirect and mixed quotes with their cue and resolved speaker.

Writes `doc._.quotes`, a list of `sitrep.model.Quote` in text order with ids Q1, Q2, ...

Method (rules over the dependency parse; no trained weights):

1. **Quote marks.** A single pass over each paragraph pairs opening and closing marks of every style
   (straight `"`, curly `“ ”`, low `„`, guillemets `« »`, curly single `‘ ’` at top level). It never
   refuses a text: a mark that has no partner is closed at the end of its paragraph (the newspaper
   convention for quotes that run on into the next paragraph), a second opener inside an open quote
   either closes it (when it sits where a closer would) or restarts it, and single marks nested
   inside double quotes are left alone.
2. **Cues.** A cue is a reporting or cognition verb from a general English lexicon (say, tell, add,
   describe, hail, term, deny, warn, ...), the preposition pair "according to", or a few multi-word
   verb phrases ("cast doubt on"). A cue inside a quotation is someone else's speech and is skipped.
3. **Content.** A cue's content is its clausal complement (`ccomp`, with its "that"), its `xcomp`
   ("promised to ..."), for "according to" the rest of the clause, and for verbs that take a
   nominal message ("described X as ...", "termed X ...") the object phrase when that phrase holds a
   quotation. A content that is wholly one quotation is a `direct` quote, one that holds quoted
   words is `mixed`, anything else is `indirect`.
4. **Quotations left over** (not inside any content) look for a cue through the parse: up the head
   chain from the quotation (fragments: 'calling the siege a "crime"'), or a parenthetical cue
   attached to the quotation ('"...," he said'), else the nearest cue in the same sentence. A
   paragraph-initial quotation with no cue continues the previous quote's speaker (news style for a
   speaker quoted over several paragraphs). Quoted fragments with no cue (scare quotes, titles) are
   not reported.
5. **Speaker.** The cue's `nsubj` (inherited through `conj`/`advcl`/`xcomp` chains when the cue
   verb has none, e.g. 'X ..., calling ...'), the passive agent, or the object of "according to";
   an appositive name replaces a bare title ('the deputy minister, Jane Doe'). The speaker's span is
   that local mention; its `name` and `actor_id` come from the actor it maps to
   (`sitrep.stages.actors.actor_at`): a pronoun ("he") maps to the last preceding person actor, a
   definite title ("the minister") to the last person introduced with that title, other phrases
   ("officials", "the US") keep their own text. An unresolved pronoun leaves the speaker null.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from sitrep.model import Quote, Speaker
from sitrep.model import Span as TextSpan
from sitrep.stages.actors import actor_at
from sitrep.stages.base import register_extension


def _words(block: str) -> frozenset[str]:
    """A lexicon written as a block of words (easier to read and extend than a list literal)."""
    return frozenset(block.split())


# Cues whose infinitive complement is the message ("promised to ...", "urged them to ..."); for the
# other cue verbs an xcomp is control ("agreed to reduce", "continued to fight"), not reported speech.
XCOMP_CUES: frozenset[str] = _words("""
promise pledge vow swear threaten warn urge ask call demand request encourage plead appeal beg
implore order instruct advise recommend refuse decline hope want wish plan intend seek vow offer
propose claim appear seem
""")

# Reporting, claiming and stance verbs (general English, by lemma). Cognition verbs ("believe",
# "think") count too: an attribution is any content ascribed to a source (PolNeAR's definition).
CUE_VERBS: frozenset[str] = XCOMP_CUES | _words("""
say tell add state claim assert insist argue contend maintain note observe remark comment explain
announce declare report reveal disclose confirm deny acknowledge admit concede allege accuse charge
warn caution threaten promise pledge vow vowed vow swear predict forecast estimate suggest propose
recommend urge call demand ask request question wonder reply respond retort answer counter rebut
write tweet post blog email text publish tell inform brief testify recall recount describe
characterize characterise term dub label brand hail praise laud applaud welcome commend criticize
criticise condemn denounce slam blast attack decry lament complain reject dismiss dispute refute
contradict doubt believe think feel know consider expect hope fear worry suspect agree disagree
conclude find show indicate suggest signal stress emphasize emphasise underline highlight point
mention cite quote joke muse concede boast brag vowed reiterate repeat continue conclude summarize
summarise imply hint predict guarantee assure reassure announce proclaim encourage plead appeal beg
implore insist order instruct advise recommend exclaim shout yell scream cry whisper mutter murmur
quip joke snap interject interrupt beam chime gush rave rant scoff sneer tease marvel acknowledge
concur caution opine pronounce proclaim
surmise speculate reckon posit theorize theorise react confide vent fume sigh laugh chuckle chant
growl bellow mock ridicule taunt reason
retaliate press
""")

# Cues whose nominal object carries the message when it holds quoted words ('described X as "..."').
NOMINAL_CUES: frozenset[str] = _words("""
describe characterize characterise term dub label brand call hail praise laud welcome criticize
criticise condemn denounce reject dismiss deny confirm announce cite promise pledge vow demand
""")

# Stance verbs whose object is what is attributed even without quotation marks ("criticized the
# plan", "denied the allegations"), as in PolNeAR's attribution guidelines.
OBJECT_CUES: frozenset[str] = _words("""
criticize criticise condemn denounce deny reject dismiss dispute endorse defend praise attack accuse
blame question announce confirm acknowledge admit propose demand predict
""")

# Prepositions that introduce the message after a cue ('called for a ban', 'warned of famine');
# verbs not listed take the default set.
_DEFAULT_PREPS = frozenset({"about", "against", "for", "of"})
PREP_CUES: dict[str, frozenset[str]] = {
    "point": frozenset({"to"}), "refer": frozenset({"to"}), "respond": frozenset({"to"}),
    "object": frozenset({"to"}), "advocate": frozenset({"for"}), "apologize": frozenset({"for"}),
    "apologise": frozenset({"for"}), "push": frozenset({"for"}), "campaign": frozenset({"for", "against"}),
    "rail": frozenset({"against"}), "speak": frozenset({"about", "against", "of", "on"}),
    "talk": frozenset({"about", "of"}), "comment": frozenset({"on"}), "say": frozenset(),
    "tell": frozenset({"about", "of"}), "write": frozenset({"about", "of"}), "ask": frozenset({"about", "for"}),
    "thank": frozenset(), "add": frozenset(), "continue": frozenset(), "agree": frozenset({"on"}),
}
# Prepositional objects that are where or how something was said, not what.
_NOT_MESSAGES = _words("""
statement interview interviews conference call speech tweet tweets post letter email rally event
appearance program show address briefing hearing debate meeting reporters years months weeks days
hours time times example instance
""")

# Verb + object + preposition idioms that report a stance ("cast doubt on the claims").
PHRASAL_CUES: dict[str, frozenset[str]] = {
    "cast": frozenset({"doubt"}),
    "put": frozenset({"doubt"}),
    "raise": frozenset({"doubt", "concern", "concerns", "question", "questions"}),
    "voice": frozenset({"concern", "concerns", "doubt", "doubts", "support", "opposition"}),
    "express": frozenset({"concern", "concerns", "doubt", "doubts", "hope", "optimism", "support", "regret"}),
    "make": frozenset({"clear"}),
}

# Nouns that name a person by office; "the minister said" resolves to the person introduced so.
TITLE_NOUNS: frozenset[str] = _words("""
minister president prime premier chancellor secretary spokesman spokeswoman spokesperson official
governor mayor senator congressman congresswoman representative ambassador envoy diplomat general
commander chief head leader director chairman chairwoman chair negotiator candidate nominee king
queen prince emir sheikh pope cardinal bishop judge prosecutor attorney lawyer adviser advisor aide
analyst expert professor doctor officer captain colonel lieutenant sergeant admiral marshal
""")

MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
NONPERSON = frozenset({"it", "its", "itself"})
PLURAL = frozenset({"they", "them", "their", "themselves"})
PRONOUNS = MALE | FEMALE | NONPERSON | PLURAL | frozenset({"i", "we", "you", "one"})

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Arcs through which a subject-less cue inherits its head verb's subject ("X said ... and added").
INHERIT_DEPS = frozenset({"conj", "advcl", "xcomp", "acl", "relcl", "pcomp", "prep", "ccomp", "parataxis"})
CONTENT_DEPS = frozenset({"ccomp", "xcomp"})


OPENERS_DOUBLE = "“„«"
CLOSERS_DOUBLE = "”»"
QUOTE_CHARS = frozenset(["\"", "“", "”", "„", "«", "»", "‘", "’", "'", "''", "``"])
_PARAGRAPH = re.compile(r"[^\n]+")
_MARKS = re.compile(r"''|``|[\"“”„«»‘]")
_SPACE_OR_OPEN = frozenset(" \t\u00a0([{—–-/")


@Language.factory(
    "sitrep_quotes",
    assigns=["doc._.quotes"],
    requires=["token.dep", "token.lemma", "doc.ents"],
    default_config={"max_continuation_paragraphs": 2, "keep_uncued_sentences": True},
)
def make_quotes(
    nlp: Language, name: str, max_continuation_paragraphs: int, keep_uncued_sentences: bool
) -> QuotesStage:
    return QuotesStage(
        nlp, name, max_continuation_paragraphs=max_continuation_paragraphs,
        keep_uncued_sentences=keep_uncued_sentences,
    )


@dataclass
class _Draft:
    """A quote under construction, in token and character coordinates."""

    start: int  # char offsets of the content
    end: int
    kind: str
    cue: Token | None = None
    cue_end: Token | None = None  # last token of a multi-word cue ("according to")
    speaker: SpacySpan | None = None
    quotes: list[tuple[int, int]] = field(default_factory=list)  # quotation marks spans inside


class QuotesStage:
    """Direct, indirect and mixed quotes with their cue and resolved speaker."""

    def __init__(
        self,
        nlp: Language,
        name: str = "sitrep_quotes",
        *,
        max_continuation_paragraphs: int = 2,
        keep_uncued_sentences: bool = True,
    ) -> None:
        self.name = name
        self.max_continuation_paragraphs = max_continuation_paragraphs
        self.keep_uncued_sentences = keep_uncued_sentences
        register_extension("article")
        register_extension("actors")
        register_extension("quotes")

    def __call__(self, doc: Doc) -> Doc:
        """Find quotations and attributions in `doc`; set `doc._.quotes` (text order, ids Q1...)."""
        doc._.quotes = self.extract(doc)
        return doc

    # ------------------------------------------------------------------ pipeline of one doc
    def extract(self, doc: Doc) -> list[Quote]:
        text = doc.text  # Doc.text joins every token: read it once
        marks = find_quotations(text)
        in_quote = _token_quote_index(doc, marks)
        drafts = self._attributions(doc, text, marks, in_quote)
        drafts.extend(self._leftover_quotations(doc, text, marks, in_quote, drafts))
        drafts.sort(key=lambda d: (d.start, d.end))
        return self._finish(doc, text, drafts, marks)

    def _attributions(self, doc: Doc, text: str, marks: list[tuple[int, int]], in_quote: list[int]) -> list[_Draft]:
        """Cue-driven attributions: each cue with its content span."""
        drafts: list[_Draft] = []
        seen: set[tuple[int, int]] = set()
        for token in doc:
            if in_quote[token.i] >= 0:
                continue  # reported speech inside a quotation belongs to the quoted person
            draft = None
            if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                draft = _according_to(doc, token)
            elif token.lemma_.lower() in CUE_VERBS and _is_cue(token, in_quote):
                draft = _verb_attribution(token, in_quote, marks)
            elif token.pos_ == "VERB" and token.lemma_.lower() in PHRASAL_CUES:
                draft = _phrasal_attribution(token)
            if draft is None:
                continue
            # the parser sometimes links clauses across paragraphs; an attribution never does
            para_start = text.rfind("\n", 0, token.idx) + 1
            para_end = text.find("\n", token.idx)
            if para_end < 0:
                para_end = len(text)
            draft.start, draft.end = max(draft.start, para_start), min(draft.end, para_end)
            while draft.end > draft.start and text[draft.end - 1].isspace():
                draft.end -= 1
            while draft.start < draft.end and text[draft.start].isspace():
                draft.start += 1
            if draft.end - draft.start < 2:
                continue
            key = (draft.start, draft.end)
            if key in seen:
                continue
            seen.add(key)
            draft.quotes = [m for m in marks if m[0] < draft.end and m[1] > draft.start]
            # a quotation cut by the parse ('as "significant,"' loses its closing mark) is taken whole
            for qs, qe in draft.quotes:
                draft.start, draft.end = min(draft.start, qs), max(draft.end, qe)
            draft.kind = _kind(text, draft.start, draft.end, draft.quotes)
            drafts.append(draft)
        return drafts

    def _leftover_quotations(
        self, doc: Doc, text: str, marks: list[tuple[int, int]], in_quote: list[int], drafts: list[_Draft]
    ) -> list[_Draft]:
        """Quotations not inside any attribution's content: find their cue, or continue a speaker."""
        covered = [(d.start, d.end) for d in drafts]
        out: list[_Draft] = []
        for qi, (qs, qe) in enumerate(marks):
            if any(s <= qs + 1 and qe - 1 <= e for s, e in covered):
                continue
            span = doc.char_span(qs, qe, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            cue = _cue_for_quotation(doc, text, span, in_quote, qi)
            if cue is None and _starts_paragraph(text, qs):
                cue = _cue_before_colon(doc, text, span, in_quote)
            opens_sentence = _starts_paragraph(text, qs) or span.start == span.sent.start
            whole = opens_sentence or _is_sentence_like(span)
            if cue is None and not (opens_sentence and whole and self.keep_uncued_sentences):
                continue  # a scare quote or a title inside a sentence, not speech
            draft = _Draft(start=qs, end=qe, kind="direct" if whole else "mixed", cue=cue, quotes=[(qs, qe)])
            if cue is not None:
                draft.speaker = _speaker_of_cue(cue, in_quote)
                draft.cue_end = cue
            out.append(draft)
        return out

    def _finish(self, doc: Doc, text: str, drafts: list[_Draft], marks: list[tuple[int, int]]) -> list[Quote]:
        """Resolve speakers to actors, continue speakers over uncued paragraphs, give ids."""
        quotes: list[Quote] = []
        # the previous cued quotation's speaker (possibly unknown) and its paragraph number
        last: tuple[Speaker | None, int] = (None, -10**6)
        paragraph, counted_to = 0, 0
        for draft in drafts:
            speaker = _resolve_speaker(doc, draft.speaker, marks) if draft.speaker is not None else None
            gap = text.count("\n\n", counted_to, draft.start) or text.count("\n", counted_to, draft.start)
            paragraph += gap
            counted_to = draft.start
            if draft.cue is None and speaker is None:
                # an uncued quotation continues the speaker quoted just before it: in the same
                # paragraph ('"A," she said. "B."'), or opening one of the next paragraphs
                same = paragraph == last[1]
                near = (_starts_paragraph(text, draft.start)
                        and paragraph - last[1] <= self.max_continuation_paragraphs)
                if same or near:
                    speaker = last[0]
            cue = None
            if draft.cue is not None:
                end_token = draft.cue_end if draft.cue_end is not None else draft.cue
                cue = TextSpan(text=text[draft.cue.idx:end_token.idx + len(end_token)],
                               start=draft.cue.idx, end=end_token.idx + len(end_token))
            quotes.append(Quote(
                id=f"Q{len(quotes) + 1}", text=text[draft.start:draft.end], start=draft.start,
                end=draft.end, kind=draft.kind, speaker=speaker, cue=cue,
            ))
            if draft.cue is not None:
                last = (speaker, paragraph)
        return quotes


# ---------------------------------------------------------------------- quotation marks
def find_quotations(text: str) -> list[tuple[int, int]]:
    """Character spans (marks included) of every top-level quotation in `text`, in order.

    Copes with any mark style and with unbalanced marks: never raises, an unclosed quotation ends
    with its paragraph.
    """
    spans: list[tuple[int, int]] = []
    for match in _PARAGRAPH.finditer(text):
        spans.extend(_paragraph_quotations(text, match.start(), match.end()))
    return spans


def _paragraph_quotations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    open_at = -1  # start of the open double quotation
    open_char = ""
    skip_to = start  # past the end of a single-quoted span already taken
    for match in _MARKS.finditer(text, start, end):
        i = match.start()
        if i < skip_to:
            continue
        mark = match.group()
        # typewriter pairs: `` opens, '' is a straight double mark (PTB and some wire copy)
        ch = "“" if mark == "``" else '"' if mark == "''" else mark
        width = len(mark)
        if ch == "‘":
            if open_at < 0:
                close = _single_close(text, i, end)
                if close > 0:
                    spans.append((i, close))
                    skip_to = close
            continue
        before = text[i - 1] if i > start else " "
        after = text[i + width] if i + width < end else " "
        looks_open = i == start or before in _SPACE_OR_OPEN or before in "“‘\"'"
        looks_close = not before.isspace() and (not after.isalnum() or i + width == end)
        if open_at < 0:
            if ch in CLOSERS_DOUBLE and not (ch == "»" and looks_open):
                continue  # a stray closer: nothing is open
            open_at, open_char = i, ch
            continue
        closes = (
            ch in CLOSERS_DOUBLE
            or (ch == '"' and (looks_close or not looks_open))
            or (ch in "“„" and looks_close and not looks_open)
            or (ch == "«" and open_char == "»")
        )
        if closes:
            if i - open_at > 1:
                spans.append((open_at, i + width))
            open_at = -1
        else:
            open_at, open_char = i, ch  # the earlier opener had no closer: restart here
    if open_at >= 0:
        stop = end
        while stop > open_at + 1 and text[stop - 1].isspace():
            stop -= 1
        if stop - open_at > 2:
            spans.append((open_at, stop))
    return spans


def _single_close(text: str, i: int, end: int) -> int:
    """End (exclusive) of a top-level ‘single-quoted’ span opened at i, or -1 if it is not one."""
    before = text[i - 1] if i > 0 else " "
    if not (before in _SPACE_OR_OPEN or before == "\n" or i == 0):
        return -1
    j = text.find("’", i + 1, min(end, i + 400))
    while j > 0:
        after = text[j + 1] if j + 1 < end else " "
        if not after.isalnum() and not text[j - 1].isspace():
            return j + 1
        j = text.find("’", j + 1, min(end, i + 400))
    return -1


def _token_quote_index(doc: Doc, marks: list[tuple[int, int]]) -> list[int]:
    """For each token, the index of the quotation holding it (marks excluded), else -1."""
    index = [-1] * len(doc)
    qi = 0
    for token in doc:
        while qi < len(marks) and marks[qi][1] <= token.idx:
            qi += 1
        if qi < len(marks) and marks[qi][0] < token.idx and token.idx + len(token) < marks[qi][1]:
            index[token.i] = qi
    return index


def _starts_paragraph(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    return j < 0 or text[j] == "\n"


def _is_sentence_like(span: SpacySpan) -> bool:
    """A quotation that holds a full clause with its subject, or several sentences."""
    inner = [t for t in span if not t.is_punct]
    if len(inner) < 4:
        return False
    return any(t.dep_ in SUBJECT_DEPS for t in inner) and any(t.pos_ in ("VERB", "AUX") for t in inner)


# ---------------------------------------------------------------------- cues and contents
def _subtree_bounds(token: Token) -> tuple[int, int]:
    return token.left_edge.i, token.right_edge.i


def _trim(doc: Doc, first: int, last: int) -> tuple[int, int] | None:
    """Character bounds of tokens first..last without edge punctuation (quote marks kept)."""
    while first <= last and (doc[first].is_space or (doc[first].is_punct and doc[first].text not in QUOTE_CHARS)):
        first += 1
    while last >= first and (doc[last].is_space or (doc[last].is_punct and doc[last].text not in QUOTE_CHARS)):
        last -= 1
    # a lone closing mark at the start or opening mark at the end belongs elsewhere
    while first <= last and doc[first].text in "”»’":
        first += 1
    while last >= first and doc[last].text in "“„«‘":
        last -= 1
    if first > last:
        return None
    return doc[first].idx, doc[last].idx + len(doc[last])


def _kind(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> str:
    """`direct` when one quotation fills the content, `mixed` when quoted words are inside."""
    if not quotes:
        return "indirect"
    inside = sum(min(end, e) - max(start, s) for s, e in quotes if min(end, e) > max(start, s))
    content = sum(1 for ch in text[start:end] if not ch.isspace())
    quoted = inside - sum(1 for s, e in quotes for ch in text[max(s, start):min(e, end)] if ch.isspace())
    return "direct" if content and quoted / content >= 0.9 else "mixed"


def _verb_attribution(cue: Token, in_quote: list[int], marks: list[tuple[int, int]]) -> _Draft | None:
    """A cue verb's content: its clausal complement, else a quoted nominal message."""
    doc = cue.doc
    lemma = cue.lemma_.lower()
    complements = [
        c for c in cue.children if c.dep_ == "ccomp" or (c.dep_ == "xcomp" and lemma in XCOMP_CUES)
    ]
    if not complements and (lemma in NOMINAL_CUES or lemma in OBJECT_CUES):
        # 'described the talks as "significant"': the object phrase counts only with quoted words
        nominal = [c for c in cue.children if c.dep_ in ("dobj", "prep", "oprd", "attr", "dative") and c.i > cue.i]
        if nominal:
            first = min(c.left_edge.i for c in nominal)
            last = max(c.right_edge.i for c in nominal)
            if lemma in OBJECT_CUES or any(in_quote[i] >= 0 for i in range(first, last + 1)):
                complements = nominal
    if not complements:
        # 'called for a ban', 'warned of a crisis', 'spoke out against the plan'
        for prep in cue.children:
            preps = PREP_CUES.get(lemma, _DEFAULT_PREPS)
            if prep.dep_ == "prep" and prep.i > cue.i and prep.lower_ in preps and (
                lemma in CUE_VERBS or lemma in PREP_CUES
            ):
                pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
                if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME") and pobj.lower_ not in _NOT_MESSAGES:
                    complements = [pobj]
                    break
    if not complements:
        # parenthetical cue: '"...," he said' parses as said -> parataxis/ccomp of the quoted verb
        head = cue.head
        if cue.dep_ in ("parataxis", "ccomp", "advcl") and head.i != cue.i and head.i < cue.i:
            # the reported clause around the cue: 'A, he said, B' or 'A, he said.'
            first, last = _subtree_bounds(head)
            first = max(first, cue.sent.start)
            last = min(last, cue.sent.end - 1)
            if cue.right_edge.i >= last:
                last = cue.left_edge.i - 1
            if cue.dep_ == "advcl" and not any(c.dep_ == "nsubj" for c in cue.children):
                return None  # 'fought back, saying': a participle, handled through its own complement
            bounds = _trim(doc, first, last)
            if bounds is None:
                return None
            return _Draft(start=bounds[0], end=bounds[1], kind="", cue=cue, speaker=_speaker_of_cue(cue, in_quote))
        return None
    if cue.dep_ == "aux" or (cue.pos_ == "AUX" and lemma not in ("say", "tell")):
        return None
    first = min(c.left_edge.i for c in complements)
    last = max(c.right_edge.i for c in complements)
    if first <= cue.i <= last and cue.left_edge.i <= first:
        return None
    # 'Many of the closures, he said, have involved ...': the cue sits inside its content
    bounds = _trim(doc, first, last)
    if bounds is None:
        return None
    speaker = _speaker_of_cue(cue, in_quote)
    if speaker is None and all(c.dep_ == "xcomp" for c in complements):
        return None
    return _Draft(start=bounds[0], end=bounds[1], kind="", cue=cue, speaker=speaker)


def _according_to(doc: Doc, according: Token) -> _Draft | None:
    """'According to X, Y' -> content Y (the clause around the phrase), speaker X."""
    to = doc[according.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    phrase_first = according.i
    phrase_last = pobj.right_edge.i
    sent = according.sent
    # the clause the phrase modifies: the head verb's subtree, minus the phrase itself
    anchor = according.head if according.head.i != according.i else sent.root
    first, last = _subtree_bounds(anchor)
    first, last = max(first, sent.start), min(last, sent.end - 1)
    if phrase_first <= first:
        first = phrase_last + 1
    elif phrase_last >= last:
        last = phrase_first - 1
    else:
        # phrase in the middle: take the longer side (the clause proper)
        if phrase_first - first > last - phrase_last:
            last = phrase_first - 1
        else:
            first = phrase_last + 1
    bounds = _trim(doc, first, last)
    if bounds is None:
        return None
    speaker = _noun_phrase(pobj)
    return _Draft(start=bounds[0], end=bounds[1], kind="", cue=according, cue_end=to, speaker=speaker)


def _phrasal_attribution(verb: Token) -> _Draft | None:
    """'cast doubt on the claims': the verb + stance noun is the cue, the prepositional object the content."""
    nouns = PHRASAL_CUES[verb.lemma_.lower()]
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "ccomp", "oprd", "acomp") and c.lower_ in nouns), None)
    if obj is None:
        return None
    content = [c for c in verb.children if c.i > obj.i and c.dep_ in ("prep", "ccomp")]
    content += [c for c in obj.children if c.dep_ in ("prep", "acl", "ccomp")]
    if not content:
        return None
    first = min(c.left_edge.i for c in content)
    last = max(c.right_edge.i for c in content)
    if content[0].dep_ == "prep" and content[0].i == first and first == last - 0:
        return None
    # the preposition belongs to the cue ('cast doubt on'), the rest is the content
    if verb.doc[first].pos_ == "ADP":
        first += 1
    bounds = _trim(verb.doc, first, last)
    if bounds is None:
        return None
    return _Draft(start=bounds[0], end=bounds[1], kind="", cue=verb, cue_end=obj, speaker=_speaker_of_cue(verb))


def _cue_for_quotation(doc: Doc, text: str, span: SpacySpan, in_quote: list[int], qi: int) -> Token | None:
    """The cue a quotation hangs on: up the head chain, or a parenthetical cue attached to it."""
    inside = set(range(span.start, span.end))
    # 1. up the head chain from the quotation's own roots ('calling the siege a "crime"')
    for token in span:
        head, steps = token.head, 0
        if head.i in inside:
            continue
        while steps < 6 and head.i not in inside:
            if _is_cue(head, in_quote) and _same_paragraph(text, head.idx, span):
                return head
            if head.head.i == head.i:
                break
            head, steps = head.head, steps + 1
    # 2. a cue outside any quotation whose head lies inside this one ('"...," he said')
    # the sentences of the quotation's first and last words (a closing mark may start the next one)
    inner = [t for t in span if t.text not in QUOTE_CHARS] or list(span)
    sent_first = inner[0].sent.start
    sent_last = inner[-1].sent.end
    # '"Is it?" she asked.' : the parser ends the sentence at '?"', so the cue opens the next one;
    # 'Stated Stone:' ends the previous one before the quotation
    if sent_last < len(doc) and sent_last - span.end <= 1:
        sent_last = min(len(doc), sent_last + 6)
    if sent_first > 0 and span.start - sent_first <= 1 and doc[sent_first - 1].text in (":", ","):
        sent_first = doc[sent_first - 1].sent.start
    window = range(max(sent_first, span.start - 12), min(sent_last, span.end + 12))
    candidates = [
        t for t in window
        if t not in inside and in_quote[t] < 0
        and _is_cue(doc[t], in_quote)
        and _same_paragraph(text, doc[t].idx, span)
        and not _has_own_content(doc[t], span)
    ]
    for t in candidates:
        if doc[t].head.i in inside or any(c.i in inside for c in doc[t].children):
            return doc[t]
    # 3. the nearest cue right next to the quotation, with no other quotation in between
    near = [t for t in candidates if (0 <= span.start - t <= 6) or (0 <= t - span.end <= 6)]
    near = [t for t in near if not any(in_quote[j] >= 0 for j in range(min(t, span.end), max(t, span.start)))]
    if near:
        return doc[min(near, key=lambda t: min(abs(t - span.start), abs(t - span.end)))]
    return None


def _same_paragraph(text: str, pos: int, span: SpacySpan) -> bool:
    """No line break between character `pos` and the span."""
    if pos < span.start_char:
        return "\n" not in text[pos:span.start_char]
    return "\n" not in text[span.end_char:pos]


def _has_own_content(cue: Token, span: SpacySpan) -> bool:
    """Whether the cue reports another clause ('The mayor said the bridge was open'), not this quotation."""
    for child in cue.children:
        if child.dep_ == "ccomp" and (child.right_edge.i < span.start or child.left_edge.i >= span.end):
            return True
    return False


def _cue_before_colon(doc: Doc, text: str, span: SpacySpan, in_quote: list[int]) -> Token | None:
    """'He told the crowd:' closing the previous paragraph introduces the quotation opening this one."""
    j = span.start_char - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    if j < 0 or text[j] != ":":
        return None
    colon = doc.char_span(j, j + 1, alignment_mode="expand")
    if colon is None:
        return None
    first = max(colon.start - 25, colon[0].sent.start)
    for i in range(colon.start - 1, first - 1, -1):
        if _is_cue(doc[i], in_quote):
            return doc[i]
    return None


def _is_cue(token: Token, in_quote: list[int]) -> bool:
    if in_quote[token.i] >= 0 or token.dep_ in ("aux", "amod") or token.pos_ not in ("VERB", "AUX"):
        return False
    if token.i > 0 and token.doc[token.i - 1].text == "-":
        return False  # 'so-called', 'self-described': a modifier, not a report
    lemma = token.lemma_.lower()
    if lemma in CUE_VERBS:
        return True
    # "shot back", "fired back", "hit back": retorts
    return lemma in ("shoot", "fire", "hit", "push", "write") and any(c.lower_ == "back" for c in token.children)


# ---------------------------------------------------------------------- speakers
def _speaker_of_cue(cue: Token, in_quote: list[int] | None = None) -> SpacySpan | None:
    """The source of a cue: its subject (inherited along conj/advcl chains), or a passive agent;
    failing those (a garbled parse), the nearest named or pronoun subject before the cue in its
    sentence, outside quotations."""
    found = _subject_through_parse(cue)
    if found is not None and found is not False and in_quote is not None and in_quote[found.root.i] >= 0:
        found = False  # a "subject" inside the quotation is a misparse: the speaker stands outside
    if found is not False:
        return found
    doc = cue.doc
    if in_quote is not None:
        # '"...," Briggs said' / '"...," said Briggs': a name or pronoun right beside the cue
        for i in (cue.i - 1, cue.i + 1, cue.i - 2, cue.i + 2):
            if 0 <= i < len(doc) and in_quote[i] < 0 and doc[i].sent == cue.sent:
                token = doc[i]
                if not (token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or token.lower_ in MALE | FEMALE | PLURAL):
                    continue
                head = _entity_head(token)
                if i > cue.i and head.dep_ != "nsubj" and not (
                    head.i + 1 >= len(doc) or doc[head.i + 1].is_punct
                ):
                    continue  # after the cue only an inverted subject ('said Briggs.'), not an object
                return _noun_phrase(head)
    for i in range(cue.i - 1, cue.sent.start - 1, -1):
        token = cue.doc[i]
        if in_quote is not None and in_quote[i] >= 0:
            continue
        if token.dep_ == "nsubj" and (
            token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or token.pos_ in ("PRON", "PROPN")
        ):
            return _noun_phrase(token)
    return None


def _entity_head(token: Token) -> Token:
    """The last token of the entity holding `token` (its syntactic head in English names)."""
    doc = token.doc
    i = token.i
    while token.ent_iob_ in ("B", "I") and i + 1 < len(doc) and doc[i + 1].ent_iob_ == "I":
        i += 1
    return doc[i]


def _subject_through_parse(cue: Token) -> SpacySpan | bool | None:
    """The subject found along the parse, None if the source is known to be unnamed, False if the
    parse gave no answer."""
    token, steps = cue, 0
    while steps < 4:
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "csubj")), None)
        if subject is None and token.dep_ != "xcomp":
            agent = next((c for c in token.children if c.dep_ == "agent"), None)
            if agent is not None:
                subject = next((c for c in agent.children if c.dep_ == "pobj"), None)
            elif token is cue and any(c.dep_ == "nsubjpass" for c in token.children):
                return None  # "they were asked to leave": the asker is not named
        if subject is None and token.dep_ == "acl" and token.head.pos_ in ("NOUN", "PROPN"):
            # 'a statement saying ...': the statement is the source's proxy; keep its noun phrase
            return _noun_phrase(token.head)
        if subject is not None:
            if subject.lower_ in ("that", "which", "who") and token.dep_ == "relcl":
                return _noun_phrase(token.head)
            return _noun_phrase(subject)
        if token.dep_ not in INHERIT_DEPS or token.head.i == token.i:
            return False
        token, steps = token.head, steps + 1
    return False


def _noun_phrase(head: Token) -> SpacySpan:
    """The mention of a source: its head with left modifiers and compounds, not clauses or appositions.

    A bare title with an appositive name ('the deputy minister, Jane Doe') gives the name.
    """
    doc = head.doc
    if head.ent_type_ not in ("PERSON", "ORG") and head.pos_ != "PRON":
        appos = next((c for c in head.children if c.dep_ == "appos" and c.ent_type_ in ("PERSON", "ORG")), None)
        if appos is not None:
            head = appos
    first = head.i
    for child in head.lefts:
        if child.dep_ in ("punct", "cc", "conj", "appos", "relcl", "acl", "prep"):
            continue
        first = min(first, child.left_edge.i)
    last = head.i
    for child in head.rights:
        if child.dep_ in ("compound", "flat", "nmod") or (child.ent_type_ and child.ent_iob_ == "I"):
            last = max(last, child.right_edge.i)
        else:
            break
    # keep entity names whole even if the parse split them
    if head.ent_iob_ in ("B", "I"):
        for ent_first in range(head.i, -1, -1):
            if doc[ent_first].ent_iob_ == "B":
                first = min(first, ent_first)
                break
        ent_last = head.i
        while ent_last + 1 < len(doc) and doc[ent_last + 1].ent_iob_ == "I":
            ent_last += 1
        last = max(last, ent_last)
    while first < head.i and (doc[first].is_punct or doc[first].text in QUOTE_CHARS or "\n" in doc[first].text):
        first += 1
    for i in range(head.i - 1, first - 1, -1):
        if "\n" in doc[i].text_with_ws:  # a mention never spans paragraphs
            first = i + 1
            break
    return doc[first:last + 1]


def _resolve_speaker(doc: Doc, mention: SpacySpan, marks: list[tuple[int, int]]) -> Speaker | None:
    """Map a local source mention to a Speaker: pronoun and title antecedents, actor names."""
    head = mention.root
    text = mention.text
    lower = head.lower_
    if lower in PRONOUNS:  # personal pronouns; "some", "others", "many" keep their own text below
        if lower in MALE or lower in FEMALE:
            actor = _previous_actor(doc, mention.start_char, ("person",), marks=marks)
        elif lower in NONPERSON or lower in PLURAL:
            actor = _previous_subject_actor(doc, head) or _previous_actor(
                doc, mention.start_char, None, window=600, marks=marks
            )
        else:
            actor = None
        if actor is None:
            return None  # an unresolved pronoun is an unknown speaker
        return Speaker(name=actor.name, actor_id=actor.id, start=mention.start_char, end=mention.end_char)
    # the head word (with compounds) decides which actor this is: "Ukraine's general staff" is not Ukraine
    head_first = head.i
    while head_first > 0 and doc[head_first - 1].dep_ == "compound" and doc[head_first - 1].head.i == head.i:
        head_first -= 1
    actor = actor_at(doc, doc[head_first].idx, head.idx + len(head))
    if actor is None and lower in TITLE_NOUNS and mention[0].lower_ == "the" and head.ent_type_ == "":
        actor = _titled_person(doc, lower, mention.start_char)
        if actor is not None:
            return Speaker(name=actor.name, actor_id=actor.id, start=mention.start_char, end=mention.end_char)
    if actor is not None and getattr(actor, "kind", None) == "person":
        return Speaker(name=actor.name, actor_id=actor.id, start=mention.start_char, end=mention.end_char)
    if actor is None:
        actor = actor_at(doc, mention.start_char, mention.end_char)
    name = _clean(text)
    if not name:
        return None
    return Speaker(name=name, actor_id=actor.id if actor else None, start=mention.start_char, end=mention.end_char)


def _clean(text: str) -> str:
    text = text.strip(" ,.;:\"'“”‘’«»")
    for article in ("the ", "The "):
        if text.startswith(article) and text[4:5].isupper():
            return text[4:]
    return text


def _inside(marks: list[tuple[int, int]], start: int) -> bool:
    """Whether character `start` lies within one of the (sorted) quotation spans."""
    k = bisect.bisect_right(marks, (start, 1 << 62)) - 1
    return k >= 0 and marks[k][0] < start < marks[k][1]


def _previous_actor(
    doc: Doc, pos: int, kinds: Iterable[str] | None, window: int = 2000,
    marks: list[tuple[int, int]] | None = None,
):
    """The actor whose mention ends last before `pos` (within `window` chars): of the kinds given,
    or (kinds None) any actor that is not a person ("it", "they" stand for groups and states)."""
    wanted = tuple(kinds) if kinds is not None else None
    best = None
    best_end = -1
    for actor in doc._.actors or []:
        kind = getattr(actor, "kind", None)
        if (kind not in wanted) if wanted is not None else kind == "person":
            continue
        for mention in actor.mentions:
            if best_end < mention.end <= pos and pos - mention.end <= window:
                if marks and _inside(marks, mention.start):
                    continue  # people named inside a quotation are talked about, not talking
                if mention.text.lower() in PRONOUNS:
                    continue  # only a name is an antecedent (the actors stage may list pronouns too)
                best, best_end = actor, mention.end
    return best


def _previous_subject_actor(doc: Doc, pronoun: Token):
    """For "it"/"they": the non-person actor that was the subject of this or one of the two
    previous sentences (subjects are the likeliest antecedents), latest first."""
    sent = pronoun.sent
    first = sent.start
    for _ in range(2):
        if first == 0:
            break
        first = doc[first - 1].sent.start
    for i in range(pronoun.i - 1, first - 1, -1):
        token = doc[i]
        if token.dep_ not in ("nsubj", "nsubjpass") or token.pos_ == "PRON":
            continue
        actor = actor_at(doc, token.idx, token.idx + len(token))
        if actor is not None and getattr(actor, "kind", None) != "person":
            return actor
    return None


def _titled_person(doc: Doc, title: str, pos: int):
    """The last person actor before `pos` introduced with `title` next to a mention."""
    best = None
    best_end = -1
    text = doc.text
    for actor in doc._.actors or []:
        if getattr(actor, "kind", None) != "person":
            continue
        for mention in actor.mentions:
            if mention.end > pos or mention.end <= best_end:
                continue
            context = text[max(0, mention.start - 60):mention.end + 60].lower()
            if re.search(rf"\b{re.escape(title)}\b", context):
                best, best_end = actor, mention.end
    return best
