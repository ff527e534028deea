"""Actor country accuracy of `sitrep_actors` on the PLOVER gold standard records (GSR).

usage: python benchmarks/actors_gsr.py [PATH_TO_PLOVER_GSR_CAMEO.json] [--show-misses]

The official figure is `sitrep eval events` (event sources/targets, owned by the events stage); this
script measures the actors stage alone, so that its helpers can be tuned before events exist.

Computation, per gold actor (each item of a record's `source` / `target` list with a `code`):
- `at`  : the gold `actorText` is located in the sentence (the part before "..." if any; exact
          string, else its first word; this is evaluation code, so `str.find` is fine here),
          `actor_at(doc, start, end)` is called on it, and the actor counts as right when its
          `country` equals the gold code.
- `country_at`: as `at`, but with `country_at(doc, start, end)` (the actor's country, else the
          country of a place named there), for gold actors that are places ("in Baghdad").
- `any` : right when the gold code is the country of any actor of the sentence.
Gold codes "IGO" / "NGO" (the GSR codes international bodies so) count as right when the actor's
country is an IGO code (`countries.is_igo`) or its sector is IGO or NGO. Legacy CAMEO codes in the
gold are mapped to ISO 3166-1 (JAP->JPN, ITL->ITA, VTN->VNM). Accuracy = right / gold actors, for
sources and targets apart. Records are split as `sitrep eval events` splits them for the argument
metrics (`sitrep.eval.events.argument_split`, CRC32 of the text): "dev" (misses may be read while
developing; `--show-misses` prints only these) and "heldout" (figures only); both halves and the
total are printed. Baseline: spaCy NER only, an entity's country by `country_code` of its
text (no titles, no context, no coreference), for an entity overlapping the located gold text.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import sitrep
from sitrep.eval.events import argument_split
from sitrep.resources.countries import country_code, is_igo
from sitrep.stages.actors import actor_at, country_at

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "gold" / "plover_gsr" / "PLOVER_GSR_CAMEO.json"
LEGACY = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
INTERNATIONAL = {"IGO", "NGO"}


def right(code: str, country: str | None, sector) -> bool:
    code = LEGACY.get(code, code)
    sectors = sector if isinstance(sector, list) else [sector]
    if code in INTERNATIONAL:
        return bool(country and is_igo(country)) or any(s in ("IGO", "NGO") for s in sectors)
    return country == code


def locate(text: str, actor_text: str) -> tuple[int, int] | None:
    phrase = actor_text.split("...")[0].strip() if "..." in actor_text else actor_text.strip()
    phrase = " ".join(phrase.split())
    at = text.find(phrase)
    if at < 0:  # "French warships" for "French and Egyptian warships": the first word
        first = phrase.split()[0] if phrase.split() else ""
        at = text.find(first) if first else -1
        return (at, at + len(first)) if at >= 0 else None
    return at, at + len(phrase)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--show-misses" in sys.argv
    path = Path(args[0]) if args else DEFAULT
    records = [r for r in json.loads(path.read_text()) if r.get("event") != "DOCUMENT" and r.get("text")]
    nlp = sitrep.load(stages=["sitrep_actors"])
    texts = [r["text"] for r in records]
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=64))
    elapsed = time.perf_counter() - t0
    # counts[(half, role, metric)] = [right, total]
    counts: dict[tuple[str, str, str], list[int]] = {}
    for record, doc in zip(records, docs, strict=True):
        half = argument_split(record["text"])
        for role in ("source", "target"):
            gold = record.get(role)
            if not isinstance(gold, list):
                continue
            for item in gold:
                code = item.get("code")
                if not code:
                    continue
                where = locate(doc.text, item.get("actorText", ""))
                actor = actor_at(doc, *where) if where else None
                ok_at = actor is not None and right(code, actor.country, actor.sector)
                ok_country = ok_at or (where is not None and right(code, country_at(doc, *where), None))
                ok_any = any(right(code, a.country, a.sector) for a in doc._.actors)
                base = where is not None and any(
                    right(code, country_code(e.text), None)
                    for e in doc.ents if e.label_ in ("GPE", "NORP", "ORG", "PERSON")
                    and e.start_char < where[1] and e.end_char > where[0]
                )
                oks = (("at", ok_at), ("country_at", ok_country), ("any", ok_any), ("baseline_at", base))
                for h in (half, "all"):
                    for metric, ok in oks:
                        cell = counts.setdefault((h, role, metric), [0, 0])
                        cell[0] += ok
                        cell[1] += 1
                if show and half == "dev" and not (ok_country if "--country" in sys.argv else ok_at):
                    got = (actor.name, actor.country, actor.sector) if actor else None
                    print(f"MISS {role} {code:5} {item.get('actorText')!r}: got {got} | {doc.text[:110]}")
    names = ("at", "country_at", "any", "baseline_at")
    print(f"{'half':7} {'role':7} " + " ".join(f"{m:>11}" for m in names) + "  n")
    metrics = {}
    for h in ("dev", "heldout", "all"):
        for role in ("source", "target"):
            row = [counts.get((h, role, m), [0, 0]) for m in names]
            accs = [r / t if t else 0.0 for r, t in row]
            print(f"{h:7} {role:7} " + " ".join(f"{a:11.3f}" for a in accs) + f"  {row[0][1]}")
            for m, a in zip(names, accs, strict=True):
                metrics[f"{h}_{role}_{m}"] = round(a, 4)
    metrics["seconds"] = round(elapsed, 2)
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
