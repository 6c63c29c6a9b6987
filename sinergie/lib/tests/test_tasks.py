from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from sinergie.lib.tasks import send_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    # django-tasks resets its backends when the TASKS setting changes.
    settings.TASKS = DATABASE_TASKS
    settings.TASKS_BACKEND = "database"


def test_it_sends_email_in_process_by_default(db):
    send_email.enqueue(subject="Hello", body="Body", to=["someone@example.org"])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Hello"


@pytest.mark.django_db(transaction=True)
def test_it_queues_email_for_the_worker_in_production(database_tasks):
    result = send_email.enqueue(subject="Queued", body="Body", to=["someone@example.org"], html="<p>Body</p>")
    assert len(mail.outbox) == 0
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    result.refresh()
    assert result.status == "SUCCESSFUL"


def test_it_explains_that_no_worker_is_needed_in_process(settings):
    settings.TASKS_BACKEND = "immediate"
    with pytest.raises(CommandError, match="no worker is needed"):
        call_command("worker", "--batch")
