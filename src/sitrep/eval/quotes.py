"""`sitrep eval quotes`: quote and attribution extraction scored on PolNeAR (BRAT Source/Cue/Content).

PolNeAR (Newell, Margolin & Ruths, LREC 2018) marks every attribution in US election news: its
Content (what is attributed, quotation marks included), its Cue ("said", "according to") and its
Source (the local mention: "he", "the campaign"). sitrep's quotes are scored against it:

- content P/R/F1, **overlap**: a predicted quote is right if it overlaps some gold content; a gold
  content is found if some predicted quote overlaps it (a quote split by its attribution, '"A," he
  said, "B"', is one discontinuous gold content and two sitrep quotes: both count);
- content P/R/F1, **exact**: the same with equal bounds, after trimming white space, quotation marks
  and edge punctuation on both sides (annotators differ on a closing comma, not on the content);
- **speaker accuracy** on the gold attributions that have a Source and a predicted quote overlapping
  their content (the predicted quote with the largest overlap): right if the predicted speaker's
  span overlaps the gold Source, or the speaker's name holds the last word of a non-pronoun Source.
  Given for direct quotes (gold content starts with a quotation mark) and for all attributions, and
  end to end (a gold attribution no quote overlaps counts as wrong);
- **cue** P/R/F1 by overlap over distinct cue spans.

A baseline is scored on the same docs: quotation marks only (straight and curly pairs, no cue), the
speaker being the nearest PERSON/ORG/GPE/NORP entity outside the quotation.

Files with several annotators keep the first annotation file (sorted by name), so each text counts
once. The gold is read at run time; nothing of it is stored in the repository.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.errors import Errors, SitrepError
from sitrep.eval.runner import Report, gold_article, gold_root, run_docs

TRIM = " \t\n\u00a0.,;:!?\"'“”‘’«»()—–-"
PRONOUNS = frozenset({
    "he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "his", "their", "its", "one", "this", "that",
})
_BASELINE_QUOTE = re.compile(r"“[^”\n]{1,2000}”|\"[^\"\n]{1,2000}\"|«[^»\n]{1,2000}»")
Frags = list[tuple[int, int]]


@dataclass
class GoldAttribution:
    content: Frags
    cue: Frags = field(default_factory=list)
    source: Frags = field(default_factory=list)
    direct: bool = False
    source_text: str = ""


@dataclass
class Prediction:
    start: int
    end: int
    speaker: tuple[int, int] | None = None
    speaker_name: str = ""
    cue: tuple[int, int] | None = None


def evaluate(paths: list[Path], nlp: Language, *, limit: int | None = None) -> Report:
    """Score `nlp`'s quotes on PolNeAR texts (default: the dev split, the held-out one; "train" scores
    the split the rules were developed on) and the quote-mark baseline."""
    pairs = _gold_files(paths)
    if not pairs:
        raise SitrepError(Errors.E402.format(path=", ".join(map(str, paths)) or "polnear/data/dev", task="quotes"))
    if limit is not None:
        pairs = pairs[:limit]
    published = _publication_dates(pairs)
    golds = [read_ann(ann, text_path.read_text(encoding="utf-8")) for text_path, ann in pairs]
    articles = (
        gold_article(text_path.read_text(encoding="utf-8"), doc_id=text_path.stem,
                     published=published.get(text_path.stem))
        for text_path, _ in pairs
    )
    ours = Tally()
    base = Tally()
    kinds: Counter[str] = Counter()
    for doc, gold in zip(run_docs(nlp, articles, total=len(pairs), description="quotes"), golds, strict=True):
        preds = []
        for q in doc._.quotes or []:
            kinds[q.kind] += 1
            sp = q.speaker
            preds.append(Prediction(
                q.start, q.end,
                speaker=(sp.start, sp.end) if sp else None, speaker_name=sp.name if sp else "",
                cue=(q.cue.start, q.cue.end) if q.cue else None,
            ))
        ours.add(doc.text, gold, preds)
        base.add(doc.text, gold, baseline_predictions(doc))
    splits = sorted({text_path.parents[1].name for text_path, _ in pairs})
    metrics = {"split": "+".join(splits), "articles": len(pairs), "gold_attributions": ours.n_gold,
               "gold_direct": ours.n_gold_direct, "predicted": ours.n_pred}
    metrics.update(ours.metrics())
    metrics.update({f"baseline_{k}": v for k, v in base.metrics().items() if not k.startswith("cue")})
    rows = [{"kind": k, "predicted": n} for k, n in sorted(kinds.items())]
    notes = [
        "overlap/exact: see sitrep.eval.quotes; speaker_acc_* over gold attributions with a matched quote, "
        "*_e2e over all gold attributions with a source; baseline = quote marks + nearest entity."
    ]
    return Report(task="quotes", metrics=metrics, rows=rows, notes=notes)


# ---------------------------------------------------------------------- gold
SPLITS = ("train", "dev", "test")


def _gold_files(paths: list[Path]) -> list[tuple[Path, Path]]:
    """(text, annotation) pairs under the paths given: a PolNeAR root, its data/, a split folder, or a
    bare split name ("train", "dev") standing for that split of the default gold set."""
    roots = paths or [gold_root() / "polnear"]
    pairs: list[tuple[Path, Path]] = []
    for root in roots:
        root = Path(root)
        if str(root) in SPLITS and not root.exists():
            root = gold_root() / "polnear" / "data" / str(root)
        if (root / "data").is_dir():
            root = root / "data"
        if (root / "dev").is_dir() and not (root / "text").is_dir():
            root = root / "dev"
        text_dir, ann_dir = root / "text", root / "attributions"
        if not text_dir.is_dir() or not ann_dir.is_dir():
            continue
        anns = sorted(ann_dir.glob("*.ann"))
        by_stem: dict[str, Path] = {}
        for ann in anns:
            stem = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
            by_stem.setdefault(stem, ann)
        for text_path in sorted(text_dir.glob("*.txt")):
            if text_path.stem in by_stem:
                pairs.append((text_path, by_stem[text_path.stem]))
    return pairs


def _publication_dates(pairs: list[tuple[Path, Path]]) -> dict[str, str]:
    """Publication dates from PolNeAR's metadata.tsv (one level above the split folders), if present."""
    dates: dict[str, str] = {}
    for text_path, _ in pairs[:1]:
        meta = text_path.parents[2] / "metadata.tsv"
        if meta.is_file():
            with meta.open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    dates[row["filename"]] = row["publication_date"]
    return dates


def read_ann(path: Path, text: str) -> list[GoldAttribution]:
    """The attributions of one BRAT file: each E line ties Content, Cue and Source T lines."""
    spans: dict[str, Frags] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("T"):
            continue
        head = parts[1].split(" ", 1)
        if len(head) < 2:
            continue
        frags = []
        for piece in head[1].split(";"):
            start, end = piece.split()
            frags.append((int(start), int(end)))
        spans[parts[0]] = frags
    out: list[GoldAttribution] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("E"):
            continue
        roles: dict[str, str] = {}
        for arg in line.split("\t")[1].split():
            role, _, ref = arg.partition(":")
            roles[role] = ref
        content = spans.get(roles.get("Content", ""))
        if not content:
            continue
        source = spans.get(roles.get("Source", ""), [])
        first = text[content[0][0]:content[0][1]].lstrip()
        out.append(GoldAttribution(
            content=content, cue=spans.get(roles.get("Cue", ""), []), source=source,
            direct=first[:1] in "\"“„«",
            source_text=" ".join(text[s:e] for s, e in source),
        ))
    return out


# ---------------------------------------------------------------------- scoring
def _overlap(a: tuple[int, int], frags: Frags) -> int:
    return sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in frags)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


class Tally:
    """Counts for one system over many documents."""

    def __init__(self) -> None:
        self.n_gold = self.n_gold_direct = self.n_pred = 0
        self.c = Counter()

    def add(self, text: str, gold: list[GoldAttribution], preds: list[Prediction]) -> None:
        self.n_gold += len(gold)
        self.n_gold_direct += sum(g.direct for g in gold)
        self.n_pred += len(preds)
        c = self.c
        all_frags = [f for g in gold for f in g.content]
        exact_gold = set()
        for g in gold:
            exact_gold.update(_trimmed(text, s, e) for s, e in g.content)
            exact_gold.add(_trimmed(text, g.content[0][0], g.content[-1][1]))
        exact_pred = set()
        for p in preds:
            c["pred_overlap_tp"] += _overlap((p.start, p.end), all_frags) > 0
            bounds = _trimmed(text, p.start, p.end)
            exact_pred.add(bounds)
            c["pred_exact_tp"] += bounds in exact_gold
        for g in gold:
            best = max(preds, key=lambda p: _overlap((p.start, p.end), g.content), default=None)
            found = best is not None and _overlap((best.start, best.end), g.content) > 0
            exact = any(_trimmed(text, s, e) in exact_pred for s, e in g.content) or (
                _trimmed(text, g.content[0][0], g.content[-1][1]) in exact_pred)
            c["gold_overlap_tp"] += found
            c["gold_exact_tp"] += exact
            if g.direct:
                c["direct_found"] += found
            if not g.source:
                continue
            right = found and _speaker_right(text, best, g)
            for key in ("all",) + (("direct",) if g.direct else ()):
                c[f"src_{key}_total"] += 1
                c[f"src_{key}_matched"] += found
                c[f"src_{key}_right"] += right
        gold_cues = {tuple(f) for g in gold for f in g.cue}
        pred_cues = {p.cue for p in preds if p.cue is not None}
        c["cue_gold"] += len(gold_cues)
        c["cue_pred"] += len(pred_cues)
        c["cue_pred_tp"] += sum(any(min(p[1], e) > max(p[0], s) for s, e in gold_cues) for p in pred_cues)
        c["cue_gold_tp"] += sum(any(min(p[1], e) > max(p[0], s) for p in pred_cues) for s, e in gold_cues)

    def metrics(self) -> dict[str, float | int]:
        c = self.c
        out: dict[str, float | int] = {}
        for name in ("overlap", "exact"):
            p = c[f"pred_{name}_tp"] / self.n_pred if self.n_pred else 0.0
            r = c[f"gold_{name}_tp"] / self.n_gold if self.n_gold else 0.0
            out[f"content_{name}_p"] = p
            out[f"content_{name}_r"] = r
            out[f"content_{name}_f1"] = 2 * p * r / (p + r) if p + r else 0.0
        out["direct_recall"] = c["direct_found"] / self.n_gold_direct if self.n_gold_direct else 0.0
        for key in ("direct", "all"):
            matched, total = c[f"src_{key}_matched"], c[f"src_{key}_total"]
            out[f"speaker_acc_{key}"] = c[f"src_{key}_right"] / matched if matched else 0.0
            out[f"speaker_acc_{key}_e2e"] = c[f"src_{key}_right"] / total if total else 0.0
        cp = c["cue_pred_tp"] / c["cue_pred"] if c["cue_pred"] else 0.0
        cr = c["cue_gold_tp"] / c["cue_gold"] if c["cue_gold"] else 0.0
        out["cue_p"], out["cue_r"] = cp, cr
        out["cue_f1"] = 2 * cp * cr / (cp + cr) if cp + cr else 0.0
        return out


def _speaker_right(text: str, pred: Prediction, gold: GoldAttribution) -> bool:
    if pred.speaker is None:
        return False
    if _overlap(pred.speaker, gold.source) > 0:
        return True
    words = re.findall(r"[A-Za-z][\w’'-]*", gold.source_text)
    if not words or (len(words) == 1 and words[0].lower() in PRONOUNS):
        return False
    return words[-1].lower() in pred.speaker_name.lower()


def baseline_predictions(doc: Doc) -> list[Prediction]:
    """Quote marks only (naive pairing), speaker = the nearest entity outside the quotation."""
    ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG", "GPE", "NORP")]
    out = []
    for match in _BASELINE_QUOTE.finditer(doc.text):
        start, end = match.span()
        best = None
        for ent in ents:
            if start <= ent.start_char < end:
                continue
            dist = start - ent.end_char if ent.end_char <= start else ent.start_char - end
            if best is None or dist < best[0]:
                best = (dist, ent)
        speaker = (best[1].start_char, best[1].end_char) if best else None
        out.append(Prediction(start, end, speaker=speaker, speaker_name=best[1].text if best else ""))
    return out
