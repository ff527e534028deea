"""Call-to-action lines at the edges of a text are dropped by a general rule; prose is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.ingest import read_inputs
from sitrep.ingest.boilerplate import is_call_to_action, strip_boilerplate

BODY = "Rebels shelled the airport on Sunday, the defence ministry said.\nNo casualties were reported."


@pytest.mark.parametrize("line", [
    "To read our analysis of the ceasefire talks, click here.",
    "Read our live coverage of the election here",
    "Subscribe to our newsletter for daily updates.",
    "Sign up for breaking news alerts",
    "Follow us on Twitter and Facebook",
    "Share this article",
    "Related articles",
    "© 2024 Example Media. All rights reserved.",
    "Download our app to get the latest news",
])
def test_calls_to_action_are_furniture(line: str) -> None:
    assert is_call_to_action(line)
    assert strip_boilerplate(f"{BODY}\n{line}") == BODY
    assert strip_boilerplate(f"{line}\n\n{BODY}") == BODY


@pytest.mark.parametrize("line", [
    "The minister said the ceasefire would be read as a sign of weakness.",
    "Protesters shared photos of the march on social media, witnesses said.",
])
def test_news_sentences_are_kept(line: str) -> None:
    assert not is_call_to_action(line)
    assert strip_boilerplate(f"{BODY}\n{line}").endswith(line)


def test_call_to_action_in_the_middle_is_kept() -> None:
    text = f"{BODY}\nThe agency's website told users to click here for updates, officials said.\n{BODY}"
    assert strip_boilerplate(text) == text


def test_raw_text_keeps_everything(tmp_path: Path) -> None:
    text = f"{BODY}\nTo read our blog on the talks, click here."
    path = tmp_path / "a.txt"
    path.write_text(text)
    (cooked,) = read_inputs([path])
    (raw,) = read_inputs([path], raw_text=True)
    assert "click here" not in cooked.text and raw.text == text
