"""Issue 9.2: a PDF or workbook is never drawn inside the request. The first request starts one
drawing (in a child process) and answers 503 with Retry-After; requests while it is drawn start
no other; then the file is served from the cache. A drawing that failed is not retried per
request."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.cache import cache
from django.urls import reverse

from sengen.portal import downloads

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"


@pytest.fixture(autouse=True)
def background(settings):
    settings.SENGEN_DOWNLOADS_INLINE = False
    cache.clear()
    yield
    downloads.wait_for_drawings(timeout=120)
    cache.clear()


def get(client, fmt="xlsx", **headers):
    return client.get(reverse("portal:download", args=[2017, DEPT, fmt]), **headers)


def test_a_download_not_yet_drawn_answers_503_then_the_file(client, published):
    from openpyxl import load_workbook

    first = get(client)
    assert first.status_code == 503
    assert first["Retry-After"] == str(downloads.RETRY_AFTER_SECONDS)
    assert first["Cache-Control"] == "no-store"
    page = first.content.decode()
    # a link to ask again, never a timed reload (WCAG 2.2.1, axe's meta-refresh)
    assert "ファイルを準備しています" in page and 'http-equiv="refresh"' not in page
    assert f'href="{reverse("portal:download", args=[2017, "市民生活部", "xlsx"])}"' in page
    downloads.wait_for_drawings(timeout=120)  # the real child process: python -m sengen.renderers
    second = get(client)
    assert second.status_code == 200
    workbook = load_workbook(io.BytesIO(second.content))
    assert any("くらし安心メールの利用拡大" in str(c.value) for s in workbook for r in s.iter_rows() for c in r)


def test_the_page_speaks_english_on_english_pages(client, published, monkeypatch):
    gate = threading.Event()
    monkeypatch.setattr(downloads, "render_out_of_process", lambda doc, fmt: gate.wait(30) and b"x")
    client.cookies["django_language"] = "en"
    response = get(client)
    gate.set()
    assert response.status_code == 503 and "Preparing the file" in response.content.decode()


def test_requests_while_drawing_start_no_second_drawing(client, published, monkeypatch):
    gate, started = threading.Event(), []

    def slow(doc, fmt):
        started.append(fmt)
        gate.wait(30)
        return b"PK-drawn"

    monkeypatch.setattr(downloads, "render_out_of_process", slow)
    answers = [get(client).status_code for _ in range(5)]
    assert answers == [503] * 5
    assert started == ["xlsx"]
    gate.set()
    downloads.wait_for_drawings(timeout=30)
    assert get(client).content == b"PK-drawn"
    assert started == ["xlsx"]


def test_a_failed_drawing_is_not_retried_on_every_request(client, published, monkeypatch):
    tried = []

    def broken(doc, fmt):
        tried.append(fmt)
        raise RuntimeError("WeasyPrint ran out of time")

    monkeypatch.setattr(downloads, "render_out_of_process", broken)
    assert get(client, "pdf").status_code == 503
    downloads.wait_for_drawings(timeout=30)
    for _ in range(3):
        response = get(client, "pdf")
        assert response.status_code == 503
        assert "ファイルを作成できませんでした" in response.content.decode()
        assert 'http-equiv="refresh"' not in response.content.decode()
        assert int(response["Retry-After"]) == downloads.FAILED_SECONDS
    assert tried == ["pdf"]
    # Cheap formats never wait.
    assert get(client, "csv").status_code == 200


def test_a_drawing_past_its_budget_is_killed(seed_doc, monkeypatch):
    import subprocess

    monkeypatch.setattr(downloads, "RENDER_BUDGET_SECONDS", 0.05)
    with pytest.raises(subprocess.TimeoutExpired):
        downloads.render_out_of_process(seed_doc, "pdf")


def test_a_child_that_fails_says_why_in_one_line(seed_doc):
    with pytest.raises(RuntimeError) as refused:
        downloads.render_out_of_process(seed_doc, "docx")
    assert "invalid choice" in str(refused.value) and "\n" not in str(refused.value)
