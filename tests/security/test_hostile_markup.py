"""Every place where sengen itself writes markup around text people wrote (issue 9.1's audit):
the charts' SVG, inserted into the page unescaped (|safe), and the standalone HTML of a report
(also the PDF's input). Each is fed hostile text and must come out as text, exactly as written.

(The import review's help_text: tests/staff/test_import_review.py. Templates escape by
default; no template of sengen's uses |safe on anything but these charts, and no code uses
mark_safe or format_html.)"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from sengen.core.report import normalise
from sengen.declarations.services.imports import report_import
from sengen.portal import charts
from sengen.renderers import render

from .conftest import ATTRIBUTE_BREAKER, SCRIPT
from .html_check import assert_inert

META_REFRESH = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
HOSTILE = [META_REFRESH, SCRIPT, ATTRIBUTE_BREAKER, "]]><svg onload=alert(1)>", "--><script>alert(1)</script><!--",
           'id="x" url(#x)']
LABELS = {"achieved": "達成", "partially_achieved": "一部達成", "not_achieved": "未達成", "not_evaluated": "評価なし"}
SVG = "{http://www.w3.org/2000/svg}"
# Elements matplotlib never draws: any of them in a chart came from text.
FOREIGN = {"script", "foreignObject", "a", "image", "meta", "img", "iframe", "set", "animate"}


def _svg_tree(svg: str) -> ET.Element:
    """The chart parsed as XML: well-formed, and with no element that text could have made."""
    root = ET.fromstring(svg)
    tags = {element.tag.rpartition("}")[2] for element in root.iter()}
    assert not tags & FOREIGN, tags & FOREIGN
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_year_chart_writes_a_hostile_department_name_as_text(text):
    svg = charts.year_summary_chart([{"department": text, "counts": {"achieved": 2, "not_achieved": 1}}],
                                    labels=LABELS, title=f"題{text}", axis_label="件数")
    root = _svg_tree(svg)
    assert text in _texts(root)
    assert root.get("aria-label") == f"題{text}"
    assert "".join(root.find(f"{SVG}title").itertext()) == f"題{text}"
    page = assert_inert(svg)
    assert not [tag for tag, _ in page.tags if tag in ("meta", "script", "img", "foreignobject", "a")]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_target_chart_writes_a_hostile_unit_and_title_as_text(text):
    points = [{"short": "H29", "target": 12000, "actual": 11820}, {"short": "H30", "target": 13000, "actual": None}]
    svg = charts.target_series_chart(points, unit=text, title=text, target_label="目標値", actual_label="実績値",
                                     uid="series0")
    root = _svg_tree(svg)
    assert f"（{text}）" in _texts(root)
    assert root.get("aria-label") == text
    page = assert_inert(svg)
    assert not [tag for tag, _ in page.tags if tag in ("meta", "script", "img", "foreignobject", "a")]


def test_the_charts_ids_are_renamed_in_tags_only_never_in_text():
    """Each chart's ids get a prefix so two charts on a page do not clash; a department named
    like an id reference stays as written."""
    text = 'id="x" #x url(#x)'
    svg = charts.year_summary_chart([{"department": text, "counts": {"achieved": 1}}, {
        "department": "x", "counts": {"achieved": 1}}], labels=LABELS, title="t", axis_label="件数")
    root = _svg_tree(svg)
    assert text in _texts(root)
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert ids and all(i.startswith("summary-") for i in ids)
    for reference in re.findall(r'(?:xlink:href|clip-path)="(?:url\()?#([^")]+)', svg):
        assert reference in ids


@pytest.mark.django_db
def test_the_year_page_inlines_a_chart_of_hostile_department_names_inertly(client, seed_doc):
    for n, text in enumerate(HOSTILE):
        doc = copy.deepcopy(seed_doc)
        doc["department"] = f"部{n}{text}"
        report_import(doc=doc)
    response = client.get(reverse("portal:year", args=[2017]))
    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    root = _svg_tree(svg)
    for n, text in enumerate(HOSTILE):
        assert f"部{n}{text}" in _texts(root)
    page = assert_inert(html)
    assert not [attrs for tag, attrs in page.tags if tag == "meta" and "http-equiv" in attrs]
    assert not [tag for tag, _ in page.tags if tag in ("script", "img", "foreignobject")]


@pytest.mark.parametrize("text", HOSTILE + ["</title><meta http-equiv=refresh content=0;url=x>"])
def test_the_report_html_writes_hostile_text_in_every_field_as_text(seed_doc, text):
    doc = copy.deepcopy(seed_doc)
    doc["municipality"] = f"市{text}"
    doc["department"] = f"部{text}"
    doc["director"] = {"title": f"部長{text}", "name": text}
    doc["initiatives"][0]["title"] = text
    doc["initiatives"][0]["sections"] = [text]
    doc["initiatives"][0]["future_direction"] = [text]
    html = render(normalise(doc), "html").decode()
    page = assert_inert(html)
    assert [attrs.get("name") for tag, attrs in page.tags if tag == "meta"] == [None, "viewport", "author", "generator"]
    assert not [tag for tag, _ in page.tags if tag in ("script", "img", "svg", "a")]
    author = next(attrs["content"] for tag, attrs in page.tags if tag == "meta" and attrs.get("name") == "author")
    assert f"市{text}" in author and text in author
    assert page.text.count(text) >= 5
