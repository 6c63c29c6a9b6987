"""Companies' profiles (sector, size, workforce, sites) and their requests to join an alliance.

A company is an `Organization` of kind company; its profile adds what the alliance and the
observatory need to compare like with like: the ATECO 2025 code (with its section), the size
band, the workforce by gender and the municipalities where it has sites.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergie.organizations.models import Alliance, Organization
from sinergie.territory.models import Municipality


class SizeBand(models.TextChoices):
    """The European Union's bands by headcount (Recommendation 2003/361/EC)."""

    MICRO = "micro", _("Micro (fewer than 10 people)")
    SMALL = "small", _("Small (10 to 49 people)")
    MEDIUM = "medium", _("Medium (50 to 249 people)")
    LARGE = "large", _("Large (250 people or more)")


def size_band_for(headcount: int) -> str:
    if headcount < 10:
        return SizeBand.MICRO
    if headcount < 50:
        return SizeBand.SMALL
    if headcount < 250:
        return SizeBand.MEDIUM
    return SizeBand.LARGE


class CompanyProfile(models.Model):
    organization = models.OneToOneField(
        Organization,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="company_profile",
        limit_choices_to={"kind": "company"},
    )
    ateco_code = models.CharField(_("ATECO 2025 code"), max_length=8, blank=True)
    ateco_section = models.CharField(_("ATECO section"), max_length=1, blank=True, db_index=True)
    size_band = models.CharField(_("size"), max_length=8, choices=SizeBand.choices, blank=True, db_index=True)
    workforce_women = models.PositiveIntegerField(_("women employed"), default=0)
    workforce_men = models.PositiveIntegerField(_("men employed"), default=0)
    workforce_other = models.PositiveIntegerField(_("other people employed"), default=0)
    sites = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities with a site"), blank=True, related_name="company_sites"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profiles")

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def headcount(self) -> int:
        return self.workforce_women + self.workforce_men + self.workforce_other


class JoinState(models.TextChoices):
    PENDING = "pending", _("Waiting for the alliance")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JoinRequest(models.Model):
    """A company asks to join an alliance; the alliance's staff accept (a partnership) or refuse."""

    company = models.ForeignKey(
        Organization, verbose_name=_("company"), on_delete=models.CASCADE, related_name="join_requests"
    )
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message to the alliance"), blank=True, max_length=2000)
    state = models.CharField(_("state"), max_length=10, choices=JoinState.choices, default=JoinState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("request to join an alliance")
        verbose_name_plural = _("requests to join an alliance")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "alliance"],
                condition=models.Q(state="pending"),
                name="companies_one_pending_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.alliance}"
