"""Public calls ("bandi"), the vouchers they fund, redemptions by providers, and the ledger.

Money is integer cents. Every movement of money is a transaction of the append-only,
double-entry `LedgerEntry` table (see docs/architecture.md, "Calls and vouchers: the money
core"); the balances kept on `Call` and `Voucher` are caches that the services update in the
same database transaction as the ledger lines, and `selectors.ledger_check` proves them equal.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergie.calls.codes import code_display
from sinergie.directory.models import Service, TaxonomyTerm
from sinergie.organizations.models import Alliance, Organization, OrganizationKind


class CallKind(models.TextChoices):
    WORKER_VOUCHERS = "worker_vouchers", _("Vouchers for workers")
    COMPANY_INCENTIVES = "company_incentives", _("Incentives for companies")
    CONSULTANCY = "consultancy", _("Consultancy for companies")


class CallState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class Call(models.Model):
    """A public call of an alliance: its rules, its budget and the providers it accredits."""

    # What applicants and providers rely on: once published these never change.
    FROZEN_FIELDS = (
        "alliance_id",
        "kind",
        "title_it",
        "title_en",
        "text_it",
        "text_en",
        "budget_cents",
        "amount_per_beneficiary_cents",
        "opens_at",
        "closes_at",
    )

    alliance = models.ForeignKey(Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="calls")
    kind = models.CharField(_("kind"), max_length=24, choices=CallKind.choices)
    title_it = models.CharField(_("title (Italian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    text_it = models.TextField(_("text (Italian)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    budget_cents = models.PositiveBigIntegerField(_("budget (cents)"))
    amount_per_beneficiary_cents = models.PositiveBigIntegerField(_("amount per beneficiary (cents)"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    state = models.CharField(_("state"), max_length=16, choices=CallState.choices, default=CallState.DRAFT)
    providers = models.ManyToManyField(
        Organization,
        verbose_name=_("accredited providers"),
        related_name="accredited_calls",
        blank=True,
        limit_choices_to={"kind": OrganizationKind.PROVIDER},
    )
    categories = models.ManyToManyField(
        TaxonomyTerm, verbose_name=_("eligible service categories"), related_name="calls", blank=True
    )
    # Cache of the ledger's "available" account for this call, written only by the services.
    available_cents = models.BigIntegerField(_("budget still available (cents)"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="calls_call_dates"),
            models.CheckConstraint(condition=models.Q(available_cents__gte=0), name="calls_call_available_gte_0"),
            models.CheckConstraint(
                condition=models.Q(available_cents__lte=models.F("budget_cents")),
                name="calls_call_available_lte_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_per_beneficiary_cents__gt=0), name="calls_call_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title_it

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse any change to the rules of a call that is no longer a draft."""
        if not self._state.adding and self.pk is not None:
            stored = Call.objects.filter(pk=self.pk).values("state", *self.FROZEN_FIELDS).first()
            if stored is not None and stored["state"] != CallState.DRAFT:
                changed = [name for name in self.FROZEN_FIELDS if getattr(self, name) != stored[name]]
                if changed:
                    raise CallFrozenError(changed[0].removesuffix("_id"))
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The call must close after it opens.")})

    def is_open(self, at: datetime.datetime | None = None) -> bool:
        """Whether the call takes applications at instant `at` (now by default): published, opened, not closed.

        The instants are aware, so the comparison is exact whatever the zone; staff enter them
        as Rome's local time and they are shown in Rome's time (settings.TIME_ZONE).
        """
        at = at or timezone.now()
        return self.state == CallState.PUBLISHED and self.opens_at <= at < self.closes_at

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_it


class CallFrozenError(ValidationError):
    """A published or closed call's rules cannot change."""

    def __init__(self, field: str) -> None:
        super().__init__({field: _("The rules of a published call cannot be changed.")}, code="frozen")


def _freeze_call_relations(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    """Accredited providers and eligible categories are rules too: frozen after publication."""
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    is_providers = sender is Call.providers.through
    if not reverse:
        call_ids = [instance.pk]
    elif action == "pre_clear":
        related = instance.accredited_calls if is_providers else instance.calls
        call_ids = list(related.values_list("pk", flat=True))
    else:
        call_ids = list(pk_set or [])
    if Call.objects.filter(pk__in=call_ids).exclude(state=CallState.DRAFT).exists():
        raise CallFrozenError("providers" if is_providers else "categories")


def connect_signals() -> None:
    for through in (Call.providers.through, Call.categories.through):
        m2m_changed.connect(_freeze_call_relations, sender=through, dispatch_uid=f"calls-freeze-{through.__name__}")


class VoucherState(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class Voucher(models.Model):
    """A beneficiary's voucher: a value committed from a call's budget, spent at accredited providers."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="vouchers")
    beneficiary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("beneficiary"), on_delete=models.PROTECT, related_name="vouchers"
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    value_cents = models.PositiveBigIntegerField(_("value (cents)"))
    # Cache of the ledger's account of this voucher, written only by the services.
    balance_cents = models.BigIntegerField(_("balance (cents)"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    state = models.CharField(_("state"), max_length=16, choices=VoucherState.choices, default=VoucherState.ACTIVE)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "valid_to"], name="calls_voucher_state_valid_to")]
        constraints = [
            models.CheckConstraint(condition=models.Q(balance_cents__gte=0), name="calls_voucher_balance_gte_0"),
            models.CheckConstraint(
                condition=models.Q(balance_cents__lte=models.F("value_cents")), name="calls_voucher_balance_lte_value"
            ),
            models.CheckConstraint(condition=models.Q(value_cents__gt=0), name="calls_voucher_value_positive"),
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")), name="calls_voucher_validity"
            ),
        ]

    def __str__(self) -> str:
        return code_display(self.code)

    @property
    def display_code(self) -> str:
        return code_display(self.code)


class Redemption(models.Model):
    """A provider spends part of a voucher for a service; it may cancel it within a window."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="redemptions"
    )
    provider = models.ForeignKey(
        Organization, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="redemptions"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.PROTECT, related_name="redemptions"
    )
    amount_cents = models.PositiveBigIntegerField(_("amount (cents)"))
    service_date = models.DateField(_("date of the service"))
    idempotency_key = models.CharField(_("request key"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "idempotency_key"], name="calls_redemption_idempotency"),
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="calls_redemption_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher} – {self.amount_cents / 100:.2f} €"


class Account(models.TextChoices):
    """The ledger's accounts; each line belongs to one, scoped by call, voucher or provider."""

    FUNDING = "funding", _("Funding of the call")
    AVAILABLE = "available", _("Call budget, available")
    VOUCHER = "voucher", _("Committed on a voucher")
    PAYABLE = "payable", _("Owed to a provider")
    GRANT = "grant", _("Committed on a company grant")
    GRANT_PAID = "grant_paid", _("Paid to a company")


class EntryKind(models.TextChoices):
    FUNDING = "funding", _("Call funded")
    ISSUE = "issue", _("Voucher issued")
    REDEMPTION = "redemption", _("Redemption")
    CANCELLATION = "cancellation", _("Redemption cancelled")
    EXPIRY = "expiry", _("Voucher expired")
    VOUCHER_CANCEL = "voucher_cancel", _("Voucher cancelled")
    GRANT = "grant", _("Company grant agreed")
    GRANT_PAYMENT = "grant_payment", _("Company grant paid")
    GRANT_REVOKE = "grant_revoke", _("Company grant revoked")


class LedgerAppendOnlyError(Exception):
    """The ledger is append-only: rows are never changed or deleted."""


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise LedgerAppendOnlyError("ledger entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerAppendOnlyError("ledger entries cannot be deleted")


class LedgerEntry(models.Model):
    """One line of a double-entry transaction. The lines of a transaction sum to zero.

    A positive amount adds money to the account, a negative one takes it away. Rows are
    only ever inserted: save() refuses updates, delete() refuses, the queryset refuses bulk
    updates and deletes, and on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002).
    """

    transaction = models.UUIDField(_("transaction"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    account = models.CharField(_("account"), max_length=16, choices=Account.choices)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="ledger_entries")
    voucher = models.ForeignKey(
        Voucher,
        verbose_name=_("voucher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    provider = models.ForeignKey(
        Organization,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    redemption = models.ForeignKey(
        Redemption,
        verbose_name=_("redemption"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    grant = models.ForeignKey(
        "IncentiveGrant",
        verbose_name=_("company grant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["account", "provider", "created_at"], name="calls_ledger_payable"),
            models.Index(fields=["call", "account"], name="calls_ledger_call_account"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_cents=0), name="calls_ledger_amount_nonzero"),
            models.CheckConstraint(
                condition=~models.Q(account="voucher") | models.Q(voucher__isnull=False),
                name="calls_ledger_voucher_account_has_voucher",
            ),
            models.CheckConstraint(
                condition=~models.Q(account="payable") | models.Q(provider__isnull=False),
                name="calls_ledger_payable_account_has_provider",
            ),
            models.CheckConstraint(
                condition=~models.Q(account__in=["grant", "grant_paid"]) | models.Q(grant__isnull=False),
                name="calls_ledger_grant_account_has_grant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transaction} {self.account} {self.amount_cents:+d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerAppendOnlyError("ledger entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerAppendOnlyError("ledger entries cannot be deleted")


# --- Applications --------------------------------------------------------------------------------


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    """A citizen's (or a company's) application to a call: saved as a draft, submitted with a
    protocol number before the deadline, editable or withdrawable until then.

    `answers` holds what the applicant declared, keyed by the call's questions; `assisted_by` is
    the information-point operator who filled it in on the applicant's behalf, if any.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled in at an information point by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assisted_applications",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    protocol_year = models.PositiveSmallIntegerField(_("protocol year"), null=True, blank=True)
    protocol_sequence = models.PositiveIntegerField(_("protocol sequence"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # The privacy notice shown when the application was sent ("applications/1", see lib/privacy.py).
    privacy_notice_version = models.CharField(_("privacy notice shown at submission"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            # One live application per applicant and call: a second one is refused.
            models.UniqueConstraint(
                fields=["call", "applicant"],
                condition=~models.Q(state="withdrawn"),
                name="calls_application_one_live_per_applicant",
            ),
            models.UniqueConstraint(
                fields=["call", "protocol_year", "protocol_sequence"], name="calls_application_protocol_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="submitted") | models.Q(protocol_sequence__isnull=False),
                name="calls_application_submitted_has_protocol",
            ),
        ]

    def __str__(self) -> str:
        return self.protocol or str(self.pk)

    @property
    def protocol(self) -> str:
        """The protocol number as the receipt prints it: call number / year / sequence."""
        if self.protocol_sequence is None:
            return ""
        return f"{self.call_id}/{self.protocol_year}/{self.protocol_sequence:06d}"

    @property
    def changeable(self) -> bool:
        """Whether the applicant may still change it: not withdrawn, and its call still open."""
        return self.state != ApplicationState.WITHDRAWN and self.call.is_open()


class ProtocolCounter(models.Model):
    """The last protocol sequence given for a call in a year (locked while the next is taken)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "year"], name="calls_protocolcounter_unique")]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.year}: {self.last}"


class DocumentKind(models.TextChoices):
    PDF = "application/pdf", "PDF"
    PNG = "image/png", "PNG"
    JPEG = "image/jpeg", "JPEG"


class ApplicationDocument(models.Model):
    """A document attached to an application, kept in the database (like catalogue uploads:
    every app server sees it, and it is never served without an access check)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(_("document"), max_length=120)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=40, choices=DocumentKind.choices)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.name}: {self.filename}"


# --- Evaluation and ranking ----------------------------------------------------------------------


class Evaluation(models.Model):
    """How a sent application was judged: admissible or not (with a note when staff decide it),
    and its points, automatic (from the call's criteria) and manual, in hundredths of a point."""

    application = models.OneToOneField(
        Application,
        primary_key=True,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="evaluation",
    )
    admissible = models.BooleanField(_("admissible"), null=True, blank=True)  # None: not checked yet
    admissibility_note = models.TextField(_("admissibility note"), blank=True)
    automatic_points = models.IntegerField(_("automatic points (hundredths)"), default=0)
    manual_points = models.IntegerField(_("manual points (hundredths)"), default=0)
    note = models.TextField(_("evaluator's note"), blank=True)
    # What the ranking's tie-breakers read, derived from the answers when evaluated (calls/evaluation/services.py).
    ranking_keys = models.JSONField(_("values for the tie-breakers"), default=dict, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluated by"), null=True, blank=True, on_delete=models.PROTECT
    )
    evaluated_at = models.DateTimeField(_("evaluated"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.points}"

    @property
    def points(self) -> int:
        return self.automatic_points + self.manual_points


class Ranking(models.Model):
    """One computation of a call's ranking: versions follow corrections (with their reason); the
    public sees the latest published one, by protocol number only."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="rankings")
    version = models.PositiveIntegerField(_("version"))
    reason = models.TextField(_("reason"), blank=True)
    budget_cents = models.PositiveBigIntegerField(_("budget (cents)"))
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        ordering = ["call", "-version"]
        constraints = [models.UniqueConstraint(fields=["call", "version"], name="calls_ranking_version_unique")]

    def __str__(self) -> str:
        return f"{self.call_id} v{self.version}"


class RankingRow(models.Model):
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="rows")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    points = models.IntegerField()  # hundredths of a point
    admitted = models.BooleanField()  # funded, in full or in part
    granted_cents = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["ranking", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "position"], name="calls_rankingrow_position_unique"),
            models.UniqueConstraint(fields=["ranking", "application"], name="calls_rankingrow_application_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ranking_id} #{self.position}"


class CallDesignQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        # A bulk update would pass the freeze guard of save(): refuse it for calls past draft.
        if self.exclude(call__state=CallState.DRAFT).exists():
            raise CallFrozenError(next(iter(kwargs), "eligibility"))
        return super().update(**kwargs)


class CallDesign(models.Model):
    """The structured rules of a call: eligibility, documents, scoring, tie-breakers, amount bands.

    Each is a validated JSON document (the shapes are in `calls/rules.py`, validated by
    `calls/design.py`); like the call's own rules they are frozen once the call is published.
    """

    FROZEN_FIELDS = ("eligibility", "documents", "criteria", "tie_breakers", "amount_bands")

    call = models.OneToOneField(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, primary_key=True, related_name="design"
    )
    eligibility = models.JSONField(_("eligibility rules"), default=list, blank=True)
    documents = models.JSONField(_("required documents"), default=list, blank=True)
    criteria = models.JSONField(_("scoring criteria"), default=list, blank=True)
    tie_breakers = models.JSONField(_("tie-breakers, in order"), default=list, blank=True)
    amount_bands = models.JSONField(_("amount by score band"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CallDesignQuerySet.as_manager()

    class Meta:
        verbose_name = _("call design")
        verbose_name_plural = _("call designs")

    def __str__(self) -> str:
        return str(self.call)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse any write once the call is no longer a draft (the rules applicants relied on)."""
        state = Call.objects.filter(pk=self.call_id).values_list("state", flat=True).first()
        if state is not None and state != CallState.DRAFT:
            raise CallFrozenError("eligibility")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if Call.objects.filter(pk=self.call_id).exclude(state=CallState.DRAFT).exists():
            raise CallFrozenError("eligibility")
        return super().delete(*args, **kwargs)


# --- Company incentives --------------------------------------------------------------------------


class GrantState(models.TextChoices):
    GRANTED = "granted", _("Granted: waiting for the report")
    REPORTING = "reporting", _("Report sent: under review")
    APPROVED = "approved", _("Report approved")
    PAID = "paid", _("Paid")
    REVOKED = "revoked", _("Revoked")


class PaymentState(models.TextChoices):
    NONE = "", _("Not requested")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class IncentiveGrant(models.Model):
    """The grant agreement of a company's application to an incentive or consultancy call.

    Its amount is committed from the call's budget when it is made (ledger: available → grant),
    moves to "paid to a company" when paid, and its unpaid part returns to the budget when it is
    revoked. The company reports what it did (`report`, one entry per measure of its plan, with
    documents); staff approve it or ask for changes (`review_note`). The services are in
    `calls/grants/services.py`.
    """

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="grant"
    )
    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="grants")
    organization = models.ForeignKey(
        Organization, verbose_name=_("company"), on_delete=models.PROTECT, related_name="incentive_grants"
    )
    amount_cents = models.PositiveBigIntegerField(_("amount granted (cents)"))
    paid_cents = models.PositiveBigIntegerField(_("amount paid (cents)"), default=0)
    signed_at = models.DateField(_("agreement signed on"))
    conditions = models.TextField(_("conditions"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=GrantState.choices, default=GrantState.GRANTED)
    report = models.JSONField(_("report of what was done"), default=dict, blank=True)
    report_sent_at = models.DateTimeField(_("report sent"), null=True, blank=True)
    review_note = models.TextField(_("note of the review"), blank=True)
    payment_state = models.CharField(
        _("payment"), max_length=16, choices=PaymentState.choices, default=PaymentState.NONE, blank=True
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("company grant")
        verbose_name_plural = _("company grants")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="calls_grant_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(paid_cents__lte=models.F("amount_cents")), name="calls_grant_paid_lte_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.amount_cents / 100:.2f} €"

    @property
    def unpaid_cents(self) -> int:
        return 0 if self.state == GrantState.REVOKED else self.amount_cents - self.paid_cents


class GrantDocument(models.Model):
    """A document of a grant's report (invoices, agreements, timesheets), kept like application
    documents: in the database, its type sniffed from its content, served only after an access check."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    grant = models.ForeignKey(
        IncentiveGrant, verbose_name=_("company grant"), on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(_("document"), max_length=120)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=40, choices=DocumentKind.choices)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant document")
        verbose_name_plural = _("grant documents")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.name}: {self.filename}"


class EvaluatorAssignment(models.Model):
    """An evaluator of the call's alliance asked to score one application.

    Before the evaluator sees the applicant's data they declare whether they have a conflict of
    interest (`declared_at`); one who declares a conflict stays recorded but is blocked on that
    application, and staff assign another. At most one assignment per application is live
    (not conflicted): the database refuses a second one.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.PROTECT,
        related_name="evaluator_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    declared_at = models.DateTimeField(_("conflict of interest declared"), null=True, blank=True)
    has_conflict = models.BooleanField(_("has a conflict of interest"), default=False)
    statement = models.TextField(_("statement"), blank=True)

    class Meta:
        verbose_name = _("evaluator assignment")
        verbose_name_plural = _("evaluator assignments")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "evaluator"], name="calls_assignment_once_per_evaluator"),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(has_conflict=False),
                name="calls_assignment_one_live_per_application",
            ),
            models.CheckConstraint(
                condition=models.Q(has_conflict=False) | models.Q(declared_at__isnull=False),
                name="calls_assignment_conflict_is_declared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.evaluator_id}"

    @property
    def cleared(self) -> bool:
        """Declared free of conflicts: the evaluator may see the application and score it."""
        return self.declared_at is not None and not self.has_conflict
