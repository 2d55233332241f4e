"""An initiative's pages: its plan (title, sections, targets), interim progress, year-end
results, an administrator's correction of what was published, and its history.

A page refused because someone saved first shows what is stored now beside the person's input
(``_stored``); a page opened on targets that have changed since cannot be saved at all
(``_targets_opened``), since its rows no longer say which target each value is for."""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sengen.declarations.forms import form_for_declaration
from sengen.declarations.models import TargetKind
from sengen.declarations.permissions import (
    Refusal,
    can_change_content,
    can_edit_initiative,
    can_manage,
    is_administrator,
    page_refusal,
    require,
)
from sengen.declarations.selectors import correctable_results, initiative_document, initiative_history
from sengen.declarations.services import plans, publications, results

from .. import form_columns, forms
from ._common import declaration_or_404, initiative_or_404, keep_input, save, staff_required


def _current_targets(initiative):
    return list(initiative.targets.current().select_related("outcome").order_by("position", "id"))


def _on_its_page(initiative) -> str:
    """The declaration page, scrolled to ``initiative``: where each of its saves goes back to."""
    return reverse("staff:declaration", args=[initiative.declaration_id]) + f"#initiative-{initiative.pk}"


def _stored(initiative, *, retry: bool) -> dict:
    """What is saved now of ``initiative``, everything its forms edit, for the page that refused a
    save. ``retry``: the form may be saved again from that page (same targets as when opened)."""
    initiative.refresh_from_db()
    targets = _current_targets(initiative)
    for target in targets:
        target.outcome_or_none = getattr(target, "outcome", None)
    return {"initiative": initiative, "targets": targets, "retry": retry,
            "sections": [link.section.name for link in initiative.section_links.select_related("section")
                         .order_by("position")]}


def _targets_opened(initiative, data, field: str) -> tuple[list, bool]:
    """The targets a posted per-target form was opened on (their ``<field>_<pk>`` inputs are what
    was sent), and whether they are still the initiative's current ones. A target revised or
    removed since keeps its row, so the person's input can be shown again; saving it cannot."""
    current = _current_targets(initiative)
    if data is None:
        return current, True
    posted = {int(m.group(1)) for key in data if (m := re.fullmatch(rf"{field}_(\d+)", key))}
    if posted == {t.pk for t in current}:
        return current, True
    opened = list(initiative.targets.filter(pk__in=posted).select_related("outcome").order_by("position", "id"))
    return opened, False


def _targets_changed(form, initiative) -> dict:
    """The page was opened on other targets than the initiative has now: refused, and what is
    stored shown beside the input (``_stored``)."""
    form.add_error(None, _("この取組の達成目標は、あなたが開いた後に変わりました。このページからは保存できません。"
                           "入力は下に残っています。控えてから、ページを開き直して入力し直してください。"))
    return _stored(initiative, retry=False)


def _stored_for_retry(form, initiative):
    """``on_conflict`` of every initiative page: what is stored now, for the page, and the form
    made ready to be saved again having seen it."""
    def stored_now(exc):
        stored = _stored(initiative, retry=True)
        keep_input(form, version=initiative.version)
        return stored
    return stored_now


# The plan ------------------------------------------------------------------------------------------

def _plan_from(form, formset, current_sections: list[int], initiative=None) -> plans.InitiativePlan:
    targets = []
    for target_form in formset.forms:
        data = target_form.cleaned_data
        if not data or formset._should_delete_form(target_form) or not data.get("text", "").strip():
            continue
        targets.append(plans.TargetPlan(
            id=data.get("id"), text=data["text"], kind=data.get("kind") or "", value=data.get("value"),
            unit=data.get("unit") or "", direction=data.get("direction") or "",
            baseline_value=data.get("baseline_value"), baseline_unit=data.get("baseline_unit") or "",
            due_date=data.get("due_date"), due_precision=data.get("due_precision") or ""))
    if "sections" in form.fields:
        chosen = [s.pk for s in form.cleaned_data.get("sections") or []]
        # Checkboxes do not say in which order the sections are written: keep the written order
        # unless the set changed (then new ones go last).
        section_ids = [pk for pk in current_sections if pk in chosen] + [pk for pk in chosen if pk not in current_sections]
    else:
        section_ids = list(current_sections)  # the form has no 担当課: kept as stored
    # A form without a 取組内容 column keeps what is stored (an imported report's, say).
    content = form.cleaned_data["content"] if "content" in form.fields else list(getattr(initiative, "content", []))
    return plans.InitiativePlan(
        number=form.cleaned_data.get("number"), title=form.cleaned_data["title"],
        section_ids=section_ids, content=content, targets=targets,
        **{name: form.column_data(name) for name in (*form_columns.PLAN_COLUMNS, "sdgs")},
        extra=form.extra_data())


def _proposed(formset, fiscal_year: int) -> list[dict]:
    """The formset's rows with what sengen reads from each target's text filled in."""
    rows = []
    for target_form in formset.forms:
        data = dict(target_form.cleaned_data or {})
        if data.get("text", "").strip() and not data.get("DELETE"):
            proposal = plans.target_propose(text=data["text"], fiscal_year=fiscal_year)
            data.update(kind=proposal.kind, value=proposal.value, unit=proposal.unit, direction=proposal.direction,
                        baseline_value=proposal.baseline_value, baseline_unit=proposal.baseline_unit,
                        due_date=proposal.due_date, due_precision=proposal.due_precision)
        rows.append(data)
    return rows


def _target_initial(target) -> dict:
    return {"id": target.pk, "text": target.text, "kind": target.kind, "value": target.value, "unit": target.unit,
            "direction": target.direction or "", "baseline_value": target.baseline_value,
            "baseline_unit": target.baseline_unit, "due_date": target.due_date,
            "due_precision": target.due_precision}


def _column_initial(form, initiative) -> dict:
    """The /2 columns the page shows, as stored (``extra_<i>`` by its label)."""
    if initiative is None:
        return {}
    initial = {name: getattr(initiative, name) for name in (*form_columns.PLAN_COLUMNS, *form_columns.RESULT_COLUMNS, "sdgs")
               if name in form.fields}
    stored = form_columns.extra_initial(initiative)
    initial.update({name: stored.get(label, []) for name, label in form.extra_fields.items()})
    return initial


def _plan_page(request, *, declaration, initiative=None):
    user = request.user
    sections_locked = initiative is not None and not can_manage(user, declaration)
    report_form = form_for_declaration(declaration)
    if initiative is None:
        numbers = [i.number for i in declaration.initiatives.all() if i.number is not None]
        initial = {"number": max(numbers, default=0) + 1 if report_form.numbered else None, "version": 0}
        target_initial = []
    else:
        initial = {"number": initiative.number, "title": initiative.title, "content": initiative.content,
                   "sections": [link.section_id for link in initiative.section_links.order_by("position")],
                   "version": initiative.version}
        target_initial = [_target_initial(t) for t in initiative.targets.current().order_by("position", "id")]
    data = request.POST if request.method == "POST" else None
    form = forms.InitiativePlanForm(data, initial=initial, department=declaration.department,
                                    sections_locked=sections_locked, form=report_form)
    if data is None:
        form.initial.update(_column_initial(form, initiative))
    formset = forms.TargetFormSet(data, initial=target_initial, prefix="targets")
    stored = None  # after a conflict: what the other person saved
    if data is not None and form.is_valid() and formset.is_valid():
        if "propose" in request.POST:
            # No-JavaScript proposal: show the form again with the figures read from the texts.
            formset = forms.TargetFormSet(initial=_proposed(formset, declaration.fiscal_year.year), prefix="targets")
            form = forms.InitiativePlanForm(initial=form.cleaned_data | {"version": form.cleaned_data["version"]},
                                            department=declaration.department, sections_locked=sections_locked,
                                            form=report_form)
            messages.info(request, _("達成目標の文から種類・数値・単位・期限を読み取りました。確認してから保存してください"))
        else:
            plan = _plan_from(form, formset, initial.get("sections", []), initiative)
            opened_ids = {f.cleaned_data.get("id") for f in formset.forms if f.cleaned_data.get("id")}
            if initiative is not None and opened_ids != {t["id"] for t in target_initial}:
                # A target was added, revised or removed since the page was opened: the rows no
                # longer match what is stored, and saving them would drop or misplace that change.
                stored = _targets_changed(form, initiative)
            else:
                if initiative is None:
                    def write():
                        return plans.initiative_create(user=user, declaration=declaration, plan=plan)
                else:
                    def write():
                        return plans.initiative_update(user=user, initiative=initiative,
                                                          version=form.cleaned_data["version"], plan=plan)
                saved = save(request, form, write, success=_("取組を保存しました"), redirect_to=_on_its_page,
                             on_conflict=_stored_for_retry(form, initiative))
                if saved.response:
                    return saved.response
                stored = saved.stored
    return render(request, "staff/initiative_plan.html", {
        "declaration": declaration, "initiative": initiative, "form": form, "formset": formset,
        "carried_from": getattr(initiative, "carried_from", None), "stored": stored})


@staff_required
def initiative_new(request, pk: int):
    declaration = declaration_or_404(request, pk)
    require(can_manage(request.user, declaration), Refusal.ADD_INITIATIVE)
    require(can_change_content(request.user, declaration),
            page_refusal(request.user, declaration, Refusal.ADD_INITIATIVE))
    return _plan_page(request, declaration=declaration)


@staff_required
def initiative_edit(request, pk: int):
    initiative = initiative_or_404(request, pk)
    require(can_edit_initiative(request.user, initiative),
            page_refusal(request.user, initiative.declaration, Refusal.EDIT_INITIATIVE))
    return _plan_page(request, declaration=initiative.declaration, initiative=initiative)


# Progress, results, corrections --------------------------------------------------------------------

@staff_required
def initiative_progress(request, pk: int):
    initiative = initiative_or_404(request, pk)
    require(can_edit_initiative(request.user, initiative),
            page_refusal(request.user, initiative.declaration, Refusal.RECORD_PROGRESS))
    targets = _current_targets(initiative)
    form = forms.ProgressForm(request.POST or None, targets=targets,
                              form=form_for_declaration(initiative.declaration))
    if request.method == "POST" and form.is_valid():
        entries = []
        for target in targets:
            data = form.target_data(target)
            entries.append(results.ProgressInput(target_id=target.pk, as_of=data["as_of"], value=data.get("value"),
                                                  unit=data.get("unit") or "", comment=data.get("comment") or "",
                                                  interim_status=data.get("interim_status") if form.interim else None))
        saved = save(request, form, lambda: results.progress_record(
            user=request.user, initiative=initiative, entries=entries),
            success=_("進捗を保存しました"), redirect_to=_on_its_page(initiative))
        if saved.response:
            return saved.response
    history = {t.pk: list(t.progress.order_by("as_of", "id")) for t in targets}
    return render(request, "staff/initiative_progress.html", {
        "initiative": initiative, "declaration": initiative.declaration, "form": form, "history": history})


@staff_required
def initiative_results(request, pk: int):
    initiative = initiative_or_404(request, pk)
    require(can_edit_initiative(request.user, initiative),
            page_refusal(request.user, initiative.declaration, Refusal.SAVE_RESULTS))
    targets, same_targets = _targets_opened(initiative, request.POST or None, "evaluation")
    initial = {"version": initiative.version, "results": initiative.results,
               "future_direction": initiative.future_direction,
               "future_direction_category": initiative.future_direction_category,
               "achievement_status": initiative.achievement_status}
    for target in targets:
        outcome = getattr(target, "outcome", None)
        if outcome is not None:
            initial.update({f"actual_value_{target.pk}": outcome.actual_value,
                            f"actual_unit_{target.pk}": outcome.actual_unit,
                            f"evaluation_{target.pk}": outcome.evaluation,
                            f"unmet_reason_{target.pk}": outcome.unmet_reason})
        elif target.kind == TargetKind.NUMERIC:
            initial[f"actual_unit_{target.pk}"] = target.unit
    form = forms.ResultsForm(request.POST or None, targets=targets, initial=initial,
                             form=form_for_declaration(initiative.declaration))
    if not request.POST:
        form.initial.update(_column_initial(form, initiative))
    stored = None  # after a conflict: what the other person saved
    if request.method == "POST" and not same_targets:
        stored = _targets_changed(form, initiative)
    elif request.method == "POST" and form.is_valid():
        outcomes = []
        for target in targets:
            data = form.target_data(target)
            outcomes.append(results.OutcomeInput(
                target_id=target.pk, actual_value=data.get("actual_value"), actual_unit=data.get("actual_unit") or "",
                evaluation=data.get("evaluation") or "", unmet_reason=data.get("unmet_reason") or ""))
        cleaned = form.cleaned_data

        def given(name):
            # A column the form lacks keeps what is stored.
            return cleaned[name] if name in form.fields else getattr(initiative, name)
        data = results.ResultsInput(
            results=given("results"), future_direction=given("future_direction"),
            future_direction_category=given("future_direction_category"),
            achievement_status=given("achievement_status"), outcomes=outcomes,
            self_evaluation=form.column_data("self_evaluation"), remarks=form.column_data("remarks"),
            extra=form.extra_data())
        saved = save(request, form, lambda: results.initiative_results_save(
            user=request.user, initiative=initiative, version=form.cleaned_data["version"], data=data),
            success=_("取組結果を保存しました"), redirect_to=_on_its_page(initiative),
            on_conflict=_stored_for_retry(form, initiative))
        if saved.response:
            return saved.response
        stored = saved.stored
    return render(request, "staff/initiative_results.html", {
        "initiative": initiative, "declaration": initiative.declaration, "form": form, "stored": stored})


@staff_required
def initiative_correct(request, pk: int):
    initiative = initiative_or_404(request, pk)
    require(is_administrator(request.user), Refusal.CORRECT)
    declaration = initiative.declaration
    with_results = correctable_results(declaration)
    targets, same_targets = _targets_opened(initiative, request.POST or None, "target")
    initial = {"version": initiative.version, "title": initiative.title, "content": initiative.content,
               "results": initiative.results, "future_direction": initiative.future_direction,
               "achievement_status": initiative.achievement_status,
               **{name: getattr(initiative, name) for name in forms.CorrectionForm.CORRECTED_COLUMNS}}
    initial.update({f"target_{t.pk}": t.text for t in targets})
    form = forms.CorrectionForm(request.POST or None, targets=targets, initial=initial, with_results=with_results,
                                form=form_for_declaration(declaration))
    extra = form_columns.extra_initial(initiative)
    for name, label in form.extra_fields.items():
        form.initial[name] = extra.get(label, [])
    stored = None  # after a conflict: what the other person saved
    if request.method == "POST" and not same_targets:
        stored = _targets_changed(form, initiative)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        correction = publications.Correction(
            title=data["title"], content=data["content"],
            target_texts={t.pk: data[f"target_{t.pk}"] for t in targets},
            results=data.get("results"), future_direction=data.get("future_direction"),
            achievement_status=data.get("achievement_status"), columns=form.columns_data())
        saved = save(request, form, lambda: publications.initiative_correct(
            user=request.user, initiative=initiative, version=data["version"], reason=data["reason"],
            correction=correction),
            success=_("訂正を公開しました"), redirect_to=reverse("staff:initiative_history", args=[initiative.pk]),
            on_conflict=_stored_for_retry(form, initiative))
        if saved.response:
            return saved.response
        stored = saved.stored
    return render(request, "staff/initiative_correct.html", {
        "initiative": initiative, "declaration": declaration, "form": form, "with_results": with_results,
        "stored": stored})


@staff_required
def initiative_history_view(request, pk: int):
    initiative = initiative_or_404(request, pk)
    return render(request, "staff/initiative_history.html", {
        "initiative": initiative, "declaration": initiative.declaration,
        "revisions": initiative_history(initiative), "current": initiative_document(initiative=initiative)})

