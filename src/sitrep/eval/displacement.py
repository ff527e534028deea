"""`sitrep eval displacement`: displacement figures against IDMC analysts (IDETECT challenge data).

Gold: `idmc_displacement`, excerpts of 1-5 sentences each labelled with ONE fact (quantity, reporting
term, reporting unit). Only one fact per excerpt is labelled, so the task is recall: does sitrep
extract that figure? Metrics (all over excerpts with a numeric gold figure):

- `quantity_acc`: some displacement-type quantity (displaced, evacuated, destroyed/damaged housing,
  trapped, affected) has the gold figure as its value, low or high;
- `term_acc`: of the excerpts whose figure was found, the share where that quantity's term maps to
  the analyst's reporting term (IDETECT scored term and unit on the found fact);
  `term_acc_all` the same over every excerpt (figure and term both right);
- `unit_acc` / `unit_acc_all` likewise for the unit (homes count as IDMC "Households");
- a baseline: the first number in the excerpt, term "Displaced" (the most frequent), unit "People";
- each on the `dev` and `test` halves (md5 of the excerpt text), the rules were tuned on `dev` only.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.errors import Errors, SitrepError
from sitrep.eval.runner import Report, gold_article, resolve_paths, run_docs
from sitrep.model import Quantity
from sitrep.resources.numbers import digits_value

TASK = "displacement"
DISPLACEMENT_CATEGORIES = frozenset({"displaced", "evacuated", "destroyed", "damaged", "trapped", "affected"})
# sitrep's term -> IDMC reporting term
TERMS: dict[str, str] = {
    "displaced": "Displaced", "fled": "Forced to Flee", "evacuated": "Evacuated", "sheltered": "Sheltered",
    "homeless": "Homeless", "relocated": "Relocated", "in camps": "In Relief Camp",
    "destroyed housing": "Destroyed Housing", "partially destroyed housing": "Partially Destroyed Housing",
    "uninhabitable housing": "Uninhabitable Housing",
}
UNITS: dict[str, str] = {"people": "People", "households": "Households", "homes": "Households"}


def load_gold(paths: list[Path]) -> list[dict[str, Any]]:
    """[{id, text, quantity, term, unit, file, split}] from both IDMC CSV layouts."""
    files = [p for p in resolve_paths(paths, "idmc_displacement", "*.csv")]
    if not files:
        raise SitrepError(Errors.E402.format(path=", ".join(map(str, paths)) or "idmc_displacement", task=TASK))
    gold: list[dict[str, Any]] = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f)):
                text = row.get("excerpt") or row.get("Excerpt") or ""
                figure = row.get("Quantity") or row.get("Displacement figure") or ""
                term = row.get("Term") or row.get("Reporting term") or ""
                unit = row.get("Unit") or row.get("Reporting unit") or ""
                value = digits_value(figure.strip().replace(" ", ""))
                if not text.strip() or value is None:
                    continue
                gold.append({
                    "id": f"{path.stem}:{row.get('excerpt_id') or i}", "text": text, "quantity": int(value),
                    "term": term.strip(), "unit": unit.strip(), "file": path.stem,
                    "split": "dev" if int(hashlib.md5(text.encode()).hexdigest(), 16) % 2 == 0 else "test",
                })
    return gold


def predict(doc: Doc, gold_quantity: int) -> tuple[bool, str | None, str | None]:
    """(figure found, its IDMC term, its IDMC unit): the displacement quantity carrying the gold figure."""
    quantities: list[Quantity] = doc._.quantities or []
    candidates = [q for q in quantities if q.category in DISPLACEMENT_CATEGORIES]
    for q in candidates:
        if gold_quantity in {q.value, q.low, q.high}:
            return True, TERMS.get(q.term or "", q.term), UNITS.get(q.unit, q.unit)
    return False, None, None


def baseline(doc: Doc, gold_quantity: int) -> tuple[bool, str | None, str | None]:
    """The first number in the excerpt, the most frequent term and unit."""
    for token in doc:
        value = digits_value(token.lower_)
        if value is not None:
            return int(value) == gold_quantity, "Displaced", "People"
    return False, None, None


def _score(rows: list[tuple[tuple[bool, str | None, str | None], dict[str, Any]]], prefix: str = "") -> dict:
    n = len(rows) or 1
    found = [(p, g) for p, g in rows if p[0]]
    nf = len(found) or 1
    return {
        f"{prefix}quantity_acc": len(found) / n,
        f"{prefix}term_acc": sum(p[1] == g["term"] for p, g in found) / nf,
        f"{prefix}unit_acc": sum(p[2] == g["unit"] for p, g in found) / nf,
        f"{prefix}term_acc_all": sum(p[1] == g["term"] for p, g in found) / n,
        f"{prefix}unit_acc_all": sum(p[2] == g["unit"] for p, g in found) / n,
    }


def evaluate(paths: list[Path], nlp: Language, *, limit: int | None = None) -> Report:
    """Score displacement figures, terms and units on the IDMC excerpts (first `limit` if given)."""
    gold = load_gold(paths)
    if limit:
        gold = gold[:limit]
    articles = (gold_article(g["text"], doc_id=g["id"]) for g in gold)
    ours, base = [], []
    for doc, g in zip(run_docs(nlp, articles, total=len(gold), description=TASK), gold, strict=True):
        ours.append((predict(doc, g["quantity"]), g))
        base.append((baseline(doc, g["quantity"]), g))
    metrics: dict[str, Any] = {"excerpts": len(gold)}
    metrics.update(_score(ours))
    metrics.update({f"baseline_{k}": v for k, v in _score(base).items()})
    rows = []
    for split in ("dev", "test"):
        part = [r for r in ours if r[1]["split"] == split]
        metrics[f"{split}_excerpts"] = len(part)
        metrics.update(_score(part, prefix=f"{split}_"))
    for name in sorted({g["file"] for g in gold}):
        part = [r for r in ours if r[1]["file"] == name]
        rows.append({"file": name, "excerpts": len(part), **_score(part)})
    return Report(task=TASK, metrics=metrics, rows=rows,
                  notes=["term_acc/unit_acc: on excerpts whose figure was found; *_all: over all excerpts"])
