"""What storing costs on top of extraction, and what the cross-article layer costs inside it.

    python benchmarks/store_ingest.py [--extract 300] [--target 10000]

1. Extracts `--extract` real articles (the GVA local-news set, ../shared/gold/gva_casualties, read only)
   with the full pipeline, timing it: the per-article extraction cost.
2. Stores results into a fresh DuckDB file until it holds `--target` articles. Past the real ones, each
   round re-stores the same results as new articles: the text gets a round marker, so its sha256 differs
   but the near-duplicate detector still sees a copy (a wire-copy flood, the hard case for LSH), and event
   dates move by 45 days a round, so story events grow instead of all merging.
3. Times, for each stored article, the row inserts and `across.update` (copies + story events).

Prints: extraction articles/s, store articles/s, the store's share of extract+store time for
`--target` articles (extraction extrapolated from the measured per-article cost), and the story-event
layer's share of the total. Targets: store adds <= 10% over extraction; story events < 20% of the total.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path

import sitrep
from sitrep import across
from sitrep.model import Article, ArticleResult, text_sha256
from sitrep.store import Store

ROOT = Path(__file__).resolve().parents[1]
GVA = ROOT.parent / "shared" / "gold" / "gva_casualties" / "gva_news_articles.jsonl"


def load_articles(limit: int) -> list[Article]:
    articles = []
    with GVA.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            text = (row.get("text") or "").strip()
            if text:
                articles.append(Article(id=row["doc_id"], text=text, published=row.get("dct"), language="en",
                                        sha256=text_sha256(text), title=row.get("title"), url=row.get("url")))
            if len(articles) >= limit:
                break
    return articles


def replica(result: ArticleResult, round_number: int) -> ArticleResult:
    """The same result stored as another article: new text marker and id, event dates moved."""
    text = f"{result.article.text}\n[copy {round_number}]"
    article = result.article.model_copy(update={"id": f"{result.article.id}-r{round_number}", "text": text,
                                                "sha256": text_sha256(text)})
    events = []
    for event in result.events:
        if event.date and event.date.value and len(event.date.value) >= 10:
            try:
                moved = dt.date.fromisoformat(event.date.value[:10]) + dt.timedelta(days=45 * round_number)
                event = event.model_copy(update={"date": event.date.model_copy(update={"value": moved.isoformat()})})
            except ValueError:
                pass
        events.append(event)
    return result.model_copy(update={"article": article, "events": events})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", type=int, default=300, help="real articles to extract")
    parser.add_argument("--target", type=int, default=10000, help="articles to hold in the store at the end")
    args = parser.parse_args()

    articles = load_articles(args.extract)
    nlp = sitrep.load()
    list(sitrep.process(articles[:2], nlp))  # warm up
    started = time.perf_counter()
    results = [r for r in sitrep.process(articles, nlp) if isinstance(r, ArticleResult)]
    extract_s = time.perf_counter() - started
    unique: dict[str, ArticleResult] = {}
    for result in results:  # GVA links some articles to several incidents: one text is stored once
        unique.setdefault(result.article.sha256, result)
    results = list(unique.values())
    per_article_extract = extract_s / len(articles)

    rows_s = across_s = 0.0
    stored = 0
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.duckdb") as store:
        round_number = 0
        while stored < args.target:
            for result in results:
                if stored >= args.target:
                    break
                item = result if round_number == 0 else replica(result, round_number)
                t0 = time.perf_counter()
                store.con.execute("BEGIN TRANSACTION")
                store._insert_article(item)  # the two halves of Store.add, timed apart
                t1 = time.perf_counter()
                across.update(store.con, item)
                store.con.execute("COMMIT")
                t2 = time.perf_counter()
                rows_s += t1 - t0
                across_s += t2 - t1
                stored += 1
            round_number += 1
        counts = store.stats()

    extract_total = per_article_extract * stored
    store_total = rows_s + across_s
    total = extract_total + store_total
    result = {
        "extracted_articles": len(articles), "stored_articles": stored,
        "extract_articles_per_s": 1 / per_article_extract, "store_articles_per_s": stored / store_total,
        "store_share_over_extraction": store_total / extract_total,
        "story_event_share_of_total": across_s / total,
        "rows_ms_per_article": 1000 * rows_s / stored, "across_ms_per_article": 1000 * across_s / stored,
        "store_counts": counts,
    }
    print(f"extraction: {result['extract_articles_per_s']:.2f} articles/s ({len(articles)} real articles)")
    print(f"store     : {result['store_articles_per_s']:.1f} articles/s over {stored} articles "
          f"(rows {result['rows_ms_per_article']:.1f} ms, cross-article {result['across_ms_per_article']:.1f} ms "
          "per article)")
    print(f"store adds {100 * result['store_share_over_extraction']:.1f}% over extraction alone (target <= 10%)")
    print(f"story events + copies: {100 * result['story_event_share_of_total']:.1f}% of total ingest time "
          "(target < 20%)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
