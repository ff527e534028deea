"""The GeoJSON and ACLED-style CSV exports over a store built with the real pipeline."""

from __future__ import annotations

import csv
import io
import json

from sitrep.export import ACLED_COLUMNS, export_store
from sitrep.store import Store


def test_geojson_export_points_back_to_evidence(api_db, tmp_path) -> None:
    target = tmp_path / "events.geojson"
    with Store.open(api_db, read_only=True) as store:
        export_store(store, "geojson", output=target)
        located = store.con.execute("SELECT count(*) FROM events WHERE lat IS NOT NULL").fetchone()[0]
        texts = {a: t for a, t in store.con.execute("SELECT id, text FROM articles").fetchall()}
    body = json.loads(target.read_text(encoding="utf-8"))
    assert body["type"] == "FeatureCollection" and len(body["features"]) == located > 0
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        trigger = props["trigger"]
        assert texts[props["article_id"]][trigger["start"]:trigger["end"]] == trigger["text"]
        assert props["geo_precision"] in {"exact", "city", "admin2", "admin1", "country", "region", None}


def test_acled_csv_has_one_row_per_event(api_db, tmp_path) -> None:
    target = tmp_path / "acled.csv"
    with Store.open(api_db, read_only=True) as store:
        export_store(store, "acled-csv", output=target)
        events = store.con.execute("SELECT count(*) FROM events").fetchone()[0]
        killed = store.con.execute("SELECT coalesce(sum(value), 0) FROM quantities WHERE category = 'killed' "
                                   "AND event_id IS NOT NULL").fetchone()[0]
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ACLED_COLUMNS and len(rows) == events
    assert len({r["event_id_cnty"] for r in rows}) == events
    assert all(r["time_precision"] in {"1", "2", "3"} for r in rows)
    assert all(r["geo_precision"] in {"1", "2", "3", ""} for r in rows)
    assert sum(int(r["fatalities"]) for r in rows) == killed
