"""`sitrep eval ner`: named-entity P/R/F1 on CoNLL-2003 style IOB files, with the gold tokenisation.

spaCy's OntoNotes labels are mapped onto CoNLL's four types (PERSON→PER, ORG→ORG, GPE/LOC/FAC→LOC,
NORP/EVENT/WORK_OF_ART/LAW/PRODUCT/LANGUAGE→MISC; numbers and dates are not CoNLL entities). Scores are
exact span and type matches, per type and micro-averaged (the CoNLL-2003 metric). The baseline labels
each run of capitalised tokens that does not start a sentence as the most frequent gold type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from sitrep.errors import Errors, SitrepError
from sitrep.eval.runner import Report, prf, progress, resolve_paths

ONTONOTES_TO_CONLL = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "PRODUCT": "MISC", "LANGUAGE": "MISC",
}
DEFAULT_SET = "conll2003pp/data/conllpp_dev.txt"

Entity = tuple[int, int, str]  # token start, token end (exclusive), type


def read_conll(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """Sentences of a CoNLL file as (words, IOB tags); document markers are skipped."""
    words: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if words:
                    yield words, tags
                words, tags = [], []
                continue
            words.append(parts[0])
            tags.append(parts[-1])
    if words:
        yield words, tags


def iob_entities(tags: list[str]) -> set[Entity]:
    """Entity spans from IOB1 or IOB2 tags."""
    found: set[Entity] = set()
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        if start is not None and (prefix in ("O", "B") or kind != label):
            found.add((start, i, label))
            start, label = None, None
        if prefix in ("B", "I") and start is None:
            start, label = i, kind
    return found


def predicted_entities(doc: Doc) -> set[Entity]:
    return {(e.start, e.end, ONTONOTES_TO_CONLL[e.label_]) for e in doc.ents if e.label_ in ONTONOTES_TO_CONLL}


def baseline_entities(words: list[str], label: str) -> set[Entity]:
    found: set[Entity] = set()
    start = None
    for i, word in enumerate([*words, "."]):
        capital = i > 0 and word[:1].isupper() and word.isalpha()
        if capital and start is None:
            start = i
        elif not capital and start is not None:
            found.add((start, i, label))
            start = None
    return found


def evaluate(paths: list[Path], nlp: Language, *, limit: int | None = None) -> Report:
    files = resolve_paths(paths, DEFAULT_SET, "*.txt")
    if not files:
        raise SitrepError(Errors.E402.format(path=paths or DEFAULT_SET, task="ner"))
    sentences = [s for f in files for s in read_conll(f)]
    if limit:
        sentences = sentences[:limit]
    gold_counts = Counter(label for _, tags in sentences for (_, _, label) in iob_entities(tags))
    frequent = gold_counts.most_common(1)[0][0] if gold_counts else "LOC"
    counts = {kind: Counter() for kind in ("PER", "ORG", "LOC", "MISC")}
    base = Counter()
    model_pipes = [name for name in nlp.pipe_names if not name.startswith("sitrep_")]
    docs = (Doc(nlp.vocab, words=words) for words, _ in sentences)
    with nlp.select_pipes(enable=model_pipes), progress(len(sentences), "ner") as bar:
        task = bar.add_task("ner", total=len(sentences))
        for (words, tags), doc in zip(sentences, nlp.pipe(docs, batch_size=256), strict=True):
            gold, pred = iob_entities(tags), predicted_entities(doc)
            for kind, c in counts.items():
                g = {e for e in gold if e[2] == kind}
                p = {e for e in pred if e[2] == kind}
                c["tp"] += len(g & p)
                c["fp"] += len(p - g)
                c["fn"] += len(g - p)
            b = baseline_entities(words, frequent)
            base["tp"] += len(gold & b)
            base["fp"] += len(b - gold)
            base["fn"] += len(gold - b)
            bar.advance(task)
    total = sum((c for c in counts.values()), Counter())
    micro = prf(total["tp"], total["fp"], total["fn"])
    rows = [{"type": kind, **{k: round(v, 4) for k, v in prf(c["tp"], c["fp"], c["fn"]).items()},
             "gold": c["tp"] + c["fn"]} for kind, c in counts.items()]
    baseline = prf(base["tp"], base["fp"], base["fn"])
    return Report(
        task="ner",
        metrics={"sentences": len(sentences), "precision": micro["precision"], "recall": micro["recall"],
                 "f1": micro["f1"], **{f"f1_{r['type']}": r["f1"] for r in rows},
                 "baseline_f1": baseline["f1"]},
        rows=rows,
        notes=[f"model: {nlp.meta.get('name')} {nlp.meta.get('version')}; labels mapped OntoNotes→CoNLL; "
               f"baseline: capitalised runs labelled {frequent}"],
    )
