"""The 目標宣言 programme's workflow: its phases, the states a phase goes through, who moves a
report from one state to the next, and which deadline each phase answers to.

This is the one place that says so. The database's choices (``declarations.workflow``), the
services that move a declaration, the late-departments dashboard, the folder import and the
``sengen.report/1`` check all read this table; core holds it because ``sengen.report/1``'s
``document`` values are the phases and core imports nothing of Django.
"""

from __future__ import annotations

from dataclasses import dataclass

# Phases, in the order a fiscal year goes through them. The values are sengen.report/1's
# ``document`` values and what the database stores.
DECLARATION = "declaration"
INTERIM_REPORT = "interim_report"
ACHIEVEMENT_REPORT = "achievement_report"
PHASES = (DECLARATION, INTERIM_REPORT, ACHIEVEMENT_REPORT)
# What the city's own documents call each phase: the printed table's heading and the open-data
# files' 文書 column say these words, untranslated, whatever the page's language (the pages'
# translatable labels are ``declarations.workflow.Phase``).
DOCUMENT_NAMES = {
    DECLARATION: "目標宣言",
    INTERIM_REPORT: "中間報告",
    ACHIEVEMENT_REPORT: "達成状況報告",
}

# States, in the order a phase goes through them (a phase may skip one: see FLOW).
DRAFT = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"
CHECKED = "checked"
PUBLISHED = "published"
STATES = (DRAFT, SUBMITTED, APPROVED, CHECKED, PUBLISHED)

FLOW = {
    DECLARATION: (DRAFT, SUBMITTED, CHECKED, PUBLISHED),
    INTERIM_REPORT: (DRAFT, SUBMITTED, CHECKED, PUBLISHED),
    # The year-end report alone is approved by the director, who judges each target's grade.
    ACHIEVEMENT_REPORT: (DRAFT, SUBMITTED, APPROVED, CHECKED, PUBLISHED),
}

# Who may take an action. The permission rules that decide who is which live with the staff
# roles (``declarations.selectors``); this table only says which of the two an action needs.
MANAGER = "manager"  # the department's director, or an administrator
ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class Transition:
    to: str
    by: str
    # States it starts from besides the one before ``to`` in the phase's flow.
    also_from: tuple[str, ...] = ()


TRANSITIONS = {
    "submit": Transition(SUBMITTED, MANAGER),
    # The director's approval is also the submission.
    "approve": Transition(APPROVED, MANAGER, also_from=(DRAFT,)),
    "check": Transition(CHECKED, ADMINISTRATOR),
    "publish": Transition(PUBLISHED, ADMINISTRATOR),
}
# Back to draft: only between submission and publication (what is published stays published;
# it is corrected, with a reason). Once checked only an administrator undoes the check.
RETURN = "return"
RETURNABLE = (SUBMITTED, APPROVED, CHECKED)
RETURN_BY_ADMINISTRATOR = (CHECKED,)
ACTIONS = (*TRANSITIONS, RETURN)  # in the order the staff page offers them

# The deadline each phase answers to (a FiscalYear field), and the state a department must have
# reached by it: the year-end report is due approved by the director, the others submitted.
DEADLINE_FIELD = {
    DECLARATION: "declaration_due",
    INTERIM_REPORT: "interim_report_due",
    ACHIEVEMENT_REPORT: "achievement_report_due",
}
DEADLINE_FIELDS = tuple(DEADLINE_FIELD[phase] for phase in PHASES)
DUE_STATE = {
    DECLARATION: SUBMITTED,
    INTERIM_REPORT: SUBMITTED,
    ACHIEVEMENT_REPORT: APPROVED,
}


def sources(phase: str, action: str) -> frozenset[str]:
    """The states ``action`` may start from in ``phase``; empty when the phase has no such step."""
    if action == RETURN:
        return frozenset(state for state in RETURNABLE if state in FLOW[phase])
    transition = TRANSITIONS[action]
    flow = FLOW[phase]
    if transition.to not in flow:
        return frozenset()
    return frozenset({flow[flow.index(transition.to) - 1], *transition.also_from})


def next_phase(phase: str) -> str | None:
    i = PHASES.index(phase)
    return PHASES[i + 1] if i + 1 < len(PHASES) else None


def is_later_phase(phase: str, than: str) -> bool:
    return phase in PHASES and PHASES.index(phase) > PHASES.index(than)


def has_reached(state: str, due: str) -> bool:
    """Whether a report in ``state`` has got at least as far as ``due``."""
    return STATES.index(state) >= STATES.index(due)
