"""Grading scales are data; sengen proposes, the director decides."""

from decimal import Decimal

import pytest

from sengen.core.grading import PRESETS, propose_grade


@pytest.mark.parametrize("rate, code", [
    (Decimal("1.25"), "A"), (Decimal("1.10"), "A"), (Decimal("1.0999"), "B"), (Decimal("0.90"), "B"),
    (Decimal("0.8999"), "C"), (Decimal("0.60"), "C"), (Decimal("0.5999"), "D"), (Decimal("0"), "D"),
])
def test_abcd_bands(rate, code):
    assert propose_grade(PRESETS["abcd"], evaluation="not_evaluated", rate=rate).code == code


def test_words_scale_follows_the_reports_judgement_without_numbers():
    scale = PRESETS["three-step"]
    assert propose_grade(scale, evaluation="achieved", rate=None).code == "達成"
    assert propose_grade(scale, evaluation="partially_achieved", rate=None).code == "概ね達成"
    assert propose_grade(scale, evaluation="not_achieved", rate=None).code == "未達成"
    assert propose_grade(scale, evaluation="not_evaluated", rate=None) is None


def test_plan_scale_never_proposes_external_causes():
    scale = PRESETS["plan"]
    assert propose_grade(scale, evaluation="achieved", rate=Decimal("1.2")).code == "計画以上"
    assert propose_grade(scale, evaluation="achieved", rate=Decimal("1.0")).code == "計画通り"
    assert propose_grade(scale, evaluation="not_achieved", rate=0.985).code == "計画未満"
    assert propose_grade(scale, evaluation="not_evaluated", rate=None) is None


def test_every_preset_grade_stands_for_a_known_evaluation():
    from sengen.core.report import EVALUATIONS
    for scale in PRESETS.values():
        assert all(g.evaluation in EVALUATIONS for g in scale.grades)
        with pytest.raises(KeyError):
            scale.grade("no such grade")


def test_without_numbers_met_is_as_planned_not_beyond():
    assert propose_grade(PRESETS["plan"], evaluation="achieved", rate=None).code == "計画通り"
    assert propose_grade(PRESETS["abcd"], evaluation="achieved", rate=None).code == "B"
    assert propose_grade(PRESETS["abcd"], evaluation="not_achieved", rate=None).code == "D"
