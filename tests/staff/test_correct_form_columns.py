"""Correcting a published report follows its form (様式) as the plan and results pages do: the
correction page asks the sengen.report/2 columns the form has, labelled as the form labels them,
hides those it lacks (kept as stored), and the correction reaches the public document."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sengen.core.forms import form_from_dict, form_to_dict, presets
from sengen.declarations.models import Form, FormVersion
from sengen.declarations.selectors import public_document
from sengen.declarations.services.imports import report_import

from .test_form_fields import f2_doc, labels

pytestmark = pytest.mark.django_db


def _own_form_report(people, state="published"):
    definition = form_to_dict(presets()["f2-sengensha"])
    definition["code"] = "isehara-own"
    for layout in definition["layouts"].values():
        layout["columns"][2:2] = [{"label": "現状と課題", "parts": ["background"]},
                                  {"label": "方策・手段", "parts": ["approach"]},
                                  {"label": "市民の声", "parts": [{"role": "extra"}]}]
    stored = Form.objects.create(municipality=people.department.municipality, code="isehara-own", name="独自様式")
    FormVersion.objects.create(form=stored, version=1, definition=form_to_dict(form_from_dict(definition)))
    doc = f2_doc("declaration")
    doc["form"] = {"code": "isehara-own", "version": 1}
    doc["initiatives"][0].update(background=["ごみの量が多い"], approach=["出前講座"],
                                 extra=[{"label": "市民の声", "items": ["講座を増やしてほしい"]}])
    return report_import(doc=doc, state=state).declaration


def test_the_correction_page_asks_the_forms_columns_in_its_words_and_publishes_them(login, people):
    declaration = _own_form_report(people)
    initiative = declaration.initiatives.get(number=1)
    client = login("admin")
    url = reverse("staff:initiative_correct", args=[initiative.pk])
    html = client.get(url).content.decode()
    found = labels(html)
    assert {"重点目標", "目標の概要", "現状と課題", "方策・手段", "市民の声"} <= set(found), found
    assert "取組名" not in found and "取組結果" not in found and "目標達成状況" not in found
    assert "達成基準（原文）" in found
    assert "出前講座" in html and "講座を増やしてほしい" in html  # what is stored, to correct
    target = initiative.targets.get()
    data = {"version": initiative.version, "title": initiative.title, "content": "\n".join(initiative.content),
            f"target_{target.pk}": target.text, "background": "ごみの量が多い",
            "approach": "出前講座\n分別アプリの配信", "extra_0": "講座を増やしてほしい",
            "reason": "方策の書き漏れを訂正"}
    response = client.post(url, data)
    assert response.status_code == 302, labels(response.content.decode())
    initiative.refresh_from_db()
    assert initiative.approach == ["出前講座", "分別アプリの配信"]
    assert initiative.extra == [{"label": "市民の声", "items": ["講座を増やしてほしい"]}]
    published = public_document(declaration=declaration)
    assert published["initiatives"][0]["approach"] == ["出前講座", "分別アプリの配信"]
    assert re.search("分別アプリの配信", client.get(reverse("portal:report", args=[2017, "市民生活部"])).content.decode())


def test_the_seed_reports_correction_page_is_as_it_was(login, people, seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    initiative = declaration.initiatives.get(number=1)
    found = labels(login("admin").get(reverse("staff:initiative_correct", args=[initiative.pk])).content.decode())
    assert found[:2] == ["取組名", "取組内容"] and "現状と課題" not in found and "方策・手段" not in found
