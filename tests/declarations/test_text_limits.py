"""Issue 9.2: the services refuse text beyond core/limits.py, so a caller that bypasses the staff
forms (a script, a future API) cannot store a report that takes minutes to draw. Each refusal
leaves what was stored as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sengen.core.limits import (
    MAX_INITIATIVES,
    MAX_ITEMS,
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    MAX_REPORT_CHARS,
    MAX_TARGETS,
)
from sengen.declarations import services as s
from sengen.declarations.models import Initiative, Outcome, Progress, Revision
from sengen.declarations.services import _common, plans

from .test_workflow import _publish, fresh, initiative, results_input

pytestmark = pytest.mark.django_db

LONG_LINE = "A" * (MAX_LINE_CHARS + 1)
LONG_NAME = "取" * (MAX_NAME_CHARS + 1)


@pytest.fixture
def draft(people):
    fy = s.fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2024)
    return s.declaration_create(user=people.director, department=people.department, fiscal_year=fy)


def plan(**changes) -> s.InitiativePlan:
    fields = {"number": 1, "title": "地域コミュニティの推進", "content": ["自治会への加入を促進します。"],
              "targets": [s.TargetPlan(text="自治会の加入促進")]}
    fields.update(changes)
    return s.InitiativePlan(**fields)


@pytest.mark.parametrize("changes, key", [
    ({"title": LONG_NAME}, "title"),
    ({"content": ["短い", LONG_LINE]}, "content"),
    ({"content": [f"項目{i}" for i in range(MAX_ITEMS + 1)]}, "content"),
    ({"targets": [s.TargetPlan(text=LONG_LINE)]}, None),
    ({"targets": [s.TargetPlan(text=f"目標{i}") for i in range(MAX_TARGETS + 1)]}, None),
    ({"targets": [s.TargetPlan(text="登録者数：10人", kind="numeric", value=10, unit="人" * 51)]}, None),
])
def test_the_plan_services_refuse_text_beyond_the_limits(people, draft, changes, key):
    with pytest.raises(ValidationError) as refused:
        s.initiative_create(user=people.director, declaration=draft, plan=plan(**changes))
    if key:
        assert key in refused.value.message_dict
    assert not Initiative.objects.filter(declaration=draft).exists()

    item = s.initiative_create(user=people.director, declaration=draft, plan=plan())
    with pytest.raises(ValidationError):
        s.initiative_update(user=people.director, initiative=item, version=fresh(item).version, plan=plan(**changes))
    item = fresh(item)
    assert (item.title, item.content) == ("地域コミュニティの推進", ["自治会への加入を促進します。"])
    assert [t.text for t in item.targets.current()] == ["自治会の加入促進"]


def test_a_line_at_the_limit_is_taken(people, draft):
    at_limit = "A" * MAX_LINE_CHARS
    item = s.initiative_create(user=people.director, declaration=draft,
                               plan=plan(title="取" * MAX_NAME_CHARS, content=[at_limit] * 3))
    assert fresh(item).content == [at_limit] * 3


def test_the_message_says_which_line_and_the_limit(people, draft):
    with pytest.raises(ValidationError) as refused:
        s.initiative_create(user=people.director, declaration=draft, plan=plan(content=["短い", LONG_LINE]))
    message = refused.value.message_dict["content"][0]
    assert "2行目" in message and f"{MAX_LINE_CHARS:,}" in message and f"{MAX_LINE_CHARS + 1:,}" in message


def test_a_report_has_at_most_max_initiatives(people, draft, monkeypatch):
    # The count is checked against the constant; a smaller one keeps the test quick.
    monkeypatch.setattr(plans, "MAX_INITIATIVES", 3)
    for number in (1, 2, 3):
        s.initiative_create(user=people.director, declaration=draft, plan=plan(number=number))
    with pytest.raises(ValidationError):
        s.initiative_create(user=people.director, declaration=draft, plan=plan(number=4))
    assert draft.initiatives.count() == 3
    assert MAX_INITIATIVES >= 100


def test_the_report_as_a_whole_is_bounded(people, draft, monkeypatch):
    monkeypatch.setattr(_common, "MAX_REPORT_CHARS", 5_000)
    s.initiative_create(user=people.director, declaration=draft, plan=plan(number=1, content=["A" * 1_900] * 2))
    with pytest.raises(ValidationError) as refused:
        s.initiative_create(user=people.director, declaration=draft, plan=plan(number=2, content=["A" * 1_900] * 2))
    assert "5,000" in refused.value.messages[0]
    assert draft.initiatives.count() == 1
    assert MAX_REPORT_CHARS >= 100_000


def test_progress_comment_beyond_the_limit_is_refused(people, seed_doc):
    fy = s.fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2024)
    declaration = s.declaration_create(user=people.director, department=people.department, fiscal_year=fy)
    item = s.initiative_create(user=people.director, declaration=declaration, plan=plan())
    for user, action in [(people.director, "submit"), (people.admin, "check"), (people.admin, "publish")]:
        s.declaration_transition(user=user, declaration=declaration, action=action)
    s.declaration_start_phase(user=people.director, declaration=fresh(declaration), phase="interim_report")
    target = item.targets.get()
    with pytest.raises(ValidationError) as refused:
        s.progress_record(user=people.director, initiative=item, entries=[
            s.ProgressInput(target_id=target.pk, as_of=dt.date(2024, 9, 30), comment=LONG_LINE)])
    assert f"comment_{target.pk}" in refused.value.message_dict
    assert not Progress.objects.exists()


@pytest.mark.parametrize("field", ["results", "future_direction", "achievement_status"])
def test_year_end_lists_beyond_the_limit_are_refused(people, reports, field):
    one = initiative(reports[0], 1)
    before = getattr(one, field)
    data = results_input(one)
    setattr(data, field, [LONG_LINE])
    with pytest.raises(ValidationError) as refused:
        s.initiative_results_save(user=people.director, initiative=one, version=one.version, data=data)
    assert field in refused.value.message_dict
    assert getattr(fresh(one), field) == before


def test_an_unmet_reason_beyond_the_limit_is_refused(people, reports):
    one = initiative(reports[0], 1)
    target = one.targets.current().first()
    data = results_input(one, **{str(target.position): {"unmet_reason": LONG_LINE}})
    with pytest.raises(ValidationError) as refused:
        s.initiative_results_save(user=people.director, initiative=one, version=one.version, data=data)
    assert f"unmet_reason_{target.pk}" in refused.value.message_dict
    assert not Outcome.objects.filter(target=target, unmet_reason=LONG_LINE).exists()


@pytest.mark.parametrize("field", ["override_reason", "unmet_reason"])
def test_judging_with_a_reason_beyond_the_limit_is_refused(people, reports, field):
    mine = reports[0]
    target = initiative(mine, 1).targets.current().first()
    proposal = s.grade_proposal(target=target)
    judgement = s.Judgement(target_id=target.pk, grade_code=proposal or "未達成", **{field: LONG_LINE})
    with pytest.raises(ValidationError) as refused:
        s.declaration_judge(user=people.director, declaration=mine, version=fresh(mine).version,
                            judgements=[judgement])
    assert f"{field}_{target.pk}" in refused.value.message_dict
    assert not Outcome.objects.filter(target=target, judged_at__isnull=False).exists()


@pytest.mark.parametrize("what", ["reason", "title", "content", "target"])
def test_a_correction_beyond_the_limits_is_refused(people, reports, what):
    mine = _publish(people, reports[0])
    one = initiative(mine, 1)
    target = one.targets.current().first()
    reason, correction = "誤字の訂正", s.Correction(title=one.title, content=list(one.content),
                                                 target_texts={target.pk: target.text + "。"})
    if what == "reason":
        reason = LONG_LINE
    elif what == "title":
        correction.title = LONG_NAME
    elif what == "content":
        correction.content = [LONG_LINE]
    else:
        correction.target_texts = {target.pk: LONG_LINE}
    with pytest.raises(ValidationError):
        s.initiative_correct(user=people.admin, initiative=one, version=one.version, reason=reason,
                             correction=correction)
    assert not Revision.objects.exists()
    assert fresh(one).title == initiative(mine, 1).title


def test_a_director_name_or_a_transition_comment_beyond_the_limit_is_refused(people, draft):
    fy = draft.fiscal_year
    with pytest.raises(ValidationError):
        s.declaration_create(user=people.admin, department=people.other_department, fiscal_year=fy,
                             director_name=LONG_NAME)
    s.initiative_create(user=people.director, declaration=draft, plan=plan())
    with pytest.raises(ValidationError):
        s.declaration_transition(user=people.director, declaration=draft, action="submit", reason=LONG_LINE)
    assert fresh(draft).state == "draft"
