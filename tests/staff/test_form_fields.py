"""The staff pages follow the declaration's form (様式): the plan and results pages show the
fields its form has, labelled as it labels them, and hide those it lacks; a form that grades
each initiative is judged per initiative; the seed's form keeps its pages as they were."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from sengen.core.forms import form_from_dict, form_to_dict, presets
from sengen.declarations.models import Declaration, Form, FormVersion, Initiative
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.results import InitiativeJudgement, declaration_judge
from sengen.declarations.services.transitions import declaration_transition
from tests.conftest import SEED_DIR

pytestmark = pytest.mark.django_db

F2 = SEED_DIR.parent / "v2" / "f2-kankyo-achievement.json"


def f2_doc(document: str = "achievement_report") -> dict:
    """The F2 example as 市民生活部's report of the people's city, without its grades."""
    doc = json.loads(F2.read_text(encoding="utf-8"))
    doc.update(municipality="伊勢原市", department="市民生活部", fiscal_year=2017, fiscal_year_label="平成29年度",
               director={"title": "市民生活部長", "name": "見本 太郎"}, document=document)
    for initiative in doc["initiatives"]:
        initiative.pop("grade", None)
        initiative.pop("grade_reason", None)
    return doc


@pytest.fixture
def f2_report(people):
    return report_import(doc=f2_doc(), state="draft").declaration


def labels(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", label).strip().rstrip(":：") for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)]


def test_the_results_page_of_an_f2_report_has_f2s_fields_only(login, f2_report):
    initiative = f2_report.initiatives.get(number=1)
    html = login("director").get(reverse("staff:initiative_results", args=[initiative.pk])).content.decode()
    # F2's achievement report has no 取組結果 / 方向性 / 目標達成状況 columns: none is asked.
    assert not {"取組結果", "今後の取組の方向性", "目標達成状況", "方向性の区分"} & set(labels(html))
    assert 'name="results"' not in html


def test_the_plan_page_is_labelled_in_the_forms_words(login, people):
    declaration = report_import(doc=f2_doc("declaration"), state="draft").declaration
    initiative = declaration.initiatives.get(number=1)
    html = login("director").get(reverse("staff:initiative_edit", args=[initiative.pk])).content.decode()
    found = labels(html)
    assert "重点目標" in found and "目標の概要" in found and "No." in found
    assert "取組名" not in found and "担当課" not in found  # F2 has no 担当課 column
    assert "達成基準" in html  # the targets' heading


def test_a_city_form_with_v2_columns_shows_and_stores_them(login, people):
    """A form loaded by a city with 現状と課題, 方策, SDGs and a column of its own: the plan
    page asks each under its label and the service stores them."""
    definition = form_to_dict(presets()["f2-sengensha"])
    definition["code"] = "isehara-own"
    columns = definition["layouts"]["declaration"]["columns"]
    columns[2:2] = [{"label": "現状と課題", "parts": ["background"]},
                    {"label": "方策・手段", "parts": ["approach"]},
                    {"label": "SDGs", "parts": ["sdgs"]},
                    {"label": "市民の声", "parts": [{"role": "extra"}]}]
    form = form_from_dict(definition)
    stored = Form.objects.create(municipality=people.department.municipality, code="isehara-own", name="独自様式")
    FormVersion.objects.create(form=stored, version=1, definition=form_to_dict(form))
    doc = f2_doc("declaration")
    doc["form"] = {"code": "isehara-own", "version": 1}
    declaration = report_import(doc=doc, state="draft").declaration
    initiative = declaration.initiatives.get(number=1)
    client = login("director")
    url = reverse("staff:initiative_edit", args=[initiative.pk])
    html = client.get(url).content.decode()
    found = labels(html)
    assert {"現状と課題", "方策・手段", "SDGs", "市民の声"} <= set(found)
    data = {"version": initiative.version, "number": 1, "title": initiative.title,
            "content": "\n".join(initiative.content), "background": "・ごみの量が県平均より多い\n分別が難しいという声",
            "approach": "出前講座", "sdgs": "12、１１ 12", "extra_0": "講座をもっと増やしてほしい",
            "targets-TOTAL_FORMS": 1, "targets-INITIAL_FORMS": 1, "targets-MIN_NUM_FORMS": 0,
            "targets-MAX_NUM_FORMS": 1000}
    target = initiative.targets.get()
    data.update({"targets-0-id": target.pk, "targets-0-text": target.text, "targets-0-kind": target.kind,
                 "targets-0-value": target.value or "", "targets-0-unit": target.unit,
                 "targets-0-direction": target.direction or ""})
    response = client.post(url, data)
    assert response.status_code == 302, labels(response.content.decode())
    initiative.refresh_from_db()
    assert initiative.background == ["ごみの量が県平均より多い", "分別が難しいという声"]
    assert initiative.approach == ["出前講座"]
    assert initiative.sdgs == [12, 11]
    assert initiative.extra == [{"label": "市民の声", "items": ["講座をもっと増やしてほしい"]}]
    # A goal outside 1–17 is refused on the page, nothing stored.
    data["sdgs"] = "18"
    response = client.post(url, data)
    assert response.status_code == 200 and "1から17" in response.content.decode()


def test_an_f2_report_is_judged_per_initiative_and_approved(login, people, f2_report):
    client = login("director")
    url = reverse("staff:declaration_judge", args=[f2_report.pk])
    html = client.get(url).content.decode()
    initiatives = list(f2_report.initiatives.order_by("position"))
    assert f'name="initiative_grade_{initiatives[0].pk}"' in html and "達成基準どおり" in html
    assert 'name="grade_' not in html  # no per-target grade on this form
    assert "達成度" in labels(html)
    data = {"version": Declaration.objects.get(pk=f2_report.pk).version, "approve": "1",
            f"initiative_grade_{initiatives[0].pk}": "達成基準どおり",
            f"initiative_grade_{initiatives[1].pk}": "達成基準を下回る"}
    response = client.post(url, data)
    # An unmet grade needs its reason: refused, nothing stored.
    assert response.status_code == 200
    assert not Initiative.objects.filter(declaration=f2_report, grade_code__isnull=False).exists()
    data[f"initiative_reason_{initiatives[1].pk}"] = "登録団体は２団体増にとどまりました"
    response = client.post(url, data)
    assert response.status_code == 302
    f2_report.refresh_from_db()
    assert f2_report.state == "approved"
    assert [(i.grade_code, i.grade_reason) for i in f2_report.initiatives.order_by("position")] == [
        ("達成基準どおり", ""), ("達成基準を下回る", "登録団体は２団体増にとどまりました")]


def test_approving_an_initiative_graded_report_asks_for_each_initiatives_grade(people, f2_report):
    from django.core.exceptions import ValidationError

    first = f2_report.initiatives.order_by("position").first()
    declaration_judge(user=people.director, declaration=f2_report, version=f2_report.version, judgements=[],
                      initiative_judgements=[InitiativeJudgement(first.pk, "達成基準どおり")])
    with pytest.raises(ValidationError, match="評価が確定していません"):
        declaration_transition(user=people.director, declaration=f2_report, action="approve")


def test_the_seed_forms_pages_keep_their_labels(login, reports):
    mine, _ = reports
    initiative = mine.initiatives.get(number=1)
    client = login("director")
    found = labels(client.get(reverse("staff:initiative_results", args=[initiative.pk]),
                              HTTP_ACCEPT_LANGUAGE="ja").content.decode())
    assert {"取組結果", "今後の取組の方向性", "方向性の区分", "目標達成状況"} <= set(found)


def test_progress_asks_each_targets_interim_status_in_the_forms_words(login, people):
    definition = form_to_dict(presets()["f2-sengensha"])
    definition["code"] = "isehara-interim"
    definition["interim_levels"] = {"on_track": "順調です", "needs_effort": "もう一息", "at_risk": "難しい"}
    stored = Form.objects.create(municipality=people.department.municipality, code="isehara-interim", name="中間あり")
    FormVersion.objects.create(form=stored, version=1, definition=form_to_dict(form_from_dict(definition)))
    doc = f2_doc("interim_report")
    doc["form"] = {"code": "isehara-interim", "version": 1}
    declaration = report_import(doc=doc, state="draft").declaration
    initiative = declaration.initiatives.get(number=1)
    target = initiative.targets.get()
    client = login("director")
    url = reverse("staff:initiative_progress", args=[initiative.pk])
    html = client.get(url).content.decode()
    assert "順調です" in html and "もう一息" in html and f'name="interim_status_{target.pk}"' in html
    response = client.post(url, {f"interim_status_{target.pk}": "needs_effort", f"as_of_{target.pk}": "2017-10-01",
                                 f"value_{target.pk}": "", f"unit_{target.pk}": target.unit,
                                 f"comment_{target.pk}": ""})
    assert response.status_code == 302, labels(response.content.decode())
    target.refresh_from_db()
    assert target.interim_status == "needs_effort"


def test_the_seed_forms_progress_page_asks_no_interim_status(login, reports):
    mine, _ = reports
    initiative = mine.initiatives.get(number=1)
    response = login("director").get(reverse("staff:initiative_progress", args=[initiative.pk]))
    assert response.status_code == 200 and 'name="as_of_' in response.content.decode()
    assert "interim_status_" not in response.content.decode()


def test_the_declaration_page_shows_an_initiatives_grade_under_the_forms_label(login, people, f2_report):
    first = f2_report.initiatives.order_by("position").first()
    declaration_judge(user=people.director, declaration=f2_report, version=f2_report.version, judgements=[],
                      initiative_judgements=[InitiativeJudgement(first.pk, "達成基準どおり")])
    html = login("director").get(reverse("staff:declaration", args=[f2_report.pk])).content.decode()
    assert re.search(r'<strong lang="ja">達成度</strong> <span class="badge" lang="ja">達成基準どおり</span>', html)
