"""Regions, provinces, municipalities (ISTAT) and social districts.

Loaded from the committed data file built from ISTAT and Openpolis data (see
territory/build.py and the credits page); staff never type a municipality.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0_2", 0, 2),
    ("3_5", 3, 5),
    ("6_10", 6, 10),
    ("11_14", 11, 14),
    ("15_64", 15, 64),
    ("65_79", 65, 79),
    ("80_plus", 80, None),
)


class Region(models.Model):
    istat_code = models.CharField(_("ISTAT code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["istat_code"]

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    """A province, metropolitan city or free consortium (ISTAT's supra-municipal unit)."""

    istat_code = models.CharField(_("ISTAT code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=80)
    abbreviation = models.CharField(_("abbreviation"), max_length=2, db_index=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="provinces")

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"


class Municipality(models.Model):
    istat_code = models.CharField(_("ISTAT code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    # Lower-cased, accents removed: what searches compare against.
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, db_index=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="municipalities"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="municipalities"
    )
    is_provincial_capital = models.BooleanField(_("provincial capital"), default=False)
    population = models.PositiveIntegerField(_("population"), default=0)
    population_0_2 = models.PositiveIntegerField(_("population aged 0-2"), default=0)
    population_3_5 = models.PositiveIntegerField(_("population aged 3-5"), default=0)
    population_6_10 = models.PositiveIntegerField(_("population aged 6-10"), default=0)
    population_11_14 = models.PositiveIntegerField(_("population aged 11-14"), default=0)
    population_15_64 = models.PositiveIntegerField(_("population aged 15-64"), default=0)
    population_65_79 = models.PositiveIntegerField(_("population aged 65-79"), default=0)
    population_80_plus = models.PositiveIntegerField(_("population aged 80 and over"), default=0)
    # A point inside the municipality (representative point of its boundary), WGS84.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # Simplified GeoJSON geometry; loaded for the deployment's regions only.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        indexes = [models.Index(fields=["province", "name"])]

    def __str__(self) -> str:
        return self.name

    def population_by_band(self) -> dict[str, int]:
        return {band: getattr(self, f"population_{band}") for band, _low, _high in AGE_BANDS}


class District(models.Model):
    """A social district ("ambito territoriale sociale") grouping municipalities."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), related_name="districts", blank=True
    )

    class Meta:
        verbose_name = _("social district")
        verbose_name_plural = _("social districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
