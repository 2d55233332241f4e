"""The year page's open-data ZIP in a real browser: the link is reachable and named, the page has
no WCAG violations with it, and a click downloads a ZIP with the year's reports (no JavaScript
needed: a plain link)."""

import io
import zipfile

import pytest

from .conftest import describe_violations

pytestmark = pytest.mark.browser


def test_the_year_page_downloads_the_years_zip(page, new_page, url, axe, screenshot, published_seed):
    assert page.goto(url("/years/2017/")).status == 200
    screenshot(page, "year-opendata-desktop")
    violations = axe(page)
    assert violations == [], describe_violations(violations)
    without_script = new_page(java_script_enabled=False)
    without_script.goto(url("/years/2017/"))
    link = without_script.get_by_role("link", name="オープンデータ（ZIP", exact=False)
    with without_script.expect_download() as info:
        link.click()
    data = open(info.value.path(), "rb").read()
    assert info.value.suggested_filename == "伊勢原市_平成29年度_オープンデータ.zip"
    assert "departments/市民生活部.csv" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_while_the_zip_is_drawn_the_page_says_so_and_the_link_then_downloads(new_page, url, axe, screenshot,
                                                                             published_seed, settings):
    """Drawn out of the request: the click shows the 503 page (no WCAG violations: no timed
    refresh), whose link brings the ZIP once it is drawn, without JavaScript."""
    from django.core.cache import cache

    from sengen.portal import downloads

    settings.SENGEN_DOWNLOADS_INLINE = False
    cache.clear()
    try:
        page = new_page()
        page.goto(url("/years/2017/"))
        page.get_by_role("link", name="オープンデータ（ZIP", exact=False).click()
        assert page.get_by_role("heading", level=1).inner_text() == "ファイルを準備しています"
        screenshot(page, "year-opendata-preparing")
        violations = axe(page)
        assert violations == [], describe_violations(violations)
        downloads.wait_for_drawings(timeout=120)
        with page.expect_download() as info:
            page.get_by_role("link", name="もう一度ダウンロードする").click()
        assert "departments/市民生活部.csv" in zipfile.ZipFile(info.value.path()).namelist()
    finally:
        downloads.wait_for_drawings(timeout=120)
        cache.clear()
