"""Steps the service tests share: finding and refreshing what they changed, the year-end input
as the form would send it, judging and publishing a report, running a command, and text just beyond
core/limits.py (issue 9.2: the services refuse it, so a caller that bypasses the staff forms — a
script, a future API — cannot store a report that takes minutes to draw)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sengen.core.limits import MAX_LINE_CHARS, MAX_NAME_CHARS
from sengen.declarations.grading import grade_proposal
from sengen.declarations.models import Initiative, Target
from sengen.declarations.services.plans import InitiativePlan, TargetPlan
from sengen.declarations.services.results import Judgement, OutcomeInput, ResultsInput, declaration_judge
from sengen.declarations.services.transitions import declaration_transition


def initiative(declaration, number) -> Initiative:
    return declaration.initiatives.get(number=number)


def fresh(obj):
    obj.refresh_from_db()
    return obj


def results_input(initiative, **outcomes) -> ResultsInput:
    return ResultsInput(
        results=list(initiative.results), future_direction=list(initiative.future_direction),
        future_direction_category=initiative.future_direction_category,
        achievement_status=list(initiative.achievement_status),
        outcomes=[OutcomeInput(target_id=t.pk, **outcomes.get(str(t.position), {}))
                  for t in initiative.targets.current()],
    )


def judge_all(user, declaration, **overrides):
    """Confirm every proposal; ``overrides`` maps target pk → Judgement fields."""
    judgements = []
    for target in Target.objects.current().filter(initiative__declaration=declaration).select_related("outcome"):
        proposal = grade_proposal(target=target)
        fields = {"grade_code": proposal or "未達成", "unmet_reason": "周知が不足したため",
                  "override_reason": "" if proposal else "実績を示す数値がないため"}
        fields.update(overrides.get(target.pk, {}))
        judgements.append(Judgement(target_id=target.pk, **fields))
    declaration_judge(user=user, declaration=declaration, version=fresh(declaration).version,
                      judgements=judgements)


def publish(people, declaration):
    judge_all(people.director, declaration)
    for user, action in [(people.director, "approve"), (people.admin, "check"), (people.admin, "publish")]:
        declaration_transition(user=user, declaration=declaration, action=action)
    return fresh(declaration)


LONG_LINE = "A" * (MAX_LINE_CHARS + 1)
LONG_NAME = "取" * (MAX_NAME_CHARS + 1)


def plan(**changes) -> InitiativePlan:
    fields = {"number": 1, "title": "地域コミュニティの推進", "content": ["自治会への加入を促進します。"],
              "targets": [TargetPlan(text="自治会の加入促進")]}
    fields.update(changes)
    return InitiativePlan(**fields)


def soshiki_columns(number_label: str = "番号", *, graded: bool = True) -> list[dict]:
    """The table of a 課's 組織目標, the city's own form the form tests store (no preset):
    課題 / 達成水準 / 方策 / 協働関係先, and 達成度 where the document grades."""
    columns = [{"label": number_label, "parts": ["number"]},
               {"label": "課題", "parts": ["title"]},
               {"label": "達成水準", "parts": ["targets"]},
               {"label": "方策", "parts": ["approach"]},
               {"label": "協働関係先", "parts": ["partners"]}]
    return [*columns, {"label": "達成度", "parts": ["grade"]}] if graded else columns


def soshiki_form(code: str, layouts: dict, *, name: str = "課の組織目標", number_label: str = "番号",
                 scale: str = "three-step", **more) -> dict:
    """A 課's 組織目標 as its programme office writes the definition, graded per initiative;
    each test file says what its own version differs in (code, name, layouts, scale)."""
    data = {"code": code, "name": name, "programme": "組織目標", "unit_kind": "課", "numbered": True,
            "number_label": number_label, "grade_placement": "initiative", "scale": scale}
    data.update(more)
    data["layouts"] = layouts
    return data


def run(*args) -> str:
    """A management command's output, as `sengen` would print it."""
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def refused(*args) -> CommandError:
    """The one-line refusal (exit status 2) a command gives ``args``."""
    with pytest.raises(CommandError) as info:
        run(*args)
    assert info.value.returncode == 2
    assert "\n" not in str(info.value).strip()
    return info.value
