"""Issue 12, point 3: no input, anywhere, produces a server error or comes back unescaped.

On the demo dataset, each persona (and a visitor) walks the site: every URL of the URLconf
without parameters, then the pages linked from there, up to three per URL name (so URLs with
parameters get the persona's own objects), and for the platform admin the list, add form and
one change form of every registered model. As the platform admin, every linked URL is also
tried with a NUL in its text parameters and a huge number in its integer ones. Every form found
(POST and GET) is submitted a few times, each time with one kind of hostile value in all its
fields:

- `marker`: the page's own values with a script tag, emoji and right-to-left text added to
  every text field, redirects followed, so that what gets saved is rendered too;
- `nul`: the page's own values with a NUL added to every text field (PostgreSQL refuses NUL);
- `huge`: 10,000 characters, 20-digit numbers and ids, a year 99999, a wrong upload;
- `garbage`: SQL, negative and non-finite numbers, impossible dates, ids that are not ids, an
  empty upload;
- `empty`: every field empty.

Fails on any 5xx and on the script tag coming back unescaped in an HTML page. A form seen once
(same URL name and fields) is not submitted again by the next persona, and downloads, the APIs
(their own contract test) and the second-factor pages are left out, to stay within about a
minute and a half of CPU per database. Every request
runs in a transaction that is rolled back, so that what one submission does (delete, withdraw,
publish...) never changes what the next one sees: the walk is the same every time.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from sinergie.accounts.models import User
from sinergie.demo.load import DEMO_ACCOUNTS, demo_load
from sinergie.planner.models import Plan
from sinergie.surveys.models import Campaign, CampaignMode
from sinergie.surveys.services import tokens_generate
from sinergie.territory.services import territory_load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCRIPT = "<script>alert(1)</script>"
MARKER = f"\"'>{SCRIPT} 😀 שלום \u202eRTL"
HUGE_NUMBER = "99999999999999999999"
ROUNDS = ("marker", "nul", "huge", "garbage", "empty")
ROUTE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
# A few pages per URL name (three calls, not every call): the first one linked may be the one
# object without the links to the rest (a draft call has no evaluation pages).
PAGES_PER_URL_NAME = 3

# Never walked: logging out or switching language changes the session, not data; the APIs
# have their own contract test; 2FA pages would disable the factor the personas need.
SKIPPED_URL_NAMES = {"account_logout", "admin:logout", "set_language", "healthz"}
# The admin's delete and history pages are Django's own and the same for every model (a delete
# page collects every related row: seconds for a municipality).
SKIPPED_ADMIN_SUFFIXES = ("_delete", "_history")
SKIPPED_PREFIXES = ("/api/", "/static/", "/media/", "/account/2fa/")
# Downloads take no input but their URL, cost up to seconds each and have their own tests.
SKIPPED_SUFFIXES = (".pdf", ".xlsx", ".zip", ".csv", ".ics")


class _Stop(Exception):
    """Raised to roll back the transaction around one request."""


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    # (kind, name, value): kind is text, number, date, hidden, select, multiple, check, file, management
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attrs_list}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(
                method=attrs.get("method", "get").lower(),
                action=attrs.get("action", ""),
                enctype=attrs.get("enctype", ""),
            )
            self.forms.append(self._form)
        if self._form is None or ("name" not in attrs and tag != "option"):
            return
        name = attrs.get("name", "")
        if tag == "input":
            self._input(self._form, name, attrs)
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self._form.buttons.append((name, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = (name, [])
        elif tag == "select":
            self._select = (name, "multiple" in attrs, [], [])
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select[2].append(value)
            if "selected" in attrs:
                self._select[3].append(value)

    @staticmethod
    def _input(form: Form, name: str, attrs: dict[str, str]) -> None:
        kind = attrs.get("type", "text").lower()
        value = attrs.get("value", "")
        if kind in {"submit", "image", "button"}:
            form.buttons.append((name, value))
        elif kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                form.fields.append(("check", name, attrs.get("value", "on")))
            form.options.setdefault(name, []).append(attrs.get("value", "on"))
        elif kind == "file":
            form.fields.append(("file", name, ""))
        elif name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
            form.fields.append(("management", name, value))
        elif kind == "hidden":
            if name != "csrfmiddlewaretoken":
                form.fields.append(("hidden", name, value))
        elif kind in {"number", "range"}:
            form.fields.append(("number", name, value))
        elif kind in {"date", "datetime-local", "time", "month", "week"}:
            form.fields.append(("date", name, value))
        else:
            form.fields.append(("text", name, value))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append(("text", self._textarea[0], "".join(self._textarea[1])))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options, selected = self._select
            self._form.options[name] = options
            if not multiple and not selected and options:
                selected = options[:1]
            for value in selected:
                self._form.fields.append(("multiple" if multiple else "select", name, value))
            if not selected:
                self._form.fields.append(("multiple" if multiple else "select", name, ""))
            self._select = None


def _hostile(round_name: str, kind: str, value: str, index: int) -> Any:
    """The value of one field in one round; `index` spreads the variants over a form's fields."""
    if round_name == "empty":
        return "" if kind != "file" else None
    if round_name == "marker":
        return f"{value}{MARKER}" if kind == "text" else _keep(kind, value)
    if round_name == "nul":
        return f"{value}\x00" if kind == "text" else _keep(kind, value)
    if round_name == "huge":
        return {
            "text": "A" * 10_000,
            "number": HUGE_NUMBER,
            # Django caps a formset at 1,000 forms more than its maximum and still builds them
            # all to show the error: a huge count costs seconds per request and proves nothing new.
            "management": value,
            "date": "99999-12-31",
            "file": SimpleUploadedFile("document.pdf", b"MZ\x90\x00 not a document at all" * 10),
        }.get(kind, HUGE_NUMBER)
    # garbage
    variants = {
        "text": ["' OR 1=1; DROP TABLE auth_user; --", "\u202e\u0000\ufeff", "%s%n{0}"],
        "number": ["-" + HUGE_NUMBER, "NaN", "1e309", "-1"],
        "management": ["-1", "abc"],
        "date": ["2026-02-30", "0000-00-00", "31/02/2026", "abc"],
        "file": [SimpleUploadedFile("empty.pdf", b"")],
    }.get(kind, ["abc", "-1", "not-a-uuid", "\x00"])
    return variants[index % len(variants)]


def _keep(kind: str, value: str) -> Any:
    return None if kind == "file" else value


def _payload(form: Form, round_name: str, round_index: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for index, (kind, name, value) in enumerate(form.fields):
        new = _hostile(round_name, kind, value, index)
        if new is None:
            continue
        if kind == "check" and round_name == "empty":
            continue  # an unchecked box sends nothing
        data.setdefault(name, []).append(new)
    if form.buttons:
        name, value = form.buttons[round_index % len(form.buttons)]
        if name:
            data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def _pages_per(name: str) -> int:
    if name.startswith("admin:"):
        # One change page per model: the admin's forms are the same for every row of a model.
        return 0 if name.endswith(SKIPPED_ADMIN_SUFFIXES) else 1
    return PAGES_PER_URL_NAME


def _url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace and namespace else pattern.namespace
            yield from _url_names(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _parameterless_urls() -> Iterator[str]:
    for name in _url_names():
        try:
            yield reverse(name)
        except NoReverseMatch:
            continue  # needs parameters: reached through links


@dataclass
class Walk:
    client: Client
    persona: str
    failures: list[str] = field(default_factory=list)
    visited_names: Counter[str] = field(default_factory=Counter)
    forms_seen: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)
    forms: int = 0
    requests: int = 0

    def request(self, method: str, path: str, data: Any = None, *, follow: bool = False, **extra: Any) -> Any:
        """One request in a transaction that is rolled back, with the session cookie kept as it was."""
        cookies = self.client.cookies
        self.client.cookies = cookies.__class__(cookies)
        response = None
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(path, data, follow=follow, **extra)
                raise _Stop
        except _Stop:
            pass
        finally:
            self.client.cookies = cookies
        self.requests += 1
        return response

    def check(self, response: Any, what: str) -> None:
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            reason = f"{exc[0].__name__}: {str(exc[1])[:200]}" if exc else ""
            self.failures.append(f"{self.persona}: {what} -> {response.status_code} {reason}")
        elif SCRIPT in _html(response):
            self.failures.append(f"{self.persona}: {what} -> the script tag came back unescaped")

    def visit(self, path: str) -> list[str]:
        response = self.request("get", path)
        self.check(response, f"GET {path}")
        page = _html(response)
        if not page:
            return []
        parser = _FormParser()
        parser.feed(page)
        for form in parser.forms:
            self.fuzz(path, form)
        return parser.links

    def fuzz_path(self, path: str) -> None:
        """The page again with a NUL in each text parameter of its URL and a huge number in each
        integer one (slugs and UUIDs are refused by the URLconf itself)."""
        match = resolve(urlsplit(path).path)
        converters = {name: kind or "str" for kind, name in ROUTE_PARAMETER.findall(match.route)}
        for name, kind in converters.items():
            value = {"str": "a\x00b", "path": "a\x00b", "int": HUGE_NUMBER}.get(kind)
            if value is None or name not in match.kwargs:
                continue
            try:
                hostile = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, name: value})
            except NoReverseMatch:
                continue
            self.check(self.request("get", hostile), f"GET {hostile}")

    def fuzz(self, page: str, form: Form) -> None:
        action = urljoin(page, form.action or page)
        if urlsplit(action).netloc or action.startswith(SKIPPED_PREFIXES):
            return
        name = _url_name(action)
        if name is None or name in SKIPPED_URL_NAMES:
            return
        key = (form.method, name, tuple(sorted({field_name for _, field_name, _ in form.fields})))
        if key in self.forms_seen:
            return  # the same form on another page, or seen by another persona: the same code
        self.forms_seen.add(key)
        self.forms += 1
        method = "post" if form.method == "post" else "get"
        has_text = any(kind == "text" for kind, _, _ in form.fields)
        for index, round_name in enumerate(ROUNDS):
            if (round_name == "nul" and not has_text) or (round_name == "empty" and method == "get"):
                continue
            data = _payload(form, round_name, index)
            response = self.request(method, action, data, follow=round_name == "marker")
            self.check(response, f"{method.upper()} {action} ({round_name}, form on {page})")


def _html(response: Any) -> str:
    if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return ""
    return response.content.decode(response.charset or "utf-8", errors="replace")


def _walk(client: Client, persona: str, seeds: list[str], forms_seen: set[Any], *, paths: bool = False) -> Walk:
    walk = Walk(client=client, persona=persona, forms_seen=forms_seen)
    walk.visited_names.update(name for name in map(_url_name, seeds) if name)
    queue = list(seeds)
    queued = set(queue)
    while queue:
        path = queue.pop(0)
        for link in walk.visit(path):
            target = urljoin(path, link).split("#")[0]
            parts = urlsplit(target)
            if (
                parts.netloc
                or parts.path.startswith(SKIPPED_PREFIXES)
                or parts.path.endswith(SKIPPED_SUFFIXES)
                or parts.path in queued
            ):
                continue
            name = _url_name(parts.path)
            if name is None or name in SKIPPED_URL_NAMES or walk.visited_names[name] >= _pages_per(name):
                continue
            walk.visited_names[name] += 1
            queued.add(parts.path)
            queue.append(parts.path)
            if paths and walk.visited_names[name] == 1 and not name.startswith("admin:"):
                walk.fuzz_path(parts.path)
    return walk


def _admin_urls() -> list[str]:
    urls = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


def _survey_links() -> list[str]:
    """The answering page of every campaign: its open link, or a single-use link made for the walk
    (the plain tokens are never stored, so no page links to them)."""
    admin_user = User.objects.filter(is_superuser=True).first()
    links = []
    for campaign in Campaign.objects.order_by("pk"):
        if campaign.mode == CampaignMode.OPEN:
            code = campaign.slug
        else:
            code = tokens_generate(campaign=campaign, count=1, by=admin_user)[0]
        links.append(reverse("surveys:respond", args=[code]))
    return links


@pytest.fixture
def demo(settings, tmp_path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    # Rate limits (logins, open survey links) live in the cache, outside the rolled-back
    # transactions: the walk starts from none and leaves none to the tests after it.
    cache.clear()
    territory_load(regions_with_boundaries=[])  # the boundaries take seconds and no form needs them
    demo_load()
    # The demo has no saved plan: the citizen's pages to open, rename and delete one need it.
    citizen = User.objects.get(email=DEMO_ACCOUNTS[0].email)
    Plan.objects.create(owner=citizen, name="Famiglia", parameters={"comune": "015142", "anno": 2026, "eta1": 7})
    yield
    cache.clear()


def test_no_hostile_input_anywhere_gives_a_server_error_or_unescaped_output(demo, client: Client) -> None:
    started, cpu = time.monotonic(), time.process_time()
    seeds = [
        url
        for url in _parameterless_urls()
        if not url.startswith(SKIPPED_PREFIXES)
        and not url.endswith(SKIPPED_SUFFIXES)
        and _url_name(url) not in SKIPPED_URL_NAMES
    ]
    seeds += _survey_links()
    personas: list[tuple[str, User | None]] = [("visitor", None)]
    personas += [(account.role_label, User.objects.get(email=account.email)) for account in DEMO_ACCOUNTS]
    failures: list[str] = []
    forms_seen: set[Any] = set()
    reached: set[str] = set()
    summary = []
    for persona, user in personas:
        client.logout()
        client.raise_request_exception = False
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        superuser = user is not None and user.is_superuser
        # The platform admin reaches every page: the URLs' own parameters are tried as them.
        walk = _walk(client, persona, seeds + (_admin_urls() if superuser else []), forms_seen, paths=superuser)
        failures += walk.failures
        reached |= set(walk.visited_names) | {name for _, name, _ in walk.forms_seen}
        summary.append(f"{persona}: {walk.requests} requests, {walk.forms} new forms")
    summary.append(f"{time.monotonic() - started:.0f} s, {time.process_time() - cpu:.0f} s of CPU")
    missed = sorted({name for name in _url_names() if not name.startswith(("admin:", "api-v1:", "hsds:"))} - reached)
    summary.append(f"URL names no page linked to and no form posted to: {', '.join(missed)}")
    print("\n".join(summary))
    assert not failures, "\n".join(failures)
    # The walk itself must not silently shrink (a login that stopped working, a broken parser).
    assert {"calls:manage-detail", "companies:plan", "directory-manage:edit", "surveys:respond"} <= reached
    assert any(name.startswith("admin:") and name.endswith("_add") for _, name, _ in forms_seen)


def test_the_walk_reads_every_kind_of_field_and_fills_it_by_round() -> None:
    parser = _FormParser()
    parser.feed(
        '<form method="post" enctype="multipart/form-data"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input name="title" value="Camp"><input type="number" name="places" value="3">'
        '<input type="date" name="starts"><textarea name="notes">Hi</textarea>'
        '<select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>'
        '<input type="checkbox" name="free" checked><input type="file" name="document">'
        '<input type="hidden" name="rows-TOTAL_FORMS" value="1"><button name="save" value="1">Save</button></form>'
    )
    [form] = parser.forms
    assert _payload(form, "marker", 0) == {
        "title": f"Camp{MARKER}",
        "places": "3",
        "starts": "",
        "notes": f"Hi{MARKER}",
        "kind": "b",
        "free": "on",
        "rows-TOTAL_FORMS": "1",
        "save": "1",
    }
    huge = _payload(form, "huge", 2)
    assert huge["title"] == "A" * 10_000 and huge["places"] == HUGE_NUMBER and huge["kind"] == HUGE_NUMBER
    assert huge["document"].name == "document.pdf" and huge["rows-TOTAL_FORMS"] == "1"
    assert _payload(form, "empty", 4) == {"title": "", "places": "", "starts": "", "notes": "", "kind": "",
                                           "rows-TOTAL_FORMS": "", "save": "1"}  # fmt: skip
