"""A report in a city's own form (no preset, loaded from a definition as `sengen form load`
does) in a real browser: the portal page reads as that city's table on a desktop and as cards on
a phone, in its own labels, with no WCAG violations. Screenshots land in out/screenshots/."""

from __future__ import annotations

import copy
from urllib.parse import quote

import pytest

from sengen.core.forms import form_from_dict, form_to_dict
from sengen.declarations.models import Form, FormVersion, Municipality
from sengen.declarations.services.imports import report_import
from tests.test_forms_end_to_end import DEFINITION, DOC

from .conftest import describe_violations

pytestmark = pytest.mark.browser

LABELS = ("課題", "達成水準", "方策", "協働関係先", "部の目指す姿")


@pytest.fixture
def city_form_report(committed_db):
    city, _ = Municipality.objects.get_or_create(name="伊勢原市")
    stored = Form.objects.create(municipality=city, code=DEFINITION["code"], name=DEFINITION["name"])
    FormVersion.objects.create(form=stored, version=1, definition=form_to_dict(form_from_dict(DEFINITION)))
    doc = copy.deepcopy(DOC)
    doc["form"] = {"code": DEFINITION["code"], "version": 1}
    return report_import(doc=doc).declaration


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_city_forms_report_page_in_its_own_labels(new_page, url, axe, screenshot, city_form_report, device):
    page = new_page(width=390, height=844) if device == "phone" else new_page()
    response = page.goto(url(f"/reports/2017/{quote('市民生活部')}/"))
    assert response.status == 200
    screenshot(page, f"city-form-report-{device}")
    text = page.inner_text("main")
    for label in LABELS:
        assert label in text, label
    assert "空き家の相談会を年４回開く" in text and "取組内容" not in text
    violations = axe(page)
    assert violations == [], describe_violations(violations)


def test_a_city_forms_initiative_page_in_its_own_labels(new_page, url, axe, screenshot, city_form_report):
    page = new_page()
    assert page.goto(url(f"/reports/2017/{quote('市民生活部')}/1/")).status == 200
    screenshot(page, "city-form-initiative-desktop")
    text = page.inner_text("main")
    assert "方策" in text and "協働関係先" in text and "達成水準" in text and "取組内容" not in text
    violations = axe(page)
    assert violations == [], describe_violations(violations)
