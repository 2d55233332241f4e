"""Mail: who is told what, in which language, and the one place a message is sent and recorded.

Three occasions (issue 12): a phase opens (the year opens, or a declaration starts its interim or
year-end report) → the directors and section editors concerned; a hand-off (submitted, approved
→ the office; returned with a reason → the director; published → the director and editors); a
deadline (``declarations.reminders``, `sengen remind`) → the department's people while it is
late. Each message is rendered in its recipient's language (``MailPreference``), from the
plain-text templates in ``templates/declarations/mail/``, and recorded in the audit log, sent or
failed.

A workflow write never waits on the mail server inside its transaction, and never fails because
of it: hand-off and phase mail go after the transaction commits (``transaction.on_commit``), and
a message that cannot be sent is logged and recorded as ``mail.failed``; the write stands.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, pgettext

from sengen.core import workflow
from sengen.core.eras import fiscal_year_label

from . import audit
from .models import (
    Declaration,
    Department,
    FiscalYear,
    MailLanguage,
    MailPreference,
    Phase,
    PublicationState,
    Role,
)

log = logging.getLogger(__name__)

# What each occasion's subject says. The recipient's language is active when these are read.
SUBJECTS = {
    "year_opened": lambda: gettext("【sengen】%(year)sの目標宣言の作成が始まりました（%(department)s）"),
    "phase_opened": lambda: gettext("【sengen】%(department)sの%(phase)sの作成が始まりました（%(year)s）"),
    "submitted": lambda: gettext("【sengen】%(department)sの%(phase)sが提出されました（%(year)s）"),
    "approved": lambda: gettext("【sengen】%(department)sの%(phase)sが部長に承認されました（%(year)s）"),
    "returned": lambda: gettext("【sengen】%(department)sの%(phase)sが作成中に戻されました（%(year)s）"),
    "published": lambda: gettext("【sengen】%(department)sの%(phase)sが公開されました（%(year)s）"),
    "before": lambda: gettext("【sengen】%(department)sの%(phase)sの期限は%(deadline)sです"),
    "overdue": lambda: gettext("【sengen】%(department)sの%(phase)sの期限（%(deadline)s）が過ぎました"),
}
# Deadline mail cannot be turned off (MailPreference.handoffs covers everything else).
DEADLINE_KINDS = frozenset({"before", "overdue"})
# A workflow action → the mail it sends. "approve" from draft is also the submission: the office
# hears of it either way. "check" tells no one: the office checks its own work.
ACTION_KINDS = {"submit": "submitted", "approve": "approved", "return": "returned", "publish": "published"}


def enabled() -> bool:
    """Whether this installation sends mail at all (SENGEN_EMAIL_HOST set)."""
    return bool(getattr(settings, "SENGEN_EMAIL_ENABLED", False))


# Who ------------------------------------------------------------------------------------------

def _reachable(users) -> list:
    """Active accounts with an address, each once, in a stable order."""
    return sorted({u.pk: u for u in users if u.is_active and u.email}.values(), key=lambda u: u.pk)


def _with_role(role: str, **scope):
    return get_user_model().objects.filter(staff_profile__role=role, **{f"staff_profile__{k}": v
                                                                      for k, v in scope.items()})


def office() -> list:
    """行政経営課: the accounts with the administrator role, who check and publish what departments
    submit (a superuser without a role is the IT account, not the office)."""
    return _reachable(_with_role(Role.ADMINISTRATOR))


def directors(department: Department) -> list:
    return _reachable(_with_role(Role.DIRECTOR, department=department))


def concerned(department: Department, declaration: Declaration | None) -> list:
    """A department's people for its declaration: the director and the section editors of the
    sections its initiatives name, or of every section of the department while none is named
    (a declaration not yet written)."""
    section_ids = set()
    if declaration is not None:
        section_ids = set(declaration.initiatives.values_list("section_links__section_id", flat=True)) - {None}
    if not section_ids:
        section_ids = set(department.sections.values_list("pk", flat=True))
    editors = _with_role(Role.SECTION_EDITOR, section__in=section_ids)
    return _reachable([*directors(department), *editors])


def preference(user) -> tuple[str, bool]:
    """(language, wants hand-off and phase mail) for ``user``; no row: Japanese, all mail."""
    pref = MailPreference.objects.filter(user=user).first()
    if pref is None:
        return MailLanguage.JA, True
    return pref.language, pref.handoffs


# What -----------------------------------------------------------------------------------------

@dataclass
class Letter:
    """One message to one person, rendered in their language; ``about`` is what the audit entry
    names (a declaration, a fiscal year or a department)."""

    user: Any
    kind: str
    about: Any
    subject: str
    body: str
    detail: dict = field(default_factory=dict)

    def message(self) -> EmailMessage:
        return EmailMessage(self.subject, self.body, settings.DEFAULT_FROM_EMAIL, [self.user.email])


def _one_line(text: str) -> str:
    # A header is one line (a name with a newline would be refused by Django as an injection).
    return " ".join(str(text).split())


def _staff_url(name: str, *args) -> str:
    base = getattr(settings, "SENGEN_SITE_URL", "")
    return f"{base}{reverse(name, args=args)}" if base else ""


def compose(user, kind: str, about, *, department: Department, fiscal_year: FiscalYear, phase: str,
            deadline=None, reason: str = "", declaration: Declaration | None = None) -> Letter:
    """The message of ``kind`` for ``user``, in the language they chose."""
    language, _ = preference(user)
    with translation.override(language):
        year = pgettext("fiscal year in mail", "%(era_label)s") % {
            "era_label": fiscal_year_label(fiscal_year.year), "year": fiscal_year.year}
        context = {
            "name": audit.user_name(user), "department": department.name, "year": year,
            "phase": str(Phase(phase).label),
            "deadline": formats.date_format(deadline, "DATE_FORMAT") if deadline else "",
            "days": getattr(settings, "SENGEN_REMIND_DAYS_BEFORE", 7),
            "reason": reason,
            "url": (_staff_url("staff:declaration", declaration.pk) if declaration is not None
                    else _staff_url("staff:home")),
            "preferences_url": _staff_url("staff:mail_preferences"),
            # What the deadline asks the department to have done (submitted; approved at year end).
            "due": str(PublicationState(workflow.DUE_STATE[phase]).label),
            "deadline_mail": kind in DEADLINE_KINDS,
        }
        subject = _one_line(SUBJECTS[kind]() % context)
        body = render_to_string(f"declarations/mail/{kind}.txt", context)
    return Letter(user, kind, about, subject, body,
                  {"kind": kind, "phase": phase, "language": language,
                   **({"deadline": deadline} if deadline else {})})


def letters(users: Iterable, kind: str, about, **context) -> list[Letter]:
    """``kind``'s message for each of ``users`` who takes it (deadline mail: everyone)."""
    return [compose(user, kind, about, **context) for user in users
            if kind in DEADLINE_KINDS or preference(user)[1]]


# Sending --------------------------------------------------------------------------------------

def _error(exc: Exception) -> str:
    return _one_line(f"{type(exc).__name__}: {exc}")[:500]


def record(letter: Letter, error: str | None) -> None:
    """The audit entry of one message, sent or not (and the log line of one that was not)."""
    if error:
        log.warning("mail %s to %s failed: %s", letter.kind, letter.user.email, error)
    audit.record(None, "mail.failed" if error else "mail.sent", letter.about, to=letter.user.email,
                 recipient=letter.user.get_username(), subject=letter.subject, **letter.detail,
                 **({"error": error} if error else {}))


def send(letter: Letter, connection) -> str | None:
    """Send one message over ``connection`` and record it; the error in one line, or None."""
    try:
        connection.send_messages([letter.message()])
    except Exception as exc:  # the server refusing the address, the line dropping…: the caller goes on
        error = _error(exc)
    else:
        error = None
    record(letter, error)
    return error


def opened_connection():
    """(an open connection, None), or (None, why) when the server cannot be reached: the caller
    then records each message as failed at once, instead of waiting out EMAIL_TIMEOUT once per
    message (a year's opening mails thirty people; the office's page would hang for minutes)."""
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # refused, unknown host, timed out, TLS or login refused
        return None, _error(exc)
    return connection, None


def close(connection) -> None:
    try:
        connection.close()
    except Exception:  # the messages are already recorded; a server that failed may refuse QUIT
        pass


def request_budget() -> float:
    """How long a step's mail may keep the office's request (it is sent once the step commits,
    before the page answers). gunicorn kills a worker past SENGEN_WORKER_TIMEOUT: the office would
    get a 502 for a step already stored, and the messages not yet sent would be neither sent nor
    recorded. One message may take a couple of EMAIL_TIMEOUTs more, hence the margin."""
    return max(5, settings.SENGEN_WORKER_TIMEOUT - 2 * int(settings.EMAIL_TIMEOUT or 10) - 5)


def send_all(batch: list[Letter]) -> list[str | None]:
    """Send ``batch`` over one connection within ``request_budget()``; each message's error (or
    None), in order. Past the budget (a slow server, a year opening that mails hundreds) the
    rest is recorded as failed, each with its reason, as when the server is down."""
    if not batch:
        return []
    connection, error = opened_connection()
    if connection is None:
        for letter in batch:
            record(letter, error)
        return [error] * len(batch)
    budget = request_budget()
    deadline = time.monotonic() + budget
    errors: list[str | None] = []
    try:
        for letter in batch:
            if time.monotonic() > deadline:
                late = f"not sent: the step's mail ran past {budget:g} s (the mail server is slow)"
                record(letter, late)
                errors.append(late)
            else:
                errors.append(send(letter, connection))
        return errors
    finally:
        close(connection)


def _after_commit(job) -> None:
    """Run ``job`` once the caller's transaction commits. robust: a bug in composing a message
    is logged, never turned into an error for a write that is already stored."""
    if enabled():
        transaction.on_commit(job, robust=True)


# The occasions (the services call these, inside their transaction) ---------------------------

def _declaration(pk: int) -> Declaration:
    return Declaration.objects.select_related("department", "fiscal_year").get(pk=pk)


def handoff_after_commit(*, declaration: Declaration, action: str, reason: str = "", by=None) -> None:
    """A workflow step was taken: tell whoever takes the report next, except ``by``, who took it
    (a director taking back their own submission needs no mail about it)."""
    kind = ACTION_KINDS.get(action)
    if kind is None:
        return
    pk, by_pk = declaration.pk, getattr(by, "pk", None)

    def job():
        decl = _declaration(pk)
        if kind in ("submitted", "approved"):
            users = office()
        elif kind == "returned":
            users = directors(decl.department)
        else:
            users = concerned(decl.department, decl)
        users = [u for u in users if u.pk != by_pk]
        send_all(letters(users, kind, decl, department=decl.department, fiscal_year=decl.fiscal_year,
                         phase=decl.phase, deadline=_deadline(decl.fiscal_year, decl.phase), reason=reason,
                         declaration=decl))

    _after_commit(job)


def phase_opened_after_commit(*, declaration: Declaration, by=None) -> None:
    """A declaration began its interim or year-end report: its people start writing (all but
    ``by``, who began it)."""
    pk, by_pk = declaration.pk, getattr(by, "pk", None)

    def job():
        decl = _declaration(pk)
        users = [u for u in concerned(decl.department, decl) if u.pk != by_pk]
        send_all(letters(users, "phase_opened", decl, department=decl.department,
                         fiscal_year=decl.fiscal_year, phase=decl.phase,
                         deadline=_deadline(decl.fiscal_year, decl.phase), declaration=decl))

    _after_commit(job)


def year_opened_after_commit(*, fiscal_year: FiscalYear) -> None:
    """The office opened a year: every department of the city starts its declaration."""
    pk = fiscal_year.pk

    def job():
        year = FiscalYear.objects.get(pk=pk)
        batch = []
        for department in Department.objects.filter(municipality=year.municipality_id).order_by("name"):
            batch += letters(concerned(department, None), "year_opened", year, department=department,
                             fiscal_year=year, phase=Phase.DECLARATION,
                             deadline=_deadline(year, Phase.DECLARATION))
        send_all(batch)

    _after_commit(job)


def _deadline(fiscal_year: FiscalYear, phase: str):
    return getattr(fiscal_year, workflow.DEADLINE_FIELD[phase])
