"""Background tasks shared by every capability (django-tasks)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str], html: str = "") -> int:
    """Send one e-mail; runs in-process in the embedded default, in the worker in production."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
