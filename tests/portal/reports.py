"""Reports made from the seed report, for tests that need more than one year."""

from __future__ import annotations

import copy


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
