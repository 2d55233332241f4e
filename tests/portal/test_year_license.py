"""The public year page says, beside the year's ZIP, under which terms the city publishes it (its
own license, else the server's default), in Japanese and English, the city's text escaped; the
static site (`sengen site build`) carries it through the same page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sengen.declarations.models import Municipality
from sengen.declarations.services.open_data import open_data_license_save

from ..declarations.helpers import run
from ..declarations.people import make_people

pytestmark = pytest.mark.django_db

TERMS = "https://www.city.isehara.example.jp/opendata/terms.html?v=2&amp=1"


def _page(client, **headers) -> str:
    return client.get(reverse("portal:year", args=[2017]), **headers).content.decode()


def test_the_year_page_names_the_default_license_beside_the_zip(client, published):
    page = _page(client)
    zip_at, license_at = page.index(reverse("portal:year_download", args=[2017])), page.index("利用条件（ライセンス）：")
    assert 0 < license_at - zip_at < 2000
    assert ('<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">Creative Commons Attribution 4.0</a>'
            ' <span class="license__id">(CC-BY-4.0)</span>') in page
    assert "Terms of use (license):" in _page(client, HTTP_ACCEPT_LANGUAGE="en")


def test_the_citys_own_license_is_shown_escaped(client, published):
    city = Municipality.objects.get(name="伊勢原市")
    open_data_license_save(user=make_people().admin, municipality=city, title="<b>政府標準利用規約</b>（第2.0版）",
                           path=TERMS)
    page = _page(client)
    assert ('<a href="https://www.city.isehara.example.jp/opendata/terms.html?v=2&amp;amp=1" rel="license">'
            "&lt;b&gt;政府標準利用規約&lt;/b&gt;（第2.0版）</a>") in page
    assert "<b>政府標準利用規約" not in page and "Creative Commons" not in page
    english = _page(client, HTTP_ACCEPT_LANGUAGE="en")
    assert "Terms of use (license):" in english and "&lt;b&gt;政府標準利用規約&lt;/b&gt;（第2.0版）</a>" in english


def test_the_built_site_carries_it_in_both_languages(published, tmp_path):
    city = Municipality.objects.get(name="伊勢原市")
    open_data_license_save(user=make_people().admin, municipality=city, title="政府標準利用規約（第2.0版）", path=TERMS)
    site = tmp_path / "site"
    run("site", "build", str(site))
    link = ('<a href="https://www.city.isehara.example.jp/opendata/terms.html?v=2&amp;amp=1" rel="license">'
            "政府標準利用規約（第2.0版）</a>")
    ja = (site / "years/2017/index.html").read_text(encoding="utf-8")
    en = (site / "en/years/2017/index.html").read_text(encoding="utf-8")
    assert "利用条件（ライセンス）：" in ja and link in ja
    assert "Terms of use (license):" in en and link in en
