"""Text people wrote reaches the charts as text: a department name or unit that looks like
matplotlib's math text ("$\\foo$") is drawn as written, never parsed, and a chart that cannot
be drawn leaves the page without it instead of failing the page (issue 9.3)."""

from __future__ import annotations

import copy
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse

from sengen.declarations.services.imports import report_import
from sengen.portal import charts

from .reports import next_year

pytestmark = pytest.mark.django_db

# Invalid TeX (an unknown command, a dangling superscript), an unbalanced $, and valid TeX
# that must not turn into a formula either.
MATH_LIKE = [r"$\foo$", "$x^$", "市民$生活部", r"$\alpha$"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, re.S)


def _texts(svg: str) -> str:
    """The SVG's visible text (matplotlib writes each label as a <text> element)."""
    return unescape(" ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)))


def _with_department(doc: dict, name: str) -> dict:
    doc = copy.deepcopy(doc)
    doc["department"] = name
    return doc


@pytest.mark.parametrize("name", MATH_LIKE)
def test_the_year_chart_draws_a_math_like_department_name_as_written(client, seed_doc, name):
    report_import(doc=_with_department(seed_doc, name))
    response = client.get(reverse("portal:year", args=[2017]))
    assert response.status_code == 200
    svgs = _svgs(response.content.decode())
    assert len(svgs) == 1, "the year chart is missing"
    assert name in _texts(svgs[0])


@pytest.mark.parametrize("unit", MATH_LIKE)
def test_the_initiative_chart_draws_a_math_like_unit_as_written(client, seed_doc, unit):
    first = _with_department(seed_doc, f"部{unit}")
    first["initiatives"][1]["targets"][1]["metric"]["unit"] = unit
    first["initiatives"][1]["targets"][1]["actual"]["unit"] = unit
    later = next_year(first, actual=13210)
    later["initiatives"][1]["targets"][1]["metric"]["unit"] = unit
    later["initiatives"][1]["targets"][1]["actual"]["unit"] = unit
    report_import(doc=first)
    report_import(doc=later)
    response = client.get(reverse("portal:initiative", args=[2018, f"部{unit}", 2]))
    assert response.status_code == 200
    svgs = _svgs(response.content.decode())
    assert any(f"（{unit}）" in _texts(svg) for svg in svgs), "the chart of the target in that unit is missing"


def test_a_chart_that_cannot_be_drawn_leaves_the_year_page_without_it(client, seed_doc, monkeypatch, caplog):
    def broken(rows, **options):
        raise ValueError("Unknown symbol")

    monkeypatch.setattr(charts, "year_summary_chart", broken)
    report_import(doc=seed_doc)
    response = client.get(reverse("portal:year", args=[2017]))
    assert response.status_code == 200
    html = response.content.decode()
    assert not _svgs(html)
    assert seed_doc["department"] in html  # the table with the same numbers is there
    assert "chart broken not drawn" in caplog.text


def test_a_chart_that_cannot_be_drawn_leaves_the_initiative_page_without_it(client, seed_doc, monkeypatch):
    def broken(points, **options):
        raise ValueError("Unknown symbol")

    monkeypatch.setattr(charts, "target_series_chart", broken)
    report_import(doc=seed_doc)
    report_import(doc=next_year(seed_doc, actual=13210))
    response = client.get(reverse("portal:initiative", args=[2018, seed_doc["department"], 2]))
    assert response.status_code == 200
    assert not _svgs(response.content.decode())
