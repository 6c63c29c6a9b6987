"""Forms of the voucher wallet and the provider's redemption desk: they parse, the services decide.

The money rules (balance, validity, accreditation, eligible categories, the idempotency key)
live in `calls/services.py`; these forms only turn what was typed into the values the services
take (a code, whole cents, a date) and name the field at fault when they cannot.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sinergie.calls.codes import code_normalize
from sinergie.calls.services import CODE_INVALID, MAX_KEY_LENGTH, MAX_REASON_LENGTH, SERVICE_REQUIRED
from sinergie.directory.models import ModerationState, Service, ServiceKind
from sinergie.lib.money import EURO_HELP, MAX_CENTS, EuroField
from sinergie.organizations.models import Organization

# Django's model choice field is generic to django-stubs only: subscripted for mypy, plain at run time.
if TYPE_CHECKING:
    _ServiceChoiceBase = forms.ModelChoiceField[Service]
else:
    _ServiceChoiceBase = forms.ModelChoiceField


class ServiceChoiceField(_ServiceChoiceBase):
    """A choice among the provider's services; a tampered value (not even an id) reads "not a valid choice"."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None

    def label_from_instance(self, obj: Service) -> str:
        name = obj.name(get_language() or "it")
        if obj.accepts_vouchers:
            return name
        return str(_("%(service)s (does not accept vouchers)") % {"service": name})


class CodeForm(forms.Form):
    """Step one at the desk: the code read from the voucher (typed, or read by the phone's camera)."""

    code = forms.CharField(
        label=_("Voucher code"),
        max_length=40,
        help_text=_("As printed on the voucher, e.g. K7QM-3XHT-9WC4: spaces, dashes and lower case are fine."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = code_normalize(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(CODE_INVALID, code="invalid")
        return code


class RedeemForm(forms.Form):
    """Step two: amount, service and date for a voucher already shown in the preview.

    `idempotency_key` is made when the form is shown: the same form sent twice (a double click,
    a reload of the POST) carries the same key, and the service redeems once.
    """

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=MAX_KEY_LENGTH)
    # From 0: the service answers a zero amount and one above the balance with its own messages.
    amount = EuroField(
        label=_("Amount (€)"),
        minimum=0,
        maximum=MAX_CENTS,
        help_text=EURO_HELP,
    )
    service = ServiceChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False)
    service_date = forms.DateField(
        label=_("Date of the service"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Shown only to those who may use it, after a refusal they may override (see the desk's view).
    override_reason = forms.CharField(
        label=_("Register it anyway: why"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only when you know the service was given on that day and the directory is out of date: "
            "the reason is kept in the audit trail."
        ),
    )
    # Set after a warning that the same amount was just redeemed from this voucher.
    repeat_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, provider: Organization, service_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_required = service_required
        service = self.fields["service"]
        assert isinstance(service, ServiceChoiceField)  # a copy of the one declared above
        # The provider's published services (not information points); the service checks eligibility.
        service.queryset = Service.objects.filter(
            organization=provider, kind=ServiceKind.SERVICE, state=ModerationState.PUBLISHED
        ).order_by("name_it", "pk")
        service.required = service_required
        service.empty_label = _("Choose a service") if service_required else _("No particular service")
        if service_required:
            service.error_messages["required"] = SERVICE_REQUIRED

    def clean_code(self) -> str:
        code = code_normalize(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(CODE_INVALID, code="invalid")
        return code


class CancelForm(forms.Form):
    """Cancelling a redemption (within the window): the reason is required and kept in the audit trail."""

    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: wrong amount, service not given. The beneficiary's voucher gets the money back."),
    )


MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class StatementForm(forms.Form):
    """Which month's statement (Rome's calendar)."""

    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    @classmethod
    def for_today(cls, data: Any, today: datetime.date) -> StatementForm:
        """Bound to the query string when it names a month, to this month otherwise."""
        if "month" in data or "year" in data:
            return cls(data)
        return cls({"month": today.month, "year": today.year})
