"""Changes to a person's own account that Sinergie makes (allauth makes the others)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from sinergie.accounts.models import User
from sinergie.audit.services import audit_record


def user_name_change(*, user: User, first_name: str, last_name: str, request: HttpRequest | None = None) -> User:
    """A person writes their own first and last name (stripped; validated as the model's fields)."""
    before = {"first_name": user.first_name, "last_name": user.last_name}
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(update_fields=["first_name", "last_name"])
        audit_record(
            actor=user,
            action="accounts.user.name",
            obj=user,
            before=before,
            after={"first_name": user.first_name, "last_name": user.last_name},
            request=request,
        )
    return user
