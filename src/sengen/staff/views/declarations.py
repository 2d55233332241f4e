"""A declaration's pages: starting one, its page with every initiative and what the person may
do next, the workflow buttons, carrying it over into the next year, and judging its grades."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sengen.declarations import cycle
from sengen.declarations.forms import form_for_declaration
from sengen.declarations.grading import grade_proposal, scale_for
from sengen.declarations.models import Phase, PublicationState
from sengen.declarations.permissions import (
    Refusal,
    can_edit_initiative,
    can_manage,
    is_administrator,
    require,
)
from sengen.declarations.selectors import (
    carry_over_candidates,
    departments_managed,
    fiscal_years_after,
    fiscal_years_for,
    initiatives_with_targets,
    next_phase,
    outcomes_stored,
)
from sengen.declarations.services import plans, results, transitions
from sengen.declarations.workflow import TRANSITION_DONE, TRANSITION_LABELS

from .. import form_columns, forms
from ._common import declaration_or_404, keep_input, save, staff_required


@staff_required
def declaration_new(request):
    departments = departments_managed(request.user)
    require(departments.exists(), Refusal.CREATE_DECLARATION)
    form = forms.DeclarationCreateForm(request.POST or None, departments=departments,
                                       fiscal_years=fiscal_years_for(departments))
    if request.method == "POST" and form.is_valid():
        saved = save(request, form, lambda: plans.declaration_create(user=request.user, **form.cleaned_data),
                     success=None, redirect_to=lambda declaration: _page(declaration))
        if saved.response:
            return saved.response
    return render(request, "staff/declaration_new.html", {"form": form})


def _page(declaration, anchor: str = "") -> str:
    return reverse("staff:declaration", args=[declaration.pk]) + anchor


@staff_required
def declaration_detail(request, pk: int):
    declaration = declaration_or_404(request, pk)
    user = request.user
    initiatives = initiatives_with_targets(declaration=declaration)
    scale = scale_for(declaration)
    report_form = form_for_declaration(declaration)
    # The /2 columns a form other than the seed's has, under its labels (the seed's has none).
    labels = {} if form_columns.is_seed_form(report_form) else form_columns.role_labels(report_form)
    shown = [name for name in ("background", "approach", "partners", "self_evaluation", "remarks", "plan_refs")
             if name in labels]
    rows = []
    for initiative in initiatives:
        initiative.declaration = declaration  # already loaded: spare a query per row
        columns = [(labels[name], getattr(initiative, name)) for name in shown if getattr(initiative, name)]
        columns += [(e.get("label", ""), e.get("items") or []) for e in initiative.extra or []]
        editable = can_edit_initiative(user, initiative)
        targets = []
        for target in initiative.targets.all():
            target.initiative = initiative
            targets.append({"target": target, "outcome": getattr(target, "outcome", None),
                            "proposal": grade_proposal(target=target, scale=scale),
                            "progress": list(target.progress.all())})
        rows.append({
            "initiative": initiative,
            "targets": targets,
            "columns": columns,
            "sdgs": initiative.sdgs if "sdgs" in labels else [],
            "grade": (labels.get("grade") or _("評価段階"), initiative.grade_code, initiative.grade_reason)
                     if report_form.grade_placement == "initiative" and initiative.grade_code else None,
            "edit": editable and declaration.phase == Phase.DECLARATION,
            "progress": editable and declaration.phase == Phase.INTERIM_REPORT,
            "results": editable and declaration.phase == Phase.ACHIEVEMENT_REPORT,
            "correct": is_administrator(user) and (declaration.state == PublicationState.PUBLISHED
                                                   or declaration.publications.exists()),
        })
    manage = can_manage(user, declaration)
    actions = cycle.next_actions(user=user, declaration=declaration)
    return render(request, "staff/declaration_detail.html", {
        "declaration": declaration,
        "rows": rows,
        "actions": actions,
        # What the report lacks, shown to whoever is offered a step forward over it.
        "missing": cycle.missing(declaration) if any(a.forward for a in actions) else [],
        "next_phase": next_phase(declaration),
        # Offered only where the service would carry it over: a later year without this
        # department's declaration.
        "can_carry_over": manage and fiscal_years_after(declaration).exists(),
        "transition_form": forms.TransitionForm(),
        "publications": declaration.publications.order_by("-published_at", "-id")[:10],
    })


@require_POST
@staff_required
def declaration_action(request, pk: int, action: str):
    declaration = declaration_or_404(request, pk)
    if action not in TRANSITION_LABELS:
        raise Http404
    form = forms.TransitionForm(request.POST)
    valid = form.is_valid()
    reason = form.cleaned_data["reason"] if valid else ""
    confirmed = form.cleaned_data["confirm_incomplete"] if valid else False
    return save(request, None, lambda: transitions.declaration_transition(
        user=request.user, declaration=declaration, action=action, reason=reason, confirm_incomplete=confirmed),
        success=str(TRANSITION_DONE[action]),
        redirect_to=_page(declaration)).response


@require_POST
@staff_required
def declaration_start_phase(request, pk: int):
    declaration = declaration_or_404(request, pk)
    return save(request, None, lambda: transitions.declaration_start_phase(
        user=request.user, declaration=declaration, phase=request.POST.get("phase", "")),
        success=_("次の段階を始めました。公開ページには前の段階の内容が表示され続けます"),
        redirect_to=_page(declaration)).response


@staff_required
def declaration_carry_over(request, pk: int):
    source = declaration_or_404(request, pk)
    require(can_manage(request.user, source), Refusal.CARRY_OVER)
    fiscal_years = fiscal_years_after(source)
    initiatives = list(source.initiatives.order_by("position"))
    default = [str(i.pk) for i in carry_over_candidates(declaration=source)]
    form = forms.CarryOverForm(request.POST or None, fiscal_years=fiscal_years, initiatives=initiatives,
                               initial={"initiatives": default})
    if request.method == "POST" and form.is_valid():
        saved = save(request, form, lambda: plans.declaration_carry_over(
            user=request.user, source=source, fiscal_year=form.cleaned_data["fiscal_year"],
            initiative_ids=[int(pk) for pk in form.cleaned_data["initiatives"]]),
            success=_("前年度の報告から目標宣言を作成しました"), redirect_to=_page)
        if saved.response:
            return saved.response
    return render(request, "staff/carry_over.html", {"source": source, "form": form, "initiatives": initiatives,
                                                      "has_years": fiscal_years.exists()})


def _judge_initiatives(request, declaration, scale, report_form):
    """Judging where the form grades each initiative: the director chooses each initiative's
    grade (no proposal) and gives a reason for an unmet one; approving as on the target page."""
    initiatives = list(declaration.initiatives.order_by("position"))
    initial = {"version": declaration.version}
    for initiative in initiatives:
        initial[f"initiative_grade_{initiative.pk}"] = initiative.grade_code or None
        initial[f"initiative_reason_{initiative.pk}"] = initiative.grade_reason
    form = forms.InitiativeJudgeForm(request.POST or None, initial=initial, initiatives=initiatives,
                                     grades=scale.grades.order_by("order") if scale else [], form=report_form)
    approve = "approve" in request.POST

    def judge():
        judgements = [results.InitiativeJudgement(
            initiative_id=i.pk, grade_code=form.cleaned_data[f"initiative_grade_{i.pk}"],
            reason=form.cleaned_data[f"initiative_reason_{i.pk}"]) for i in initiatives]
        results.declaration_judge(user=request.user, declaration=declaration, version=form.cleaned_data["version"],
                                  judgements=[], initiative_judgements=judgements)
        if approve:
            _approve(request, declaration)

    def stored_now(exc):
        for initiative in initiatives:
            initiative.refresh_from_db(fields=["grade_code", "grade_reason"])
        declaration.refresh_from_db(fields=["version"])
        keep_input(form, version=declaration.version)
        return True

    return _judge_page(request, declaration, form, scale, judge, stored_now, approve=approve, per_initiative=True)


@staff_required
def declaration_judge(request, pk: int):
    declaration = declaration_or_404(request, pk)
    require(can_manage(request.user, declaration), Refusal.JUDGE)
    scale = scale_for(declaration)
    report_form = form_for_declaration(declaration)
    if report_form.grade_placement == "initiative":
        return _judge_initiatives(request, declaration, scale, report_form)
    targets = []
    for initiative in initiatives_with_targets(declaration=declaration):
        for target in initiative.targets.all():
            target.initiative = initiative
            targets.append(target)
    proposals = {t.pk: grade_proposal(target=t, scale=scale) for t in targets}
    initial = {"version": declaration.version}
    for target in targets:
        outcome = getattr(target, "outcome", None)
        initial[f"grade_{target.pk}"] = (outcome.grade_code if outcome and outcome.judged_at else None) \
            or proposals[target.pk]
        if outcome:
            initial[f"override_reason_{target.pk}"] = outcome.grade_override_reason
            initial[f"unmet_reason_{target.pk}"] = outcome.unmet_reason
    form = forms.JudgeForm(request.POST or None, targets=targets, initial=initial,
                           grades=scale.grades.order_by("order") if scale else [], proposals=proposals)
    approve = "approve" in request.POST

    def judge():
        judgements = [results.Judgement(target_id=t.pk, grade_code=d["grade"], override_reason=d["override_reason"],
                                         unmet_reason=d["unmet_reason"])
                      for t in targets for d in [form.target_data(t)]]
        results.declaration_judge(user=request.user, declaration=declaration,
                                   version=form.cleaned_data["version"], judgements=judgements)
        if approve:
            _approve(request, declaration)

    def stored_now(exc):
        # Each target now shows the grade and reasons stored by the other person, so saving
        # again from this page is a choice made having seen them.
        for target, outcome in zip(targets, outcomes_stored(targets), strict=True):
            target.stored_outcome = outcome
        declaration.refresh_from_db(fields=["version"])
        keep_input(form, version=declaration.version)
        return True

    return _judge_page(request, declaration, form, scale, judge, stored_now, approve=approve)


def _approve(request, declaration):
    """Approval from the judge page, over what the report lacks only when the person ticked
    that they have seen it (the page lists it)."""
    transitions.declaration_transition(user=request.user, declaration=declaration, action="approve",
                                       confirm_incomplete=bool(request.POST.get("confirm_incomplete")))


def _judge_page(request, declaration, form, scale, judge, stored_now, *, approve: bool, **context):
    """Both judge pages (per target, per initiative): save through the one helper, else the page;
    ``stored`` is true after a conflict, when the page shows what the other person saved."""
    stored = False
    if request.method == "POST" and form.is_valid():
        saved = save(request, form, judge, on_conflict=stored_now, redirect_to=_page(declaration),
                     success=_("評価を確定し、承認しました") if approve else _("評価を保存しました"))
        if saved.response:
            return saved.response
        stored = bool(saved.stored)
    return render(request, "staff/judge.html", {"declaration": declaration, "form": form, "scale": scale,
                                                "stored": stored, "missing": _missing_besides_grades(declaration),
                                                **context})


def _missing_besides_grades(declaration) -> list[str]:
    """What the judge page's approval would pass over besides the grades the page itself sets."""
    grades = set(cycle.unjudged(declaration))
    return [gap for gap in cycle.missing(declaration) if gap not in grades]
