"""``services.fiscal_years``: the deadlines a year is given, and the late-departments dashboard
that reads them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sengen.declarations.models import Department
from sengen.declarations.selectors import late_departments
from sengen.declarations.services.fiscal_years import fiscal_year_deadlines_set
from sengen.declarations.services.transitions import declaration_transition

from ..helpers import judge_all

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_departments_late_for_a_phase(people, reports):
    mine, other = reports  # both year-end reports in draft
    fy = mine.fiscal_year
    fiscal_year_deadlines_set(user=people.admin, fiscal_year=fy, declaration_due=dt.date(2017, 4, 30),
                              interim_report_due=dt.date(2017, 10, 31), achievement_report_due=dt.date(2018, 5, 31))
    judge_all(people.director, mine)
    declaration_transition(user=people.director, declaration=mine, action="approve")
    late = late_departments(user=people.admin, fiscal_year=fy, today=dt.date(2018, 6, 1))
    assert [(row.department.name, row.phase, row.days_late) for row in late] == [
        ("総務部", "achievement_report", 1)]
    assert late[0].state_label == "達成状況報告・作成中"
    # Before the deadline nobody is late; a department without a declaration is late for all.
    assert late_departments(user=people.admin, fiscal_year=fy, today=dt.date(2018, 5, 31)) == []
    Department.objects.create(municipality=fy.municipality, name="消防本部")
    late = late_departments(user=people.admin, fiscal_year=fy, today=dt.date(2017, 11, 1))
    assert [(row.department.name, row.phase) for row in late] == [
        ("消防本部", "declaration"), ("消防本部", "interim_report")]
    with pytest.raises(PermissionDenied):
        late_departments(user=people.director, fiscal_year=fy, today=dt.date(2018, 6, 1))
