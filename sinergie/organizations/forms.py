from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

from sinergie.organizations.models import ROLES_BY_KIND, Organization, OrganizationKind, Role
from sinergie.territory.models import Municipality

if TYPE_CHECKING:
    # Organizations sit below accounts: the user model is named in annotations only.
    from sinergie.accounts.models import User


class MunicipalityByCodeField(forms.CharField):
    """A municipality typed as its ISTAT code or exact name (a datalist helps in the browser)."""

    default_error_messages = {
        "unknown": _("No Italian municipality has this name or ISTAT code."),
        "ambiguous": _("More than one municipality has this name: use the ISTAT code."),
    }

    def clean(self, value: Any) -> Municipality | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        text = text.strip()
        matches = list(Municipality.objects.filter(istat_code=text)[:2]) or list(
            Municipality.objects.filter(name__iexact=text)[:2]
        )
        if not matches:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        if len(matches) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        return matches[0]


class OrganizationForm(forms.ModelForm):
    municipality = MunicipalityByCodeField(label=_("Municipality"), required=False, max_length=120)
    # Longer than the stored value: people type "IT", spaces and dots, which cleaning removes.
    vat_number = forms.CharField(label=_("VAT number"), required=False, max_length=20)
    tax_code = forms.CharField(label=_("Tax code"), required=False, max_length=24)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "name",
            "vat_number",
            "tax_code",
            "municipality",
            "address",
            "email",
            "phone",
            "website",
            "description_it",
            "description_en",
        ]
        widgets = {
            "description_it": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.municipality_id:
            self.initial["municipality"] = self.instance.municipality.name

    def clean_vat_number(self) -> str:
        value = self.cleaned_data["vat_number"].replace(" ", "").replace(".", "").upper().removeprefix("IT")
        if value:
            try:
                value = iva.validate(value)
            except StdnumError:
                raise ValidationError(
                    _("This is not a valid Italian VAT number (11 digits with a check digit).")
                ) from None
        return value

    def clean_tax_code(self) -> str:
        value = self.cleaned_data["tax_code"].replace(" ", "").upper()
        if value:
            valid = False
            for validator in (codicefiscale, iva):
                try:
                    value = validator.validate(value)
                    valid = True
                    break
                except StdnumError:
                    continue
            if not valid:
                raise ValidationError(_("This is not a valid Italian tax code."))
        return value


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person"))
    role = forms.ChoiceField(label=_("Role"), choices=())
    is_manager = forms.BooleanField(label=_("May manage this organization's members"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = ROLES_BY_KIND.get(organization.kind, frozenset())
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in allowed]

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(_("Nobody has an account with this e-mail: ask the person to register first."))
        return user


class AllianceMunicipalitiesForm(forms.Form):
    municipalities = forms.CharField(
        label=_("Member municipalities"),
        help_text=_("ISTAT codes or names, one per line."),
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def clean_municipalities(self) -> list[Municipality]:
        lines = [line.strip() for line in self.cleaned_data["municipalities"].splitlines() if line.strip()]
        found: list[Municipality] = []
        unknown: list[str] = []
        field = MunicipalityByCodeField()
        for line in lines:
            try:
                municipality = field.clean(line)
            except ValidationError:
                unknown.append(line)
                continue
            if municipality is not None:
                found.append(municipality)
        if unknown:
            raise ValidationError(
                _("Unknown or ambiguous municipalities (line by line): %(names)s") % {"names": ", ".join(unknown)}
            )
        return found


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganizationKind.choices])
