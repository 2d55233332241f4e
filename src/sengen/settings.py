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
  ``declarations.services.report_import``).
- ``SENGEN_GRADING_SCALE``: the preset grading scale a newly created municipality starts with.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

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
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "sengen.sqlite3"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "sengen.declarations",
    "sengen.portal",
    "sengen.staff",
]

# Staff pages need a login; the public portal does not.
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
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

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

SENGEN_MUNICIPALITY = os.environ.get("SENGEN_MUNICIPALITY", "").strip() or None
SENGEN_GRADING_SCALE = os.environ.get("SENGEN_GRADING_SCALE", "").strip() or DEFAULT_SCALE
