from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "sinergie.surveys"
    verbose_name = _("Needs surveys")
