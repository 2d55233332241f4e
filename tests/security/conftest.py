"""Fixtures for the security tests: a staff account with a known password, and a report full of
hostile text built from the seed report (the real document) so it imports like a real one."""

from __future__ import annotations

import copy

import pytest

from sengen.core.limits import MAX_LINE_CHARS

PASSWORD = "correct-horse-battery-staple"

SCRIPT = "<script>alert('sengen')</script>"
ATTRIBUTE_BREAKER = "\"'><img src=x onerror=alert(1)>"
RTL = "\u202eトップ\u202c\u200f右から左"
FORMULA = "=HYPERLINK(\"http://evil.example/\",\"クリック\")"
# As long as a bullet may be (core/limits.py): longer is refused at import since issue 9.2.
LONG_LINE = "長" * MAX_LINE_CHARS


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    """Dozens of logins per test: a cheap hasher keeps them fast. The throttle counts attempts,
    not hashing time, so what is tested does not change."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(username="kikaku", password=PASSWORD, is_staff=True)


@pytest.fixture
def hostile_doc(seed_doc) -> dict:
    """The seed report with hostile text in every kind of field a citizen's page shows."""
    doc = copy.deepcopy(seed_doc)
    doc["department"] = f"市民生活部{SCRIPT}"
    doc["director"]["name"] = ATTRIBUTE_BREAKER
    first = doc["initiatives"][0]
    first["title"] = f"地域{SCRIPT}{ATTRIBUTE_BREAKER}"
    first["sections"] = [f"課{ATTRIBUTE_BREAKER}", RTL]
    first["content"] = [SCRIPT, RTL, LONG_LINE, FORMULA, "+1+2", "-3", "@SUM(A1)"]
    first["targets"][0]["text"] = f"{FORMULA}{SCRIPT}"
    first["results"] = [ATTRIBUTE_BREAKER, "javascript:alert(1)"]
    first["future_direction"] = ["</td></tr></table><h1>偽の見出し</h1>"]
    first["achievement_status"] = ["<!-- ", "]]><svg onload=alert(1)>"]
    return doc
