"""`sitrep eval subtypes`: CASE 2021 task 2 snippets, ACLED sub-event types mapped onto PLOVER types.

Gold: `case2021_task2_acled/labelled.tsv` (id, EventSnippet, SubType). Each snippet is run as its own
article; the prediction is the type of its first (highest-confidence) event, `NONE` if it has none.

`ACLED_TO_PLOVER` is the project's mapping (documented with reasons in `docs/stages/events.md`). The
main metric, `mapped_acc`, is computed over the ACLED sub-event types that have a PLOVER counterpart;
`macro_acc` averages the per-PLOVER-class accuracy (recall) over the same snippets; `lenient_acc` also
accepts the other PLOVER types ACLED's definition of a subtype covers (`ACLED_ALSO`). The task's
non-ACLED "unseen" types are scored apart:
- `DIPLO` (diplomatic events of any kind) counts as right when the type is any diplomatic PLOVER type
  (`diplo_acc`);
- `NATURAL_DISASTER`, `MAN_MADE_DISASTER`, `ORG_CRIME` and ACLED `OTHER` have no PLOVER type; the share
  of those snippets whose top event is ASSAULT (a disaster or crime read as political violence) is
  reported as `non_event_assault_rate` (lower is better);
- `ATTRIB` (claims of responsibility, denials of them) is listed in the per-class rows only.
Held-out: the type re-ranker is trained on this set too, so the figures come from 5-fold
cross-validation (each snippet scored by a model trained without its fold); `rules_mapped_acc` is the
dependency-pattern layer alone. The lexicon and governor rules are developed on the errors of four
fifths of the snippets only (`eval.events.type_split`, CRC32 of the text): `mapped_acc_heldout` is the
fifth whose errors are not read, `mapped_acc_dev` the rest.
Baseline: always the most frequent mapped PLOVER type (`baseline_mapped_acc`, `baseline_macro_acc`).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

from spacy.language import Language

from sitrep.errors import Errors, SitrepError
from sitrep.eval.events import _top_type, split_accuracy, type_split
from sitrep.eval.runner import Report, gold_article, resolve_paths
from sitrep.stages.event_classifier import held_out_docs

# ACLED sub-event type (CASE 2021 label) -> PLOVER type. Reasons in docs/stages/events.md.
ACLED_TO_PLOVER: dict[str, str] = {
    "ARMED_CLASH": "ASSAULT",
    "GOV_REGAINS_TERIT": "ASSAULT",
    "NON_STATE_ACTOR_OVERTAKES_TER": "ASSAULT",
    "AIR_STRIKE": "ASSAULT",
    "ART_MISS_ATTACK": "ASSAULT",
    "CHEM_WEAP": "ASSAULT",
    "GRENADE": "ASSAULT",
    "REM_EXPLOS": "ASSAULT",
    "SUIC_BOMB": "ASSAULT",
    "ATTACK": "ASSAULT",
    "ABDUCT_DISSAP": "ASSAULT",
    "SEX_VIOL": "ASSAULT",
    "FORCE_AGAINST_PROTEST": "ASSAULT",
    "PEACE_PROTEST": "PROTEST",
    "PROTEST_WITH_INTER": "PROTEST",
    "VIOL_DEMONSTR": "PROTEST",
    "MOB_VIOL": "PROTEST",
    "ARREST": "COERCE",
    "PROPERTY_DISTRUCT": "COERCE",
    "DISR_WEAP": "COERCE",
    "AGREEMENT": "AGREE",
    "NON_VIOL_TERRIT_TRANSFER": "RETREAT",
    "HQ_ESTABLISHED": "MOBILIZE",
    "CHANGE_TO_GROUP_ACT": "MOBILIZE",
}
# Other PLOVER types that ACLED's own definition of the subtype also covers (ACLED codebook: an
# "Agreement" includes surrenders, prisoner releases and negotiations; "Protest with intervention" is
# met by arrests or dispersal; ...). Scored as `lenient_acc` next to the strict one-type mapping.
ACLED_ALSO: dict[str, frozenset[str]] = {
    "AGREEMENT": frozenset({"CONSULT", "RETREAT", "CONCEDE"}),
    "PROTEST_WITH_INTER": frozenset({"COERCE"}),
    "FORCE_AGAINST_PROTEST": frozenset({"COERCE"}),
    "VIOL_DEMONSTR": frozenset({"ASSAULT"}),
    "MOB_VIOL": frozenset({"ASSAULT"}),
    "CHANGE_TO_GROUP_ACT": frozenset({"RETREAT"}),
    "NON_VIOL_TERRIT_TRANSFER": frozenset({"MOBILIZE", "COERCE"}),
    "GOV_REGAINS_TERIT": frozenset({"COERCE"}),
    "NON_STATE_ACTOR_OVERTAKES_TER": frozenset({"COERCE"}),
    "PROPERTY_DISTRUCT": frozenset({"ASSAULT"}),
    "ABDUCT_DISSAP": frozenset({"COERCE"}),
}
DIPLOMATIC_TYPES = frozenset({"SANCTION", "ACCUSE", "CONSULT", "THREATEN", "REJECT", "AGREE", "SUPPORT",
                              "REQUEST", "COOPERATE", "CONCEDE"})
NON_EVENTS = frozenset({"NATURAL_DISASTER", "MAN_MADE_DISASTER", "ORG_CRIME", "OTHER"})


def load_gold(paths: list[Path]) -> list[dict]:
    files = [p for p in resolve_paths(paths, "case2021_task2_acled", "*.tsv") if p.name == "labelled.tsv"
             or paths]
    if not files:
        raise SitrepError(Errors.E402.format(path=paths or "case2021_task2_acled", task="subtypes"))
    rows: list[dict] = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                text, label = (row.get("EventSnippet") or "").strip(), (row.get("SubType") or "").strip()
                if text and label:
                    rows.append({"id": row.get("id") or str(len(rows)), "text": text, "label": label})
    return rows


def evaluate(paths: list[Path], nlp: Language, *, limit: int | None = None) -> Report:
    """Score the first event's type against the mapped ACLED subtype, per class and overall."""
    rows = load_gold(paths)
    if limit and limit < len(rows):
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    articles = [gold_article(r["text"], doc_id=f"case-{r['id']}") for r in rows]
    held, rules_only = held_out_docs(nlp, articles, [f"case:{r['id']}" for r in rows])
    predicted = [_top_type(doc) for doc in held]
    rules_predicted = [_top_type(doc) for doc in rules_only]
    per_label: dict[str, Counter] = defaultdict(Counter)
    mapped_gold: list[str] = []
    mapped_pred: list[str] = []
    diplo_hits = diplo_total = non_event_assault = non_event_total = lenient_hits = 0
    for row, pred in zip(rows, predicted, strict=True):
        label = row["label"]
        per_label[label][pred] += 1
        if label in ACLED_TO_PLOVER:
            mapped_gold.append(ACLED_TO_PLOVER[label])
            mapped_pred.append(pred)
            lenient_hits += pred == ACLED_TO_PLOVER[label] or pred in ACLED_ALSO.get(label, frozenset())
        elif label == "DIPLO":
            diplo_total += 1
            diplo_hits += pred in DIPLOMATIC_TYPES
        elif label in NON_EVENTS:
            non_event_total += 1
            non_event_assault += pred == "ASSAULT"
    rules_mapped = [p for row, p in zip(rows, rules_predicted, strict=True) if row["label"] in ACLED_TO_PLOVER]
    mapped_splits = [type_split(row["text"]) for row in rows if row["label"] in ACLED_TO_PLOVER]
    n = len(mapped_gold)
    rules_acc = sum(g == p for g, p in zip(mapped_gold, rules_mapped, strict=True)) / n if n else 0.0
    acc = sum(g == p for g, p in zip(mapped_gold, mapped_pred, strict=True)) / n if n else 0.0
    per_class = {
        label: sum(1 for g, p in zip(mapped_gold, mapped_pred, strict=True) if g == label == p)
        / sum(1 for g in mapped_gold if g == label)
        for label in sorted(set(mapped_gold))
    }
    macro = sum(per_class.values()) / len(per_class) if per_class else 0.0
    majority = Counter(mapped_gold).most_common(1)[0][0] if mapped_gold else "NONE"
    base_acc = sum(g == majority for g in mapped_gold) / n if n else 0.0
    base_macro = (1.0 / len(per_class)) if per_class else 0.0  # the majority class is right, the others never
    metrics = {
        "snippets": len(rows),
        "mapped_snippets": n,
        "mapped_acc": acc,
        "mapped_acc_dev": split_accuracy(mapped_gold, mapped_pred, mapped_splits, "dev"),
        "mapped_acc_heldout": split_accuracy(mapped_gold, mapped_pred, mapped_splits, "heldout"),
        "macro_acc": macro,
        "lenient_acc": lenient_hits / n if n else 0.0,
        "diplo_acc": diplo_hits / diplo_total if diplo_total else 0.0,
        "non_event_assault_rate": non_event_assault / non_event_total if non_event_total else 0.0,
        "no_event": sum(p == "NONE" for p in mapped_pred) / n if n else 0.0,
        "rules_mapped_acc": rules_acc,
        "baseline_mapped_acc": base_acc,
        "baseline_macro_acc": base_macro,
        "baseline_lenient_acc": sum(
            1 for row in rows if row["label"] in ACLED_TO_PLOVER
            and (ACLED_TO_PLOVER[row["label"]] == majority or majority in ACLED_ALSO.get(row["label"], frozenset()))
        ) / n if n else 0.0,
        **{f"acc_{label}": value for label, value in per_class.items()},
    }
    table = []
    for label in sorted(per_label):
        counts = per_label[label]
        total = sum(counts.values())
        target = ACLED_TO_PLOVER.get(label, "-")
        table.append({
            "subtype": label, "plover": target, "n": total,
            "acc": counts[target] / total if target != "-" else float("nan"),
            "predicted": ", ".join(f"{k} {v}" for k, v in counts.most_common(3)),
        })
    notes = [f"baseline: always {majority}"]
    return Report(task="subtypes", metrics=metrics, rows=table, notes=notes)
