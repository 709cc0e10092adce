"""A small schematic map of the Xining area, drawn by the server: places, the Huangshui river and a site's dot."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The frame, in WGS84 degrees: Huangyuan in the west to Ledu's edge in the east, Huangzhong to northern Datong.
WEST, EAST = 100.80, 102.10
SOUTH, NORTH = 36.15, 37.45
WIDTH, HEIGHT = 300, 240

# County seats (approximate WGS84): the name in Simplified Chinese, Traditional Chinese and English.
PLACES = (
    ({"zh-Hans": "西宁", "zh-Hant": "西寧", "en": "Xining"}, 36.617, 101.778),
    ({"zh-Hans": "大通", "zh-Hant": "大通", "en": "Datong"}, 36.927, 101.685),
    ({"zh-Hans": "湟源", "zh-Hant": "湟源", "en": "Huangyuan"}, 36.682, 101.256),
    ({"zh-Hans": "湟中", "zh-Hant": "湟中", "en": "Huangzhong"}, 36.500, 101.570),
)
# The Huangshui river, west to east, through Huangyuan and Xining.
RIVER = ((100.85, 36.80), (101.05, 36.72), (101.26, 36.68), (101.50, 36.64), (101.78, 36.62), (102.05, 36.50))


@dataclass
class MapPoint:
    """A point in the map's pixel frame, and whether the real place lies outside the frame."""

    x: float
    y: float
    outside: bool = False


def project(latitude: float | Decimal, longitude: float | Decimal) -> MapPoint:
    """Project WGS84 onto the frame (equirectangular, good enough at this scale), clamped to its edges."""
    lat, lon = float(latitude), float(longitude)
    x = (lon - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    inside = 0 <= x <= WIDTH and 0 <= y <= HEIGHT
    return MapPoint(round(min(max(x, 4), WIDTH - 4), 1), round(min(max(y, 4), HEIGHT - 4), 1), not inside)


def area_map(latitude, longitude) -> dict | None:
    """Return what the template draws: the places, the river path and the site's dot (None without coordinates)."""
    if latitude is None or longitude is None:
        return None
    places = [(names, project(lat, lon)) for names, lat, lon in PLACES]
    river = " ".join(f"{p.x},{p.y}" for p in (project(lat, lon) for lon, lat in RIVER))
    return {"width": WIDTH, "height": HEIGHT, "places": places, "river": river, "dot": project(latitude, longitude)}
