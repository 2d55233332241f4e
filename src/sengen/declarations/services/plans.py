"""The declaration and its plan (declaration phase): a new or carried-over declaration, and each
initiative's title, sections, content and targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext, gettext_lazy

from sengen.core.limits import MAX_INITIATIVES, MAX_TARGETS
from sengen.core.targets import analyse_target

from .. import audit, textlimits
from ..models import (
    Declaration,
    Department,
    Direction,
    DuePrecision,
    FiscalYear,
    Initiative,
    InitiativeSection,
    Phase,
    PublicationState,
    Section,
    Target,
    TargetKind,
)
from ..permissions import (
    Refusal,
    can_change_content,
    can_manage,
    can_manage_department,
    edit_refusal,
    open_to_directing,
    require,
)
from ..selectors import (
    carry_over_candidates,
    initiative_document,
)
from ._common import (
    _bump_declaration,
    _check_report_size,
    _lines,
    _lock_initiative,
    _reloaded,
    _reloaded_declaration,
    _require_editable,
    _require_phase,
)


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
    audit.record(user, "declaration.create", declaration)
    return declaration


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
    audit.record(user, "declaration.carry_over", declaration, source=source.pk,
                 initiatives=[i.number for i in chosen])
    return declaration


# The initiative's plan ----------------------------------------------------------------------------


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
    """An initiative's plan as a person gave it. ``number`` None: the form numbers nothing.

    The sengen.report/2 columns (``background`` … ``extra``) are None when the page did not
    show them (the declaration's form has no such column): what is stored stays as it is."""

    number: int | None
    title: str
    section_ids: list[int] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    targets: list[TargetPlan] = field(default_factory=list)
    background: list[str] | None = None
    approach: list[str] | None = None
    partners: list[str] | None = None
    remarks: list[str] | None = None
    plan_refs: list[str] | None = None
    sdgs: list[int] | None = None
    extra: list[dict] | None = None  # [{"label", "items"}]: only the labels given are replaced


# The /2 list columns a plan may carry (each a list of strings, like ``content``).
PLAN_LIST_FIELDS = ("background", "approach", "partners", "remarks", "plan_refs")


# Refuses SDG goals outside 1–17, here and in the staff form that reads the numbers typed (one
# sentence in one place). Lazy: translated in the language of the request that shows it.
SDGS_INVALID = gettext_lazy("SDGsの目標は1から17の番号で入力してください")


def apply_v2_columns(initiative: Initiative, given: dict[str, Any]) -> None:
    """Store the sengen.report/2 columns ``given`` (field → value; None: not shown, kept) on
    ``initiative``, each within the limits; ``extra`` replaces only the labels it names."""
    for name in ("background", "approach", "partners", "self_evaluation", "remarks", "plan_refs"):
        if given.get(name) is not None:
            setattr(initiative, name, _lines(given[name], name))
    if given.get("sdgs") is not None:
        goals = list(dict.fromkeys(given["sdgs"]))
        if any(not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 17 for n in goals):
            raise ValidationError({"sdgs": SDGS_INVALID})
        initiative.sdgs = goals
    if given.get("extra") is not None:
        kept = {e["label"]: e for e in initiative.extra or []}
        for entry in given["extra"]:
            label = entry["label"]
            textlimits.check_text(label, textlimits.name, "extra")
            items = _lines(entry["items"], f"extra_{label}")
            if items:
                kept[label] = {"label": label, "items": items}
            else:
                kept.pop(label, None)
        initiative.extra = list(kept.values())


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
    if plan.number is not None and declaration.initiatives.exclude(pk=initiative.pk).filter(
            number=plan.number).exists():
        raise ValidationError({"number": gettext("番号 %(number)s はこの目標宣言の別の取組が使っています")
                                         % {"number": plan.number}})
    initiative.number = plan.number
    initiative.title = title
    initiative.content = _lines(plan.content, "content")
    apply_v2_columns(initiative, {name: getattr(plan, name) for name in (*PLAN_LIST_FIELDS, "sdgs", "extra")})
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
    require(can_change_content(user, declaration), edit_refusal(user, declaration))
    if declaration.initiatives.count() >= MAX_INITIATIVES:
        raise ValidationError(gettext("取組は1つの報告に%(limit)s件までです") % {"limit": MAX_INITIATIVES})
    position = (declaration.initiatives.aggregate(m=Max("position"))["m"] or 0) + 1
    initiative = Initiative(declaration=declaration, position=position, number=plan.number, title="")
    if plan.number is not None and declaration.initiatives.filter(number=plan.number).exists():
        raise ValidationError({"number": gettext("番号 %(number)s はこの目標宣言の別の取組が使っています")
                                         % {"number": plan.number}})
    initiative.title = plan.title.strip()
    textlimits.check_text(initiative.title, textlimits.name, "title")
    initiative.save()
    _plan_apply(user=user, initiative=initiative, plan=plan, may_change_sections=True)
    _bump_declaration(declaration)
    audit.record(user, "initiative.create", initiative, after=initiative_document(initiative=initiative))
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
    audit.record(user, "initiative.update", initiative, before=before, after=initiative_document(initiative=initiative))
    return initiative
