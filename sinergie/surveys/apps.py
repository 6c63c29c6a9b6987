from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "sinergie.surveys"
    verbose_name = _("Needs surveys")

    def ready(self) -> None:
        from sinergie.companies.label import set_needs_survey_source
        from sinergie.surveys.selectors import latest_closed_campaign_day

        # The company label counts a closed workers' needs survey (companies sit below surveys).
        set_needs_survey_source(latest_closed_campaign_day)
