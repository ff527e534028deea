"""The dashboard in a real headless Chromium: map, filters, event -> highlighted evidence, hostile text stays text."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from sample_data import HOSTILE_ACTOR, HOSTILE_TITLE, HOSTILE_URL

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page, name: str) -> None:
    """Save a screenshot under test-artifacts/ (gitignored) for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def ready(page, path: str) -> None:
    page.goto(path)
    page.wait_for_selector("body[data-ready='1']", timeout=15_000)


def test_dashboard_shows_map_timeline_and_events(page, web_server) -> None:
    ready(page, "/")
    total = httpx.get(web_server.url + "/api/events").json()["total"]
    assert page.locator("#events-table tbody tr.event-row").count() == min(total, 50)
    assert page.locator("#map path.country").count() > 150  # the bundled Natural Earth shapes
    assert page.locator("#map circle.dot").count() >= 1
    timeline = httpx.get(web_server.url + "/api/timeline").json()
    assert page.locator("#timeline g.bars").get_attribute("data-buckets") == str(len(timeline["items"]))
    assert page.locator("#timeline g.bars path").count() >= 1
    assert page.locator("#stats").inner_text().startswith("4")
    shot(page, "dashboard")


def test_timeline_bucket_hover_and_click(page, web_server) -> None:
    """The timeline's one pointer area finds the bucket under the pointer: its tooltip, then its date filter."""
    ready(page, "/")
    first = httpx.get(web_server.url + "/api/timeline").json()
    bucket, item = first["bucket"], first["items"][0]
    # the first bucket starts at the plot's left edge (x = 30 in the timeline's viewBox)
    x, y = page.evaluate("""() => { const svg = document.querySelector('#timeline');
        const p = svg.createSVGPoint(); p.x = 31; p.y = 60;
        const q = p.matrixTransform(svg.getScreenCTM()); return [q.x, q.y]; }""")
    page.mouse.move(x, y)
    tip = page.locator("#tooltip")
    tip.wait_for(state="visible")
    assert f"{bucket} of {item['date']}" in tip.inner_text()
    assert f"{item['events']} event" in tip.inner_text()
    page.mouse.click(x, y)
    page.wait_for_function(f"location.hash.includes('date_from={item['date']}')")
    page.wait_for_selector("body[data-ready='1']")
    shown = httpx.get(web_server.url + "/api/events", params={"date_from": item["date"], "date_to": page.evaluate(
        "new URLSearchParams(location.hash.split('?')[1]).get('date_to')")}).json()["total"]
    assert page.locator("#events-count").inner_text() == f"{shown} matching"


def test_country_hover_names_the_country(page, web_server) -> None:
    ready(page, "/")
    # the map draws longitude as x and latitude as -y: the point of Paris (2.35 E, 48.85 N) is in France
    x, y = page.evaluate("""() => { const svg = document.querySelector('#map');
        const p = svg.createSVGPoint(); p.x = 2.35; p.y = -48.85;
        const q = p.matrixTransform(svg.getScreenCTM()); return [q.x, q.y]; }""")
    page.mouse.move(x, y)
    tip = page.locator("#tooltip")
    tip.wait_for(state="visible")
    assert "France" in tip.inner_text()


def test_filter_by_country(page, web_server) -> None:
    ready(page, "/")
    options = page.locator("select[name=country] option")
    assert options.count() > 1
    country = options.nth(1).get_attribute("value")
    page.select_option("select[name=country]", country)
    page.wait_for_function(f"location.hash.includes('country={country}')")
    page.wait_for_selector("body[data-ready='1']")
    expected = httpx.get(web_server.url + "/api/events", params={"country": country}).json()["total"]
    assert expected > 0
    assert page.locator("#events-table tbody tr.event-row").count() == min(expected, 50)
    assert page.locator("#events-count").inner_text() == f"{expected} matching"
    assert page.locator(f"#map path.country.selected[data-iso='{country}']").count() in (0, 1)
    shot(page, "filter-country")


def test_open_event_shows_highlighted_evidence(page, web_server) -> None:
    ready(page, "/")
    row = page.locator("#events-table tbody tr.event-row").first
    article_id, event_id = row.get_attribute("data-article"), row.get_attribute("data-event")
    row.click()
    page.wait_for_function("location.hash.startsWith('#/article/')")
    page.wait_for_selector("body[data-ready='1']")
    record = httpx.get(f"{web_server.url}/api/articles/{article_id}").json()
    event = next(e for e in record["events"] if e["id"] == event_id)
    trigger = page.locator(".hl-event.selected-event")
    assert "".join(trigger.all_inner_texts()) == event["trigger"]["text"]
    assert page.locator("#article-text").inner_text() == record["article"]["text"]
    # hovering the event shows its sources, targets, status (and quote, if any)
    page.locator("#article-side [data-event-id].selected").hover()
    tip = page.locator("#tooltip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert event["status"] in text and "sources" in text and "targets" in text
    for source in event["sources"]:
        assert source["name"] in text
    shot(page, "article-event")


def test_offsets_survive_emoji(page, web_server) -> None:
    """Python code-point offsets land on the right characters although emoji take two UTF-16 units."""
    ready(page, "/#/article/t-emoji")
    record = httpx.get(web_server.url + "/api/articles/t-emoji").json()
    spans = [("place", p) for p in record["places"]]
    spans += [("actor", m) for a in record["actors"] for m in a["mentions"]]
    assert spans, "the emoji article should yield places or actors"
    for kind, span in spans:
        got = page.evaluate(
            """([kind, start, end]) => [...document.querySelectorAll('#article-text .hl-' + kind)]
                 .filter((n) => Number(n.dataset.start) >= start && Number(n.dataset.end) <= end)
                 .map((n) => n.textContent).join('')""", [kind, span["start"], span["end"]])
        assert got == span["text"], (kind, span)
    shot(page, "article-emoji")


def test_hostile_article_stays_inert_text(page, web_server) -> None:
    ready(page, "/#/article/t-hostile")
    assert page.locator("#article-title").inner_text() == HOSTILE_TITLE
    text = httpx.get(web_server.url + "/api/articles/t-hostile").json()["article"]["text"]
    assert page.locator("#article-text").inner_text() == text
    assert page.locator("#article-text img, #article-text script, #article-title img, #article-title b").count() == 0
    assert page.locator("#article-meta a").count() == 0  # a javascript: URL is shown, never linked
    assert HOSTILE_URL in page.locator("#article-meta").inner_text()
    assert HOSTILE_ACTOR in page.locator("#article-side").inner_text()
    page.locator("#article-text .hl-actor").first.hover()
    page.locator("#tooltip").wait_for(state="visible")
    assert page.evaluate("document.querySelectorAll('#tooltip b, #tooltip script, #tooltip img').length") == 0
    shot(page, "article-hostile")
    # the events table with the hostile actor as a source
    ready(page, "/#/events?q=Lagos")
    ready(page, "/#/events?actor=Evil")
    assert page.locator("#events-table b, #events-table script, #events-table img").count() == 0
    for row in page.locator("#events-table tbody tr.event-row").all():
        row.hover()
    assert page.evaluate("window.__xss") is None
    shot(page, "events-hostile")


def test_story_view(page, web_server) -> None:
    ready(page, "/#/stories")
    listed = httpx.get(web_server.url + "/api/story-events").json()
    if listed["total"]:
        assert page.locator("#stories .story-item").count() == min(listed["total"], 50)
        assert page.locator("#story-detail .report").count() >= 1
    else:
        assert "No story events" in page.locator("#stories").inner_text()
    shot(page, "stories")


def test_api_docs_page_is_offline(page) -> None:
    ready_docs = "/docs"
    page.goto(ready_docs)
    page.wait_for_selector("section.endpoint")
    assert page.locator("section.endpoint").count() >= 10
    shot(page, "api-docs")
