"""The staff pages of src/sengen/staff/views/initiatives.py through Django's test client: an
initiative's plan and year-end results, what the services refuse reaching the person with their
input kept."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.plans import (
    InitiativePlan,
    TargetPlan,
    declaration_create,
    initiative_create,
)
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db


def test_two_people_saving_the_same_initiative_the_later_is_refused_and_keeps_their_text(client, people, reports):
    from django.test import Client

    mine, _ = reports
    one = mine.initiatives.get(number=1)
    url = reverse("staff:initiative_results", args=[one.pk])
    editor, director = Client(), Client()
    editor.force_login(people.editor)
    director.force_login(people.director)
    editor_form = form_fields(html(editor.get(url)))
    director_form = form_fields(html(director.get(url)))
    assert editor_form["version"] == director_form["version"]

    editor_form["results"] = "説明会を５回開催しました。"
    assert editor.post(url, editor_form).status_code == 302
    director_form["results"] = "部長が書いた取組結果の文です。"
    response = director.post(url, director_form)
    page = html(response)
    assert response.status_code == 200
    assert "別の利用者が保存しました" in page and "kyodo" in page
    assert "部長が書いた取組結果の文です。" in page  # their input is still in the form
    one.refresh_from_db()
    assert one.results == ["説明会を５回開催しました。"]
    # The page shows what the editor saved, and saving again from it is a choice made knowing it.
    stored = page.split('id="stored-heading"', 1)[1].split("</section>", 1)[0]
    assert "説明会を５回開催しました。" in stored
    assert director.post(url, form_fields(page)).status_code == 302
    one.refresh_from_db()
    assert one.results == ["部長が書いた取組結果の文です。"]


def test_an_unmet_target_without_a_reason_is_refused_on_the_results_form(login, reports):
    mine, _ = reports
    two = mine.initiatives.get(number=2)
    mail = two.targets.get(position=1)
    client = login("director")
    url = reverse("staff:initiative_results", args=[two.pk])
    data = form_fields(html(client.get(url)))
    data[f"actual_value_{mail.pk}"] = "11820"
    data[f"unmet_reason_{mail.pk}"] = ""
    page = html(client.post(url, data))
    assert "未達成の目標には理由が必要です" in page
    assert 'aria-invalid="true"' in page
    data[f"unmet_reason_{mail.pk}"] = "登録の呼びかけが年度後半になったため"
    assert client.post(url, data).status_code == 302
    mail.refresh_from_db()
    assert (mail.outcome.actual_value, mail.outcome.unmet_reason) == (Decimal(11820), "登録の呼びかけが年度後半になったため")


def test_published_text_cannot_be_edited_through_the_forms(login, people, seed_doc):
    published = report_import(doc=seed_doc).declaration
    one = published.initiatives.get(number=1)
    for role in ("editor", "director"):
        assert login(role).get(reverse("staff:initiative_results", args=[one.pk])).status_code == 403


def test_the_plan_form_reads_figures_from_a_targets_text_without_javascript(login, people):
    fy = fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2025)
    declaration = declaration_create(user=people.director, department=people.department, fiscal_year=fy)
    client = login("director")
    url = reverse("staff:initiative_new", args=[declaration.pk])
    data = form_fields(html(client.get(url)))
    data.update({"title": "防犯の推進", "targets-0-text": "令和７年度末時点のくらし安心メール登録目標：１３,０００人",
                 "propose": "1"})
    page = html(client.post(url, data))
    proposed = form_fields(page)
    assert proposed["targets-0-kind"] == "numeric"
    assert Decimal(proposed["targets-0-value"]) == 13000 and proposed["targets-0-unit"] == "人"
    assert proposed["targets-0-due_date"] == "2026-03-31"
    assert not declaration.initiatives.exists()  # reading is not saving
    proposed.pop("propose", None)
    assert client.post(url, proposed).status_code == 302
    target = declaration.initiatives.get().targets.get()
    assert (target.value, target.unit, target.text) == (Decimal(13000), "人",
                                                         "令和７年度末時点のくらし安心メール登録目標：１３,０００人")


def test_a_section_editor_edits_their_initiatives_plan_but_not_its_sections(login, people):
    fy = fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2025)
    declaration = declaration_create(user=people.director, department=people.department, fiscal_year=fy)
    item = initiative_create(user=people.director, declaration=declaration, plan=InitiativePlan(
        number=1, title="地域コミュニティの推進", section_ids=[people.section.pk],
        targets=[TargetPlan(text="住民の合意形成")]))
    client = login("editor")
    url = reverse("staff:initiative_edit", args=[item.pk])
    page = html(client.get(url))
    assert re.search(r'<input[^>]*name="sections"[^>]*disabled', page)
    data = form_fields(page)
    data["content"] = "説明会を開催します。"
    data.pop("sections", None)  # a browser sends nothing for a disabled input
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.content == ["説明会を開催します。"]
    assert [link.section for link in item.section_links.all()] == [people.section]
