"""`sitrep_quantities`: Counts of people (killed, injured, displaced...) with best, low and high.

Writes `doc._.quantities`: one `Quantity` per count statement ("at least 5,000 people have perished",
"Moscow expelled ten diplomats", "a man was shot and killed"), with

- `category` from the word that governs the count in the dependency tree (killed, injured, casualties,
  missing, trapped, displaced, evacuated, arrested, expelled, affected, destroyed, damaged);
- `term`: the reporting term (IDMC's vocabulary for displacement: displaced, fled, evacuated, sheltered,
  homeless, relocated, in camps, destroyed housing...), else the trigger's lemma;
- `value`/`low`/`high`/`approximate` from the number phrase and its qualifiers ("at least" -> low,
  "as many as" -> high, "an estimated" -> approximate); a low-only and a high-only statement about one
  toll in neighbouring sentences merge into one quantity (`value` then null: no single best figure
  was given);
- `unit` from the counted noun (people, households, homes);
- `place` from `sitrep.stages.places.place_for`, else from "there" / "the city" referring back to the
  last place mentioned; `source` from a quote holding the count, "according to X", or "X said".

Why dependency distance rather than a window: in "Barbee, 15, was shot" or "the 2800 block" a window
would count the age or the address; the tree says what the number counts. Non-counts (years, ages,
money, times, "Article 5", phone numbers, "G7") are filtered by entity label, token shape and the
counted noun. See docs/stages/quantities.md.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sitrep.model import Place, Quantity
from sitrep.resources.numbers import (
    ARTICLES,
    COUPLE,
    NUMBER_WORDS,
    PHRASE_STARTERS,
    SCALES,
    digits_value,
    parse_words,
)
from sitrep.stages.base import doc_text, register_extension, word_set

# -- lexicons (general English and humanitarian reporting vocabulary) ---------------------------------------

# trigger lemma -> (category, term, weak). A weak trigger ("victims", "shot") names people hit without
# saying how; a strong one nearby ("killed") wins over it.
TRIGGERS: dict[str, tuple[str, str, bool]] = {
    **{w: ("killed", "killed", False) for w in (
        "kill", "killed", "die", "dead", "death", "perish", "fatality", "murder", "slay", "massacre",
        "toll", "behead", "execute", "fatally")},
    "body": ("killed", "bodies", True),
    "homicide": ("killed", "killed", False),
    **{w: ("killed", "killed", False) for w in ("killing", "killings", "slaying", "slayings")},
    **{w: ("injured", "hospitalized", True) for w in ("hospital", "condition")},
    **{w: ("injured", "injured", False) for w in (
        "injure", "injured", "wound", "wounded", "hurt", "injury", "hospitalize", "hospitalise",
        "hospitalized", "hospitalised")},
    **{w: ("casualties", "shot", True) for w in ("shoot", "shot", "gunshot")},
    **{w: ("casualties", w, True) for w in ("casualty", "victim", "hit", "strike", "struck")},
    **{w: ("missing", "missing", False) for w in ("missing", "unaccounted", "disappear", "disappeared")},
    **{w: ("trapped", "trapped", False) for w in ("trap", "trapped", "besiege", "besieged", "strand",
                                                   "stranded", "encircle", "encircled")},
    **{w: ("displaced", "displaced", False) for w in ("displace", "displaced", "uproot", "uprooted",
                                                       "idp", "idps", "displacement")},
    **{w: ("displaced", "fled", False) for w in ("flee", "fled", "refugee", "escape")},
    **{w: ("displaced", "sheltered", False) for w in ("shelter", "sheltered")},
    **{w: ("displaced", "homeless", False) for w in ("homeless",)},
    **{w: ("displaced", "relocated", False) for w in ("relocate", "relocated", "resettle", "resettled",
                                                       "resettlement", "relocation")},
    "migrate": ("displaced", "relocated", True),
    **{w: ("evacuated", "evacuated", False) for w in ("evacuate", "evacuated", "evacuee", "evacuation")},
    **{w: ("arrested", "arrested", False) for w in ("arrest", "arrested", "detain", "detained", "detention",
                                                     "detainee", "apprehend", "jail", "jailed", "imprison",
                                                     "capture", "captured")},
    **{w: ("expelled", "expelled", False) for w in ("expel", "expelled", "expulsion", "deport", "deported",
                                                     "deportation")},
    **{w: ("affected", "affected", True) for w in ("affect", "affected")},
    **{w: ("destroyed", "destroyed housing", False) for w in ("destroy", "destroyed", "flatten", "raze",
                                                               "collapse", "wash")},
    **{w: ("damaged", "partially destroyed housing", False) for w in ("damage", "damaged")},
    # "300 houses were flooded / inundated / submerged": damaged, not (yet) destroyed
    **{w: ("damaged", "partially destroyed housing", False) for w in ("flood", "inundate", "submerge")},
    "sweep": ("destroyed", "destroyed housing", False),  # "swept away"
    "refuge": ("displaced", "sheltered", False),  # "took refuge in schools"
    **{w: ("destroyed", "destroyed housing", False) for w in (
        "destruction", "burn", "burned", "burnt", "torch", "demolish", "demolition", "bury", "level", "gut")},
    **{w: ("trapped", "trapped", False) for w in ("siege",)},
}
# "asked to leave" (expelled), "forced to leave" (displaced): the governing verb decides.
LEAVE_GOVERNORS: dict[str, tuple[str, str, bool]] = {
    "ask": ("expelled", "expelled", False), "order": ("expelled", "expelled", False),
    "tell": ("expelled", "expelled", False), "force": ("displaced", "fled", False),
    "compel": ("displaced", "fled", False),
}
# Triggers that count victims only as verbs ("murdered two men", not "murder charges").
VERB_ONLY = frozenset({"murder", "execute", "capture", "jail", "level", "gut", "wash", "hit", "strike", "flood",
                       "sweep"})
FORCE_VERBS = frozenset({"force", "drive", "chase", "push", "compel", "oblige", "uproot"})
KILL_WORDS = frozenset({"kill", "killed", "die", "dead", "death", "fatally", "fatal", "perish", "murder"})
INJURE_WORDS = frozenset({"wound", "wounded", "injure", "injured", "hurt", "hospitalize", "hospitalized",
                          "nonfatally", "non-fatally", "injury", "survive"})
CASUALTY_CATEGORIES = frozenset({"casualties"})
HARM_CATEGORIES = frozenset({"killed", "injured", "casualties"})
HOUSING_CATEGORIES = frozenset({"destroyed", "damaged"})
# "in camps" / "in relief camps": counts of people living in a camp are displacement figures.
CAMP_WORDS = frozenset({"camp", "camps"})
# Sites that are camps by another name in humanitarian reporting ("collective sites", "IDP settlements")
# and the shelters of an evacuation ("evacuation centres"); the modifier makes the noun a camp.
CAMP_SITES = frozenset({"site", "centre", "center", "settlement", "shelter", "facility"})
CAMP_MODIFIERS = frozenset({"collective", "displacement", "idp", "idps", "relief", "transit", "informal",
                            "spontaneous", "protection"})
SHELTER_MODIFIERS = frozenset({"evacuation", "emergency", "temporary"})
BORDER_NOUNS = frozenset({"border", "borders", "frontier"})
# "moved 8,000 villagers to safety / to higher ground / to evacuation centres": an evacuation
MOVE_VERBS = frozenset({"move", "transfer", "shift", "take", "bring", "ferry", "airlift", "bus"})
SAFE_PLACES = frozenset({"safety", "shelter", "centre", "center", "camp", "site"})
SAFE_MODIFIERS = frozenset({"safe", "safer", "high", "higher", "temporary", "evacuation"})
# Leaving one's home is displacement ("2,000 families abandoned their villages"); leaving a shop is not.
ABANDON_VERBS: dict[str, tuple[str, str, bool]] = {
    "leave": ("displaced", "fled", False), "abandon": ("displaced", "fled", False),
    "desert": ("displaced", "fled", False), "vacate": ("evacuated", "evacuated", False),
}
HOME_PLACES = frozenset({"home", "house", "village", "town", "city", "land", "neighbourhood", "neighborhood",
                         "district", "settlement", "island", "region", "area"})

PEOPLE_NOUNS = word_set("""
hunter hunters motorist motorists pedestrian pedestrians cyclist cyclists clerk clerks cashier cashiers owner
owners homeowner homeowners male males female females inmate inmates robber robbers burglar burglars intruder
intruders shooter shooters agent agents
people person persons individual individuals civilian civilians resident residents inhabitant inhabitants
citizen citizens villager villagers child children kid kids boy boys girl girls man men woman women adult
adults teen teens teenager teenagers youth youths minor minors baby babies infant infants student students
pupil pupils soldier soldiers troop troops serviceman servicemen officer officers policeman policemen fighter
fighters militant militants rebel rebels insurgent insurgents combatant combatants guard guards worker workers
employee employees staff member members migrant migrants refugee refugees asylum seeker seekers evacuee
evacuees idp idps detainee detainees prisoner prisoners protester protesters protestor protestors demonstrator
demonstrators activist activists journalist journalists reporter reporters diplomat diplomats official
officials passenger passengers pilgrim pilgrims tourist tourists victim victims casualty casualties fatality
fatalities death deaths survivor survivors patient patients suspect suspects gunman gunmen attacker attackers
bystander bystanders other others relative relatives family_member neighbour neighbours neighbor neighbors
friend friends brother brothers sister sisters son sons daughter daughters father fathers mother mothers
parent parents citizen miner miners farmer farmers fisherman fishermen sailor sailors crew crewmen volunteer
volunteers doctor doctors nurse nurses medic medics teacher teachers priest priests worshipper worshippers
worshipers spectator spectators fan fans shopper shoppers customer customers guest guests partygoer partygoers
driver drivers occupant occupants hostage hostages captive captives body bodies life lives soul souls
personnel recruit recruits cadet cadets peacekeeper peacekeepers policemen paramilitary paramilitaries gunmen
deputy deputies trooper girlfriend girlfriends boyfriend boyfriends wife wives husband husbands cousin cousins
uncle uncles aunt aunts nephew nephews niece nieces grandson grandsons granddaughter granddaughters
grandmother grandfather grandparents toddler toddlers juvenile juveniles stepfather stepson stepdaughter
fiance fiancee partner roommate roommates classmate classmates coworker coworkers co-worker co-workers
teammate teammates companion companions acquaintance acquaintances colleague colleagues
troopers marine marines sniper snipers militiaman militiamen jihadist jihadists extremist
extremists
""")
HOUSEHOLD_NOUNS = frozenset({"family", "families", "household", "households"})
HOME_NOUNS = word_set("""
home homes house houses dwelling dwellings building buildings shelter shelters hut huts apartment apartments
residence residences housing structure structures flat flats tent tents shack shacks property properties
""")
# Suffixes of English agent nouns ("protesters", "Palestinians", "journalists").
PEOPLE_SUFFIXES = ("ers", "ors", "ists", "ians", "ants", "ents", "ees", "men", "ites", "ese", "ish")
# Common nouns with those suffixes that are not people ("11 evacuation centers", "three incidents").
NOT_PEOPLE = word_set("""
centers centres shelters quarters headquarters waters floodwaters helicopters trailers containers letters papers
numbers matters corridors floors doors sectors factors computers towers rivers borders orders tractors reactors
meters metres liters litres kilometers kilometres centimeters millimeters offers layers disasters chambers
barriers clusters markers posters transfers answers filters registers counters tankers scooters motors vectors
errors mirrors elevators generators
incidents events accidents agreements settlements apartments departments documents moments comments statements
payments segments fragments treatments instruments governments parliaments tournaments amendments assessments
developments investments arrangements elements shipments compartments basements pavements judgments judgements
indictments sentiments experiments regiments
plants restaurants grants variants pants implants
trees fees degrees committees
""")
PARTITIVE_PRONOUNS = frozenset({"them", "us", "whom", "those", "these"})
# "his wife was shot", "killed her husband": a possessive names one person as "a" does
POSSESSIVES = frozenset({"his", "her", "their"})
PARENT_NOUNS = frozenset({"father", "mother", "parent", "dad", "mom", "mum", "grandfather", "grandmother",
                          "grandparent"})
# Determiners that name one person: "a man", "his wife"; in a sentence, also "another man was wounded" (a
# further person). Article totals count only the first kind as single persons; "another" adds one person
# to the others of its category (see article_totals).
INDEFINITE_DETERMINERS = frozenset({"a", "an", *POSSESSIVES})
ADDITIVE_DETERMINERS = frozenset({"another"})
SINGLE_DETERMINERS = INDEFINITE_DETERMINERS | ADDITIVE_DETERMINERS
# Nouns a number in front of which is not a head count.
TOTAL_NOUNS = frozenset({"total", "number", "toll", "group", "tally", "count", "figure"})

# Qualifiers read right-to-left before the number (lower-cased token sequences).
LOW_QUALIFIERS = (("at", "least"), ("more", "than"), ("over",), ("upwards", "of"), ("in", "excess", "of"),
                  ("no", "fewer", "than"), ("no", "less", "than"), ("not", "less", "than"), ("exceeding",),
                  ("a", "minimum", "of"), ("a", "further"), ("another",), ("above",), ("beyond",))
HIGH_QUALIFIERS = (("as", "many", "as"), ("up", "to"), ("as", "high", "as"), ("at", "most"), ("no", "more", "than"),
                   ("fewer", "than"), ("less", "than"), ("under",), ("as", "much", "as"), ("a", "maximum", "of"))
APPROX_QUALIFIERS = (("an", "estimated"), ("estimated",), ("about",), ("around",), ("roughly",),
                     ("approximately",), ("some",), ("nearly",), ("almost",), ("close", "to"), ("approx",),
                     ("approx", "."), ("circa",), ("an", "approximate"), ("perhaps",), ("possibly",))
# Preceding words that make a number a label, not a count ("Article 5", "Route 66", "No. 3").
LABEL_WORDS = word_set("""
article section chapter paragraph resolution page route highway interstate flight no no. number # room suite
unit apartment apt apt. building precinct district ward station channel road street avenue platform gate
terminal phase level grade class category size model version episode season game round aged age ages year
years cycle code pt part item verse line bus bill act amendment protocol image photo slide picture
""")
# Following words that make a number a measure, an age or a time ("15-year-old", "5 miles", "10 pm").
MEASURE_WORDS = word_set("""
year years year-old years-old yr yrs month months week weeks day days hour hours minute minutes second seconds
percent per cent % am pm a.m. p.m. o'clock times time mile miles km kilometres kilometers kilometre kilometer
metre metres meter meters feet foot ft inch inches pound pounds lb lbs kg kilogram kilograms ton tons tonne
tonnes dollar dollars euro euros cent cents block blocks degree degrees acre acres hectare hectares point
points shot shots round rounds bullet bullets gun guns rifle rifles car cars vehicle vehicles mph kph calibre
caliber mm y y/o yo yrs. yr.
""")
SAY_VERBS = frozenset({"say", "tell", "report", "confirm", "announce", "state", "estimate", "add", "claim",
                       "according", "note", "write", "count", "record", "put"})
# Verbs whose subject is the speaker ("one witness said"), not what is counted ("are estimated").
SPEAKER_VERBS = frozenset({"say", "tell", "claim", "announce", "confirm", "report", "state", "add", "note",
                           "write", "according"})
REFERRING_NOUNS = frozenset({"city", "town", "village", "area", "region", "province", "district", "country",
                             "capital", "port", "state", "county", "neighbourhood", "neighborhood", "camp"})
NON_COUNT_ENTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"})
NAME_ENTS = frozenset({"FAC", "ORG", "GPE", "LOC", "PRODUCT", "LAW", "EVENT", "WORK_OF_ART"})
# Trigger nouns that are not people ("four gunshots", "two hospitals", "three camps").
NOT_HEADCOUNTS = frozenset({"shot", "shots", "gunshot", "gunshots", "shooting", "shootings", "hit", "hits", "strike",
                            "strikes", "condition", "hospital", "hospitals", "camp", "camps", "siege", "toll",
                            "detention", "shelter", "shelters"})
ZERO_WORDS = frozenset({"nobody", "none", "no"})


@Language.factory(
    "sitrep_quantities",
    assigns=["doc._.quantities"],
    requires=["token.dep", "token.lemma", "doc.ents"],
    default_config={"max_distance": 3, "merge_window": 2},
)
def make_quantities(nlp: Language, name: str, max_distance: int, merge_window: int) -> QuantitiesStage:
    return QuantitiesStage(nlp, name, max_distance=max_distance, merge_window=merge_window)


@dataclass
class _Count:
    """A count statement before it becomes a `Quantity` (plain attributes: no validation in the loop)."""

    start: int  # character offsets of the count phrase (qualifier + number + noun)
    end: int
    category: str
    term: str
    value: int | None
    low: int | None
    high: int | None
    approximate: bool
    unit: str
    bound: str  # "exact", "low", "high", "range", "vague"
    sent_i: int  # index of the sentence's first token (for merging)
    anchor: Token


class QuantitiesStage:
    """Counts of people (killed, injured, displaced...) with best, low and high."""

    def __init__(self, nlp: Language, name: str = "sitrep_quantities", *, max_distance: int = 3,
                 merge_window: int = 2) -> None:
        """max_distance (int): how far (dependency edges, prepositions free) a trigger word may lie from
        the count it categorises. merge_window (int): how many sentences apart a low-only and a
        high-only statement about the same toll may be and still merge."""
        self.name = name
        self.max_distance = max_distance
        self.merge_window = merge_window
        register_extension("article")
        register_extension("quantities")

    def __call__(self, doc: Doc) -> Doc:
        doc._.quantities = self.extract(doc)
        return doc

    # -- finding counts -------------------------------------------------------------------------------------

    def extract(self, doc: Doc) -> list[Quantity]:
        counts: list[_Count] = []
        seen_sents: dict[int, list[tuple[Token, tuple[str, str, bool]]]] = {}
        i = 0
        n = len(doc)
        while i < n:
            token = doc[i]
            lower = token.lower_
            glued = None if token.like_num else _glued_number(token)
            if token.like_num or lower in NUMBER_WORDS or lower in ZERO_WORDS or glued is not None or (
                    lower in ARTICLES and i + 1 < n and doc[i + 1].lower_ in _ARTICLE_NUMBERS) or (
                    lower in PHRASE_STARTERS and _next_word(doc, i).lower_ in SCALES):
                end_i = self._number_end(doc, i, glued=glued is not None)
                if end_i > i and _starts_range(doc, i, end_i):
                    i = end_i  # "between 20 and 30": the second number reads the range
                    continue
                if end_i > i:
                    count = self._count_at(doc, i, end_i, seen_sents, glued)
                    if count is not None:
                        counts.append(count)
                    i = end_i
                    continue
            i += 1
        counts.extend(self._singulars(doc, counts))
        counts.extend(_multiples(doc))
        counts.extend(_suicides(doc))
        counts.sort(key=lambda c: c.start)
        counts = self._merge(counts)
        text = doc_text(doc)
        return [self._to_quantity(doc, text, c) for c in counts]

    def _number_end(self, doc: Doc, i: int, *, glued: bool = False) -> int:
        """The end (exclusive token index) of the number phrase starting at token i, or i if none."""
        n = len(doc)
        lower = doc[i].lower_
        if lower in ZERO_WORDS:
            return i + 2 if lower == "no" and i + 1 < n and doc[i + 1].lower_ == "one" else i + 1
        j = i + 1 if glued else i  # "least140,000": the token holds the number after its qualifier
        while j < n and _continues_number(doc, i, j):
            j += 1
        while j > i and (doc[j - 1].lower_ in ARTICLES or doc[j - 1].lower_ in PHRASE_STARTERS):
            j -= 1
        return j

    def _count_at(self, doc: Doc, i: int, end_i: int,
                  seen_sents: dict[int, list[tuple[Token, tuple[str, str, bool]]]],
                  glued: tuple[str, str] | None = None) -> _Count | None:
        phrase = doc[i:end_i]
        words = [t.lower_ for t in phrase]
        if glued is not None:
            words[0] = glued[1]
        first = phrase[0]
        zero = words[0] in ZERO_WORDS
        if zero:
            parsed_value, parsed_low, vague = 0, None, False
        else:
            parsed = parse_words(words)
            if parsed is None:
                return None
            parsed_value, parsed_low, vague = parsed
        # the token whose head lies outside the phrase
        last = phrase[-1]
        for t in phrase:
            if not (phrase.start <= t.head.i < phrase.end):
                last = t
        if not zero and not self._looks_like_count(doc, i, end_i, words):
            return None
        noun, unit = self._counted_noun(last, zero)
        following = _next_word(doc, end_i - 1)
        if following.i >= end_i and _glued_unit(following):
            noun, unit = following, _unit_of(following)  # "96,000 peoplebetween": PDF text run together
        if unit is None:
            return None
        if noun is not None and noun.pos_ == "PROPN" and i > 0 and doc[i - 1].pos_ == "PROPN":
            return None  # "Pro 21 Video Man": a number inside a name
        # NER calls "1057 people" a DATE and "10 killed" sometimes a TIME: the entity label only
        # decides for a number that counts no noun of ours
        if not zero and noun is None and (any(t.ent_type_ in NON_COUNT_ENTS | NAME_ENTS for t in phrase) or (
                i > 0 and doc[i - 1].pos_ == "PROPN")):
            return None  # "Loop 323", "Farm to Market 14": a number inside a name
        if not zero and noun is not None and any(t.ent_type_ in {"MONEY", "PERCENT"} for t in phrase):
            return None
        anchor = noun if noun is not None else last
        if noun is not None and noun.head.lower_ == "of" and noun.head.head.i == last.i:
            anchor = last  # "one of five people shot has died": "one" is what died
        # "a total of 42 diplomats": the total is what the verb governs
        if noun is not None and noun.dep_ == "pobj" and noun.head.lower_ == "of" and (
                noun.head.head.lemma_ in TOTAL_NOUNS):
            anchor = noun.head.head
        sent = first.sent
        triggers = seen_sents.get(sent.start)
        if triggers is None:
            triggers = _sentence_triggers(sent)
            seen_sents[sent.start] = triggers
        if noun is None and any(_unit_of(t) == "homes" for t in doc[sent.start:i]):
            # "1,800 houses were destroyed and 3,400 damaged": a bare number after homes may count homes
            found = self._nearest_trigger(anchor, noun, triggers, None)
            if found is not None and found[1][0] in HOUSING_CATEGORIES:
                unit = "homes"
            elif found is not None:
                found = self._nearest_trigger(anchor, noun, triggers, unit)
        else:
            found = self._nearest_trigger(anchor, noun, triggers, unit)
        if found is None:
            return None
        trig_token, (category, term, _) = found
        if zero and category not in {"killed", "injured", "casualties", "missing", "arrested"}:
            return None
        if zero and noun is None and words == ["no"]:
            return None
        category, term = _refine(trig_token, category, term, anchor)
        if category == "casualties" and end_i < len(doc) and doc[end_i].lower_ == "fatally":
            category, term = "killed", "shot dead"  # "four men were shot, one fatally"
        low = high = None
        approximate = vague
        bound = "vague" if vague else "exact"
        # qualifiers and ranges
        qual = _qualifier(doc, i, glued[0] if glued is not None else None)
        start_i = i
        if qual is not None:
            kind, qlen = qual
            start_i = i - qlen + (1 if glued is not None else 0)
            if kind == "low":
                bound = "low"
            elif kind == "high":
                bound = "high"
            elif kind == "approx":
                approximate = True
        value = parsed_value
        if vague:
            low = parsed_low
        elif bound == "low":
            low = value
        elif bound == "high":
            high = value
        range_low = _range_low(doc, i)
        if range_low is not None and value is not None and range_low[0] < value:
            low, high, bound, start_i = range_low[0], value, "range", range_low[1]
            value = None
        end_tok = max(end_i, noun.i + 1) if noun is not None and noun.i >= i else end_i
        if noun is not None and noun.i >= i and noun.i - end_i > 4:
            end_tok = end_i
        return _Count(
            start=doc[start_i].idx, end=doc[end_tok - 1].idx + len(doc[end_tok - 1].text),
            category=category, term=term, value=value, low=low, high=high, approximate=approximate,
            unit=unit, bound=bound, sent_i=sent.start, anchor=anchor,
        )

    def _looks_like_count(self, doc: Doc, i: int, end_i: int, words: list[str]) -> bool:
        """Reject labels, ages, years, measures and codes around the number."""
        first = doc[i]
        if i > 0:
            prev = doc[i - 1]
            if prev.lower_ in LABEL_WORDS or prev.text in {"$", "£", "€", "#", "¥"}:
                return False
            if _of_label(doc, i):
                return False  # "Image 2 of 8", "Page 1 of / 3": the total of a gallery or a page count
            if prev.lower_ == "of" and i > 1 and doc[i - 2].lower_ in PARENT_NOUNS:
                return False  # "a father of three": his children, not a count of victims
            # "Barbee, 15," / "(15)": an age in apposition
            if prev.text in {",", "("} and len(words) == 1 and i > 1 and doc[i - 2].pos_ in {"PROPN", "NOUN"} \
                    and end_i < len(doc) and doc[end_i].text in {",", ")", ".", ";"} and first.like_num:
                return False
        if end_i < len(doc):
            nxt = doc[end_i]
            nlow = nxt.lower_
            if nlow in MEASURE_WORDS or nlow.startswith("-year") or (nlow == "-" and end_i + 1 < len(doc)
                                                                      and doc[end_i + 1].lower_ in MEASURE_WORDS):
                return False
            if nlow in {"/", ":", "."} and end_i + 1 < len(doc) and doc[end_i + 1].like_num:
                return False  # "24/7", "10:30", phone and version numbers
            if nlow == "-" and end_i + 1 < len(doc) and doc[end_i + 1].like_num and len(doc[end_i + 1]) >= 3:
                return False  # "555-1234"
            if nlow == ")" and i > 0 and doc[i - 1].text == "(" and end_i + 1 < len(doc) and any(
                    ch.isdigit() for ch in doc[end_i + 1].text):
                return False  # "(213) 485-1383": an area code
        if first.text == "911":
            return False  # the US emergency number ("called 911", "911 call"), not a count
        if len(first.text) == 4 and first.text.isdigit() and 1800 <= int(first.text) <= 2100 and (
                end_i >= len(doc) or _unit_of(doc[end_i]) is None):
            return False  # a year, unless a counted noun follows ("1000 people")
        if first.like_num and any(ch.isalpha() for ch in first.text) and first.text.lower() not in NUMBER_WORDS:
            return digits_value(first.lower_) is not None  # "G7", "4x4", "5k"
        return True

    def _counted_noun(self, last: Token, zero: bool) -> tuple[Token | None, str | None]:
        """The noun the number counts and its unit; (None, "people") for a bare number; unit None to reject."""
        while last.dep_ in {"conj", "prep", "pobj"} and last.head.i < last.i and (
                last.head.like_num or last.head.lower_ in NUMBER_WORDS or last.head.lower_ in {"to", "and"}):
            last = last.head  # "20 and 30 people": the second number hangs off the first
        head = last.head
        noun: Token | None = None
        if (last.dep_ in {"nummod", "quantmod", "amod", "compound", "nmod", "det", "npadvmod"} and head.pos_ in {
                "NOUN", "PROPN", "ADJ", "VERB"} and head.i > last.i) or (zero and last.dep_ == "det"):
            noun = head
        # "hundreds of people", "two of the victims", "three of them"
        if noun is None or noun.lemma_ in TOTAL_NOUNS:
            for child in last.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    objs = [g for g in child.children if g.dep_ == "pobj"]
                    if objs:
                        noun = objs[0]
                    break
        if noun is None:
            counted = _number_of(last)
            if counted is not None:
                return counted, _unit_of(counted)
            return None, "people"
        unit = _unit_of(noun)
        if unit is None and noun.tag_ == "VBG":
            return None, "people"  # "at least 175,500 staying in shelters": the parser hung the number on the verb
        return noun, unit

    def _nearest_trigger(self, anchor: Token, noun: Token | None,
                         triggers: list[tuple[Token, tuple[str, str, bool]]],
                         unit: str | None) -> tuple[Token, tuple[str, str, bool]] | None:
        """The category word nearest in the tree that can describe this unit: homes are destroyed,
        damaged, affected or evacuated; people are not destroyed ("one was killed, three wounded and
        150 houses destroyed": the houses take "destroyed", not the nearer "wounded")."""
        if unit == "homes":
            triggers = [t for t in triggers if t[1][0] in HOUSING_CATEGORIES | {"affected", "evacuated"}]
        elif unit == "people":
            triggers = [t for t in triggers if t[1][0] not in HOUSING_CATEGORIES]
        if not triggers:
            return None
        path = _ancestors(anchor)
        # a bare number's own noun may follow it unparsed ("at least140,000 people", PDF text run together)
        own = frozenset({anchor.i, anchor.i + 1} if noun is None else {anchor.i, noun.i})
        # "according to one official", "one witness said": the count names a source, not a victim
        for idx in path:
            word = anchor.doc[idx]
            if word.lower_ == "according" or (word.lemma_ in SPEAKER_VERBS and word.i != anchor.i and any(
                    c.dep_ == "nsubj" and c.i in path for c in word.children)):
                return None
        # A category word of the count's own clause first: in "a man died, two people are in critical
        # condition", "died" heads the coordination but has its own subject. Only when the count's clause
        # has none may the coordinated clause's word describe it, and then not a death or a wound: "the
        # state set up 1,537 relief camps and 2.14 lakh people have been accommodated" are in camps, but
        # in "one victim was pronounced dead and two others were taken to hospital" the two did not die.
        reach = _own_clause_path(anchor, path)
        best = self._best_trigger(anchor, noun, triggers, reach, own)
        if best is None and len(reach) < len(path):
            shared = [t for t in triggers if t[1][0] not in HARM_CATEGORIES]
            best = self._best_trigger(anchor, noun, shared, path, own) if shared else None
        return best

    def _best_trigger(self, anchor: Token, noun: Token | None, triggers: list[tuple[Token, tuple[str, str, bool]]],
                      path: dict[int, float], own: frozenset[int]) -> tuple[Token, tuple[str, str, bool]] | None:
        best: tuple[float, int, Token, tuple[str, str, bool]] | None = None
        accused = _accused(anchor)
        for trig, info in triggers:
            if anchor.dep_ == "nsubj" and _agent_of(anchor, trig):
                continue  # "two gunmen opened fire, striking a boy": the subject shot, it was not shot
            if accused and info[0] in HARM_CATEGORIES:
                continue  # "two men were charged in the shooting death of a boy": the accused, not the dead
            if trig.i == anchor.i or (noun is not None and trig.i == noun.i):
                # "12 deaths" counts itself; "two victims ... died": the verb says more than the noun
                dist = 1.25 if info[2] else 0.0
            else:
                dist = _tree_distance(path, trig, own, victims=info[0] in HARM_CATEGORIES)
                if dist is None:
                    continue
            if info[2]:
                dist += 0.5
            limit = self.max_distance + (0.5 if info[2] else 0)
            if dist > limit:
                continue
            key = (dist, abs(trig.i - anchor.i))
            if best is None or key < (best[0], best[1]):
                best = (dist, abs(trig.i - anchor.i), trig, info)
        if best is None:
            return None
        return best[2], best[3]

    def _singulars(self, doc: Doc, counts: list[_Count]) -> Iterable[_Count]:
        """'A man was shot and killed', 'killing a woman': one person, counted as 1."""
        taken = {c.anchor.i for c in counts}
        for token in doc:
            info = TRIGGERS.get(token.lemma_) or TRIGGERS.get(token.lower_)
            if info is None or token.pos_ not in {"VERB", "AUX", "ADJ"}:
                continue
            for child in token.children:
                if child.dep_ not in {"nsubjpass", "dobj", "nsubj"} or child.i in taken:
                    continue
                first_det: Token | None = None
                for person in (child, *[c for c in child.children if c.dep_ == "conj"]):
                    if person.i in taken:
                        continue
                    if person is child and person.lower_ in ADDITIVE_DETERMINERS and person.pos_ == "PRON" and (
                            child.dep_ == "nsubjpass" or token.tag_ == "VBN"):
                        # "three people were killed and another (was) wounded": one more person
                        category, term = _refine(token, info[0], info[1], person)
                        if category in HARM_CATEGORIES:
                            taken.add(person.i)
                            yield _Count(
                                start=person.idx, end=person.idx + len(person.text), category=category, term=term,
                                value=1, low=None, high=None, approximate=False, unit="people", bound="exact",
                                sent_i=token.sent.start, anchor=person,
                            )
                        continue
                    if not _singular_person(person):
                        continue
                    det = next((c for c in person.children if c.dep_ == "det" or (
                        c.dep_ == "poss" and c.lower_ in POSSESSIVES)), None)
                    if det is None and person is not child and first_det is not None:
                        det = first_det  # "a boy and 20-year-old man were shot": the article covers both
                    if det is None or det.lower_ not in SINGLE_DETERMINERS or any(
                            c.dep_ == "nummod" for c in person.children):
                        continue
                    if person is child:
                        first_det = det
                    if child.dep_ == "nsubj" and token.pos_ == "VERB" and token.lemma_ not in {
                            "die", "perish"}:
                        continue  # "a man shot two people": the subject is the shooter
                    category, term = _refine(token, info[0], info[1], person)
                    if category in HOUSING_CATEGORIES:
                        continue
                    taken.add(person.i)
                    yield _Count(
                        start=det.idx, end=person.idx + len(person.text), category=category, term=term,
                        value=1, low=None, high=None, approximate=False, unit="people", bound="exact",
                        sent_i=token.sent.start, anchor=person,
                    )

    # -- merging and linking -----------------------------------------------------------------------------------

    def _merge(self, counts: list[_Count]) -> list[_Count]:
        """'at least 5,000 ... might be as high as 10,000': one toll, low and high from two statements."""
        merged: list[_Count] = []
        used: set[int] = set()
        for a_i, a in enumerate(counts):
            if a_i in used:
                continue
            if a.bound in {"low", "high"}:
                for b_i in range(a_i + 1, len(counts)):
                    b = counts[b_i]
                    if b_i in used or b.category != a.category or b.unit != a.unit:
                        continue
                    if abs(b.anchor.sent.start - a.anchor.sent.start) > 0 and _sent_gap(a, b) > self.merge_window:
                        break
                    if {a.bound, b.bound} == {"low", "high"}:
                        lo, hi = (a, b) if a.bound == "low" else (b, a)
                        if lo.low is not None and hi.high is not None and lo.low < hi.high:
                            a = _Count(start=a.start, end=b.end, category=a.category, term=a.term, value=None,
                                       low=lo.low, high=hi.high, approximate=a.approximate or b.approximate,
                                       unit=a.unit, bound="range", sent_i=a.sent_i, anchor=a.anchor)
                            used.add(b_i)
                            break
            merged.append(a)
        return merged

    def _to_quantity(self, doc: Doc, text: str, count: _Count) -> Quantity:
        return Quantity.model_construct(
            text=text[count.start:count.end], start=count.start, end=count.end, category=count.category,
            value=count.value, low=count.low, high=count.high, approximate=count.approximate, unit=count.unit,
            place=_place(doc, count), source=_source(doc, count), event_id=None, term=count.term,
        )


_GLUED_UNITS = {"people": "people", "persons": "people", "families": "households", "households": "households",
                "homes": "homes", "houses": "homes", "individuals": "people", "residents": "people"}
_GLUED_PREFIXES = tuple(_GLUED_UNITS)
_ARTICLE_NUMBERS = frozenset({"dozen", "hundred", "thousand", "million", "billion", "couple", "total"})


MULTIPLES = {"double": 2, "triple": 3, "quadruple": 4, "quintuple": 5}
MULTIPLE_EVENTS = {"murder": "killed", "homicide": "killed", "killing": "killed", "slaying": "killed",
                   "fatality": "killed", "shooting": "casualties", "stabbing": "casualties"}


def _of_label(doc: Doc, i: int) -> bool:
    """Whether the number at i is the 'of 8' of a label 'Image 2 of 8' ("Photo 1 of / 4")."""
    j = i - 1
    while j >= 0 and doc[j].text in {"/", "of"}:
        j -= 1
    return j < i - 1 and j > 0 and doc[j].like_num and doc[j - 1].lower_ in LABEL_WORDS


def _multiples(doc: Doc) -> Iterable[_Count]:
    """'a double homicide' (2 killed), 'a triple shooting' (3 hit), 'a murder-suicide' (2 killed)."""
    for token in doc:
        lower = token.lower_
        if lower in MULTIPLES and token.i + 1 < len(doc):
            nxt = doc[token.i + 1]
            category = MULTIPLE_EVENTS.get(nxt.lemma_) or MULTIPLE_EVENTS.get(nxt.lower_)
            value = MULTIPLES[lower]
            last = nxt
        elif lower == "murder" and token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and (
                doc[token.i + 2].lower_ == "suicide"):
            category, value, last = "killed", 2, doc[token.i + 2]
        elif lower == "murder" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "suicide":
            category, value, last = "killed", 2, doc[token.i + 1]  # "a murder suicide", written without the hyphen
        else:
            continue
        if category is None:
            continue
        yield _Count(start=token.idx, end=last.idx + len(last.text), category=category,
                     term="shot" if category == "casualties" else "killed", value=value, low=None, high=None,
                     approximate=False, unit="people", bound="exact", sent_i=token.sent.start, anchor=last)


REFLEXIVES = frozenset({"himself", "herself"})


def _suicides(doc: Doc) -> Iterable[_Count]:
    """'killing himself', 'turned the gun on herself', 'took his own life': the shooter died (1 killed)."""
    for token in doc:
        if token.lower_ in REFLEXIVES:
            verb = token.head
            if token.dep_ == "dobj" and verb.lemma_ in {"kill", "shoot"} and (
                    verb.lemma_ == "kill" or any(c.lower_ == "fatally" for c in verb.children) or any(
                        c.dep_ == "prep" and c.lower_ == "to" and any(g.lemma_ == "death" for g in c.children)
                        for c in verb.children)):
                pass  # "killing himself", "fatally shot himself", "shot himself to death"
            elif token.dep_ == "pobj" and verb.lower_ == "on" and verb.head.lemma_ == "turn" and any(
                    c.dep_ == "dobj" and c.lemma_ in {"gun", "weapon", "rifle", "handgun", "pistol"}
                    for c in verb.head.children):
                pass  # "turned the gun on himself"
            else:
                continue
        elif token.lemma_ == "life" and token.dep_ == "dobj" and token.head.lemma_ == "take" and any(
                c.lower_ == "own" for c in token.children):
            pass  # "took his own life"
        else:
            continue
        if any(c.dep_ == "neg" or c.tag_ == "MD" for c in token.head.children):
            continue  # "threatened to kill himself", "would kill himself"
        yield _Count(start=token.idx, end=token.idx + len(token.text), category="killed", term="suicide", value=1,
                     low=None, high=None, approximate=False, unit="people", bound="exact",
                     sent_i=token.sent.start, anchor=token)


def _number_of(number: Token) -> Token | None:
    """'the number of families left homeless is put at 120' -> 'families' (what 120 counts)."""
    token = number
    for _ in range(3):
        if token.head.i == token.i:
            return None
        token = token.head
        for child in token.children:
            if child.dep_ in SUBJECT_DEPS and child.lemma_ in {"number", "total", "count", "tally"}:
                for prep in child.children:
                    if prep.dep_ == "prep" and prep.lower_ == "of":
                        counted = next((g for g in prep.children if g.dep_ == "pobj"), None)
                        # "a number of up to 30,000 are besieged": the number itself, people
                        return None if counted is not None and counted.i == number.i else counted
                return None
    return None


# Verbs of the courts and the police: their subject (or the noun they describe) is the accused
LEGAL_VERBS = frozenset({"charge", "accuse", "indict", "convict", "sentence", "arraign", "acquit", "suspect",
                         "plead", "try", "prosecute", "want"})


def _accused(anchor: Token) -> bool:
    """Whether the counted people are the accused: the subject of "were charged / indicted / sentenced"
    or a noun described by "charged in", "accused of" ("two men accused of killing a clerk")."""
    if anchor.dep_ in SUBJECT_DEPS and anchor.head.lemma_ in LEGAL_VERBS:
        return True
    return any(c.dep_ == "acl" and c.lemma_ in LEGAL_VERBS for c in anchor.children)


def _agent_of(subject: Token, trigger: Token) -> bool:
    """Whether `subject` is who did the harm of the active verb `trigger` ("two men shot a clerk",
    "three gunmen opened fire, wounding a boy"): the trigger is the subject's own verb or a clause
    hanging from it, in the active voice, with the victim as its object."""
    verb = subject.head
    if trigger.lemma_ not in AGENT_VERBS or trigger.pos_ != "VERB":
        return False
    if not (trigger.i == verb.i or (trigger.head.i == verb.i and trigger.dep_ in {"advcl", "conj", "xcomp"})):
        return False
    children = list(trigger.children)
    if any(c.dep_ in {"auxpass", "nsubjpass"} for c in children):
        return False
    if trigger.i != verb.i and _has_subject(trigger):
        return False  # the clause has its own subject
    return any(c.dep_ == "dobj" for c in children)


def _singular_person(token: Token) -> bool:
    """'man', 'girlfriend', '11-year-old': one person named by a common noun."""
    if token.lower_ == "old":
        return any(c.lower_ == "year" for c in token.lefts) or (token.i > 1 and token.doc[token.i - 2].lower_ == "year")
    return token.pos_ == "NOUN" and token.tag_ == "NN" and token.lower_ in PEOPLE_NOUNS


def _next_word(doc: Doc, i: int) -> Token:
    """The next token after i that is not white space (or token i itself at the end)."""
    for j in range(i + 1, min(i + 3, len(doc))):
        if not doc[j].is_space:
            return doc[j]
    return doc[i]


def _unit_of(noun: Token) -> str | None:
    lower = noun.lower_
    lemma = noun.lemma_.lower()
    if lower in HOUSEHOLD_NOUNS or lemma in HOUSEHOLD_NOUNS:
        return "households"
    if lower in HOME_NOUNS or lemma in HOME_NOUNS:
        return "homes"
    if lower in PEOPLE_NOUNS or lemma in PEOPLE_NOUNS or lower in PARTITIVE_PRONOUNS:
        return "people"
    if noun.ent_type_ in {"NORP"} or (noun.pos_ == "NOUN" and lower.endswith(PEOPLE_SUFFIXES)
                                      and lower not in MEASURE_WORDS and lower not in NOT_PEOPLE):
        return "people"
    if lower.startswith(_GLUED_PREFIXES):  # "peoplebetween": words run together in PDF text
        return _GLUED_UNITS[next(p for p in _GLUED_PREFIXES if lower.startswith(p))]
    if lemma in TRIGGERS and TRIGGERS[lemma][0] not in HOUSING_CATEGORIES and lemma not in NOT_HEADCOUNTS and (
            lower not in NOT_HEADCOUNTS and noun.pos_ in {"NOUN", "ADJ", "VERB"}):
        return "people"  # "12 dead", "three injured", "5,000 deaths", "200 arrests"
    if lower in {"arrests", "arrest"}:
        return "people"
    return None


def _sentence_triggers(sent: Span) -> list[tuple[Token, tuple[str, str, bool]]]:
    found: list[tuple[Token, tuple[str, str, bool]]] = []
    for token in sent:
        info = TRIGGERS.get(token.lemma_) or TRIGGERS.get(token.lower_)
        if info is not None:
            if token.dep_ == "neg" or any(c.dep_ == "neg" for c in token.children):
                continue
            if token.lemma_ in VERB_ONLY and token.pos_ != "VERB":
                continue  # "murder charges", "a murder trial" count no victims
            found.append((token, info))
        elif token.lower_ == "leave" and token.dep_ == "xcomp" and token.head.lemma_ in LEAVE_GOVERNORS:
            found.append((token.head, LEAVE_GOVERNORS[token.head.lemma_]))
        elif token.lemma_ in {"life", "lives"} and token.head.lemma_ in {"claim", "take", "cost", "lose"}:
            found.append((token.head, ("killed", "killed", False)))  # "claimed the lives of 12 people"
        elif token.lower_ in CAMP_WORDS:
            found.append((token, ("displaced", "in camps", True)))
        elif token.lemma_ in CAMP_SITES and token.pos_ == "NOUN":
            modifiers = {c.lower_ for c in token.children if c.dep_ in {"amod", "compound"}}
            if modifiers & CAMP_MODIFIERS:
                found.append((token, ("displaced", "in camps", True)))  # "living in collective sites"
            elif modifiers & SHELTER_MODIFIERS:
                found.append((token, ("displaced", "sheltered", True)))  # "staying in evacuation centres"
        elif token.lemma_ == "need" and token.pos_ == "NOUN" and token.head.lower_ == "in":
            found.append((token, ("affected", "in need", True)))  # "140,000 people in need of assistance"
        elif token.lower_ == "without" and any(c.dep_ == "pobj" and c.lemma_ in {"home", "house", "shelter", "roof"}
                                               for c in token.children):
            found.append((token, ("displaced", "homeless", False)))  # "left 80,000 people without homes"
        elif token.lemma_ == "cross" and _crosses_border(token):
            found.append((token, ("displaced", "displaced", False)))  # "52,000 people crossed the border"
        elif token.lemma_ in MOVE_VERBS and _to_safety(token):
            found.append((token, ("evacuated", "evacuated", False)))  # "moved 8,000 villagers to higher ground"
        elif (glued := _glued_trigger(token)) is not None:
            found.append((token, glued))  # "hadevacuated", "fledShirqat": PDF text run together
        elif token.lemma_ in FORCE_VERBS and _from_homes(token):
            if any(c.dep_ in {"xcomp", "advcl"} and c.lemma_ == "evacuate" for c in token.children):
                found.append((token, ("evacuated", "evacuated", False)))  # "forced 2,000 people to evacuate"
            else:
                found.append((token, ("displaced", "fled", False)))
        elif token.lemma_ == "lose" and any(c.dep_ == "dobj" and c.lemma_ in {"home", "house"} for c in token.children):
            found.append((token, ("displaced", "homeless", False)))
        elif token.lemma_ in ABANDON_VERBS and any(c.dep_ == "dobj" and c.lemma_ in HOME_PLACES
                                                   for c in token.children):
            found.append((token, ABANDON_VERBS[token.lemma_]))  # "had to leave their homes"
    return found


_QUALIFIER_ENDS = "|".join(sorted({seq[-1] for table in (LOW_QUALIFIERS, HIGH_QUALIFIERS, APPROX_QUALIFIERS)
                                   for seq in table if seq[-1].isalpha()}, key=len, reverse=True))
# "least140,000", "Around1.6": a qualifier word run together with a number (text extracted from PDFs)
_GLUED_NUMBER = re.compile(rf"^({_QUALIFIER_ENDS})(\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)$", re.IGNORECASE)
# "hadevacuated", "newdisplacements" (a short word before a trigger); "fledShirqat" (a name after it)
_GLUED_BEFORE = re.compile(r"^(had|have|has|were|was|been|being|are|is|and|new|newly|also|the)([a-z]{4,})$")
_GLUED_AFTER = re.compile(r"^([a-z]{3,})[A-Z][a-z]+$")


def _glued_number(token: Token) -> tuple[str, str] | None:
    """('least', '140,000') for the token 'least140,000', else None."""
    if not token.text[-1:].isdigit():
        return None
    match = _GLUED_NUMBER.match(token.text)
    return (match.group(1).lower(), match.group(2)) if match else None


def _glued_trigger(token: Token) -> tuple[str, str, bool] | None:
    """The category of a trigger word run together with a neighbour ('hadevacuated', 'fledShirqat')."""
    if len(token.text) < 7 or not token.is_alpha:
        return None
    match = _GLUED_BEFORE.match(token.text) or _GLUED_AFTER.match(token.text)
    if match is None:
        return None
    word = match.group(2) if match.re is _GLUED_BEFORE else match.group(1)
    return TRIGGERS.get(word) or (TRIGGERS.get(word[:-1]) if word.endswith("s") else None)


def _glued_unit(token: Token) -> bool:
    """'peoplebetween', 'familiesthat': a unit noun run together with the next word."""
    lower = token.lower_
    return lower.startswith(_GLUED_PREFIXES) and lower not in PEOPLE_NOUNS and lower not in HOME_NOUNS and (
        lower not in HOUSEHOLD_NOUNS) and len(lower) > len(next(p for p in _GLUED_PREFIXES if lower.startswith(p)))


def _crosses_border(verb: Token) -> bool:
    """'crossed the border', 'crossed into Uganda': people leaving their country."""
    for child in verb.children:
        if child.dep_ == "dobj" and child.lower_ in BORDER_NOUNS:
            return True
        if child.dep_ == "prep" and child.lower_ in {"into", "over"} and any(
                g.ent_type_ == "GPE" or g.lower_ in BORDER_NOUNS for g in child.children):
            return True
    return False


def _to_safety(verb: Token) -> bool:
    """'to safety', 'to higher ground', 'to evacuation centres' after a verb of moving."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "to":
            for place in child.children:
                if place.dep_ == "pobj" and (place.lemma_ in SAFE_PLACES or any(
                        m.lower_ in SAFE_MODIFIERS for m in place.children if m.dep_ in {"amod", "compound"})):
                    return True
    return False


def _from_homes(verb: Token) -> bool:
    """'forced 2,500 people out of their homes', 'drove thousands from their villages' (the parser may
    hang "from their homes" on the object)."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    for child in (*verb.children, *(g for o in objects for g in o.children)):
        if child.dep_ == "prep" and child.lower_ in {"from", "out"}:
            for grand in child.subtree:
                if grand.lemma_ in HOME_PLACES:
                    return True
        if child.dep_ in {"xcomp", "advcl"} and child.lemma_ in {"flee", "leave", "abandon", "evacuate"}:
            return True
    return False


def _ancestors(token: Token) -> dict[int, float]:
    """Each ancestor's token index -> distance from the token (edges into prepositions cost nothing)."""
    path = {token.i: 0.0}
    dist = 0.0
    while token.head.i != token.i:
        token = token.head
        if token.pos_ not in {"ADP", "AUX", "PART"}:
            dist += 1
        path[token.i] = dist
        if dist > 6:
            break
    return path


# "had their houses destroyed", "saw their homes burned": the clause under the verb tells what befell its object
CAUSATIVE_VERBS = frozenset({"have", "get", "see", "watch", "leave", "find"})


SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


def _has_subject(token: Token) -> bool:
    """Whether a clause's head has a subject of its own ("four were shot and one person killed")."""
    return any(c.dep_ in SUBJECT_DEPS for c in token.children)


def _has_other_subject(verb: Token, own: frozenset[int]) -> bool:
    """Whether a clause has a subject of its own, other than the count ('they' and relative pronouns
    may be the counted people themselves)."""
    if verb.lemma_ in SAY_VERBS:
        return False  # "sustained what police say are minor injuries": the report, not another clause
    return verb.pos_ in {"VERB", "AUX"} and any(
        c.dep_ in SUBJECT_DEPS and c.i not in own and c.lower_ not in {"they", "who", "that", "which"}
        for c in verb.children)


def _own_clause_path(anchor: Token, path: dict[int, float]) -> dict[int, float]:
    """The anchor's ancestors up to where its clause joins a coordinated clause with another subject: in
    "a man died, two people are in critical condition and five others were hospitalized" the two people
    did not die ("died" is the head of the coordination, but it has its own subject)."""
    own = frozenset({anchor.i})
    token = anchor
    reach = {anchor.i: path[anchor.i]}
    while token.head.i != token.i and token.head.i in path:
        if token.dep_ == "conj" and token.pos_ in {"VERB", "AUX"} and _has_subject(token) \
                and _has_other_subject(token.head, own):
            break
        token = token.head
        reach[token.i] = path[token.i]
    return reach


def _tree_distance(path: dict[int, float], other: Token, own: frozenset[int] = frozenset(), *,
                   victims: bool = False) -> float | None:
    """Edges from `other` up to the anchor's ancestor path; None when the trigger describes another noun
    through a relative clause ("two men accused in a shooting that killed a girl": "killed" belongs to
    "shooting", not to "two men"), or, for a word of harm (`victims`), belongs to a clause with a subject
    of its own ("two officers face charges after a boy was shot": the boy was shot); `own` holds the
    anchor and the counted noun, whose clauses are ours."""
    dist = 0.0
    token = other
    for _ in range(8):
        if token.i in path:
            return dist + path[token.i]
        if token.head.i == token.i:
            return None
        if own and token.dep_ in {"relcl", "acl"} and token.head.i not in own and token.head.pos_ == "NOUN":
            return None
        if victims and own and (token.dep_ in {"conj", "advcl"} or (
                token.dep_ == "ccomp" and token.head.lemma_ not in CAUSATIVE_VERBS)) and _has_other_subject(token, own):
            return None
        if token.pos_ not in {"ADP", "AUX", "PART"}:
            dist += 1
        token = token.head
    return None


def _refine(trigger: Token, category: str, term: str, anchor: Token) -> tuple[str, str]:
    """'shot and killed', 'shot dead', 'fatally shot' are killed; 'shot and wounded' is injured."""
    if category not in CASUALTY_CATEGORIES:
        return category, term
    for child in trigger.children:
        words = {child.lemma_, child.lower_}
        if child.dep_ in {"conj", "advcl", "ccomp"} and _has_subject(child):
            continue  # "four were shot and one person killed", "six were shot -- 2 killed": its own subject
        if child.dep_ == "conj" and any(c.dep_ == "dobj" and c.lower_ in REFLEXIVES for c in child.children):
            continue  # "she shot a student and then killed herself": the one killed is the shooter
        if child.dep_ in {"conj", "xcomp", "advcl", "oprd", "acomp", "advmod", "amod", "dobj", "ccomp"}:
            if words & KILL_WORDS:
                return "killed", "shot dead"
            if words & INJURE_WORDS:
                return "injured", "shot and wounded"
        if child.dep_ == "prep" and child.lower_ == "to" and any(g.lemma_ == "death" for g in child.children):
            return "killed", "shot dead"  # "shot to death"
    for child in anchor.children:
        if child.dep_ in {"amod", "acl"} and {child.lemma_, child.lower_} & KILL_WORDS:
            return "killed", "shot dead"
    return category, term


def _qualifier(doc: Doc, i: int, glued: str | None = None) -> tuple[str, int] | None:
    """The qualifier right before token i: ("low"|"high"|"approx", its length in tokens); `glued` is a
    qualifier word run together with the number ("least" of "at least140,000"), counted as one token."""
    before = [t.lower_ for t in doc[max(0, i - 4):i]] + ([glued] if glued else [])
    for kind, table in (("high", HIGH_QUALIFIERS), ("low", LOW_QUALIFIERS), ("approx", APPROX_QUALIFIERS)):
        for seq in table:
            if len(seq) <= len(before) and tuple(before[len(before) - len(seq):]) == seq:
                # "as high as" may stand after "might be": the same bound
                return kind, len(seq)
    # "a total of 42": no bound, but the span starts at "a total of"
    if not glued and len(before) >= 3 and tuple(before[-3:]) == ("a", "total", "of"):
        return "exact", 3
    return None


def _range_low(doc: Doc, i: int) -> tuple[int, int] | None:
    """'between 20 and 30', '20 to 30', '20-30', 'from 20 to 30': the low number and where the range begins."""
    if i < 2:
        return None
    sep = doc[i - 1].lower_
    if sep not in {"and", "to", "-", "–", "or"}:
        return None
    prev = doc[i - 2]
    value = digits_value(prev.lower_)
    if value is None:
        parsed = parse_words([prev.lower_])
        value = parsed.value if parsed else None
    if value is None:
        return None
    start = i - 2
    if sep == "and":
        if i < 3 or doc[i - 3].lower_ != "between":
            return None
        start = i - 3
    elif sep == "or":
        pass  # "two or three"
    if start > 0 and doc[start - 1].lower_ in {"between", "from"}:
        start -= 1
    return int(value), start


def _continues_number(doc: Doc, i: int, j: int) -> bool:
    """Whether token j belongs to the number phrase that starts at token i."""
    n = len(doc)
    word = doc[j].lower_
    if word in NUMBER_WORDS or word in COUPLE or digits_value(word) is not None:
        return True
    if (j == i and word in ARTICLES) or (word in PHRASE_STARTERS and j <= i + 1):
        return True  # "a dozen", "several hundred"
    if j == i or j + 1 >= n:
        return False
    following = doc[j + 1].lower_
    if doc[j].is_space:
        return following in NUMBER_WORDS or digits_value(following) is not None
    if word == "-" and following in NUMBER_WORDS:
        return True  # "twenty-one"
    if word == "and" and following in NUMBER_WORDS:
        return doc[j - 1].lower_ in {"hundred", "thousand", "million"}  # "nine hundred and twenty"
    # "tens of thousands", "hundreds of thousands"
    return word == "of" and doc[j - 1].lower_ in {"tens", "hundreds", "thousands"} and following in {
        "thousands", "millions"}


def _starts_range(doc: Doc, i: int, end_i: int) -> bool:
    """True when the number at [i, end_i) is the low end of '20 to 30', 'between 20 and 30', '20-30'."""
    if end_i + 1 >= len(doc) or not (doc[end_i + 1].like_num or doc[end_i + 1].lower_ in NUMBER_WORDS):
        return False
    sep = doc[end_i].lower_
    if sep == "and":
        return i > 0 and doc[i - 1].lower_ == "between"
    return sep in {"to", "-", "–", "or"}


def _sent_gap(a: _Count, b: _Count) -> int:
    doc = a.anchor.doc
    lo, hi = sorted((a.anchor.i, b.anchor.i))
    return sum(1 for t in doc[lo:hi + 1] if t.is_sent_start and t.i > lo)


# -- linking: place and source ------------------------------------------------------------------------------

def _place(doc: Doc, count: _Count) -> Place | None:
    from sitrep.stages.places import place_for

    place = place_for(doc, count.start, count.end)
    if place is not None:
        return place
    return _referred_place(doc, count.anchor.sent)


def _referred_place(doc: Doc, sent: Span) -> Place | None:
    """'there', 'the city': the last place mentioned before the reference (the sentence's own places
    first, when the reference comes after them)."""
    places = [p for p in (doc._.places or []) if p.geonameid is not None and not getattr(p, "metonymic", False)]
    if not places:
        return None
    for token in sent:
        lower = token.lower_
        wanted: set[str] | None = None
        if lower == "there" and token.dep_ == "advmod":
            wanted = set()
        elif lower in REFERRING_NOUNS and any(c.lower_ in {"the", "this", "that"} for c in token.lefts):
            wanted = _precisions_for(lower)
        else:
            continue
        before = [p for p in places if p.end <= token.idx]
        if wanted:
            before = [p for p in before if p.precision in wanted] or []
        if before:
            return before[-1]
    return None


def _precisions_for(noun: str) -> set[str]:
    if noun in {"city", "town", "village", "capital", "port", "neighbourhood", "neighborhood", "camp"}:
        return {"exact", "city"}
    if noun == "country":
        return {"country"}
    if noun in {"province", "state", "region"}:
        return {"admin1", "region"}
    if noun in {"county", "district"}:
        return {"admin2", "admin1"}
    return set()


def _source(doc: Doc, count: _Count) -> dict | None:
    """Who gives the figure: a quote holding it, 'according to X', or the subject of 'said'."""
    for quote in doc._.quotes or []:
        if quote.start <= count.start and count.end <= quote.end:
            speaker = quote.speaker
            return {"quote_id": quote.id, "name": speaker.name if speaker else None,
                    "actor_id": speaker.actor_id if speaker else None}
    sent = count.anchor.sent
    for token in sent:
        if token.lower_ == "according" and token.i + 1 < sent.end and doc[token.i + 1].lower_ == "to":
            objs = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
            if objs:
                return _source_from(doc, objs[0])
    token = count.anchor
    for _ in range(6):
        if token.head.i == token.i:
            break
        token = token.head
        if token.lemma_ in SAY_VERBS and token.pos_ == "VERB":
            subj = [c for c in token.children if c.dep_ in SUBJECT_DEPS and c.i != count.anchor.i]
            if subj and subj[0].lower_ not in {"it", "that", "which", "this"}:
                return _source_from(doc, subj[0])
    return None


def _source_from(doc: Doc, head: Token) -> dict:
    from sitrep.stages.actors import actor_at

    left, right = head.left_edge.i, head.right_edge.i + 1
    # keep the name short: cut a trailing relative clause or apposition after a comma
    for t in doc[head.i:right]:
        if t.text == ",":
            right = t.i
            break
    span = doc[left:right]
    actor = actor_at(doc, span.start_char, span.end_char) if doc._.actors else None
    return {"name": span.text, "actor_id": actor.id if actor else None,
            "start": span.start_char, "end": span.end_char}


# -- article totals -----------------------------------------------------------------------------------------

# How many sentences of an article report its incident. A line of fewer than LEAD_MIN_WORDS words
# ("UPDATE:", "(WXYZ)", a photo credit, a video length) is not counted: it says nothing of the incident.
LEAD_SENTENCES = 6
LEAD_MIN_WORDS = 4
# A death told later than this (in counted sentences) is more often an earlier incident or a yearly tally
# ("the city's 40th homicide"): the fallback "someone died" reads only this far.
DEATH_EVIDENCE_SENTENCES = 15
# With a death in the lead and no injured figure there, the people hurt are often counted a few
# paragraphs down ("three other people were wounded"); read injured figures this far.
INJURED_LATER_SENTENCES = 10
DEATH_EVIDENCE = frozenset({"pass", "life", "deceased", "kill", "killed", "die", "dead", "murder", "slay", "perish",
                            "fatally", "fatal", "deadly", "death", "succumb"})
INJURY_EVIDENCE = frozenset({"wound", "wounded", "injure", "injured", "hurt", "hospitalize", "hospitalized",
                             "shoot", "shot", "graze", "struck", "strike", "hit", "injury", "recover"})
# "fatal injuries", "a mortal wound": the wound of someone who died, not someone hurt
FATAL_MODIFIERS = frozenset({"fatal", "mortal", "deadly", "lethal"})
# "suffered a gunshot wound", "sustained injuries": the subject is the one hurt
SUFFER_VERBS = frozenset({"suffer", "sustain", "receive"})
# "charged with murder": someone died; "attempted murder", "conspiracy to commit murder": not necessarily
MURDER_CHARGES = frozenset({"murder", "homicide", "manslaughter"})
CHARGE_VERBS = frozenset({"charge", "arrest", "indict", "book", "convict", "jail", "hold"})
NOT_A_DEATH = frozenset({"attempted", "attempt", "conspiracy", "solicitation"})
# "fatally shot / wounded / injured / struck", "a fatal shooting": the one it was done to died
FATAL_HEADS = frozenset({"shooting", "shoot", "wound", "injure", "strike", "hit", "stab"})
# "shot to death", "beaten to death", "stabbed to death": a death told without a death word
TO_DEATH_VERBS = frozenset({"shoot", "stab", "beat", "bleed", "gun", "strangle", "burn", "choke"})
# A plain "died" / "killed" in the first PLAIN_DEATH_SENTENCES counted sentences tells a death even when
# the parse hides the victim (see _plain_death); further down it is as often an earlier case.
PLAIN_DEATH_SENTENCES = 3
PLAIN_DEATH_VERBS = frozenset({"die", "kill"})
FINITE_OR_PARTICIPLE = frozenset({"VBD", "VBN", "VBZ"})
NEAR_MISS = frozenset({"nearly", "almost"})
# Verbs of harm whose active subject is the one who did it ("two men shot a clerk").
AGENT_VERBS = frozenset({"shoot", "kill", "wound", "injure", "hit", "strike", "murder", "hurt", "slay", "execute"})
# Verbs whose subject is the victim ("he died", "she is recovering from her wounds").
PATIENT_SUBJECT_VERBS = frozenset({"die", "perish", "succumb", "recover", *SUFFER_VERBS})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "they", "them", "i", "we", "you", "himself", "herself",
                              "themselves"})


def article_totals(doc: Doc, quantities: list[Quantity] | None = None, *, pick: str = "first",
                   lead_sentences: int = LEAD_SENTENCES) -> dict[str, int]:
    """How many people the article says were killed and injured in what it reports, as one figure each.

    Why a separate reading: a local report often names no number ("a man was shot and killed"; "he
    died at the hospital"). The article's figure is the first stated figure of the category within the
    first `lead_sentences` sentences (news puts the incident first; later paragraphs bring earlier
    incidents and yearly tallies), and at least the number of distinct indefinite persons ("a man and a
    woman were shot") in the first sentence that names any, else one when someone is said to have died.
    Injured falls back to the people shot minus the dead ("four people were shot, one fatally").
    "Another man was also wounded" adds one to the others; a sentence that sums separate incidents ("in
    separate shootings across the city") is skipped; victims named as killed count by name. People told
    together add up ("two children and a man were found dead": 3; a shooter's suicide after his victims:
    one more); "four other people were shot" beside a death are injured; "a woman was also shot" and
    "another" alone are one more person; a death told without a count ("shot to death", "gunned down", a
    plain "died" in the first sentences) is 1 killed.
    """
    quantities = doc._.quantities if quantities is None else quantities
    explicit: dict[str, list[int]] = {}
    singles: dict[str, dict[int, set[str]]] = {}
    partitives: dict[str, list[int]] = {}
    later: dict[str, list[int]] = {}  # non-zero figures told after the lead, within INJURED_LATER_SENTENCES
    extra: dict[str, int] = {}  # people added by "another" / "a further" in the lead, per category
    found_in: dict[str, int] = {}  # the sentence of each category's last explicit figure
    last_q: dict[str, Quantity] = {}  # each category's last explicit quantity
    first_q: dict[str, tuple[Quantity, int]] = {}  # each category's first explicit quantity and its sentence
    suicide_sents: set[int] = set()  # sentences of the lead that tell a suicide
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    sent_starts = [sent.start_char for sent in sents]
    ranks = _lead_ranks(sents)
    for q in quantities or []:
        figure = q.value if q.value is not None else q.low if q.low is not None else q.high
        if figure is None or q.unit != "people":
            continue
        sent_index = bisect_right(sent_starts, q.start) - 1
        if q.category in CASUALTY_CATEGORIES and q.term != "victim" and figure and OTHERS & set(q.text.lower().split()):
            # "a woman was killed ... four other women were shot": the others are not the dead; they lived
            q = q.model_copy(update={"category": "injured"})
        rank = ranks[sent_index]
        if rank < INJURED_LATER_SENTENCES and _is_tally(sents[sent_index]):
            continue  # "five people were wounded in separate shootings across the city": many incidents
        words = q.text.lower().split()
        bare_number = len(words) == 1 and q.text[:1].isdigit()  # "30", no counted noun
        partitive = len(words) > 2 and words[1] == "of"  # "one of three people wounded"
        additive = (words[0] in ADDITIVE_DETERMINERS or words[:2] == ["a", "further"]) and _one_more(doc, q, quantities)
        if q.value == 1 and words[0] in {"a", "an"} and q.category in HARM_CATEGORIES and _said_also(doc, q):
            additive = True  # "a woman was also shot": one more than those told before
        if rank >= lead_sentences:
            if rank < INJURED_LATER_SENTENCES and figure and not bare_number and not partitive and not additive:
                later.setdefault(q.category, []).append(figure)
            continue
        if additive and figure:
            # "another man was killed", "another four were wounded": more people on top of those already
            # counted, not the category's figure itself
            extra[q.category] = extra.get(q.category, 0) + figure
            continue
        if figure and q.category in explicit and explicit[q.category] and found_in.get(q.category) == sent_index \
                and _conjoined(doc, last_q.get(q.category), q):
            # "two children and a man were found dead": people joined by "and" under one verb add up
            explicit[q.category][-1] += figure
            last_q[q.category] = q
            continue
        if q.value == 1 and q.term == "suicide":
            suicide_sents.add(sent_index)
        if q.value == 1 and (words[0] in SINGLE_DETERMINERS or q.term == "suicide"):
            singles.setdefault(q.category, {}).setdefault(rank, set()).add(q.text.lower())
            continue
        if q.category in CASUALTY_CATEGORIES and (q.value is None or len(words) == 1):
            continue  # "hundreds of people" near gunfire, a bare "12": too loose to count the people hit
        if bare_number and figure > 10:
            continue  # a bare "30" with no counted noun is more often an address or a tally than a toll
        if partitive:
            partitives.setdefault(q.category, []).append(figure)  # "one of three people wounded": a part
            continue
        found = explicit.setdefault(q.category, [])
        if q.category == "injured" and found and found_in.get(q.category) == sent_index and OTHERS & set(words) and (
                figure):
            # "two are in critical condition and five others were hospitalized": seven hurt
            found[-1] += figure
            continue
        if q.category in HARM_CATEGORIES:
            figure += _conjoined_extra(doc, q, quantities)  # "three men and three women were wounded": six
        found.append(figure)
        found_in[q.category] = sent_index
        last_q[q.category] = q
        if len(found) == 1:
            first_q[q.category] = (q, sent_index)
    for category, figures in partitives.items():
        explicit.setdefault(category, figures)

    def figure_of(category: str) -> int | None:
        found = explicit.get(category)
        if found and any(found):
            found = [f for f in found if f]  # "no one else was hurt" does not undo "two were wounded"
        value = (max(found) if pick == "max" else found[0]) if found else None
        if category in singles:
            by_sentence = singles[category]
            value = max(value or 0, len(by_sentence[min(by_sentence)]))  # the same man may recur later
        return value

    def plus_extra(category: str, value: int | None) -> int | None:
        """The category's figure with the people "another" adds; alone, they are the figure."""
        if category not in extra:
            return value
        return (value or 0) + extra[category]

    killed = plus_extra("killed", figure_of("killed"))
    if killed and "killed" in first_q and explicit.get("killed") and killed == explicit["killed"][0]:
        q0, sent0 = first_q["killed"]
        if sent0 in suicide_sents and _object_of_agent(doc, q0):
            killed += 1  # "shot and killed his two sons before taking his own life": the victims and the shooter
    named = _named_dead(sents, ranks, lead_sentences)
    if named > (killed or 0):
        killed = named  # "killing Jane Doe, 18, and John Roe, 20": two dead, named
    injured = plus_extra("injured", figure_of("injured"))
    shot = figure_of("casualties")
    if not killed:
        killed = 1 if _has_evidence(doc, DEATH_EVIDENCE, _rank_end(sents, ranks, DEATH_EVIDENCE_SENTENCES)) or (
            _plain_death(doc[:_rank_end(sents, ranks, PLAIN_DEATH_SENTENCES) or len(doc)])) else 0
    if "casualties" in extra:
        if shot is not None:
            shot += extra["casualties"]  # "two people were shot ... another man was shot": three hit
        elif killed:
            # "a man was killed ... another man was shot": someone else, only said to be shot, lived
            injured = (injured or 0) + extra["casualties"]
        else:
            shot = extra["casualties"]
    if shot is not None and shot > killed:
        injured = max(injured or 0, shot - killed)
    if "casualties" in singles and "killed" in singles:
        # "a teenager was killed and a delivery driver was shot": in the sentence that names the dead one
        # by one, a person only said to be shot is someone else, who survived
        first = min(singles["casualties"])
        if first in singles["killed"]:
            injured = max(injured or 0, len(singles["casualties"][first]))
    if injured == 0 and explicit.get("injured") and not any(explicit["injured"]) and "injured" not in singles:
        injured = None  # only "no one else was hurt": the people hurt first may have no number
    if injured is None and killed and later.get("injured"):
        injured = later["injured"][0]  # "one man died ... Three other people were wounded" (a later paragraph)
    if injured is None:
        # With a death reported, "he was shot", "she suffered a gunshot wound" is most often the one who
        # died, before the death is told; someone else hurt is counted ("a woman was also wounded").
        if not killed:
            injured = 1 if _has_evidence(doc, INJURY_EVIDENCE) else 0
        else:
            end = _rank_end(sents, ranks, INJURED_LATER_SENTENCES)
            injured = 1 if _treated_and_released(doc[:end] if end is not None else doc) else 0
    return {"killed": killed, "injured": injured}


ALSO_WORDS = frozenset({"also", "too"})
OTHERS = frozenset({"other", "others"})
EARLIER_MARKERS = frozenset({"after", "since", "before"})


def _span_of(doc: Doc, q: Quantity) -> Span | None:
    """The tokens of a quantity's text, or None if they cannot be found."""
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    return span if span is not None and len(span) else None


def _root_of(doc: Doc, q: Quantity) -> Token | None:
    """The head token of a quantity's span (its counted noun or its number)."""
    span = _span_of(doc, q)
    return span.root if span is not None else None


def _conjoined_extra(doc: Doc, q: Quantity, quantities: list[Quantity]) -> int:
    """People joined to q's by "and" that no quantity counts: "three men and three women were hurt" (3 more),
    "four adults and a teen were hit" (1 more)."""
    root = _root_of(doc, q)
    if root is None or _unit_of(root) != "people":
        return 0
    counted = {(o.start, o.end) for o in quantities if o is not q}
    starts = {o.start for o in quantities if o is not q}
    extra = 0
    for conj in root.conjuncts:
        if conj.i < root.i or _unit_of(conj) != "people" or conj.ent_type_ == "PERSON":
            continue
        if any(c.lower_ == "unborn" for c in conj.children):
            continue  # "a woman and her unborn baby": casualty counts count people born
        left = conj.left_edge
        if left.idx in starts or any(a <= left.idx < b for a, b in counted):
            continue  # a quantity of its own, already counted by _conjoined
        numbers = [c for c in conj.children if c.dep_ == "nummod"]
        if numbers:
            parsed = parse_words([numbers[0].lower_])
            if parsed is not None and parsed.value is not None and parsed.value < 100:
                extra += parsed.value
        elif conj.tag_ == "NN" and any(c.dep_ in {"det", "poss"} and c.lower_ in SINGLE_DETERMINERS
                                       for c in conj.children):
            extra += 1
    return extra


def _conjoined(doc: Doc, a: Quantity | None, b: Quantity) -> bool:
    """Whether b's people are a conjunct of a's ("two children and a man"): told together, they add up."""
    if a is None:
        return False
    ra, rb = _root_of(doc, a), _root_of(doc, b)
    return ra is not None and rb is not None and ra.i != rb.i and rb in ra.conjuncts


def _object_of_agent(doc: Doc, q: Quantity) -> bool:
    """Whether q's people are the object of an active verb of harm ("killed his two daughters"): the one
    who did it is not among them."""
    root = _root_of(doc, q)
    while root is not None and root.dep_ == "conj" and root.head.i < root.i:
        root = root.head
    return root is not None and root.dep_ == "dobj" and root.head.pos_ == "VERB" and root.head.lemma_ in AGENT_VERBS


def _said_also(doc: Doc, q: Quantity) -> bool:
    """Whether the verb of the person counted by q says "also" / "too" ("a woman was also wounded")."""
    span = _span_of(doc, q)
    if span is None:
        return False
    if any(t.ent_type_ == "ORDINAL" or t.lower_ in {"second", "third", "fourth"} for t in span):
        return False  # "a third victim was also shot": one of those a total already counts
    verb = span[-1].head
    return span[-1].dep_ in SUBJECT_DEPS and any(c.lower_ in ALSO_WORDS for c in verb.children)


def _one_more(doc: Doc, q: Quantity, quantities: list[Quantity]) -> bool:
    """Whether 'another man was wounded' adds one person to the victims already counted: when it is
    told with them ("a woman was killed and another man was wounded") or says so ("was also shot").
    The object of an active verb of harm ("the boy shot and killed another boy", "striking another
    child") is other than the one who did it; a sentence of its own, without "also", is as often the
    next incident of a round-up ("Another person was shot around 3 a.m. on Main Street")."""
    span = _span_of(doc, q)
    if span is None:
        return False
    person = span[-1]
    if person.dep_ == "dobj" and person.head.pos_ == "VERB":
        return False
    verb = person.head
    if any(c.lower_ in ALSO_WORDS for c in verb.children) or any(
            c.lower_ in ALSO_WORDS for c in verb.head.children if verb.dep_ == "conj"):
        return True
    sent = person.sent
    earlier = doc[sent.start:person.i]
    # "24 hours after a student was shot, another teen has been shot": the clause of time is an earlier case
    before = {t.i for mark in earlier if mark.dep_ == "mark" and mark.lower_ in EARLIER_MARKERS
              for t in mark.head.subtree}
    for other in quantities:
        if sent.start_char <= other.start < q.start and other.unit == "people":
            span = doc.char_span(other.start, other.end, alignment_mode="expand")
            if span is not None and not any(t.i in before for t in span):
                return True
    return False


# "in separate shootings", "in shootings across the city", "citywide": a sentence that sums many incidents
TALLY_EVENTS = frozenset({"shootings", "incidents", "homicides", "attacks", "killings", "murders", "slayings"})
TALLY_MODIFIERS = frozenset({"separate", "unrelated", "different", "several", "multiple"})
CITYWIDE = frozenset({"citywide", "city-wide", "statewide", "countywide", "nationwide"})
TALLY_PREPOSITIONS = frozenset({"across", "throughout", "around"})


def _is_tally(sent: Span) -> bool:
    """Whether the sentence adds up people hit in several incidents ("Five people were killed and 17
    wounded in separate shootings across the city", "shootings that wounded 15 people over the
    weekend"): its figure is not the one incident's."""
    for token in sent:
        lower = token.lower_
        if lower in CITYWIDE:
            return True
        if lower in TALLY_EVENTS and token.tag_ == "NNS" and any(c.lower_ in TALLY_MODIFIERS for c in token.children):
            return True  # "in separate shootings", not "the shootings that killed two men" (one incident's shots)
        if lower in TALLY_PREPOSITIONS and any(
                c.dep_ == "pobj" and (c.lemma_ in {"city", "county", "state", "region", "area"} or c.ent_type_ == "GPE")
                for c in token.children):
            return True
    return False


def _named_dead(sents: list[Span], ranks: list[int], lead_sentences: int) -> int:
    """How many people the lead names as killed: a PERSON entity (with its conjuncts) that is the object
    of an active 'kill' ("killing Jane Doe and John Roe") or the subject of a passive one ("Jane Doe was
    shot and killed"), counted once per surname (the same victim is named again)."""
    names: set[str] = set()
    for sent, rank in zip(sents, ranks, strict=True):
        if rank >= lead_sentences:
            break
        for token in sent:
            if token.lemma_ != "kill" or token.pos_ != "VERB" or any(c.dep_ == "neg" or c.tag_ == "MD"
                                                                      for c in token.children):
                continue
            passive = any(c.dep_ == "auxpass" for c in token.children)
            arguments = list(token.children)
            if token.dep_ == "conj" and not any(c.dep_ in {"nsubj", "nsubjpass", "dobj"} for c in arguments):
                # "Jane Doe was shot and killed": "killed" shares the passive subject of "shot"
                arguments = list(token.head.children)
                passive = any(c.dep_ == "auxpass" for c in arguments)
            for child in arguments:
                if child.dep_ != ("nsubjpass" if passive else "dobj"):
                    continue
                for person in (child, *[c for c in child.children if c.dep_ == "conj"]):
                    if person.ent_type_ == "PERSON" and person.pos_ == "PROPN":
                        names.add(person.lower_)
    return len(names)


def _lead_ranks(sents: list[Span]) -> list[int]:
    """Each sentence's number among the counted sentences (those of at least LEAD_MIN_WORDS words) before it."""
    ranks: list[int] = []
    rank = 0
    for sent in sents:
        ranks.append(rank)
        if sum(1 for t in sent if t.is_alpha) >= LEAD_MIN_WORDS:
            rank += 1
    return ranks


def _rank_end(sents: list[Span], ranks: list[int], limit: int) -> int | None:
    """The token index where the first `limit` counted sentences end (None: the whole doc is within them)."""
    for sent, rank in zip(sents, ranks, strict=True):
        if rank >= limit:
            return sent.start
    return None


def _treated_and_released(span: Doc | Span) -> bool:
    """'was treated and released', 'treated at a hospital and released': someone hurt who lived (the dead
    are not released), so with a death reported there is one injured more."""
    for token in span:
        if token.lower_ == "released" and any(t.lower_ == "treated" for t in (token.head, *token.head.children)) and (
                not any(c.dep_ == "neg" for c in token.children)):
            return True
    return False


def _nobody(person: Token) -> bool:
    """'nobody', 'none', 'no one': the person a harm is told of is no one."""
    return person.lower_ in ZERO_WORDS or any(c.lower_ in {"no", "nobody"} for c in person.children)


def _plain_death(span: Span) -> bool:
    """A finite 'died' or 'killed' (past or present, not negated, not modal, not 'nearly', not 'no one
    was killed'), whoever the parser makes its subject or object: in the first sentences of a local
    report it tells the incident's death even when a headline run into the sentence or a misread
    object ("shot and killed an 11-year-old last Friday" with "Friday" as the object) hides the victim."""
    for token in span:
        if token.pos_ != "VERB" or token.tag_ not in FINITE_OR_PARTICIPLE or token.lemma_ not in PLAIN_DEATH_VERBS:
            continue
        if _negated_or_modal(token) or any(c.lower_ in NEAR_MISS for c in token.children):
            continue
        if token.dep_ == "conj" and _negated_or_modal(token.head):
            continue  # "could have been shot and killed"
        if any(c.dep_ in SUBJECT_DEPS and _nobody(c) for c in token.children):
            continue  # "no one was killed"
        return True
    return False


FOUND_VERBS = frozenset({"find", "discover", "locate", "recover", "pull"})


def _found_dead(token: Token) -> bool:
    """'was gunned down', 'a body was found', 'police found his body': a death told without a death word."""
    if token.lemma_ == "gun" and token.pos_ == "VERB" and any(c.lower_ == "down" for c in token.children):
        return not _negated_or_modal(token)
    if token.lemma_ == "body" and token.pos_ == "NOUN" and token.dep_ in {"nsubjpass", "dobj"} and (
            token.head.lemma_ in FOUND_VERBS):
        return not _negated_or_modal(token.head)
    return False


def _negated_or_modal(verb: Token) -> bool:
    """'was not shot to death', 'could have left him dead': the verb does not report a fact."""
    return any(c.dep_ == "neg" or c.tag_ == "MD" for c in verb.children)


def _has_evidence(doc: Doc, words: frozenset[str], end: int | None = None) -> bool:
    """A person (name, pronoun or noun) is the one said to have died or been hurt, not negated (tokens
    before `end` only, when given)."""
    for token in doc[:end] if end is not None else doc:
        if "kill" in words and _found_dead(token):
            return True
        if token.lemma_ not in words and token.lower_ not in words:
            continue
        if any(c.dep_ == "neg" for c in token.children):
            continue
        if token.pos_ == "VERB" and any(c.tag_ == "MD" for c in token.children):
            continue  # "he could have been killed", "she may die": not a report of a death or a wound
        if "wound" in words and any(c.lower_ in FATAL_MODIFIERS for c in token.children):
            continue
        if token.lower_ in {"fatal", "deadly", "fatally"} and token.head.lemma_ in FATAL_HEADS:
            return True  # "the fatal shooting of", "fatally shot", "was fatally injured"
        if "kill" in words and token.lower_ == "death" and token.head.lower_ == "to" and (
                token.head.head.lemma_ in TO_DEATH_VERBS) and not _negated_or_modal(token.head.head):
            return True  # "was found shot to death", "beaten to death"
        if "kill" in words and token.lower_ == "dead" and token.head.lemma_ == "leave" and (
                not _negated_or_modal(token.head)):
            return True  # "a shooting that left one student dead"
        if token.lower_ == "death" and any(t.lower_ == "shooting" for t in doc[max(0, token.i - 3):token.i]):
            return True  # "the (Thursday morning) shooting death of"
        if token.lower_ == "death" and "kill" in words and any(
                c.dep_ == "prep" and c.lower_ == "of" and any(
                    g.ent_type_ == "PERSON" or _singular_person(g) or g.lower_.endswith("old") for g in c.children)
                for c in token.children):
            return True  # "charged in the death of 5-year-old Noelle"
        if "kill" in words and token.lower_ in MURDER_CHARGES and token.head.lower_ in {"with", "for"} and (
                token.head.head.lemma_ in CHARGE_VERBS) and not any(
                t.lower_ in NOT_A_DEATH for t in doc[max(0, token.i - 3):token.i]):
            return True  # "was charged with murder", "arrested for homicide" (not "attempted murder")
        if "kill" in words and token.lemma_ == "pass" and any(c.lower_ == "away" for c in token.children):
            return True  # "the boy passed away"
        if "kill" in words and token.lemma_ == "life" and token.head.lemma_ in {"claim", "take"} and not any(
                c.tag_ == "MD" for c in token.head.children):
            return True  # "the shooting claimed the life of a father" (not "could have taken his life")
        if token.lower_ == "gunshot" and token.head.lemma_ in {"wound", "injury"} and "wound" in words:
            return True  # "taken to hospital with a gunshot wound"
        # "was pronounced dead", "was found dead": the subject belongs to the verb above the adjective
        verb = token.head if token.pos_ == "ADJ" and token.dep_ in {"oprd", "acomp", "xcomp", "ccomp"} else token
        if token.pos_ == "NOUN" and token.dep_ == "dobj" and token.head.lemma_ in SUFFER_VERBS:
            verb = token.head  # "she suffered a gunshot wound": the sufferer is hurt
        if token.pos_ == "ADJ" and token.dep_ == "amod" and token.lower_ in {"dead", "deceased"} and (
                _unit_of(token.head) == "people" or token.head.ent_type_ == "PERSON"):
            return True  # "deputies located a deceased male"
        if verb.lemma_ == "recover" and any(c.dep_ == "dobj" for c in verb.children):
            continue  # "officers recovered a handgun"
        arguments = [c for c in verb.children if c.dep_ in {"nsubjpass", "nsubj", "dobj"}]
        patients: list[Token] = []  # arguments that can only be the one hurt
        if verb.dep_ == "conj" and not arguments:
            # "the suspect was shot and later died": the second verb shares the first one's subject
            patients += [c for c in verb.head.children if c.dep_ in SUBJECT_DEPS]
            if verb.head.dep_ == "acl":
                patients.append(verb.head.head)  # "the deputy shot and injured in ..."
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            patients.append(verb.head)  # "the man killed in Friday's shooting"
        for child in (*arguments, *patients):
            if child.dep_ == "nsubj" and verb.pos_ == "VERB" and verb.lemma_ not in PATIENT_SUBJECT_VERBS \
                    and verb.i == token.i and child in arguments:
                continue  # "he shot two people": the subject is the shooter
            if child.lower_ in {"who", "that"} and child.head.dep_ == "relcl":
                child = child.head.head  # "the 2-year-old who died", "a girl who was shot and killed"
            if child.ent_type_ == "PERSON" or child.lower_ in _PERSON_PRONOUNS or (
                    child.pos_ in {"NOUN", "ADJ"} and (_unit_of(child) == "people" or child.lower_.endswith("old"))):
                if _nobody(child):
                    continue
                return True
    return False
