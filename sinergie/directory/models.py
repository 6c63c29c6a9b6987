"""The services directory, modelled on Open Referral HSDS 3.0 (standards/hsds-3.0/).

Names follow HSDS where HSDS has the concept (service, location, service at location,
schedule, cost option, taxonomy term); ids are UUIDs as HSDS expects. What HSDS cannot say
is ours: the moderation state, availability during school closures, and ages in months
(a nursery counts months; HSDS's minimum_age/maximum_age in years are derived).
Providers are organizations of kind "provider" (organizations.Organization).
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from sinergie.organizations.models import Organization
from sinergie.territory.models import Municipality


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("address of its definition"), blank=True)
    version = models.CharField(_("version"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A category of the conciliation taxonomy (nursery, holiday camp, time-saving service, ...)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, verbose_name=_("taxonomy"), on_delete=models.PROTECT, related_name="terms")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_it = models.CharField(_("name (Italian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_it

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_it


class ServiceKind(models.TextChoices):
    SERVICE = "service", _("Conciliation service")
    INFO_POINT = "info_point", _("Information point")


class ServiceStatus(models.TextChoices):
    """HSDS's status: whether the service runs, independent of moderation."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Closed for good")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class ModerationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="services"
    )
    # The provider's own identifier: re-importing the same file updates instead of duplicating.
    external_id = models.CharField(_("provider's identifier"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ServiceKind.choices, default=ServiceKind.SERVICE)
    status = models.CharField(_("status"), max_length=24, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    state = models.CharField(
        _("moderation"), max_length=16, choices=ModerationState.choices, default=ModerationState.DRAFT, db_index=True
    )
    name_it = models.CharField(_("name (Italian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    categories = models.ManyToManyField(TaxonomyTerm, verbose_name=_("categories"), related_name="services")
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    minimum_age_months = models.PositiveSmallIntegerField(_("minimum age (months)"), null=True, blank=True)
    maximum_age_months = models.PositiveSmallIntegerField(_("maximum age (months)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    # ISO 639-1 codes of the languages spoken to families.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    eligibility_description_it = models.TextField(_("who can use it (Italian)"), blank=True)
    eligibility_description_en = models.TextField(_("who can use it (English)"), blank=True)
    application_process_it = models.TextField(_("how to enrol (Italian)"), blank=True)
    application_process_en = models.TextField(_("how to enrol (English)"), blank=True)
    fees_description_it = models.TextField(_("costs (Italian)"), blank=True)
    fees_description_en = models.TextField(_("costs (English)"), blank=True)
    accepts_vouchers = models.BooleanField(_("accepts the alliance's vouchers"), default=False)
    is_demo = models.BooleanField(_("fictitious demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_it"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age_months__isnull=True)
                | Q(maximum_age_months__isnull=True)
                | Q(minimum_age_months__lte=F("maximum_age_months")),
                name="directory_service_age_range",
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="directory_service_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "kind"]),
            # Searches by name walk these in order and stop at the page (services_search).
            models.Index(
                fields=["name_it", "id"], condition=Q(state="published"), name="directory_service_pub_name_it"
            ),
            models.Index(
                Coalesce(NullIf("name_en", Value("")), "name_it"),
                F("id"),
                condition=Q(state="published"),
                name="directory_service_pub_name_en",
            ),
        ]

    def __str__(self) -> str:
        return self.name_it

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_it


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="locations"
    )
    external_id = models.CharField(_("provider's identifier"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    address_1 = models.CharField(_("address"), max_length=200)
    postal_code = models.CharField(_("postcode"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="locations"
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    transportation = models.TextField(_("how to get there"), blank=True)
    accessibility_it = models.TextField(_("accessibility (Italian)"), blank=True)
    accessibility_en = models.TextField(_("accessibility (English)"), blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [
            # A rough box around Italy: a swapped or mistyped coordinate is caught here too.
            models.CheckConstraint(
                condition=Q(latitude__gte=35.0, latitude__lte=47.5, longitude__gte=6.0, longitude__lte=19.0),
                name="directory_location_in_italy",
            ),
        ]
        # Searches near a point start from a bounding box on the coordinates.
        indexes = [models.Index(fields=["latitude", "longitude"], name="directory_location_lat_lon")]

    def __str__(self) -> str:
        return f"{self.name}, {self.municipality}"


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="sites")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="sites")
    description = models.TextField(_("notes for this location"), blank=True)

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="directory_sal_unique")]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Weekday(models.TextChoices):
    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")


class Schedule(models.Model):
    """Weekly opening hours (HSDS/iCalendar recurrence: WEEKLY on `byday`) within a validity window."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        verbose_name=_("service at a location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Comma-separated iCalendar weekdays, e.g. "MO,TU,WE,TH,FR".
    byday = models.CharField(_("days of the week"), max_length=20)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    description_it = models.CharField(_("notes (Italian)"), max_length=200, blank=True)
    description_en = models.CharField(_("notes (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False, service_at_location__isnull=True)
                | Q(service__isnull=True, service_at_location__isnull=False),
                name="directory_schedule_one_owner",
            ),
            models.CheckConstraint(condition=Q(opens_at__lt=F("closes_at")), name="directory_schedule_hours"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=F("valid_to")),
                name="directory_schedule_validity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class ScheduleException(models.Model):
    """A dated exception to a schedule: closed, or different hours (HSDS cannot express it)."""

    schedule = models.ForeignKey(
        Schedule, verbose_name=_("opening hours"), on_delete=models.CASCADE, related_name="exceptions"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    closed = models.BooleanField(_("closed"), default=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exception to the opening hours")
        verbose_name_plural = _("exceptions to the opening hours")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(start__lte=F("end")), name="directory_exception_dates")]

    def __str__(self) -> str:
        return f"{self.start} – {self.end}"


class CostUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    ONCE = "once", _("one-off")


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="costs")
    option_it = models.CharField(_("option (Italian)"), max_length=200)
    option_en = models.CharField(_("option (English)"), max_length=200, blank=True)
    # Integer cents; null means "price on request". Zero means free.
    amount_cents = models.PositiveIntegerField(_("amount (cents)"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=CostUnit.choices, default=CostUnit.WEEK)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")
        ordering = ["amount_cents"]

    def __str__(self) -> str:
        return self.option_it


class ClosurePeriodKind(models.TextChoices):
    SEPTEMBER = "september", _("September before school")
    CHRISTMAS = "christmas", _("Christmas holidays")
    CARNIVAL = "carnival", _("Carnival")
    EASTER = "easter", _("Easter holidays")
    BRIDGE = "bridge", _("Bridge days and holidays")
    SUMMER = "summer", _("Summer")
    OTHER = "other", _("Other school closures")


class ClosureAvailability(models.Model):
    """The dates on which a service runs while schools are closed: first-class in Sinergie.

    HSDS cannot say it; the API exposes it as an extension attribute of the service.
    """

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="closure_availability"
    )
    period = models.CharField(_("school closure period"), max_length=16, choices=ClosurePeriodKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("availability during school closures")
        verbose_name_plural = _("availability during school closures")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(start__lte=F("end")), name="directory_closure_dates")]
        indexes = [
            models.Index(fields=["start", "end"]),
            # A period search reads the services straight from the index.
            models.Index(fields=["start", "end", "service"], name="directory_closure_dates_svc"),
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.start} – {self.end}"


class RevisionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Returned with comments")
    WITHDRAWN = "withdrawn", _("Discarded")


# A service has at most one of these at a time (a database constraint says so).
OPEN_REVISION_STATES = (RevisionState.DRAFT, RevisionState.SUBMITTED)


class ServiceRevision(models.Model):
    """A provider's proposed content of a service, waiting for an alliance moderator.

    The live Service row (and its children) is what the public sees; a revision holds the
    complete editable content as a structured dict (`payload`, see directory/revisions.py)
    until approval copies it onto the live rows. So published data never disappears
    because of an edit in progress.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    payload = models.JSONField(_("proposed content"), default=dict)
    state = models.CharField(
        _("state"), max_length=16, choices=RevisionState.choices, default=RevisionState.DRAFT, db_index=True
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderator_comment = models.TextField(_("moderator's comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("service revision")
        verbose_name_plural = _("service revisions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(state__in=["draft", "submitted"]),
                name="directory_revision_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(moderator_comment=""),
                name="directory_revision_rejection_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_state_display()}, {self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REVISION_STATES


class SearchStem(models.Model):
    """One word of the search vocabulary: a folded, stemmed word (see search_index.search_terms).

    Only ever grows (a stem no service uses any more matches nothing), so its highest id tells
    a process whether the vocabulary it holds in memory is still complete.
    """

    text = models.CharField(_("stem"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("search stem")
        verbose_name_plural = _("search stems")

    def __str__(self) -> str:
        return self.text


class SearchTerm(models.Model):
    """A stem found in a service's names, descriptions or category names: the full-text index.

    Kept by search_index.reindex_services (signals call it on every save); `in_name` ranks
    services whose name holds the word above those where only the description does.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_terms")
    stem = models.ForeignKey(SearchStem, on_delete=models.CASCADE, related_name="+")
    in_name = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.UniqueConstraint(fields=["service", "stem"], name="directory_searchterm_unique")]
        indexes = [
            models.Index(fields=["stem", "service"], name="directory_searchterm_stem"),
            # Relevance asks which services hold a stem in a name: read from the index alone.
            models.Index(fields=["stem", "service"], condition=Q(in_name=True), name="directory_searchterm_in_name"),
        ]

    def __str__(self) -> str:
        return f"{self.stem_id} @ {self.service_id}"


class StemsField(models.Field):
    """A list of stem ids: an `integer[]` on PostgreSQL (the search tests it inline with `&&` and
    `@>`, and a GIN index serves it), JSON text on SQLite (kept, not read: SQLite searches
    SearchTerm)."""

    description = "A list of search stem ids"

    def db_type(self, connection: Any) -> str:
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        items = sorted({int(item) for item in value or []})
        return items if connection.vendor == "postgresql" else json.dumps(items)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[int]:
        if value is None:
            return []
        return json.loads(value) if isinstance(value, str) else list(value)

    def to_python(self, value: Any) -> list[int]:
        if isinstance(value, str):
            return json.loads(value)
        return list(value or [])


class ClosuresField(models.Field):
    """The date ranges (inclusive) a service covers while schools are closed: a `datemultirange`
    on PostgreSQL (the search tests a period inline with `&&`), JSON text on SQLite (kept, not
    read: SQLite searches ClosureAvailability)."""

    description = "Date ranges a service covers while schools are closed"

    def db_type(self, connection: Any) -> str:
        return "datemultirange" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        spans = sorted((start, end) for start, end in value or [])
        if connection.vendor == "postgresql":
            from psycopg.types.multirange import Multirange
            from psycopg.types.range import Range

            return Multirange([Range(start, end, "[]") for start, end in spans])
        return json.dumps([[start.isoformat(), end.isoformat()] for start, end in spans])

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[tuple[Any, Any]]:
        if value is None:
            return []
        if isinstance(value, str):
            return [(datetime.date.fromisoformat(a), datetime.date.fromisoformat(b)) for a, b in json.loads(value)]
        # PostgreSQL hands ranges back canonical, [start, end + 1 day).
        return [(span.lower, span.upper - datetime.timedelta(days=1)) for span in value]


class SearchFields(models.Model):
    """What the search filters on, flattened from a published service and its relations.

    Kept by search_index.reindex_services with the SearchTerm rows; only published services have
    them. `stems` holds every stem of the service (its SearchTerm stems: words, `cat:` + each
    category code and its ancestors', `lang:` + each spoken language; and `month:` + each month
    of closure cover, `age:` + each age in years it takes), `name_stems` those found in its names, `closures`
    the ranges of its ClosureAvailability.
    """

    kind = models.CharField(max_length=16)
    minimum_age_months = models.PositiveSmallIntegerField(null=True)
    maximum_age_months = models.PositiveSmallIntegerField(null=True)
    accepts_vouchers = models.BooleanField(default=False)
    free = models.BooleanField(default=False)  # a cost option of 0
    lowest_price_cents = models.PositiveIntegerField(null=True)
    name_it = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)  # the English name, or the Italian one
    stems = StemsField(default=list)
    name_stems = StemsField(default=list)
    closures = ClosuresField(default=list)

    class Meta:
        abstract = True


class SearchEntry(SearchFields):
    """A published service as a search across the region reads it: one row, every filter inline."""

    service = models.OneToOneField(Service, primary_key=True, on_delete=models.CASCADE, related_name="search_entry")

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            # Orders by name walk these and stop at the page.
            models.Index(fields=["name_it", "service"], name="directory_entry_name_it"),
            models.Index(fields=["name_en", "service"], name="directory_entry_name_en"),
        ]

    def __str__(self) -> str:
        return self.name_it


class SearchSite(SearchFields):
    """A published service at one of its locations, as a search around a point reads it: the
    site's coordinates beside every filter, so the rows near the point need no join.

    PostgreSQL also indexes the plane point of search.near.PLANE_POINT (migration 0009).
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_sites")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        verbose_name = _("search site")
        verbose_name_plural = _("search sites")
        indexes = [models.Index(fields=["latitude", "longitude"], name="directory_searchsite_lat_lon")]

    def __str__(self) -> str:
        return f"{self.name_it} @ {self.latitude}, {self.longitude}"
