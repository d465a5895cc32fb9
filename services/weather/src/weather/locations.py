"""The places whose weather is fetched, keyed by a stable ASCII slug.

The built-in list is the province's places (docs/architecture.md). ``WEATHER_LOCATIONS_FILE``
replaces it with a JSON list of ``{"slug", "name", "lat", "lon"}``: names change with
administrative reforms while the places and their slugs stay.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    slug: str
    name: str
    lat: float
    lon: float


DEFAULT_LOCATIONS: tuple[Location, ...] = (
    Location("yen-bai", "Thành phố Yên Bái", 21.70, 104.87),
    Location("tran-yen", "Trấn Yên", 21.76, 104.82),
    Location("van-chan", "Văn Chấn", 21.56, 104.59),
    Location("tram-tau", "Trạm Tấu", 21.47, 104.38),
    Location("mu-cang-chai", "Mù Cang Chải", 21.83, 104.17),
    Location("nghia-lo", "Nghĩa Lộ", 21.60, 104.51),
    Location("luc-yen", "Lục Yên", 22.11, 104.77),
    Location("van-yen", "Văn Yên", 21.88, 104.69),
    Location("yen-binh", "Yên Bình", 21.73, 104.96),
)
DEFAULT_LOCATION_SLUG = "yen-bai"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _coordinate(item: dict, key: str, limit: float, where: str) -> float:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where}: {key} must be a number")
    if not -limit <= value <= limit:
        raise ValueError(f"{where}: {key} must be between -{limit} and {limit}")
    return float(value)


def parse_locations(text: str) -> tuple[Location, ...]:
    """Places from the JSON text of a locations file; ValueError names what is wrong."""
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    if not isinstance(items, list) or not items:
        raise ValueError("expected a non-empty JSON list of {slug, name, lat, lon}")
    places: list[Location] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"entry {index}"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected an object")
        slug, name = item.get("slug"), item.get("name")
        if not isinstance(slug, str) or not _SLUG.match(slug) or len(slug) > 64:
            raise ValueError(f"{where}: slug must be lower-case ASCII words joined by '-'")
        if slug in seen:
            raise ValueError(f"{where}: slug {slug!r} appears twice")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise ValueError(f"{where}: name must be a non-empty string")
        seen.add(slug)
        places.append(
            Location(
                slug=slug,
                name=name.strip(),
                lat=_coordinate(item, "lat", 90, where),
                lon=_coordinate(item, "lon", 180, where),
            )
        )
    return tuple(places)


def load_locations(path: str) -> tuple[Location, ...]:
    """The places of ``path``; the built-in ones when ``path`` is empty."""
    if not path:
        return DEFAULT_LOCATIONS
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the file ({exc.__class__.__name__}: {exc})") from None
    return parse_locations(text)
