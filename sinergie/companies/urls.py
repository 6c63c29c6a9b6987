from django.urls import path

from sinergie.companies import assessment_views, contamination_views, label_views, plan_views, views
from sinergie.lib.access_rules import PUBLIC, allow

app_name = "companies"
urlpatterns = [
    path("", views.my_companies, name="mine"),
    path("registro/", label_views.register, name="register"),
    path("buone-pratiche/", contamination_views.practices, name="practices"),
    path("testimoni/", contamination_views.staff_home, name="witness-staff"),
    path("affiancamenti/<int:pk>/", contamination_views.pairing, name="pairing"),
    path("accordi/", contamination_views.agreements, name="agreements"),
    path("accordi/nuovo/<slug:alliance>/", contamination_views.agreement_new, name="agreement-new"),
    path("accordi/<int:pk>/", contamination_views.agreement, name="agreement"),
    path("marchi/", label_views.staff_labels, name="staff-labels"),
    path("marchi/<int:pk>/", label_views.staff_label, name="staff-label"),
    path("marchi/regole/<slug:alliance>/", label_views.scheme_edit, name="scheme-edit"),
    path("manifesto/<slug:alliance>/", label_views.manifesto, name="manifesto"),
    path("manifesto/<slug:alliance>/modifica/", label_views.manifesto_edit, name="manifesto-edit"),
    path("richieste/", views.join_requests, name="join-requests"),
    path("richieste/<int:pk>/", views.join_decide, name="join-decide"),
    path("<slug:slug>/profilo/", views.profile, name="profile"),
    path("<slug:slug>/alleanze/", views.alliances, name="alliances"),
    path("<slug:slug>/alleanze/<int:pk>/ritira/", views.join_withdraw, name="join-withdraw"),
    path("<slug:slug>/autovalutazione/", assessment_views.self_assessment, name="assessment"),
    path("<slug:slug>/marchio/", label_views.company_label, name="label"),
    path("<slug:slug>/affiancamento/", contamination_views.company_pairing, name="pairing-company"),
    path("<slug:slug>/piano/", plan_views.plan, name="plan"),
    path("<slug:slug>/piano.pdf", plan_views.plan_pdf, name="plan-pdf"),
    path("<slug:slug>/piano/<int:pk>/", plan_views.measure, name="measure"),
]

# Who may open each page that names an object: the personas of sinergie/lib/access_rules.py,
# checked by sinergie/web/tests/test_access_matrix.py (a page missing here fails it).
COMPANY = allow("referent", "admin")
OVERSEEN = allow("referent", "alliance_staff", "admin")  # also the staff of its alliances
STAFF = allow("alliance_staff", "admin")
ACCESS = {
    "pairing": OVERSEEN,  # the company, the witness, the alliance's staff
    "agreement-new": STAFF,
    "agreement": PUBLIC,
    "staff-label": STAFF,
    "scheme-edit": STAFF,
    "manifesto": PUBLIC,
    "manifesto-edit": STAFF,
    "join-decide": STAFF,
    "profile": OVERSEEN,
    "alliances": COMPANY,
    "join-withdraw": COMPANY,
    "assessment": OVERSEEN,
    "label": COMPANY,
    "pairing-company": COMPANY,
    "plan": OVERSEEN,
    "plan-pdf": OVERSEEN,
    "measure": OVERSEEN,
}
