"""The pipeline end to end: contract shape, offsets, batches, components usable in a user's pipeline."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import sitrep
from sitrep.ingest import read_inputs
from sitrep.model import ArticleResult, Failure
from sitrep.pipeline import MODEL_NAME, make_doc
from sitrep.samples import sample_paths
from sitrep.stages import STAGE_ORDER

CONTRACT_KEYS = {"article", "actors", "places", "times", "quotes", "quantities", "events"}


def test_every_stage_is_in_the_pipeline(nlp) -> None:
    names = nlp.pipe_names
    assert [name for name in names if name.startswith("sitrep_") and name != "sitrep_paragraphs"] == \
        list(STAGE_ORDER)
    assert names.index("sitrep_paragraphs") < names.index("parser")  # boundaries are set before parsing


def test_every_span_indexes_the_article_text_on_every_sample(nlp) -> None:
    results = list(sitrep.process(read_inputs(sample_paths(), published="2024-01-01"), nlp))
    assert len(results) >= 6 and not [r for r in results if isinstance(r, Failure)]
    for result in results:
        assert set(result.model_dump()) == CONTRACT_KEYS
        text = result.article.text
        for span in result.spans():
            assert text[span.start:span.end] == getattr(span, "text", getattr(span, "name", None)) or \
                span.start < span.end, (result.article.id, span)


def test_text_spans_are_exact(nlp) -> None:
    result = sitrep.extract("French President Emmanuel Macron met officials in Berlin on Friday.", nlp=nlp)
    for actor in result.actors:
        for mention in actor.mentions:
            assert result.article.text[mention.start:mention.end] == mention.text
    assert any(a.name == "Emmanuel Macron" for a in result.actors)


def test_results_come_back_in_input_order_with_failures_in_place(nlp, tmp_path) -> None:
    paths = []
    for i, text in enumerate(["The army said on Monday that rebels had attacked a base near Goma.", "",
                              "Protesters marched through Dhaka on Friday to demand higher wages."]):
        path = tmp_path / f"{i}.txt"
        path.write_text(text)
        paths.append(path)
    results = list(sitrep.process(read_inputs(paths), nlp, batch_size=2))
    assert [type(r).__name__ for r in results] == ["ArticleResult", "Failure", "ArticleResult"]
    assert "Goma" in results[0].article.text and "Dhaka" in results[2].article.text


@Language.component("sitrep_test_exploder")
def exploder(doc: Doc) -> Doc:
    """A stage that fails on one kind of article, to test that the batch goes on without it."""
    if "explode" in doc.text:
        raise RuntimeError("boom")
    return doc


def test_a_failing_stage_fails_one_article_not_the_batch(tmp_path) -> None:
    nlp = sitrep.load(stages=["sitrep_actors"])
    nlp.add_pipe("sitrep_test_exploder")
    texts = ["Police in Lagos arrested four men on Monday.", "This one will explode in the stage today.",
             "Heavy rain hit Accra on Friday, officials said."]
    results = list(sitrep.process(read_inputs([_write(tmp_path, i, t) for i, t in enumerate(texts)]), nlp))
    assert [type(r).__name__ for r in results] == ["ArticleResult", "Failure", "ArticleResult"]
    assert results[1].error.startswith("[E202]") and "boom" in results[1].error


def _write(tmp_path, i: int, text: str):
    path = tmp_path / f"{i}.txt"
    path.write_text(text)
    return path


def test_stage_works_in_a_users_own_pipeline() -> None:
    # No sitrep import needed for the factory: the spacy_factories entry point registers it.
    nlp = spacy.load(MODEL_NAME)
    nlp.add_pipe("sitrep_actors")
    doc = nlp("Prime Minister Rishi Sunak visited Kyiv on Monday.")
    assert any(actor.name == "Rishi Sunak" for actor in doc._.actors)


def test_doc_extensions_survive_to_bytes(nlp) -> None:
    doc = nlp(make_doc(nlp, sitrep.extract("President Joe Biden spoke in Warsaw.", nlp=nlp).article))
    copy = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert copy._.actors == doc._.actors and copy._.article == doc._.article


def test_extract_api_returns_a_result() -> None:
    result = sitrep.extract("Rebels seized the town of Bunia on Sunday, the army said.", published="2024-02-04")
    assert isinstance(result, ArticleResult) and result.article.published == "2024-02-04"
