"""What a declaration still lacks, and what the person looking at it may do next (issue 12).

Reads only. ``missing`` lists the gaps a submission, approval, check or publication would pass
over (the transition service refuses them unless the person confirms); ``unjudged`` what must be
judged before the director approves (refused outright); ``next_actions`` the steps the staff page
offers this user on this declaration, the one primary step first. The page shows what these say
and decides nothing itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from sengen.core import workflow

from .forms import form_for_declaration
from .models import Declaration, Evaluation, Initiative, Phase, PublicationState, Target
from .permissions import can_add_initiative, can_judge, can_manage
from .selectors import transitions_allowed
from .workflow import TRANSITION_LABELS

# The steps that take a report forward: each passes over what is missing only when confirmed.
FORWARD = tuple(workflow.TRANSITIONS)


def _targets(declaration: Declaration):
    return (Target.objects.current().filter(initiative__declaration=declaration)
            .select_related("outcome", "outcome__grade", "initiative")
            .order_by("initiative__position", "position", "id"))


def _target_label(target: Target) -> str:
    return f"{target.initiative}: {target.text}"


def unjudged(declaration: Declaration) -> list[str]:
    """What still needs judging before approval, where the declaration's form grades: each
    initiative (its grade, and a reason for an unmet one), each target, or nothing."""
    placement = form_for_declaration(declaration).grade_placement
    if placement == "none":
        return []
    problems = []
    if placement == "initiative":
        for initiative in declaration.initiatives.order_by("position"):
            if not initiative.grade_code:
                problems.append(gettext("評価が確定していません: %(target)s") % {"target": str(initiative)})
        return problems
    for target in _targets(declaration):
        outcome = getattr(target, "outcome", None)
        label = _target_label(target)
        if outcome is None or outcome.judged_at is None:
            problems.append(gettext("評価が確定していません: %(target)s") % {"target": label})
        elif (Evaluation.NOT_ACHIEVED in (outcome.evaluation, getattr(outcome.grade, "evaluation", None))
              and not outcome.unmet_reason.strip()):
            problems.append(gettext("未達成の理由がありません: %(target)s") % {"target": label})
    return problems


def missing(declaration: Declaration) -> list[str]:
    """What the report lacks for its phase, one sentence each: no initiative at all; in the
    declaration an initiative without a target; in the interim report a target without progress;
    at the year's end an initiative without 取組結果 and a target with neither a figure, an
    evaluation nor a grade. Empty: nothing is missing. (Judging is not a gap to confirm but a
    condition of approval: ``unjudged``.)"""
    initiatives: list[Initiative] = list(declaration.initiatives.order_by("position"))
    if not initiatives:
        return [gettext("取組がありません")]
    # Only what the declaration's form asks for: a form without a 取組結果 column lacks no
    # results, one that grades initiatives no per-target figure.
    form = form_for_declaration(declaration)
    layout = form.layouts.get(declaration.phase)
    roles = set(layout.roles) if layout is not None else {"targets", "results"}
    gaps = []
    targets = list(_targets(declaration))
    with_targets = {t.initiative_id for t in targets}
    if declaration.phase == Phase.DECLARATION and "targets" in roles:
        gaps += [gettext("達成目標がありません: %(initiative)s") % {"initiative": str(i)}
                 for i in initiatives if i.pk not in with_targets]
    elif declaration.phase == Phase.INTERIM_REPORT:
        reported = set(Target.objects.filter(pk__in=[t.pk for t in targets], progress__isnull=False)
                       .values_list("pk", flat=True))
        gaps += [gettext("進捗がありません: %(target)s") % {"target": _target_label(t)}
                 for t in targets if t.pk not in reported and not t.interim_status]
    elif declaration.phase == Phase.ACHIEVEMENT_REPORT:
        if "results" in roles:
            gaps += [gettext("取組結果がありません: %(initiative)s") % {"initiative": str(i)}
                     for i in initiatives if not i.results]
        for target in targets if form.grade_placement not in ("initiative", "none") else ():
            outcome = getattr(target, "outcome", None)
            if outcome is None or not (outcome.actual_value is not None or outcome.grade_code
                                       or outcome.evaluation != Evaluation.NOT_EVALUATED):
                gaps.append(gettext("実績・評価がありません: %(target)s") % {"target": _target_label(target)})
    return gaps


@dataclass(frozen=True)
class NextAction:
    """A step the page offers: ``name`` is a workflow action (a button posting to it) or one of
    "judge", "add_initiative", "start_phase" (the page knows where each goes)."""

    name: str
    label: str
    primary: bool = False

    @property
    def is_transition(self) -> bool:
        return self.name in workflow.ACTIONS

    @property
    def forward(self) -> bool:
        return self.name in FORWARD


JUDGE = gettext_lazy("評価を確定する（部長）")
ADD_INITIATIVE = gettext_lazy("取組を追加する")
START_PHASE = gettext_lazy("%(phase)sを始める")


def next_actions(*, user, declaration: Declaration) -> list[NextAction]:
    """The steps ``user`` may take on ``declaration`` now, the primary one (at most one) first.

    Only what this user may take is listed. Where two buttons would do the same, one is offered:
    at the year's end the director's approval is also the submission, so 提出する is not offered
    beside 部長として承認する; while a grade is unjudged, approval (which would be refused) is
    reached through the judge page, which is then the primary step."""
    allowed = transitions_allowed(user=user, declaration=declaration)
    forward = [a for a in allowed if a in FORWARD]
    if "approve" in forward and "submit" in forward:
        forward.remove("submit")
    candidates: list[tuple[str, str]] = []  # (name, label) in order of preference
    judging = can_judge(user, declaration)
    if judging and unjudged(declaration) and "approve" in forward:
        forward.remove("approve")
        candidates.append(("judge", str(JUDGE)))
    adding = can_add_initiative(user, declaration)
    if adding and not declaration.initiatives.exists():
        candidates.append(("add_initiative", str(ADD_INITIATIVE)))
    candidates += [(a, str(TRANSITION_LABELS[a])) for a in forward]
    following = workflow.next_phase(declaration.phase)
    if following and declaration.state == PublicationState.PUBLISHED and can_manage(user, declaration):
        candidates.append(("start_phase", START_PHASE % {"phase": Phase(following).label}))
    if adding and ("add_initiative", str(ADD_INITIATIVE)) not in candidates:
        candidates.append(("add_initiative", str(ADD_INITIATIVE)))
    if judging and ("judge", str(JUDGE)) not in candidates:
        candidates.append(("judge", str(JUDGE)))
    if workflow.RETURN in allowed:
        candidates.append((workflow.RETURN, str(TRANSITION_LABELS[workflow.RETURN])))
    # Taking a report back to draft is never what the page urges: it is offered, not primary.
    return [NextAction(name, label, primary=(i == 0 and name != workflow.RETURN))
            for i, (name, label) in enumerate(candidates)]

