"""Hostile and broken input: a property-based suite and a corpus of bad files made by the tests.

Every input must end as an article or one clear, coded failure naming it; the batch never crashes and the
good inputs are all stored. The corpus test prints how many inputs it tried.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitrep
from sitrep.cli import ingest_into
from sitrep.errors import InputError
from sitrep.ingest import read_inputs
from sitrep.ingest.decode import decode
from sitrep.ingest.options import ReadOptions
from sitrep.ingest.records import read_jsonl
from sitrep.model import Article, Failure
from sitrep.store import Store

GOOD = "Rebels attacked an army base near Goma on Sunday, killing four soldiers, a military spokesman said."
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes_decode_or_fail_with_a_code(data: bytes) -> None:
    try:
        text = decode(data, "fuzz.bin")
    except InputError as e:
        assert str(e).startswith(("[E104]", "[E105]")) and "fuzz.bin" in str(e)
    else:
        assert isinstance(text, str)


@FUZZ
@given(st.lists(st.one_of(st.text(max_size=200), st.binary(max_size=200),
                          st.dictionaries(st.sampled_from(["text", "html", "id", "published", "url", "title"]),
                                          st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=80),
                                                    st.lists(st.integers(), max_size=3)))), max_size=8))
def test_any_jsonl_lines_give_one_outcome_each(lines: list) -> None:
    raw = [json.dumps(x).encode() if isinstance(x, dict) else (x.encode() if isinstance(x, str) else x)
           for x in lines]
    raw = [line.replace(b"\n", b" ") for line in raw]
    outcomes = list(read_jsonl(raw, "fuzz.jsonl", ReadOptions()))
    assert len(outcomes) == sum(1 for line in raw if line.strip())
    for outcome in outcomes:
        assert isinstance(outcome, (Article, Failure))
        if isinstance(outcome, Failure):
            assert outcome.error.startswith("[E1") and "fuzz.jsonl:" in outcome.error


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400))
def test_any_text_through_the_pipeline_keeps_offsets(nlp, text: str) -> None:
    result = sitrep.extract(text, nlp=nlp)
    for span in result.spans():
        assert 0 <= span.start <= span.end <= len(result.article.text)
        if hasattr(span, "text"):
            assert result.article.text[span.start:span.end] == span.text


def _nested_html(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + f"<p>{GOOD}</p>" + "</div>" * depth + "</body></html>").encode()


def _billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>t</title>'
            f"<item><title>&lol9;</title><description>{GOOD}</description></item></channel></rss>").encode()


def _external_entity() -> bytes:
    return (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<rss version='2.0'><channel><title>t</title><item><title>&x;</title><description>"
            + GOOD.encode() + b"</description></item></channel></rss>")


def _warc_zip_bomb(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        bomb = b"<html><body><p>" + b"A" * (64 * 1024 * 1024) + b"</p></body></html>"  # 64 MB, gzips to ~64 KB
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://x.test/bomb", "response", payload=io.BytesIO(bomb),
                                                      http_headers=headers))
        good = f"<html><body><p>{GOOD}</p></body></html>".encode()
        writer.write_record(writer.create_warc_record("https://x.test/good", "response", payload=io.BytesIO(good),
                                                      http_headers=headers))


def make_corpus(folder: Path) -> dict[str, tuple[Path, bool]]:
    """Bad and odd inputs, each with whether it should yield an article. Written fresh by each run."""
    made: dict[str, tuple[Path, bool]] = {}

    def put(name: str, data: bytes | str, good: bool) -> None:
        path = folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        made[name] = (path, good)

    put("empty.txt", b"", False)
    put("spaces.txt", b"   \n\t \n", False)
    put("binary.txt", bytes(range(256)) * 64, False)
    put("elf.txt", b"\x7fELF" + b"\x00" * 100, False)
    put("zip.jsonl", b"PK\x03\x04" + b"\x00" * 64, False)
    put("nested.html", _nested_html(10_000), True)
    put("billion-laughs.xml", _billion_laughs(), True)
    put("external-entity.xml", _external_entity(), True)
    put("truncated.xml", b"<?xml version='1.0'?><rss><channel><item><title>cut", False)
    put("not-a-feed.xml", b"<html><body>hello</body></html>", False)
    put("latin1.txt", ("Café owners in Montréal said on Friday that the strike had cost them dearly, and "
                       "the union promised more protests next week.").encode("latin-1"), True)
    put("mixed-encoding.txt", GOOD.encode() + " Déjà vu in Zürich.".encode("latin-1") + " ünïcödé".encode(), True)
    put("utf16.txt", GOOD.encode("utf-16"), True)
    put("control-chars.txt", GOOD[:40] + "\x01\x02\x07\x1b[31m" * 3 + GOOD[40:], True)  # NUL means binary
    put("rtl-emoji.txt", GOOD + " \u202eevil\u202c 🔥🇺🇦 שלום مرحبا", True)
    put("one-char.txt", "A", True)
    put("bad-dates.jsonl", "\n".join(json.dumps({"text": GOOD, "published": p})
                                     for p in ["2022-02-30", "9999-99-99", "yesterday", "0000-00-00"]), True)
    put("wrong-types.jsonl", "\n".join(json.dumps(x) for x in [{"text": 5}, {"text": ["a"]}, {"html": {"a": 1}},
                                                               {"id": {"x": 1}, "text": GOOD}, [1, 2], "str", None]),
        False)
    put("bad.csv", b'text\n"unclosed quote ' + GOOD.encode() + b"\n", True)
    put("no-text-column.csv", b"title,body\nx,y\n", False)
    put("gzip-not-warc.warc.gz", gzip.compress(b"just some text, not WARC"), False)
    _warc_zip_bomb(folder / "bomb.warc.gz")
    made["bomb.warc.gz"] = (folder / "bomb.warc.gz", True)
    huge = folder / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # 100 MB (sparse): refused by its size, never read
    made["huge.txt"] = (huge, False)
    put("good.txt", GOOD, True)
    return made


@pytest.mark.issue(13)
def test_hostile_corpus_never_crashes_and_stores_the_good(nlp, tmp_path: Path, capsys) -> None:
    corpus = make_corpus(tmp_path)
    outcomes = list(read_inputs([path for path, _ in corpus.values()]))
    with Store.open(tmp_path / "hostile.duckdb") as store:
        summary = ingest_into(store, iter(outcomes), nlp=nlp)
        stored_sources = {row[0] for row in store.con.execute("SELECT source FROM articles").fetchall()}
    failures = [o for o in outcomes if isinstance(o, Failure)]
    for failure in failures:
        assert failure.error.startswith("[E1") and failure.source.split("#")[0].split(":")[0] in failure.error
    for name, (path, good) in corpus.items():
        mine = [o for o in outcomes if (o.source or "").startswith(str(path))]
        assert mine, f"{name} gave no outcome at all"
        if good:
            assert any(isinstance(o, Article) for o in mine), (name, mine)
            assert any(s.startswith(str(path)) for s in stored_sources) or any(
                isinstance(o, Article) and o.sha256 for o in mine), name
        else:
            assert all(isinstance(o, Failure) for o in mine), (name, mine)
    bomb = [o for o in outcomes if str(o.source).startswith(str(corpus["bomb.warc.gz"][0]))]
    assert any(isinstance(o, Failure) and o.error.startswith("[E113]") for o in bomb)
    laughs = next(o for o in outcomes if str(o.source).startswith(str(corpus["billion-laughs.xml"][0])))
    assert len(laughs.title or "") < 10_000  # entities were not expanded a billion times
    secret = next(o for o in outcomes if str(o.source).startswith(str(corpus["external-entity.xml"][0])))
    assert "root:" not in (secret.title or "") + secret.text  # no external entity was read
    with capsys.disabled():
        print(f"\nhostile corpus: {len(corpus)} files, {len(outcomes)} inputs tried, {len(failures)} refused with "
              f"a coded error, {summary['stored']} stored")
