"""Reports for the portal's tests, all made from the seed report (the real document)."""

from __future__ import annotations

import pytest

from sengen.declarations.models import Initiative
from sengen.declarations.services.imports import report_import

from .reports import next_year


@pytest.fixture
def published(db, seed_doc):
    """The seed report, published (as `sengen demo` loads it)."""
    return report_import(doc=seed_doc).declaration


@pytest.fixture
def two_years(db, seed_doc):
    """FY2017 (the seed) and FY2018 of 市民生活部, both published; FY2018's initiative 3 carries
    FY2017's initiative 3 on under another title."""
    first = report_import(doc=seed_doc).declaration
    later_doc = next_year(seed_doc, actual=13210)
    later_doc["initiatives"][2]["title"] = "市民文化会館の改修"
    second = report_import(doc=later_doc).declaration
    Initiative.objects.filter(declaration=second, number=3).update(
        carried_from=Initiative.objects.get(declaration=first, number=3))
    return first, second
