"""Writes. Every change to the programme's data goes through a function here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sengen.core.eras import parse_iso_due
from sengen.core.report import ReportError, normalise
from sengen.core.targets import TargetAnalysis, analyse_target

from .models import (
    Declaration,
    Department,
    Evaluation,
    FiscalYear,
    Grade,
    GradingScale,
    Initiative,
    InitiativeSection,
    Municipality,
    Outcome,
    PublicationState,
    Section,
    Target,
    TargetKind,
)
from .selectors import report_document

_MAX_DECIMALS = 6  # decimal_places of the value fields
_MAX_INTEGER_DIGITS = {"value": 24 - 6, "rate": 16 - 6}


def municipality_for_report(name: str | None) -> Municipality:
    """The municipality a report is filed under.

    A report that names its city goes to that city. One that names none (text extracted from a
    PDF often doesn't) goes to ``settings.SENGEN_MUNICIPALITY`` when the installation serves one
    city, else to the "unspecified" municipality (empty name), which exports as null again.
    """
    if name is None:
        name = settings.SENGEN_MUNICIPALITY or ""
    municipality = Municipality.objects.filter(name=name).first()
    if municipality is None:
        scale = GradingScale.objects.filter(code=settings.SENGEN_GRADING_SCALE).first()
        municipality = Municipality.objects.create(name=name, grading_scale=scale)
    return municipality


def _check_length(value: str, limit: int, path: str) -> str:
    if len(value) > limit:
        raise ReportError(f"at most {limit} characters can be stored, found {len(value)}", path)
    return value


def _decimal(number: int | float | None, path: str, *, kind: str = "value") -> Decimal | None:
    """A JSON number as Decimal, refusing what the database would round or overflow: an import
    that silently changed a published figure would be worse than one that fails."""
    if number is None:
        return None
    value = Decimal(str(number))  # str(): 0.985 stays 0.985, not its binary approximation
    sign, digits, exponent = value.as_tuple()
    if exponent < -_MAX_DECIMALS:
        raise ReportError(f"at most {_MAX_DECIMALS} decimal places can be stored, found {number}", path)
    if len(digits) + exponent > _MAX_INTEGER_DIGITS[kind]:
        raise ReportError(f"number too large to store: {number}", path)
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


@transaction.atomic
def report_import(*, doc: dict[str, Any], source: str | None = None,
                  state: str = PublicationState.PUBLISHED) -> Declaration:
    """Store a ``sengen.report/1`` document as the declaration of its department and year.

    Importing the same department and year again updates that declaration — its initiatives,
    targets and outcomes are replaced by the document's — and never adds a second one.
    Initiatives are matched by number so that links to them (``carried_from``) survive.

    ``state`` defaults to published because what gets imported is a report the city already
    published (its PDF); a staff workflow that imports a draft passes ``state="draft"``.
    The returned declaration's ``import_action`` says what happened: ``"created"``,
    ``"updated"`` or ``"unchanged"`` (the same report again: no write, no new version).

    Raises ``ReportError`` (nothing stored) for a document that does not follow the format or
    holds a value the database cannot store exactly.
    """
    doc = normalise(doc)
    if state not in PublicationState.values:
        raise ValueError(f"unknown publication state {state!r}")
    _check_length(doc["department"], 200, "$.department")
    _check_length(doc["director"]["title"], 200, "$.director.title")
    _check_length(doc["director"]["name"], 200, "$.director.name")
    _check_length(doc["fiscal_year_label"], 50, "$.fiscal_year_label")
    if doc["municipality"] is not None:
        _check_length(doc["municipality"], 100, "$.municipality")

    municipality = municipality_for_report(doc["municipality"])
    fiscal_year, _ = FiscalYear.objects.get_or_create(municipality=municipality, year=doc["fiscal_year"])
    department, _ = Department.objects.get_or_create(municipality=municipality, name=doc["department"])
    title = doc["director"]["title"]
    later_exists = department.declarations.filter(fiscal_year__year__gt=fiscal_year.year).exists()
    if title and department.director_title != title and not later_exists:
        # The department's current title follows its latest year; older years keep theirs.
        department.director_title = title
        department.save(update_fields=["director_title"])

    declaration = (Declaration.objects.select_for_update()
                   .filter(department=department, fiscal_year=fiscal_year).first())
    if (declaration is not None and declaration.state == state
            and report_document(declaration=declaration) == doc):
        # Same report again (`sengen demo` twice): nothing to change, so no new version either.
        declaration.import_action = "unchanged"
        return declaration
    fields = {
        "fiscal_year_label": doc["fiscal_year_label"],
        "director_title": title,
        "director_name": doc["director"]["name"],
        "phase": doc["document"],
        "state": state,
        "source": (source or "")[:500],
    }
    published_at = timezone.now() if state == PublicationState.PUBLISHED else None
    if declaration is None:
        declaration = Declaration.objects.create(department=department, fiscal_year=fiscal_year,
                                                 published_at=published_at, **fields)
        declaration.import_action = "created"
    else:
        for name, value in fields.items():
            setattr(declaration, name, value)
        declaration.version += 1
        if state != PublicationState.PUBLISHED:
            declaration.published_at = None
        elif declaration.published_at is None:
            declaration.published_at = published_at
        declaration.save()
        declaration.import_action = "updated"

    existing = {i.number: i for i in declaration.initiatives.all()}
    wanted = {i["number"] for i in doc["initiatives"]}
    declaration.initiatives.exclude(number__in=wanted).delete()
    # Positions are unique per declaration: park the kept rows out of the way before reordering.
    offset = len(existing) + len(doc["initiatives"]) + 1
    for initiative in existing.values():
        if initiative.number in wanted:
            initiative.position += offset
            initiative.save(update_fields=["position"])

    for position, doc_initiative in enumerate(doc["initiatives"]):
        path = f"$.initiatives[{position}]"
        initiative = existing.get(doc_initiative["number"]) or Initiative(declaration=declaration)
        initiative.position = position
        initiative.number = doc_initiative["number"]
        initiative.title = doc_initiative["title"]
        initiative.content = doc_initiative["content"]
        initiative.results = doc_initiative["results"]
        initiative.future_direction = doc_initiative["future_direction"]
        initiative.achievement_status = doc_initiative["achievement_status"]
        initiative.save()
        _sections_set(initiative=initiative, department=department, names=doc_initiative["sections"], path=path)
        # Targets are replaced: the document is the whole truth about them.
        initiative.targets.update(revised_from=None)
        initiative.targets.all().delete()
        for t_position, doc_target in enumerate(doc_initiative["targets"]):
            _target_create(initiative=initiative, position=t_position, doc_target=doc_target,
                           fiscal_year=fiscal_year.year, scale=municipality.grading_scale,
                           path=f"{path}.targets[{t_position}]")
    return declaration
