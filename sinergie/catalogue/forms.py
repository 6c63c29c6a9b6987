from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergie.accounts.typing import AnyUser
from sinergie.catalogue.access import organizations_for_import
from sinergie.catalogue.importing import MAX_BYTES
from sinergie.organizations.models import Organization

ALLOWED_EXTENSIONS = (".csv", ".txt", ".xlsx")


class ImportUploadForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Organization.objects.none(),
        help_text=_("The services in the file belong to this provider."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (.xlsx) in the format of the template, at most 10 MB and 20,000 rows."),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_for_import(user)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB: split it into smaller files."))
        if upload.size == 0:
            raise ValidationError(_("The file is empty."))
        return upload
