"""`sitrep eval time`: TIMEX3 detection and normalisation on TimeML `.tml` files (TempEval-3 metrics).

Each `.tml` file gives the document creation time (DCT) in `<DCT><TIMEX3 value=...>` and the gold
expressions inline in `<TEXT>`. The text inside `<TEXT>` (tags removed, entities decoded) is the
article; its DCT the publication date. Metrics, as in TempEval-3 (UzZaman et al. 2013):

- strict span P/R/F1: system and gold spans identical; relaxed span P/R/F1: they overlap (one-to-one);
- value accuracy and type accuracy: over relaxed matches;
- value F1: P = relaxed matches with the right value / system expressions, R = the same / gold expressions
  (equal to relaxed F1 x value accuracy).

Week numbers are compared without zero padding ("2000-W7" in the gold equals "2000-W07").

The files are split deterministically (CRC32 of the file name mod 5 == 0: held-out) so that rules tuned
on the development part are also measured on files never looked at; both are reported.
A baseline row scores spaCy's DATE/TIME entities with a trivial normaliser (a bare four-digit year is
that year, every other DATE the DCT, TIME unresolved).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from sitrep.errors import Errors, SitrepError
from sitrep.eval.runner import Report, gold_article, prf, resolve_paths, run_docs

DEFAULT = "tempeval3"


@dataclass
class GoldTimex:
    start: int
    end: int
    type: str
    value: str


@dataclass
class GoldDoc:
    doc_id: str
    text: str
    dct: str | None
    timexes: list[GoldTimex]


def read_tml(path: Path) -> GoldDoc:
    """The text inside <TEXT>, its TIMEX3 spans (offsets into that text) and the DCT."""
    root = ET.parse(path).getroot()
    dct_node = root.find("DCT/TIMEX3")
    dct = (dct_node.get("value") or "")[:10] if dct_node is not None else None
    text_node = root.find("TEXT")
    if text_node is None:
        raise SitrepError(Errors.E402.format(path=path, task="time"))
    parts: list[str] = []
    timexes: list[GoldTimex] = []
    length = 0

    def walk(node: ET.Element) -> None:
        nonlocal length
        start = length
        if node.text:
            parts.append(node.text)
            length += len(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)
        if node.tag == "TIMEX3":
            timexes.append(GoldTimex(start, length, node.get("type", "DATE"), node.get("value", "")))

    walk(text_node)
    return GoldDoc(path.stem, "".join(parts), dct, timexes)


def is_heldout(path: Path) -> bool:
    """The deterministic held-out fifth of the files (never used to tune rules)."""
    return zlib.crc32(path.name.encode()) % 5 == 0


@dataclass
class Tally:
    """Counts for one system on one split."""

    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value_ok: int = 0
    type_ok: int = 0
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # (doc, text, gold, system)

    def add(self, other: Tally) -> None:
        self.gold += other.gold
        self.system += other.system
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.value_ok += other.value_ok
        self.type_ok += other.type_ok

    def metrics(self, prefix: str = "") -> dict[str, float | int]:
        strict = prf(self.strict, self.system - self.strict, self.gold - self.strict)
        relaxed = prf(self.relaxed, self.system - self.relaxed, self.gold - self.relaxed)
        value = prf(self.value_ok, self.system - self.value_ok, self.gold - self.value_ok)
        return {
            f"{prefix}strict_p": strict["precision"], f"{prefix}strict_r": strict["recall"],
            f"{prefix}strict_f1": strict["f1"],
            f"{prefix}relaxed_p": relaxed["precision"], f"{prefix}relaxed_r": relaxed["recall"],
            f"{prefix}relaxed_f1": relaxed["f1"],
            f"{prefix}value_accuracy": self.value_ok / self.relaxed if self.relaxed else 0.0,
            f"{prefix}value_f1": value["f1"],
            f"{prefix}type_accuracy": self.type_ok / self.relaxed if self.relaxed else 0.0,
        }


def _norm_value(value: str | None) -> str:
    return re.sub(r"-W0(\d)", r"-W\1", (value or "").strip())


def score(doc_id: str, text: str, gold: list[GoldTimex], system: list[tuple[int, int, str, str | None]]) -> Tally:
    """One document: one-to-one matching, exact spans first, then the largest overlap."""
    tally = Tally(gold=len(gold), system=len(system))
    used: set[int] = set()
    pairs: list[tuple[GoldTimex, tuple[int, int, str, str | None]]] = []
    for g in gold:
        exact = next((i for i, s in enumerate(system) if i not in used and s[0] == g.start and s[1] == g.end), None)
        if exact is not None:
            used.add(exact)
            tally.strict += 1
            pairs.append((g, system[exact]))
    matched_gold = {id(g) for g, _ in pairs}
    for g in gold:
        if id(g) in matched_gold:
            continue
        best, best_overlap = None, 0
        for i, s in enumerate(system):
            overlap = min(s[1], g.end) - max(s[0], g.start)
            if i not in used and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            used.add(best)
            pairs.append((g, system[best]))
        else:
            tally.errors.append((doc_id, text[g.start:g.end], g.value, "MISSED"))
    tally.relaxed = len(pairs)
    for g, s in pairs:
        if _norm_value(g.value) == _norm_value(s[3]):
            tally.value_ok += 1
        else:
            tally.errors.append((doc_id, text[g.start:g.end], g.value, f"{text[s[0]:s[1]]!r}={s[3]}"))
        if g.type == s[2]:
            tally.type_ok += 1
    for i, s in enumerate(system):
        if i not in used:
            tally.errors.append((doc_id, text[s[0]:s[1]], "SPURIOUS", str(s[3])))
    return tally


def baseline_value(text: str, label: str, dct: str | None) -> str | None:
    """The trivial normaliser of the baseline row."""
    if re.fullmatch(r"(?:in\s+)?\d{4}", text.strip()):
        return text.strip()[-4:]
    return dct if label == "DATE" else None


def evaluate(paths: list[Path], nlp: Language, *, limit: int | None = None, show_errors: int = 0) -> Report:
    """Score `sitrep_times` (and the spaCy-entity baseline) on TimeML files."""
    files = resolve_paths(paths, DEFAULT, "*.tml")
    if not files:
        raise SitrepError(Errors.E402.format(path=paths or DEFAULT, task="time"))
    files = files[:limit] if limit else files
    golds = [read_tml(p) for p in files]
    articles = [gold_article(g.text, doc_id=g.doc_id, published=g.dct) for g in golds]
    splits = {"dev": Tally(), "heldout": Tally()}
    base_splits = {"dev": Tally(), "heldout": Tally()}
    errors: list[tuple[str, str, str, str]] = []
    for path, gold, doc in zip(files, golds, run_docs(nlp, articles, total=len(articles), description="time"),
                               strict=True):
        split = "heldout" if is_heldout(path) else "dev"
        system = [(t.start, t.end, t.type, t.value) for t in (doc._.times or [])]
        tally = score(gold.doc_id, gold.text, gold.timexes, system)
        splits[split].add(tally)
        if split == "dev":
            errors.extend(tally.errors)
        base = [(e.start_char, e.end_char, e.label_, baseline_value(e.text, e.label_, gold.dct))
                for e in doc.ents if e.label_ in ("DATE", "TIME")]
        base_splits[split].add(score(gold.doc_id, gold.text, gold.timexes, base))
    total, base_total = Tally(), Tally()
    for name in ("dev", "heldout"):
        total.add(splits[name])
        base_total.add(base_splits[name])
    metrics: dict[str, float | int] = {"documents": len(files), "gold_timexes": total.gold}
    metrics.update(total.metrics())
    for name in ("dev", "heldout"):
        part = splits[name].metrics(f"{name}_")
        metrics.update({k: v for k, v in part.items() if k.endswith(("relaxed_f1", "strict_f1", "value_f1"))})
        metrics[f"{name}_gold_timexes"] = splits[name].gold
    metrics.update({k: v for k, v in base_total.metrics("baseline_").items()
                    if k.endswith(("_f1", "_accuracy"))})
    rows = []
    for name, tally in (("sitrep all", total), ("sitrep dev", splits["dev"]), ("sitrep held-out", splits["heldout"]),
                        ("baseline (spaCy DATE/TIME ents)", base_total)):
        m = tally.metrics()
        rows.append({"system": name, "gold": tally.gold, "strict F1": m["strict_f1"], "relaxed F1": m["relaxed_f1"],
                     "value acc": m["value_accuracy"], "value F1": m["value_f1"], "type acc": m["type_accuracy"]})
    notes = [f"{doc} | {text!r} | gold {gold} | sys {sys_}" for doc, text, gold, sys_ in errors[:show_errors]]
    return Report(task="time", metrics=metrics, rows=rows, notes=notes)
