"""Drop site furniture that survives HTML extraction or comes with plain text.

News text often ends (or starts) with a call to action: "To read our blog on ..., click here.",
"Subscribe to our newsletter", "Follow us on Twitter", "Share this article", "Related articles".
These lines are not news: left in, they yield actors, quotes and events that never happened.
The rule is general: a short line at the start or end of the text that is mostly a call to action.
"""

from __future__ import annotations

import re

# Phrases that make a line a call to action; each is site furniture in any article, whatever its topic.
_CALL_TO_ACTION = re.compile(
    r"""(?ix)
    \bclick\s+(?:here|below|the\s+link)\b
    | \btap\s+here\b
    | \bread\s+(?:our|the\s+full|more\b|also\b)
    | \b(?:subscribe|sign\s+up|register)\b.{0,60}\b(?:newsletter|updates|alerts|free|here|now|today|to\s+our)\b
    | ^\s*(?:subscribe|sign\s+up)\b
    | \bfollow\s+(?:us|@)\b
    | \bshare\s+(?:this|on)\b
    | \b(?:related|recommended|more)\s+(?:articles|stories|coverage|reading)\b
    | \bdownload\s+(?:our|the)\s+app\b
    | \ball\s+rights\s+reserved\b
    | ^\s*(?:©|\(c\)\s*\d{4}|copyright\s+(?:©\s*)?\d{4})
    | \bsee\s+also\s*:
    | \bjoin\s+(?:our|the)\s+(?:channel|mailing\s+list|community)\b
    | \bwatch\s+(?:the\s+)?(?:video|live)\s*(?::|here|now)\b
    """,
)
# A line longer than this is prose, even if it mentions clicking or reading.
_MAX_FURNITURE_CHARS = 220


def is_call_to_action(line: str) -> bool:
    """Is this one line site furniture (a call to action, a copyright or a related-links header)?"""
    stripped = line.strip()
    return 0 < len(stripped) <= _MAX_FURNITURE_CHARS and bool(_CALL_TO_ACTION.search(stripped))


def strip_boilerplate(text: str) -> str:
    """Remove call-to-action lines from the start and the end of a text (blank lines too).

    Lines in the middle are kept: there a sentence that mentions "click here" is more likely news
    quoting a page than a page's own furniture.
    """
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or is_call_to_action(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or is_call_to_action(lines[end - 1])):
        end -= 1
    return "\n".join(lines[start:end])
