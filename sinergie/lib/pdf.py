"""PDF documents from Django templates: the one place that calls WeasyPrint.

A PDF template extends `web/pdf_base.html` (A4, the site's fonts and colours, a header with
the platform's name and a footer with page numbers). Resources are read only from the site's
static files: any other URL in a template (a CDN, a link typed by a user) is refused, so
rendering never reaches the network.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.text import get_valid_filename

from sinergie.lib.downloads import PDF_TYPE, file_response


class PdfResourceRefused(ValueError):
    pass


def static_path_of(url: str) -> str:
    """The file under the static files that `url` names; PdfResourceRefused for anything else."""
    prefix = static("")
    path = url
    if url.startswith(("http://", "https://")):
        rest = url.split("://", 1)[1]
        path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    if not path.startswith(prefix) or ".." in path.split("/"):
        raise PdfResourceRefused(url)
    found = finders.find(path[len(prefix) :].split("?", 1)[0].split("#", 1)[0])
    if not found:
        raise PdfResourceRefused(url)
    return found


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    # WeasyPrint ships no type information: its classes are Any to the type checker.
    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Reads the site's own static files; refuses every other URL."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            found = static_path_of(url)
            with open(found, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, headers={"Content-Type": content_type})

    return StaticOnlyFetcher()


def pdf_bytes(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """The PDF rendering of `template` with `context`."""
    import weasyprint  # imported here: loading Pango costs time that most requests never need

    html = render_to_string(template, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else "http://localhost/"
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf


def pdf_response(
    template: str, context: dict[str, Any], filename: str, request: HttpRequest | None = None
) -> HttpResponse:
    """An attachment response with the PDF rendering of `template`, never cached by proxies."""
    name = get_valid_filename(filename)
    if not name.endswith(".pdf"):
        name += ".pdf"
    return file_response(pdf_bytes(template, context, request), name, PDF_TYPE, private=True)
