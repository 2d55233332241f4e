"""The public report page of a report in another form (F2 of FAMILIES.md): its labels, preamble
and initiative grades; the seed's (sengen.report/1) page stays as it was."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from sengen.declarations.services.imports import report_import
from tests.conftest import SEED_DIR

pytestmark = pytest.mark.django_db

F2 = SEED_DIR.parent / "v2" / "f2-kankyo-achievement.json"


@pytest.fixture
def f2_report(db):
    return report_import(doc=json.loads(F2.read_text(encoding="utf-8"))).declaration


def page(client, declaration) -> str:
    url = reverse("portal:report", args=[declaration.fiscal_year.year, declaration.department.name])
    response = client.get(url, {"municipality": declaration.department.municipality.name})
    assert response.status_code == 200
    return response.content.decode()


def test_the_f2_report_page_has_its_forms_labels_preamble_and_grades(client, f2_report):
    html = page(client, f2_report)
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", head) == ["No.", "重点目標", "目標の概要", "達成基準", "達成度"]
    assert "取組名（担当課名）" not in html
    assert "平成27年度 環境部長の目標宣言 達成状況報告" in html
    assert html.index("部の使命・方針") < html.index("<table")
    assert "市民・事業者と力を合わせ、ごみの少ない循環型のまちをつくります。" in html
    assert "達成基準どおり" in html and "達成基準をやや下回る" in html
    # The initiative grades are counted in the report's tally.
    tally = html[html.index('id="grades-heading"'):html.index("</ul>", html.index('id="grades-heading"'))]
    assert "達成基準どおり" in tally and "達成基準をやや下回る" in tally
    # Each target the report leaves unjudged counts as its initiative's grade stands for, as on
    # the year page: 達成基準どおり → achieved, 達成基準をやや下回る → partly achieved.
    overview = html[html.index('id="overview-heading"'):html.index('id="grades-heading"')]
    found = dict(re.findall(r'tally__item--(\w+)".*?<strong>(\d+)</strong>', overview, re.S))
    assert sorted(found.values()) == ["0", "0", "1", "1"], found


def test_the_seed_report_page_keeps_its_six_columns(client, seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    html = page(client, declaration)
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert "取組名（担当課名）" in head and "form-table" not in html and "form-title" not in html
