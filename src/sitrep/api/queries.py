"""What the API's filters mean, shared by every list: the `Filters` an analyst sets, the PLOVER type groups,
and how a stored value travels as JSON.

The filters are applied by the serving index (`sitrep.api.serving`), not by SQL built per request: no user
value ever reaches SQL text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# PLOVER event types grouped the way conflict analysts read them (QuadClass in spirit), for colours
# and the stacked timeline.
TYPE_GROUPS: dict[str, tuple[str, ...]] = {
    "cooperation": ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"),
    "verbal_conflict": ("REQUEST", "ACCUSE", "REJECT", "THREATEN"),
    "material_conflict": ("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"),
}
TYPE_GROUP = {t: group for group, types in TYPE_GROUPS.items() for t in types}


@dataclass
class Filters:
    """The filters an analyst can apply to a list (all optional; each narrows the result)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    types: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    actor: str | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    article_id: str | None = None
    category: str | None = None
    min_confidence: float | None = None
    include_duplicates: bool = False


def jsonable(value: Any) -> Any:
    """A DuckDB value as JSON can carry it (dates as ISO strings)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
