"""``grading``: the scales sengen judges on."""

from __future__ import annotations

import pytest

from sengen.core.grading import PRESETS
from sengen.declarations.models import Grade, GradingScale

pytestmark = pytest.mark.django_db


def test_the_grading_presets_are_in_the_database():
    assert set(GradingScale.objects.values_list("code", flat=True)) >= set(PRESETS)
    for code, scale in PRESETS.items():
        grades = list(Grade.objects.filter(scale__code=code).order_by("order"))
        assert [(g.code, g.min_rate, g.evaluation) for g in grades] == [
            (g.code, g.min_rate, g.evaluation) for g in scale.grades
        ]
