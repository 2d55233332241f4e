"""Error pages (403, 404, 500, 400, a refused form) are sengen's own: styled like the site, in
the page's language, and saying why; the 500 page needs neither the database nor a request
(issue 9.9). In development, Django's own 404 page is readable under the CSP."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from tests.staff.test_i18n import JAPANESE

STYLESHEET = "/static/portal/portal.css"


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def japanese_outside_the_switch(page: str) -> list[str]:
    return [word for word in JAPANESE.findall(page) if word != "日本語"]


@pytest.mark.django_db
def test_not_found_is_styled_and_says_why_in_japanese_and_english(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="ja">' in page and STYLESHEET in page
    assert "ページが見つかりません" in page and "まだ公開されていない報告" in page
    assert 'hreflang="en"' in page  # the language switch

    response = english(client).get(reverse("portal:report", args=[2017, "ない部"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="en">' in page and "Page not found" in page
    assert not japanese_outside_the_switch(page), japanese_outside_the_switch(page)


def test_the_server_error_page_needs_no_database_and_no_request_context(django_db_blocker):
    request = RequestFactory().get("/")
    with django_db_blocker.block():  # any query would fail the test
        response = defaults.server_error(request)
        with translation.override("en"):
            english_page = defaults.server_error(request).content.decode()
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="ja">' in page and STYLESHEET in page and "サーバーで問題が起きました" in page
    assert '<html lang="en">' in english_page and "Something went wrong on the server" in english_page
    assert not JAPANESE.findall(english_page)


@pytest.mark.django_db
def test_an_exception_in_a_view_gives_the_styled_500_page(client, monkeypatch):
    from sengen.portal import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "years_public", broken)
    client.raise_request_exception = False
    response = english(client).get(reverse("portal:index"))
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="en">' in page and "Something went wrong on the server" in page and "boom" not in page


def test_a_bad_request_page_is_sengens_own():
    response = defaults.bad_request(RequestFactory().get("/"), Exception("bad"))
    assert response.status_code == 400
    assert "要求を処理できませんでした" in response.content.decode()


@pytest.mark.django_db
def test_djangos_debug_404_page_may_style_itself_but_never_run_script(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    policy = response["Content-Security-Policy"]
    assert "style-src-elem 'self' 'unsafe-inline'" in policy and "sha256-" not in policy.split("style-src-elem")[1]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    settings.DEBUG = False
    ok = client.get(reverse("portal:index"))
    assert "'unsafe-inline'" not in ok["Content-Security-Policy"].split("style-src-elem")[1].split(";")[0]


@pytest.mark.parametrize("prefix", ["/", "/sengen/"])
def test_the_500_and_400_pages_link_to_the_sites_root_under_a_sub_path(django_db_blocker, prefix):
    # Django's handler sets the script prefix from SCRIPT_NAME / FORCE_SCRIPT_NAME before the
    # view runs; the pages read it without a database or URL resolution.
    from django.urls import set_script_prefix

    request = RequestFactory().get("/")
    set_script_prefix(prefix)
    try:
        with django_db_blocker.block():
            pages = [defaults.server_error(request).content.decode(),
                     defaults.bad_request(request, Exception("bad")).content.decode()]
    finally:
        set_script_prefix("/")
    for page in pages:
        assert page.count(f'href="{prefix}"') == 2  # the site's name and "to the top page"
        if prefix != "/":
            assert 'href="/"' not in page


@pytest.mark.django_db
def test_a_not_found_page_under_a_sub_path_names_the_sites_root(client):
    # The test client does not set the script prefix from SCRIPT_NAME as WSGIHandler does.
    from django.urls import set_script_prefix

    set_script_prefix("/sengen/")
    try:
        response = client.get("/no-such-page/")
    finally:
        set_script_prefix("/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<a href="/sengen/">' in page and 'href="/"' not in page
