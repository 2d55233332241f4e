"""Reads. Views, commands and the API get their data from functions here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext

from sengen.core import report_v2, workflow
from sengen.core.numbers import decimal_to_json
from sengen.core.report import SCHEMA, SCHEMA_V2, normalise

from .forms import default_form_code
from .models import (
    AuditEntry,
    Declaration,
    Department,
    Evaluation,
    FiscalYear,
    FormVersion,
    FutureDirection,
    Initiative,
    InitiativeSection,
    Outcome,
    Phase,
    Progress,
    PublicationState,
    Revision,
    Role,
    Target,
)
from .permissions import Refusal, can_oversee, can_read, is_administrator, require, staff_of, transition_to


class DeclarationNotFound(LookupError):
    """No single declaration matches; ``str()`` is one line that says what was looked for."""


def declaration_get(*, fiscal_year: int, department: str, municipality: str | None = None,
                    queryset: QuerySet[Declaration] | None = None) -> Declaration:
    """The declaration of ``department`` for ``fiscal_year``.

    ``municipality`` may be left out while only one city has such a department; with several it
    must be given. ``queryset`` narrows the search (``Declaration.objects.published()`` for
    public pages)."""
    qs = (queryset if queryset is not None else Declaration.objects.all()).filter(
        fiscal_year__year=fiscal_year, department__name=department,
    ).select_related("department__municipality", "fiscal_year")
    if municipality is not None:
        qs = qs.filter(department__municipality__name=municipality)
    found = list(qs[:2])
    where = f"{municipality}の" if municipality else ""
    if not found:
        raise DeclarationNotFound(f"{where}{fiscal_year}年度の「{department}」の目標宣言・報告は登録されていません")
    if len(found) > 1:
        cities = "、".join(str(d.department.municipality) for d in qs)
        raise DeclarationNotFound(
            f"{fiscal_year}年度の「{department}」は複数の自治体にあります（{cities}）: 自治体を指定してください"
        )
    return found[0]


def report_municipality(name: str | None) -> str:
    """The name of the city a report is filed under. A report that names its city goes to that
    city; one that names none (text extracted from a PDF often doesn't) to
    ``settings.SENGEN_MUNICIPALITY`` when the installation serves one city, else to the
    "unspecified" municipality (empty name), which exports as null again."""
    from django.conf import settings

    return name if name is not None else (settings.SENGEN_MUNICIPALITY or "")


def declaration_for_report(doc: dict[str, Any]) -> Declaration | None:
    """The declaration a ``sengen.report/1`` document would be stored as (``report_import``
    updates it), or None when storing it would create one."""
    return (Declaration.objects.filter(department__municipality__name=report_municipality(doc.get("municipality")),
                                       fiscal_year__year=doc["fiscal_year"], department__name=doc["department"])
            .select_related("department__municipality", "fiscal_year").first())


def _quantity(value, unit: str) -> dict | None:
    if value is None:
        return None
    return {"value": decimal_to_json(value), "unit": unit}


def _target_document(target: Target) -> dict[str, Any]:
    outcome = getattr(target, "outcome", None)
    due = target.due
    return {
        "text": target.text,
        "metric": _quantity(target.value, target.unit),
        "due": due.iso if due else None,
        "actual": _quantity(outcome.actual_value, outcome.actual_unit) if outcome else None,
        "achievement_rate": (decimal_to_json(outcome.achievement_rate)
                             if outcome and outcome.achievement_rate is not None else None),
        "evaluation": outcome.evaluation if outcome else Evaluation.NOT_EVALUATED.value,
        "grade": outcome.grade_code if outcome else None,
        # sengen.report/2 (report_document drops these when they are at their defaults)
        "relative": target.relative,
        "interim_status": target.interim_status or None,
    }


def declaration_with_report(*, declaration: Declaration) -> Declaration:
    """The declaration with everything its document needs loaded in a fixed number of queries."""
    return (Declaration.objects
            .select_related("department__municipality", "fiscal_year", "form_version__form")
            .prefetch_related(
                Prefetch("initiatives", queryset=Initiative.objects.order_by("position").prefetch_related(
                    Prefetch("section_links", queryset=InitiativeSection.objects.select_related("section")
                             .order_by("position")),
                    Prefetch("targets", queryset=Target.objects.current().select_related("outcome")
                             .order_by("position", "id")),
                )),
            )
            .get(pk=declaration.pk))


def _initiative_document(initiative: Initiative) -> dict[str, Any]:
    return {
        "number": initiative.number,
        "title": initiative.title,
        "sections": [link.section.name for link in initiative.section_links.all()],
        "content": list(initiative.content),
        "targets": [_target_document(t) for t in initiative.targets.all()],
        "results": list(initiative.results),
        "future_direction": list(initiative.future_direction),
        "achievement_status": list(initiative.achievement_status),
        # sengen.report/2
        "background": list(initiative.background),
        "approach": list(initiative.approach),
        "partners": list(initiative.partners),
        "self_evaluation": list(initiative.self_evaluation),
        "remarks": list(initiative.remarks),
        "grade": initiative.grade_code or None,
        "grade_reason": initiative.grade_reason or None,
        "sdgs": list(initiative.sdgs),
        "plan_refs": list(initiative.plan_refs),
        "extra": list(initiative.extra),
    }


def _fits_v1(initiative: dict[str, Any]) -> bool:
    """Whether an initiative built from rows says nothing /1 cannot (``report_v2._misfit``'s test)."""
    return (initiative["number"] is not None
            and all(initiative[key] == default for key, default in report_v2.INITIATIVE_DEFAULTS.items())
            and all(t[key] == default for t in initiative["targets"]
                    for key, default in report_v2.TARGET_DEFAULTS.items()))


def _v1_initiative(initiative: dict[str, Any]) -> dict[str, Any]:
    out = {key: value for key, value in initiative.items() if key not in report_v2.INITIATIVE_DEFAULTS}
    out["targets"] = [{key: value for key, value in t.items() if key not in report_v2.TARGET_DEFAULTS}
                      for t in initiative["targets"]]
    return out


def _simplest(doc: dict[str, Any]) -> dict[str, Any]:
    """``core.report.simplest`` of a full /2 ``doc`` built from rows, normalising once: a report
    /1 can say (every report stored before forms, the seed) is built and checked as /1 exactly as
    before, at the same cost; anything else is normalised as /2."""
    if (all(doc[key] == default for key, default in report_v2.TOP_DEFAULTS.items())
            and all(_fits_v1(i) for i in doc["initiatives"])):
        v1 = {key: value for key, value in doc.items() if key not in report_v2.TOP_DEFAULTS}
        v1["initiatives"] = [_v1_initiative(i) for i in doc["initiatives"]]
        return normalise(dict(v1, schema=SCHEMA))
    return normalise(dict(doc, schema=SCHEMA_V2))


def initiative_document(*, initiative: Initiative) -> dict[str, Any]:
    """One initiative as its report's document has it (an element of ``initiatives``): the /1
    fields only when the initiative says nothing /1 cannot, as ``report_document`` would."""
    initiative = (Initiative.objects.prefetch_related(
        Prefetch("section_links", queryset=InitiativeSection.objects.select_related("section").order_by("position")),
        Prefetch("targets", queryset=Target.objects.current().select_related("outcome").order_by("position", "id")),
    ).get(pk=initiative.pk))
    doc = _initiative_document(initiative)
    if _fits_v1(doc):
        return _v1_initiative(doc)
    return doc


def form_reference(form_version: FormVersion | None) -> dict[str, Any] | None:
    """``form`` of a report made with ``form_version``: null for the seed's form (the preset
    ``DEFAULT_FORM``, and every report stored before forms), so those reports stay /1."""
    if form_version is None:
        return None
    form = form_version.form
    if form.municipality_id is None and form.code == default_form_code():
        return None
    return {"code": form.code, "version": form_version.version}


def report_document(*, declaration: Declaration) -> dict[str, Any]:
    """The declaration as a ``sengen.report`` document, the shape ``sengen parse`` prints: /1
    when it says nothing /1 cannot (``core.report.simplest``: every report stored before forms,
    byte for byte as before), else /2 naming its form.

    These are the live rows, work in progress included: public pages read
    ``public_document`` instead."""
    declaration = declaration_with_report(declaration=declaration)
    municipality = declaration.department.municipality
    doc = {
        "schema": SCHEMA_V2,
        "municipality": municipality.name or None,
        "fiscal_year": declaration.fiscal_year.year,
        "fiscal_year_label": declaration.fiscal_year_label,
        "document": declaration.phase,
        "department": declaration.department.name,
        "director": {"title": declaration.director_title, "name": declaration.director_name},
        "form": form_reference(declaration.form_version),
        "unit_kind": declaration.unit_kind or None,
        "declared_on": declaration.declared_on.isoformat() if declaration.declared_on else None,
        "preamble": list(declaration.preamble),
        "initiatives": [_initiative_document(initiative) for initiative in declaration.initiatives.all()],
    }
    # The same gate every producer passes: what we export is what we would accept.
    return _simplest(doc)


# Public reads of what was published ------------------------------------------------------

def public_document(*, declaration: Declaration) -> dict[str, Any] | None:
    """What citizens may read of ``declaration``: the document as last published or corrected.

    While staff work on the next phase (the year-end report in draft) the live rows hold work in
    progress, so this is the publication record, not ``report_document``. A declaration
    published before publication records existed (or by an import that kept none) falls back
    to its live rows while it is published. None when nothing of it is public."""
    latest = declaration.publications.latest()
    if latest is not None:
        return latest.document
    if declaration.state == PublicationState.PUBLISHED:
        return report_document(declaration=declaration)
    return None


def public_progress(*, declaration: Declaration) -> list[dict[str, Any]]:
    """The interim figures published with the latest publication (empty when there are none)."""
    latest = declaration.publications.latest()
    return list(latest.progress) if latest is not None else []


def initiative_history(initiative: Initiative) -> list[Revision]:
    """Corrections of an initiative's published text, oldest first: each has ``created_at``
    (when), ``reason`` (why), ``version`` and ``before`` / ``after`` (the initiative as
    sengen.report/1 has it). Public: only published text is ever corrected."""
    return list(Revision.objects.filter(initiative=initiative).order_by("created_at", "id"))


def declaration_corrections(declaration: Declaration) -> list[Revision]:
    """Every correction of a declaration's published text, oldest first, with the initiative
    each concerns (``revision.initiative.number``)."""
    return list(Revision.objects.filter(declaration=declaration).select_related("initiative")
                .order_by("created_at", "id"))


# Staff reads, each within the user's scope (permissions) ------------------------------------

def declaration_for_staff(*, user, pk: int) -> Declaration:
    """The declaration ``pk`` if ``user`` may read it; ``Declaration.DoesNotExist`` for no such
    row, ``PermissionDenied`` for another department's."""
    declaration = Declaration.objects.select_related("department__municipality", "fiscal_year").get(pk=pk)
    require(can_read(user, declaration), Refusal.READ_DECLARATION)
    return declaration


def initiative_for_staff(*, user, pk: int) -> Initiative:
    initiative = Initiative.objects.select_related(
        "declaration__department__municipality", "declaration__fiscal_year").get(pk=pk)
    require(can_read(user, initiative.declaration), Refusal.READ_INITIATIVE)
    return initiative


def initiatives_with_targets(*, declaration: Declaration) -> list[Initiative]:
    """The declaration's initiatives in order, with sections, current targets and outcomes."""
    return list(declaration.initiatives.order_by("position").prefetch_related(
        Prefetch("section_links", queryset=InitiativeSection.objects.select_related("section").order_by("position")),
        Prefetch("targets", queryset=Target.objects.current().select_related("outcome__grade")
                 .prefetch_related(Prefetch("progress", queryset=Progress.objects.order_by("as_of", "id")))
                 .order_by("position", "id")),
    ))


def audit_entries(*, user, limit: int = 200) -> QuerySet[AuditEntry]:
    require(is_administrator(user), Refusal.READ_AUDIT)
    return AuditEntry.objects.all()[:limit]


def last_change(*, object_type: str, object_id) -> AuditEntry | None:
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-at", "-id").first()


# Deadlines -----------------------------------------------------------------------------------

def phase_reached(declaration: Declaration | None, phase: str) -> bool:
    """Has ``declaration`` reached what ``phase``'s deadline asks for?"""
    if declaration is None:
        return False
    if declaration.phase != phase:
        return workflow.is_later_phase(declaration.phase, phase)
    return workflow.has_reached(declaration.state, workflow.DUE_STATE[phase])


@dataclass(frozen=True)
class Late:
    department: Department
    phase: str
    phase_label: str
    deadline: dt.date
    declaration: Declaration | None
    days_late: int

    @property
    def state_label(self) -> str:
        if self.declaration is None:
            return gettext("未作成")
        return gettext("%(phase)s・%(state)s") % {"phase": self.declaration.get_phase_display(),
                                                  "state": self.declaration.get_state_display()}


def late_departments(*, user, fiscal_year: FiscalYear, today: dt.date) -> list[Late]:
    """Departments of the year's city that have not reached a phase whose deadline has passed."""
    require(can_oversee(user), Refusal.READ_LATE)
    declarations = {d.department_id: d for d in fiscal_year.declarations.all()}
    late = []
    for department in Department.objects.filter(municipality=fiscal_year.municipality_id).order_by("name"):
        declaration = declarations.get(department.pk)
        for phase in workflow.PHASES:
            deadline = getattr(fiscal_year, workflow.DEADLINE_FIELD[phase])
            if deadline is None or deadline >= today or phase_reached(declaration, phase):
                continue
            late.append(Late(department, phase, Phase(phase).label, deadline, declaration,
                             (today - deadline).days))
    return late



# Reads for the workflow's forms and buttons --------------------------------------------------

def deadlines_stamp(fiscal_year: FiscalYear) -> str:
    """The year's deadlines as stored, in one string: a form opened on them carries it back, so
    a save over deadlines someone changed since is refused (the year has no version number)."""
    return "|".join(str(getattr(fiscal_year, f) or "") for f in workflow.DEADLINE_FIELDS)


_CLOSED_DIRECTIONS = {FutureDirection.SUSPEND, FutureDirection.COMPLETE}


def carry_over_candidates(*, declaration: Declaration) -> list[Initiative]:
    """Initiatives worth carrying into next year: all but those whose future direction is
    休止・廃止 or 完了."""
    return [i for i in declaration.initiatives.order_by("position")
            if i.future_direction_category not in _CLOSED_DIRECTIONS]


def transitions_allowed(*, user, declaration: Declaration) -> list[str]:
    """The workflow actions ``user`` may take on ``declaration`` now (for the buttons shown)."""
    out = []
    for action in workflow.ACTIONS:
        try:
            transition_to(user=user, declaration=declaration, action=action)
        except (PermissionDenied, ValidationError):
            continue
        out.append(action)
    return out


def next_phase(declaration: Declaration) -> str | None:
    return workflow.next_phase(declaration.phase)


def correctable_results(declaration: Declaration) -> bool:
    """Results columns can be corrected only while the published text is the live text."""
    return declaration.state == PublicationState.PUBLISHED and declaration.phase == Phase.ACHIEVEMENT_REPORT


# Fiscal years, departments and stored outcomes for the staff pages ---------------------------

def departments_managed(user) -> QuerySet[Department]:
    """The departments ``user`` may start a declaration for: all for administrators, their
    own for a director, none for anyone else."""
    staff = staff_of(user)
    if staff.is_administrator:
        return Department.objects.select_related("municipality").order_by("municipality__name", "name")
    if staff.role == Role.DIRECTOR:
        return Department.objects.filter(pk=staff.department_id)
    return Department.objects.none()


def fiscal_years_by_municipality() -> QuerySet[FiscalYear]:
    """Every fiscal year, each city's together, its newest first (the years page)."""
    return FiscalYear.objects.select_related("municipality").order_by("municipality__name", "-year")


def fiscal_years_newest_first() -> list[FiscalYear]:
    """Every fiscal year, the newest first across cities (the late-departments page)."""
    return list(FiscalYear.objects.select_related("municipality").order_by("-year", "municipality__name"))


def fiscal_year_get(pk: int) -> FiscalYear:
    """The fiscal year ``pk`` (``FiscalYear.DoesNotExist`` if there is none)."""
    return FiscalYear.objects.select_related("municipality").get(pk=pk)


def fiscal_years_for(departments: QuerySet[Department]) -> QuerySet[FiscalYear]:
    """The fiscal years of the cities of ``departments``, the newest first."""
    return FiscalYear.objects.filter(
        municipality__in=departments.values("municipality")).select_related("municipality").order_by("-year")


def fiscal_years_after(declaration: Declaration) -> QuerySet[FiscalYear]:
    """Where ``declaration`` can be carried over to, the nearest first: the later fiscal years of
    its city in which its department has no declaration yet (``plans.declaration_carry_over``
    refuses the others). The declaration page offers 次年度の目標宣言を作成する only when there is
    one: it was offered on every report and then failed with 「すでにあります」 or "no year"."""
    return FiscalYear.objects.filter(
        municipality=declaration.fiscal_year.municipality_id, year__gt=declaration.fiscal_year.year,
    ).exclude(declarations__department=declaration.department_id).order_by("year")


def outcomes_stored(targets) -> list[Outcome | None]:
    """Each target's outcome as stored now (None where it has none), in the order of ``targets``."""
    stored = {o.target_id: o for o in Outcome.objects.filter(target__in=targets)}
    return [stored.get(t.pk) for t in targets]
