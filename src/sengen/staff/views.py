"""Staff pages. Each view reads through selectors, writes through services, and shows what the
services refuse (PermissionDenied → 403, ValidationError → the form again with the message,
EditConflict → the form again with the person's input kept)."""

from __future__ import annotations

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from sengen.core import workflow
from sengen.core.assess import assess
from sengen.core.report import ReportError, normalise
from sengen.declarations import services
from sengen.declarations.models import (
    Declaration,
    Department,
    FiscalYear,
    Initiative,
    Outcome,
    Phase,
    PublicationState,
    Role,
    TargetKind,
)
from sengen.declarations.permissions import (
    can_edit_initiative,
    can_manage,
    can_read,
    declarations_visible,
    is_administrator,
    staff_of,
)
from sengen.declarations.selectors import (
    audit_entries,
    declaration_for_report,
    declaration_for_staff,
    initiative_document,
    initiative_for_staff,
    initiative_history,
    initiatives_with_targets,
    late_departments,
)
from sengen.declarations.workflow import TRANSITION_LABELS
from sengen.parsers import ParseError
from sengen.parsers.limits import read_upload_limited
from sengen.portal.labels import year_label

from . import forms


def staff_required(view):
    """Login required; an account without a staff role is refused (403), not shown empty pages."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if staff_of(request.user).role is None:
            raise PermissionDenied(_("職員用ページを利用する権限がありません"))
        return view(request, *args, **kwargs)

    return wrapper


def _declaration(request, pk: int) -> Declaration:
    try:
        return declaration_for_staff(user=request.user, pk=pk)
    except Declaration.DoesNotExist:
        raise Http404(_("目標宣言が見つかりません")) from None


def _initiative(request, pk: int) -> Initiative:
    try:
        return initiative_for_staff(user=request.user, pk=pk)
    except Initiative.DoesNotExist:
        raise Http404(_("取組が見つかりません")) from None


def _form_errors(form, exc: ValidationError) -> None:
    """The service's messages on the fields they name (``unmet_reason_12``), others on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _conflict(form, exc: services.EditConflict, *, version: int | None = None) -> None:
    form.add_error(None, str(exc))
    if version is not None:
        # The input stays, and the form now carries the stored version: the next save is made
        # knowing the other change (the page shows all of it: _stored), not refused again.
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = str(version)


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


def _stored_outcomes(targets) -> list:
    """Each target's outcome as stored now (None where it has none), in the order of ``targets``."""
    stored = {o.target_id: o for o in Outcome.objects.filter(target__in=targets)}
    return [stored.get(t.pk) for t in targets]


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


def _initiative_conflict(form, exc: services.EditConflict, initiative) -> dict:
    """Someone saved ``initiative`` first: what is stored now, for the page, and the form made
    ready to be saved again having seen it."""
    stored = _stored(initiative, retry=True)
    _conflict(form, exc, version=initiative.version)
    return stored


def _managed_departments(user):
    staff = staff_of(user)
    if staff.is_administrator:
        return Department.objects.select_related("municipality").order_by("municipality__name", "name")
    if staff.role == Role.DIRECTOR:
        return Department.objects.filter(pk=staff.department_id)
    return Department.objects.none()


# Home, fiscal years, deadlines ------------------------------------------------------------------

@staff_required
def home(request):
    declarations = declarations_visible(user=request.user).order_by(
        "-fiscal_year__year", "department__municipality__name", "department__name")
    return render(request, "staff/home.html", {
        "declarations": declarations,
        "can_create": _managed_departments(request.user).exists(),
    })


@staff_required
def year_list(request):
    staff = staff_of(request.user)
    if staff.role not in (Role.ADMINISTRATOR, Role.VIEWER):
        raise PermissionDenied(_("年度の一覧は管理者と閲覧者のページです"))
    form = forms.FiscalYearOpenForm(request.POST or None) if staff.is_administrator else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("年度を開始できるのは管理者だけです"))
        if form.is_valid():
            try:
                year = services.fiscal_year_open(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("%(label)sを開始しました") % {"label": year_label(year.year)})
                return redirect("staff:year_list")
    years = FiscalYear.objects.select_related("municipality").order_by("municipality__name", "-year")
    return render(request, "staff/year_list.html", {"years": years, "form": form})


@staff_required
def year_edit(request, pk: int):
    if not is_administrator(request.user):
        raise PermissionDenied(_("期限を設定できるのは管理者だけです"))
    try:
        year = FiscalYear.objects.select_related("municipality").get(pk=pk)
    except FiscalYear.DoesNotExist:
        raise Http404 from None
    initial = {f: getattr(year, f) for f in workflow.DEADLINE_FIELDS}
    conflict = False
    form = forms.DeadlinesEditForm(request.POST or None, initial={**initial, "opened": services.deadlines_stamp(year)})
    if request.method == "POST" and form.is_valid():
        try:
            services.fiscal_year_deadlines_set(user=request.user, fiscal_year=year, **form.cleaned_data)
        except services.EditConflict as exc:
            _conflict(form, exc)
            # The input stays; the page now carries what is stored (and shows it), so saving
            # again is a choice made knowing the other change.
            year.refresh_from_db()
            conflict = True
            form.data = form.data.copy()
            form.data["opened"] = services.deadlines_stamp(year)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("期限を保存しました"))
            return redirect("staff:year_list")
    return render(request, "staff/year_edit.html", {"year": year, "form": form, "conflict": conflict})


@staff_required
def late(request):
    staff = staff_of(request.user)
    if staff.role not in (Role.ADMINISTRATOR, Role.VIEWER):
        raise PermissionDenied(_("提出状況は管理者と閲覧者のページです"))
    years = list(FiscalYear.objects.select_related("municipality").order_by("-year", "municipality__name"))
    chosen = None
    if request.GET.get("year"):
        chosen = next((y for y in years if str(y.pk) == request.GET["year"]), None)
        if chosen is None:
            raise Http404
    elif years:
        chosen = years[0]
    today = timezone.localdate()
    rows = late_departments(user=request.user, fiscal_year=chosen, today=today) if chosen else []
    return render(request, "staff/late.html", {"years": years, "chosen": chosen, "rows": rows, "today": today})


@staff_required
def audit(request):
    return render(request, "staff/audit.html", {"entries": audit_entries(user=request.user)})


# Declarations -----------------------------------------------------------------------------------

@staff_required
def declaration_new(request):
    departments = _managed_departments(request.user)
    if not departments.exists():
        raise PermissionDenied(_("目標宣言を作成できるのは部長と管理者です"))
    fiscal_years = FiscalYear.objects.filter(
        municipality__in=departments.values("municipality")).select_related("municipality").order_by("-year")
    form = forms.DeclarationCreateForm(request.POST or None, departments=departments, fiscal_years=fiscal_years)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.declaration_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("staff:declaration", pk=declaration.pk)
    return render(request, "staff/declaration_new.html", {"form": form})


@staff_required
def declaration_detail(request, pk: int):
    declaration = _declaration(request, pk)
    user = request.user
    initiatives = initiatives_with_targets(declaration=declaration)
    scale = services.scale_for(declaration)
    rows = []
    for initiative in initiatives:
        initiative.declaration = declaration  # already loaded: spare a query per row
        editable = can_edit_initiative(user, initiative)
        targets = []
        for target in initiative.targets.all():
            target.initiative = initiative
            targets.append({"target": target, "outcome": getattr(target, "outcome", None),
                            "proposal": services.grade_proposal(target=target, scale=scale),
                            "progress": list(target.progress.all())})
        rows.append({
            "initiative": initiative,
            "targets": targets,
            "edit": editable and declaration.phase == Phase.DECLARATION,
            "progress": editable and declaration.phase == Phase.INTERIM_REPORT,
            "results": editable and declaration.phase == Phase.ACHIEVEMENT_REPORT,
            "correct": is_administrator(user) and (declaration.state == PublicationState.PUBLISHED
                                                   or declaration.publications.exists()),
        })
    manage = can_manage(user, declaration)
    next_phase = services.next_phase(declaration)
    return render(request, "staff/declaration_detail.html", {
        "declaration": declaration,
        "rows": rows,
        "transitions": [(a, TRANSITION_LABELS[a])
                        for a in services.transitions_allowed(user=user, declaration=declaration)],
        "can_add": manage and declaration.phase == Phase.DECLARATION
        and declaration.state in (PublicationState.DRAFT, PublicationState.SUBMITTED),
        "can_judge": manage and declaration.phase == Phase.ACHIEVEMENT_REPORT
        and declaration.state in (PublicationState.DRAFT, PublicationState.SUBMITTED),
        "next_phase": Phase(next_phase) if (manage and next_phase
                                            and declaration.state == PublicationState.PUBLISHED) else None,
        "can_carry_over": manage,
        "transition_form": forms.TransitionForm(),
        "publications": declaration.publications.order_by("-published_at", "-id")[:10],
    })


@require_POST
@staff_required
def declaration_action(request, pk: int, action: str):
    declaration = _declaration(request, pk)
    if action not in TRANSITION_LABELS:
        raise Http404
    form = forms.TransitionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.declaration_transition(user=request.user, declaration=declaration, action=action, reason=reason)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("「%(action)s」を行いました") % {"action": TRANSITION_LABELS[action]})
    return redirect("staff:declaration", pk=declaration.pk)


@require_POST
@staff_required
def declaration_start_phase(request, pk: int):
    declaration = _declaration(request, pk)
    try:
        services.declaration_start_phase(user=request.user, declaration=declaration,
                                         phase=request.POST.get("phase", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("次の段階を始めました。公開ページには前の段階の内容が表示され続けます"))
    return redirect("staff:declaration", pk=declaration.pk)


@staff_required
def declaration_carry_over(request, pk: int):
    source = _declaration(request, pk)
    if not can_manage(request.user, source):
        raise PermissionDenied(_("次年度の目標宣言を作成できるのはその部の部長と管理者です"))
    fiscal_years = FiscalYear.objects.filter(municipality=source.fiscal_year.municipality_id,
                                             year__gt=source.fiscal_year.year).order_by("year")
    initiatives = list(source.initiatives.order_by("position"))
    default = [str(i.pk) for i in services.carry_over_candidates(declaration=source)]
    form = forms.CarryOverForm(request.POST or None, fiscal_years=fiscal_years, initiatives=initiatives,
                               initial={"initiatives": default})
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.declaration_carry_over(
                user=request.user, source=source, fiscal_year=form.cleaned_data["fiscal_year"],
                initiative_ids=[int(pk) for pk in form.cleaned_data["initiatives"]])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("前年度の報告から目標宣言を作成しました"))
            return redirect("staff:declaration", pk=declaration.pk)
    return render(request, "staff/carry_over.html", {"source": source, "form": form, "initiatives": initiatives,
                                                      "has_years": fiscal_years.exists()})


@staff_required
def declaration_judge(request, pk: int):
    declaration = _declaration(request, pk)
    if not can_manage(request.user, declaration):
        raise PermissionDenied(_("評価を確定できるのはその部の部長と管理者です"))
    scale = services.scale_for(declaration)
    targets = []
    for initiative in initiatives_with_targets(declaration=declaration):
        for target in initiative.targets.all():
            target.initiative = initiative
            targets.append(target)
    proposals = {t.pk: services.grade_proposal(target=t, scale=scale) for t in targets}
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
    stored = False  # after a conflict: each target shows what the other person saved
    if request.method == "POST" and form.is_valid():
        judgements = [services.Judgement(target_id=t.pk, grade_code=d["grade"], override_reason=d["override_reason"],
                                         unmet_reason=d["unmet_reason"])
                      for t in targets for d in [form.target_data(t)]]
        try:
            services.declaration_judge(user=request.user, declaration=declaration,
                                       version=form.cleaned_data["version"], judgements=judgements)
            if "approve" in request.POST:
                services.declaration_transition(user=request.user, declaration=declaration, action="approve")
        except services.EditConflict as exc:
            # Each target now shows the grade and reasons stored by the other person, so saving
            # again from this page is a choice made having seen them.
            for target, outcome in zip(targets, _stored_outcomes(targets), strict=True):
                target.stored_outcome = outcome
            declaration.refresh_from_db(fields=["version"])
            _conflict(form, exc, version=declaration.version)
            stored = True
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("評価を確定し、承認しました") if "approve" in request.POST
                             else _("評価を保存しました"))
            return redirect("staff:declaration", pk=declaration.pk)
    return render(request, "staff/judge.html", {"declaration": declaration, "form": form, "scale": scale,
                                                "stored": stored})


# Initiatives --------------------------------------------------------------------------------------

def _plan_from(form, formset, current_sections: list[int]) -> services.InitiativePlan:
    targets = []
    for target_form in formset.forms:
        data = target_form.cleaned_data
        if not data or formset._should_delete_form(target_form) or not data.get("text", "").strip():
            continue
        targets.append(services.TargetPlan(
            id=data.get("id"), text=data["text"], kind=data.get("kind") or "", value=data.get("value"),
            unit=data.get("unit") or "", direction=data.get("direction") or "",
            baseline_value=data.get("baseline_value"), baseline_unit=data.get("baseline_unit") or "",
            due_date=data.get("due_date"), due_precision=data.get("due_precision") or ""))
    chosen = [s.pk for s in form.cleaned_data.get("sections") or []]
    # Checkboxes do not say in which order the sections are written: keep the written order
    # unless the set changed (then new ones go last).
    section_ids = [pk for pk in current_sections if pk in chosen] + [pk for pk in chosen if pk not in current_sections]
    return services.InitiativePlan(
        number=form.cleaned_data["number"], title=form.cleaned_data["title"],
        section_ids=section_ids,
        content=form.cleaned_data["content"], targets=targets)


def _proposed(formset, fiscal_year: int) -> list[dict]:
    """The formset's rows with what sengen reads from each target's text filled in."""
    rows = []
    for target_form in formset.forms:
        data = dict(target_form.cleaned_data or {})
        if data.get("text", "").strip() and not data.get("DELETE"):
            proposal = services.target_propose(text=data["text"], fiscal_year=fiscal_year)
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


def _plan_page(request, *, declaration, initiative=None):
    user = request.user
    sections_locked = initiative is not None and not can_manage(user, declaration)
    if initiative is None:
        next_number = max([i.number for i in declaration.initiatives.all()], default=0) + 1
        initial = {"number": next_number, "version": 0}
        target_initial = []
    else:
        initial = {"number": initiative.number, "title": initiative.title, "content": initiative.content,
                   "sections": [link.section_id for link in initiative.section_links.order_by("position")],
                   "version": initiative.version}
        target_initial = [_target_initial(t) for t in initiative.targets.current().order_by("position", "id")]
    data = request.POST if request.method == "POST" else None
    form = forms.InitiativePlanForm(data, initial=initial, department=declaration.department,
                                    sections_locked=sections_locked)
    formset = forms.TargetFormSet(data, initial=target_initial, prefix="targets")
    stored = None  # after a conflict: what the other person saved
    if data is not None and form.is_valid() and formset.is_valid():
        if "propose" in request.POST:
            # No-JavaScript proposal: show the form again with the figures read from the texts.
            formset = forms.TargetFormSet(initial=_proposed(formset, declaration.fiscal_year.year), prefix="targets")
            form = forms.InitiativePlanForm(initial=form.cleaned_data | {"version": form.cleaned_data["version"]},
                                            department=declaration.department, sections_locked=sections_locked)
            messages.info(request, _("達成目標の文から種類・数値・単位・期限を読み取りました。確認してから保存してください"))
        else:
            plan = _plan_from(form, formset, initial.get("sections", []))
            opened_ids = {f.cleaned_data.get("id") for f in formset.forms if f.cleaned_data.get("id")}
            if initiative is not None and opened_ids != {t["id"] for t in target_initial}:
                # A target was added, revised or removed since the page was opened: the rows no
                # longer match what is stored, and saving them would drop or misplace that change.
                stored = _targets_changed(form, initiative)
            else:
                try:
                    if initiative is None:
                        initiative = services.initiative_create(user=user, declaration=declaration, plan=plan)
                    else:
                        services.initiative_update(user=user, initiative=initiative,
                                                   version=form.cleaned_data["version"], plan=plan)
                except services.EditConflict as exc:
                    stored = _initiative_conflict(form, exc, initiative)
                except ValidationError as exc:
                    _form_errors(form, exc)
                else:
                    messages.success(request, _("取組を保存しました"))
                    return redirect(reverse("staff:declaration", args=[declaration.pk])
                                    + f"#initiative-{initiative.pk}")
    return render(request, "staff/initiative_plan.html", {
        "declaration": declaration, "initiative": initiative, "form": form, "formset": formset,
        "carried_from": getattr(initiative, "carried_from", None), "stored": stored})


@staff_required
def initiative_new(request, pk: int):
    declaration = _declaration(request, pk)
    if not can_manage(request.user, declaration):
        raise PermissionDenied(_("取組を追加できるのは部長と管理者です"))
    return _plan_page(request, declaration=declaration)


@staff_required
def initiative_edit(request, pk: int):
    initiative = _initiative(request, pk)
    if not can_edit_initiative(request.user, initiative):
        raise PermissionDenied(_("この取組を編集する権限がありません"))
    return _plan_page(request, declaration=initiative.declaration, initiative=initiative)


def _current_targets(initiative):
    return list(initiative.targets.current().select_related("outcome").order_by("position", "id"))


@staff_required
def initiative_progress(request, pk: int):
    initiative = _initiative(request, pk)
    if not can_edit_initiative(request.user, initiative):
        raise PermissionDenied(_("この取組の進捗を入力する権限がありません"))
    targets = _current_targets(initiative)
    form = forms.ProgressForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        entries = []
        for target in targets:
            data = form.target_data(target)
            entries.append(services.ProgressInput(target_id=target.pk, as_of=data["as_of"], value=data.get("value"),
                                                  unit=data.get("unit") or "", comment=data.get("comment") or ""))
        try:
            services.progress_record(user=request.user, initiative=initiative, entries=entries)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("進捗を保存しました"))
            return redirect(reverse("staff:declaration", args=[initiative.declaration_id])
                            + f"#initiative-{initiative.pk}")
    history = {t.pk: list(t.progress.order_by("as_of", "id")) for t in targets}
    return render(request, "staff/initiative_progress.html", {
        "initiative": initiative, "declaration": initiative.declaration, "form": form, "history": history})


@staff_required
def initiative_results(request, pk: int):
    initiative = _initiative(request, pk)
    if not can_edit_initiative(request.user, initiative):
        raise PermissionDenied(_("この取組の結果を入力する権限がありません"))
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
    form = forms.ResultsForm(request.POST or None, targets=targets, initial=initial)
    stored = None  # after a conflict: what the other person saved
    if request.method == "POST" and not same_targets:
        stored = _targets_changed(form, initiative)
    elif request.method == "POST" and form.is_valid():
        outcomes = []
        for target in targets:
            data = form.target_data(target)
            outcomes.append(services.OutcomeInput(
                target_id=target.pk, actual_value=data.get("actual_value"), actual_unit=data.get("actual_unit") or "",
                evaluation=data.get("evaluation") or "", unmet_reason=data.get("unmet_reason") or ""))
        data = services.ResultsInput(
            results=form.cleaned_data["results"], future_direction=form.cleaned_data["future_direction"],
            future_direction_category=form.cleaned_data["future_direction_category"],
            achievement_status=form.cleaned_data["achievement_status"], outcomes=outcomes)
        try:
            services.initiative_results_save(user=request.user, initiative=initiative,
                                             version=form.cleaned_data["version"], data=data)
        except services.EditConflict as exc:
            stored = _initiative_conflict(form, exc, initiative)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("取組結果を保存しました"))
            return redirect(reverse("staff:declaration", args=[initiative.declaration_id])
                            + f"#initiative-{initiative.pk}")
    return render(request, "staff/initiative_results.html", {
        "initiative": initiative, "declaration": initiative.declaration, "form": form, "stored": stored})


@staff_required
def initiative_correct(request, pk: int):
    initiative = _initiative(request, pk)
    if not is_administrator(request.user):
        raise PermissionDenied(_("公開済みの内容を訂正できるのは管理者だけです"))
    declaration = initiative.declaration
    with_results = services.correctable_results(declaration)
    targets, same_targets = _targets_opened(initiative, request.POST or None, "target")
    initial = {"version": initiative.version, "title": initiative.title, "content": initiative.content,
               "results": initiative.results, "future_direction": initiative.future_direction,
               "achievement_status": initiative.achievement_status}
    initial.update({f"target_{t.pk}": t.text for t in targets})
    form = forms.CorrectionForm(request.POST or None, targets=targets, initial=initial, with_results=with_results)
    stored = None  # after a conflict: what the other person saved
    if request.method == "POST" and not same_targets:
        stored = _targets_changed(form, initiative)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        correction = services.Correction(
            title=data["title"], content=data["content"],
            target_texts={t.pk: data[f"target_{t.pk}"] for t in targets},
            results=data.get("results"), future_direction=data.get("future_direction"),
            achievement_status=data.get("achievement_status"))
        try:
            services.initiative_correct(user=request.user, initiative=initiative, version=data["version"],
                                        reason=data["reason"], correction=correction)
        except services.EditConflict as exc:
            stored = _initiative_conflict(form, exc, initiative)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("訂正を公開しました"))
            return redirect("staff:initiative_history", pk=initiative.pk)
    return render(request, "staff/initiative_correct.html", {
        "initiative": initiative, "declaration": declaration, "form": form, "with_results": with_results,
        "stored": stored})


@staff_required
def initiative_history_view(request, pk: int):
    initiative = _initiative(request, pk)
    return render(request, "staff/initiative_history.html", {
        "initiative": initiative, "declaration": initiative.declaration,
        "revisions": initiative_history(initiative), "current": initiative_document(initiative=initiative)})


# Import -------------------------------------------------------------------------------------------

def _review_initial(doc: dict) -> dict:
    initial = {
        "municipality": doc["municipality"] or "", "fiscal_year": doc["fiscal_year"],
        "fiscal_year_label": doc["fiscal_year_label"], "document": doc["document"],
        "department": doc["department"], "director_title": doc["director"]["title"],
        "director_name": doc["director"]["name"], "state": PublicationState.DRAFT,
    }
    for i, item in enumerate(doc["initiatives"]):
        initial.update({
            f"i{i}_number": item["number"], f"i{i}_title": item["title"],
            f"i{i}_sections": "、".join(item["sections"]), f"i{i}_content": item["content"],
            f"i{i}_targets": [t["text"] for t in item["targets"]], f"i{i}_results": item["results"],
            f"i{i}_future_direction": item["future_direction"],
            f"i{i}_achievement_status": item["achievement_status"],
        })
    return initial


def _reviewed_document(form, parsed: dict) -> dict:
    """The document as staff corrected it. Targets whose text is unchanged keep what the parser
    read; changed or added ones are read again from their text (core.assess)."""
    data = form.cleaned_data
    doc = {
        "schema": parsed["schema"], "municipality": data["municipality"].strip() or None,
        "fiscal_year": data["fiscal_year"], "fiscal_year_label": data["fiscal_year_label"],
        "document": data["document"], "department": data["department"],
        "director": {"title": data["director_title"], "name": data["director_name"]}, "initiatives": [],
    }
    for i, before in enumerate(parsed["initiatives"]):
        title = (data[f"i{i}_title"] or "").strip()
        if not title:
            continue  # an initiative whose title was cleared is left out
        texts = data[f"i{i}_targets"]
        status, results = data[f"i{i}_achievement_status"], data[f"i{i}_results"]
        kept = {t["text"]: t for t in before["targets"]}
        unchanged = (texts == [t["text"] for t in before["targets"]]
                     and status == before["achievement_status"] and results == before["results"])
        if unchanged:
            targets = before["targets"]
        else:
            fresh = assess(texts, status if doc["document"] != "declaration" else [],
                           results if doc["document"] != "declaration" else [], fiscal_year=doc["fiscal_year"])
            targets = [kept.get(t["text"], t) if status == before["achievement_status"] else t for t in fresh]
        doc["initiatives"].append({
            "number": data[f"i{i}_number"], "title": title,
            "sections": [s.strip() for s in (data[f"i{i}_sections"] or "").split("、") if s.strip()],
            "content": data[f"i{i}_content"], "targets": targets, "results": results,
            "future_direction": data[f"i{i}_future_direction"], "achievement_status": status,
        })
    return doc


def origin_label(origin: dict) -> str:
    """Where a value was read, as staff look it up in the file: 2ページ・取組結果 / 12〜15行目."""
    parts = []
    if origin.get("page"):
        parts.append(_("%(n)sページ") % {"n": origin["page"]})
    if origin.get("cell"):
        parts.append(str(origin["cell"]))
    if origin.get("first_line"):
        first, last = origin["first_line"], origin.get("last_line") or origin["first_line"]
        parts.append(_("%(a)s行目") % {"a": first} if first == last else _("%(a)s〜%(b)s行目") % {"a": first, "b": last})
    return pgettext("between the parts of where a value was read", "・").join(parts)


def _show_provenance(form, where: dict) -> None:
    """Each field of the review says where in the file its text was read."""
    for path, origin in where.items():
        m = re.fullmatch(r"\$\.initiatives\[(\d+)\]\.(\w+)(?:\[(\d+)\])?", path)
        if not m:
            continue
        name = f"i{m.group(1)}_{m.group(2)}"
        field = form.fields.get(name)
        if field is None:
            continue
        label = origin_label(origin)
        if not label:
            continue
        seen = getattr(field, "_origins", [])
        if label not in seen:
            seen.append(label)
            field._origins = seen
            # Django prints help_text as markup; a sheet's name is the file author's text
            # (a sheet named <meta http-equiv="refresh" …> redirected the reviewer's browser).
            field.help_text = escape(_("読み取り元: %(where)s")
                                     % {"where": pgettext("between the places a value was read", "、").join(seen)})


def _value_at(doc: dict, path: str):
    m = re.fullmatch(r"\$\.initiatives\[(\d+)\]\.(\w+)(?:\[(\d+)\])?", path)
    if not m:
        return None
    try:
        value = doc["initiatives"][int(m.group(1))][m.group(2)]
        return value[int(m.group(3))] if m.group(3) is not None else value
    except (IndexError, KeyError, TypeError):
        return None


def _still_read(where: dict, parsed: dict, saved: dict) -> dict:
    """Provenance only for values saved as they were read: a corrected text was not read there."""
    return {path: origin for path, origin in where.items()
            if path == "$" or (_value_at(saved, path) is not None and _value_at(saved, path) == _value_at(parsed, path))}


# What was read travels to the review page and back in a hidden field. It is signed, so the
# save stores what the parser read (plus the staff's corrections, which are separate fields) and
# never a document or provenance someone wrote into the page; and it expires, so a review left
# open for days is read again from the file rather than saved from an old reading.
IMPORT_SALT = "sengen.staff.import-review"
IMPORT_MAX_AGE = 8 * 60 * 60  # seconds: a working day


def _sign_payload(payload: dict) -> str:
    return signing.dumps(payload, salt=IMPORT_SALT, compress=True)


def _replaces(doc: dict, declaration) -> dict:
    """What the review page told the person their import replaces: the report's department,
    year and city, and the version stored there then (None: nothing, the import creates it)."""
    return {"key": [doc["municipality"], doc["fiscal_year"], doc["department"]],
            "version": declaration.version if declaration is not None else None}


def _replacing(user, doc: dict):
    """The stored declaration saving ``doc`` would replace, if ``user`` may read it. Another
    department's report is not named to a director (nor its version put in the page); the
    service refuses that import anyway."""
    declaration = declaration_for_report(doc)
    return declaration if declaration is not None and can_read(user, declaration) else None


def _expected_version(replaces: dict | None, doc: dict):
    """The version ``report_import`` may replace: the one shown, while the department, year and
    city are still those shown; after staff corrected them, or for a review that recorded none,
    no version (so replacing a stored report is confirmed first)."""
    if not isinstance(replaces, dict):
        return None
    if replaces.get("key") != [doc["municipality"], doc["fiscal_year"], doc["department"]]:
        return None
    return replaces.get("version")


def _may_import(user) -> bool:
    staff = staff_of(user)
    return staff.is_administrator or staff.role == Role.DIRECTOR


@staff_required
def import_upload(request):
    if not _may_import(request.user):
        raise PermissionDenied(_("報告を取り込めるのは管理者と部長です"))
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            # Not in this worker: in a child with the time and memory budget of `sengen import`.
            doc, where, pages = read_upload_limited(data, source=upload.name)
        except ParseError as exc:
            form.add_error("file", _("報告として読めませんでした: %(error)s") % {"error": exc.text(_)})
        else:
            # A PDF's ToUnicode map can name any code point, a lone surrogate too, which no page
            # can be written in; the pages are only shown beside the reading, never stored.
            pages = [page.encode("utf-8", "replace").decode("utf-8") for page in pages]
            replacing = _replacing(request.user, doc)
            payload = {"doc": doc, "source": upload.name, "pages": pages,
                       "provenance": where, "replaces": _replaces(doc, replacing)}
            review = forms.ImportReviewForm(initial=_review_initial(doc) | {"payload": _sign_payload(payload)},
                                            initiatives=len(doc["initiatives"]),
                                            allow_states=is_administrator(request.user))
            _show_provenance(review, where)
            return render(request, "staff/import_review.html",
                          {"form": review, "payload": payload, "replacing": replacing})
    return render(request, "staff/import_upload.html", {"form": form})


@require_POST
@staff_required
def import_save(request):
    if not _may_import(request.user):
        raise PermissionDenied(_("報告を取り込めるのは管理者と部長です"))
    try:
        payload = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.SignatureExpired:
        messages.error(request, _("読み取った内容の確認は%(hours)s時間で期限が切れます。もう一度ファイルを選んでください")
                       % {"hours": IMPORT_MAX_AGE // 3600})
        return redirect("staff:import")
    except signing.BadSignature:
        messages.error(request, _("取込の内容が壊れているか書き換えられています。保存していません。もう一度ファイルを選んでください"))
        return redirect("staff:import")
    try:
        parsed = normalise(payload["doc"])
        source = str(payload.get("source", ""))[:500]
        pages = [str(p) for p in payload.get("pages", [])]
        where = {str(k): {str(a): b for a, b in v.items() if isinstance(b, str | int)}
                 for k, v in (payload.get("provenance") or {}).items() if isinstance(v, dict)}
    except (ValueError, KeyError, TypeError, ReportError):
        messages.error(request, _("取込の内容が壊れています。もう一度ファイルを選んでください"))
        return redirect("staff:import")
    replaces = payload.get("replaces")
    payload = {"doc": parsed, "source": source, "pages": pages, "provenance": where, "replaces": replaces}
    form = forms.ImportReviewForm(request.POST, initiatives=len(parsed["initiatives"]),
                                  allow_states=is_administrator(request.user))
    _show_provenance(form, where)
    replacing = _replacing(request.user, parsed)
    if form.is_valid():
        try:
            doc = _reviewed_document(form, parsed)
            replacing = _replacing(request.user, doc)  # the department and year as corrected
            declaration = services.report_import(doc=doc, source=source, state=form.cleaned_data["state"],
                                                 user=request.user, provenance=_still_read(where, parsed, doc),
                                                 expected_version=_expected_version(replaces, doc))
        except services.EditConflict as exc:
            _conflict(form, exc)
            # The corrections stay in the form; the page now says what saving replaces, so the
            # next save is made knowing it.
            payload["replaces"] = _replaces(doc, replacing)
            form.data = form.data.copy()
            form.data["payload"] = _sign_payload(payload)
        except ReportError as exc:
            form.add_error(None, _("保存できませんでした: %(error)s") % {"error": exc})
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("この報告を取り込む権限がありません"))
        else:
            messages.success(request, _("取り込みました（%(action)s）") % {"action": {
                "created": _("新規"), "updated": _("更新"), "unchanged": _("変更なし")}[declaration.import_action]})
            return redirect("staff:declaration", pk=declaration.pk)
    return render(request, "staff/import_review.html", {"form": form, "payload": payload, "replacing": replacing})
