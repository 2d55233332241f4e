"""How a document's initiatives and targets become rows: the step of ``imports.report_import``
that writes them, with the checks that a value fits its column exactly (an import that silently
rounded a published figure would be worse than one that fails)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sengen.core.eras import parse_iso_due
from sengen.core.report import ReportError
from sengen.core.targets import TargetAnalysis, analyse_target

from ..models import (
    Declaration,
    Department,
    Evaluation,
    Grade,
    GradingScale,
    Initiative,
    InitiativeSection,
    Outcome,
    Section,
    Target,
    TargetKind,
)

_MAX_DECIMALS = 6  # decimal_places of the value fields


_MAX_INTEGER_DIGITS = {"value": 24 - 6, "rate": 16 - 6}


def _check_length(value: str, limit: int, path: str) -> str:
    if len(value) > limit:
        raise ReportError(f"{limit}文字までしか保存できません（{len(value)}文字あります）", path)
    return value


def _decimal(number: int | float | None, path: str, *, kind: str = "value") -> Decimal | None:
    """A JSON number as Decimal, refusing what the database would round or overflow: an import
    that silently changed a published figure would be worse than one that fails."""
    if number is None:
        return None
    value = Decimal(str(number))  # str(): 0.985 stays 0.985, not its binary approximation
    sign, digits, exponent = value.as_tuple()
    if exponent < -_MAX_DECIMALS:
        raise ReportError(f"小数点以下は{_MAX_DECIMALS}桁までしか保存できません（{number}）", path)
    if len(digits) + exponent > _MAX_INTEGER_DIGITS[kind]:
        raise ReportError(f"桁数が多すぎて保存できない数値です（{number}）", path)
    return value


def _kind(doc_target: dict, analysis: TargetAnalysis) -> str:
    # The document is authoritative for the metric (a parser or a person decided it); the text
    # analysis only tells a milestone from a qualitative target where the document has no metric.
    if doc_target["metric"] is not None:
        return TargetKind.NUMERIC
    if doc_target["due"] is not None or analysis.kind == TargetKind.MILESTONE:
        return TargetKind.MILESTONE
    return TargetKind.QUALITATIVE


def _target_create(*, initiative: Initiative, position: int, doc_target: dict, fiscal_year: int,
                   scale: GradingScale | None, path: str) -> Target:
    analysis = analyse_target(doc_target["text"], fiscal_year=fiscal_year)
    kind = _kind(doc_target, analysis)
    metric = doc_target["metric"]
    due = None
    if doc_target["due"] is not None:
        # Keep the analysis's precision when it agrees (平成30年3月31日 is a day, not 年度末).
        due = analysis.due if analysis.due_iso == doc_target["due"] else parse_iso_due(doc_target["due"])
    numeric = kind == TargetKind.NUMERIC
    baseline = analysis.baseline if numeric else None
    if baseline is not None:
        try:
            _decimal(baseline.value, path)
        except ReportError:
            baseline = None  # only a proposal read from the text: drop it rather than fail the import
    target = Target.objects.create(
        initiative=initiative,
        position=position,
        text=doc_target["text"],
        kind=kind,
        value=_decimal(metric["value"], f"{path}.metric.value") if metric else None,
        unit=_check_length(metric["unit"], 50, f"{path}.metric.unit") if metric else "",
        direction=analysis.direction if numeric else None,
        baseline_value=baseline.value if baseline else None,
        baseline_unit=baseline.unit[:50] if baseline else "",
        due_date=due.date if due else None,
        due_precision=due.precision if due else "",
        relative=doc_target["relative"],
        interim_status=doc_target["interim_status"] or "",
    )
    actual = doc_target["actual"]
    has_outcome = (actual is not None or doc_target["achievement_rate"] is not None
                   or doc_target["evaluation"] != Evaluation.NOT_EVALUATED or doc_target["grade"] is not None)
    if has_outcome:
        grade_code = doc_target["grade"]
        Outcome.objects.create(
            target=target,
            actual_value=_decimal(actual["value"], f"{path}.actual.value") if actual else None,
            actual_unit=_check_length(actual["unit"], 50, f"{path}.actual.unit") if actual else "",
            achievement_rate=_decimal(doc_target["achievement_rate"], f"{path}.achievement_rate", kind="rate"),
            evaluation=doc_target["evaluation"],
            grade_code=_check_length(grade_code, 50, f"{path}.grade") if grade_code is not None else None,
            grade=_grade_lookup(scale, grade_code),
        )
    return target


def _grade_lookup(scale: GradingScale | None, code: str | None) -> Grade | None:
    if scale is None or not code:
        return None
    return scale.grades.filter(code=code).first() or scale.grades.filter(label=code).first()


def _sections_set(*, initiative: Initiative, department: Department, names: list[str], path: str) -> None:
    InitiativeSection.objects.filter(initiative=initiative).delete()
    for position, name in enumerate(names):
        _check_length(name, 200, f"{path}.sections[{position}]")
        section, _ = Section.objects.get_or_create(department=department, name=name)
        InitiativeSection.objects.create(initiative=initiative, section=section, position=position)


_TEXT_LISTS = ("content", "results", "future_direction", "achievement_status",
               "background", "approach", "partners", "self_evaluation", "remarks", "sdgs", "plan_refs", "extra")


def _initiatives_write(declaration: Declaration, doc: dict[str, Any]) -> None:
    """The document's initiatives, matched by number (unnumbered ones by position) so that links
    to them (``carried_from``) survive; those it no longer has go."""
    stored = list(declaration.initiatives.order_by("position"))
    by_number = {i.number: i for i in stored if i.number is not None}
    by_position = {i.position: i for i in stored if i.number is None}
    matches: list[Initiative | None] = []
    for position, doc_initiative in enumerate(doc["initiatives"]):
        number = doc_initiative["number"]
        matches.append(by_number.get(number) if number is not None else by_position.get(position))
    kept = {i.pk for i in matches if i is not None}
    declaration.initiatives.exclude(pk__in=kept).delete()
    # Positions are unique per declaration: park the kept rows out of the way before reordering.
    offset = len(stored) + len(doc["initiatives"]) + 1
    for initiative in matches:
        if initiative is not None:
            initiative.position += offset
            initiative.save(update_fields=["position"])

    for position, (doc_initiative, initiative) in enumerate(zip(doc["initiatives"], matches, strict=True)):
        path = f"$.initiatives[{position}]"
        if initiative is None:
            initiative = Initiative(declaration=declaration)
        else:
            initiative.version += 1  # a staff form opened before the import must not overwrite it
        initiative.position = position
        initiative.number = doc_initiative["number"]
        initiative.title = doc_initiative["title"]
        for key in _TEXT_LISTS:
            setattr(initiative, key, doc_initiative[key])
        grade = doc_initiative["grade"]
        initiative.grade_code = _check_length(grade, 50, f"{path}.grade") if grade is not None else None
        initiative.grade_reason = doc_initiative["grade_reason"] or ""
        initiative.save()
        _sections_set(initiative=initiative, department=declaration.department, names=doc_initiative["sections"],
                      path=path)
        _targets_write(initiative, doc_initiative["targets"], fiscal_year=declaration.fiscal_year.year,
                       scale=declaration.department.municipality.grading_scale, path=path)


def _targets_write(initiative: Initiative, doc_targets: list[dict], *, fiscal_year: int,
                   scale: GradingScale | None, path: str) -> None:
    # Targets are replaced: the document is the whole truth about them.
    initiative.targets.update(revised_from=None)
    initiative.targets.all().delete()
    for t_position, doc_target in enumerate(doc_targets):
        _target_create(initiative=initiative, position=t_position, doc_target=doc_target,
                       fiscal_year=fiscal_year, scale=scale, path=f"{path}.targets[{t_position}]")
