"""Writes. Every change to the programme's data goes through a function in this package, one
module per noun: ``imports`` (storing a report), ``fiscal_years``, ``plans`` (declarations and
their initiatives), ``results`` (progress, results, judging), ``transitions`` (the workflow's
steps), ``publications`` (what citizens read, and corrections). ``_common`` holds the locking
and checks they share. Reads are in ``selectors`` and ``grading``; who may do what in
``permissions``.

Every service takes the acting ``user``, checks the user's scope itself (not only in templates:
PermissionDenied whatever the URL or form said), and records an AuditEntry for what it wrote.

The names below are re-exported only while callers move to the defining modules."""

from ..grading import grade_proposal, municipality_scale, propose_grade_for, scale_for
from ..selectors import (
    carry_over_candidates,
    correctable_results,
    deadlines_stamp,
    next_phase,
    transitions_allowed,
)
from ._common import EditConflict
from .fiscal_years import fiscal_year_deadlines_set, fiscal_year_open
from .imports import ANY_VERSION, ImportResult, municipality_for_report, report_import
from .plans import (
    InitiativePlan,
    TargetPlan,
    declaration_carry_over,
    declaration_create,
    initiative_create,
    initiative_update,
    target_propose,
)
from .publications import Correction, initiative_correct
from .results import (
    Judgement,
    OutcomeInput,
    ProgressInput,
    ResultsInput,
    declaration_judge,
    initiative_results_save,
    progress_record,
)
from .transitions import (
    declaration_approve,
    declaration_check,
    declaration_publish,
    declaration_start_phase,
    declaration_transition,
)

__all__ = [
    "ANY_VERSION", "Correction", "EditConflict", "ImportResult", "InitiativePlan", "Judgement", "OutcomeInput",
    "ProgressInput", "ResultsInput", "TargetPlan", "carry_over_candidates", "correctable_results",
    "deadlines_stamp", "declaration_approve", "declaration_carry_over", "declaration_check", "declaration_create", "declaration_judge", "declaration_publish",
    "declaration_start_phase", "declaration_transition", "fiscal_year_deadlines_set", "fiscal_year_open",
    "grade_proposal", "initiative_correct", "initiative_create", "initiative_results_save", "initiative_update",
    "municipality_for_report", "municipality_scale", "next_phase", "progress_record", "propose_grade_for",
    "report_import", "scale_for", "target_propose", "transitions_allowed",
]
