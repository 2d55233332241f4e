"""Writes. Every change to the programme's data goes through a function here."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext

from sengen.core import grading, workflow
from sengen.core.assess import assess
from sengen.core.eras import fiscal_year_label, parse_iso_due
from sengen.core.limits import MAX_INITIATIVES, MAX_REPORT_CHARS, MAX_TARGETS
from sengen.core.numbers import decimal_to_json
from sengen.core.report import ReportError, normalise
from sengen.core.targets import TargetAnalysis, achievement_rate, analyse_target, meets

from . import audit, publicindex, textlimits
from .models import (
    Declaration,
    Department,
    Direction,
    DuePrecision,
    Evaluation,
    FiscalYear,
    FutureDirection,
    Grade,
    GradingScale,
    Initiative,
    InitiativeSection,
    Municipality,
    Outcome,
    Phase,
    Progress,
    Publication,
    PublicationState,
    Revision,
    Section,
    Target,
    TargetKind,
)
from .permissions import (
    Refusal,
    can_edit_initiative,
    can_import,
    can_manage,
    can_manage_department,
    can_read,
    is_administrator,
    open_to_directing,
    require,
    staff_of,
)
from .selectors import initiative_document, last_change, report_document, report_municipality

_MAX_DECIMALS = 6  # decimal_places of the value fields
_MAX_INTEGER_DIGITS = {"value": 24 - 6, "rate": 16 - 6}


def municipality_for_report(name: str | None) -> Municipality:
    """The municipality a report is filed under (``selectors.report_municipality``), created on
    the configured grading scale if it is new."""
    name = report_municipality(name)
    municipality = Municipality.objects.filter(name=name).first()
    if municipality is None:
        scale = GradingScale.objects.filter(code=settings.SENGEN_GRADING_SCALE).first()
        municipality = Municipality.objects.create(name=name, grading_scale=scale)
    return municipality


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


# ``report_import(expected_version=ANY_VERSION)``: replace whatever is stored (the command line).
ANY_VERSION = object()


@transaction.atomic
def report_import(*, doc: dict[str, Any], source: str | None = None,
                  state: str = PublicationState.PUBLISHED, user=None,
                  provenance: dict[str, dict] | None = None, expected_version=ANY_VERSION) -> Declaration:
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

    ``user`` is the staff member importing through the browser (the command line passes none):
    an administrator may import in any state; a director only their own department's report, as
    a draft, and not over one already past draft. The import is then in the audit log.

    ``provenance`` (JSON path → where the value was read, from ``parse_with_provenance``) is
    kept with the declaration; an import without it keeps what an earlier one recorded only
    if the report is unchanged.

    ``expected_version``: the version of the declaration the person was told this import
    replaces (None: that it creates one). EditConflict when what is stored is another one —
    someone saved it since, or a corrected department or year now points at another report —
    so an import never silently replaces work nobody showed them.
    """
    doc = normalise(doc)
    if state not in PublicationState.values:
        raise ValueError(f"unknown publication state {state!r}")
    if user is not None:
        _import_check(user=user, doc=doc, state=state)
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
    if expected_version is not ANY_VERSION and declaration is not None and declaration.version != expected_version:
        if expected_version is None:
            raise EditConflict(gettext(
                "この部・年度にはすでに目標宣言（%(state)s、版 %(version)s）があり、保存するとこの取込の内容で"
                "置き換わります。よければもう一度保存してください。") % {
                    "state": declaration.get_state_display(), "version": declaration.version})
        raise EditConflict(_conflict_message("declaration", declaration.pk))
    if (declaration is not None and declaration.state == state
            and report_document(declaration=declaration) == doc):
        # Same report again (`sengen demo` twice): nothing to change, so no new version either.
        if provenance and declaration.provenance != provenance:
            declaration.provenance = provenance  # the same values, read from another file
            declaration.save(update_fields=["provenance"])
        declaration.import_action = "unchanged"
        return declaration
    if user is not None and declaration is not None and not is_administrator(user) \
            and declaration.state != PublicationState.DRAFT:
        raise PermissionDenied(Refusal.IMPORT_REPLACE_IN_STATE
                               % {"state": declaration.get_state_display()})
    fields = {
        "fiscal_year_label": doc["fiscal_year_label"],
        "director_title": title,
        "director_name": doc["director"]["name"],
        "phase": doc["document"],
        "state": state,
        "source": (source or "")[:500],
        "provenance": provenance or {},
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
        if initiative.pk is not None:
            initiative.version += 1  # a staff form opened before the import must not overwrite it
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
    if state == PublicationState.PUBLISHED:
        # What the public page shows from now on (see selectors.public_document).
        publicindex.indexed(Publication.objects.create(
            declaration=declaration, phase=declaration.phase, version=declaration.version,
            document=doc, published_at=declaration.published_at or timezone.now(), published_by=user))
    if user is not None:
        _audit(user, f"declaration.import.{declaration.import_action}", declaration, source=declaration.source,
               state=state)
    return declaration


def _import_check(*, user, doc: dict[str, Any], state: str) -> None:
    if is_administrator(user):
        return
    require(can_import(user), Refusal.IMPORT)  # a director, since not an administrator
    staff = staff_of(user)
    department = Department.objects.filter(pk=staff.department_id).select_related("municipality").first()
    require(department is not None and department.name == doc["department"]
            and department.municipality.name == report_municipality(doc["municipality"]),
            Refusal.IMPORT_OWN_DEPARTMENT)
    require(state == PublicationState.DRAFT,
            Refusal.IMPORT_AS_DRAFT)
    # report_import creates the year it files a report under; a year a director's import made
    # would appear in every director's form, and opening a year is the administrators' decision
    # (fiscal_year_open). The department and the city were required to exist above.
    require(FiscalYear.objects.filter(municipality=department.municipality, year=doc["fiscal_year"]).exists(),
            Refusal.IMPORT_YEAR_NOT_OPEN
            % {"year": _year_label(doc["fiscal_year"])})


def _year_label(year: int) -> str:
    try:
        return fiscal_year_label(year)
    except ValueError:  # before 明治: no era to name it by
        return f"{year}年度"


# ---------------------------------------------------------------------------------------------
# The staff workflow. Every function takes the acting ``user``, checks the user's scope here
# (not only in templates: PermissionDenied whatever the URL or form said), and records an
# AuditEntry for what it wrote.
# ---------------------------------------------------------------------------------------------

class EditConflict(Exception):
    """Someone saved the same thing after this user opened it (optimistic locking).

    The message is for the person whose save was refused; their input is not lost: the form
    is shown again with it."""


_CLOSED_DIRECTIONS = {FutureDirection.SUSPEND, FutureDirection.COMPLETE}


_user_name = audit.user_name
_audit = audit.record


def _conflict_message(object_type: str, pk) -> str:
    last = last_change(object_type=object_type, object_id=pk)
    who = ""
    if last is not None:
        # The date's format is in the catalogue too: 2026年11月24日 10:30 / 2026-11-24 10:30.
        when = timezone.localtime(last.at).strftime(gettext("%Y年%m月%d日 %H:%M"))
        who = gettext("（%(when)sに%(name)sさんが保存）") % {"when": when,
                                                         "name": last.user_name or gettext("別の利用者")}
    # One whole sentence per kind, so that each language can word it its own way.
    text = {
        "initiative": gettext("この取組は、あなたが開いた後に別の利用者が保存しました%(who)s。"),
        "declaration": gettext("この目標宣言は、あなたが開いた後に別の利用者が保存しました%(who)s。"),
        "fiscalyear": gettext("この年度の期限は、あなたが開いた後に別の利用者が保存しました%(who)s。"),
    }[object_type]
    return (text % {"who": who}
            + gettext("あなたの入力は消えていません。最新の内容を確認し、必要なら入力し直してから保存してください。"))


def _lock_initiative(initiative: Initiative, version: int | None) -> None:
    """Claim the next version of ``initiative`` or fail if it moved on since ``version``.

    One conditional UPDATE: on PostgreSQL the second of two concurrent saves waits for the first
    to commit and then matches no row; SQLite serialises writers anyway."""
    if version is None:
        raise ValueError("version is required: state the version the user read")
    claimed = Initiative.objects.filter(pk=initiative.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise EditConflict(_conflict_message("initiative", initiative.pk))
    initiative.version = version + 1


def _bump_declaration(declaration: Declaration, version: int | None = None) -> None:
    qs = Declaration.objects.filter(pk=declaration.pk)
    if version is not None:
        qs = qs.filter(version=version)
    if not qs.update(version=F("version") + 1, updated_at=timezone.now()):
        raise EditConflict(_conflict_message("declaration", declaration.pk))
    declaration.refresh_from_db(fields=["version", "updated_at"])


def _reloaded(initiative: Initiative) -> Initiative:
    """The initiative and its declaration as the database has them now: scope and state are
    decided on the stored row, never on an object a caller may have kept since."""
    return Initiative.objects.select_related("declaration__department__municipality",
                                             "declaration__fiscal_year").get(pk=initiative.pk)


def _reloaded_declaration(declaration: Declaration, *, lock: bool = False) -> Declaration:
    qs = Declaration.objects.select_related("department__municipality", "fiscal_year")
    return (qs.select_for_update(of=("self",)) if lock else qs).get(pk=declaration.pk)


def _sync(caller: Declaration, stored: Declaration) -> Declaration:
    for name in ("phase", "state", "version", "published_at", "updated_at"):
        setattr(caller, name, getattr(stored, name))
    return stored


def _require_phase(declaration: Declaration, phase: str, what: str) -> None:
    if declaration.phase != phase:
        raise ValidationError(gettext("%(what)sは「%(phase)s」の段階でだけ入力できます（現在は「%(current)s」）")
                              % {"what": what, "phase": Phase(phase).label,
                                 "current": declaration.get_phase_display()})


def _require_editable(user, initiative: Initiative) -> None:
    declaration = initiative.declaration
    require(can_read(user, declaration), Refusal.READ_INITIATIVE)
    if declaration.state == PublicationState.PUBLISHED:
        raise PermissionDenied(str(Refusal.EDIT_PUBLISHED))
    require(can_edit_initiative(user, initiative),
            Refusal.EDIT_INITIATIVE_IN_STATE
            % {"state": declaration.get_state_display()})


def _lines(items, key: str | None = None) -> list[str]:
    """Bullets as people typed them: blank lines dropped, the text itself kept as written; refused
    (under ``key``) beyond core/limits.py, whoever the caller."""
    lines = [item.rstrip() for item in items if item and item.strip()]
    textlimits.check_lines(lines, key)
    return lines


def _check_report_size(declaration: Declaration) -> None:
    """Every line may be within its limit and the report still be one no city writes (and that
    takes minutes to draw): the report's text together is bounded too. Called after the write,
    inside its transaction, so a refusal leaves what was stored as it was."""
    total = 0
    for row in declaration.initiatives.values_list("title", "content", "results", "future_direction",
                                                   "achievement_status"):
        total += len(row[0]) + sum(len(str(item)) for items in row[1:] for item in (items or []))
    total += sum(len(text) for text in Target.objects.current().filter(initiative__declaration=declaration)
                 .values_list("text", flat=True))
    if total > MAX_REPORT_CHARS:
        raise ValidationError(gettext("報告全体の文字数が多すぎます（%(limit)s文字まで、%(total)s文字あります）")
                              % {"limit": f"{MAX_REPORT_CHARS:,}", "total": f"{total:,}"})


def scale_for(declaration: Declaration) -> GradingScale | None:
    """The grading scale a declaration is judged on: its city's, else the configured preset."""
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


# Fiscal years ---------------------------------------------------------------------------------

def _check_deadlines(declaration_due, interim_report_due, achievement_report_due) -> None:
    given = [d for d in (declaration_due, interim_report_due, achievement_report_due) if d is not None]
    if given != sorted(given):
        raise ValidationError(gettext("期限は 目標宣言 → 中間報告 → 達成状況報告 の順に設定してください"))


@transaction.atomic
def fiscal_year_open(*, user, municipality: Municipality, year: int, declaration_due: dt.date | None = None,
                     interim_report_due: dt.date | None = None,
                     achievement_report_due: dt.date | None = None) -> FiscalYear:
    """行政経営課 opens a fiscal year and sets each phase's deadline."""
    require(is_administrator(user), Refusal.OPEN_YEAR)
    _check_deadlines(declaration_due, interim_report_due, achievement_report_due)
    if FiscalYear.objects.filter(municipality=municipality, year=year).exists():
        raise ValidationError({"year": gettext("%(year)sはすでにあります") % {"year": fiscal_year_label(year)}})
    fiscal_year = FiscalYear.objects.create(
        municipality=municipality, year=year, declaration_due=declaration_due,
        interim_report_due=interim_report_due, achievement_report_due=achievement_report_due)
    _audit(user, "fiscal_year.open", fiscal_year, declaration_due=declaration_due,
           interim_report_due=interim_report_due, achievement_report_due=achievement_report_due)
    return fiscal_year


def deadlines_stamp(fiscal_year: FiscalYear) -> str:
    """The year's deadlines as stored, in one string: a form opened on them carries it back, so
    a save over deadlines someone changed since is refused (the year has no version number)."""
    return "|".join(str(getattr(fiscal_year, f) or "") for f in workflow.DEADLINE_FIELDS)


@transaction.atomic
def fiscal_year_deadlines_set(*, user, fiscal_year: FiscalYear, declaration_due: dt.date | None,
                              interim_report_due: dt.date | None,
                              achievement_report_due: dt.date | None, opened: str | None = None) -> FiscalYear:
    """Set a year's deadlines. ``opened``: the ``deadlines_stamp`` the form was opened on;
    EditConflict when they changed since (None: the caller read them in this transaction)."""
    require(is_administrator(user), Refusal.SET_DEADLINES)
    _check_deadlines(declaration_due, interim_report_due, achievement_report_due)
    caller, fiscal_year = fiscal_year, FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if opened is not None and opened != deadlines_stamp(fiscal_year):
        raise EditConflict(_conflict_message("fiscalyear", fiscal_year.pk))
    before = {f: getattr(fiscal_year, f) for f in workflow.DEADLINE_FIELDS}
    fiscal_year.declaration_due = declaration_due
    fiscal_year.interim_report_due = interim_report_due
    fiscal_year.achievement_report_due = achievement_report_due
    fiscal_year.save(update_fields=list(before))
    _audit(user, "fiscal_year.deadlines", fiscal_year, before=before,
           after={f: getattr(fiscal_year, f) for f in before})
    for name in workflow.DEADLINE_FIELDS:  # the caller's object says what is stored now
        setattr(caller, name, getattr(fiscal_year, name))
    return fiscal_year


# Declarations -----------------------------------------------------------------------------------

@transaction.atomic
def declaration_create(*, user, department: Department, fiscal_year: FiscalYear, director_title: str = "",
                       director_name: str = "") -> Declaration:
    """A new, empty declaration (draft) of ``department`` for ``fiscal_year``."""
    require(can_manage_department(user, department), Refusal.CREATE_DEPARTMENTS_DECLARATION)
    textlimits.check_text(director_title, textlimits.name, "director_title")
    textlimits.check_text(director_name, textlimits.name, "director_name")
    if fiscal_year.municipality_id != department.municipality_id:
        raise ValidationError(gettext("部と年度の自治体が異なります"))
    if Declaration.objects.filter(department=department, fiscal_year=fiscal_year).exists():
        raise ValidationError(gettext("%(year)sの%(department)sの目標宣言はすでにあります")
                              % {"year": fiscal_year.label, "department": department.name})
    declaration = Declaration.objects.create(
        department=department, fiscal_year=fiscal_year, fiscal_year_label=fiscal_year.label,
        director_title=director_title or department.director_title or f"{department.name}長",
        director_name=director_name, phase=Phase.DECLARATION, state=PublicationState.DRAFT)
    _audit(user, "declaration.create", declaration)
    return declaration


def carry_over_candidates(*, declaration: Declaration) -> list[Initiative]:
    """Initiatives worth carrying into next year: all but those whose future direction is
    休止・廃止 or 完了."""
    return [i for i in declaration.initiatives.order_by("position")
            if i.future_direction_category not in _CLOSED_DIRECTIONS]


@transaction.atomic
def declaration_carry_over(*, user, source: Declaration, fiscal_year: FiscalYear,
                           initiative_ids: list[int] | None = None) -> Declaration:
    """Start ``fiscal_year``'s declaration from ``source`` (this year's report): the chosen
    initiatives are copied with their sections and content, linked by ``carried_from``; their
    future direction is shown beside them to write the new targets from. Targets are not copied:
    a new year promises new figures."""
    source = _reloaded_declaration(source)
    require(can_manage(user, source), Refusal.CREATE_DEPARTMENTS_DECLARATION)
    if fiscal_year.year <= source.fiscal_year.year:
        raise ValidationError(gettext("引き継ぎ先は後の年度にしてください"))
    chosen = (carry_over_candidates(declaration=source) if initiative_ids is None
              else list(source.initiatives.filter(pk__in=initiative_ids).order_by("position")))
    if initiative_ids is not None and len(chosen) != len(set(initiative_ids)):
        raise PermissionDenied(gettext("この目標宣言にない取組は引き継げません"))
    declaration = declaration_create(user=user, department=source.department, fiscal_year=fiscal_year,
                                     director_title=source.director_title, director_name=source.director_name)
    for position, old in enumerate(chosen):
        new = Initiative.objects.create(declaration=declaration, position=position, number=position + 1,
                                        title=old.title, content=list(old.content), carried_from=old)
        for link in old.section_links.order_by("position"):
            InitiativeSection.objects.create(initiative=new, section=link.section, position=link.position)
    _audit(user, "declaration.carry_over", declaration, source=source.pk,
           initiatives=[i.number for i in chosen])
    return declaration


# The initiative's plan (declaration phase): title, sections, content, targets ------------------

@dataclass
class TargetPlan:
    text: str
    id: int | None = None
    kind: str = ""  # "" → proposed from the text (core.targets.analyse_target)
    value: Decimal | None = None
    unit: str = ""
    direction: str = ""
    baseline_value: Decimal | None = None
    baseline_unit: str = ""
    due_date: dt.date | None = None
    due_precision: str = ""


@dataclass
class InitiativePlan:
    number: int
    title: str
    section_ids: list[int] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    targets: list[TargetPlan] = field(default_factory=list)


def target_propose(*, text: str, fiscal_year: int | None) -> TargetPlan:
    """What sengen reads from a target's text, for staff to confirm or correct."""
    analysis = analyse_target(text, fiscal_year=fiscal_year)
    metric, baseline, due = analysis.metric, analysis.baseline, analysis.due
    return TargetPlan(
        text=text, kind=analysis.kind,
        value=Decimal(str(metric.value)) if metric else None, unit=metric.unit if metric else "",
        direction=analysis.direction or "",
        baseline_value=Decimal(str(baseline.value)) if baseline else None,
        baseline_unit=baseline.unit if baseline else "",
        due_date=due.date if due else None, due_precision=due.precision if due else "",
    )


def _target_fields(plan: TargetPlan, fiscal_year: int) -> dict[str, Any]:
    text = plan.text.strip()
    if not text:
        raise ValidationError(gettext("達成目標の文が空です"))
    textlimits.check_text(text, textlimits.line)
    if not plan.kind:
        plan = target_propose(text=text, fiscal_year=fiscal_year)
    if plan.kind not in TargetKind.values:
        raise ValidationError(gettext("目標の種類が不明です: %(kind)s") % {"kind": plan.kind})
    numeric = plan.kind == TargetKind.NUMERIC
    if numeric and plan.value is None:
        raise ValidationError(gettext("数値目標には目標値が必要です: %(text)s") % {"text": text})
    if plan.due_date is None and plan.kind == TargetKind.MILESTONE:
        raise ValidationError(gettext("期日目標には期限が必要です: %(text)s") % {"text": text})
    textlimits.check_text(plan.unit, textlimits.unit)
    textlimits.check_text(plan.baseline_unit, textlimits.unit)
    return {
        "text": text,
        "kind": plan.kind,
        "value": plan.value if numeric else None,
        "unit": plan.unit.strip()[:50] if numeric else "",
        "direction": (plan.direction or Direction.HIGHER) if numeric else None,
        "baseline_value": plan.baseline_value if numeric else None,
        "baseline_unit": plan.baseline_unit.strip()[:50] if numeric and plan.baseline_value is not None else "",
        "due_date": plan.due_date,
        "due_precision": (plan.due_precision or DuePrecision.DAY) if plan.due_date else "",
    }


def _plan_apply(*, user, initiative: Initiative, plan: InitiativePlan, may_change_sections: bool) -> None:
    declaration = initiative.declaration
    title = plan.title.strip()
    if not title:
        raise ValidationError({"title": gettext("取組名を入力してください")})
    textlimits.check_text(title, textlimits.name, "title")
    if len(plan.targets) > MAX_TARGETS:
        raise ValidationError(gettext("達成目標は1つの取組に%(limit)s件までです（%(count)s件あります）")
                              % {"limit": MAX_TARGETS, "count": len(plan.targets)})
    if declaration.initiatives.exclude(pk=initiative.pk).filter(number=plan.number).exists():
        raise ValidationError({"number": gettext("番号 %(number)s はこの目標宣言の別の取組が使っています")
                                         % {"number": plan.number}})
    initiative.number = plan.number
    initiative.title = title
    initiative.content = _lines(plan.content, "content")
    initiative.save()

    current = [link.section_id for link in initiative.section_links.order_by("position")]
    if plan.section_ids != current:
        require(may_change_sections, Refusal.CHANGE_SECTIONS)
        sections = {s.pk: s for s in Section.objects.filter(pk__in=plan.section_ids, department=declaration.department)}
        if len(sections) != len(set(plan.section_ids)):
            raise PermissionDenied(gettext("この部にない課は担当課にできません"))
        InitiativeSection.objects.filter(initiative=initiative).delete()
        for position, pk in enumerate(dict.fromkeys(plan.section_ids)):
            InitiativeSection.objects.create(initiative=initiative, section=sections[pk], position=position)

    existing = {t.pk: t for t in initiative.targets.current()}
    kept = set()
    for position, target_plan in enumerate(plan.targets):
        values = _target_fields(target_plan, declaration.fiscal_year.year)
        if target_plan.id is not None:
            target = existing.get(target_plan.id)
            if target is None:
                raise PermissionDenied(gettext("この取組にない達成目標は変更できません"))
            kept.add(target.pk)
        else:
            target = Target(initiative=initiative)
        target.position = position
        for name, value in values.items():
            setattr(target, name, value)
        target.save()
    # A target dropped while the declaration is still a draft was never promised: it goes.
    initiative.targets.filter(pk__in=set(existing) - kept).delete()
    _check_report_size(declaration)


@transaction.atomic
def initiative_create(*, user, declaration: Declaration, plan: InitiativePlan) -> Initiative:
    declaration = _reloaded_declaration(declaration)
    require(can_manage(user, declaration), Refusal.ADD_INITIATIVE)
    _require_phase(declaration, Phase.DECLARATION, gettext("取組の追加"))
    require(open_to_directing(declaration),
            Refusal.ADD_INITIATIVE_IN_STATE % {"state": declaration.get_state_display()})
    if declaration.initiatives.count() >= MAX_INITIATIVES:
        raise ValidationError(gettext("取組は1つの報告に%(limit)s件までです") % {"limit": MAX_INITIATIVES})
    position = (declaration.initiatives.aggregate(m=Max("position"))["m"] or 0) + 1
    initiative = Initiative(declaration=declaration, position=position, number=plan.number, title="")
    if declaration.initiatives.filter(number=plan.number).exists():
        raise ValidationError({"number": gettext("番号 %(number)s はこの目標宣言の別の取組が使っています")
                                         % {"number": plan.number}})
    initiative.title = plan.title.strip()
    textlimits.check_text(initiative.title, textlimits.name, "title")
    initiative.save()
    _plan_apply(user=user, initiative=initiative, plan=plan, may_change_sections=True)
    _bump_declaration(declaration)
    _audit(user, "initiative.create", initiative, after=initiative_document(initiative=initiative))
    return initiative


@transaction.atomic
def initiative_update(*, user, initiative: Initiative, version: int, plan: InitiativePlan) -> Initiative:
    """Save the initiative's plan; refused (EditConflict) when someone saved it since ``version``."""
    initiative = _reloaded(initiative)
    _require_editable(user, initiative)
    _require_phase(initiative.declaration, Phase.DECLARATION, gettext("取組名・取組内容・達成目標"))
    before = initiative_document(initiative=initiative)
    _lock_initiative(initiative, version)
    _plan_apply(user=user, initiative=initiative, plan=plan,
                may_change_sections=can_manage(user, initiative.declaration))
    _bump_declaration(initiative.declaration)
    _audit(user, "initiative.update", initiative, before=before, after=initiative_document(initiative=initiative))
    return initiative


# Interim report ----------------------------------------------------------------------------------

@dataclass
class ProgressInput:
    target_id: int
    as_of: dt.date
    value: Decimal | None = None
    unit: str = ""
    comment: str = ""


@transaction.atomic
def progress_record(*, user, initiative: Initiative, entries: list[ProgressInput]) -> list[Progress]:
    """Add interim figures for the initiative's targets. Entries are added, never overwritten,
    so there is nothing to lose to a concurrent save."""
    initiative = _reloaded(initiative)
    _require_editable(user, initiative)
    _require_phase(initiative.declaration, Phase.INTERIM_REPORT, gettext("進捗"))
    targets = {t.pk: t for t in initiative.targets.current()}
    created = []
    for entry in entries:
        target = targets.get(entry.target_id)
        if target is None:
            raise PermissionDenied(gettext("この取組にない達成目標の進捗は入力できません"))
        if entry.value is None and not entry.comment.strip():
            continue
        textlimits.check_text(entry.comment.strip(), textlimits.line, f"comment_{target.pk}")
        textlimits.check_text(entry.unit.strip(), textlimits.unit, f"unit_{target.pk}")
        fy = initiative.declaration.fiscal_year.year
        if not dt.date(fy, 4, 1) <= entry.as_of <= dt.date(fy + 1, 3, 31):
            raise ValidationError(gettext("時点は%(year)sの日付にしてください: %(date)s")
                                  % {"year": fiscal_year_label(fy), "date": entry.as_of})
        created.append(Progress.objects.create(
            target=target, value=entry.value, unit=(entry.unit or target.unit).strip()[:50],
            as_of=entry.as_of, comment=entry.comment.strip(), entered_by=user))
    if created:
        _bump_declaration(initiative.declaration)
        _audit(user, "initiative.progress", initiative, entries=[
            {"target": p.target_id, "value": p.value, "unit": p.unit, "as_of": p.as_of, "comment": p.comment}
            for p in created])
    return created


# Year-end results ---------------------------------------------------------------------------------

@dataclass
class OutcomeInput:
    target_id: int
    actual_value: Decimal | None = None
    actual_unit: str = ""
    evaluation: str = ""  # "" → judged from the numbers, else from the 目標達成状況 text
    unmet_reason: str = ""


@dataclass
class ResultsInput:
    results: list[str]
    future_direction: list[str]
    future_direction_category: str
    achievement_status: list[str]
    outcomes: list[OutcomeInput]


@transaction.atomic
def initiative_results_save(*, user, initiative: Initiative, version: int, data: ResultsInput) -> Initiative:
    """Year-end results of one initiative: 取組結果, 今後の方向性 (with its category),
    目標達成状況, and per target the actual value, the evaluation and, for an unmet target, the
    reason. sengen computes the achievement rate and proposes the grade on the city's scale;
    a change to the figures withdraws the director's earlier judgement of that target."""
    initiative = _reloaded(initiative)
    _require_editable(user, initiative)
    declaration = initiative.declaration
    _require_phase(declaration, Phase.ACHIEVEMENT_REPORT, gettext("取組結果"))
    if data.future_direction_category and data.future_direction_category not in FutureDirection.values:
        raise ValidationError({"future_direction_category": gettext("方向性の区分が不明です")})
    before = initiative_document(initiative=initiative)
    _lock_initiative(initiative, version)
    initiative.results = _lines(data.results, "results")
    initiative.future_direction = _lines(data.future_direction, "future_direction")
    initiative.future_direction_category = data.future_direction_category
    initiative.achievement_status = _lines(data.achievement_status, "achievement_status")
    initiative.save()
    _check_report_size(declaration)

    targets = list(initiative.targets.current().order_by("position", "id"))
    by_id = {t.pk: t for t in targets}
    given = {o.target_id: o for o in data.outcomes}
    if set(given) - set(by_id):
        raise PermissionDenied(gettext("この取組にない達成目標の結果は入力できません"))
    proposals = assess([t.text for t in targets], initiative.achievement_status, initiative.results,
                       fiscal_year=declaration.fiscal_year.year)
    scale = scale_for(declaration)
    errors = {}
    for target, proposal in zip(targets, proposals, strict=True):
        entry = given.get(target.pk)
        if entry is None:
            continue
        actual = entry.actual_value
        if actual is not None and target.kind != TargetKind.NUMERIC:
            errors[f"actual_value_{target.pk}"] = gettext("実績値は数値目標にだけ入力できます")
            continue
        rate = (achievement_rate(target.value, actual, target.direction)
                if actual is not None and target.value is not None else None)
        evaluation = entry.evaluation
        if not evaluation:
            if rate is not None:
                evaluation = (Evaluation.ACHIEVED if meets(target.value, actual, target.direction)
                              else Evaluation.NOT_ACHIEVED)
            else:
                evaluation = proposal["evaluation"]
        if evaluation not in Evaluation.values:
            errors[f"evaluation_{target.pk}"] = gettext("評価が不明です")
            continue
        reason = entry.unmet_reason.strip()
        try:
            textlimits.check_text(reason, textlimits.line, f"unmet_reason_{target.pk}")
            textlimits.check_text(entry.actual_unit.strip(), textlimits.unit, f"actual_unit_{target.pk}")
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if evaluation == Evaluation.NOT_ACHIEVED and not reason:
            errors[f"unmet_reason_{target.pk}"] = gettext("未達成の目標には理由が必要です: %(text)s") % {"text": target.text}
            continue
        outcome = getattr(target, "outcome", None) or Outcome(target=target)
        figures_changed = (outcome.pk is None or outcome.actual_value != actual
                           or outcome.evaluation != evaluation)
        outcome.actual_value = actual
        outcome.actual_unit = (entry.actual_unit or target.unit).strip()[:50] if actual is not None else ""
        outcome.achievement_rate = rate
        outcome.evaluation = evaluation
        outcome.unmet_reason = reason
        outcome.proposed_grade_code = propose_grade_for(scale=scale, evaluation=evaluation, rate=rate)
        if figures_changed:
            outcome.judged_at = None
            outcome.judged_by = None
        outcome.save()
    if errors:
        raise ValidationError(errors)
    _bump_declaration(declaration)
    _audit(user, "initiative.results", initiative, before=before, after=initiative_document(initiative=initiative))
    return initiative


@dataclass
class Judgement:
    target_id: int
    grade_code: str
    override_reason: str = ""
    unmet_reason: str = ""


@transaction.atomic
def declaration_judge(*, user, declaration: Declaration, version: int, judgements: list[Judgement]) -> None:
    """The director confirms or overrides sengen's proposed grade for each target. An override
    needs a reason; so does choosing a grade no number supports (評価不能), and an unmet target
    (by its evaluation or by the grade chosen) needs the reason it was not met."""
    declaration = _reloaded_declaration(declaration)
    require(can_manage(user, declaration), Refusal.JUDGE)
    _require_phase(declaration, Phase.ACHIEVEMENT_REPORT, gettext("評価"))
    require(open_to_directing(declaration),
            Refusal.JUDGE_IN_STATE % {"state": declaration.get_state_display()})
    scale = scale_for(declaration)
    if scale is None:
        raise ValidationError(gettext("評価尺度が設定されていません"))
    _bump_declaration(declaration, version)
    grades = {g.code: g for g in scale.grades.all()}
    targets = {t.pk: t for t in Target.objects.current().filter(initiative__declaration=declaration)
               .select_related("outcome")}
    errors = {}
    now = timezone.now()
    changes = []
    for judgement in judgements:
        target = targets.get(judgement.target_id)
        if target is None:
            raise PermissionDenied(gettext("この目標宣言にない達成目標は評価できません"))
        grade = grades.get(judgement.grade_code)
        if grade is None:
            errors[f"grade_{target.pk}"] = gettext("評価段階を選んでください: %(text)s") % {"text": target.text}
            continue
        outcome = getattr(target, "outcome", None) or Outcome(target=target)
        proposed = grade_proposal(target=target, scale=scale)
        override = judgement.override_reason.strip()
        try:
            textlimits.check_text(override, textlimits.line, f"override_reason_{target.pk}")
            textlimits.check_text(judgement.unmet_reason.strip(), textlimits.line, f"unmet_reason_{target.pk}")
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        needs_reason = (bool(proposed) and grade.code != proposed) or (
            grade.min_rate is None and grade.evaluation == Evaluation.NOT_EVALUATED)
        if needs_reason and not override:
            errors[f"override_reason_{target.pk}"] = (
                gettext("提案（%(proposed)s）と異なる評価「%(grade)s」には理由が必要です: %(text)s")
                % {"proposed": proposed or gettext("なし"), "grade": grade.label, "text": target.text})
            continue
        unmet = Evaluation.NOT_ACHIEVED in (outcome.evaluation, grade.evaluation)
        unmet_reason = judgement.unmet_reason.strip() or outcome.unmet_reason
        if unmet and not unmet_reason:
            errors[f"unmet_reason_{target.pk}"] = gettext("未達成の目標には理由が必要です: %(text)s") % {"text": target.text}
            continue
        changes.append({"target": target.pk, "proposed": proposed, "grade": grade.code,
                        "override_reason": override if needs_reason else ""})
        outcome.proposed_grade_code = proposed
        outcome.grade = grade
        outcome.grade_code = grade.code
        outcome.grade_override_reason = override if needs_reason else ""
        outcome.unmet_reason = unmet_reason
        outcome.judged_by = user
        outcome.judged_at = now
        outcome.save()
    if errors:
        raise ValidationError(errors)
    _audit(user, "declaration.judge", declaration, judgements=changes)


def _unjudged(declaration: Declaration) -> list[str]:
    problems = []
    for target in (Target.objects.current().filter(initiative__declaration=declaration)
                   .select_related("outcome", "initiative").order_by("initiative__position", "position")):
        outcome = getattr(target, "outcome", None)
        label = f"{target.initiative.number}. {target.text}"
        if outcome is None or outcome.judged_at is None:
            problems.append(gettext("評価が確定していません: %(target)s") % {"target": label})
        elif (Evaluation.NOT_ACHIEVED in (outcome.evaluation, getattr(outcome.grade, "evaluation", None))
              and not outcome.unmet_reason.strip()):
            problems.append(gettext("未達成の理由がありません: %(target)s") % {"target": label})
    return problems


def _snapshot(*, user, declaration: Declaration, reason: str = "", document: dict | None = None) -> Publication:
    progress = []
    if declaration.phase == Phase.INTERIM_REPORT and document is None:
        for target in (Target.objects.current().filter(initiative__declaration=declaration)
                       .select_related("initiative").order_by("initiative__position", "position")):
            latest = target.progress.order_by("-as_of", "-id").first()
            if latest is not None:
                progress.append({"number": target.initiative.number, "target": target.position,
                                 "text": target.text,
                                 "value": None if latest.value is None else decimal_to_json(latest.value),
                                 "unit": latest.unit, "as_of": latest.as_of.isoformat(),
                                 "comment": latest.comment})
    elif document is not None:
        previous = declaration.publications.latest()
        progress = list(previous.progress) if previous else []
    return publicindex.indexed(Publication.objects.create(
        declaration=declaration, phase=(document or {}).get("document", declaration.phase),
        version=declaration.version,
        document=document if document is not None else report_document(declaration=declaration),
        progress=progress, published_at=timezone.now(), published_by=user,
        reason=reason))


def transitions_allowed(*, user, declaration: Declaration) -> list[str]:
    """The workflow actions ``user`` may take on ``declaration`` now (for the buttons shown)."""
    out = []
    for action in workflow.ACTIONS:
        try:
            _transition_check(user=user, declaration=declaration, action=action)
        except (PermissionDenied, ValidationError):
            continue
        out.append(action)
    return out


def _transition_check(*, user, declaration: Declaration, action: str) -> str:
    state = declaration.state
    if action == workflow.RETURN:
        require(state in workflow.RETURNABLE, Refusal.RETURN_STATE)
        if state in workflow.RETURN_BY_ADMINISTRATOR:
            require(is_administrator(user), Refusal.RETURN_CHECKED)
        else:
            require(can_manage(user, declaration), Refusal.RETURN)
        return PublicationState.DRAFT
    if action not in workflow.TRANSITIONS:
        raise ValueError(f"unknown action {action!r}")
    transition = workflow.TRANSITIONS[action]
    target = PublicationState(transition.to)
    # Who may act comes first: someone who may not is refused (403) whatever the phase or
    # state, rather than told about a step they could never take.
    if transition.by == workflow.MANAGER:
        require(can_manage(user, declaration), Refusal.SUBMIT_OR_APPROVE)
    else:
        require(is_administrator(user), Refusal.CHECK_OR_PUBLISH)
    allowed_from = workflow.sources(declaration.phase, action)
    if not allowed_from:
        raise ValidationError(gettext("「%(phase)s」には「%(state)s」の段階はありません")
                              % {"phase": declaration.get_phase_display(), "state": target.label})
    if state not in allowed_from:
        raise ValidationError(gettext("「%(current)s」から「%(state)s」にはできません")
                              % {"current": declaration.get_state_display(), "state": target.label})
    return target


@transaction.atomic
def declaration_transition(*, user, declaration: Declaration, action: str, reason: str = "") -> Declaration:
    """Move a declaration along its phase's flow: submit → (approve) → check → publish, or return
    it to draft. Publishing records what citizens see (a Publication)."""
    caller, declaration = declaration, _reloaded_declaration(declaration, lock=True)
    require(can_read(user, declaration), Refusal.READ_DECLARATION)
    target = _transition_check(user=user, declaration=declaration, action=action)
    textlimits.check_text(reason.strip(), textlimits.line, "reason")
    if action == "approve":
        problems = _unjudged(declaration)
        if problems:
            raise ValidationError(problems)
    before = declaration.state
    declaration.state = target
    if target == PublicationState.PUBLISHED:
        declaration.published_at = timezone.now()
    declaration.save(update_fields=["state", "published_at", "updated_at"])
    if target == PublicationState.PUBLISHED:
        _snapshot(user=user, declaration=declaration)
    _audit(user, f"declaration.{action}", declaration, before=before, after=target, reason=reason.strip())
    return _sync(caller, declaration)


def declaration_submit(*, user, declaration: Declaration) -> Declaration:
    return declaration_transition(user=user, declaration=declaration, action="submit")


def declaration_approve(*, user, declaration: Declaration) -> Declaration:
    return declaration_transition(user=user, declaration=declaration, action="approve")


def declaration_check(*, user, declaration: Declaration) -> Declaration:
    return declaration_transition(user=user, declaration=declaration, action="check")


def declaration_publish(*, user, declaration: Declaration) -> Declaration:
    return declaration_transition(user=user, declaration=declaration, action="publish")


def next_phase(declaration: Declaration) -> str | None:
    return workflow.next_phase(declaration.phase)


@transaction.atomic
def declaration_start_phase(*, user, declaration: Declaration, phase: str) -> Declaration:
    """Begin the interim or year-end report of a published declaration. The live rows become a
    draft again; the public keeps reading the last publication."""
    caller, declaration = declaration, _reloaded_declaration(declaration, lock=True)
    require(can_manage(user, declaration), Refusal.START_PHASE)
    if declaration.state != PublicationState.PUBLISHED:
        raise ValidationError(gettext("次の段階は、今の段階を公開してから始めます"))
    if not workflow.is_later_phase(phase, declaration.phase):
        raise ValidationError(gettext("後の段階を選んでください"))
    if not declaration.publications.exists():
        # Published before publication records existed (an import): record it now, so the
        # public page keeps what it showed.
        _snapshot(user=user, declaration=declaration)
    before = declaration.phase
    declaration.phase = phase
    declaration.state = PublicationState.DRAFT
    declaration.save(update_fields=["phase", "state", "updated_at"])
    _audit(user, "declaration.start_phase", declaration, before=before, after=phase)
    return _sync(caller, declaration)


# Corrections of published text ------------------------------------------------------------------

@dataclass
class Correction:
    title: str
    content: list[str]
    target_texts: dict[int, str]  # target id → corrected text
    results: list[str] | None = None  # None: not corrected (only a published year-end report has them)
    future_direction: list[str] | None = None
    achievement_status: list[str] | None = None


def correctable_results(declaration: Declaration) -> bool:
    """Results columns can be corrected only while the published text is the live text."""
    return declaration.state == PublicationState.PUBLISHED and declaration.phase == Phase.ACHIEVEMENT_REPORT


@transaction.atomic
def initiative_correct(*, user, initiative: Initiative, version: int, reason: str,
                       correction: Correction) -> Revision:
    """Correct published text: a new version of the declaration, the initiative before and after
    kept with who, when and why, and a new publication for the public page."""
    initiative = _reloaded(initiative)
    declaration = initiative.declaration
    require(is_administrator(user), Refusal.CORRECT)
    latest = declaration.publications.latest()
    if latest is None and declaration.state != PublicationState.PUBLISHED:
        raise ValidationError(gettext("公開されていない目標宣言は訂正ではなく通常の編集で変更します"))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("訂正の理由を入力してください")})
    textlimits.check_text(reason, textlimits.line, "reason")
    title = correction.title.strip()
    if not title:
        raise ValidationError({"title": gettext("取組名を入力してください")})
    textlimits.check_text(title, textlimits.name, "title")
    before = initiative_document(initiative=initiative)
    _lock_initiative(initiative, version)
    initiative.title = title
    initiative.content = _lines(correction.content, "content")
    results_too = correctable_results(declaration)
    if results_too:
        for name in ("results", "future_direction", "achievement_status"):
            value = getattr(correction, name)
            if value is not None:
                setattr(initiative, name, _lines(value, name))
    initiative.save()
    targets = {t.pk: t for t in initiative.targets.current()}
    if set(correction.target_texts) - set(targets):
        raise PermissionDenied(gettext("この取組にない達成目標は訂正できません"))
    for pk, text in correction.target_texts.items():
        old = targets[pk]
        text = text.strip()
        if not text:
            raise ValidationError({f"target_{pk}": gettext("達成目標の文が空です")})
        textlimits.check_text(text, textlimits.line, f"target_{pk}")
        if text == old.text:
            continue
        # A revised target is a new row that points at the one it replaces, with the reason.
        new = Target.objects.create(
            initiative=initiative, position=old.position, text=text, kind=old.kind, value=old.value, unit=old.unit,
            direction=old.direction, baseline_value=old.baseline_value, baseline_unit=old.baseline_unit,
            due_date=old.due_date, due_precision=old.due_precision, revised_from=old, revision_reason=reason)
        Outcome.objects.filter(target=old).update(target=new)
        Progress.objects.filter(target=old).update(target=new)
    after = initiative_document(initiative=initiative)
    if after == before:
        raise ValidationError(gettext("訂正する内容がありません"))
    _check_report_size(declaration)
    _bump_declaration(declaration)
    revision = Revision.objects.create(declaration=declaration, initiative=initiative, version=declaration.version,
                                       reason=reason, before=before, after=after, user=user,
                                       user_name=_user_name(user) or "-")
    if declaration.state == PublicationState.PUBLISHED:
        document = report_document(declaration=declaration)
    else:
        # Staff are writing the next phase in the live rows: correct the published document
        # itself, changing only this initiative's plan columns.
        document = copy.deepcopy(latest.document)
        for item in document["initiatives"]:
            if item["number"] == initiative.number:
                item["title"] = after["title"]
                item["content"] = after["content"]
                for doc_target, live in zip(item["targets"], after["targets"], strict=False):
                    doc_target["text"] = live["text"]
    _snapshot(user=user, declaration=declaration, reason=reason, document=document)
    _audit(user, "initiative.correct", initiative, reason=reason, before=before, after=after,
           version=declaration.version)
    return revision
