from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "sinergie.calls"
    verbose_name = _("Public calls and vouchers")

    def ready(self) -> None:
        from sinergie.calls.models import connect_signals

        connect_signals()
