"""Regenerate `world.geojson`, the dashboard's offline basemap, from a PyPI package's Natural Earth data.

    pip download geopandas==0.14.4 --no-deps -d /tmp/ne
    python src/sitrep/web/make_basemap.py /tmp/ne/geopandas-0.14.4-py3-none-any.whl

Source: the `naturalearth_lowres` dataset shipped inside the geopandas 0.14.4 wheel (BSD-3-Clause
package; the data is Natural Earth 1:110m Admin 0 countries, public domain,
https://www.naturalearthdata.com/about/terms-of-use/). geopandas 1.x no longer ships it, hence the pin.

Why a script of our own: the dashboard must draw a map with no tile server and no CDN, and with no
GIS library at run time. This reads the shapefile with a few lines of `struct` (polygon records only),
rounds coordinates to 0.1 degree and drops repeated points, which keeps the file near 100 KB.
This file is not served by the app (only .html/.css/.js/.json/.geojson/.svg/.ico are).
"""

from __future__ import annotations

import io
import itertools
import json
import struct
import sys
import zipfile
from pathlib import Path

_PREFIX = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"


def read_dbf(data: bytes) -> list[dict[str, str]]:
    """Records of a dBASE III table as strings (enough for names and codes)."""
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(count):
        start = header_len + i * record_len + 1  # first byte is the deletion flag
        row = {}
        for name, width in fields:
            row[name] = data[start:start + width].decode("utf-8", "replace").strip()
            start += width
        rows.append(row)
    return rows


def read_polygons(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """Each record's rings from a polygon shapefile (.shp), in file order."""
    shapes = []
    pos = 100
    while pos < len(data):
        _, length = struct.unpack(">ii", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length * 2]
        pos += 8 + length * 2
        shape_type = struct.unpack("<i", body[:4])[0]
        if shape_type != 5:
            shapes.append([])
            continue
        num_parts, num_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{num_parts}i", body[44:44 + 4 * num_parts]))
        base = 44 + 4 * num_parts
        points = [struct.unpack("<dd", body[base + 16 * k: base + 16 * k + 16]) for k in range(num_points)]
        rings = [points[a:b] for a, b in zip(parts, [*parts[1:], num_points], strict=True)]
        shapes.append(rings)
    return shapes


def simplify(ring: list[tuple[float, float]], digits: int = 1) -> list[list[float]]:
    """Round to `digits` decimals and drop consecutive repeats; keep the ring closed."""
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, digits), round(y, digits)]
        if not out or out[-1] != point:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


def build(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as zf:
        shp = zf.read(_PREFIX + ".shp")
        dbf = zf.read(_PREFIX + ".dbf")
    features = []
    for row, rings in zip(read_dbf(dbf), read_polygons(shp), strict=True):
        polygons: list[list[list[list[float]]]] = []
        for ring in rings:
            simple = simplify(ring)
            if len(simple) < 4:
                continue
            # Shapefile outer rings run clockwise (negative signed area), holes counter-clockwise.
            if signed_area(simple) <= 0 or not polygons:
                polygons.append([simple])
            else:
                polygons[-1].append(simple)
        if not polygons:
            continue
        features.append({
            "type": "Feature",
            "properties": {"iso_a3": row.get("iso_a3", ""), "name": row.get("name", ""),
                           "continent": row.get("continent", "")},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        })
    return {"type": "FeatureCollection",
            "source": "Natural Earth 1:110m Admin 0 countries (public domain), via the naturalearth_lowres "
                      "dataset of the geopandas 0.14.4 wheel on PyPI; simplified to 0.1 degree by make_basemap.py",
            "features": features}


def main(argv: list[str]) -> None:
    wheel = Path(argv[1])
    target = Path(__file__).with_name("world.geojson")
    buffer = io.StringIO()
    json.dump(build(wheel), buffer, separators=(",", ":"))
    target.write_text(buffer.getvalue(), encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main(sys.argv)
