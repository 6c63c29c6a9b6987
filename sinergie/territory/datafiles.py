"""Where the committed territory data files live, shared by the build (writer) and the loader (reader).

Kept free of Django and of the build-only packages so both sides can import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
TERRITORY_FILE = "territory.json.gz"
ATTRIBUTION_FILE = "ATTRIBUTION.md"
DEFAULT_BOUNDARY_REGIONS: tuple[str, ...] = ("03",)
# Bumped when the layout of territory.json changes, so an old loader refuses a new file.
FORMAT_VERSION = 1


def boundaries_file(region: str) -> str:
    """File name of the simplified boundaries of one region, e.g. "boundaries-03.geojson.gz"."""
    return f"boundaries-{region}.geojson.gz"


def parse_region_codes(value: str | Sequence[str]) -> list[str]:
    """Turn "3,05" or ["3", "05"] into ["03", "05"]; an empty value means no region.

    Raises ValueError for anything that is not a 1-2 digit ISTAT region code (01-20).
    """
    items = value.split(",") if isinstance(value, str) else list(value)
    codes: list[str] = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        if not item.isdigit() or not 1 <= int(item) <= 20:
            raise ValueError(f"{item!r} is not an ISTAT region code (01-20).")
        code = f"{int(item):02d}"
        if code not in codes:
            codes.append(code)
    return codes
