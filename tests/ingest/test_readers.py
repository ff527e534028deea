"""Every input format read from real files; every kind of bad input a clear, named failure."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from sitrep.ingest import read_inputs
from sitrep.model import Article, Failure

NEWS = ("Police in Nairobi arrested twelve protesters on Monday after a march on parliament turned violent, "
        "a police spokesman said.")
MORE = ("The army said on Thursday that its troops had taken control of the town of Goma after two days of "
        "fighting with rebels.")


def read_all(*paths: object, **kwargs: object) -> list[Article | Failure]:
    return list(read_inputs([str(p) for p in paths], **kwargs))


def only_article(items: list[Article | Failure]) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(NEWS, encoding="utf-8")
    article = only_article(read_all(path, published="2024-05-06"))
    assert article.text == NEWS and article.published == "2024-05-06" and len(article.sha256) == 64


def test_html_file_keeps_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Goma falls</title><meta name='date' content='2023-01-26'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World news</a></nav>"
        f"<article><h1>Goma falls</h1><p>{MORE}</p><p>{NEWS}</p></article>"
        "<footer>Share this article on social media. Copyright 2023 Example News.</footer></body></html>",
        encoding="utf-8")
    article = only_article(read_all(path))
    assert "troops had taken control" in article.text
    assert "World news" not in article.text and "Share this" not in article.text
    assert article.title == "Goma falls" and article.published == "2023-01-26"


def test_jsonl_lines_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "n1", "text": NEWS, "published": "2024-05-06", "url": "https://x.test/1",
                                "title": "Arrests"}) + "\n" + json.dumps({"html": f"<p>{MORE}</p>"}) + "\n")
    first, second = read_all(path)
    assert (first.id, first.url, first.title, first.published) == ("n1", "https://x.test/1", "Arrests", "2024-05-06")
    assert isinstance(second, Article) and "Goma" in second.text


def test_csv_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f'id,published,text\nc1,2024-05-06,"{NEWS}"\nc2,,"{MORE}"\n', encoding="utf-8")
    first, second = read_all(path)
    assert (first.id, first.published, second.id, second.published) == ("c1", "2024-05-06", "c2", None)


def test_rss_feed_entries(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        f"<item><title>One</title><link>https://x.test/1</link><pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate>"
        f"<description>{NEWS}</description></item>"
        f"<item><title>Two</title><link>https://x.test/2</link><description>&lt;p&gt;{MORE}&lt;/p&gt;"
        "</description></item></channel></rss>", encoding="utf-8")
    first, second = read_all(path)
    assert (first.url, first.published, first.title) == ("https://x.test/1", "2024-05-06", "One")
    assert isinstance(second, Article) and second.text.startswith("The army said")


def test_atom_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_text(
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>"
        "<entry><title>A</title><link href='https://x.test/a'/><updated>2024-05-07T08:00:00Z</updated>"
        f"<content type='text'>{MORE}</content></entry></feed>", encoding="utf-8")
    article = only_article(read_all(path))
    assert article.url == "https://x.test/a" and article.published == "2024-05-07"


def _warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=path.suffix == ".gz")
        for url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _warc(path, [("https://x.test/1", f"<html><body><p>{NEWS}</p></body></html>".encode()),
                 ("https://x.test/2", f"<html><body><p>{MORE}</p></body></html>".encode())])
    first, second = read_all(path)
    assert first.url == "https://x.test/1" and "Nairobi" in first.text
    assert second.url == "https://x.test/2" and "Goma" in second.text


def test_directory_is_read_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text(MORE)
    (tmp_path / "sub" / "a.txt").write_text(NEWS)
    (tmp_path / "notes.md").write_text("ignored: not an input type")
    items = read_all(tmp_path)
    assert [a.text[:10] for a in items] == [MORE[:10], NEWS[:10]]


def test_latin1_page_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(("Café owners in Montréal said on Friday that the strike had cost them dearly, "
                      "and the union promised more protests next week.").encode("latin-1"))
    assert "Café" in only_article(read_all(path)).text


def test_unlabelled_western_page_keeps_its_accents(tmp_path: Path) -> None:
    # A few accents in English text fit several single-byte code pages equally well; the Western one wins.
    path = tmp_path / "page.html"
    path.write_bytes(("<html><body><p>Soldiers attacked the café near the border on Tuesday, the ministère de la "
                      "Défense said. Refugees fled north, officials said, and the army denied the report.</p>"
                      "</body></html>").encode("latin-1"))
    text = only_article(read_all(path)).text
    assert "ministère" in text and "Défense" in text and "café" in text


def test_same_text_same_id(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(NEWS)
    (tmp_path / "b.txt").write_text(NEWS + "\n")
    first, second = read_all(tmp_path / "a.txt", tmp_path / "b.txt")
    assert first.id == second.id and first.sha256 == second.sha256


# -- bad input: one clear failure naming the input, the rest go on ------------------------------------------------

def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    made = {
        "empty": ("empty.txt", b"", "E103"),
        "binary": ("report.txt", b"%PDF-1.7\n" + bytes(range(256)) * 20, "E104"),
        "invalid utf-8": ("bad.txt", b"\xc3\x28\xa0\xa1\xe2\x28\xa1" * 50, "E105"),
        "truncated html": ("trunc.html", b"<html><body><div><p", "E103"),
        "unknown extension": ("data.pdfx", NEWS.encode(), "E111"),
        "feed not xml": ("feed.xml", b"this is not a feed at all", "E108"),
        "non-english": ("de.txt", (b"Die Bundesregierung hat am Dienstag neue Sanktionen gegen Russland beschlossen, "
                                   b"teilte ein Regierungssprecher in Berlin mit."), "E107"),
        # too short for the identifier, but without a single Latin letter: not English whatever it is
        "short non-latin": ("ru.txt", "Мирные переговоры".encode(), "E107"),
    }
    out = {}
    for label, (name, data, code) in made.items():
        path = tmp_path / name
        path.write_bytes(data)
        out[label] = (path, code)
    return out


@pytest.mark.parametrize("label", ["empty", "binary", "invalid utf-8", "truncated html", "unknown extension",
                                   "feed not xml", "non-english", "short non-latin"])
def test_bad_input_is_one_named_failure(tmp_path: Path, label: str) -> None:
    path, code = _bad_inputs(tmp_path)[label]
    good = tmp_path / "good.txt"
    good.write_text(NEWS)
    first, second = read_all(path, good)
    assert isinstance(first, Failure), first
    assert first.error.startswith(f"[{code}]") and str(path) in first.error
    assert isinstance(second, Article)


def test_missing_path(tmp_path: Path) -> None:
    (failure,) = read_all(tmp_path / "nope.txt")
    assert isinstance(failure, Failure) and failure.error.startswith("[E102]") and "nope.txt" in failure.error


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # a sparse 50 MB file: refused by its size before it is read
    (failure,) = read_all(path)
    assert failure.error.startswith("[E106]") and "50.0 MB" in failure.error


def test_broken_jsonl_lines_fail_alone(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "' + NEWS.encode() + b'"}\n{broken\n{"text": 5}\n["a list"]\n{"title": "x"}\n'
                     b'\xff\xfe\x00bad bytes\x00\n{"text": "' + MORE.encode() + b'"}\n')
    items = read_all(path)
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Failure", "Failure", "Failure", "Failure",
                                                 "Article"]
    assert [i.source for i in items if isinstance(i, Failure)] == [f"{path}:{n}" for n in (2, 3, 4, 5, 6)]
    assert items[2].error.startswith("[E110]") and "'text'" in items[2].error


def test_bad_publication_date_is_a_note_not_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": NEWS, "published": "2022-02-30"}) + "\n")
    article = only_article(read_all(path))
    assert article.published is None and any("E112" in note for note in article.notes)


def test_corrupt_warc_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(gzip.compress(b"not a warc record at all\r\n\r\n"))
    (failure,) = read_all(path)
    assert isinstance(failure, Failure) and str(path) in failure.error
