"""The staff pages of src/sengen/staff/views/declarations.py through Django's test client: a
declaration's page and its actions by role, judging, checking and publishing, next year's
declaration from this year's report."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sengen.declarations.grading import grade_proposal
from sengen.declarations.models import Declaration, Revision, Target
from sengen.declarations.selectors import public_document
from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.results import Judgement, declaration_judge
from sengen.declarations.services.transitions import declaration_transition
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db


def test_the_declaration_page_shows_initiatives_and_the_actions_of_the_role(login, reports):
    mine, _ = reports
    url = reverse("staff:declaration", args=[mine.pk])
    page = html(login("director").get(url))
    assert "地域コミュニティの推進" in page and "平成２９年度末時点のくらし安心メール登録目標" in page
    # Grades unjudged: the judge page (which approves) is the one primary step; approving here
    # would be refused and submitting is what approving does at the year's end (issue 12).
    assert re.findall(r'class="(?:button )?primary"[^>]*>([^<]+)<', page) == ["評価を確定する（部長）"]
    assert "部長として承認する" not in page and "提出する" not in page
    assert "公開する" not in page


def test_an_editor_sees_the_results_link_only_for_their_sections_initiative(login, reports):
    mine, _ = reports
    page = html(login("editor").get(reverse("staff:declaration", args=[mine.pk])))
    assert "取組1の結果を入力する" in page
    assert "取組2の結果を入力する" not in page
    two = mine.initiatives.get(number=2)
    assert login("editor").get(reverse("staff:initiative_results", args=[two.pk])).status_code == 403


def test_the_director_overrides_a_grade_only_with_a_reason_and_approves(login, reports):
    mine, _ = reports
    client = login("director")
    url = reverse("staff:declaration_judge", args=[mine.pk])
    page = html(client.get(url))
    data = form_fields(page)
    card = Target.objects.get(initiative__declaration=mine, initiative__number=5, position=1)
    assert data[f"grade_{card.pk}"] == "概ね達成"  # the proposal is preselected
    for target in Target.objects.filter(initiative__declaration=mine):
        data[f"unmet_reason_{target.pk}"] = data.get(f"unmet_reason_{target.pk}") or "理由"
        if not data[f"grade_{target.pk}"]:
            data[f"grade_{target.pk}"] = "未達成"
            data[f"override_reason_{target.pk}"] = "実績を示す数値がないため"
    data[f"grade_{card.pk}"] = "達成"
    data["approve"] = "1"
    page = html(client.post(url, data))
    assert "提案（概ね達成）と異なる評価「達成」には理由が必要です" in page
    mine.refresh_from_db()
    assert mine.state == "draft"
    data[f"override_reason_{card.pk}"] = "年度末の申請分が翌月に交付されたため"
    response = client.post(url, data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == "approved"
    card.refresh_from_db()
    assert (card.outcome.grade_code, card.outcome.grade_override_reason) == ("達成", "年度末の申請分が翌月に交付されたため")


def test_administrator_checks_and_publishes_then_corrects_with_a_reason(login, people, reports):
    mine, _ = reports
    for target in Target.objects.filter(initiative__declaration=mine):
        proposal = grade_proposal(target=target)
        declaration_judge(user=people.director, declaration=mine, version=Declaration.objects.get(
            pk=mine.pk).version, judgements=[Judgement(
                target_id=target.pk, grade_code=proposal or "未達成", unmet_reason="理由",
                override_reason="" if proposal else "数値がないため")])
    declaration_transition(user=people.director, declaration=mine, action="approve")
    client = login("admin")
    for action in ("check", "publish"):
        response = client.post(reverse("staff:declaration_action", args=[mine.pk, action]))
        assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == "published"

    one = mine.initiatives.get(number=1)
    url = reverse("staff:initiative_correct", args=[one.pk])
    data = form_fields(html(client.get(url)))
    data["title"] = "地域コミュニティの推進（大田地区）"
    data["reason"] = ""
    assert "訂正の理由を入力してください" in html(client.post(url, data)) or "このフィールドは必須です" in html(
        client.post(url, data))
    data["reason"] = "地区名の記載漏れ"
    response = client.post(url, data, follow=True)
    page = html(response)
    assert "地区名の記載漏れ" in page and "訂正前" in page
    assert Revision.objects.get().before["title"] == "地域コミュニティの推進"
    assert public_document(declaration=mine)["initiatives"][0]["title"] == "地域コミュニティの推進（大田地区）"


def test_next_years_declaration_starts_from_this_years_report(login, people, reports):
    mine, _ = reports
    fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2018)
    client = login("director")
    url = reverse("staff:declaration_carry_over", args=[mine.pk])
    data = form_fields(html(client.get(url)))
    response = client.post(url, {"fiscal_year": data["fiscal_year"],
                                 "initiatives": [str(i.pk) for i in mine.initiatives.filter(number__in=[1, 2])]})
    assert response.status_code == 302
    following = Declaration.objects.get(fiscal_year__year=2018)
    assert [i.carried_from.number for i in following.initiatives.order_by("position")] == [1, 2]
    page = html(client.get(reverse("staff:initiative_edit", args=[following.initiatives.first().pk])))
    assert "前年度（平成29年度）の今後の取組の方向性" in page
