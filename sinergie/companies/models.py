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


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ConciliationPlan(models.Model):
    """A company's conciliation plan: the measures it adopts, each followed over time."""

    company = models.OneToOneField(
        Organization, verbose_name=_("company"), on_delete=models.CASCADE, related_name="conciliation_plan"
    )
    goals = models.TextField(_("goals of the plan"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("conciliation plan")
        verbose_name_plural = _("conciliation plans")

    def __str__(self) -> str:
        return str(self.company)


class PlanMeasure(models.Model):
    plan = models.ForeignKey(
        ConciliationPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures"
    )
    measure = models.CharField(_("measure"), max_length=40)  # a code of measures.CATALOGUE
    target = models.CharField(_("target"), max_length=300)
    owner = models.CharField(_("who is responsible"), max_length=120)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    cost_cents = models.PositiveBigIntegerField(_("expected cost (cents)"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    evidence = models.TextField(_("evidence"), blank=True, max_length=4000)
    need = models.CharField(_("need it answers"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("measure of a plan")
        verbose_name_plural = _("measures of a plan")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="companies_measure_dates"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="companies_measure_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.measure}"


class MeasureUpdate(models.Model):
    """One step of a measure's progress: kept, so the plan shows how it went over time."""

    measure = models.ForeignKey(
        PlanMeasure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="updates"
    )
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress of a measure")
        verbose_name_plural = _("progress of measures")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.measure} · {self.on} · {self.progress}%"


class SelfAssessment(models.Model):
    """A completed organisational self-assessment: answers by question code, scores by area."""

    company = models.ForeignKey(
        Organization, verbose_name=_("company"), on_delete=models.CASCADE, related_name="self_assessments"
    )
    answers = models.JSONField(_("answers"))
    scores = models.JSONField(_("scores by area"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("completed by"), on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), auto_now_add=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-completed_at"]
        indexes = [models.Index(fields=["company", "-completed_at"], name="companies_assessment_latest")]

    def __str__(self) -> str:
        return f"{self.company} · {self.completed_at:%Y-%m-%d}"


class LabelScheme(models.Model):
    """An alliance's family-friendly label: the criteria it sets and how long a label lasts."""

    alliance = models.OneToOneField(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="label_scheme"
    )
    name = models.CharField(_("name of the label"), max_length=120, default="Azienda amica della famiglia")
    survey_within_months = models.PositiveSmallIntegerField(
        _("a workers' needs survey within (months)"), default=24, null=True, blank=True
    )
    min_measures_active = models.PositiveSmallIntegerField(
        _("measures planned, in progress or done, at least"), default=3
    )
    requires_self_assessment = models.BooleanField(_("self-assessment done"), default=True)
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), default=12)
    criteria_it = models.TextField(_("criteria explained (Italian)"), blank=True)
    criteria_en = models.TextField(_("criteria explained (English)"), blank=True)

    class Meta:
        verbose_name = _("family-friendly label")
        verbose_name_plural = _("family-friendly labels")

    def __str__(self) -> str:
        return f"{self.name} · {self.alliance}"


class LabelState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for verification")
    VERIFIED = "verified", _("Awarded")
    REJECTED = "rejected", _("Not awarded")
    REVOKED = "revoked", _("Revoked")


class LabelAward(models.Model):
    """A company's self-declaration for the label, its verification by staff, and the label's life."""

    scheme = models.ForeignKey(LabelScheme, verbose_name=_("label"), on_delete=models.PROTECT, related_name="awards")
    company = models.ForeignKey(
        Organization, verbose_name=_("company"), on_delete=models.CASCADE, related_name="labels"
    )
    state = models.CharField(_("state"), max_length=10, choices=LabelState.choices, default=LabelState.SUBMITTED)
    declaration = models.TextField(_("declaration"), max_length=4000)
    evidence = models.TextField(_("evidence"), max_length=4000)
    checks = models.JSONField(_("automatic checks when asked"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    note = models.TextField(_("note or reason"), blank=True, max_length=2000)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(_("renewal reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("label of a company")
        verbose_name_plural = _("labels of companies")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "company"],
                condition=models.Q(state="submitted"),
                name="companies_one_label_request_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.scheme.name}"


class Manifesto(models.Model):
    """An alliance's Manifesto for work-life balance, which organizations sign publicly."""

    alliance = models.OneToOneField(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="manifesto"
    )
    title_it = models.CharField(_("title (Italian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    text_it = models.TextField(_("text (Italian)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("manifesto")
        verbose_name_plural = _("manifestos")

    def __str__(self) -> str:
        return self.title_it


class ManifestoSignature(models.Model):
    manifesto = models.ForeignKey(
        Manifesto, verbose_name=_("manifesto"), on_delete=models.CASCADE, related_name="signatures"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="manifesto_signatures"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)
    commitment = models.CharField(_("commitment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signature of a manifesto")
        verbose_name_plural = _("signatures of a manifesto")
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["manifesto", "organization"], name="companies_one_signature_each")
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.manifesto}"


class WitnessCompany(models.Model):
    """A company the alliance's staff have marked as a witness: it shares its practices and
    accompanies smaller companies."""

    company = models.OneToOneField(
        Organization, verbose_name=_("company"), on_delete=models.CASCADE, related_name="witness"
    )
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="witnesses"
    )
    since = models.DateField(_("witness since"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("witness company")
        verbose_name_plural = _("witness companies")

    def __str__(self) -> str:
        return str(self.company)


class GoodPractice(models.Model):
    """A witness company's practice, told in a fixed shape: problem, measure, cost, result."""

    company = models.ForeignKey(
        Organization, verbose_name=_("company"), on_delete=models.CASCADE, related_name="practices"
    )
    title = models.CharField(_("title"), max_length=160)
    problem = models.TextField(_("the problem"), max_length=3000)
    measure = models.CharField(_("measure"), max_length=40)  # a code of measures.CATALOGUE
    description = models.TextField(_("what was done"), max_length=3000)
    cost_cents = models.PositiveBigIntegerField(_("cost (cents)"), default=0)
    result = models.TextField(_("the result"), max_length=3000)
    published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PairingState(models.TextChoices):
    ASKED = "asked", _("Asked, waiting for a proposal")
    PROPOSED = "proposed", _("Proposed by the alliance")
    ACTIVE = "active", _("Under way")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class Pairing(models.Model):
    """A small company accompanied by a witness company, proposed by the alliance's staff."""

    company = models.ForeignKey(
        Organization, verbose_name=_("company"), on_delete=models.CASCADE, related_name="pairings"
    )
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="pairings"
    )
    witness = models.ForeignKey(
        Organization,
        verbose_name=_("witness company"),
        on_delete=models.CASCADE,
        related_name="accompanied",
        null=True,
        blank=True,
    )
    wish = models.TextField(_("what the company would like to learn"), max_length=2000)
    state = models.CharField(_("state"), max_length=10, choices=PairingState.choices, default=PairingState.ASKED)
    why = models.CharField(_("why this pair"), max_length=300, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, max_length=3000)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "alliance"],
                condition=models.Q(state__in=["asked", "proposed", "active"]),
                name="companies_one_open_pairing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} ↔ {self.witness or '?'}"


class PairingMeeting(models.Model):
    pairing = models.ForeignKey(Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="meetings")
    on = models.DateField(_("date"))
    notes = models.TextField(_("what was discussed and decided"), max_length=3000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.pairing} · {self.on}"


class AgreementKind(models.TextChoices):
    HOLIDAY_CAMP = "holiday_camp", _("Shared holiday-camp places")
    NURSERY = "nursery", _("Shared nursery")
    WELFARE = "welfare", _("Shared welfare plan")
    OTHER = "other", _("Other shared service")


class Agreement(models.Model):
    """An inter-company agreement: companies of an alliance share a service, with places and dates."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="agreements"
    )
    title = models.CharField(_("title"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices)
    description = models.TextField(_("description"), max_length=3000)
    provider = models.ForeignKey(
        Organization,
        verbose_name=_("service provider"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements_provided",
    )
    capacity = models.PositiveIntegerField(_("places"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("inter-company agreement")
        verbose_name_plural = _("inter-company agreements")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="companies_agreement_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AgreementMember(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="members"
    )
    company = models.ForeignKey(
        Organization, verbose_name=_("company"), on_delete=models.CASCADE, related_name="agreements"
    )
    places = models.PositiveIntegerField(_("places taken"))
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("company in an agreement")
        verbose_name_plural = _("companies in an agreement")
        constraints = [models.UniqueConstraint(fields=["agreement", "company"], name="companies_agreement_member_once")]

    def __str__(self) -> str:
        return f"{self.company} · {self.agreement}"
