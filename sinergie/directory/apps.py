from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "sinergie.directory"
    verbose_name = _("Services directory")

    def ready(self) -> None:
        from sinergie.directory.search_index import connect_signals

        connect_signals()
