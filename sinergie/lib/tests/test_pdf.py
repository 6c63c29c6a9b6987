import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from sinergie.lib import pdf
from sinergie.lib.pdf import PdfResourceRefused, pdf_bytes, pdf_response, static_path_of


def test_a_pdf_is_rendered_from_a_template_with_the_sites_fonts(monkeypatch):
    fetched = []

    def spy(url):
        fetched.append(url)
        return static_path_of(url)

    monkeypatch.setattr(pdf, "static_path_of", spy)
    data = pdf_bytes("web/pdf_base.html", {"generated_at": "22/11/2026"})
    assert data.startswith(b"%PDF-")
    assert any(url.endswith(".woff2") for url in fetched)  # the site's own font files


@pytest.mark.django_db
def test_the_response_is_a_private_attachment_with_a_safe_file_name():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = pdf_response("web/pdf_base.html", {}, "graduatoria ../../etc", request)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="graduatoria_....etc.pdf"'
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "url",
    ["https://cdn.example.org/x.css", "file:///etc/passwd", "/static/../../etc/passwd", "/static/nothing-here.css"],
)
def test_resources_outside_the_static_files_are_refused(url):
    with pytest.raises(PdfResourceRefused):
        static_path_of(url)


def test_weasyprints_fetcher_refuses_foreign_urls_too():
    with pytest.raises(PdfResourceRefused):
        pdf._fetcher().fetch("https://cdn.example.org/pixel.png")
