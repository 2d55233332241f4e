"""Deadline reminders: what `sengen remind` sends, and the guarantee it sends nothing twice.

For each fiscal year's deadline (``core.workflow.DEADLINE_FIELD``) and each department of the
city that has not reached what the deadline asks (``selectors.phase_reached``, the late
dashboard's rule), the department's people (``mail.concerned``) get:

- ``before``: once, from N days before the deadline (``SENGEN_REMIND_DAYS_BEFORE``) to the day;
- ``overdue``: once, from the day after the deadline, for N days more. A run missed on the day
  after (the server was down) still sends it; a year long past sends nothing, so a new
  installation or an imported old year does not wake everyone with old deadlines.

A reminder is claimed by inserting its ``SentReminder`` row before it is sent. The row's unique
key makes a second run (the next hour's, or one overlapping on another server) skip it: the
database refuses the second insert, where a check-then-insert would let both send. A message
that cannot be sent gives its claim back, so the next run tries again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from sengen.core import workflow

from . import mail
from .models import Declaration, Department, FiscalYear, ReminderKind, SentReminder
from .selectors import phase_reached


@dataclass(frozen=True)
class Due:
    """One reminder due to one person."""

    user: object
    fiscal_year: FiscalYear
    department: Department
    declaration: Declaration | None
    phase: str
    kind: str
    deadline: dt.date

    def key(self) -> dict:
        return {"user": self.user, "fiscal_year": self.fiscal_year, "department": self.department,
                "phase": self.phase, "kind": self.kind, "deadline": self.deadline}

    def line(self) -> str:
        kind = ReminderKind(self.kind).label
        return (f"{kind}: {self.user.email} {self.fiscal_year.label} {self.department.name} "
                f"{workflow.DOCUMENT_NAMES[self.phase]}（期限 {self.deadline:%Y-%m-%d}）")


def _kind(today: dt.date, deadline: dt.date, days: int) -> str | None:
    if deadline - dt.timedelta(days=days) <= today <= deadline:
        return ReminderKind.BEFORE
    if deadline < today <= deadline + dt.timedelta(days=max(days, 1)):
        return ReminderKind.OVERDUE
    return None


def due_reminders(today: dt.date, days: int | None = None) -> Iterator[Due]:
    """Every reminder due on ``today`` and not sent yet, year by year, department by department."""
    days = settings.SENGEN_REMIND_DAYS_BEFORE if days is None else days
    for year in FiscalYear.objects.select_related("municipality").order_by("year", "municipality__name"):
        windows = []
        for phase in workflow.PHASES:
            deadline = getattr(year, workflow.DEADLINE_FIELD[phase])
            kind = _kind(today, deadline, days) if deadline is not None else None
            if kind is not None:
                windows.append((phase, kind, deadline))
        if not windows:
            continue
        declarations = {d.department_id: d for d in year.declarations.all()}
        sent = {(r.user_id, r.department_id, r.phase, r.kind, r.deadline)
                for r in SentReminder.objects.filter(fiscal_year=year)}
        for department in Department.objects.filter(municipality=year.municipality_id).order_by("name"):
            declaration = declarations.get(department.pk)
            for phase, kind, deadline in windows:
                if phase_reached(declaration, phase):
                    continue
                for user in mail.concerned(department, declaration):
                    if (user.pk, department.pk, phase, kind, deadline) not in sent:
                        yield Due(user, year, department, declaration, phase, kind, deadline)


def _claim(due: Due) -> SentReminder | None:
    """The reminder's row, or None when another run has it already."""
    try:
        with transaction.atomic():
            return SentReminder.objects.create(**due.key())
    except IntegrityError:
        return None


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another run meanwhile


def remind(today: dt.date, *, dry_run: bool = False, report: Callable[[str], None] = print) -> Outcome:
    """Send every reminder due on ``today``, a line to ``report`` as each is sent (or, with
    ``dry_run``, would be)."""
    outcome = Outcome()
    dues = list(due_reminders(today))
    if dry_run:
        for due in dues:
            report(f"送信予定 {due.line()}")
        return outcome
    if not dues:
        return outcome
    connection, down = mail.opened_connection()
    try:
        for due in dues:
            # Composed before the claim: a message that cannot even be written must not hold a
            # claim that keeps the reminder from ever being sent.
            letter = mail.compose(due.user, due.kind, due.declaration or due.department,
                                  department=due.department, fiscal_year=due.fiscal_year, phase=due.phase,
                                  deadline=due.deadline, declaration=due.declaration)
            if down:  # the server cannot be reached: nothing is claimed, all is tried next run
                mail.record(letter, down)
                error = down
            else:
                claim = _claim(due)
                if claim is None:
                    outcome.skipped += 1
                    continue
                error = mail.send(letter, connection)
                if error is not None:
                    claim.delete()  # not sent: the next run tries again
            if error is None:
                outcome.sent += 1
                report(f"送信しました {due.line()}")
            else:
                outcome.failed += 1
                report(f"送信できませんでした {due.line()}: {error}")
    finally:
        if connection is not None:
            mail.close(connection)
    return outcome
