"""Fiscal years: 行政経営課 opens a year and sets each phase's deadline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from sengen.core import workflow
from sengen.core.eras import fiscal_year_label

from .. import audit, mail
from ..models import (
    FiscalYear,
    Municipality,
)
from ..permissions import (
    Refusal,
    is_administrator,
    require,
)
from ..selectors import (
    deadlines_stamp,
)
from ._common import (
    EditConflict,
    _conflict_message,
)


def _check_deadlines(declaration_due, interim_report_due, achievement_report_due) -> None:
    given = [d for d in (declaration_due, interim_report_due, achievement_report_due) if d is not None]
    if given != sorted(given):
        raise ValidationError(gettext("期限は 目標宣言 → 中間報告 → 達成状況報告 の順に設定してください"))


@transaction.atomic
def fiscal_year_open(*, user, municipality: Municipality, year: int, declaration_due: dt.date | None = None,
                     interim_report_due: dt.date | None = None,
                     achievement_report_due: dt.date | None = None) -> FiscalYear:
    """行政経営課 opens a fiscal year and sets each phase's deadline."""
    require(is_administrator(user), Refusal.OPEN_YEAR)
    _check_deadlines(declaration_due, interim_report_due, achievement_report_due)
    if FiscalYear.objects.filter(municipality=municipality, year=year).exists():
        raise ValidationError({"year": gettext("%(year)sはすでにあります") % {"year": fiscal_year_label(year)}})
    fiscal_year = FiscalYear.objects.create(
        municipality=municipality, year=year, declaration_due=declaration_due,
        interim_report_due=interim_report_due, achievement_report_due=achievement_report_due)
    audit.record(user, "fiscal_year.open", fiscal_year, declaration_due=declaration_due,
                 interim_report_due=interim_report_due, achievement_report_due=achievement_report_due)
    mail.year_opened_after_commit(fiscal_year=fiscal_year)
    return fiscal_year


@transaction.atomic
def fiscal_year_deadlines_set(*, user, fiscal_year: FiscalYear, declaration_due: dt.date | None,
                              interim_report_due: dt.date | None,
                              achievement_report_due: dt.date | None, opened: str | None = None) -> FiscalYear:
    """Set a year's deadlines. ``opened``: the ``deadlines_stamp`` the form was opened on;
    EditConflict when they changed since (None: the caller read them in this transaction)."""
    require(is_administrator(user), Refusal.SET_DEADLINES)
    _check_deadlines(declaration_due, interim_report_due, achievement_report_due)
    caller, fiscal_year = fiscal_year, FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if opened is not None and opened != deadlines_stamp(fiscal_year):
        raise EditConflict(_conflict_message("fiscalyear", fiscal_year.pk))
    before = {f: getattr(fiscal_year, f) for f in workflow.DEADLINE_FIELDS}
    fiscal_year.declaration_due = declaration_due
    fiscal_year.interim_report_due = interim_report_due
    fiscal_year.achievement_report_due = achievement_report_due
    fiscal_year.save(update_fields=list(before))
    audit.record(user, "fiscal_year.deadlines", fiscal_year, before=before,
                 after={f: getattr(fiscal_year, f) for f in before})
    for name in workflow.DEADLINE_FIELDS:  # the caller's object says what is stored now
        setattr(caller, name, getattr(fiscal_year, name))
    return fiscal_year
