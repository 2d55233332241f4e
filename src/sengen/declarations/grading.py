"""Reads for judging: which grading scale a declaration is judged on, and the grade sengen
proposes for a target (core.grading decides; this finds the scale and the figures)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from sengen.core import grading

from .models import Declaration, GradingScale, Municipality, Target


def scale_for(declaration: Declaration) -> GradingScale | None:
    """The grading scale a declaration is judged on: the scale its form names (a report made
    with another form than the seed's judges on that form's scale), else its city's, else the
    configured preset."""
    if declaration.form_version_id is not None:
        code = (declaration.form_version.definition or {}).get("scale")
        scale = GradingScale.objects.filter(code=code).first() if code else None
        if scale is not None:
            return scale
    return municipality_scale(declaration.department.municipality)


def municipality_scale(municipality: Municipality | None) -> GradingScale | None:
    """A city's grading scale, else (no scale set, or no city yet) the configured preset."""
    scale = municipality.grading_scale if municipality is not None else None
    return scale or GradingScale.objects.filter(code=settings.SENGEN_GRADING_SCALE).first()


def _core_scale(scale: GradingScale) -> grading.Scale:
    return grading.Scale(scale.code, scale.name, tuple(
        grading.Grade(g.code, g.label, g.min_rate, g.evaluation) for g in scale.grades.order_by("order")))


def propose_grade_for(*, scale: GradingScale | None, evaluation: str, rate: Decimal | None) -> str:
    """The grade code sengen proposes (core.grading.propose_grade), '' when it proposes none."""
    if scale is None:
        return ""
    grade = grading.propose_grade(_core_scale(scale), evaluation=evaluation, rate=rate)
    return grade.code if grade else ""


def grade_proposal(*, target: Target, scale: GradingScale | None = None) -> str:
    """sengen's proposed grade for ``target``: the one stored when its results were saved, else
    (an imported report) one computed from its outcome now. '' when there is nothing to judge."""
    outcome = getattr(target, "outcome", None)
    if outcome is None:
        return ""
    if outcome.proposed_grade_code:
        return outcome.proposed_grade_code
    scale = scale or scale_for(target.initiative.declaration)
    return propose_grade_for(scale=scale, evaluation=outcome.evaluation, rate=outcome.achievement_rate)
