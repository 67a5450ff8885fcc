"""Commune boundaries for the units map: an optional GeoJSON file in the data repository.

A province's GIS office has the communes' polygons; with them the map is a choropleth (each
commune filled with its coverage band), without them it is points at the register's coordinates.
Nothing is fetched: no tile server, no web map, so the map works on an office network with no
internet.

The file is ``units/boundaries.geojson`` in the data repository: a GeoJSON ``FeatureCollection``
of ``Polygon`` or ``MultiPolygon`` features in longitude/latitude (WGS 84, as QGIS exports with
"EPSG:4326"). Each feature names its commune by its GSO code in the property ``ma_xa`` (or
``code``; the first present, keys compared without case); a number is read as the five-digit
code ("4375" -> "04375"). An optional top-level member ``"structure": "old"`` or ``"new"`` says
which register the codes are from; without it the codes are joined in the structure on screen.
Features whose code is not a commune on screen are not drawn; communes without a feature are
drawn as points.

The polygons are rewound to the orientation Vega's projection expects (exterior rings
clockwise): GeoJSON files written the RFC 7946 way (counter-clockwise) would otherwise fill the
whole globe. Coordinates are rounded to 5 decimals (about a metre), which keeps the chart small.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NhanRongError

BOUNDARIES = Path("units") / "boundaries.geojson"
CODE_PROPERTIES = ("ma_xa", "code")
DECIMALS = 5


class BoundariesError(NhanRongError):
    """The boundaries file cannot be used; the message (codes "error.boundaries.*") names the file
    and says why, in the reader's language (:meth:`text`)."""


@dataclass(frozen=True)
class Boundaries:
    """The usable features of a boundaries file, by commune code."""

    path: Path
    structure: str | None  # "old" | "new" | None: joined in the structure on screen
    shapes: dict[str, dict] = field(default_factory=dict)  # code -> GeoJSON geometry (rewound, rounded)
    skipped: int = 0  # features without a code or a polygon

    def applies_to(self, structure: str) -> bool:
        return self.structure is None or self.structure == structure


def boundaries_path(root: Path) -> Path:
    return Path(root) / BOUNDARIES


def _code(props: dict[str, Any]) -> str | None:
    lower = {str(k).casefold(): v for k, v in (props or {}).items()}
    for name in CODE_PROPERTIES:
        v = lower.get(name)
        if v is None or v == "":
            continue
        if isinstance(v, bool):
            return None
        if isinstance(v, (int, float)):
            return f"{int(v):05d}"
        text = str(v).strip()
        return text.zfill(5) if text.isdigit() else text
    return None


def _signed_area(ring: list) -> float:
    """Twice the signed area of a ring in the lon/lat plane (positive = counter-clockwise)."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        total += x1 * y2 - x2 * y1
    return total


def _ring(ring: list, clockwise: bool) -> list:
    pts = [[round(float(p[0]), DECIMALS), round(float(p[1]), DECIMALS)] for p in ring]
    if len(pts) < 4:
        raise ValueError("a ring needs at least four positions")
    ccw = _signed_area(pts) > 0
    return pts[::-1] if ccw == clockwise else pts


def _polygon(rings: list) -> list:
    # d3-geo (Vega's projections) reads a clockwise exterior ring as the polygon itself; holes the other way.
    return [_ring(r, clockwise=(i == 0)) for i, r in enumerate(rings)]


def rewind(geometry: dict) -> dict | None:
    """The geometry with rings in d3's orientation and rounded coordinates; None if it is not a polygon."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coords = geometry.get("coordinates") if kind else None
    try:
        if kind == "Polygon" and coords:
            return {"type": "Polygon", "coordinates": _polygon(coords)}
        if kind == "MultiPolygon" and coords:
            return {"type": "MultiPolygon", "coordinates": [_polygon(p) for p in coords if p]}
    except (TypeError, ValueError, IndexError):
        return None
    return None


def read_boundaries(path: Path) -> Boundaries:
    """Parse and check a boundaries file. Raises BoundariesError when it cannot be used at all."""
    path = Path(path)
    name = BOUNDARIES.as_posix() if path.name == BOUNDARIES.name else path.name
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundariesError("error.boundaries.unreadable", name=name, reason=str(exc)) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise BoundariesError("error.boundaries.not_collection", name=name)
    structure = doc.get("structure")
    if structure not in (None, "old", "new"):
        raise BoundariesError("error.boundaries.bad_structure", name=name, structure=structure)
    shapes: dict[str, dict] = {}
    skipped = 0
    for feature in doc["features"]:
        if not isinstance(feature, dict):
            skipped += 1
            continue
        code = _code(feature.get("properties") or {})
        geometry = rewind(feature.get("geometry") or {})
        if not code or geometry is None:
            skipped += 1
            continue
        if code in shapes:  # a commune in several features: one MultiPolygon
            a, b = shapes[code], geometry
            polys = [*(a["coordinates"] if a["type"] == "MultiPolygon" else [a["coordinates"]]),
                     *(b["coordinates"] if b["type"] == "MultiPolygon" else [b["coordinates"]])]
            geometry = {"type": "MultiPolygon", "coordinates": polys}
        shapes[code] = geometry
    if not shapes:
        raise BoundariesError("error.boundaries.no_feature", name=name)
    return Boundaries(path, structure, shapes, skipped)


def load_boundaries(root: Path) -> Boundaries | None:
    """The repository's boundaries, or None when it has no ``units/boundaries.geojson``."""
    path = boundaries_path(root)
    return read_boundaries(path) if path.is_file() else None


def shapes_for(boundaries: Boundaries | None, structure: str) -> dict[str, dict]:
    """Commune code -> geometry for the structure on screen ({} when there is no file or it is of the
    other structure)."""
    if boundaries is None or not boundaries.applies_to(structure):
        return {}
    return boundaries.shapes


__all__ = ["BOUNDARIES", "Boundaries", "BoundariesError", "boundaries_path", "read_boundaries", "load_boundaries",
           "shapes_for", "rewind"]
