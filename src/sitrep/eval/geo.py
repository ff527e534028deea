"""`sitrep eval geo`: toponym recognition and resolution on GeoWebNews, LGL and GeoVirus.

Gold formats (read at run time from `../shared/gold/geoparsing`, never stored in the repository):
- GeoWebNews: BRAT `N.txt` + `N.ann`; `T` lines give type and offsets, `#` AnnotatorNotes give a
  GeoNames id or "lat, lon". Gold coordinates of an id are read from sitrep's gazetteer; an id the
  gazetteer lacks has no coordinates and is left out of the distance metrics (counted in detection).
- LGL (`lgl.xml`) and GeoVirus (`GeoVirus.xml`): XML with offsets and coordinates (LGL: GeoNames ids).

Metrics (Gritta et al. 2018, "What's missing in geoparsing?"; Gritta et al. 2019, "A pragmatic guide
to geoparsing evaluation"):
- end to end: every gold toponym gets an error in km; a missed one counts 20,039 km (half the
  Earth's circumference); acc@161 (share within 161 km = 100 miles), mean and median km, and AUC of
  the log error curve (0 is perfect, 1 worst).
- detection: a gold toponym is found when a predicted place overlaps its span; a predicted place
  that overlaps no gold toponym annotation is a false positive.
- acc@161 on detected toponyms: the resolution quality alone.
An error is 0 when the predicted GeoNames id equals the gold id (countries and divisions carry
derived coordinates that need not equal the gold ones), else the great-circle distance.

Which annotations are toponyms. GeoWebNews annotates adjectival demonyms ("Russian officials") as
toponyms; LGL does too. sitrep's contract says demonyms are not places (they map to countries for
actors), so the primary figures leave out gold spans that have a demonym's form (one or two words,
the last ending like a demonym, -an/-ese/-ish/-i/..., and not a name of the gold place in the
gazetteer). Figures over every annotation are reported too (`all_*`), so nothing is hidden.

Held-out: the ranker's weights were set looking at the even-numbered documents of each set; the
`heldout_*` figures are over the odd-numbered documents only.

Baseline: spaCy's GPE/LOC/FAC entities resolved to the most populous gazetteer record of that name.
"""

from __future__ import annotations

import contextlib
import math
import re
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.errors import Errors, SitrepError
from sitrep.eval.runner import Report, gold_article, gold_root, run_docs
from sitrep.resources.gazetteer import Gazetteer, load_gazetteer, name_key

MISSED_KM = 20039.0
ACC_KM = 161.0
# GeoWebNews types that are toponyms (the others are generic expressions, demonyms, languages, non-toponyms).
GWN_TOPONYM_TYPES = frozenset({"Literal", "Mixed", "Coercion", "Literal_Modifier", "Non_Literal_Modifier",
                               "Embedded_Literal", "Embedded_Non_Lit", "Metonymic"})
_DEMONYM_END = re.compile(r"(?:an|ans|ese|ish|i|is|ic|ch|sh|ot|ots|er|ers|ite|ites|ean|ine|ic)$")


@dataclass
class GoldToponym:
    start: int
    end: int
    text: str
    gid: int | None
    lat: float | None
    lon: float | None
    demonym: bool = False


@dataclass
class GoldDoc:
    dataset: str
    doc_id: str
    index: int  # position in its set; odd positions are held out
    text: str
    toponyms: list[GoldToponym]
    other_spans: list[tuple[int, int]] = field(default_factory=list)  # annotated but not scored (no coordinates)
    published: str | None = None


# -- readers -----------------------------------------------------------------------------------------------------

def read_gwn(folder: Path, gaz: Gazetteer) -> Iterator[GoldDoc]:
    files = sorted(folder.glob("*.ann"), key=lambda p: int(p.stem) if p.stem.isdigit() else p.stem)
    for index, ann in enumerate(files):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        spans: dict[str, tuple[str, int, int]] = {}
        notes: dict[str, str] = {}
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if line.startswith("T") and len(parts) >= 2:
                head = parts[1].split()
                if len(head) >= 3 and head[1].isdigit() and head[-1].isdigit():
                    spans[parts[0]] = (head[0], int(head[1]), int(head[-1]))
            elif line.startswith("#") and len(parts) >= 3:
                notes[parts[1].split()[-1]] = parts[2].strip()
        toponyms, others = [], []
        for tid, (kind, start, end) in spans.items():
            if kind not in GWN_TOPONYM_TYPES:
                continue
            note = notes.get(tid, "")
            gid = lat = lon = None
            if note.isdigit():
                gid = int(note)
                entry = gaz.get(gid)
                if entry is not None:
                    lat, lon = entry.lat, entry.lon
            elif "," in note:
                with contextlib.suppress(ValueError):
                    lat, lon = (float(x) for x in note.split(",")[:2])
            if lat is None:
                others.append((start, end))
                continue
            toponyms.append(_gold(text, start, end, gid, lat, lon, gaz))
        yield GoldDoc("GeoWebNews", ann.stem, index, text, toponyms, others)


def read_xml(path: Path, gaz: Gazetteer) -> Iterator[GoldDoc]:
    root = ET.parse(path).getroot()
    dataset = "LGL" if root.find("article/toponyms") is not None else path.stem
    for index, article in enumerate(root.iter("article")):
        text = article.findtext("text") or ""
        published = (article.findtext("dltime") or "")[:10] or None
        toponyms = []
        for node in [*article.iter("toponym"), *article.iter("location")]:
            start, end = int(node.findtext("start")), int(node.findtext("end"))
            surface = node.findtext("phrase") or node.findtext("name") or ""
            if text[start:end] != surface:
                # GeoVirus offsets are one past the name (1-based); take the shift that matches it.
                for shift in (-1, 1):
                    if text[start + shift:end + shift] == surface:
                        start, end = start + shift, end + shift
                        break
            tag = node.find("gaztag")
            src = tag if tag is not None else node
            lat, lon = src.findtext("lat"), src.findtext("lon")
            if lat is None or lon is None:
                continue
            gid = int(tag.get("geonameid")) if tag is not None and tag.get("geonameid") else None
            if gid is None and node.findtext("page"):
                gid = _gid_from_page(node.findtext("page") or "", float(lat), float(lon), gaz)
            toponyms.append(_gold(text, start, end, gid, float(lat), float(lon), gaz))
        yield GoldDoc(dataset, article.get("docid") or str(index), index, text, toponyms, published=published)


def _gid_from_page(url: str, lat: float, lon: float, gaz: Gazetteer) -> int | None:
    """The GeoNames id of a country, first-level division or continent named by a Wikipedia page.

    GeoVirus gives Wikipedia coordinates only. For a city they match GeoNames' within metres; for a
    country or division they are one convention among many (Wikipedia puts Russia at 60N 90E; sitrep's
    derived centroid is elsewhere), so a distance would score the convention, not the resolution.
    Such gold toponyms are identified by the page title instead, when the title is exactly the
    name of such a record (of several, the one nearest the gold coordinates); cities keep their
    coordinates.
    """
    title = unquote(url.rstrip("/").rsplit("/", 1)[-1]).replace("_", " ")
    title = re.sub(r"\s*\(.*\)$", "", title)
    entries = [e for e, main in gaz.lookup(name_key(title)) if e.kind in ("country", "admin1", "continent")]
    if not entries:
        return None
    return min(entries, key=lambda e: km(lat, lon, e.lat, e.lon) if e.lat is not None else 1e9).gid


def _gold(text: str, start: int, end: int, gid: int | None, lat: float, lon: float, gaz: Gazetteer) -> GoldToponym:
    surface = text[start:end]
    return GoldToponym(start, end, surface, gid, lat, lon, _is_demonym(surface, gid, lat, lon, gaz))


def _is_demonym(surface: str, gid: int | None, lat: float, lon: float, gaz: Gazetteer) -> bool:
    """Whether a gold span has a demonym's form rather than a name of its place ("Russian" for Russia)."""
    words = surface.split()
    if not 1 <= len(words) <= 2 or not _DEMONYM_END.search(words[-1].lower()):
        return False
    entries = [e for e, _ in gaz.lookup(name_key(surface))]
    if gid is not None:
        return all(e.gid != gid for e in entries)
    return all(e.lat is None or km(lat, lon, e.lat, e.lon) > ACC_KM for e in entries)


def load_gold(paths: list[Path], gaz: Gazetteer) -> list[GoldDoc]:
    roots = paths or [gold_root() / "geoparsing"]
    docs: list[GoldDoc] = []
    for root in roots:
        if root.is_dir() and any(root.glob("*.ann")):
            docs.extend(read_gwn(root, gaz))
        elif root.is_dir():
            for sub in sorted(root.iterdir()):
                if sub.is_dir() and any(sub.glob("*.ann")):
                    docs.extend(read_gwn(sub, gaz))
                elif sub.suffix == ".xml":
                    docs.extend(read_xml(sub, gaz))
        elif root.suffix == ".xml":
            docs.extend(read_xml(root, gaz))
        elif root.suffix in (".ann", ".txt"):
            docs.extend(read_gwn(root.parent, gaz))
    if not docs:
        raise SitrepError(Errors.E402.format(path=", ".join(map(str, roots)), task="geo"))
    return docs


# -- scoring -----------------------------------------------------------------------------------------------------

def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Prediction:
    start: int
    end: int
    gid: int | None
    lat: float | None
    lon: float | None


@dataclass
class Tally:
    """Errors and detection counts for one system on one set of documents."""

    errors: list[float] = field(default_factory=list)  # end to end, one per gold toponym with coordinates
    detected_errors: list[float] = field(default_factory=list)
    found: int = 0
    gold: int = 0
    tp_pred: int = 0
    fp_pred: int = 0

    def add(self, gold: GoldDoc, preds: list[Prediction], keep: Any) -> None:
        for g in gold.toponyms:
            if not keep(g):
                continue
            self.gold += 1
            best = max((p for p in preds if p.start < g.end and g.start < p.end),
                       key=lambda p: min(p.end, g.end) - max(p.start, g.start), default=None)
            if best is None or best.lat is None:
                self.errors.append(MISSED_KM)
                continue
            self.found += 1
            error = 0.0 if best.gid is not None and best.gid == g.gid else km(best.lat, best.lon, g.lat, g.lon)
            self.errors.append(error)
            self.detected_errors.append(error)
        spans = [(g.start, g.end) for g in gold.toponyms] + gold.other_spans
        for p in preds:
            if any(p.start < e and s < p.end for s, e in spans):
                self.tp_pred += 1
            else:
                self.fp_pred += 1

    def metrics(self, prefix: str = "") -> dict[str, float]:
        errs = self.errors
        if not errs:
            return {}
        det = self.detected_errors
        return {
            f"{prefix}acc161": _share(errs),
            f"{prefix}mean_km": round(statistics.fmean(errs), 1),
            f"{prefix}median_km": round(statistics.median(errs), 1),
            f"{prefix}auc": auc(errs),
            f"{prefix}detection_precision": self.tp_pred / (self.tp_pred + self.fp_pred) if self.tp_pred + self.fp_pred
            else 0.0,
            f"{prefix}detection_recall": self.found / self.gold if self.gold else 0.0,
            f"{prefix}acc161_detected": _share(det) if det else 0.0,
            f"{prefix}toponyms": self.gold,
        }


def _share(errors: list[float]) -> float:
    return sum(e <= ACC_KM for e in errors) / len(errors)


def auc(errors: list[float]) -> float:
    """Area under the curve of sorted log errors, scaled to 0 (all exact) .. 1 (all 20,039 km),
    as in Gritta et al. 2018 (CamCoder's evaluation code)."""
    if len(errors) < 2:
        return 0.0
    logs = [math.log(e + 1) for e in sorted(errors)]
    area = sum((a + b) / 2 for a, b in pairwise(logs))
    return area / ((len(logs) - 1) * math.log(MISSED_KM + 1))


def predictions(doc: Doc) -> list[Prediction]:
    return [Prediction(p.start, p.end, p.geonameid, p.lat, p.lon) for p in (doc._.places or [])]


def baseline_predictions(doc: Doc, gaz: Gazetteer) -> list[Prediction]:
    """spaCy NER toponyms, each resolved to the most populous record of that exact name."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        key = name_key(ent.text)
        if key.startswith("the "):
            key = key[4:]
        entries = [e for e, _ in gaz.lookup(key)]
        if not entries:
            continue
        e = max(entries, key=lambda x: x.pop)
        out.append(Prediction(ent.start_char, ent.end_char, e.gid, e.lat, e.lon))
    return out


def evaluate(paths: list[Path], nlp: Language, *, limit: int | None = None) -> Report:
    """Score sitrep's places against the geoparsing gold sets found in `paths` (default: all of them)."""
    gaz = load_gazetteer()
    docs = load_gold(list(paths), gaz)
    if limit is not None:
        # the first `limit` documents of each set, so every set is represented
        per_set: dict[str, int] = {}
        kept = []
        for d in docs:
            per_set[d.dataset] = per_set.get(d.dataset, 0) + 1
            if per_set[d.dataset] <= limit:
                kept.append(d)
        docs = kept
    articles = [gold_article(d.text, doc_id=f"{d.dataset}:{d.doc_id}", published=d.published) for d in docs]

    def core(g: GoldToponym) -> bool:
        return not g.demonym

    def every(g: GoldToponym) -> bool:
        return True

    sets = sorted({d.dataset for d in docs})
    tallies: dict[tuple[str, str], Tally] = {}
    for key in [(s, v) for s in [*sets, "all"] for v in ("sitrep", "baseline", "heldout", "every")]:
        tallies[key] = Tally()
    for gold, doc in zip(docs, run_docs(nlp, articles, total=len(articles), description="geo"), strict=True):
        preds, base = predictions(doc), baseline_predictions(doc, gaz)
        for name in (gold.dataset, "all"):
            tallies[(name, "sitrep")].add(gold, preds, core)
            tallies[(name, "baseline")].add(gold, base, core)
            tallies[(name, "every")].add(gold, preds, every)
            if gold.index % 2 == 1:
                tallies[(name, "heldout")].add(gold, preds, core)

    metrics: dict[str, Any] = {}
    metrics.update(tallies[("all", "sitrep")].metrics())
    metrics.update(tallies[("all", "heldout")].metrics("heldout_"))
    metrics.update(tallies[("all", "every")].metrics("all_annotations_"))
    base = tallies[("all", "baseline")].metrics("baseline_")
    metrics.update({k: v for k, v in base.items() if not k.endswith("toponyms")})
    rows = []
    for s in sets:
        for variant in ("sitrep", "heldout", "baseline", "every"):
            m = tallies[(s, variant)].metrics()
            if not m:
                continue
            label = {"every": "sitrep+demonyms", "heldout": "sitrep heldout"}.get(variant, variant)
            rows.append({"set": s, "system": label, "n": m["toponyms"], "acc@161": m["acc161"],
                         "mean km": m["mean_km"], "median km": m["median_km"], "AUC": m["auc"],
                         "det P": m["detection_precision"], "det R": m["detection_recall"],
                         "acc@161 det": m["acc161_detected"]})
            short = {"GeoWebNews": "gwn", "LGL": "lgl", "GeoVirus": "geovirus"}.get(s, s.lower())
            if variant == "sitrep":
                metrics.update({f"{short}_{k}": v for k, v in m.items() if k != "toponyms"})
            elif variant == "heldout":
                metrics.update({f"{short}_heldout_{k}": v for k, v in m.items()
                                if k in ("acc161", "acc161_detected", "detection_recall")})
            elif variant == "baseline":
                metrics[f"{short}_baseline_acc161"] = m["acc161"]
    notes = [
        f"documents: {len(docs)}; gold toponyms with coordinates: {tallies[('all', 'every')].gold}, "
        f"of which demonym-form spans left out of the primary figures: "
        f"{tallies[('all', 'every')].gold - tallies[('all', 'sitrep')].gold}.",
        "Missed toponym = 20,039 km; error 0 when the GeoNames id matches. heldout = odd-numbered documents.",
    ]
    return Report(task="geo", metrics=metrics, rows=rows, notes=notes)
