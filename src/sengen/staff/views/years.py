"""The staff home page, the fiscal years and their deadlines, and the pages that oversee the
whole programme (who is late, the audit log)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sengen.core import workflow
from sengen.declarations.audit_read import audit_rows
from sengen.declarations.book import BookEmpty, BookFailed, book_filename, year_book
from sengen.declarations.models import FiscalYear, Phase
from sengen.declarations.permissions import (
    Refusal,
    can_oversee,
    declarations_visible,
    is_administrator,
    require,
)
from sengen.declarations.selectors import (
    deadlines_stamp,
    departments_managed,
    fiscal_year_get,
    fiscal_years_by_municipality,
    fiscal_years_newest_first,
    late_departments,
)
from sengen.declarations.services import fiscal_years
from sengen.portal.labels import year_label

from .. import forms
from ._common import keep_input, save, staff_required


@staff_required
def home(request):
    declarations = declarations_visible(user=request.user).order_by(
        "-fiscal_year__year", "department__municipality__name", "department__name")
    return render(request, "staff/home.html", {
        "declarations": declarations,
        "can_create": departments_managed(request.user).exists(),
    })


@staff_required
def year_list(request):
    require(can_oversee(request.user), Refusal.YEARS_PAGE)
    form = forms.FiscalYearOpenForm(request.POST or None) if is_administrator(request.user) else None
    if request.method == "POST":
        require(form is not None, Refusal.OPEN_YEAR)
        if form.is_valid():
            saved = save(request, form, lambda: fiscal_years.fiscal_year_open(user=request.user, **form.cleaned_data),
                         success=lambda year: _("%(label)sを開始しました") % {"label": year_label(year.year)},
                         redirect_to="staff:year_list")
            if saved.response:
                return saved.response
    return render(request, "staff/year_list.html", {"years": fiscal_years_by_municipality(), "form": form})


@staff_required
def year_edit(request, pk: int):
    require(is_administrator(request.user), Refusal.SET_DEADLINES)
    try:
        year = fiscal_year_get(pk)
    except FiscalYear.DoesNotExist:
        raise Http404 from None
    initial = {f: getattr(year, f) for f in workflow.DEADLINE_FIELDS}
    form = forms.DeadlinesEditForm(request.POST or None, initial={**initial, "opened": deadlines_stamp(year)})

    def stored_now(exc):
        # The input stays; the page now carries what is stored (and shows it), so saving
        # again is a choice made knowing the other change.
        year.refresh_from_db()
        keep_input(form, opened=deadlines_stamp(year))
        return True

    conflict = False
    if request.method == "POST" and form.is_valid():
        saved = save(request, form, lambda: fiscal_years.fiscal_year_deadlines_set(
            user=request.user, fiscal_year=year, **form.cleaned_data),
            success=_("期限を保存しました"), redirect_to="staff:year_list", on_conflict=stored_now)
        if saved.response:
            return saved.response
        conflict = bool(saved.stored)
    return render(request, "staff/year_edit.html", {"year": year, "form": form, "conflict": conflict,
                                                    "phases": Phase.choices})


@staff_required
def year_book_download(request, pk: int):
    """The year's book (every department's report of one phase in one PDF), published or draft."""
    try:
        year = fiscal_year_get(pk)
    except FiscalYear.DoesNotExist:
        raise Http404 from None
    phase = request.GET.get("phase", "")
    if phase not in workflow.PHASES:
        raise Http404
    try:
        book, pdf = year_book(user=request.user, fiscal_year=year, phase=phase, draft=request.GET.get("draft") == "1")
    except (BookEmpty, BookFailed) as exc:  # nothing to print, or the drawing failed or overran
        messages.error(request, str(exc))
        return redirect(reverse("staff:year_edit", args=[year.pk]) + "#book")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{book_filename(book, year.year)}"'
    return response


@staff_required
def late(request):
    require(can_oversee(request.user), Refusal.LATE_PAGE)
    years = fiscal_years_newest_first()
    chosen = None
    if request.GET.get("year"):
        chosen = next((y for y in years if str(y.pk) == request.GET["year"]), None)
        if chosen is None:
            raise Http404
    elif years:
        chosen = years[0]
    today = timezone.localdate()
    rows = late_departments(user=request.user, fiscal_year=chosen, today=today) if chosen else []
    return render(request, "staff/late.html", {"years": years, "chosen": chosen, "rows": rows, "today": today})


@staff_required
def audit(request):
    return render(request, "staff/audit.html", {"rows": audit_rows(user=request.user)})
