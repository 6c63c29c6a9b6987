from __future__ import annotations

from allauth.mfa.models import Authenticator

from sinergie.accounts.models import User


def user_has_second_factor(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_needs_mfa_enrolment(user: User) -> bool:
    """A user holding any staff role (or the admin) must enrol a second factor first."""
    from sinergie.organizations.access import user_has_staff_role

    return user_has_staff_role(user) and not user_has_second_factor(user)
