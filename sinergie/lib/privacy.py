"""Privacy notices (GDPR art. 13): one per purpose, versioned, kept as templates in the repository.

Each purpose has a current version; its text is the template `web/privacy/<key>_v<version>.html`.
To change a notice, copy its template to the next version, edit the copy and bump `version` and
`valid_from` here: the old template stays, so a stored version (`User.privacy_notice_version`,
`Application.privacy_notice_version`) always cites the exact text the person was shown, and
`/privacy/<slug>/?versione=<n>` shows it again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Notice:
    key: str
    slug: str
    title: Promise
    summary: Promise
    version: int
    valid_from: datetime.date

    @property
    def template(self) -> str:
        return self.template_for(self.version)

    def template_for(self, version: int) -> str:
        return f"web/privacy/{self.key}_v{version}.html"

    @property
    def url_name(self) -> str:
        return f"web:privacy-{self.slug}"

    @property
    def cited(self) -> str:
        """What a record stores: the purpose and the version, e.g. "applications/1"."""
        return f"{self.key}/{self.version}"


NOTICES: dict[str, Notice] = {
    notice.key: notice
    for notice in (
        Notice(
            key="account",
            slug="account",
            title=_("Your account"),
            summary=_("Signing up and signing in: your name, e-mail address and password."),
            version=1,
            valid_from=datetime.date(2026, 12, 7),
        ),
        Notice(
            key="applications",
            slug="domande",
            title=_("Applications to calls"),
            summary=_("Applying to a call of an alliance: fiscal code, ISEE, documents and declarations."),
            version=1,
            valid_from=datetime.date(2026, 12, 7),
        ),
        Notice(
            key="vouchers",
            slug="buoni",
            title=_("Vouchers"),
            summary=_("Vouchers granted by a call and spent at a provider: who used them, where and when."),
            version=1,
            valid_from=datetime.date(2026, 12, 7),
        ),
        Notice(
            key="surveys",
            slug="questionari",
            title=_("Needs questionnaires"),
            summary=_("Answering a questionnaire of your company or alliance: no personal data is kept."),
            version=1,
            valid_from=datetime.date(2026, 12, 7),
        ),
        Notice(
            key="desk",
            slug="sportello",
            title=_("Information points"),
            summary=_("When an information-point operator fills in an application for you."),
            version=1,
            valid_from=datetime.date(2026, 12, 7),
        ),
    )
}


def current(key: str) -> Notice:
    """The notice shown today for a purpose (a KeyError for an unknown purpose is a programming error)."""
    return NOTICES[key]
