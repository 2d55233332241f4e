"""Django settings for sengen.

Everything that differs between a developer's checkout, CI and a city's server comes from the
environment, so the same file serves all three:

- ``DATABASE_URL``: ``postgres://…`` or ``sqlite:///…`` (dj-database-url). Unset → a SQLite file
  ``sengen.sqlite3`` in ``SENGEN_DATA_DIR``.
- ``SENGEN_DATA_DIR``: where local data lives (default ``<checkout>/data``, git-ignored).
- ``SENGEN_DEBUG``: ``1`` for development. Off by default so that a forgotten setting on a
  server fails closed.
- ``SENGEN_SECRET_KEY``: required unless ``SENGEN_DEBUG`` is on.
- ``SENGEN_ALLOWED_HOSTS``: comma-separated host names.
- ``SENGEN_MUNICIPALITY``: the city a report that names none is filed under (see
  ``declarations.services.imports.report_import``).
- ``SENGEN_GRADING_SCALE``: the preset grading scale a newly created municipality starts with.
- Mail (docs/operations.md, "Mail"): ``SENGEN_EMAIL_HOST`` (the city's internal mail server;
  unset → sengen sends no mail and ``sengen remind`` refuses), ``SENGEN_EMAIL_PORT`` (25),
  ``SENGEN_EMAIL_USER``, ``SENGEN_EMAIL_PASSWORD``, ``SENGEN_EMAIL_USE_TLS`` (STARTTLS),
  ``SENGEN_EMAIL_TIMEOUT`` (seconds, 10), ``SENGEN_EMAIL_FROM`` (the sender address);
  ``SENGEN_REMIND_DAYS_BEFORE``: how many days before a deadline the reminder goes (7);
  ``SENGEN_SITE_URL``: the staff site's address the mails link to (``https://sengen.city.example``).
- ``SENGEN_CACHE_URL``: ``redis://host:6379/0`` to share one cache between application servers;
  ``SENGEN_PAGE_CACHE_SECONDS``: how long a kept public page may live (600; 0 keeps none).
- ``SENGEN_SITE_DIR``: where the public site as files is rebuilt after each publication
  (``sengen site build``; unset → not built); ``SENGEN_SITE_BASE_URL``: the public address it is
  served at (``https://www.city.example.jp/sengen/``; unset → relative links).
- ``SENGEN_OPEN_DATA_LICENSE``: the license of the year's open-data ZIP (``CC-BY-4.0``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from sengen.core.grading import DEFAULT_SCALE


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# src/sengen/settings.py → the checkout (or, for an installed package, where site-packages is).
BASE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = BASE_DIR.parent.parent

DEBUG = _env_flag("SENGEN_DEBUG")

SECRET_KEY = os.environ.get("SENGEN_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    # Development only: a fixed key keeps sessions valid across `make run` restarts. Without
    # DEBUG the key stays empty and Django refuses to sign anything rather than use this one.
    SECRET_KEY = "django-insecure-sengen-development-only"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("SENGEN_ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

DATA_DIR = Path(os.environ.get("SENGEN_DATA_DIR") or CHECKOUT_DIR / "data")

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(env="DATABASE_URL", conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # CONN_MAX_AGE: each worker keeps its connection rather than opening the file and setting it
    # up again for every request (a kept public page costs one query).
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "sengen.sqlite3",
                             "CONN_MAX_AGE": 60}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "sengen.declarations",
    "sengen.portal",
    "sengen.security",
    "sengen.staff",
    # django-ninja (the public API, portal.api): listed so that its Swagger UI page loads the
    # copy of swagger-ui shipped in its wheel from our static files, never from a CDN.
    "ninja",
]

# Staff pages need a login; the public portal does not.
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"

MIDDLEWARE = [
    # First, so it compresses last (Django's BREACH mitigation pads each body); a kept public
    # page arrives already compressed from PublicPageCacheMiddleware and is left as it is.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sengen.security.middleware.SecurityHeadersMiddleware",
    "sengen.security.middleware.PrivatePagesMiddleware",
    "sengen.security.middleware.RequestLimitsMiddleware",
    # Whole public pages, never stale (sengen.portal.pagecache): below the security headers (a
    # kept page still gets them), above everything a public page does not need (session,
    # locale, CSRF, login, messages), which a kept page then skips.
    "sengen.portal.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sengen.urls"
WSGI_APPLICATION = "sengen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Length protects more than character-class rules (NIST SP 800-63B); 12 is sengen's floor.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("SENGEN_PASSWORD_MIN_LENGTH") or 12)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Japanese first: citizens read the site in Japanese; English is for visitors and other cities.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# What the public pages draw once and keep: charts (SVG) and the PDF/XLSX downloads, keyed by
# their content, so nothing is ever stale. Per process by default (each gunicorn worker keeps
# its own, ~100 KB an entry); SENGEN_CACHE_DIR shares one on disk between the workers.
# Set by sengen.wsgi (gunicorn, runserver): only a process that serves pages draws ahead.
SENGEN_DRAW_AHEAD = os.environ.get("SENGEN_DRAW_AHEAD") == "1"
# The public site as files (``sengen site build``): a serving process rebuilds this directory
# after each publication or correction (portal.site.autobuild); unset, nothing is built.
SENGEN_SITE_DIR = os.environ.get("SENGEN_SITE_DIR", "").strip()
SENGEN_SITE_BASE_URL = os.environ.get("SENGEN_SITE_BASE_URL", "").strip()
# SENGEN_CACHE_URL=redis://host:6379/0 shares one cache (kept pages, drawings, login
# throttling) between several application servers on one PostgreSQL (Django's RedisCache;
# docs/operations.md "Several application servers").
_CACHE_URL = os.environ.get("SENGEN_CACHE_URL", "").strip()
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"SENGEN_CACHE_URL must be a redis://, rediss:// or unix:// URL, not {_CACHE_URL!r}")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL,
         "KEY_PREFIX": os.environ.get("SENGEN_CACHE_PREFIX", "sengen")}
        if _CACHE_URL else
        {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
         "LOCATION": os.environ["SENGEN_CACHE_DIR"], "OPTIONS": {"MAX_ENTRIES": 5000}}
        if os.environ.get("SENGEN_CACHE_DIR") else
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 500}}
    ),
}
# How long a kept public page may live (seconds; 0 keeps none). A publication or any service's
# write makes it stale at once whatever this says (sengen.portal.pagecache); this bounds only
# what an administrator's reference edit leaves in other processes' own caches.
SENGEN_PAGE_CACHE_SECONDS = int(os.environ.get("SENGEN_PAGE_CACHE_SECONDS") or 600)
# The license the year's open data is published under (its datapackage.json), an SPDX id such as
# CC-BY-4.0 (the default: 政府標準利用規約 2.0 is compatible with it) or CC0-1.0.
SENGEN_OPEN_DATA_LICENSE = os.environ.get("SENGEN_OPEN_DATA_LICENSE", "").strip() or "CC-BY-4.0"

# Security ------------------------------------------------------------------------------------
# Safe defaults without any setting; what only the server's operator knows comes from the
# environment (docs/operations.md lists it all). `sengen check --deploy` is clean with
# SENGEN_SECRET_KEY, SENGEN_ALLOWED_HOSTS and SENGEN_SSL_REDIRECT set.

# Failed logins lock a username from an address (sengen.security.throttle); any login view
# that calls authenticate() is covered.
AUTHENTICATION_BACKENDS = ["sengen.security.backends.ThrottledModelBackend"]
SENGEN_LOGIN_FAILURE_LIMIT = int(os.environ.get("SENGEN_LOGIN_FAILURE_LIMIT") or 5)
SENGEN_LOGIN_FAILURE_WINDOW = 60 * int(os.environ.get("SENGEN_LOGIN_FAILURE_WINDOW_MINUTES") or 15)
SENGEN_LOGIN_LOCKOUT = 60 * int(os.environ.get("SENGEN_LOGIN_LOCKOUT_MINUTES") or 15)
SENGEN_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("SENGEN_LOGIN_IP_FAILURE_LIMIT") or 50)
# Reverse proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are
# believed; unset, REMOTE_ADDR is the client and no forwarded header counts.
SENGEN_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("SENGEN_TRUSTED_PROXIES", "").split(",") if p.strip()]
if SENGEN_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The admin's path: SENGEN_ADMIN_PATH, else derived from SECRET_KEY (`sengen adminurl`).
SENGEN_ADMIN_PATH = os.environ.get("SENGEN_ADMIN_PATH", "").strip()

# Cookies: never readable by scripts (the session), never sent over plain HTTP off DEBUG, not
# sent with cross-site POSTs; a staff session ends with the browser or after a working day.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * int(os.environ.get("SENGEN_SESSION_MINUTES") or 8 * 60)
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("SENGEN_CSRF_TRUSTED_ORIGINS", "").split(",")
                        if o.strip()]

# HTTPS. Off by default only because tests and `make run` speak plain HTTP; a server sets
# SENGEN_SSL_REDIRECT=1. HSTS is sent on HTTPS responses only, so it is safe to default on;
# preloading commits the city's whole domain and stays the domain owner's decision.
SECURE_SSL_REDIRECT = _env_flag("SENGEN_SSL_REDIRECT")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SENGEN_HSTS_SECONDS") or 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("SENGEN_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_flag("SENGEN_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload: see above
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy and Permissions-Policy (sengen.security.middleware explains the
# inline-style allowance). The hash is matplotlib's one <style> block in each SVG chart;
# tests/security/test_headers.py fails if a matplotlib upgrade changes it.
SENGEN_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "style-src-elem": ["'self'", "'sha256-2Iqu4MW0P4n79bqVmTDfLWhO8TS7MxwRJn7HVNDr7EQ='"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SENGEN_PERMISSIONS_POLICY = ("accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
                             "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), "
                             "browsing-topics=()")

# Request bodies: the largest upload is a report's PDF or workbook (a few MB).
SENGEN_MAX_REQUEST_BYTES = 1024 * 1024 * int(os.environ.get("SENGEN_MAX_UPLOAD_MB") or 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # form fields, files not counted
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads go to a temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 100

SENGEN_MUNICIPALITY = os.environ.get("SENGEN_MUNICIPALITY", "").strip() or None
SENGEN_GRADING_SCALE = os.environ.get("SENGEN_GRADING_SCALE", "").strip() or DEFAULT_SCALE

# Mail: hand-offs, phase openings and deadline reminders (declarations.mail). The city's mail
# server is internal (LGWAN); without SENGEN_EMAIL_HOST no mail is sent at all, rather than every
# hand-off waiting on a server that is not there.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("SENGEN_EMAIL_HOST", "").strip() or "localhost"
EMAIL_PORT = int(os.environ.get("SENGEN_EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("SENGEN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SENGEN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_flag("SENGEN_EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("SENGEN_EMAIL_TIMEOUT") or 10)
DEFAULT_FROM_EMAIL = os.environ.get("SENGEN_EMAIL_FROM", "").strip() or "sengen@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SENGEN_EMAIL_ENABLED = bool(os.environ.get("SENGEN_EMAIL_HOST", "").strip())
SENGEN_REMIND_DAYS_BEFORE = int(os.environ.get("SENGEN_REMIND_DAYS_BEFORE") or 7)
SENGEN_SITE_URL = os.environ.get("SENGEN_SITE_URL", "").strip().rstrip("/")
# How long gunicorn lets a request run before it kills the worker (deploy/gunicorn.conf.py reads
# the same variable): what a request waits for (the city's book, a step's mail) ends before it.
SENGEN_WORKER_TIMEOUT = int(os.environ.get("SENGEN_GUNICORN_TIMEOUT", "").strip() or 60)
