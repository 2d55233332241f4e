"""The workflow table: the order of phases and states, who takes each action from where, and
which deadline each phase answers to."""

from __future__ import annotations

import pytest

from sengen.core import workflow as w


def test_phases_and_states_in_the_order_a_year_goes_through_them():
    assert w.PHASES == ("declaration", "interim_report", "achievement_report")
    assert w.STATES == ("draft", "submitted", "approved", "checked", "published")
    for phase, flow in w.FLOW.items():
        assert phase in w.PHASES
        assert list(flow) == sorted(flow, key=w.STATES.index), phase
        assert (flow[0], flow[-1]) == (w.DRAFT, w.PUBLISHED)


def test_only_the_year_end_report_is_approved_by_the_director():
    assert [p for p in w.PHASES if w.APPROVED in w.FLOW[p]] == [w.ACHIEVEMENT_REPORT]
    assert w.sources(w.DECLARATION, "approve") == frozenset()
    assert w.sources(w.INTERIM_REPORT, "approve") == frozenset()


@pytest.mark.parametrize(("phase", "action", "expected"), [
    (w.DECLARATION, "submit", {w.DRAFT}),
    (w.DECLARATION, "check", {w.SUBMITTED}),  # no approval in between
    (w.DECLARATION, "publish", {w.CHECKED}),
    (w.INTERIM_REPORT, "check", {w.SUBMITTED}),
    (w.ACHIEVEMENT_REPORT, "submit", {w.DRAFT}),
    (w.ACHIEVEMENT_REPORT, "approve", {w.SUBMITTED, w.DRAFT}),  # approving is also submitting
    (w.ACHIEVEMENT_REPORT, "check", {w.APPROVED}),
    (w.ACHIEVEMENT_REPORT, "publish", {w.CHECKED}),
    (w.DECLARATION, "return", {w.SUBMITTED, w.CHECKED}),
    (w.ACHIEVEMENT_REPORT, "return", {w.SUBMITTED, w.APPROVED, w.CHECKED}),
])
def test_each_action_starts_from_the_states_the_table_says(phase, action, expected):
    assert w.sources(phase, action) == expected


def test_nothing_leaves_published_and_nothing_but_return_leads_back_to_draft():
    for phase in w.PHASES:
        for action in w.ACTIONS:
            assert w.PUBLISHED not in w.sources(phase, action), (phase, action)
    assert {t.to for t in w.TRANSITIONS.values()} == set(w.STATES) - {w.DRAFT}
    assert w.ACTIONS == ("submit", "approve", "check", "publish", "return")


def test_who_takes_each_action():
    assert {a: t.by for a, t in w.TRANSITIONS.items()} == {
        "submit": w.MANAGER, "approve": w.MANAGER, "check": w.ADMINISTRATOR, "publish": w.ADMINISTRATOR}
    assert w.RETURN_BY_ADMINISTRATOR == (w.CHECKED,)


def test_each_phase_answers_to_its_own_deadline_and_due_state():
    assert w.DEADLINE_FIELD == {"declaration": "declaration_due", "interim_report": "interim_report_due",
                                "achievement_report": "achievement_report_due"}
    assert w.DEADLINE_FIELDS == ("declaration_due", "interim_report_due", "achievement_report_due")
    assert w.DUE_STATE == {w.DECLARATION: w.SUBMITTED, w.INTERIM_REPORT: w.SUBMITTED,
                           w.ACHIEVEMENT_REPORT: w.APPROVED}
    for phase, due in w.DUE_STATE.items():
        assert due in w.FLOW[phase]
    assert w.has_reached(w.CHECKED, w.APPROVED) and w.has_reached(w.APPROVED, w.APPROVED)
    assert not w.has_reached(w.SUBMITTED, w.APPROVED)


def test_the_next_phase_and_which_phase_is_later():
    assert [w.next_phase(p) for p in w.PHASES] == ["interim_report", "achievement_report", None]
    assert w.is_later_phase(w.ACHIEVEMENT_REPORT, w.DECLARATION)
    assert not w.is_later_phase(w.DECLARATION, w.DECLARATION)
    assert not w.is_later_phase(w.DECLARATION, w.INTERIM_REPORT)
    assert not w.is_later_phase("annual_report", w.DECLARATION)  # not a phase at all


def test_each_phase_has_the_name_the_citys_documents_print():
    # The seed's printed heading and the open-data 文書 column say exactly these words.
    assert w.DOCUMENT_NAMES == {
        w.DECLARATION: "目標宣言", w.INTERIM_REPORT: "中間報告", w.ACHIEVEMENT_REPORT: "達成状況報告",
    }
    assert tuple(w.DOCUMENT_NAMES) == w.PHASES
