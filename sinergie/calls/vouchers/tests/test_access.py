"""Who may open the wallet and the desk: every persona on every view, GET and POST, guessed ids and codes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse

from sinergie.calls import services
from sinergie.calls.codes import code_generate
from sinergie.calls.conftest import Money
from sinergie.calls.models import LedgerEntry, Redemption
from sinergie.conftest import UserFactory, add_member
from sinergie.organizations.models import Role

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "citizen", "stranger", "provider_staff", "other_provider_staff", "alliance_staff", "admin"]


def person(money: Money, name: str) -> Any:
    if name == "other_provider_staff":
        return money.other_provider_staff
    return getattr(money.world, name)


def client_for(money: Money, name: str, client: Any, login: Any) -> Any:
    return client if name == "anonymous" else login(person(money, name))


def snapshot() -> tuple[int, int, list[int]]:
    from sinergie.calls.models import Voucher

    return (
        Redemption.objects.filter(cancelled_at__isnull=True).count(),
        LedgerEntry.objects.count(),
        list(Voucher.objects.order_by("pk").values_list("balance_cents", flat=True)),
    )


@pytest.fixture
def setting(money: Money) -> dict[str, Any]:
    redemption = money.redeem(amount_cents=1_000)
    slug = money.provider.slug
    return {
        "redemption": redemption,
        "urls": {
            "wallet": reverse("vouchers:wallet"),
            "voucher": reverse("vouchers:detail", args=[money.voucher.pk]),
            "desk-home": reverse("vouchers:desk-home"),
            "desk": reverse("vouchers:desk", args=[slug]),
            "redemptions": reverse("vouchers:redemptions", args=[slug]),
            "redemption": reverse("vouchers:redemption", args=[slug, redemption.pk]),
            "statement": reverse("vouchers:statement", args=[slug]),
            "statement-csv": reverse("vouchers:statement-csv", args=[slug]),
            "statement-xlsx": reverse("vouchers:statement-xlsx", args=[slug]),
        },
    }


# What each persona gets on a GET of each page of Provider A and of the citizen's voucher.
EXPECTED_GET = {
    "wallet": dict.fromkeys(PERSONAS, 200),  # everyone signed in has a wallet, maybe empty
    "voucher": {"citizen": 200},
    "desk-home": {"provider_staff": 302, "other_provider_staff": 302},
    "desk": {"provider_staff": 200},
    "redemptions": {"provider_staff": 200},
    "redemption": {"provider_staff": 200},
    "statement": {"provider_staff": 200},
    "statement-csv": {"provider_staff": 200},
    "statement-xlsx": {"provider_staff": 200},
}  # fmt: skip


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("page", list(EXPECTED_GET))
def test_get_matrix(money: Money, setting: dict[str, Any], client: Any, login: Any, name: str, page: str) -> None:
    response = client_for(money, name, client, login).get(setting["urls"][page])
    if name == "anonymous":
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    else:
        assert response.status_code == EXPECTED_GET[page].get(name, 404)


def test_the_desk_home_takes_each_provider_to_its_own_desk(money: Money, login: Any) -> None:
    response = login(money.other_provider_staff).get(reverse("vouchers:desk-home"))
    assert response["Location"] == reverse("vouchers:desk", args=[money.other_provider.slug])


def test_staff_of_two_providers_choose_a_desk(money: Money, login: Any) -> None:
    add_member(money.world.provider_staff, money.other_provider, Role.PROVIDER_STAFF)
    response = login(money.world.provider_staff).get(reverse("vouchers:desk-home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("vouchers:desk", args=[money.other_provider.slug]) in body
    assert reverse("vouchers:desk", args=[money.provider.slug]) in body


@pytest.mark.parametrize("name", PERSONAS)
def test_post_matrix(money: Money, setting: dict[str, Any], client: Any, login: Any, name: str) -> None:
    """Every write to Provider A's desk: only its staff change anything; the others change nothing."""
    http = client_for(money, name, client, login)
    before = snapshot()
    urls = setting["urls"]
    key = uuid.uuid4().hex
    posts = [
        (urls["desk"], {"step": "preview", "code": money.voucher.code}),
        (
            urls["desk"],
            {
                "step": "confirm",
                "code": money.voucher.code,
                "idempotency_key": key,
                # Not the setting's 10 euros: the same amount just redeemed would be asked about first.
                "amount": "12",
                "service": money.after_school.pk,
                "service_date": services.rome_today().isoformat(),
            },
        ),
        (
            reverse("vouchers:redemption-cancel", args=[money.provider.slug, setting["redemption"].pk]),
            {"reason": "errore"},
        ),
    ]
    statuses = [http.post(url, data).status_code for url, data in posts]
    if name == "anonymous":
        assert statuses == [302, 302, 302]
        assert snapshot() == before
    elif name == "provider_staff":
        assert statuses == [200, 302, 302]
        assert Redemption.objects.filter(idempotency_key=key).count() == 1
        setting["redemption"].refresh_from_db()
        assert setting["redemption"].cancelled_at is not None
    else:
        assert statuses == [404, 404, 404]
        assert snapshot() == before


@pytest.mark.parametrize("name", PERSONAS)
def test_wallet_is_read_only(money: Money, setting: dict[str, Any], client: Any, login: Any, name: str) -> None:
    http = client_for(money, name, client, login)
    for page in ("wallet", "voucher"):
        assert http.post(setting["urls"][page]).status_code in {302, 404, 405}


def test_guessed_voucher_ids_are_404(money: Money, login: Any) -> None:
    http = login(money.world.stranger)
    other = money.issue(beneficiary=money.world.stranger)
    assert http.get(reverse("vouchers:detail", args=[other.pk])).status_code == 200
    for pk in (money.voucher.pk, other.pk + 1000, 0):
        assert http.get(reverse("vouchers:detail", args=[pk])).status_code == 404
    assert http.get("/en/buoni/abc/").status_code == 404
    assert http.get("/en/buoni/99999999999999999999999/").status_code == 404


def test_guessed_redemptions_and_providers_are_404(money: Money, setting: dict[str, Any], login: Any) -> None:
    """Provider B's staff cannot reach Provider A's redemption through their own desk, nor a made-up one."""
    http = login(money.other_provider_staff)
    mine = money.other_provider.slug
    theirs = setting["redemption"].pk
    assert http.get(reverse("vouchers:redemption", args=[mine, theirs])).status_code == 404
    assert http.post(reverse("vouchers:redemption-cancel", args=[mine, theirs]), {"reason": "x"}).status_code == 404
    assert http.get(reverse("vouchers:redemption", args=[mine, uuid.uuid4()])).status_code == 404
    assert http.get("/en/buoni/sportello/no-such-provider/").status_code == 404
    # A company's slug is not a provider's desk, even for a member of it.
    referent = login(money.world.referent)
    assert referent.get(reverse("vouchers:desk", args=[money.world.company.slug])).status_code == 404
    setting["redemption"].refresh_from_db()
    assert setting["redemption"].cancelled_at is None


def test_a_provider_cannot_redeem_a_voucher_of_a_call_it_is_not_accredited_for(money: Money, login: Any) -> None:
    before = snapshot()
    response = login(money.other_provider_staff).post(
        reverse("vouchers:desk", args=[money.other_provider.slug]),
        {
            "step": "confirm",
            "code": money.voucher.code,
            "idempotency_key": "k",
            "amount": "10",
            "service_date": services.rome_today().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "not accredited" in response.content.decode()
    assert snapshot() == before


def test_guessed_codes_get_the_same_answer_as_unknown(money: Money, login: Any) -> None:
    http = login(money.world.provider_staff)
    for _ in range(3):
        response = http.post(
            reverse("vouchers:desk", args=[money.provider.slug]), {"step": "preview", "code": code_generate()}
        )
        assert response.status_code == 400
        assert "No voucher has this code." in response.content.decode()


def test_provider_staff_without_a_second_factor_are_sent_to_enrol(money: Money, login: Any) -> None:
    newcomer = UserFactory(email="new-provider@example.org")
    add_member(newcomer, money.provider, Role.PROVIDER_STAFF)
    http = login(newcomer)
    for url in (
        reverse("vouchers:desk", args=[money.provider.slug]),
        reverse("vouchers:statement-csv", args=[money.provider.slug]),
    ):
        response = http.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa-required")


def test_an_inactive_provider_staff_member_is_refused(money: Money, login: Any) -> None:
    from sinergie.calls import access

    money.world.provider_staff.is_active = False
    assert access.providers_for_desk(money.world.provider_staff) == []
