"""The account's forms: the names asked at signup and on the "Your name" page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sinergie.lib import privacy

if TYPE_CHECKING:
    from sinergie.accounts.models import User

NAME_MAX = 150


class NameForm(forms.Form):
    """First and last name, as the person writes them (the application form and greetings use them)."""

    first_name = forms.CharField(
        label=_("First name"), max_length=NAME_MAX, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=NAME_MAX, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )


class SignupForm(NameForm):
    """allauth's signup asks the name first (ACCOUNT_SIGNUP_FORM_CLASS); its adapter stores it."""

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User) -> None:
        # allauth's adapter (save_user) has already copied first_name and last_name onto the user
        # and saved it; the signup page showed the account's privacy notice (GDPR art. 13).
        user.privacy_notice_version = privacy.current("account").cited
        user.save(update_fields=["privacy_notice_version"])
