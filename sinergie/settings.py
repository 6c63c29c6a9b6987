"""Django settings for Sinergie, read only from environment variables.

The embedded default (no variables set) is a development/demo instance: DEBUG on,
SQLite under ./var/, console e-mail, background tasks run in-process. Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; anything missing or malformed
stops the process at start with a message naming the variable.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
import leaflet
from django.utils.translation import gettext_lazy as _

from sinergie.lib.env import ConfigurationError, Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("SINERGIE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)


def _secret_key() -> str:
    key = env.optional("SECRET_KEY")
    if key:
        if not DEBUG and (len(key) < 50 or len(set(key)) < 5):
            raise ConfigurationError("SECRET_KEY must be at least 50 random characters when DEBUG=false.")
        return key
    if not DEBUG:
        raise ConfigurationError("SECRET_KEY is required when DEBUG=false (50+ random characters).")
    # Development only: a random key kept on this machine, never a constant in the code.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigurationError("ALLOWED_HOSTS is required when DEBUG=false (comma-separated host names).")

SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ConfigurationError(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    # Our apps first so that our templates override the theme's un-namespaced ones.
    "sinergie.web",
    "sinergie.accounts",
    "sinergie.audit",
    "sinergie.territory",
    "sinergie.organizations",
    "sinergie.schoolcalendar",
    "sinergie.directory",
    "sinergie.planner",
    "sinergie.catalogue",
    "sinergie.calls",
    "sinergie.companies",
    "sinergie.surveys",
    "sinergie.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "bootstrap_italia_template",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A database outage answers 503 with Retry-After, not 500 (with web.outage.server_error).
    "sinergie.web.outage.DatabaseUnavailableMiddleware",
    # A NUL in a page's address is a bad request, never a database error (web/nul.py).
    "sinergie.web.nul.RejectNulInAddressMiddleware",
    # In development Django's own server serves static files.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sinergie.accounts.sessions.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sinergie.accounts.sessions.StaffSessionMiddleware",
    "sinergie.accounts.middleware.RequireStaffMFAMiddleware",
]

ROOT_URLCONF = "sinergie.urls"
WSGI_APPLICATION = "sinergie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sinergie.web.context_processors.site",
            ],
        },
    },
]

# Form widgets render through the project's templates, so that web may override one: the empty
# option of a select reads "Choose…" in the user's language instead of Django's "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database ---------------------------------------------------------------------

DATABASE_URL = env.str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sinergie.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env.int("DB_CONN_MAX_AGE", 60))}
except ValueError as error:
    raise ConfigurationError(f"DATABASE_URL is not a valid database URL: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if not str(DATABASES["default"]["NAME"]).startswith(":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ConfigurationError("DATABASE_URL must point to SQLite or PostgreSQL.")
else:
    # No JIT: its compilation (up to a second) only pays off for long analytical queries; the
    # searches' plans cross its cost threshold while running in milliseconds (docs/benchmarks.md).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_BACKEND = env.choice("CACHE_BACKEND", ("locmem", "database"), "locmem")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if CACHE_BACKEND == "locmem"
        # Shared by every app server, so login throttling holds across them.
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "sinergie_cache"}
    )
}

# --- Accounts and authentication --------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "sinergie.accounts.adapter.AccountAdapter"
# The signup form asks the first and last name before the e-mail address and the password.
ACCOUNT_SIGNUP_FORM_CLASS = "sinergie.accounts.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sinergie] "
# allauth throttles failed logins per client address and per account (its defaults, stated here).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind a reverse proxy every request comes from the proxy's address: throttling on it would let
# one person's failed logins lock everyone out. The client's address is then the one the trusted
# proxies appended to X-Forwarded-For (the last TRUSTED_PROXY_COUNT entries; anything before them
# is whatever the client claimed). `sinergie.lib.http.client_ip` reads it the same way.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 1 if BEHIND_HTTPS_PROXY else 0, minimum=0)
# Staff sessions (every role that needs a second factor) end after this long without a request, and
# this long after signing in whatever "remember me" said (sinergie/accounts/sessions.py).
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", 30, minimum=1)
STAFF_SESSION_MAX_HOURS = env.int("STAFF_SESSION_MAX_HOURS", 10, minimum=1)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sinergie"

# --- Internationalisation ----------------------------------------------------------

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sinergie" / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Leaflet's files come from django-leaflet; the app itself is not installed because its
# admin module needs GDAL, which the project does not use (boundaries are plain GeoJSON).
STATICFILES_DIRS = [Path(leaflet.__file__).resolve().parent / "static"]
STATICFILES_FINDERS = [
    # Bootstrap Italia's stylesheet with its data: font as a file (the CSP allows fonts only from the site).
    "sinergie.web.finders.ThemeStylesheetFinder",
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
WHITENOISE_USE_FINDERS = DEBUG
DJANGO_BOOTSTRAP_ITALIA_USE_CDN = False

LEAFLET_CONFIG = {
    # No tile server by default: maps draw the local boundaries. A deployment may set one.
    "TILES": env.optional("MAP_TILES_URL") or [],
    "ATTRIBUTION_PREFIX": env.str("MAP_TILES_ATTRIBUTION", "ISTAT, Openpolis"),
    "RESET_VIEW": False,
    "NO_GLOBALS": True,
}

# --- E-mail -----------------------------------------------------------------------

EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}[env.choice("EMAIL_BACKEND", ("console", "smtp", "memory"), "console")]
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.optional("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env.optional("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Sinergie <noreply@sinergie.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -------------------------------------------------------------

TASKS_BACKEND = env.choice("TASKS_BACKEND", ("immediate", "database"), "immediate")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TASKS_BACKEND == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- Security ---------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse these cookies unless Secure, for Path=/ and without
    # Domain, so a neighbouring subdomain cannot plant or overwrite them (ASVS 3.4.4). Plain HTTP
    # development servers could not set them, hence production only.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if BEHIND_HTTPS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([env.str("MAP_TILES_ORIGIN")] if env.optional("MAP_TILES_ORIGIN") else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
}

NINJA_PAGINATION_PER_PAGE = 50
