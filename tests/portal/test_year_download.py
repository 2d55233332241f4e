"""The public year page offers the year's open-data ZIP; the ZIP is drawn out of the request
(503 with Retry-After, then the file, from the real child process), keyed on the year's
publications, and holds only what is published."""

from __future__ import annotations

import copy
import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse

from sengen.declarations.services.imports import report_import
from sengen.portal import downloads

pytestmark = pytest.mark.django_db


def _url(**query) -> str:
    url = reverse("portal:year_download", args=[2017])
    return url + ("?municipality=" + query["municipality"] if query else "")


def test_the_year_page_links_the_zip(client, published):
    page = client.get(reverse("portal:year", args=[2017])).content.decode()
    assert f'href="{_url()}"' in page
    assert "この年度のデータをまとめてダウンロード" in page


def test_the_zip_has_the_published_reports_under_a_japanese_name(client, published, seed_doc):
    draft = copy.deepcopy(seed_doc)
    draft["department"] = "作成中部"
    report_import(doc=draft, state="draft")
    response = client.get(_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''%E4%BC%8A%E5%8B%A2%E5%8E%9F%E5%B8%82_" in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "departments/市民生活部.csv" in names and not any("作成中部" in n for n in names)
    package = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("datapackage.json"))
    assert package["title"] == "平成29年度 伊勢原市 目標宣言・達成状況報告"


def test_a_year_or_city_with_nothing_published_is_404(client, published):
    assert client.get(reverse("portal:year_download", args=[2016])).status_code == 404
    assert client.get(_url(municipality="どこか市")).status_code == 404


class TestDrawnOutsideTheRequest:
    @pytest.fixture(autouse=True)
    def background(self, settings):
        settings.SENGEN_DOWNLOADS_INLINE = False
        cache.clear()
        yield
        downloads.wait_for_drawings(timeout=120)
        cache.clear()

    def test_503_then_the_file_then_a_new_zip_after_a_publication(self, client, published, seed_doc):
        first = client.get(_url())
        assert first.status_code == 503
        assert first["Retry-After"] == str(downloads.RETRY_AFTER_SECONDS)
        assert "ファイルを準備しています" in first.content.decode()
        downloads.wait_for_drawings(timeout=120)  # the real child: python -m sengen.renderers.opendata
        drawn = client.get(_url())
        assert drawn.status_code == 200
        assert "departments/市民生活部.xlsx" in zipfile.ZipFile(io.BytesIO(drawn.content)).namelist()
        # A new publication is another key: drawn again, not the old file.
        other = copy.deepcopy(seed_doc)
        other["department"] = "総務部"
        report_import(doc=other)
        assert client.get(_url()).status_code == 503
        downloads.wait_for_drawings(timeout=120)
        names = zipfile.ZipFile(io.BytesIO(client.get(_url()).content)).namelist()
        assert "departments/総務部.csv" in names

    def test_a_failed_drawing_says_so_and_is_not_retried(self, client, published, monkeypatch):
        tried = []

        def broken(payload):
            tried.append(1)
            raise RuntimeError("boom")

        monkeypatch.setattr(downloads, "year_zip_out_of_process", broken)
        assert client.get(_url()).status_code == 503
        downloads.wait_for_drawings(timeout=30)
        again = client.get(_url())
        assert again.status_code == 503 and "ファイルを作成できませんでした" in again.content.decode()
        assert tried == [1]

    def test_publishing_draws_the_years_zip_ahead(self, client, settings, seed_doc, monkeypatch,
                                                  django_capture_on_commit_callbacks):
        settings.SENGEN_DRAW_AHEAD = True
        monkeypatch.setattr(downloads, "render_out_of_process", lambda doc, fmt: f"drawn {fmt}".encode())
        zips = []
        monkeypatch.setattr(downloads, "year_zip_out_of_process", lambda payload: zips.append(payload) or b"PK-year")
        with django_capture_on_commit_callbacks(execute=True):
            report_import(doc=seed_doc)
        downloads.wait_for_drawings(timeout=30)
        assert len(zips) == 1 and "市民生活部" in zips[0]
        response = client.get(_url())
        assert response.status_code == 200 and response.content == b"PK-year"  # drawn ahead, not again
        assert len(zips) == 1

