from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolCalendarConfig(AppConfig):
    name = "sinergie.schoolcalendar"
    verbose_name = _("School calendar")
