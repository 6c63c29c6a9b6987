"""Loading the committed territory data into the database."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from sinergie.lib.text import fold
from sinergie.territory.datafiles import (
    DATA_DIR,
    DEFAULT_BOUNDARY_REGIONS,
    FORMAT_VERSION,
    TERRITORY_FILE,
    boundaries_file,
    parse_region_codes,
)
from sinergie.territory.models import AGE_BANDS, Municipality, Province, Region

REBUILD_HINT = "build it with `uv run --group territory-build sinergie territory_build --regions 03,<other codes>`"
MUNICIPALITY_FIELDS = [
    "name",
    "search_name",
    "cadastral_code",
    "province",
    "region",
    "is_provincial_capital",
    "population",
    *(f"population_{band}" for band, _low, _high in AGE_BANDS),
    "latitude",
    "longitude",
    "boundary",
]


class TerritoryDataError(Exception):
    """A committed data file is missing or not in the expected format."""


def territory_load(
    *,
    regions_with_boundaries: Sequence[str] = DEFAULT_BOUNDARY_REGIONS,
    stdout: IO[str] | None = None,
    data_dir: Path = DATA_DIR,
) -> dict[str, Any]:
    """Upsert every region, province and municipality of the data file, keyed by ISTAT code.

    Rules: offline (only the committed files are read); idempotent (running it again changes
    nothing and never duplicates, rows are matched on istat_code); atomic (all or nothing).
    Boundaries are stored for the municipalities of `regions_with_boundaries` only and cleared
    for the others, so the database reflects the deployment's setting. Municipalities missing
    from the file are kept (other records may point at them) and counted as "stale".
    """
    regions_with_boundaries = parse_region_codes(regions_with_boundaries)
    data = _read_json(data_dir / TERRITORY_FILE)
    if data.get("format") != FORMAT_VERSION:
        raise TerritoryDataError(f"{TERRITORY_FILE} has format {data.get('format')!r}, expected {FORMAT_VERSION}.")
    boundaries: dict[str, Any] = {}
    for region in regions_with_boundaries:
        collection = _read_json(data_dir / boundaries_file(region))
        boundaries.update({feature["id"]: feature["geometry"] for feature in collection["features"]})

    with transaction.atomic():
        existing = Municipality.objects.count()
        Region.objects.bulk_create(
            [Region(istat_code=item["istat_code"], name=item["name"]) for item in data["regions"]],
            update_conflicts=True,
            unique_fields=["istat_code"],
            update_fields=["name"],
        )
        # bulk_create does not return primary keys on every backend when upserting: look them up.
        region_ids = dict(Region.objects.values_list("istat_code", "id"))
        Province.objects.bulk_create(
            [
                Province(
                    istat_code=item["istat_code"],
                    name=item["name"],
                    abbreviation=item["abbreviation"],
                    region_id=region_ids[item["region"]],
                )
                for item in data["provinces"]
            ],
            update_conflicts=True,
            unique_fields=["istat_code"],
            update_fields=["name", "abbreviation", "region"],
        )
        province_ids = dict(Province.objects.values_list("istat_code", "id"))
        Municipality.objects.bulk_create(
            [
                _municipality(item, region_ids, province_ids, boundaries.get(item["istat_code"]))
                for item in data["municipalities"]
            ],
            update_conflicts=True,
            unique_fields=["istat_code"],
            update_fields=MUNICIPALITY_FIELDS,
            batch_size=500,
        )
        codes = [item["istat_code"] for item in data["municipalities"]]
        stale = Municipality.objects.exclude(istat_code__in=codes).count()

    summary = {
        "regions": len(data["regions"]),
        "provinces": len(data["provinces"]),
        "municipalities": len(codes),
        "municipalities_created": len(codes) + stale - existing,
        "stale_municipalities": stale,
        "boundaries": sum(1 for code in codes if code in boundaries),
        "boundary_regions": regions_with_boundaries,
    }
    if stdout is not None:
        stdout.write(
            "Territory loaded: {regions} regions, {provinces} provinces, {municipalities} municipalities "
            "({municipalities_created} new, {stale_municipalities} stale), {boundaries} boundaries\n".format(**summary)
        )
    return summary


def _read_json(path: Path) -> Any:
    try:
        return json.loads(gzip.decompress(path.read_bytes()))
    except FileNotFoundError:
        raise TerritoryDataError(f"{path} is missing: {REBUILD_HINT}.") from None


def _municipality(
    item: dict[str, Any], region_ids: dict[str, int], province_ids: dict[str, int], boundary: Any
) -> Municipality:
    bands = item["population_by_band"]
    return Municipality(
        istat_code=item["istat_code"],
        name=item["name"],
        search_name=fold(item["name"]),
        cadastral_code=item["cadastral_code"],
        province_id=province_ids[item["province"]],
        region_id=region_ids[item["region"]],
        is_provincial_capital=item["is_provincial_capital"],
        population=item["population"],
        **{f"population_{band}": bands[band] for band, _low, _high in AGE_BANDS},
        latitude=item["lat"],
        longitude=item["lon"],
        boundary=boundary,
    )
