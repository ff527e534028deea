"""`sitrep_quotes`: direct, indirect and mixed quotes with their cue and resolved speaker.

Writes `doc._.quotes`, a list of `sitrep.model.Quote` in text order with ids Q1, Q2, ...

Method (rules over the dependency parse; no trained weights):

1. **Quote marks.** A single pass over each paragraph pairs opening and closing marks of every style
   (straight `"`, curly `“ ”`, low `„`, guillemets `« »`, curly single `‘ ’` at top level). It never
   refuses a text: a mark that has no partner is closed at the end of its paragraph (the newspaper
   convention for quotes that run on into the next paragraph), a second opener inside an open quote
   either closes it (when it sits where a closer would) or restarts it, and single marks nested
   inside double quotes are left alone, and so is a quotation in the other style ('"... “Equal
   Justice” ..."').
2. **Cues.** A cue is a reporting or cognition verb from a general English lexicon (say, tell, add,
   describe, hail, term, deny, warn, ...), the preposition pair "according to", or a few multi-word
   verb phrases ("cast doubt on"). A cue inside a quotation is someone else's speech and is skipped.
3. **Content.** A cue's content is its clausal complement (`ccomp`, with its "that"), its `xcomp`
   ("promised to ..."), for "according to" the rest of the clause, and for verbs that take a
   nominal message ("described X as ...", "termed X ...") the object phrase when that phrase holds a
   quotation. A content that is wholly one quotation is a `direct` quote, one that holds quoted
   words is `mixed`, anything else is `indirect`.
4. **Quotations left over** (not inside any content) look for a cue: first a cue with its own
   subject right after the closing mark ('"...?" asked Dunn', '"...," Ann Lee, an aide, said' --
   news puts the attribution there whatever the parse says), then up the head chain from the
   quotation (fragments: 'calling the siege a "crime"'), a parenthetical cue attached to the
   quotation, or the nearest cue in the same sentence; then what introduces it: a colon after a
   clause ('X said:', 'X issued this statement:', a bare 'Jane Roe:'), a signature line after it
   ('- Jane Roe, Springfield.'), or a sentence just before it that reports nothing itself ('X told
   reporters on Monday.'). A paragraph-initial quotation with no cue continues the previous quote's
   speaker (news style for a speaker quoted over several paragraphs). Quoted fragments with no cue
   (scare quotes, titles) are not reported.
5. **Speaker.** The cue's `nsubj` in the cue's own paragraph (inherited through `conj`/`advcl`/
   `xcomp` chains when the cue verb has none, e.g. 'X ..., calling ...', never across a paragraph
   break the parser bridged), the passive agent, the subject of "is quoted as saying", the object
   of "according to", the issuer of a message noun ('she released a statement saying'); after a
   quotation, the inverted subject ('"...," said retired colonel X') or the phrase between the
   mark and the cue ('"...," X, 58, told ...') when the parse lost it; an appositive name replaces
   a bare title ('the deputy minister, Jane Doe'). The speaker's span is that local mention; its
   `name` and `actor_id` come from the actor it maps to (`sitrep.stages.actors.actor_at`): a
   pronoun ("he") maps to the last preceding person actor, preferring one whose honorific or role
   noun agrees ("Mrs.", "spokeswoman"); "it" to the last non-group actor or, failing that, a
   document or organisation noun ("the letter"); a relative pronoun ("who") to its antecedent; a
   definite title ("the minister") to the last person introduced with that title; other phrases
   ("officials", "the US", "one of the aides") keep their own text. An unresolved pronoun leaves
   the speaker null.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from sitrep.model import Actor, Quote, Speaker
from sitrep.model import Span as TextSpan
from sitrep.stages.actors import actor_at, actor_gender
from sitrep.stages.base import FEMALE_PRONOUNS, MALE_PRONOUNS, doc_text, register_extension, word_set
from sitrep.stages.quotation_marks import (
    QUOTE_CHARS,
    quotations,
    token_quote_index,
)

# Cues whose infinitive complement is the message ("promised to ...", "urged them to ..."); for the
# other cue verbs an xcomp is control ("agreed to reduce", "continued to fight"), not reported speech.
XCOMP_CUES: frozenset[str] = word_set("""
promise pledge vow swear threaten warn urge ask call demand request encourage plead appeal beg
implore order instruct advise recommend refuse decline hope want wish plan intend seek vow offer
propose claim appear seem
""")

# Reporting, claiming and stance verbs (general English, by lemma). Cognition verbs ("believe",
# "think") count too: an attribution is any content ascribed to a source (PolNeAR's definition).
CUE_VERBS: frozenset[str] = XCOMP_CUES | word_set("""
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
retaliate press echo remember bark holler elaborate chide scold riff
""")

# Verbs that report words only right beside a quotation ('"Vote now," the sign read'): elsewhere
# they are not speech ("she read the report").
QUOTATION_CUES: frozenset[str] = word_set("read")

# Cues whose nominal object carries the message when it holds quoted words ('described X as "..."').
NOMINAL_CUES: frozenset[str] = word_set("""
describe characterize characterise term dub label brand call hail praise laud welcome criticize
criticise condemn denounce reject dismiss deny confirm announce cite promise pledge vow demand
""")

# Stance verbs whose object is what is attributed even without quotation marks ("criticized the
# plan", "denied the allegations"), as in PolNeAR's attribution guidelines.
OBJECT_CUES: frozenset[str] = word_set("""
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
_NOT_MESSAGES = word_set("""
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

# Nouns for what "it" may stand for when it speaks without being an actor: documents and media
# ("'...,' it read" after "the letter") and organisations the actors stage may not list.
SOURCE_NOUNS: frozenset[str] = word_set("""
statement letter email memo report ad advertisement commercial video sign message note post tweet
editorial release document filing website site page poll survey study campaign company committee
group agency department ministry government court paper newspaper magazine network station book
column article transcript caption banner placard poster flyer leaflet petition resolution bill
complaint lawsuit motion brief ruling order decision verdict opinion notice press
""")

# Nouns that name a person by office; "the minister said" resolves to the person introduced so.
TITLE_NOUNS: frozenset[str] = word_set("""
minister president prime premier chancellor secretary spokesman spokeswoman spokesperson official
governor mayor senator congressman congresswoman representative ambassador envoy diplomat general
commander chief head leader director chairman chairwoman chair negotiator candidate nominee king
queen prince emir sheikh pope cardinal bishop judge prosecutor attorney lawyer adviser advisor aide
analyst expert professor doctor officer captain colonel lieutenant sergeant admiral marshal
""")

NONPERSON = frozenset({"it", "its", "itself"})
PLURAL = frozenset({"they", "them", "their", "themselves"})
PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS | NONPERSON | PLURAL | frozenset({"i", "we", "you", "one"})

RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
# Passive verbs whose subject is the one speaking in "X was quoted as saying", "X was heard saying".
_REPORTED_AS = frozenset({"quote", "hear", "overhear", "record", "film", "catch", "see", "report", "cite"})
# Indefinite pronouns that stand for an unnamed source and keep their own text ("another said").
_INDEFINITE_SOURCES = frozenset({"one", "another", "others", "some", "someone", "somebody", "many", "few",
                                 "several", "both", "all", "each"})

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Arcs through which a subject-less cue inherits its head verb's subject ("X said ... and added").
INHERIT_DEPS = frozenset({"conj", "advcl", "xcomp", "acl", "relcl", "pcomp", "prep", "ccomp", "parataxis"})
CONTENT_DEPS = frozenset({"ccomp", "xcomp"})




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
        text = doc_text(doc)
        marks = quotations(doc)
        in_quote = token_quote_index(doc, marks)
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
            if draft.cue is not None and draft.quotes:
                # a quotation with a cue of its own after it ('— "Why?" asked Dunn') is not part of
                # this content: end the content before it, or drop it when nothing is left
                owned = next((m for m in draft.quotes if m[0] > draft.cue.idx and _opens_clause(text, m[0])
                              and _quotation_has_own_cue_chars(doc, m, in_quote)), None)
                if owned is not None:
                    draft.end = owned[0]
                    while draft.end > draft.start and (text[draft.end - 1].isspace()
                                                       or text[draft.end - 1] in ",:;—–-"):
                        draft.end -= 1
                    if draft.end - draft.start < 2:
                        continue
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
            speaker = _speaker_of_cue(cue, in_quote) if cue is not None else None
            if cue is None:
                introducer = _colon_introducer(doc, text, span, in_quote)
                if introducer is not None:
                    cue, speaker = introducer
                else:
                    speaker = _dash_signature(doc, text, qe, in_quote)
            if cue is None and speaker is None:
                # 'Lee said in a statement. "We are ready."': a cue with no content of its own
                cue = _bare_cue_before(doc, text, span, in_quote)
                speaker = _speaker_of_cue(cue, in_quote) if cue is not None else None
            opens_sentence = _starts_paragraph(text, qs) or span.start == span.sent.start
            whole = opens_sentence or _is_sentence_like(span) or (speaker is not None and cue is None)
            if cue is None and speaker is None and not (opens_sentence and whole and self.keep_uncued_sentences):
                continue  # a scare quote or a title inside a sentence, not speech
            draft = _Draft(start=qs, end=qe, kind="direct" if whole else "mixed", cue=cue, quotes=[(qs, qe)])
            draft.speaker = speaker
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
            speaker = _resolve_speaker(doc, text, draft.speaker, marks) if draft.speaker is not None else None
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
            anchored = draft.cue is not None or draft.speaker is not None
            if anchored and (speaker is not None or draft.kind != "indirect"):
                # an indirect report with an unknown source (a clause inside a description) does
                # not take over from the speaker being quoted
                last = (speaker, paragraph)
        return quotes


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
    if cue.i < first and _quotation_has_own_cue(doc, first, last, in_quote):
        return None  # 'Moscow denies — "Why?" asked Dunn': the quotation belongs to the cue after it
    # 'Many of the closures, he said, have involved ...': the cue sits inside its content
    speaker = _speaker_of_cue(cue, in_quote)
    if cue.i > last:
        # '"...," Ann Lee, a senior aide, said': the parser may hang the speaker inside the
        # reported clause; the content ends with the quotation, the speaker follows it
        closing = _closing_mark(doc, first, last, in_quote)
        if closing is not None:
            between = _np_at(doc, closing + 1 + (doc[closing + 1].text == ","), cue.i, in_quote)
            if between is not None:
                last = closing
                if speaker is None or speaker.start <= closing:
                    speaker = between
    bounds = _trim(doc, first, last)
    if bounds is None:
        return None
    if speaker is None and all(c.dep_ == "xcomp" for c in complements):
        return None
    return _Draft(start=bounds[0], end=bounds[1], kind="", cue=cue, speaker=speaker)


def _opens_clause(text: str, pos: int) -> bool:
    """Whether a quotation at `pos` stands on its own: after a paragraph start, a full stop, a colon,
    a semicolon or a dash, not as a fragment inside a clause ('called it "a disgrace"')."""
    j = pos - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    return j < 0 or text[j] in "\n.:;—–-?!"


def _quotation_has_own_cue_chars(doc: Doc, mark: tuple[int, int], in_quote: list[int]) -> bool:
    span = doc.char_span(mark[0], mark[1], alignment_mode="expand")
    return span is not None and len(span) > 1 and _quotation_has_own_cue(doc, span.start, span.end - 1, in_quote)


def _quotation_has_own_cue(doc: Doc, first: int, last: int, in_quote: list[int]) -> bool:
    """Whether tokens first..last are one quotation followed right away by a cue of its own
    ('"...?" asked Dunn', '"...," Dunn said')."""
    j = first + (doc[first].text in QUOTE_CHARS)
    if j > last or in_quote[j] < 0:
        return False
    qi = in_quote[j]
    end = j
    while end + 1 < len(doc) and in_quote[end + 1] == qi:
        end += 1
    if end + 1 < last:
        return False  # the content goes on after the quotation
    k = end + 1
    while k < len(doc) and k <= end + 3 and (doc[k].is_punct or doc[k].text in QUOTE_CHARS):
        k += 1
    for t in range(k, min(len(doc), k + 12)):
        if "\n" in doc[t].text or in_quote[t] >= 0:
            return False
        if _is_cue(doc[t], in_quote):
            return _cue_with_own_subject(doc[t], in_quote)
        if doc[t].pos_ in ("VERB", "AUX") and doc[t].dep_ != "amod":
            return False
    return False


def _cue_with_own_subject(cue: Token, in_quote: list[int]) -> bool:
    """Whether a cue right after a quotation has its own subject ('"...," said Dunn', '"...," Dunn
    said'), not a participle going on from an earlier cue ('"...," adding ...')."""
    if cue.tag_ == "VBG":
        return False
    if _inverted_subject(cue, in_quote) is not None:
        return True
    return _subject_after_quotation(cue, in_quote) is not None


def _closing_mark(doc: Doc, first: int, last: int, in_quote: list[int]) -> int | None:
    """The token index of the mark closing a quotation that opens tokens first..last and ends
    before `last`, with words after it; None if the range does not open with a quotation."""
    if in_quote[first] >= 0:
        j = first  # the parse left the opening mark out of the clause
    elif first + 1 <= last and in_quote[first + 1] >= 0 and doc[first].text in QUOTE_CHARS:
        j = first + 1
    else:
        return None
    qi = in_quote[j]
    while j <= last and in_quote[j] == qi:
        j += 1
    while j <= last and doc[j].is_punct and doc[j].text not in QUOTE_CHARS:
        j += 1  # punctuation split off before the closing mark
    if j >= last or doc[j].text not in QUOTE_CHARS:
        return None
    return j


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
    # 0. a cue with its own subject right after the closing mark ('"...?" asked Dunn', '"...!" the
    # nominee, Jane Roe, tweeted'): news puts the attribution there, whatever the parse says
    after = _cue_right_after(doc, span, in_quote)
    if after is not None:
        return after
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


def _cue_right_after(doc: Doc, span: SpacySpan, in_quote: list[int]) -> Token | None:
    """The first verb after a quotation (within 25 tokens, same paragraph), if it is a cue with its own
    subject: inverted right after the mark, or a noun phrase between the mark and the cue."""
    for t in range(span.end, min(len(doc), span.end + 25)):
        if in_quote[t] >= 0 or "\n" in doc[t].text:
            return None
        if _is_cue(doc[t], in_quote):
            if t - span.end <= 2 and _inverted_subject(doc[t], in_quote) is not None and doc[t].tag_ != "VBG":
                return doc[t]
            mention = _subject_after_quotation(doc[t], in_quote)
            if mention is not None and mention.start - span.end <= 2:
                return doc[t]
            return None
        if doc[t].pos_ in ("VERB", "AUX") and doc[t].dep_ != "amod":
            return None
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


def _colon_introducer(
    doc: Doc, text: str, span: SpacySpan, in_quote: list[int]
) -> tuple[Token | None, SpacySpan | None] | None:
    """What introduces a quotation that follows a colon, as (cue, speaker mention); None if no colon.

    'He told the crowd:' (a cue verb and its subject); 'He then listed his reasons:' or 'The
    campaign issued this statement:' (the clause's verb, when its subject is a person, an actor or
    a pronoun); 'Jane Roe, pollster:' or '- Jane Roe:' (no verb: the name before the colon).
    """
    j = span.start_char - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    if j < 0 or text[j] != ":":
        return None
    colon = doc.char_span(j, j + 1, alignment_mode="expand")
    if colon is None or colon.start == 0:
        return None
    c = colon.start
    para_start = text.rfind("\n", 0, j) + 1
    first = max(c - 25, colon[0].sent.start)
    while first < c and doc[first].idx < para_start:
        first += 1
    for i in range(c - 1, first - 1, -1):
        if _is_cue(doc[i], in_quote):
            return doc[i], _speaker_of_cue(doc[i], in_quote)
    verb = colon[0].head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and first <= verb.head.i < c:
        verb = verb.head  # 'issued the following statement:' hangs the colon on the noun
    if verb.pos_ in ("VERB", "AUX") and first <= verb.i < c and in_quote[verb.i] < 0:
        subject = next((t for t in verb.children if t.dep_ == "nsubj"), None)
        if subject is not None and (
            subject.lower_ in MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL | NONPERSON
            or subject.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
            or subject.lower_ in TITLE_NOUNS
            or actor_at(doc, subject.idx, subject.idx + len(subject)) is not None
        ):
            return verb, _noun_phrase(subject)
        return None
    last = doc[c - 1]
    if last.ent_type_ in ("PERSON", "ORG") and not any(doc[i].pos_ in ("VERB", "AUX") for i in range(first, c)):
        ent_first = last.i
        while ent_first > first and doc[ent_first].ent_iob_ == "I":
            ent_first -= 1
        return None, doc[ent_first:c]
    return None


def _bare_cue_before(doc: Doc, text: str, span: SpacySpan, in_quote: list[int]) -> Token | None:
    """The cue of the sentence right before a quotation, in the same paragraph, when that sentence
    reports nothing itself ('Lee told reporters on Monday.', 'Lee said in a statement.')."""
    if span.start == 0:
        return None
    prev = doc[span.start - 1].sent
    if prev.start >= span.start or any(in_quote[t.i] >= 0 or t.text in QUOTE_CHARS for t in prev):
        return None
    if "\n" in text[prev.start_char:span.start_char]:
        return None
    for token in prev:
        if _is_cue(token, in_quote) and token.dep_ == "ROOT" and not _has_message(token):
            return token
    return None


def _has_message(cue: Token) -> bool:
    """Whether a cue verb has its own message: a clause, or an object other than the addressee of
    "tell"/"ask" and other than "this"/"so" pointing at what follows."""
    for child in cue.children:
        if child.dep_ in ("ccomp", "xcomp", "parataxis"):
            return True
        if child.dep_ == "dobj" and cue.lemma_ not in ("tell", "ask") and child.lower_ not in ("this", "so", "it"):
            return True
    return False


def _dash_signature(doc: Doc, text: str, end: int, in_quote: list[int]) -> SpacySpan | None:
    """A signature line after a quotation ('"...." / - Jane Roe, mayor.'): the name after the dash
    on the short line that follows the closing mark."""
    j = end
    while j < len(text) and text[j] in " \t\u00a0\n" and j - end < 6:
        j += 1
    if j >= len(text) or text[j] not in "-–—":
        return None
    line_end = text.find("\n", j)
    line_end = len(text) if line_end < 0 else line_end
    if line_end - j > 160:
        return None
    line = doc.char_span(j, line_end, alignment_mode="expand")
    if line is None or len(line) < 2:
        return None
    i = line.start
    while i < line.end and doc[i].is_punct:
        i += 1
    mention = _np_at(doc, i, line.end, in_quote)
    if mention is None or not any(t.ent_type_ in ("PERSON", "ORG") or t.pos_ == "PROPN" for t in mention):
        return None
    return mention


def _is_cue(token: Token, in_quote: list[int]) -> bool:
    if in_quote[token.i] >= 0 or token.dep_ in ("aux", "amod") or token.pos_ not in ("VERB", "AUX"):
        return False
    if token.i > 0 and token.doc[token.i - 1].text == "-":
        return False  # 'so-called', 'self-described': a modifier, not a report
    lemma = token.lemma_.lower()
    if lemma in CUE_VERBS:
        return True
    if lemma in QUOTATION_CUES or (lemma == "go" and any(c.dep_ == "prt" and c.lower_ == "on" for c in token.children)):
        # '"...," the email read' / 'he went on: "..."': cues only right beside a quotation
        return (_follows_quotation(token, in_quote) or _precedes_quotation(token, in_quote)
                or _subject_after_quotation(token, in_quote) is not None)
    # "shot back", "fired back", "hit back": retorts
    return lemma in ("shoot", "fire", "hit", "push", "write") and any(c.lower_ == "back" for c in token.children)


def _precedes_quotation(token: Token, in_quote: list[int]) -> bool:
    """Whether a quotation opens right after the token ('read: "...', 'went on, "...')."""
    doc = token.doc
    i = token.i + 1
    while i < len(doc) and (doc[i].dep_ == "prt" or doc[i].text in (",", ":")):
        i += 1
    return i + 1 < len(doc) and doc[i].text in QUOTE_CHARS and in_quote[i + 1] >= 0


# ---------------------------------------------------------------------- speakers
def _speaker_of_cue(cue: Token, in_quote: list[int] | None = None) -> SpacySpan | None:
    """The source of a cue: its subject (inherited along conj/advcl chains), or a passive agent;
    failing those (a garbled parse), the nearest named or pronoun subject before the cue in its
    sentence, outside quotations."""
    found = _subject_through_parse(cue)
    if found is not None and found is not False and in_quote is not None and in_quote[found.root.i] >= 0:
        found = False  # a "subject" inside the quotation is a misparse: the speaker stands outside
    if in_quote is not None and (found is False or found is None or found.root.i < cue.i - 1):
        # '"...," said a retired surgeon, asked about ...': news inverts subject and cue after a
        # quotation, and the parser often reads that subject as an object or loses it
        inverted = _inverted_subject(cue, in_quote) if cue.tag_ != "VBG" else None
        if inverted is not None and (
            found is False or found is None or in_quote[found.root.i] >= 0
            or (found.root.head.i != cue.i and _between_quotation_and_cue(found, cue, in_quote))
        ):
            # a participle ('..., calling the siege a "crime"') keeps the subject it inherits
            return inverted
    if found is not False:
        return found
    doc = cue.doc
    if in_quote is not None:
        # '"...," Ann Lee, 58, said': the parser lost the subject between the quotation and the cue
        between = _subject_after_quotation(cue, in_quote)
        if between is not None:
            return between
        # '"...," Briggs said' / '"...," said Briggs': a name or pronoun right beside the cue
        left = cue.i - 1
        if left > 0 and doc[left].text == ")":
            # 'Rep. Ann Lee (D-Ohio) said': the name stands before the parenthesis
            opening = next((k for k in range(left - 1, max(left - 9, -1), -1) if doc[k].text == "("), None)
            if opening is not None:
                left = opening - 1
        for i in (left, cue.i + 1, left - 1, cue.i + 2):
            if 0 <= i < len(doc) and in_quote[i] < 0 and doc[i].sent == cue.sent:
                token = doc[i]
                if not (token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
                        or token.lower_ in MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL):
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


def _follows_quotation(cue: Token, in_quote: list[int]) -> bool:
    """Whether the cue comes right after a closing quotation mark ('"...," said X')."""
    doc = cue.doc
    i = cue.i - 1
    while i >= 0 and doc[i].text in (",", "-", "—", "–") :
        i -= 1
    if i < 0:
        return False
    # the closing mark itself, or the punctuation inside it ('...?"' splits as '?' '"')
    return doc[i].text in QUOTE_CHARS and in_quote[i] < 0 and i > 0 and (
        in_quote[i - 1] >= 0 or doc[i - 1].is_punct) and not _ends_sentence(doc, i)


def _ends_sentence(doc: Doc, closing: int) -> bool:
    """Whether the quotation closed by the mark at token `closing` ends its sentence with a full
    stop ('"We are ready." The aide declined ...'); ',"' '?"' '!"' leave room for an attribution."""
    last_inside = doc[closing - 1].text if closing > 0 else ""
    after = doc[closing + 1].text if closing + 1 < len(doc) else ""
    return last_inside in (".", "...") and after != ","


def _inverted_subject(cue: Token, in_quote: list[int]) -> SpacySpan | None:
    """The subject after a cue that follows a quotation ('"...," said retired surgeon Ann Lee'):
    the noun phrase right after the cue (an adverb or particle may come first)."""
    if not _follows_quotation(cue, in_quote):
        return None
    return _np_at(cue.doc, cue.i + 1, cue.sent.end, in_quote)


# Parts of speech a source's noun phrase is made of, read left to right from its first word.
_NP_POS = frozenset({"DET", "ADJ", "PROPN", "NOUN", "NUM", "PRON", "PART"})


def _np_at(doc: Doc, i: int, stop: int, in_quote: list[int]) -> SpacySpan | None:
    """The noun phrase starting at token i (after an adverb or particle): its words up to the last
    noun or name before a comma, verb, preposition or the sentence end."""
    while i < stop and (doc[i].pos_ == "ADV" or doc[i].dep_ == "prt") and doc[i].ent_type_ == "":
        i += 1
    if i >= stop or in_quote[i] >= 0 or doc[i].pos_ not in _NP_POS | {"VERB"}:
        return None
    if doc[i].pos_ == "VERB" and doc[i].dep_ != "amod":
        return None
    if doc[i].pos_ == "PRON" and doc[i].lower_ not in PRONOUNS | _INDEFINITE_SOURCES:
        return None  # 'who', 'that' after a quotation open a relative clause, not an attribution
    last = -1
    j = i
    while j < stop and in_quote[j] < 0 and "\n" not in doc[j].text and (
        doc[j].pos_ in _NP_POS or (doc[j].pos_ == "VERB" and doc[j].dep_ == "amod") or doc[j].ent_iob_ == "I"
    ):
        if doc[j].pos_ in ("PROPN", "NOUN", "PRON", "NUM") or doc[j].ent_iob_ == "I":
            last = j
        if doc[j].pos_ == "PRON" and doc[j].lower_ in PRONOUNS:
            break  # 'said he', 'said she': a pronoun is a whole phrase
        j += 1
    if last < i:
        return None
    if last == i and doc[i].lower_ in _INDEFINITE_SOURCES and last + 2 < stop and doc[last + 1].lower_ == "of":
        # 'one of the advisers': the phrase names who the one is
        tail = _np_at(doc, last + 2, stop, in_quote)
        if tail is not None:
            last = tail.end - 1
    return doc[i:last + 1]


def _subject_after_quotation(cue: Token, in_quote: list[int]) -> SpacySpan | None:
    """The noun phrase between a closing quotation mark and its cue ('"...," Ann Lee, 58, told
    reporters'), allowing an apposition or a parenthesis between the phrase and the cue."""
    doc = cue.doc
    lo = max(cue.i - 30, 0)
    k = cue.i - 1
    while k >= lo and in_quote[k] < 0:
        if "\n" in doc[k].text:
            return None
        k -= 1
    if k < lo or k + 1 >= cue.i or _ends_sentence(doc, k + 1):
        return None
    start = k + 1
    while start < cue.i and (doc[start].text in QUOTE_CHARS or doc[start].is_punct):
        start += 1
    mention = _np_at(doc, start, cue.i, in_quote)
    if mention is None:
        return None
    gap = doc[mention.end:cue.i]
    if len(gap) and not (gap[0].text in (",", "(") and gap[-1].text in (",", ")")) and not (
        gap[0].pos_ == "ADP" and len(gap) <= 6 and not any(t.is_punct for t in gap)
    ):
        return None  # something else than an apposition or a short 'on the website' stands between
    if any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "acl") for t in gap):
        return None
    return mention


def _between_quotation_and_cue(found: SpacySpan, cue: Token, in_quote: list[int]) -> bool:
    """Whether `found` sits where no subject of a cue following a quotation can be (before the mark)."""
    return found.end <= cue.i and any(in_quote[k] >= 0 for k in range(found.end, cue.i))


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
        subject = _nearest_subject(token, cue)
        if subject is None and token.dep_ != "xcomp":
            agent = next((c for c in token.children if c.dep_ == "agent"), None)
            if agent is not None:
                subject = next((c for c in agent.children if c.dep_ == "pobj"), None)
            elif token is cue and any(c.dep_ == "nsubjpass" for c in token.children):
                return None  # "they were asked to leave": the asker is not named
        if subject is None and token is not cue and token.lemma_.lower() in _REPORTED_AS:
            # 'Lee is quoted as saying', 'Lee was heard saying': the passive subject is the speaker
            subject = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
        if subject is None and token.dep_ == "acl" and token.head.pos_ in ("NOUN", "PROPN"):
            return _source_of_message_noun(token.head, cue)
        if subject is not None:
            if subject.lower_ in RELATIVE_PRONOUNS:
                # 'a spokesman who said': the local mention is "who"; its antecedent names it
                return subject.doc[subject.i:subject.i + 1]
            return _noun_phrase(subject)
        if token.dep_ not in INHERIT_DEPS or token.head.i == token.i:
            return False
        if _paragraph_break_between(cue, token.head):
            return False  # the parser joined two paragraphs: the head verb is another statement
        token, steps = token.head, steps + 1
    return False


def _source_of_message_noun(noun: Token, cue: Token) -> SpacySpan:
    """The source of '<noun> saying ...': whoever issued the message when the clause says so ('she
    released a statement saying', 'the campaign emailed supporters saying', 'sent a message to
    supporters saying'), else the noun itself, standing for its unnamed author ('a statement from
    the ministry saying')."""
    verb = None
    if noun.lemma_.lower() in SOURCE_NOUNS:
        if noun.dep_ in ("dobj", "attr", "oprd"):
            verb = noun.head
    elif noun.dep_ in ("dobj", "dative"):
        verb = noun.head  # the addressee of the verb
    elif noun.dep_ == "pobj" and noun.head.lower_ == "to":
        governor = noun.head.head
        if governor.pos_ == "NOUN" and governor.lemma_.lower() in SOURCE_NOUNS and governor.dep_ in ("dobj", "attr"):
            verb = governor.head
        else:
            verb = governor
    if verb is not None and verb.pos_ in ("VERB", "AUX"):
        issuer = _nearest_subject(verb, cue)
        if issuer is not None:
            if issuer.lower_ in RELATIVE_PRONOUNS:
                return issuer.doc[issuer.i:issuer.i + 1]
            return _noun_phrase(issuer)
    return _noun_phrase(noun)


def _paragraph_break_between(a: Token, b: Token) -> bool:
    doc = a.doc
    return any("\n" in doc[k].text for k in range(min(a.i, b.i), max(a.i, b.i)))


def _nearest_subject(verb: Token, cue: Token) -> Token | None:
    """The verb's subject in the cue's paragraph (the parser joins a dateline, a heading or the next
    paragraph across a paragraph break); of several, the nearest to the verb."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj") and not _paragraph_break_between(c, cue)]
    return min(subjects, key=lambda c: abs(c.i - verb.i)) if subjects else None


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
    if head.lower_ in _INDEFINITE_SOURCES:
        # 'one of the advisers', 'some of his aides': the partitive names the source
        of = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if pobj is not None:
            last = max(last, _noun_phrase(pobj).end - 1)
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


def _resolve_speaker(doc: Doc, text: str, mention: SpacySpan, marks: list[tuple[int, int]]) -> Speaker | None:
    """Map a local source mention to a Speaker: pronoun and title antecedents, actor names."""
    head = mention.root
    mention_text = mention.text
    lower = head.lower_
    if lower in RELATIVE_PRONOUNS and len(mention) == 1:
        antecedent = _antecedent_of_relative(head)
        resolved = _resolve_speaker(doc, text, antecedent, marks) if antecedent is not None else None
        if resolved is None:
            return None
        return Speaker(name=resolved.name, actor_id=resolved.actor_id, start=mention.start_char, end=mention.end_char)
    if lower in PRONOUNS and lower not in _INDEFINITE_SOURCES:
        # personal pronouns; "some", "others", "one of the aides" keep their own text below
        if lower in MALE_PRONOUNS or lower in FEMALE_PRONOUNS:
            # the actors stage's resolution (nearest fitting person, gender agreement, not a person only
            # named inside a quotation); beyond its window, the last person named outside a quotation
            # whose gender, where the actors stage knows it, agrees
            actor = _resolved_person(doc, mention) or _previous_actor(
                doc, mention.start_char, ("person",), marks=marks, gender="m" if lower in MALE_PRONOUNS else "f")
        elif lower in NONPERSON or lower in PLURAL:
            singular = lower in NONPERSON
            actor = _previous_subject_actor(doc, head, singular=singular) or _previous_actor(
                doc, mention.start_char, None, window=600, marks=marks, singular=singular
            )
            if actor is None and singular:
                # '"...," it read': a letter, an ad or a campaign named just before, not an actor
                source = _previous_source_noun(head, marks)
                if source is not None:
                    return Speaker(name=_clean(source.text), actor_id=None, start=mention.start_char,
                                   end=mention.end_char)
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
        actor = _titled_person(doc, text, lower, mention.start_char)
        if actor is not None:
            return Speaker(name=actor.name, actor_id=actor.id, start=mention.start_char, end=mention.end_char)
    if actor is not None and getattr(actor, "kind", None) == "person":
        return Speaker(name=actor.name, actor_id=actor.id, start=mention.start_char, end=mention.end_char)
    if actor is None:
        actor = actor_at(doc, mention.start_char, mention.end_char)
    name = _clean(mention_text)
    if not name:
        return None
    return Speaker(name=name, actor_id=actor.id if actor else None, start=mention.start_char, end=mention.end_char)


def _antecedent_of_relative(pronoun: Token) -> SpacySpan | None:
    """The noun phrase a relative pronoun stands for: the head of its relative clause, else
    the noun right before it ('an official who ... said' when the parser lost the clause)."""
    clause = pronoun.head
    while clause.dep_ == "conj" and clause.head.i != clause.i:
        clause = clause.head  # '... whose district went for her but who suggested ...'
    if clause.dep_ in ("relcl", "acl") and clause.head.pos_ in ("NOUN", "PROPN", "PRON"):
        head = clause.head
        if pronoun.lower_ == "who" and not _person_like(head):
            # "met with anger by the families of the dead, who say ...": the parser hung the clause on
            # an abstract noun; "who" is the nearest person-like noun phrase under it
            under = [t for t in head.subtree if head.i < t.i < pronoun.i and t.pos_ in ("NOUN", "PROPN")
                     and _person_like(t)]
            if under:
                return _noun_phrase(min(under, key=lambda t: (_depth_below(t, head), -t.i)))
            above = next((t for t in head.ancestors if t.pos_ in ("NOUN", "PROPN") and _person_like(t)), None)
            if above is not None:  # "the relatives of workers killed at the plant, who say"
                return _noun_phrase(above)
        return _noun_phrase(head)
    if pronoun.i > 0 and pronoun.doc[pronoun.i - 1].pos_ in ("NOUN", "PROPN"):
        return _noun_phrase(pronoun.doc[pronoun.i - 1])
    return None


# Common nouns that name people, for "who" when no actor covers the noun (a closed class: kin and
# bystanders the actors stage does not code)
_PEOPLE_NOUNS = word_set("""
family families relative relatives parent parents people man men woman women child children resident
residents victim victims witness witnesses survivor survivors neighbour neighbours neighbor neighbors
friend friends son sons daughter daughters mother mothers father fathers widow widows
""")


def _person_like(token: Token) -> bool:
    """Whether a noun can be what "who" stands for: an actor's mention, a named entity of people or
    places, or a people noun."""
    if token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or token.lower_ in _PEOPLE_NOUNS:
        return True
    return actor_at(token.doc, token.idx, token.idx + len(token.text)) is not None


def _depth_below(token: Token, top: Token) -> int:
    depth = 0
    while token.i != top.i and token.head.i != token.i:
        token, depth = token.head, depth + 1
    return depth


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


def _resolved_person(doc: Doc, mention: SpacySpan) -> Actor | None:
    """The person the actors stage resolved a "he"/"she" to (`actor_at` on the pronoun), or None."""
    actor = actor_at(doc, mention.start_char, mention.end_char)
    return actor if actor is not None and getattr(actor, "kind", None) == "person" else None


def _previous_actor(
    doc: Doc, pos: int, kinds: Iterable[str] | None, window: int = 2000,
    marks: list[tuple[int, int]] | None = None, singular: bool = False, gender: str | None = None,
):
    """The actor whose mention ends last before `pos` (within `window` chars): of the kinds given,
    or (kinds None) any actor that is not a person ("it", "they" stand for groups and states; with
    `singular`, for "it", not a group of people). With `gender` ("m"/"f", for "he"/"she"), a person
    of the other gender (`actor_gender`, the actors stage's reading of the text) is skipped."""
    wanted = tuple(kinds) if kinds is not None else None
    best = None
    best_end = -1
    for actor in doc._.actors or []:
        kind = getattr(actor, "kind", None)
        if (kind not in wanted) if wanted is not None else (kind == "person" or (singular and kind == "group")):
            continue
        if gender is not None and actor_gender(doc, actor) not in (None, gender):
            continue
        for mention in actor.mentions:
            if best_end < mention.end <= pos and pos - mention.end <= window:
                if marks and _inside(marks, mention.start):
                    continue  # people named inside a quotation are talked about, not talking
                if mention.text.lower() in PRONOUNS:
                    continue  # only a name is an antecedent (the actors stage may list pronouns too)
                best, best_end = actor, mention.end
    return best


def _sentences_back(token: Token, n: int) -> int:
    """The index of the first token of the sentence `n` sentences before `token`'s (or of the document's first)."""
    first = token.sent.start
    for _ in range(n):
        if first == 0:
            break
        first = token.doc[first - 1].sent.start
    return first


def _previous_source_noun(pronoun: Token, marks: list[tuple[int, int]]) -> SpacySpan | None:
    """For "it": the last document or organisation noun phrase ("the letter", "a new ad", "the
    company") that was a subject or object in this or the two previous sentences."""
    doc = pronoun.doc
    for i in range(pronoun.i - 1, _sentences_back(pronoun, 2) - 1, -1):
        token = doc[i]
        if token.pos_ == "NOUN" and token.lemma_.lower() in SOURCE_NOUNS and token.tag_ != "NNS" and \
                token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos") and not _inside(marks, token.idx):
            return _noun_phrase(token)
    return None


def _previous_subject_actor(doc: Doc, pronoun: Token, singular: bool = False):
    """For "it"/"they": the non-person actor that was the subject of this or one of the two
    previous sentences (subjects are the likeliest antecedents), latest first; for "it"
    (`singular`) not a group of people."""
    for i in range(pronoun.i - 1, _sentences_back(pronoun, 2) - 1, -1):
        token = doc[i]
        if token.dep_ not in ("nsubj", "nsubjpass") or token.pos_ == "PRON":
            continue
        actor = actor_at(doc, token.idx, token.idx + len(token))
        kind = getattr(actor, "kind", None)
        if actor is not None and kind != "person" and not (singular and kind == "group"):
            return actor
    return None


def _titled_person(doc: Doc, text: str, title: str, pos: int):
    """The last person actor before `pos` introduced with `title` next to a mention."""
    best = None
    best_end = -1
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
