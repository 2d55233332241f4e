"""What the year brought: interim progress, year-end results, and the director's judgement of
each target's grade."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sengen.core.assess import assess
from sengen.core.eras import fiscal_year_label
from sengen.core.forms import INTERIM_STATUSES
from sengen.core.targets import achievement_rate, meets

from .. import audit, textlimits
from ..grading import grade_proposal, propose_grade_for, scale_for
from ..models import (
    Declaration,
    Evaluation,
    FutureDirection,
    Initiative,
    Outcome,
    Phase,
    Progress,
    Target,
    TargetKind,
)
from ..permissions import (
    Refusal,
    can_manage,
    open_to_directing,
    require,
)
from ..selectors import initiative_document
from . import _common
from .plans import apply_v2_columns


def _unit_differs(target: Target, given: str) -> str | None:
    """The sentence refusing a figure in another unit than its target's, naming the unit
    expected; None when it fits (no unit given means the target's own). 12500 件 against a
    target counted in 人 is not the same figure, and no rate can be computed from it.
    Compared after NFKC, so ％ and %, full- and half-width, are the same unit."""
    given = given.strip()
    if not given or not target.unit or unicodedata.normalize("NFKC", given) == unicodedata.normalize(
            "NFKC", target.unit):
        return None
    return gettext("単位が達成目標と異なります。「%(expected)s」で入力してください（入力された単位: %(given)s）") % {
        "expected": target.unit, "given": given}


@dataclass
class ProgressInput:
    target_id: int
    as_of: dt.date
    value: Decimal | None = None
    unit: str = ""
    comment: str = ""
    # sengen.report/2's interim status (on_track / needs_effort / at_risk; "" none), shown in the
    # form's words; None: the page did not ask (the stored one stays).
    interim_status: str | None = None



def _too_long(errors: dict, *checks: tuple) -> bool:
    """Whether a text of ``checks`` — (text, length limit, field) — is over its limit, the
    refusal added to ``errors`` under its field: the year-end and judging loops gather every
    target's mistakes before refusing, so one entry's long text skips that entry only."""
    try:
        for value, limit, key in checks:
            textlimits.check_text(value, limit, key)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return True
    return False


def _one_of(items: dict, pk, refusal: str):
    """The item ``pk`` names among the declaration's own, refused when it is not one of them:
    a judgement's id comes from a form, and a changed id must not reach another report."""
    item = items.get(pk)
    if item is None:
        raise PermissionDenied(refusal)
    return item


def _grade_chosen(grades: dict, code: str, errors: dict, key: str, text: str):
    """The scale's grade ``code`` names, or None with the refusal under ``key`` for the target or
    initiative called ``text``: judging either asks for a grade the same way."""
    grade = grades.get(code)
    if grade is None:
        errors[key] = gettext("評価段階を選んでください: %(text)s") % {"text": text}
    return grade

@transaction.atomic
def progress_record(*, user, initiative: Initiative, entries: list[ProgressInput]) -> list[Progress]:
    """Add interim figures for the initiative's targets. Entries are added, never overwritten,
    so there is nothing to lose to a concurrent save."""
    initiative = _common._reloaded(initiative)
    _common._require_editable(user, initiative)
    _common._require_phase(initiative.declaration, Phase.INTERIM_REPORT, gettext("進捗"))
    targets = {t.pk: t for t in initiative.targets.current()}
    created = []
    interim_changed = []
    for entry in entries:
        target = targets.get(entry.target_id)
        if target is None:
            raise PermissionDenied(gettext("この取組にない達成目標の進捗は入力できません"))
        if entry.interim_status is not None and entry.interim_status != target.interim_status:
            if entry.interim_status and entry.interim_status not in INTERIM_STATUSES:
                raise ValidationError({f"interim_status_{target.pk}": gettext("中間の進捗状況が不明です")})
            target.interim_status = entry.interim_status
            target.save(update_fields=["interim_status"])
            interim_changed.append({"target": target.pk, "interim_status": entry.interim_status})
        if entry.value is None and not entry.comment.strip():
            continue
        textlimits.check_text(entry.comment.strip(), textlimits.line, f"comment_{target.pk}")
        textlimits.check_text(entry.unit.strip(), textlimits.unit, f"unit_{target.pk}")
        if entry.value is not None and (differs := _unit_differs(target, entry.unit)):
            raise ValidationError({f"unit_{target.pk}": differs})
        fy = initiative.declaration.fiscal_year.year
        if not dt.date(fy, 4, 1) <= entry.as_of <= dt.date(fy + 1, 3, 31):
            raise ValidationError(gettext("時点は%(year)sの日付にしてください: %(date)s")
                                  % {"year": fiscal_year_label(fy), "date": entry.as_of})
        created.append(Progress.objects.create(
            target=target, value=entry.value, unit=(entry.unit or target.unit).strip()[:50],
            as_of=entry.as_of, comment=entry.comment.strip(), entered_by=user))
    if interim_changed and not created:
        _common._bump_declaration(initiative.declaration)
        audit.record(user, "initiative.interim_status", initiative, entries=interim_changed)
    if created:
        _common._bump_declaration(initiative.declaration)
        audit.record(user, "initiative.progress", initiative, entries=[
            {"target": p.target_id, "value": p.value, "unit": p.unit, "as_of": p.as_of, "comment": p.comment}
            for p in created])
    return created


# Year-end results ------------------------------------------------------------------------


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
    # sengen.report/2's year-end columns other forms print; None: the form has no such column
    # (the page did not show it), what is stored stays.
    self_evaluation: list[str] | None = None
    remarks: list[str] | None = None
    extra: list[dict] | None = None


@transaction.atomic
def initiative_results_save(*, user, initiative: Initiative, version: int, data: ResultsInput) -> Initiative:
    """Year-end results of one initiative: 取組結果, 今後の方向性 (with its category),
    目標達成状況, and per target the actual value, the evaluation and, for an unmet target, the
    reason. sengen computes the achievement rate and proposes the grade on the city's scale;
    a change to the figures withdraws the director's earlier judgement of that target."""
    initiative = _common._reloaded(initiative)
    _common._require_editable(user, initiative)
    declaration = initiative.declaration
    _common._require_phase(declaration, Phase.ACHIEVEMENT_REPORT, gettext("取組結果"))
    if data.future_direction_category and data.future_direction_category not in FutureDirection.values:
        raise ValidationError({"future_direction_category": gettext("方向性の区分が不明です")})
    before = initiative_document(initiative=initiative)
    _common._lock_initiative(initiative, version)
    initiative.results = _common._lines(data.results, "results")
    initiative.future_direction = _common._lines(data.future_direction, "future_direction")
    initiative.future_direction_category = data.future_direction_category
    initiative.achievement_status = _common._lines(data.achievement_status, "achievement_status")
    apply_v2_columns(initiative, {"self_evaluation": data.self_evaluation, "remarks": data.remarks,
                                  "extra": data.extra})
    initiative.save()
    _common._check_report_size(declaration)

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
        if _too_long(errors, (reason, textlimits.line, f"unmet_reason_{target.pk}"),
                     (entry.actual_unit.strip(), textlimits.unit, f"actual_unit_{target.pk}")):
            continue
        if actual is not None and (differs := _unit_differs(target, entry.actual_unit)):
            errors[f"actual_unit_{target.pk}"] = differs
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
    _common._bump_declaration(declaration)
    audit.record(user, "initiative.results", initiative, before=before, after=initiative_document(initiative=initiative))
    return initiative


# Judging -------------------------------------------------------------------------------------


@dataclass
class Judgement:
    target_id: int
    grade_code: str
    override_reason: str = ""
    unmet_reason: str = ""


@dataclass
class InitiativeJudgement:
    """The grade of a whole initiative, for a form that grades initiatives (``grade_placement``
    "initiative"). sengen proposes none: the director chooses. ``reason`` (the form's
    grade_reason) is needed for an unmet grade, as an unmet target's reason is."""

    initiative_id: int
    grade_code: str
    reason: str = ""


@transaction.atomic
def declaration_judge(*, user, declaration: Declaration, version: int, judgements: list[Judgement],
                      initiative_judgements: list[InitiativeJudgement] = ()) -> None:
    """The director confirms or overrides sengen's proposed grade for each target. An override
    needs a reason; so does choosing a grade no number supports (評価不能), and an unmet target
    (by its evaluation or by the grade chosen) needs the reason it was not met."""
    declaration = _common._reloaded_declaration(declaration)
    require(can_manage(user, declaration), Refusal.JUDGE)
    _common._require_phase(declaration, Phase.ACHIEVEMENT_REPORT, gettext("評価"))
    require(open_to_directing(declaration),
            Refusal.JUDGE_IN_STATE % {"state": declaration.get_state_display()})
    scale = scale_for(declaration)
    if scale is None:
        raise ValidationError(gettext("評価尺度が設定されていません"))
    _common._bump_declaration(declaration, version)
    grades = {g.code: g for g in scale.grades.all()}
    targets = {t.pk: t for t in Target.objects.current().filter(initiative__declaration=declaration)
               .select_related("outcome")}
    initiatives = {i.pk: i for i in declaration.initiatives.all()} if initiative_judgements else {}
    errors = {}
    now = timezone.now()
    changes = []
    for judgement in judgements:
        target = _one_of(targets, judgement.target_id, gettext("この目標宣言にない達成目標は評価できません"))
        grade = _grade_chosen(grades, judgement.grade_code, errors, f"grade_{target.pk}", target.text)
        if grade is None:
            continue
        outcome = getattr(target, "outcome", None) or Outcome(target=target)
        proposed = grade_proposal(target=target, scale=scale)
        override = judgement.override_reason.strip()
        if _too_long(errors, (override, textlimits.line, f"override_reason_{target.pk}"),
                     (judgement.unmet_reason.strip(), textlimits.line, f"unmet_reason_{target.pk}")):
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
    for judgement in initiative_judgements:
        initiative = _one_of(initiatives, judgement.initiative_id, gettext("この目標宣言にない取組は評価できません"))
        grade = _grade_chosen(grades, judgement.grade_code, errors, f"initiative_grade_{initiative.pk}",
                              initiative.title)
        if grade is None:
            continue
        reason = judgement.reason.strip()
        if _too_long(errors, (reason, textlimits.line, f"initiative_reason_{initiative.pk}")):
            continue
        if grade.evaluation in (Evaluation.NOT_ACHIEVED, Evaluation.NOT_EVALUATED) and not reason:
            errors[f"initiative_reason_{initiative.pk}"] = (
                gettext("「%(grade)s」には理由が必要です: %(text)s") % {"grade": grade.label, "text": initiative.title})
            continue
        changes.append({"initiative": initiative.pk, "grade": grade.code, "reason": reason})
        initiative.grade_code = grade.code
        initiative.grade_reason = reason
        initiative.save(update_fields=["grade_code", "grade_reason"])
    if errors:
        raise ValidationError(errors)
    audit.record(user, "declaration.judge", declaration, judgements=changes)
