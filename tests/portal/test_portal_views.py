import copy
from urllib.parse import quote

import pytest
from django.urls import reverse

from sengen.declarations.services.imports import report_import

pytestmark = pytest.mark.django_db


def report_url(fiscal_year=2017, department="市民生活部"):
    return reverse("portal:report", args=[fiscal_year, department])


def test_the_index_lists_published_reports_without_login(client, seed_doc):
    report_import(doc=seed_doc)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "平成29年度" in html
    assert f'href="{report_url()}"' in html


def test_the_index_says_so_when_nothing_is_published(client):
    assert "公開されている目標宣言はまだありません" in client.get("/").content.decode()


def test_the_report_page_shows_the_official_table(client, seed_doc):
    report_import(doc=seed_doc)
    response = client.get(report_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    for header in ("取組名（担当課名）", "取組内容", "達成目標", "目標達成状況"):
        assert f'<th scope="col">{header}</th>' in html
    assert "平成２９年度末時点のくらし安心メール登録目標：１２,０００人" in html
    assert "（人権・広聴相談課）" in html
    assert "市民生活部長 竹内 克則" in html


def test_a_declaration_shows_only_the_first_four_columns(client, seed_doc):
    seed_doc["document"] = "declaration"
    for initiative in seed_doc["initiatives"]:
        initiative["results"] = initiative["future_direction"] = initiative["achievement_status"] = []
    report_import(doc=seed_doc)
    html = client.get(report_url()).content.decode()
    assert html.count('<th scope="col">') == 4


def test_work_in_progress_is_never_public(client, seed_doc):
    report_import(doc=seed_doc, state="checked")
    assert client.get(report_url()).status_code == 404
    assert "市民生活部" not in client.get("/").content.decode()


def test_an_unknown_report_is_404(client, seed_doc):
    report_import(doc=seed_doc)
    assert client.get(report_url(department="総務部")).status_code == 404
    assert client.get(report_url(fiscal_year=2016)).status_code == 404


def test_text_from_a_report_is_escaped(client, seed_doc):
    hostile = copy.deepcopy(seed_doc)
    hostile["initiatives"][0]["title"] = '<script>alert("x")</script>'
    report_import(doc=hostile)
    html = client.get(report_url()).content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_other_years_of_an_initiative_stay_in_the_city_read(client, seed_doc):
    """Two cities with the same department: the initiative page's links to its other years keep
    ?municipality=, else they led to the other city's report or to nothing (a built site then
    had no file for them)."""
    from .reports import next_year

    for city in ("伊勢原市", "架空市"):
        first = dict(seed_doc, municipality=city)
        report_import(doc=first)
        report_import(doc=dict(next_year(seed_doc, actual=13210), municipality=city))
    page = client.get(reverse("portal:initiative", args=[2017, "市民生活部", 1]), {"municipality": "架空市"})
    later = reverse("portal:initiative", args=[2018, "市民生活部", 1]) + "?municipality=" + quote("架空市")
    assert f'href="{later}"' in page.content.decode()
    assert client.get(later).status_code == 200
