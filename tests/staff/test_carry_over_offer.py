"""次年度の目標宣言を作成する is offered only where carrying over would work (issue 12, item 5):
it was on every report, drafts included, and then failed for want of a later year or because the
department already had that year's declaration."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sengen.declarations.models import Declaration
from sengen.declarations.selectors import fiscal_years_after
from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.plans import declaration_create
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db

BUTTON = "次年度の目標宣言を作成する"


def _offered(client, declaration) -> bool:
    return BUTTON in html(client.get(reverse("staff:declaration", args=[declaration.pk])))


def test_no_later_year_no_button(login, reports):
    mine, _ = reports
    assert not _offered(login("director"), mine)


def test_a_later_year_that_already_has_the_departments_declaration_is_no_destination(login, people, reports):
    mine, _ = reports
    fy2018 = fiscal_year_open(user=people.admin, municipality=mine.fiscal_year.municipality, year=2018)
    nxt = declaration_create(user=people.director, department=people.department, fiscal_year=fy2018)
    client = login("director")
    # The next year's draft has no year after it; this year's report has none free.
    assert not _offered(client, nxt)
    assert not _offered(client, mine)
    assert not fiscal_years_after(mine).exists()
    fy2019 = fiscal_year_open(user=people.admin, municipality=mine.fiscal_year.municipality, year=2019)
    assert list(fiscal_years_after(mine)) == [fy2019]
    assert _offered(client, mine) and _offered(client, nxt)
    # The form offers only that year, and carrying over to it works.
    url = reverse("staff:declaration_carry_over", args=[mine.pk])
    page = html(client.get(url))
    assert re.findall(r'<option value="(\d+)"', page) == [str(fy2019.pk)]
    response = client.post(url, {"fiscal_year": form_fields(page)["fiscal_year"], "initiatives": []})
    assert response.status_code == 302
    assert Declaration.objects.filter(department=people.department, fiscal_year=fy2019).exists()
    assert not _offered(client, mine)


def test_only_those_who_may_carry_over_see_it(login, people, reports):
    mine, _ = reports
    fiscal_year_open(user=people.admin, municipality=mine.fiscal_year.municipality, year=2018)
    assert _offered(login("director"), mine)
    assert not _offered(login("editor"), mine)
