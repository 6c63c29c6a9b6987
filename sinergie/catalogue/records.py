"""What a catalogue file becomes: its table of text cells, its errors, and the normalized records
of its services and places (compared field by field with what is stored, see
`selectors.catalogue_state`), gathered in a `Plan`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file as a whole cannot be read (size, format, encoding, no header)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file or its header as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("header")
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, cells)
    cell_errors: list[RowError] = field(default_factory=list)  # e.g. XLSX formulas without a value


@dataclass(frozen=True, order=True)
class HoursData:
    byday: str  # "MO,TU,WE"
    opens_at: datetime.time
    closes_at: datetime.time
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


@dataclass(frozen=True, order=True)
class ClosureData:
    period: str
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True, order=True)
class CostData:
    amount_cents: int | None
    unit: str


@dataclass(frozen=True)
class LocationData:
    external_id: str
    name: str
    address: str
    postal_code: str
    municipality_istat: str
    latitude: float
    longitude: float


@dataclass(frozen=True, order=True)
class SiteData:
    location_external_id: str
    hours: tuple[HoursData, ...] = ()


@dataclass(frozen=True)
class ServiceData:
    external_id: str
    kind: str
    name_it: str
    name_en: str
    description_it: str
    description_en: str
    categories: tuple[str, ...]
    minimum_age_months: int | None
    maximum_age_months: int | None
    capacity: int | None
    languages: tuple[str, ...]
    email: str
    phone: str
    url: str
    accepts_vouchers: bool
    closures: tuple[ClosureData, ...]
    costs: tuple[CostData, ...]
    hours: tuple[HoursData, ...] = ()  # the service's own hours (a row without a place)
    sites: tuple[SiteData, ...] = ()


@dataclass
class Lookups:
    categories: frozenset[str]
    # ISTAT code -> the municipality's point (None when it has none)
    municipalities: Mapping[str, tuple[float, float] | None]


@dataclass
class Plan:
    services: dict[str, ServiceData] = field(default_factory=dict)
    locations: dict[str, LocationData] = field(default_factory=dict)
    rows: list[tuple[int, str, str]] = field(default_factory=list)  # (row, service id, place id)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column key -> the header as written

    @property
    def ok(self) -> bool:
        return not self.errors
