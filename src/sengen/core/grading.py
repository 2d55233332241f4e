"""Grading scales: how a city judges achievement. Scales are data, not code.

A scale either maps the report's judgement (achieved / partially / not) to its own words, or
bands the achievement rate (A ≥ 110 %, …). ``propose_grade`` gives sengen's proposal;
the director confirms or overrides it with a reason, which is the service layer's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    # Inclusive lower bound of the achievement rate (1.10 = 110 %) for rate-banded grades;
    # None where the grade follows the report's judgement instead of the numbers.
    min_rate: Decimal | None
    # The evaluation this grade stands for, so grades of different scales stay comparable.
    evaluation: str


@dataclass(frozen=True)
class Scale:
    code: str
    name: str
    grades: tuple[Grade, ...]

    def grade(self, code: str) -> Grade:
        for grade in self.grades:
            if grade.code == code:
                return grade
        raise KeyError(f"scale {self.code} has no grade {code!r}; expected one of "
                       f"{', '.join(g.code for g in self.grades)}")


_D = Decimal
PRESETS: dict[str, Scale] = {
    scale.code: scale
    for scale in (
        Scale("three-step", "達成 / 概ね達成 / 未達成", (
            Grade("達成", "達成", _D("1"), "achieved"),
            Grade("概ね達成", "概ね達成", _D("0.8"), "partially_achieved"),
            Grade("未達成", "未達成", _D("0"), "not_achieved"),
        )),
        Scale("plan", "計画以上 / 計画通り / 計画未満 / 評価不能", (
            Grade("計画以上", "計画以上", _D("1.1"), "achieved"),
            Grade("計画通り", "計画通り", _D("1"), "achieved"),
            Grade("計画未満", "計画未満", _D("0"), "not_achieved"),
            # External causes: never proposed, only chosen by the director with a reason.
            Grade("評価不能", "評価不能", None, "not_evaluated"),
        )),
        Scale("abcd", "A（110%以上）/ B（90〜110%）/ C（60〜90%）/ D（60%未満）", (
            Grade("A", "A", _D("1.1"), "achieved"),
            Grade("B", "B", _D("0.9"), "achieved"),
            Grade("C", "C", _D("0.6"), "partially_achieved"),
            Grade("D", "D", _D("0"), "not_achieved"),
        )),
    )
}
DEFAULT_SCALE = "three-step"


def propose_grade(scale: Scale, *, evaluation: str, rate: Decimal | float | None) -> Grade | None:
    """The grade sengen proposes for one target, or None when there is nothing to judge.

    With a rate, the banded grades decide (the numbers are the evidence); without one, the
    report's own judgement picks the first grade that stands for it.
    """
    banded = [g for g in scale.grades if g.min_rate is not None]
    if rate is not None and banded:
        rate = Decimal(str(rate))
        for grade in sorted(banded, key=lambda g: g.min_rate, reverse=True):
            if rate >= grade.min_rate:
                return grade
        return None
    if evaluation == "not_evaluated":
        return None
    # Without numbers, words like 目標どおり say the plan was met, not exceeded: of the
    # grades standing for the evaluation, the one with the lowest bar (計画通り, not 計画以上).
    fitting = [g for g in scale.grades if g.evaluation == evaluation]
    if not fitting:
        return None
    return min(fitting, key=lambda g: (g.min_rate is None, g.min_rate or 0))
