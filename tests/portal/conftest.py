"""Reports for the portal's tests, all made from the seed report (the real document)."""

from __future__ import annotations

import copy

import pytest

from sengen.declarations.models import Initiative
from sengen.declarations.services import report_import


def next_year(doc: dict, *, actual: int, target: int = 13000) -> dict:
    """The seed report as its department's FY2018 report: same initiatives, initiative 2's
    registration target raised and met."""
    later = copy.deepcopy(doc)
    later["fiscal_year"], later["fiscal_year_label"] = 2018, "平成30年度"
    registrations = later["initiatives"][1]["targets"][1]
    registrations.update({
        "text": f"平成３０年度末時点のくらし安心メール登録目標：{target:,}人".translate(
            str.maketrans("0123456789", "０１２３４５６７８９")),
        "metric": {"value": target, "unit": "人"},
        "due": "2019-03-31",
        "actual": {"value": actual, "unit": "人"},
        "achievement_rate": round(actual / target, 4),
        "evaluation": "achieved" if actual >= target else "not_achieved",
    })
    return later


@pytest.fixture
def published(db, seed_doc):
    """The seed report, published (as `sengen demo` loads it)."""
    return report_import(doc=seed_doc)


@pytest.fixture
def two_years(db, seed_doc):
    """FY2017 (the seed) and FY2018 of 市民生活部, both published; FY2018's initiative 3 carries
    FY2017's initiative 3 on under another title."""
    first = report_import(doc=seed_doc)
    later_doc = next_year(seed_doc, actual=13210)
    later_doc["initiatives"][2]["title"] = "市民文化会館の改修"
    second = report_import(doc=later_doc)
    Initiative.objects.filter(declaration=second, number=3).update(
        carried_from=Initiative.objects.get(declaration=first, number=3))
    return first, second
