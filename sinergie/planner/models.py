from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A family's saved planner query: the GET parameters of the plan page, to reopen it later.

    Only the parameters are kept (municipality code, year, children, carers' days), not the
    result: reopening recomputes with the current calendar and services.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=100)
    parameters = models.JSONField(_("parameters"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("saved plan")
        verbose_name_plural = _("saved plans")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name
