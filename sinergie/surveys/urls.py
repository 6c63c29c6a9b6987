from django.urls import path

from sinergie.lib.access_rules import PUBLIC, allow
from sinergie.surveys import builder_views, export_views, privacy_views, views

app_name = "surveys"
urlpatterns = [
    path("campagne/", views.campaign_list, name="campaign-list"),
    path("campagne/<int:campaign_id>/risultati/", views.campaign_report, name="campaign-report"),
    path(
        "campagne/<int:campaign_id>/risultati/<str:fmt>/",
        export_views.campaign_report_export,
        name="campaign-report-export",
    ),
    path("campagne/<int:campaign_id>/link/", views.campaign_links, name="campaign-links"),
    path("campagne/<int:campaign_id>/chiudi/", views.campaign_close, name="campaign-close"),
    path("campagne/<int:campaign_id>/locandina/", views.campaign_poster, name="campaign-poster"),
    path("modelli/", builder_views.survey_list, name="builder-list"),
    path("modelli/<int:survey_id>/", builder_views.survey_detail, name="builder-survey"),
    path("modelli/<int:survey_id>/copia/", builder_views.survey_copy, name="builder-copy"),
    path("modelli/<int:survey_id>/anteprima/", builder_views.survey_preview, name="builder-preview"),
    path("modelli/<int:survey_id>/sezioni/nuova/", builder_views.section_add, name="builder-section-add"),
    path("modelli/<int:survey_id>/sezioni/<int:section_id>/", builder_views.section_edit, name="builder-section"),
    path(
        "modelli/<int:survey_id>/sezioni/<int:section_id>/sposta/",
        builder_views.section_move,
        name="builder-section-move",
    ),
    path(
        "modelli/<int:survey_id>/sezioni/<int:section_id>/elimina/",
        builder_views.section_delete,
        name="builder-section-delete",
    ),
    path(
        "modelli/<int:survey_id>/sezioni/<int:section_id>/domande/nuova/",
        builder_views.question_add,
        name="builder-question-add",
    ),
    path("modelli/<int:survey_id>/domande/<int:question_id>/", builder_views.question_edit, name="builder-question"),
    path(
        "modelli/<int:survey_id>/domande/<int:question_id>/sposta/",
        builder_views.question_move,
        name="builder-question-move",
    ),
    path(
        "modelli/<int:survey_id>/domande/<int:question_id>/elimina/",
        builder_views.question_delete,
        name="builder-question-delete",
    ),
    # Before "<str:code>/", which would otherwise take these words for a code. No code can be
    # them: open-link slugs have 16 characters and tokens 24 (secrets.token_urlsafe), this 28.
    path("come-proteggiamo-le-risposte/", privacy_views.privacy, name="privacy"),
    path("<str:code>/", views.respond, name="respond"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
REPORT = allow("referent", "alliance_staff", "admin")  # the company's, and its alliances' staff
EDITORS = allow("referent", "admin")  # the survey's owner (here a company)
ACCESS = {
    "campaign-report": REPORT,
    "campaign-report-export": REPORT,
    "campaign-links": EDITORS,
    "campaign-close": EDITORS,
    "campaign-poster": EDITORS,
    **dict.fromkeys(
        (
            "builder-survey",
            "builder-copy",
            "builder-preview",
            "builder-section-add",
            "builder-section",
            "builder-section-move",
            "builder-section-delete",
            "builder-question-add",
            "builder-question",
            "builder-question-move",
            "builder-question-delete",
        ),
        EDITORS,
    ),
    "respond": PUBLIC,  # whoever holds the link or token
}
