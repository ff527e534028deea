"""`sitrep eval counts`: killed and injured per article against the Gun Violence Archive incident.

Gold: `gva_casualties` (SemEval-2018 Task 5 source data): local news articles, each linked to one GVA
incident with `num_killed` and `num_injured`. For each article sitrep's figure is
`sitrep.stages.quantities.article_totals(doc)`; metrics:

- `killed_exact`, `injured_exact`, `both_exact`: the article's figure equals the incident's;
- `killed_within`, `injured_within`: the figure does not exceed the incident's (an early report may
  undercount; GVA counts are final) — SOURCE.md's "document should support <= GVA count";
- `killed_within1`, `injured_within1`: off by at most one;
- the same for a baseline, "the first number within three words of a kill (wound) word, else 0";
- each figure also on the `dev` and `test` halves (split by a hash of the incident id, so every article
  of one incident is on one side): the rules were tuned on `dev` only;
- `reporting_*`: the same on the articles whose text says anything about a shooting or a casualty (a
  fixed word list, independent of sitrep). About 7% of the linked pages are sign-in forms, paywalls,
  video lists or court dockets that cannot support any count; the headline figures keep them (the
  protocol of the issue), this breakdown shows how much of the gap they are.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.errors import Errors, SitrepError
from sitrep.eval.runner import Report, gold_article, resolve_paths, run_docs
from sitrep.resources.numbers import parse_words
from sitrep.stages.quantities import article_totals

TASK = "counts"
KILL_WORDS = frozenset({"killed", "dead", "died", "dies", "death", "deaths", "fatally", "killing", "slain",
                        "murdered"})
WOUND_WORDS = frozenset({"wounded", "injured", "hurt", "injuries", "wounding", "injuring", "shot"})
# An article "reports" a shooting when its text has one of these words (independent of sitrep's rules).
REPORTING = re.compile(r"\b(?:" + "|".join(sorted(KILL_WORDS | WOUND_WORDS | {
    "shoot", "shooting", "shootings", "shots", "gun", "guns", "gunfire", "gunshot", "gunshots", "homicide",
    "fatal", "wound", "wounds", "injury"})) + r")\b", re.IGNORECASE)


def split_of(incident_id: str) -> str:
    """'dev' or 'test', stable across runs and machines (md5 of the incident id)."""
    return "dev" if int(hashlib.md5(incident_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def load_gold(paths: list[Path]) -> list[dict[str, Any]]:
    """Articles with their incident's counts: [{id, text, published, title, killed, injured, split}]."""
    files = resolve_paths(paths, "gva_casualties", "*.jsonl")
    incident_files = [p for p in files if "incident" in p.name]
    article_files = [p for p in files if "article" in p.name]
    if not incident_files:  # an articles file given alone: its incidents lie beside it
        incident_files = sorted({q for p in article_files for q in p.parent.glob("*incident*.jsonl")})
    if not incident_files or not article_files:
        raise SitrepError(Errors.E402.format(path=", ".join(map(str, paths)) or "gva_casualties", task=TASK))
    incidents: dict[str, dict[str, Any]] = {}
    for path in incident_files:
        with path.open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                incidents[str(row["incident_uri"])] = row
    gold: list[dict[str, Any]] = []
    for path in article_files:
        with path.open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                incident = incidents.get(str(row["incident_id"]))
                if incident is None or not row.get("text"):
                    continue  # 241 incidents have articles but no counts in the snapshot
                gold.append({
                    "id": row["doc_id"], "text": row["text"], "published": row.get("dct"),
                    "title": row.get("title"), "killed": int(incident["num_killed"]),
                    "injured": int(incident["num_injured"]), "split": split_of(str(row["incident_id"])),
                    "reporting": REPORTING.search(row["text"]) is not None,
                })
    return gold


def baseline_totals(doc: Doc) -> dict[str, int]:
    """The first number within three words of a kill (wound) word, else 0."""
    return {"killed": _first_number_near(doc, KILL_WORDS), "injured": _first_number_near(doc, WOUND_WORDS)}


def _first_number_near(doc: Doc, words: frozenset[str]) -> int:
    for token in doc:
        if token.lower_ not in words:
            continue
        for other in doc[max(0, token.i - 3):token.i + 4]:
            if other.like_num or other.lower_ in {"one", "two", "three"}:
                parsed = parse_words([other.lower_])
                if parsed is not None and parsed.value is not None and parsed.value < 1000:
                    return parsed.value
    return 0


def _score(pairs: list[tuple[dict[str, int], dict[str, Any]]], prefix: str = "") -> dict[str, float]:
    n = len(pairs) or 1
    out: dict[str, float] = {}
    for key in ("killed", "injured"):
        out[f"{prefix}{key}_exact"] = sum(p[key] == g[key] for p, g in pairs) / n
    out[f"{prefix}both_exact"] = sum(p["killed"] == g["killed"] and p["injured"] == g["injured"]
                                     for p, g in pairs) / n
    for key in ("killed", "injured"):
        out[f"{prefix}{key}_within"] = sum(p[key] <= g[key] for p, g in pairs) / n
        out[f"{prefix}{key}_within1"] = sum(abs(p[key] - g[key]) <= 1 for p, g in pairs) / n
    return out


def evaluate(paths: list[Path], nlp: Language, *, limit: int | None = None) -> Report:
    """Score per-article killed/injured figures on the GVA articles (first `limit` articles if given)."""
    gold = load_gold(paths)
    if limit:
        gold = gold[:limit]
    articles = (gold_article(g["text"], doc_id=g["id"], published=g["published"], title=g["title"]) for g in gold)
    ours: list[tuple[dict[str, int], dict[str, Any]]] = []
    base: list[tuple[dict[str, int], dict[str, Any]]] = []
    for doc, g in zip(run_docs(nlp, articles, total=len(gold), description=TASK), gold, strict=True):
        ours.append((article_totals(doc), g))
        base.append((baseline_totals(doc), g))
    metrics: dict[str, Any] = {"articles": len(gold)}
    metrics.update(_score(ours))
    metrics.update({f"baseline_{k}": v for k, v in _score(base).items()})
    reporting = [(p, g) for p, g in ours if g["reporting"]]
    metrics["reporting_articles"] = len(reporting)
    for split in ("all", "dev", "test"):
        part = [(p, g) for p, g in reporting if split == "all" or g["split"] == split]
        scored = _score(part)
        prefix = "reporting_" if split == "all" else f"{split}_reporting_"
        metrics.update({f"{prefix}{k}": scored[k] for k in ("killed_exact", "injured_exact", "both_exact")})
    rows = []
    for split in ("dev", "test"):
        part = [(p, g) for p, g in ours if g["split"] == split]
        part_base = [(p, g) for p, g in base if g["split"] == split]
        metrics[f"{split}_articles"] = len(part)
        metrics.update(_score(part, prefix=f"{split}_"))
        scored = _score(part)
        scored_base = _score(part_base)
        rows.append({"split": split, "articles": len(part), "killed_exact": scored["killed_exact"],
                     "injured_exact": scored["injured_exact"], "baseline_killed_exact": scored_base["killed_exact"],
                     "baseline_injured_exact": scored_base["injured_exact"]})
    return Report(task=TASK, metrics=metrics, rows=rows,
                  notes=["within = sitrep's figure <= the incident's; dev/test split by md5(incident id) % 2",
                         "reporting_* = articles whose text has a shooting or casualty word (REPORTING)"])
