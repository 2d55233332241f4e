"""Fixtures of the service tests (tests/declarations/conftest.py's ``people`` and ``reports`` apply here too)."""

from __future__ import annotations

import pytest

from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.plans import declaration_create


@pytest.fixture
def draft(people):
    """An empty declaration of 市民生活部 in draft, its year opened by the administrator."""
    fy = fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2024)
    return declaration_create(user=people.director, department=people.department, fiscal_year=fy)
