"""After a refused save (someone else saved first), nothing the other person saved is replaced
unseen: the page shows all of what is stored now before a second save can go through, and a
page whose targets changed underneath it cannot be saved at all (its input is still shown)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sengen.declarations.models import Target
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.plans import InitiativePlan, TargetPlan, initiative_update
from sengen.declarations.services.publications import Correction, initiative_correct
from sengen.declarations.services.transitions import declaration_start_phase
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db

CONFLICT = "別の利用者が保存しました"
TARGETS_CHANGED = "この取組の達成目標は、あなたが開いた後に変わりました"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stored_panel(page: str) -> str:
    return page.split('id="stored-heading"', 1)[1].split("</section>", 1)[0]


def declaration_doc(seed_doc) -> dict:
    """The seed's initiatives and targets as the start-of-year declaration (no results yet)."""
    doc = copy.deepcopy(seed_doc)
    doc["document"] = "declaration"
    for initiative in doc["initiatives"]:
        initiative.update(results=[], future_direction=[], achievement_status=[])
        for target in initiative["targets"]:
            target.update(actual=None, achievement_rate=None, evaluation="not_evaluated")
    return doc


def test_results_saved_again_only_after_the_other_persons_figures_were_shown(people, reports):
    mine, _ = reports
    two = mine.initiatives.get(number=2)
    mail = two.targets.get(position=1)
    url = reverse("staff:initiative_results", args=[two.pk])
    director, admin = client_of(people.director), client_of(people.admin)
    director_form, admin_form = form_fields(html(director.get(url))), form_fields(html(admin.get(url)))
    admin_form |= {f"actual_value_{mail.pk}": "11900", f"unmet_reason_{mail.pk}": "管理者が確かめた理由",
                   "future_direction_category": "改善"}
    assert admin.post(url, admin_form).status_code == 302

    director_form |= {"results": "部長が書いた取組結果", f"unmet_reason_{mail.pk}": "部長の書いた理由"}
    page = html(director.post(url, director_form))
    assert CONFLICT in page and "部長が書いた取組結果" in page
    panel = stored_panel(page)
    # Everything the results form edits is shown as stored: the figure, reason and category too.
    assert "11900" in panel and "管理者が確かめた理由" in panel and "改善" in panel
    assert director.post(url, form_fields(page)).status_code == 302  # a choice made having seen it


def test_a_results_page_whose_targets_were_corrected_meanwhile_cannot_be_saved(people, seed_doc):
    mine = declaration_start_phase(user=people.admin, phase="achievement_report",
                                   declaration=report_import(doc=declaration_doc(seed_doc)).declaration)
    two = mine.initiatives.get(number=2)
    mail = two.targets.current().get(position=1)
    url = reverse("staff:initiative_results", args=[two.pk])
    director = client_of(people.director)
    form = form_fields(html(director.get(url))) | {f"actual_value_{mail.pk}": "12345",
                                                   f"unmet_reason_{mail.pk}": "周知が不足したため"}
    assert director.post(url, form).status_code == 302
    form = form_fields(html(director.get(url))) | {f"actual_value_{mail.pk}": "13000"}
    # The administrator corrects the published target's text: a new target row takes the outcome.
    two.refresh_from_db()
    initiative_correct(user=people.admin, initiative=two, version=two.version, reason="誤字の訂正",
                       correction=Correction(title=two.title, content=two.content,
                                             target_texts={mail.pk: mail.text + "（訂正）"}))
    page = html(director.post(url, form))
    assert TARGETS_CHANGED in page
    assert 'value="13000"' in page  # the input is still on the page…
    assert "12345" in stored_panel(page)  # …beside what is stored
    assert TARGETS_CHANGED in html(director.post(url, form_fields(page)))  # and it cannot be saved
    corrected = Target.objects.current().get(initiative=two, position=1)
    assert (corrected.outcome.actual_value, corrected.outcome.unmet_reason) == (Decimal(12345), "周知が不足したため")


def test_grades_are_saved_again_only_after_the_other_persons_grades_were_shown(people, reports):
    mine, _ = reports
    url = reverse("staff:declaration_judge", args=[mine.pk])
    director, admin = client_of(people.director), client_of(people.admin)
    director_form, admin_form = form_fields(html(director.get(url))), form_fields(html(admin.get(url)))
    card = Target.objects.get(initiative__declaration=mine, initiative__number=5, position=1)
    for target in Target.objects.filter(initiative__declaration=mine):
        for form in (director_form, admin_form):
            form[f"unmet_reason_{target.pk}"] = form.get(f"unmet_reason_{target.pk}") or "周知が不足したため"
            if not form[f"grade_{target.pk}"]:
                form |= {f"grade_{target.pk}": "未達成", f"override_reason_{target.pk}": "実績を示す数値がないため"}
    admin_form |= {f"grade_{card.pk}": "達成", f"override_reason_{card.pk}": "管理者の判断"}
    assert admin.post(url, admin_form).status_code == 302

    page = html(director.post(url, director_form))
    assert CONFLICT in page
    # Beside the card target's fields: the grade and reason the administrator stored.
    fieldset = page.split(card.text, 1)[1].split("</fieldset>", 1)[0]
    assert "いま保存されている評価段階" in fieldset and "達成" in fieldset and "管理者の判断" in fieldset
    card.refresh_from_db()
    assert (card.outcome.grade_code, card.outcome.grade_override_reason) == ("達成", "管理者の判断")
    assert director.post(url, form_fields(page)).status_code == 302  # a choice made having seen it


def _declaration_draft(seed_doc):
    return report_import(doc=declaration_doc(seed_doc), state="draft").declaration


def _plan(initiative, targets, changed=None) -> InitiativePlan:
    changed = changed or {}
    return InitiativePlan(
        number=initiative.number, title=initiative.title, content=initiative.content,
        section_ids=[link.section_id for link in initiative.section_links.order_by("position")],
        targets=[TargetPlan(
            id=t.pk, text=t.text, kind=t.kind, value=changed.get(t.pk, t.value), unit=t.unit, direction=t.direction,
            baseline_value=t.baseline_value, baseline_unit=t.baseline_unit, due_date=t.due_date,
            due_precision=t.due_precision) for t in targets])


def test_a_plan_page_shows_a_target_figure_changed_meanwhile_before_saving_again(people, seed_doc):
    two = _declaration_draft(seed_doc).initiatives.get(number=2)
    targets = list(two.targets.current().order_by("position", "id"))
    numeric = next(t for t in targets if t.kind == "numeric")
    url = reverse("staff:initiative_edit", args=[two.pk])
    director = client_of(people.director)
    form = form_fields(html(director.get(url))) | {"title": "部長が直した取組名"}
    initiative_update(user=people.admin, initiative=two, version=two.version,
                      plan=_plan(two, targets, {numeric.pk: Decimal(15000)}))
    page = html(director.post(url, form))
    assert CONFLICT in page and "15000" in stored_panel(page)


def test_a_plan_page_whose_target_was_removed_meanwhile_says_so_and_is_not_saved(people, seed_doc):
    two = _declaration_draft(seed_doc).initiatives.get(number=2)
    targets = list(two.targets.current().order_by("position", "id"))
    url = reverse("staff:initiative_edit", args=[two.pk])
    director = client_of(people.director)
    form = form_fields(html(director.get(url))) | {"title": "部長が直した取組名"}
    initiative_update(user=people.admin, initiative=two, version=two.version, plan=_plan(two, targets[:-1]))
    response = director.post(url, form)
    assert response.status_code == 200 and TARGETS_CHANGED in html(response)  # not a 403
    assert "部長が直した取組名" in html(response)
    assert TARGETS_CHANGED in html(director.post(url, form_fields(html(response))))
    two.refresh_from_db()
    assert two.title != "部長が直した取組名" and two.targets.current().count() == len(targets) - 1
