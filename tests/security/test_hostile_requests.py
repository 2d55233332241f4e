"""What a hostile visitor can type into the public site: SQL in the search box and the query
string, paths in the URL. Every answer is a page or a 404 — never a server error, never a
draft, never a file from the server's disk."""

from __future__ import annotations

import copy
from urllib.parse import quote

import pytest
from django.urls import reverse

from sengen.declarations.models import Initiative
from sengen.declarations.services.imports import report_import

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"

INJECTIONS = [
    "' OR '1'='1",
    "公民' OR 1=1 --",
    "'; DROP TABLE declarations_initiative; --",
    "\" OR \"\"=\"",
    "%",
    "_",
    "\\",
    "%' UNION SELECT username, password FROM auth_user --",
    "') OR ('a'='a",
    "公民\x00",
    "$$; SELECT pg_sleep(5); $$",
    "1 AND (SELECT 1 FROM sqlite_master)",
]


@pytest.fixture
def published_and_draft(seed_doc):
    published = report_import(doc=seed_doc).declaration
    draft = copy.deepcopy(seed_doc)
    draft["department"] = "総務部"
    draft["initiatives"][0]["title"] = "下書きの取組（非公開）"
    report_import(doc=draft, state="draft")
    return published


def search(client, query: str):
    return client.get(reverse("portal:search"), {"q": query})


@pytest.mark.parametrize("query", INJECTIONS)
def test_sql_in_the_search_box_is_just_text(client, published_and_draft, query):
    response = search(client, query)
    if "\x00" in query:
        # PostgreSQL cannot compare text with NUL: refused before the view, on both databases.
        assert response.status_code == 400
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "下書きの取組" not in html  # no condition was widened to reach the draft
    assert Initiative.objects.count() == 10  # and nothing was dropped


def test_wildcards_match_themselves_not_everything(client, published_and_draft):
    for query in ("%", "_", "\\"):
        page = search(client, query).context["page"]
        # Hits are public index entries: their text is the published row, NFKC-normalised.
        texts = [i.text for i in page.object_list]
        assert all(query in text for text in texts), query


@pytest.mark.parametrize("municipality", ["' OR '1'='1", "x\x00", "%", "伊勢原市' --"])
def test_sql_in_the_municipality_filter_is_just_text(client, published_and_draft, municipality):
    url = reverse("portal:report", args=[2017, DEPT])
    assert client.get(url, {"municipality": municipality}).status_code == (400 if "\x00" in municipality else 404)


@pytest.mark.parametrize("path", [
    "/reports/2017/../../../../etc/passwd/",
    "/reports/2017/..%2F..%2F..%2F..%2Fetc%2Fpasswd/",
    "/reports/2017/%2Fetc%2Fpasswd/download/csv/",
    f"/reports/2017/{quote(DEPT)}/download/..%2F..%2Fsettings.py/",
    f"/reports/2017/{quote(DEPT)}/download/..%2f..%2fsettings.py/",
    f"/reports/2017/{quote(DEPT)}/download/pdf%00.txt/",
    "/static/../../src/sengen/settings.py",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/language/..%2F..%2Fetc/",
    "/years/2017%00/",
])
def test_no_url_reaches_the_file_system(client, published_and_draft, path):
    response = client.get(path)
    assert response.status_code in (301, 302, 400, 404), (path, response.status_code)
    body = response.content
    assert b"root:" not in body and b"SECRET_KEY" not in body and b"[project]" not in body


def test_a_department_named_like_a_path_is_only_a_name(client, seed_doc):
    seed_doc["department"] = "../../etc/passwd"
    report_import(doc=seed_doc)
    response = client.get(reverse("portal:report", args=[2017, "../../etc/passwd"]))
    assert response.status_code == 200
    assert b"root:" not in response.content
    response = client.get(reverse("portal:download", args=[2017, "../../etc/passwd", "csv"]))
    assert response.status_code == 200
    assert "passwd" in response["Content-Disposition"] and "/" not in response["Content-Disposition"].split(
        "filename*=")[0].split("filename=")[1]


def test_the_language_switch_does_not_redirect_to_another_site(client, db):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"):
        response = client.get(reverse("portal:language", args=["en"]), {"next": target})
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:index"), target
