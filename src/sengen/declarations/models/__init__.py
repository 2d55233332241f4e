"""The 目標宣言 programme as data: cities, fiscal years, departments, declarations and results.

Two rules shape these models:

- Text people wrote is stored exactly as written (titles, bullets, targets, even the fiscal year
  label as the source spells it); normalised values (numbers, dates, categories) live in fields
  of their own beside it, so a published report can always be reprinted word for word.
- Behaviour lives in ``services`` (writes) and ``selectors`` (reads), not in ``save()``; the only
  methods here are display helpers and QuerySet filters.

One module per noun: ``reference`` (cities, scales, years, departments, sections, staff roles),
``forms`` (forms and their versions), ``mail`` (mail preferences, reminders sent),
``declarations`` (declarations, initiatives, targets, outcomes, progress), ``publications``
(publication records, corrections, the audit log, the public index). Every model is imported
here: Django finds an app's models in ``models``, and callers import them from here.
"""

from ..workflow import Phase, PublicationState
from .declarations import (
    Declaration,
    DeclarationQuerySet,
    Direction,
    DuePrecision,
    FutureDirection,
    Initiative,
    InitiativeSection,
    Outcome,
    Progress,
    Target,
    TargetKind,
    TargetQuerySet,
)
from .forms import Form, FormVersion
from .mail import MailLanguage, MailPreference, ReminderKind, SentReminder
from .publications import (
    AuditEntry,
    GramsField,
    NgramsMatch,
    Publication,
    PublicationQuerySet,
    PublicEntry,
    PublicSummary,
    Revision,
)
from .reference import (
    Department,
    Evaluation,
    FiscalYear,
    Grade,
    GradingScale,
    Municipality,
    Role,
    Section,
    StaffProfile,
)

__all__ = [
    "AuditEntry", "Declaration", "DeclarationQuerySet", "Department", "Direction", "DuePrecision", "Evaluation",
    "FiscalYear", "Form", "FormVersion", "FutureDirection", "Grade", "GradingScale", "GramsField", "Initiative",
    "InitiativeSection", "MailLanguage", "MailPreference", "ReminderKind", "SentReminder",
    "Municipality", "NgramsMatch", "Outcome", "Phase", "Progress", "PublicEntry", "PublicSummary", "Publication",
    "PublicationQuerySet", "PublicationState", "Revision", "Role", "Section", "StaffProfile", "Target",
    "TargetKind", "TargetQuerySet",
]
