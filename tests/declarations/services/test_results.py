"""``services.results``: interim progress, year-end results and judging — whose initiative
a user may save, optimistic locking, the grade sengen proposes and the reasons judging needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sengen.declarations.grading import grade_proposal
from sengen.declarations.models import Outcome, Progress
from sengen.declarations.services._common import EditConflict
from sengen.declarations.services.plans import TargetPlan, initiative_create
from sengen.declarations.services.results import (
    Judgement,
    OutcomeInput,
    ProgressInput,
    declaration_judge,
    initiative_results_save,
    progress_record,
)
from sengen.declarations.services.transitions import declaration_start_phase, declaration_transition

from ..helpers import LONG_LINE, fresh, initiative, judge_all, plan, results_input

pytestmark = pytest.mark.django_db


def test_a_section_editor_changes_only_their_sections_initiatives(people, reports):
    mine, _ = reports
    own, others = initiative(mine, 1), initiative(mine, 2)  # 市民協働課, 交通防犯担当
    initiative_results_save(user=people.editor, initiative=own, version=own.version, data=results_input(own))
    with pytest.raises(PermissionDenied):
        initiative_results_save(user=people.editor, initiative=others, version=others.version,
                                data=results_input(others, **{"1": {"unmet_reason": "x"}}))


def test_a_target_id_from_another_initiative_is_refused(people, reports):
    mine, other = reports
    own = initiative(mine, 1)
    foreign = initiative(other, 2).targets.first()
    data = results_input(own)
    data.outcomes.append(OutcomeInput(target_id=foreign.pk, actual_value=Decimal(1)))
    with pytest.raises(PermissionDenied):
        initiative_results_save(user=people.editor, initiative=own, version=own.version, data=data)
    assert not hasattr(fresh(foreign), "outcome") or foreign.outcome.actual_value is None


# Optimistic locking ---------------------------------------------------------------------------

def test_the_second_of_two_saves_from_the_same_version_is_refused(people, reports):
    mine, _ = reports
    one = initiative(mine, 1)
    opened = one.version  # both opened the form at this version
    first = results_input(one)
    first.results = ["先に保存した内容"]
    initiative_results_save(user=people.editor, initiative=initiative(mine, 1), version=opened, data=first)
    second = results_input(one)
    second.results = ["後から保存しようとした内容"]
    with pytest.raises(EditConflict) as info:
        initiative_results_save(user=people.director, initiative=initiative(mine, 1), version=opened,
                                data=second)
    assert "別の利用者が保存しました" in str(info.value) and "kyodo" in str(info.value)
    assert fresh(one).results == ["先に保存した内容"]
    assert fresh(one).version == opened + 1


@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_on_postgresql_one_wins_and_the_other_is_refused(seed_doc):
    """Two threads save the same initiative from the same version at the same moment: the row
    lock makes the second wait for the first and then find the version gone."""
    import threading

    from django.db import connection, connections

    from ..people import draft_reports, make_people

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers by locking the whole file; the race needs PostgreSQL")
    people = make_people()
    mine, _ = draft_reports(seed_doc)
    one = initiative(mine, 1)
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(name, user, text):
        try:
            data = results_input(one)
            data.results = [text]
            barrier.wait()
            initiative_results_save(user=user, initiative=one, version=one.version, data=data)
            outcomes[name] = "saved"
        except EditConflict:
            outcomes[name] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=("editor", people.editor, "編集者の文")),
               threading.Thread(target=save, args=("director", people.director, "部長の文"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(name for name, result in outcomes.items() if result == "saved")
    assert fresh(one).results == [{"editor": "編集者の文", "director": "部長の文"}[winner]]


# Judging ----------------------------------------------------------------------------------------

def test_results_propose_a_grade_on_the_citys_scale(people, reports):
    mine, _ = reports
    five = initiative(mine, 5)  # マイナンバーカード: 13,055 of 14,500 枚
    card = five.targets.get(position=1)
    initiative_results_save(user=people.admin, initiative=five, version=five.version, data=results_input(
        five, **{"1": {"actual_value": Decimal(13055), "unmet_reason": "申請が伸びなかったため"}}))
    outcome = fresh(card).outcome
    assert outcome.achievement_rate == Decimal("0.9003")
    assert outcome.evaluation == "not_achieved"
    assert outcome.proposed_grade_code == "概ね達成"  # three-step scale: ≥ 80 %


def test_overriding_the_proposed_grade_needs_a_reason(people, reports):
    mine, _ = reports
    card = initiative(mine, 5).targets.get(position=1)
    judgement = Judgement(target_id=card.pk, grade_code="達成", unmet_reason="申請が伸びなかったため")
    with pytest.raises(ValidationError) as info:
        declaration_judge(user=people.director, declaration=mine, version=mine.version, judgements=[judgement])
    assert f"override_reason_{card.pk}" in info.value.message_dict
    assert fresh(card).outcome.grade is None
    judgement.override_reason = "年度末の申請分が翌月交付になったため実質達成"
    declaration_judge(user=people.director, declaration=fresh(mine), version=fresh(mine).version,
                      judgements=[judgement])
    outcome = fresh(card).outcome
    assert (outcome.grade_code, outcome.proposed_grade_code) == ("達成", "概ね達成")
    assert outcome.grade_override_reason == "年度末の申請分が翌月交付になったため実質達成"
    assert outcome.judged_by == people.director


def test_confirming_the_proposal_needs_no_reason(people, reports):
    mine, _ = reports
    done = initiative(mine, 4).targets.get(position=0)  # achieved by the report's own words
    declaration_judge(user=people.director, declaration=mine, version=mine.version,
                      judgements=[Judgement(target_id=done.pk, grade_code="達成")])
    assert fresh(done).outcome.grade_override_reason == ""


def test_an_unmet_target_needs_a_reason_when_results_are_saved(people, reports):
    mine, _ = reports
    two = initiative(mine, 2)
    with pytest.raises(ValidationError) as info:
        initiative_results_save(user=people.admin, initiative=two, version=two.version, data=results_input(
            two, **{"1": {"actual_value": Decimal(11820)}}))
    mail = two.targets.get(position=1)
    assert f"unmet_reason_{mail.pk}" in info.value.message_dict


def test_an_unmet_target_needs_a_reason_when_judged_and_approval_waits_for_every_judgement(people, reports):
    mine, _ = reports
    mail = initiative(mine, 2).targets.get(position=1)  # imported as not_achieved, no reason
    with pytest.raises(ValidationError) as info:
        declaration_judge(user=people.director, declaration=mine, version=mine.version,
                          judgements=[Judgement(target_id=mail.pk, grade_code="概ね達成")])
    assert f"unmet_reason_{mail.pk}" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        declaration_transition(user=people.director, declaration=mine, action="approve")
    assert any("評価が確定していません" in m for m in info.value.messages)
    judge_all(people.director, mine)
    declaration_transition(user=people.director, declaration=mine, action="approve")
    assert fresh(mine).state == "approved"


def test_changed_figures_withdraw_the_directors_judgement(people, reports):
    mine, _ = reports
    judge_all(people.director, mine)
    five = initiative(mine, 5)
    initiative_results_save(user=people.admin, initiative=five, version=five.version, data=results_input(
        five, **{"1": {"actual_value": Decimal(15000)}}))
    assert fresh(five.targets.get(position=1)).outcome.judged_at is None
    with pytest.raises(ValidationError):
        declaration_transition(user=people.director, declaration=mine, action="approve")


# Text beyond core/limits.py (issue 9.2) --------------------------------------------------------

def test_progress_comment_beyond_the_limit_is_refused(people, seed_doc, draft):
    declaration = draft
    item = initiative_create(user=people.director, declaration=declaration, plan=plan())
    for user, action in [(people.director, "submit"), (people.admin, "check"), (people.admin, "publish")]:
        declaration_transition(user=user, declaration=declaration, action=action)
    declaration_start_phase(user=people.director, declaration=fresh(declaration), phase="interim_report")
    target = item.targets.get()
    with pytest.raises(ValidationError) as refused:
        progress_record(user=people.director, initiative=item, entries=[
            ProgressInput(target_id=target.pk, as_of=dt.date(2024, 9, 30), comment=LONG_LINE)])
    assert f"comment_{target.pk}" in refused.value.message_dict
    assert not Progress.objects.exists()


@pytest.mark.parametrize("field", ["results", "future_direction", "achievement_status"])
def test_year_end_lists_beyond_the_limit_are_refused(people, reports, field):
    one = initiative(reports[0], 1)
    before = getattr(one, field)
    data = results_input(one)
    setattr(data, field, [LONG_LINE])
    with pytest.raises(ValidationError) as refused:
        initiative_results_save(user=people.director, initiative=one, version=one.version, data=data)
    assert field in refused.value.message_dict
    assert getattr(fresh(one), field) == before


def test_an_unmet_reason_beyond_the_limit_is_refused(people, reports):
    one = initiative(reports[0], 1)
    target = one.targets.current().first()
    data = results_input(one, **{str(target.position): {"unmet_reason": LONG_LINE}})
    with pytest.raises(ValidationError) as refused:
        initiative_results_save(user=people.director, initiative=one, version=one.version, data=data)
    assert f"unmet_reason_{target.pk}" in refused.value.message_dict
    assert not Outcome.objects.filter(target=target, unmet_reason=LONG_LINE).exists()


@pytest.mark.parametrize("field", ["override_reason", "unmet_reason"])
def test_judging_with_a_reason_beyond_the_limit_is_refused(people, reports, field):
    mine = reports[0]
    target = initiative(mine, 1).targets.current().first()
    proposal = grade_proposal(target=target)
    judgement = Judgement(target_id=target.pk, grade_code=proposal or "未達成", **{field: LONG_LINE})
    with pytest.raises(ValidationError) as refused:
        declaration_judge(user=people.director, declaration=mine, version=fresh(mine).version,
                          judgements=[judgement])
    assert f"{field}_{target.pk}" in refused.value.message_dict
    assert not Outcome.objects.filter(target=target, judged_at__isnull=False).exists()


# A figure in another unit than its target's (issue 12.4) ---------------------------------------

def test_a_result_in_another_unit_is_refused_naming_the_unit_expected(people, reports):
    mine, _ = reports
    two = initiative(mine, 2)  # くらし安心メール: 登録目標 １２,０００人
    mail = two.targets.get(position=1)
    assert mail.unit == "人"
    with pytest.raises(ValidationError) as refused:
        initiative_results_save(user=people.admin, initiative=two, version=two.version, data=results_input(
            two, **{"1": {"actual_value": Decimal(12500), "actual_unit": "件"}}))
    assert refused.value.message_dict[f"actual_unit_{mail.pk}"] == [
        "単位が達成目標と異なります。「人」で入力してください（入力された単位: 件）"]
    assert not Outcome.objects.filter(target=mail, actual_value=12500).exists()
    # The target's unit, written full-width or left out, is the same unit.
    for unit in ("人", ""):
        initiative_results_save(user=people.admin, initiative=two, version=fresh(two).version, data=results_input(
            two, **{"1": {"actual_value": Decimal(12500), "actual_unit": unit}}))
        assert fresh(mail).outcome.actual_unit == "人"


def test_progress_in_another_unit_is_refused_naming_the_unit_expected(people, draft):
    item = initiative_create(user=people.director, declaration=draft,
                             plan=plan(targets=[TargetPlan(text="登録者数１２,０００人", value=Decimal(12000), unit="人")]))
    for user, action in [(people.director, "submit"), (people.admin, "check"), (people.admin, "publish")]:
        declaration_transition(user=user, declaration=draft, action=action)
    declaration_start_phase(user=people.director, declaration=fresh(draft), phase="interim_report")
    target = item.targets.get()
    with pytest.raises(ValidationError) as refused:
        progress_record(user=people.director, initiative=item, entries=[
            ProgressInput(target_id=target.pk, as_of=dt.date(2024, 9, 30), value=Decimal(12500), unit="件")])
    assert "「人」で入力してください" in refused.value.message_dict[f"unit_{target.pk}"][0]
    assert not Progress.objects.exists()
    progress_record(user=people.director, initiative=item, entries=[
        ProgressInput(target_id=target.pk, as_of=dt.date(2024, 9, 30), value=Decimal(6000), unit="人")])
    assert Progress.objects.get().unit == "人"
