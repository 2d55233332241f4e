"""Security headers on every response, a CSP that every page keeps to, and cookies that scripts
cannot read and plain HTTP never carries."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from sengen.declarations.services.imports import report_import
from tests.portal.reports import next_year

from .conftest import PASSWORD
from .html_check import assert_inert

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"


@pytest.fixture
def two_years(seed_doc):
    report_import(doc=seed_doc)
    report_import(doc=next_year(seed_doc, actual=13210))


def csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def pages() -> list[str]:
    urls = [reverse("portal:index"), reverse("portal:year", args=[2018]),
            reverse("portal:report", args=[2018, DEPT]), reverse("portal:initiative", args=[2018, DEPT, 2]),
            reverse("portal:search") + "?q=公民", reverse("admin:login")]
    try:
        urls.append(reverse("staff:login"))
    except NoReverseMatch:
        pass
    return urls


def test_every_page_sends_the_security_headers(client, two_years):
    for url in pages():
        response = client.get(url)
        assert response.status_code == 200, url
        policy = csp(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]


def test_errors_and_downloads_carry_them_too(client, two_years):
    for url in ("/no-such-page/", reverse("portal:download", args=[2018, DEPT, "csv"])):
        response = client.get(url)
        assert "Content-Security-Policy" in response and response["X-Frame-Options"] == "DENY"


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def test_no_page_needs_more_than_the_policy_allows(client, two_years):
    """No inline script or event handler anywhere, and every <style> element (matplotlib's, in
    the charts) is one the policy lists by hash. Fails when a template or a matplotlib upgrade
    adds inline code that browsers would block."""
    allowed_styles = settings.SENGEN_CSP["style-src-elem"]
    charts = 0
    for url in pages():
        response = client.get(url)
        page = assert_inert(response.content.decode())
        for body in page.styles:
            assert sha256(body) in allowed_styles, (url, body[:80])
        charts += sum(1 for tag, _ in page.tags if tag == "svg")
    assert charts >= 2  # the year chart and the initiative's series chart were checked


def test_hsts_on_https_responses(client, db):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_session_cookie_is_http_only_secure_and_same_site(client, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_superuser(username="kanri", password=PASSWORD, email="")
    response = client.post(reverse("admin:login"), {"username": "kanri", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # ends with the browser
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600  # and after a working day at the latest
    csrf = client.get(reverse("admin:login")).cookies.get(settings.CSRF_COOKIE_NAME)
    if csrf is not None:
        assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, db):
    response = client.post(reverse("admin:login"), data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(settings.SENGEN_MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    assert "Content-Security-Policy" in response


def test_a_request_body_within_the_limit_goes_through(client, db):
    response = client.post(reverse("admin:login"), data={"username": "x", "password": "y"})
    assert response.status_code == 200
