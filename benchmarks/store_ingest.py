"""What storing costs on top of extraction, and what the cross-article layer costs inside it.

    python benchmarks/store_ingest.py [--target 10000] [--cache DIR] [--time-sample 400] [--workers 2]
                                      [--profile 2000]

1. **Corpus.** Real, distinct news articles read at run time from the gold sets beside the repository
   (../shared/gold, never copied): GVA local news, ECB+ (whole documents), PolNeAR, LGL, the Guardian
   sample, TempEval-3, GeoWebNews and GeoVirus, one article per distinct text. Each goes through the full
   pipeline once; with `--cache DIR` (outside the repository) the results are kept for re-runs, which then
   only re-time.
2. **Mix.** Copies are added until the stream holds `--target` distinct texts: wire copies (the text with
   other furniture lines, title and URL) and updated versions (an update line, a day later, a higher
   casualty figure), spread heavy-tailed over stories so that a few big stories get dozens of copies, each
   soon after its original; plus exact re-sends of a text under another URL (5%), which the store skips.
   A copy carries its original's pipeline result (the added lines come after the original text, so every
   offset stays valid).
3. **Extraction, timed in this run.** A sample stratified by source (`--time-sample`) goes through the real
   `sitrep ingest` path (`cli.ingest_into`: hash check, `nlp.pipe`, batched `Store.add_many`) on a scratch
   store; its wall time minus the store's own time is the extraction time per article. `--workers N` also
   runs the sample with N processes and checks that the store holds the same.
4. **Store, timed at scale.** Every item of the stream goes through `cli.store_results` (what `sitrep
   ingest` calls) into a fresh DuckDB file, in the batches `sitrep ingest` makes at the measured
   extraction rate; `Store.timings` splits the time into phases: prepare (hash and id checks), copies
   (MinHash, LSH candidates, signatures), rows (the article's own tables), stories (story events, reports,
   refresh) and commit.

Total ingest time is extraction plus store, as one `sitrep ingest` process runs them one after the other.
Prints every component, the store's cost over extraction alone (issue 12 target <= 10%), the share of the
total taken by copies + story events (issue 10 target < 20%) and the same share of the store alone, how
the store's cost per article moves as the store grows, the machine's load and versions, and one JSON
object. `--profile N` adds a function-level profile of storing the first N items.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import io
import json
import os
import platform
import random
import re
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import spacy

import sitrep
from sitrep.model import Article, ArticleResult, Failure, text_sha256
from sitrep.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path(os.environ.get("SITREP_GOLD", ROOT.parent / "shared" / "gold"))

# Furniture added to wire copies (written for this benchmark; any news site has lines like these).
FURNITURE = ["Sign up for our daily newsletter.", "Share this story on social media.",
             "Copyright 2024 The Associated Wire. All rights reserved.", "Related coverage: more on this story.",
             "This article was produced by a news agency and published without changes."]
UPDATE_LINE = "This story has been updated with new figures from officials."


# -- the corpus: real distinct articles, read at run time --------------------------------------------------------

def _article(source: str, doc_id: str, text: str, published: str | None = None, title: str | None = None,
             url: str | None = None) -> Article | None:
    text = text.strip()
    if not text:
        return None
    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        published = None
    return Article(id=f"{source}-{doc_id}", text=text, published=published, title=title, url=url,
                   language="en", sha256=text_sha256(text), source=source)


def read_gva() -> Iterator[Article | None]:
    with (GOLD / "gva_casualties" / "gva_news_articles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            yield _article("gva", row["doc_id"], row.get("text") or "", row.get("dct"), row.get("title"),
                           row.get("url"))


def read_ecbplus() -> Iterator[Article | None]:
    """Whole ECB+ documents: tokens re-spaced as prose, one sentence per line (no publication dates)."""
    no_space_before = {".", ",", ";", ":", "!", "?", "'s", "n't", ")", "'", "''", "%"}
    for path in sorted((GOLD / "ecbplus" / "ECB+_LREC2014" / "ECB+").glob("*/*.xml")):
        sentences: dict[int, list[str]] = collections.defaultdict(list)
        for token in ET.parse(path).getroot().iter("token"):
            sentences[int(token.get("sentence", "0"))].append(token.text or "")
        lines = []
        for number in sorted(sentences):
            words = sentences[number]
            lines.append("".join(w if i == 0 or w in no_space_before else " " + w for i, w in enumerate(words)))
        yield _article("ecbplus", path.stem, "\n".join(lines))


def read_polnear() -> Iterator[Article | None]:
    root = GOLD / "polnear" / "data"
    dates: dict[str, tuple[str, str]] = {}
    with (root / "metadata.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            dates[row["filename"]] = (row["publication_date"], row["title"])
    for path in sorted(root.glob("*/text/*.txt")):
        published, title = dates.get(path.stem, (None, None))
        yield _article("polnear", path.stem, path.read_text(encoding="utf-8"), published, title)


def read_geo_xml(name: str, source: str) -> Iterator[Article | None]:
    root = ET.parse(GOLD / "geoparsing" / name).getroot()
    for index, node in enumerate(root.iter("article")):
        yield _article(source, node.get("docid") or str(index), node.findtext("text") or "",
                       (node.findtext("dltime") or "")[:10] or None, node.findtext("title"), node.findtext("url"))


def read_geowebnews() -> Iterator[Article | None]:
    for path in sorted((GOLD / "geoparsing" / "GeoWebNews").glob("*.txt"), key=lambda p: int(p.stem)):
        yield _article("geowebnews", path.stem, path.read_text(encoding="utf-8"))


def read_guardian() -> Iterator[Article | None]:
    csv.field_size_limit(2**31 - 1)
    with zipfile.ZipFile(GOLD / "guardian_sdf_sample" / "Guardian_SDF_sample.csv.zip") as archive:
        for name in (n for n in archive.namelist() if n.endswith(".csv")):
            for row in csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")):
                yield _article("guardian", row.get("") or str(len(name)), row.get("text") or "", row.get("date"))


def read_tempeval() -> Iterator[Article | None]:
    from sitrep.eval.time import read_tml

    for path in sorted((GOLD / "tempeval3" / "data").rglob("*.tml")):
        doc = read_tml(path)
        yield _article("tempeval", path.stem, doc.text, doc.dct)


READERS = {"gva": read_gva, "ecbplus": read_ecbplus, "polnear": read_polnear,
           "lgl": lambda: read_geo_xml("lgl.xml", "lgl"), "guardian": read_guardian, "tempeval": read_tempeval,
           "geowebnews": read_geowebnews, "geovirus": lambda: read_geo_xml("GeoVirus.xml", "geovirus")}


def load_corpus() -> list[Article]:
    """Every distinct text of the gold sets (the first of several articles with one text), in set order."""
    seen: set[str] = set()
    articles: list[Article] = []
    for reader in READERS.values():
        for article in reader():
            if article is not None and article.sha256 not in seen:
                seen.add(article.sha256)
                articles.append(article)
    return articles


# -- extraction results: every article through the real pipeline, cached outside the repository ------------------

def cached_results(articles: list[Article], cache: Path | None, nlp: spacy.language.Language
                   ) -> dict[str, ArticleResult | Failure]:
    """The pipeline's result for each article (by sha256); with a cache, only missing ones are extracted."""
    found: dict[str, ArticleResult | Failure] = {}
    path = cache / "results.jsonl" if cache else None
    if path and path.exists():
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if "failure" in row:
                    found[row["sha256"]] = Failure.model_validate(row["failure"])
                else:
                    found[row["article"]["sha256"]] = ArticleResult.model_validate(row)
    missing = [a for a in articles if a.sha256 not in found]
    if not missing:
        return found
    print(f"extracting {len(missing)} articles not in the cache ...", flush=True)
    out = path.open("a", encoding="utf-8") if path else None
    by_id = {a.id: a for a in missing}
    try:
        for done, item in enumerate(sitrep.process(missing, nlp), start=1):
            if isinstance(item, Failure):
                sha = by_id[item.article_id].sha256 if item.article_id in by_id else ""
                found[sha] = item
                line = json.dumps({"sha256": sha, "failure": item.model_dump(mode="json")})
            else:
                found[item.article.sha256] = item
                line = item.model_dump_json()
            if out:
                out.write(line + "\n")
            if done % 250 == 0:
                print(f"  {done}/{len(missing)}", flush=True)
    finally:
        if out:
            out.close()
    return found


# -- the stream: originals, then copies and updates soon after them ---------------------------------------------

def _copy(result: ArticleResult, kind: str, number: int, rng: random.Random) -> ArticleResult:
    """Another article carrying the same story: its pipeline result is the original's (the added text comes
    after the end of the original, so every offset stays valid)."""
    article = result.article
    update: dict[str, object] = {"id": f"{article.id}~{kind[0]}{number}",
                                 "url": f"https://syndicated.example/{kind}/{number}"}
    quantities = result.quantities
    if kind == "wire":
        text = article.text + "\n\n" + "\n".join([*rng.sample(FURNITURE, 2), f"Published by partner site {number}."])
        update["title"] = f"{article.title} | Wire" if article.title else None
    elif kind == "update":
        text = article.text + "\n\n" + f"{UPDATE_LINE} (Updated {number % 24:02d}:{number % 60:02d}, edition {number}.)"
        if article.published:
            update["published"] = (dt.date.fromisoformat(article.published) + dt.timedelta(days=1)).isoformat()
        for i, quantity in enumerate(quantities):  # the toll rises: a contradiction the store must keep
            if quantity.category in ("killed", "injured") and quantity.value is not None:
                risen = quantity.model_copy(update={"value": quantity.value + rng.randint(1, 3)})
                quantities = [*quantities[:i], risen, *quantities[i + 1:]]
                break
    else:  # the same text under another URL
        text = article.text
    update.update(text=text, sha256=text_sha256(text))
    return result.model_copy(update={"article": article.model_copy(update=update), "quantities": quantities})


def make_stream(originals: list[ArticleResult], target: int, rng: random.Random,
                resend_share: float = 0.05) -> list[ArticleResult]:
    """`target` distinct texts to store (originals first in a shuffled order, then wire copies and updates up
    to the target, heavy-tailed over stories), plus `resend_share` exact re-sends, each soon after its original."""
    order = originals[:]
    rng.shuffle(order)
    order = order[:target]
    weights = [rng.paretovariate(1.5) for _ in order]  # the biggest stories get about a hundred copies
    copies = max(0, target - len(order))
    keyed: list[tuple[float, int, ArticleResult]] = [(float(i), 0, r) for i, r in enumerate(order)]
    picks = rng.choices(range(len(order)), weights=weights, k=copies + int(resend_share * target))
    for number, pick in enumerate(picks):
        kind = "resend" if number >= copies else ("update" if rng.random() < 0.25 else "wire")
        keyed.append((pick + rng.expovariate(1 / 50), number + 1, _copy(order[pick], kind, number, rng)))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [r for _, _, r in keyed]


# -- timing -----------------------------------------------------------------------------------------------------

PHASES = ("prepare", "copies", "rows", "stories", "commit")


def stratified_sample(stream: list[ArticleResult], size: int, rng: random.Random) -> list[ArticleResult]:
    """`size` articles of the stream, each source (gva, ecbplus, ...) in proportion to its share of it."""
    by_source: dict[str, list[ArticleResult]] = collections.defaultdict(list)
    for result in stream:
        by_source[result.article.source or "?"].append(result)
    sample: list[ArticleResult] = []
    for source in sorted(by_source):
        items = by_source[source]
        sample += rng.sample(items, max(1, round(size * len(items) / len(stream))))
    return sample


def time_ingest(articles: list[Article], nlp: spacy.language.Language, workers: int = 1) -> dict[str, object]:
    """The real `sitrep ingest` path (hash check, nlp.pipe, batched Store.add_many) on a scratch store: wall
    time, the store's share of it, and what was stored."""
    from sitrep.cli import ingest_into

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "sample.duckdb") as store:
        started = time.perf_counter()
        summary = ingest_into(store, articles, workers=workers, nlp=nlp)
        wall = time.perf_counter() - started
        store_s = sum(store.timings.values())
        content = store.con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL), "
            "(SELECT count(*) FROM events), (SELECT list(id ORDER BY id) FROM story_events), "
            "(SELECT sum(corroboration) FROM story_events)").fetchone()
    return {"wall_s": wall, "store_s": store_s, "extract_s": wall - store_s, "stored": summary["stored"],
            "failures": len(summary["failures"]), "content": content}


def machine() -> dict[str, object]:
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "load_1_5_15": [round(x, 2) for x in load], "python": platform.python_version(),
            "sitrep": sitrep.__version__, "spacy": spacy.__version__, "duckdb": duckdb.__version__,
            "when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=int, default=10000, help="articles to store (distinct texts)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep every article's pipeline result here (outside the repository) for re-runs")
    parser.add_argument("--time-sample", type=int, default=400, help="articles whose extraction is timed")
    parser.add_argument("--batch", type=int, default=None, help="articles per store transaction (default: what "
                        "`sitrep ingest` makes at the measured extraction rate)")
    parser.add_argument("--workers", type=int, default=1, help="also time the sample with this many processes")
    parser.add_argument("--profile", type=int, default=0, help="profile storing the first N articles again")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print("machine:", json.dumps(machine()), flush=True)
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)

    corpus = load_corpus()
    print(f"corpus: {len(corpus)} distinct articles "
          f"({', '.join(f'{k} {v}' for k, v in collections.Counter(a.source for a in corpus).most_common())}), "
          f"{sum(len(a.text) for a in corpus) / len(corpus):.0f} characters on average", flush=True)
    nlp = sitrep.load()
    list(sitrep.process(corpus[:4], nlp))  # warm up: lazy tables, caches
    results = cached_results(corpus, args.cache, nlp)
    originals = [results[a.sha256] for a in corpus if isinstance(results.get(a.sha256), ArticleResult)]
    failed = len(corpus) - len(originals)
    stream = make_stream(originals, args.target, rng)
    distinct = len({r.article.sha256 for r in stream})
    kinds = collections.Counter(r.article.id.rsplit("~", 1)[1][0] if "~" in r.article.id else "o" for r in stream)
    print(f"stream: {len(stream)} items, {distinct} distinct texts: {kinds['o']} originals ({failed} of the corpus "
          f"refused by the pipeline), {kinds['w']} wire copies, {kinds['u']} updated versions, {kinds['r']} exact "
          "re-sends", flush=True)

    # 1. extraction, timed in this run on a stratified sample, through the real ingest path
    unique_stream = list({r.article.sha256: r for r in stream}.values())
    sample = [r.article for r in stratified_sample(unique_stream, args.time_sample, rng)]
    one = time_ingest(sample, nlp)
    sampled_per_article = one["extract_s"] / len(sample)
    sample_chars = sum(len(a.text) for a in sample) / len(sample)
    stream_chars = sum(len(r.article.text) for r in unique_stream) / len(unique_stream)
    # parsing time grows with the text, so the sample's mean is scaled to the stream's mean length
    extract_per_article = sampled_per_article * stream_chars / sample_chars
    print(f"extraction: {len(sample)} sampled articles ({sample_chars:.0f} characters on average; the stream "
          f"{stream_chars:.0f}) in {one['wall_s']:.1f} s through `ingest_into`, of which the store "
          f"{one['store_s']:.2f} s: {1000 * sampled_per_article:.1f} ms per sampled article; scaled to the "
          f"stream's length {1000 * extract_per_article:.1f} ms per article, {1 / extract_per_article:.2f} "
          "articles/s", flush=True)
    workers: dict[str, object] = {}
    if args.workers > 1:
        many = time_ingest(sample, nlp, workers=args.workers)
        workers = {"workers": args.workers, "wall_s": many["wall_s"], "speedup": one["wall_s"] / many["wall_s"],
                   "same_store": many["content"] == one["content"]}
        print(f"--workers {args.workers}: {many['wall_s']:.1f} s against {one['wall_s']:.1f} s with one process "
              f"({workers['speedup']:.2f}x); the same articles, copies, events and story ids: "
              f"{workers['same_store']}", flush=True)

    # 2. the store at scale: every item of the stream through the real `sitrep ingest` storing path, in the
    # batches `sitrep ingest` would make at the measured extraction rate (full, or what FLUSH_SECONDS brings)
    from sitrep.cli import store_results
    from sitrep.store import BATCH_SIZE, FLUSH_SECONDS

    if args.batch is None:
        args.batch = max(1, min(BATCH_SIZE, int(FLUSH_SECONDS / extract_per_article)))
    print(f"store batches: {args.batch} articles per transaction", flush=True)

    checkpoints: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.duckdb") as store:
        started, cpu = time.perf_counter(), time.process_time()
        chunk = 2000
        summary = {"stored": 0, "skipped": 0}
        for at in range(0, len(stream), chunk):
            part = store_results(store, stream[at:at + chunk], batch_size=args.batch)
            summary = {k: summary[k] + part[k] for k in summary}
            checkpoints.append((summary["stored"], time.perf_counter() - started))
        store_wall, store_cpu = time.perf_counter() - started, time.process_time() - cpu
        timings = dict(store.timings)
        counts = store.stats()
        counts.update(zip(("reports", "max_reports", "corroborated", "contradicted"), store.con.execute(
            "SELECT sum(reports), max(reports), count(*) FILTER (WHERE corroboration > 1), "
            "count(*) FILTER (WHERE contradictions <> '[]') FROM story_events").fetchone(), strict=True))
        size_mb = os.path.getsize(Path(tmp) / "bench.duckdb") / 2**20

    stored = summary["stored"]
    extraction_total = extract_per_article * stored
    total = extraction_total + store_wall
    across_s = timings.get("copies", 0) + timings.get("stories", 0)
    per = {phase: 1000 * timings.get(phase, 0) / stored for phase in PHASES}
    growth = [(n, 1000 * (t - (checkpoints[i - 1][1] if i else 0)) / max(1, n - (checkpoints[i - 1][0] if i else 0)))
              for i, (n, t) in enumerate(checkpoints)]
    figures = {
        "stored_articles": stored, "skipped_resends": summary["skipped"], "store_counts": counts,
        "store_file_mb": round(size_mb, 1),
        "extract_ms_per_article": 1000 * extract_per_article, "extract_sample": len(sample),
        "extract_ms_per_sampled_article": 1000 * sampled_per_article, "sample_chars": sample_chars,
        "stream_chars": stream_chars,
        "store_ms_per_article": 1000 * store_wall / stored, "store_cpu_ms_per_article": 1000 * store_cpu / stored,
        "phase_ms_per_article": per, "store_ms_per_article_by_size": growth,
        "extraction_total_s": extraction_total, "store_total_s": store_wall, "total_ingest_s": total,
        "store_over_extraction": store_wall / extraction_total,
        "copies_and_story_events_share_of_total": across_s / total,
        "story_events_share_of_total": timings.get("stories", 0) / total,
        "copies_and_story_events_share_of_store": across_s / store_wall,
        "store_batch": args.batch, "workers": workers, "machine_after": machine(),
    }
    print(f"store: {stored} articles stored ({summary['skipped']} re-sends skipped) in {store_wall:.1f} s: "
          f"{figures['store_ms_per_article']:.2f} ms per article ({figures['store_cpu_ms_per_article']:.2f} ms CPU)")
    print("  per article: " + ", ".join(f"{phase} {ms:.2f} ms" for phase, ms in per.items())
          + f" (other {figures['store_ms_per_article'] - sum(per.values()):.2f} ms)")
    print("  per article as the store grows: " + ", ".join(f"to {n}: {ms:.2f} ms" for n, ms in growth))
    print(f"  holds {counts['articles']} articles ({counts['duplicates']} copies), {counts['events']} events, "
          f"{counts['story_events']} story events ({counts['corroborated']} corroborated, {counts['contradicted']} "
          f"with contradictions, up to {counts['max_reports']} reports); {size_mb:.0f} MB")
    print(f"total ingest time for {stored} articles = extraction {extraction_total:.0f} s "
          f"({1000 * extract_per_article:.1f} ms x {stored}) + store {store_wall:.0f} s = {total:.0f} s")
    print(f"store adds {100 * figures['store_over_extraction']:.1f}% over extraction alone (target <= 10%)")
    print(f"copies + story events: {100 * figures['copies_and_story_events_share_of_total']:.1f}% of total ingest "
          f"time (target < 20%); story events alone {100 * figures['story_events_share_of_total']:.1f}%; "
          f"{100 * figures['copies_and_story_events_share_of_store']:.1f}% of the store's own time")
    if args.profile:
        profile(stream[:args.profile], args.batch)
    print(json.dumps(figures))


def profile(stream: list[ArticleResult], batch: int | None) -> None:
    """Where the store's time goes, function by function, storing the first articles of the stream again."""
    import cProfile
    import pstats

    from sitrep.cli import store_results

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "profile.duckdb") as store:
        profiler = cProfile.Profile()
        profiler.enable()
        store_results(store, stream, batch_size=batch)
        profiler.disable()
    print(f"profile of storing the first {len(stream)} items (DuckDB's own work is counted in the Python function "
          "that calls it):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
