from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "sinergie.web"
    verbose_name = _("Site")

    def ready(self) -> None:
        from sinergie.lib import lookups

        lookups.register()
