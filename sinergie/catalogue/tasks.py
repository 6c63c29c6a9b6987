"""The catalogue import as a background task: in-process with the immediate backend, in the worker in production."""

from __future__ import annotations

from django_tasks import task


@task()
def catalogue_import_run(*, batch_id: str) -> str:
    from sinergie.catalogue.services import import_batch_run

    return str(import_batch_run(batch_id).status)
