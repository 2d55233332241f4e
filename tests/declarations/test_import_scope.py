"""What a staff member's import may create besides the report: a director files a report only
under reference data an administrator made — a year someone opened, their own department and
city — while an administrator's import and the command line (the operator) may create them
(issue 9.6)."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import PermissionDenied

from sengen.core.eras import fiscal_year_label
from sengen.declarations.models import Declaration, Department, FiscalYear, Municipality
from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.imports import report_import

pytestmark = pytest.mark.django_db


def in_year(seed_doc: dict, year: int) -> dict:
    doc = copy.deepcopy(seed_doc)
    doc["fiscal_year"], doc["fiscal_year_label"] = year, fiscal_year_label(year)
    return doc


def test_a_directors_import_does_not_open_a_fiscal_year(people, seed_doc):
    doc = in_year(seed_doc, 2099)
    with pytest.raises(PermissionDenied, match="令和81年度はまだ開かれていません。年度を開くのは行政経営課（管理者）です"):
        report_import(doc=doc, state="draft", user=people.director)
    assert not FiscalYear.objects.filter(year=2099).exists()
    assert not Declaration.objects.exists()
    # Once an administrator has opened the year, the same import is the director's to make.
    fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2099)
    assert report_import(doc=doc, state="draft", user=people.director).declaration.fiscal_year.year == 2099
    assert FiscalYear.objects.filter(year=2099).count() == 1


def test_an_administrators_import_and_the_command_line_still_open_the_year(people, seed_doc):
    report_import(doc=in_year(seed_doc, 2098), state="draft", user=people.admin)
    report_import(doc=in_year(seed_doc, 2097))  # `sengen import`: no user, the operator
    assert set(FiscalYear.objects.values_list("year", flat=True)) == {2097, 2098}


@pytest.mark.parametrize("change", [{"department": "新設部"}, {"municipality": "架空市"}])
def test_a_directors_import_creates_no_department_and_no_city(people, seed_doc, change):
    fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2017)
    departments, cities = Department.objects.count(), Municipality.objects.count()
    with pytest.raises(PermissionDenied):
        report_import(doc=seed_doc | change, state="draft", user=people.director)
    assert (Department.objects.count(), Municipality.objects.count()) == (departments, cities)
    assert not Declaration.objects.exists()
