"""The declaration page guides (issue 12.4): what the report lacks is listed above the step
forward, which goes only with the box ticked; an initiative without a target offers the way to
add one; after submitting, the director's page offers only the way back."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sengen.declarations.models import PublicationState
from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.plans import declaration_create, initiative_create
from tests.declarations.helpers import fresh, plan
from tests.staff.pages import html

pytestmark = pytest.mark.django_db


def _primary(page: str) -> list[str]:
    actions = page[page.index('<div class="actions">'):page.index("<h2>")]
    return re.findall(r'class="(?:button )?primary"[^>]*>([^<]+)<', actions)


@pytest.fixture
def declaration(people):
    """市民生活部's declaration in draft: one initiative with a target, one without."""
    fy = fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2024)
    declaration = declaration_create(user=people.director, department=people.department, fiscal_year=fy)
    initiative_create(user=people.director, declaration=declaration, plan=plan())
    initiative_create(user=people.director, declaration=declaration, plan=plan(number=2, title="前年度から", targets=[]))
    return declaration


def test_submitting_an_incomplete_declaration_needs_the_box_ticked(login, declaration):
    client = login("director")
    url = reverse("staff:declaration", args=[declaration.pk])
    page = html(client.get(url))
    assert "まだ入力されていないもの" in page and "達成目標がありません: 2. 前年度から" in page
    assert _primary(page) == ["提出する"]
    two = declaration.initiatives.get(number=2)
    assert f'href="/staff/initiatives/{two.pk}/edit/#targets"' in page and "取組2に達成目標を追加する" in page

    submit = reverse("staff:declaration_action", args=[declaration.pk, "submit"])
    page = html(client.post(submit, follow=True))
    assert "不足を確認して進める" in page and fresh(declaration).state == PublicationState.DRAFT

    page = html(client.post(submit, {"confirm_incomplete": "on"}, follow=True))
    assert fresh(declaration).state == PublicationState.SUBMITTED
    # Submitted: the director may only take it back; nothing is urged, no edit link offered.
    assert _primary(page) == [] and "作成中に戻す" in page
    assert "取組1を編集する" not in page and "取組2に達成目標を追加する" not in page


def test_the_office_sees_one_primary_step_on_a_submitted_declaration(login, declaration):
    declaration.state = PublicationState.SUBMITTED
    declaration.save(update_fields=["state"])
    page = html(login("admin").get(reverse("staff:declaration", args=[declaration.pk])))
    assert _primary(page) == ["確認済みにする"]
    for role in ("viewer", "editor"):
        page = html(login(role).get(reverse("staff:declaration", args=[declaration.pk])))
        assert _primary(page) == [] and "確認済みにする" not in page and "作成中に戻す" not in page


def test_a_director_opening_an_edit_page_after_submitting_is_told_the_way_back(login, declaration):
    declaration.state = PublicationState.SUBMITTED
    declaration.save(update_fields=["state"])
    one = declaration.initiatives.get(number=1)
    client = login("director")
    for url in (reverse("staff:initiative_edit", args=[one.pk]), reverse("staff:initiative_new", args=[declaration.pk])):
        response = client.get(url)
        assert response.status_code == 403
        assert "「作成中に戻す」で作成中に戻してください" in response.content.decode(), url
    # Another department's director is refused for who they are, not told a way back.
    response = login("other_director").get(reverse("staff:initiative_edit", args=[one.pk]))
    assert response.status_code in (403, 404) and "作成中に戻す" not in response.content.decode()
