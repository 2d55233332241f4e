"""Reads the staff pages need that ``declarations/selectors.py`` does not offer yet. Kept here,
not written into the views, so the views read through functions as their docstring says; they
move into selectors.py once the services split there has landed (issue 10)."""

from __future__ import annotations

from django.db.models import QuerySet

from sengen.declarations.models import Declaration, Department, FiscalYear, Outcome, Role
from sengen.declarations.permissions import staff_of


def departments_managed(user) -> QuerySet[Department]:
    """The departments ``user`` may start a declaration for: all for administrators, their
    own for a director, none for anyone else."""
    staff = staff_of(user)
    if staff.is_administrator:
        return Department.objects.select_related("municipality").order_by("municipality__name", "name")
    if staff.role == Role.DIRECTOR:
        return Department.objects.filter(pk=staff.department_id)
    return Department.objects.none()


def fiscal_years_by_municipality() -> QuerySet[FiscalYear]:
    """Every fiscal year, each city's together, its newest first (the years page)."""
    return FiscalYear.objects.select_related("municipality").order_by("municipality__name", "-year")


def fiscal_years_newest_first() -> list[FiscalYear]:
    """Every fiscal year, the newest first across cities (the late-departments page)."""
    return list(FiscalYear.objects.select_related("municipality").order_by("-year", "municipality__name"))


def fiscal_year_get(pk: int) -> FiscalYear:
    """The fiscal year ``pk`` (``FiscalYear.DoesNotExist`` if there is none)."""
    return FiscalYear.objects.select_related("municipality").get(pk=pk)


def fiscal_years_for(departments: QuerySet[Department]) -> QuerySet[FiscalYear]:
    """The fiscal years of the cities of ``departments``, the newest first."""
    return FiscalYear.objects.filter(
        municipality__in=departments.values("municipality")).select_related("municipality").order_by("-year")


def fiscal_years_after(declaration: Declaration) -> QuerySet[FiscalYear]:
    """The later fiscal years of ``declaration``'s city, the nearest first (carrying over)."""
    return FiscalYear.objects.filter(municipality=declaration.fiscal_year.municipality_id,
                                     year__gt=declaration.fiscal_year.year).order_by("year")


def outcomes_stored(targets) -> list[Outcome | None]:
    """Each target's outcome as stored now (None where it has none), in the order of ``targets``."""
    stored = {o.target_id: o for o in Outcome.objects.filter(target__in=targets)}
    return [stored.get(t.pk) for t in targets]
