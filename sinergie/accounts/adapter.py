from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest

from sinergie.lib.tasks import send_email

SITE_NAME = "Sinergie"


@dataclass(frozen=True)
class Site:
    """What allauth's e-mails read of django.contrib.sites' Site, which Sinergie does not install."""

    name: str
    domain: str


def current_site() -> Site:
    """The platform's name and the host of SITE_URL (the address people reach it at)."""
    return Site(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's e-mails leave through the task queue, so a slow mail server never slows a page."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth's messages read "Hello from {site name}!" and "an account on {site domain}".
        context = {"current_site": current_site(), **context}
        message = self.render_mail(template_prefix, email, context)
        send_email.enqueue(
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            html=_html_part(message),
        )

    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.SIGNUP_OPEN if hasattr(settings, "SIGNUP_OPEN") else True


def _html_part(message: EmailMessage) -> str:
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                return str(content)
    if message.content_subtype == "html":
        return message.body
    return ""
