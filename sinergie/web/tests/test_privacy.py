"""Privacy notices (issue 13, point 8): one per purpose, versioned, in Italian and English, naming
the controller, the retention and the rights; linked from the footer and from every form that
collects personal data; the version shown is what a record cites."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from sinergie.conftest import OrganizationFactory, World
from sinergie.lib import privacy
from sinergie.organizations.models import AlliancePartner, PartnerRole

pytestmark = pytest.mark.django_db

NOTICES = list(privacy.NOTICES.values())


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("it", ("Titolare", "Garante per la protezione dei dati personali")),
        ("en", ("responsible for your data", "Garante per la protezione dei dati personali")),
    ],
)
def test_the_index_lists_every_notice_in_both_languages(client, language: str, words: tuple[str, ...]) -> None:
    with translation.override(language):
        url = reverse("web:privacy")
        page = client.get(url).content.decode()
        for notice in NOTICES:
            assert f'href="{reverse(notice.url_name)}"' in page
    assert f'<html lang="{language}">' in page
    assert words[1] in page


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("notice", NOTICES, ids=[n.key for n in NOTICES])
def test_each_notice_names_the_controller_the_retention_and_the_rights(
    client, language: str, notice: privacy.Notice
) -> None:
    with translation.override(language):
        response = client.get(reverse(notice.url_name))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    for anchor in ('id="controller"', 'id="retention"', 'id="rights"', 'id="complaint"', 'id="notice-version"'):
        assert anchor in page, anchor
    assert "https://www.garanteprivacy.it/" in page
    if language == "en":
        assert "controller" in page and "one month" in page
        assert f"Version {notice.version}" in page
    else:
        assert "titolare" in page.lower() and "un mese" in page


@pytest.mark.parametrize(
    ("key", "periods"),
    [
        ("applications", ("10 years", "31 December", "2021/1060")),
        ("vouchers", ("10 years", "article 2220", "31 December")),
        ("surveys", ("No personal data is kept", "deleted after the questionnaire closes")),
    ],
)
def test_the_retention_periods_follow_the_law(client, key: str, periods: tuple[str, ...]) -> None:
    with translation.override("en"):
        page = client.get(reverse(privacy.NOTICES[key].url_name)).content.decode()
    for period in periods:
        assert period in page


def test_from_a_call_the_notice_names_the_alliance_lead_body_as_controller(client, world: World) -> None:
    from sinergie.calls import services
    from sinergie.calls.conftest import make_call

    lead = OrganizationFactory(kind="public_body", name="Comune di Prova", email="privacy@lead.example.org")
    AlliancePartner.objects.create(alliance=world.alliance, organization=lead, role=PartnerRole.LEAD)
    call = make_call(world)
    services.call_publish(call=call, by=world.alliance_staff)
    with translation.override("en"):
        url = reverse("web:privacy-domande")
        page = client.get(f"{url}?bando={call.pk}").content.decode()
        generic = client.get(url).content.decode()
        draft = make_call(world, title_it="Bozza")
        drafted = client.get(f"{url}?bando={draft.pk}").content.decode()
        junk = client.get(f"{url}?bando=x1").status_code
    assert 'id="call-controller"' in page and lead.name in page and "privacy@lead.example.org" in page
    assert "the data controller is" in page and str(world.alliance) in page
    assert 'id="call-controller"' not in generic and "lead body of the alliance that publishes" in generic
    assert 'id="call-controller"' not in drafted  # a draft call is not public: the generic notice
    assert junk == 200


def test_an_earlier_version_stays_readable_and_a_missing_one_is_404(client, monkeypatch) -> None:
    notice = privacy.NOTICES["account"]
    url = reverse(notice.url_name)
    assert client.get(f"{url}?versione=1").status_code == 200
    assert client.get(f"{url}?versione={notice.version + 1}").status_code == 404
    assert client.get(f"{url}?versione=abc").status_code == 404


def test_every_versioned_text_exists() -> None:
    from django.template.loader import get_template

    for notice in NOTICES:
        for version in range(1, notice.version + 1):
            get_template(notice.template_for(version))


def test_the_footer_links_the_privacy_notices(client) -> None:
    for path in ("/", "/accessibilita/", "/servizi/"):
        assert '<li class="list-inline-item"><a href="/privacy/">Privacy</a></li>' in client.get(path).content.decode()
    assert 'href="/en/privacy/"' in client.get("/en/").content.decode()


def test_signup_links_the_account_notice(client) -> None:
    page = client.get("/account/signup/").content.decode()
    assert f'href="{reverse("web:privacy-account")}"' in page
