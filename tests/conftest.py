"""Shared fixtures: the seed report (the real document, not a hand-made mock), and the
``database`` marker that lets `make test` run every database test on PostgreSQL too."""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).parent / "fixtures" / "seed"
SEED_JSON = SEED_DIR / "h29-shiminseikatsu-achievement.json"
SEED_TXT = SEED_DIR / "h29-shiminseikatsu-achievement.txt"
SEED_PDF = SEED_DIR / "h29-shiminseikatsu-achievement.pdf"

# Fixtures that give a test database access, so a test using them is a database test even
# without an explicit django_db marker.
_DB_FIXTURES = {
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
    "admin_client", "admin_user", "django_user_model", "live_server", "committed_db",
}


def pytest_configure(config):
    from django.conf import settings

    if not os.environ.get("SENGEN_SECRET_KEY"):
        # Settings refuse a missing key outside DEBUG, as they should on a server; tests sign
        # cookies (messages, sessions) and get a key that exists only here.
        settings.SECRET_KEY = "sengen-tests-only-not-a-secret"
    # PDF and XLSX downloads are drawn here and now rather than by a child process and answered
    # 503 until ready (sengen.portal.downloads); tests/portal/test_download_drawing.py turns this
    # off to test that path.
    settings.SENGEN_DOWNLOADS_INLINE = True
    config.addinivalue_line(
        "markers",
        "database: touches the database; added automatically to django_db tests, which `make test` "
        "runs on SQLite and on PostgreSQL",
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("django_db") or _DB_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.database)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: kept public pages (sengen.portal.pagecache) are keyed
    by the highest ids in the database, and SQLite gives a rolled-back test's ids to the next
    one, so a page kept in one test could otherwise answer in another."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _japanese_first():
    """Each test starts in Japanese, as a request without a choice does. A request through the
    test client leaves its language active in the thread (LocaleMiddleware activates it and
    nothing deactivates it), so an English page in one test would otherwise turn the next
    test's service messages English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def seed_json_path() -> Path:
    return SEED_JSON


@pytest.fixture
def seed_txt_path() -> Path:
    return SEED_TXT


@pytest.fixture
def seed_doc() -> dict:
    """The seed report as its JSON file has it (not normalised); a fresh copy for each test."""
    return json.loads(SEED_JSON.read_text(encoding="utf-8"))


# The data migrations that write rows every database starts with: the grading presets and the
# preset forms (with the scales they bring).
_DATA_MIGRATIONS = (
    ("sengen.declarations.migrations.0002_grading_presets", "load_presets"),
    ("sengen.declarations.migrations.0006_forms_and_report_v2", "load_preset_forms"),
)


@pytest.fixture
def committed_db(transactional_db):
    """A committed database (a browser's server thread or a second process reads it) holding the
    rows ``migrate`` writes. A transactional test empties every table when it ends, those rows
    included, so whichever of them runs next would otherwise find no grading scale and no preset
    form, and judge, propose and print differently depending on the order the tests ran in.
    (pytest-django runs transactional tests after the others, so this harms none of those.)"""
    from django.apps import apps

    for module, function in _DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
