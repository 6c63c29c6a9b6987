from __future__ import annotations

import tempfile
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinergie.catalogue import exporting, services
from sinergie.catalogue.access import get_batch_for_user, may_import
from sinergie.catalogue.forms import ImportUploadForm
from sinergie.catalogue.importing import MAX_BYTES, all_errors
from sinergie.catalogue.models import BatchStatus
from sinergie.catalogue.selectors import catalogue_published
from sinergie.directory.hsds_selectors import services_public
from sinergie.lib.downloads import CSV_TYPE, XLSX_TYPE, file_response, streaming_response

# The preview lists at most this many errors (they are all counted): enough to fix a file, bounded to render.
MAX_ERRORS_SHOWN = 2000
ROWS_PER_PAGE = 200


@require_safe
def template_csv(request: HttpRequest) -> HttpResponse:
    return file_response(exporting.template_csv(), "modello-catalogo.csv", CSV_TYPE)


@require_safe
def template_xlsx(request: HttpRequest) -> HttpResponse:
    return file_response(exporting.template_xlsx(), "modello-catalogo.xlsx", XLSX_TYPE)


@require_safe
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    rows = exporting.catalogue_rows(catalogue_published())
    return streaming_response(exporting.csv_stream(rows), "catalogo-servizi.csv", CSV_TYPE)


@require_safe
def export_xlsx(request: HttpRequest) -> FileResponse:
    # A temporary file rather than memory: the write-only workbook streams rows into it.
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    exporting.write_xlsx(exporting.catalogue_rows(catalogue_published()), output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename="catalogo-servizi.xlsx", content_type=XLSX_TYPE)


@require_safe
def export_hsds(request: HttpRequest) -> FileResponse:
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    exporting.write_hsds_package(services_public(full=True), output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename="catalogo-hsds.zip", content_type="application/zip")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    if not may_import(request.user):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_BYTES + 1)
        batch = services.import_batch_create(
            organization=form.cleaned_data["organization"], actor=request.user, filename=upload.name, data=data
        )
        return redirect("catalogue:import-preview", batch_id=batch.pk)
    return render(request, "catalogue/import_upload.html", {"form": form})


@login_required
@require_safe
def import_preview(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = get_batch_for_user(request.user, batch_id)
    if batch.status != BatchStatus.UPLOADED:
        return redirect("catalogue:import-progress", batch_id=batch.pk)
    plan = services.catalogue_check(organization=batch.organization, data=bytes(batch.content), filename=batch.filename)
    preview = services.catalogue_preview(organization=batch.organization, plan=plan)
    errors = all_errors(plan.errors)
    page = Paginator(preview.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "plan": plan,
        "preview": preview,
        "counts": preview.counts,
        "errors": errors[:MAX_ERRORS_SHOWN],
        "error_count": len(errors),
        "errors_truncated": len(errors) > MAX_ERRORS_SHOWN,
        "page": page,
    }
    return render(request, "catalogue/import_preview.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = get_batch_for_user(request.user, batch_id)
    if batch.status == BatchStatus.UPLOADED:
        # Checked again here: a file with errors can never be confirmed, whatever the form sent.
        plan = services.catalogue_check(
            organization=batch.organization, data=bytes(batch.content), filename=batch.filename
        )
        if not plan.ok:
            messages.error(request, _("The file has errors: correct them and upload it again."))
            return redirect("catalogue:import-preview", batch_id=batch.pk)
        services.import_batch_confirm(batch=batch)
    return redirect("catalogue:import-progress", batch_id=batch.pk)


@login_required
@require_safe
def import_progress(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = get_batch_for_user(request.user, batch_id)
    if batch.status == BatchStatus.UPLOADED:
        return redirect("catalogue:import-preview", batch_id=batch.pk)
    return render(request, "catalogue/import_progress.html", {"batch": batch})
