"""Per-municipality settings of the school calendar and the closures schools add.

The regional rules themselves are code (sinergie/lib/school_calendar.py); what lives
here is what differs locally: the rite, the patron saint and up to 3 extra days.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergie.lib.school_calendar import Level, Rite
from sinergie.territory.models import Municipality


class RiteChoice(models.TextChoices):
    ROMAN = Rite.ROMAN.value, _("Roman")
    AMBROSIAN = Rite.AMBROSIAN.value, _("Ambrosian")


class LevelChoice(models.TextChoices):
    INFANZIA = Level.INFANZIA.value, _("Nursery school (3–6)")
    PRIMARIA = Level.PRIMARIA.value, _("Primary school")
    SECONDARIA_PRIMO = Level.SECONDARIA_PRIMO.value, _("Lower secondary school")
    SECONDARIA_SECONDO = Level.SECONDARIA_SECONDO.value, _("Upper secondary school")


def validate_levels(value: object) -> None:
    if not isinstance(value, list) or not value or any(level not in LevelChoice.values for level in value):
        raise ValidationError(_("Choose one or more school levels."), code="invalid_levels")


class MunicipalityCalendar(models.Model):
    """A municipality's departures from the province defaults.

    With no row, or an empty `rite`, the rite is derived from the province (Ambrosian in
    MI, MB, LC and VA, Roman elsewhere); staff set it here where the parish differs.
    """

    municipality = models.OneToOneField(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="school_calendar"
    )
    rite = models.CharField(
        _("rite"),
        max_length=16,
        choices=RiteChoice.choices,
        blank=True,
        help_text=_("Leave empty to use the province's rite."),
    )
    patron_month = models.PositiveSmallIntegerField(_("patron day: month"), null=True, blank=True)
    patron_day = models.PositiveSmallIntegerField(_("patron day: day"), null=True, blank=True)

    class Meta:
        verbose_name = _("municipality school calendar")
        verbose_name_plural = _("municipality school calendars")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patron_month__isnull=True, patron_day__isnull=True)
                | models.Q(patron_month__isnull=False, patron_day__isnull=False),
                name="schoolcalendar_patron_month_and_day_together",
            )
        ]

    def __str__(self) -> str:
        return str(self.municipality)

    def clean(self) -> None:
        if (self.patron_month is None) != (self.patron_day is None):
            raise ValidationError({"patron_day": _("Give both the month and the day of the patron saint, or neither.")})
        if self.patron_month is not None:
            try:
                datetime.date(2000, self.patron_month, self.patron_day)  # 2000 is a leap year
            except (TypeError, ValueError, OverflowError):
                raise ValidationError({"patron_day": _("This is not a day of the year.")}) from None

    @property
    def patron(self) -> tuple[int, int] | None:
        if self.patron_month is None or self.patron_day is None:
            return None
        return self.patron_month, self.patron_day


class LocalClosure(models.Model):
    """An extra closure day (or days) agreed by a school with the local authorities."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="school_closures"
    )
    school_name = models.CharField(
        _("school"), max_length=150, blank=True, help_text=_("Leave empty if every school in the municipality closes.")
    )
    school_year = models.PositiveSmallIntegerField(_("school year"), db_index=True)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    reason_it = models.CharField(_("reason (Italian)"), max_length=200)
    reason_en = models.CharField(_("reason (English)"), max_length=200, blank=True)
    levels = models.JSONField(_("school levels"), default=list, validators=[validate_levels])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("local school closure")
        verbose_name_plural = _("local school closures")
        ordering = ["start", "school_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="schoolcalendar_closure_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y} {self.school_name}".strip()

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The last day cannot come before the first day.")})

    def reason(self, language: str) -> str:
        return self.reason_en if language.startswith("en") and self.reason_en else self.reason_it
