from __future__ import annotations

import os
import secrets
import subprocess
import sys

BASE_ENV = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sinergie.cli", *args],
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deployment_checks_in_production_settings(tmp_path):
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="sinergie.example.org",
        SINERGIE_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    result = _run("check", DEBUG="false", ALLOWED_HOSTS="sinergie.example.org", SINERGIE_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "SECRET_KEY is required" in result.stderr


def test_it_refuses_a_short_secret_key(tmp_path):
    result = _run(
        "check", DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="x.example.org", SINERGIE_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 2
    assert "at least 50" in result.stderr


def test_it_refuses_production_without_allowed_hosts(tmp_path):
    result = _run("check", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64), SINERGIE_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_it_refuses_a_database_url_of_another_engine(tmp_path):
    result = _run("check", DATABASE_URL="mysql://u:p@localhost/db", SINERGIE_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr


def test_behind_a_proxy_the_client_address_comes_from_the_proxys_header(tmp_path):
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "sinergie.example.org",
        "SINERGIE_VAR_DIR": str(tmp_path),
    }
    behind = _run("shell", "-c", code, BEHIND_HTTPS_PROXY="true", **production)
    assert behind.returncode == 0, behind.stderr
    assert behind.stdout.strip().splitlines()[-1] == "1"
    two = _run("shell", "-c", code, BEHIND_HTTPS_PROXY="true", TRUSTED_PROXY_COUNT="2", **production)
    assert two.stdout.strip().splitlines()[-1] == "2"
    direct = _run("shell", "-c", code, **production)
    assert direct.stdout.strip().splitlines()[-1] == "0"


def test_production_cookies_carry_the_host_prefix_and_its_conditions(tmp_path):
    """Issue 13, point 19: __Host- cookies are Secure, for Path=/ and without Domain, or browsers drop them."""
    names = [
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_PATH",
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_PATH",
        "CSRF_COOKIE_DOMAIN",
    ]
    code = f"from django.conf import settings; print([getattr(settings, n) for n in {names!r}])"
    production = _run(
        "shell",
        "-c",
        code,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="sinergie.example.org",
        SINERGIE_VAR_DIR=str(tmp_path),
    )
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip().splitlines()[-1] == str(
        ["__Host-sessionid", True, "/", None, "__Host-csrftoken", True, "/", None]
    )
    development = _run("shell", "-c", code, SINERGIE_VAR_DIR=str(tmp_path))
    assert development.stdout.strip().splitlines()[-1].startswith("['sessionid', False")


def test_staff_session_limits_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings; print(settings.STAFF_SESSION_IDLE_MINUTES, settings.STAFF_SESSION_MAX_HOURS)"
    )
    default = _run("shell", "-c", code, SINERGIE_VAR_DIR=str(tmp_path))
    assert default.stdout.strip().splitlines()[-1] == "30 10"
    chosen = _run(
        "shell",
        "-c",
        code,
        STAFF_SESSION_IDLE_MINUTES="15",
        STAFF_SESSION_MAX_HOURS="8",
        SINERGIE_VAR_DIR=str(tmp_path),
    )
    assert chosen.stdout.strip().splitlines()[-1] == "15 8"
    wrong = _run("check", STAFF_SESSION_IDLE_MINUTES="0", SINERGIE_VAR_DIR=str(tmp_path))
    assert wrong.returncode == 2
    assert "STAFF_SESSION_IDLE_MINUTES" in wrong.stderr
