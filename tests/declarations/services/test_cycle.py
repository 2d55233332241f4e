"""A cycle that guides (issue 12, part 4): what a report lacks is listed and passed over only
when confirmed; the director changes nothing after submitting until they take it back to draft
(recorded); each state offers the person looking at it one primary step and nothing they may
not take."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from sengen.declarations import cycle
from sengen.declarations.models import AuditEntry, Declaration, Phase, PublicationState
from sengen.declarations.permissions import Refusal
from sengen.declarations.services.plans import initiative_create, initiative_update
from sengen.declarations.services.transitions import Incomplete, declaration_transition

from ..helpers import fresh, plan

pytestmark = pytest.mark.django_db


def _names(actions) -> list[str]:
    return [a.name for a in actions]


def _primary(actions) -> list[str]:
    return [a.name for a in actions if a.primary]


def _in(declaration, *, phase: str, state: str) -> Declaration:
    Declaration.objects.filter(pk=declaration.pk).update(phase=phase, state=state)
    return fresh(declaration)


# What is missing ------------------------------------------------------------------------------

def test_a_declaration_with_initiatives_without_targets_is_submitted_only_when_confirmed(people, draft):
    initiative_create(user=people.director, declaration=draft, plan=plan())
    for number in (2, 3, 4, 5):
        initiative_create(user=people.director, declaration=draft,
                          plan=plan(number=number, title=f"取組その{number}", targets=[]))
    gaps = cycle.missing(draft)
    assert gaps == [f"達成目標がありません: {n}. 取組その{n}" for n in (2, 3, 4, 5)]

    with pytest.raises(Incomplete) as refused:
        declaration_transition(user=people.director, declaration=draft, action="submit")
    assert refused.value.messages[1:] == gaps  # the list, after the sentence saying what to do
    assert "不足を確認して進める" in refused.value.messages[0]
    assert fresh(draft).state == PublicationState.DRAFT

    declaration_transition(user=people.director, declaration=draft, action="submit", confirm_incomplete=True)
    assert fresh(draft).state == PublicationState.SUBMITTED
    assert AuditEntry.objects.get(action="declaration.submit").detail["incomplete"] == gaps


def test_an_empty_declaration_lacks_its_initiatives(draft):
    assert cycle.missing(draft) == ["取組がありません"]


def test_a_complete_declaration_goes_forward_without_asking(people, draft):
    initiative_create(user=people.director, declaration=draft, plan=plan())
    assert cycle.missing(draft) == []
    declaration_transition(user=people.director, declaration=draft, action="submit")
    assert fresh(draft).state == PublicationState.SUBMITTED


def test_a_year_end_report_without_results_lists_each_initiative_and_target(people, reports):
    mine, _ = reports
    mine.initiatives.update(results=[])
    gaps = cycle.missing(mine)
    assert [g for g in gaps if g.startswith("取組結果がありません")] == [
        f"取組結果がありません: {i}" for i in mine.initiatives.order_by("position")]
    # Check and publish are the administrator's steps forward: refused the same way.
    mine = _in(mine, phase=Phase.ACHIEVEMENT_REPORT, state=PublicationState.APPROVED)
    with pytest.raises(Incomplete):
        declaration_transition(user=people.admin, declaration=mine, action="check")
    declaration_transition(user=people.admin, declaration=mine, action="check", confirm_incomplete=True)
    with pytest.raises(Incomplete):
        declaration_transition(user=people.admin, declaration=mine, action="publish")
    assert fresh(mine).state == PublicationState.CHECKED


def test_taking_a_report_back_to_draft_needs_no_confirmation(people, reports):
    mine = _in(reports[0], phase=Phase.ACHIEVEMENT_REPORT, state=PublicationState.SUBMITTED)
    assert cycle.missing(mine)
    declaration_transition(user=people.director, declaration=mine, action="return")
    assert fresh(mine).state == PublicationState.DRAFT


# Editing after submission: refused, with the way back named ------------------------------------

def test_after_submitting_the_director_edits_nothing_until_taking_it_back(people, draft):
    initiative = initiative_create(user=people.director, declaration=draft, plan=plan())
    declaration_transition(user=people.director, declaration=draft, action="submit")
    with pytest.raises(PermissionDenied) as refused:
        initiative_create(user=people.director, declaration=draft, plan=plan(number=2, title="追加"))
    assert str(refused.value) == str(Refusal.EDIT_SUBMITTED) and "作成中に戻す" in str(refused.value)
    with pytest.raises(PermissionDenied, match="作成中に戻す"):
        initiative_update(user=people.director, initiative=initiative, version=fresh(initiative).version,
                          plan=plan(title="変更"))
    assert fresh(initiative).title == "地域コミュニティの推進" and draft.initiatives.count() == 1

    declaration_transition(user=people.director, declaration=draft, action="return")
    entry = AuditEntry.objects.get(action="declaration.return")
    assert (entry.user, entry.detail["before"], entry.detail["after"]) == (people.director, "submitted", "draft")
    initiative_update(user=people.director, initiative=initiative, version=fresh(initiative).version,
                      plan=plan(title="変更"))
    assert fresh(initiative).title == "変更"


def test_the_office_may_still_fix_a_submitted_declaration(people, draft):
    initiative_create(user=people.director, declaration=draft, plan=plan())
    declaration_transition(user=people.director, declaration=draft, action="submit")
    initiative_create(user=people.admin, declaration=draft, plan=plan(number=2, title="行政経営課が追加"))
    assert draft.initiatives.count() == 2


# One primary step per state, for the person looking -------------------------------------------

def test_a_declaration_in_draft_offers_its_director_submit_and_the_office_the_same(people, draft):
    assert _primary(cycle.next_actions(user=people.director, declaration=draft)) == ["add_initiative"]
    initiative_create(user=people.director, declaration=draft, plan=plan())
    actions = cycle.next_actions(user=people.director, declaration=draft)
    assert _names(actions) == ["submit", "add_initiative"] and _primary(actions) == ["submit"]
    for who in ("viewer", "editor", "other_director"):
        assert cycle.next_actions(user=people.by_role(who), declaration=draft) == []


def test_each_state_of_the_year_end_report_has_one_primary_step_for_whoever_may_take_it(people, reports):
    mine, _ = reports
    director, admin = people.director, people.admin
    # Draft, grades unjudged: the judge page, which approves; no 提出する beside 承認する.
    actions = cycle.next_actions(user=director, declaration=mine)
    assert _names(actions) == ["judge"] and _primary(actions) == ["judge"]
    assert "submit" not in _names(cycle.next_actions(user=admin, declaration=mine))

    mine = _in(mine, phase=Phase.ACHIEVEMENT_REPORT, state=PublicationState.APPROVED)
    assert _names(cycle.next_actions(user=director, declaration=mine)) == ["return"]
    assert _primary(cycle.next_actions(user=director, declaration=mine)) == []  # the office's turn
    actions = cycle.next_actions(user=admin, declaration=mine)
    assert _names(actions) == ["check", "return"] and _primary(actions) == ["check"]

    mine = _in(mine, phase=Phase.ACHIEVEMENT_REPORT, state=PublicationState.CHECKED)
    assert cycle.next_actions(user=director, declaration=mine) == []  # only the office undoes a check
    assert _primary(cycle.next_actions(user=admin, declaration=mine)) == ["publish"]

    mine = _in(mine, phase=Phase.ACHIEVEMENT_REPORT, state=PublicationState.PUBLISHED)
    assert cycle.next_actions(user=director, declaration=mine) == []  # the last phase: nothing follows
    for who in ("viewer", "editor"):
        for state in PublicationState.values:
            assert cycle.next_actions(user=people.by_role(who), declaration=_in(
                mine, phase=Phase.ACHIEVEMENT_REPORT, state=state)) == [], (who, state)


def test_a_published_declaration_offers_its_director_the_next_phase(people, reports):
    mine = _in(reports[0], phase=Phase.DECLARATION, state=PublicationState.PUBLISHED)
    actions = cycle.next_actions(user=people.director, declaration=mine)
    assert _primary(actions) == ["start_phase"] and actions[0].label == "中間報告を始める"


def test_a_submitted_declaration_offers_its_director_only_the_way_back(people, reports):
    mine = _in(reports[0], phase=Phase.DECLARATION, state=PublicationState.SUBMITTED)
    assert _names(cycle.next_actions(user=people.director, declaration=mine)) == ["return"]
    assert _primary(cycle.next_actions(user=people.admin, declaration=mine)) == ["check"]


def test_what_is_missing_follows_the_declarations_form(people):
    # F2 (an initiative-graded form without a 取組結果 column): no per-target result and no
    # 取組結果 is missing; its grades are not a gap to confirm but what approval needs.
    from sengen.declarations.services.imports import report_import
    from tests.staff.test_form_fields import f2_doc

    f2 = report_import(doc=f2_doc(), state="draft").declaration
    assert cycle.missing(f2) == []
    assert cycle.unjudged(f2) == ["評価が確定していません: 1. 家庭ごみの減量", "評価が確定していません: 2. 公園愛護会の担い手づくり"]
    assert _primary(cycle.next_actions(user=people.director, declaration=f2)) == ["judge"]
