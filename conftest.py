"""Project-wide pytest hooks: when `postgres` and `browser` tests may skip, and when they must fail.

A skipped test passes silently, so CI (CI=true) turns the skips that mean "the CI machine
is not set up as intended" into failures:

- `browser`: needs Debian's Chromium (/usr/bin/chromium, or the path in CHROMIUM_PATH) and
  the `playwright` package. Without them: skipped locally, a failure under CI=true.
- `postgres`: needs DATABASE_URL pointing to PostgreSQL. CI runs the suite twice, first on
  SQLite with DATABASE_URL unset, then with DATABASE_URL set to PostgreSQL. So under CI=true
  a `postgres` test may skip only when DATABASE_URL is unset (the SQLite run); when
  DATABASE_URL is set but is not PostgreSQL, the run meant for PostgreSQL is misconfigured
  and the test fails. Locally, it simply skips.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

DEFAULT_CHROMIUM = "/usr/bin/chromium"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_path() -> Path:
    return Path(os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM)


def _browser_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not chromium_path().is_file():
        return f"Chromium not found at {chromium_path()} (apt-get install chromium, or set CHROMIUM_PATH)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (uv sync)"
    return None


def _postgres_missing() -> str | None:
    """Why postgres tests cannot run here, or None when they can."""
    # The engine Django actually uses, not our own reading of the URL: settings decide.
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.postgresql":
        return None
    return f"DATABASE_URL does not point to PostgreSQL (engine: {engine})"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is not None:
        reason = _browser_missing()
        if reason is not None:
            if _in_ci():
                pytest.fail(f"browser test cannot run under CI=true: {reason}", pytrace=False)
            pytest.skip(reason)

    if item.get_closest_marker("postgres") is not None:
        reason = _postgres_missing()
        if reason is not None:
            # Under CI the SQLite run has no DATABASE_URL and may skip; the PostgreSQL run may not.
            if _in_ci() and os.environ.get("DATABASE_URL"):
                pytest.fail(f"postgres test cannot run under CI=true: {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """A cheap hasher for the test run only.

    The production hasher costs about 0.3 s per password by design, and the fixtures create
    and log in many users: with it a pass of the suite took minutes, mostly hashing.
    override_settings (not a plain assignment) also clears Django's cached hasher list.
    """
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's Chromium; Playwright never downloads a browser of its own here."""
    return chromium_path()


@pytest.fixture(scope="session")
def chromium(chromium_executable: Path) -> Iterator[Browser]:
    # One Playwright for the whole run, shared by every browser test module (two sync
    # Playwright instances cannot run in one thread). Imported here so that collecting
    # never needs playwright; pytest_runtest_setup decides whether a missing browser skips or fails.
    from playwright.sync_api import sync_playwright

    from sinergie.web.tests.browser_support import CHROMIUM_ARGS

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django then
    # refuses ORM calls from it as "async unsafe"; the tests' own ORM calls are plainly sync.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
