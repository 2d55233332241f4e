"""Storing a ``sengen.report/1`` or ``/2`` document (``report_import``): what the command line,
the folder import, the demo and the browser import all call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sengen.core import forms as core_forms
from sengen.core.eras import fiscal_year_label
from sengen.core.report import ReportError, simplest, upgrade

from .. import audit, publicindex
from ..forms import form_current_version, form_of_version
from ..models import (
    Declaration,
    Department,
    FiscalYear,
    Form,
    FormVersion,
    GradingScale,
    Municipality,
    Outcome,
    Publication,
    PublicationState,
)
from ..permissions import (
    Refusal,
    can_import,
    is_administrator,
    require,
    staff_of,
)
from ..selectors import form_reference, report_document, report_municipality
from ._common import (
    EditConflict,
    _conflict_message,
)
from ._report_rows import _check_length, _initiatives_write


def municipality_for_report(name: str | None) -> Municipality:
    """The municipality a report is filed under (``selectors.report_municipality``), created on
    the configured grading scale if it is new."""
    name = report_municipality(name)
    municipality = Municipality.objects.filter(name=name).first()
    if municipality is None:
        scale = GradingScale.objects.filter(code=settings.SENGEN_GRADING_SCALE).first()
        municipality = Municipality.objects.create(name=name, grading_scale=scale)
    return municipality


# ``report_import(expected_version=ANY_VERSION)``: replace whatever is stored (the command line).
ANY_VERSION = object()


@dataclass(frozen=True)
class ImportResult:
    """What ``report_import`` did: the declaration stored and ``action``, one of ``"created"``,
    ``"updated"`` or ``"unchanged"`` (the words the command line and the import page report)."""

    declaration: Declaration
    action: str


@transaction.atomic
def report_import(*, doc: dict[str, Any], source: str | None = None,
                  state: str = PublicationState.PUBLISHED, user=None,
                  provenance: dict[str, dict] | None = None, expected_version=ANY_VERSION,
                  replace_published: bool = False) -> ImportResult:
    """Store a ``sengen.report/1`` or ``/2`` document as the declaration of its department and year.

    Importing the same department and year again updates that declaration — its initiatives,
    targets and outcomes are replaced by the document's — and never adds a second one.
    Initiatives are matched by number so that links to them (``carried_from``) survive;
    unnumbered ones (a form that numbers nothing) by position.

    The report keeps the form it names (``form``: the city's form of that code, else the preset;
    the version named, else the latest), or the city's form, or none (the seed's form): see
    ``_form_version``. An initiative's own ``grade`` must be a grade of that form's scale.

    ``state`` defaults to published because what gets imported is a report the city already
    published (its PDF); a staff workflow that imports a draft passes ``state="draft"``.
    Returns an ``ImportResult``: the declaration and what happened to it, ``"created"``,
    ``"updated"`` or ``"unchanged"`` (the same report again: no write, no new version).

    Raises ``ReportError`` (nothing stored) for a document that does not follow the format,
    names a form (or a version of it) that is not stored, grades an initiative with a grade its
    form's scale lacks, or holds a value the database cannot store exactly.

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

    ``replace_published``: the person chose to lower a published report's state or to drop the
    grades its director confirmed (the import replaces every target, and with them each
    confirmation). Without it such an import is refused (``WouldLose``) saying what it would
    lose: the browser import's 作成中 once turned the published 2017 report into a draft and
    wiped its confirmed grades (issue 12.4).
    """
    # Stored as /2, which says everything /1 does and what other cities' forms print besides.
    doc = upgrade(doc)
    if state not in PublicationState.values:
        raise ValueError(f"unknown publication state {state!r}")
    if user is not None:
        _import_check(user=user, doc=doc, state=state)
    _check_header_lengths(doc)
    department, fiscal_year = _department_and_year(doc)
    form_version = _form_version(doc, department.municipality)
    _check_initiative_grades(doc, form_version)
    # The document as it will read back once stored (its form resolved to a version; what the
    # rows cannot tell apart made equal), so "the same report again" compares like with like.
    stored = _as_stored(doc, form_version)
    declaration = (Declaration.objects.select_for_update()
                   .filter(department=department, fiscal_year=fiscal_year).first())
    _refuse_stale(declaration, expected_version)
    if (declaration is not None and declaration.state == state
            and report_document(declaration=declaration) == stored):
        # Same report again (`sengen demo` twice): nothing to change, so no new version either.
        if provenance and declaration.provenance != provenance:
            declaration.provenance = provenance  # the same values, read from another file
            declaration.save(update_fields=["provenance"])
        return ImportResult(declaration, "unchanged")
    if user is not None and declaration is not None and not is_administrator(user) \
            and declaration.state != PublicationState.DRAFT:
        raise PermissionDenied(Refusal.IMPORT_REPLACE_IN_STATE
                               % {"state": declaration.get_state_display()})
    if not replace_published:
        _refuse_losses(declaration, state)
    action = "created" if declaration is None else "updated"
    declaration = _declaration_write(declaration, doc=doc, department=department, fiscal_year=fiscal_year,
                                     state=state, source=source, provenance=provenance, form_version=form_version)
    _initiatives_write(declaration, doc)
    if state == PublicationState.PUBLISHED:
        # What the public page shows from now on (see selectors.public_document).
        publicindex.indexed(Publication.objects.create(
            declaration=declaration, phase=declaration.phase, version=declaration.version,
            document=stored, published_at=declaration.published_at or timezone.now(), published_by=user))
    if user is not None:
        audit.record(user, f"declaration.import.{action}", declaration, source=declaration.source, state=state)
    return ImportResult(declaration, action)


def _form_version(doc: dict[str, Any], municipality: Municipality) -> FormVersion | None:
    """The form version the report is stored with.

    ``form`` named: the city's own form of that code, else the preset of that code; the version
    named, else its latest. Not stored → ReportError at ``$.form`` (a report must never be stored
    as made with a form nobody can show). No ``form``: the city's form (its latest version) if
    it has chosen one, else none — the seed's form, as for every report before forms."""
    named = doc["form"]
    if named is None:
        return form_current_version(municipality.form) if municipality.form_id is not None else None
    code = named["code"]
    form = (Form.objects.filter(municipality=municipality, code=code).first()
            or Form.objects.filter(municipality__isnull=True, code=code).first())
    if form is None:
        raise ReportError(f"様式「{code}」は登録されていません（sengen form list で登録済みの様式を確かめ、"
                          f"なければ sengen form load で登録してください）", "$.form")
    if named["version"] is None:
        version = form_current_version(form)
    else:
        version = form.versions.filter(version=named["version"]).first()
    if version is None:
        versions = "、".join(str(v) for v in form.versions.order_by("version").values_list("version", flat=True))
        raise ReportError(f"様式「{code}」に第{named['version']}版はありません（あるのは {versions or 'なし'}）",
                          "$.form")
    return version


def _scale_grades(form: core_forms.Form) -> set[str] | None:
    """The codes and labels of the grades of ``form``'s scale: the database's scale of that code
    (a city's own included), else the form's definition of it. None: the form grades nothing."""
    if not form.scale:
        return None
    scale = GradingScale.objects.filter(code=form.scale).first()
    if scale is not None:
        return {name for grade in scale.grades.all() for name in (grade.code, grade.label)}
    defined = core_forms.scale_of(form)
    return {name for grade in defined.grades for name in (grade.code, grade.label)} if defined else set()


def _check_initiative_grades(doc: dict[str, Any], form_version: FormVersion | None) -> None:
    """An initiative's own grade must be one of its form's scale (unlike a target's grade, which
    is kept as written: an initiative grade is what such a form judges with, not a comment)."""
    graded = [(i, item["grade"]) for i, item in enumerate(doc["initiatives"]) if item["grade"] is not None]
    if not graded:
        return
    form = form_of_version(form_version)
    names = _scale_grades(form)
    for i, grade in graded:
        path = f"$.initiatives[{i}].grade"
        if names is None:
            raise ReportError(f"様式「{form.code}」は取組を評価しません（評価「{grade}」は保存できません）", path)
        if grade not in names:
            raise ReportError(f"評価「{grade}」は様式「{form.code}」の評価尺度（{form.scale}）にありません", path)


def _as_stored(doc: dict[str, Any], form_version: FormVersion | None) -> dict[str, Any]:
    """``doc`` (normalised /2) as ``report_document`` reads it back once stored: its form
    resolved to the version kept, an empty grade reason as none (the column cannot tell them
    apart), and /1 when it fits."""
    out = dict(doc, form=form_reference(form_version))
    out["initiatives"] = [dict(item, grade_reason=item["grade_reason"] or None) for item in doc["initiatives"]]
    return simplest(out)


def _check_header_lengths(doc: dict[str, Any]) -> None:
    _check_length(doc["department"], 200, "$.department")
    _check_length(doc["director"]["title"], 200, "$.director.title")
    _check_length(doc["director"]["name"], 200, "$.director.name")
    _check_length(doc["fiscal_year_label"], 50, "$.fiscal_year_label")
    if doc["municipality"] is not None:
        _check_length(doc["municipality"], 100, "$.municipality")


def _department_and_year(doc: dict[str, Any]) -> tuple[Department, FiscalYear]:
    """The department and year the report is filed under, created if new."""
    municipality = municipality_for_report(doc["municipality"])
    fiscal_year, _ = FiscalYear.objects.get_or_create(municipality=municipality, year=doc["fiscal_year"])
    department, _ = Department.objects.get_or_create(municipality=municipality, name=doc["department"])
    title = doc["director"]["title"]
    later_exists = department.declarations.filter(fiscal_year__year__gt=fiscal_year.year).exists()
    if title and department.director_title != title and not later_exists:
        # The department's current title follows its latest year; older years keep theirs.
        department.director_title = title
        department.save(update_fields=["director_title"])
    return department, fiscal_year


def import_losses(declaration: Declaration | None, state: str) -> list[str]:
    """What storing a report as ``state`` over ``declaration`` would lose: a published report's
    state, and the grades its director confirmed. Empty: nothing (or nothing stored yet)."""
    if declaration is None:
        return []
    losses = []
    if declaration.state == PublicationState.PUBLISHED and state != PublicationState.PUBLISHED:
        losses.append(gettext("公開中の報告が「%(state)s」になります") % {"state": PublicationState(state).label})
    judged = Outcome.objects.filter(target__initiative__declaration=declaration, judged_at__isnull=False).count()
    if judged:
        losses.append(gettext("部長が確定した評価 %(count)s 件が取込の内容で置き換わり、未確定に戻ります")
                      % {"count": judged})
    return losses


class WouldLose(ValidationError):
    """An import that would lower a published report's state or drop confirmed grades, not
    chosen (``replace_published``); on the field of the review page that chooses it."""


def _refuse_losses(declaration: Declaration | None, state: str) -> None:
    losses = import_losses(declaration, state)
    if losses:
        raise WouldLose({"replace_published": [gettext(
            "保存していません。このまま保存すると次のようになります。そうしてよいときは置き換えることを選んでください"), *losses]})


def _refuse_stale(declaration: Declaration | None, expected_version) -> None:
    """EditConflict when what is stored is not what the person was shown (``expected_version``)."""
    if expected_version is ANY_VERSION or declaration is None or declaration.version == expected_version:
        return
    if expected_version is None:
        raise EditConflict(gettext(
            "この部・年度にはすでに目標宣言（%(state)s、版 %(version)s）があり、保存するとこの取込の内容で"
            "置き換わります。よければもう一度保存してください。") % {
                "state": declaration.get_state_display(), "version": declaration.version})
    raise EditConflict(_conflict_message("declaration", declaration.pk))


def _declaration_write(declaration: Declaration | None, *, doc: dict[str, Any], department: Department,
                       fiscal_year: FiscalYear, state: str, source: str | None,
                       provenance: dict[str, dict] | None, form_version: FormVersion | None) -> Declaration:
    """The declaration's own fields from the document: a new row, or the stored one a version on."""
    fields = {
        "form_version": form_version,
        "unit_kind": doc["unit_kind"] or "",
        "declared_on": dt.date.fromisoformat(doc["declared_on"]) if doc["declared_on"] else None,
        "preamble": doc["preamble"],
        "fiscal_year_label": doc["fiscal_year_label"],
        "director_title": doc["director"]["title"],
        "director_name": doc["director"]["name"],
        "phase": doc["document"],
        "state": state,
        "source": (source or "")[:500],
        "provenance": provenance or {},
    }
    published_at = timezone.now() if state == PublicationState.PUBLISHED else None
    if declaration is None:
        return Declaration.objects.create(department=department, fiscal_year=fiscal_year,
                                          published_at=published_at, **fields)
    for name, value in fields.items():
        setattr(declaration, name, value)
    declaration.version += 1
    if state != PublicationState.PUBLISHED:
        declaration.published_at = None
    elif declaration.published_at is None:
        declaration.published_at = published_at
    declaration.save()
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
