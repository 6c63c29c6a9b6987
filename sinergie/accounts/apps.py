from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sinergie.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from sinergie.accounts.sessions import session_signed_in

        user_logged_in.connect(session_signed_in, dispatch_uid="sinergie-session-signed-in")
