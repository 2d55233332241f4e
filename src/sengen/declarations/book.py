"""Which reports go into the city's book (``sengen book``; the PDF itself is ``renderers.book``).

A book is one city's fiscal year in one phase, every department in the city's order. What is
printed is what citizens read (each declaration's latest publication of that phase) unless a
draft book is asked for, which takes the live rows of the declarations in that phase (work not
yet published) and the publication of the others.

The staff year page prints it for administrators (``year_book``): the permission is checked
here, and the PDF is drawn in a child process (``python -m sengen.renderers.book``) within the
downloads' time budget, as the portal draws every PDF. The messages are gettext's, so the staff
page says them in the reader's language and the command in Japanese.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from sengen.core import forms as core_forms
from sengen.core import workflow
from sengen.core.eras import fiscal_year_label

from .forms import form_for_declaration
from .models import Declaration, FiscalYear, Municipality, Phase, PublicationState
from .permissions import Refusal, is_administrator, require
from .selectors import DeclarationNotFound, report_document


# The staff page waits for the child inside the request, so the budget ends before the serving
# worker's timeout (settings.SENGEN_WORKER_TIMEOUT, 60 s): past that gunicorn kills the worker,
# the office gets nginx's 502 and the child runs on with no one to stop it. A city's book is
# drawn in seconds (two departments: about two); one that is not can be printed with
# `sengen book`, which has no budget. The child yields the CPU to page requests.
def _budget() -> int:
    return max(10, settings.SENGEN_WORKER_TIMEOUT - 10)


BOOK_BUDGET_SECONDS = _budget()
BOOK_NICE = 10


class BookEmpty(DeclarationNotFound):
    """No report of that year and phase to print; ``str()`` is one line saying what was looked for."""


class BookFailed(RuntimeError):
    """The child could not draw the book (it failed, or ran past the budget); ``str()`` is one
    sentence in the reader's language."""


@dataclass(frozen=True)
class BookContents:
    municipality: str
    fiscal_year_label: str
    phase: str
    draft: bool
    reports: list[tuple[dict[str, Any], core_forms.Form]]  # in print order
    departments: list[str]


def _municipality(fiscal_year: int, name: str | None) -> Municipality:
    years = FiscalYear.objects.filter(year=fiscal_year).select_related("municipality")
    if name is not None:
        years = years.filter(municipality__name=name)
    cities = [y.municipality for y in years]
    if not cities:
        if name:
            raise BookEmpty(gettext("%(city)sの%(year)s年度は登録されていません") % {"city": name, "year": fiscal_year})
        raise BookEmpty(gettext("%(year)s年度は登録されていません") % {"year": fiscal_year})
    if len(cities) > 1:
        raise BookEmpty(gettext("%(year)s年度は複数の自治体にあります（%(cities)s）: 自治体を指定してください")
                        % {"year": fiscal_year, "cities": "、".join(str(c) for c in cities)})
    return cities[0]


def _printed(declaration: Declaration, phase: str, draft: bool) -> dict[str, Any] | None:
    """The document of ``declaration`` the book prints, or None when it has none in ``phase``."""
    if draft and declaration.phase == phase:
        return report_document(declaration=declaration)
    publication = declaration.publications.filter(phase=phase).latest()
    if publication is not None:
        return publication.document
    # Published before publication records were kept (as public_document reads it).
    if declaration.phase == phase and declaration.state == PublicationState.PUBLISHED:
        return report_document(declaration=declaration)
    return None


def book_contents(*, fiscal_year: int, phase: str, municipality: str | None = None,
                  draft: bool = False) -> BookContents:
    """The reports of ``municipality``'s ``fiscal_year`` in ``phase`` in the city's order.

    Departments have no order field: the city's order is the one the portal and the staff pages
    list them in, by name (then by id, for a stable order). Raises ``BookEmpty`` when there is
    nothing to print."""
    if phase not in workflow.PHASES:
        raise ValueError(f"unknown phase {phase!r}")
    city = _municipality(fiscal_year, municipality)
    declarations = (Declaration.objects
                    .filter(fiscal_year__year=fiscal_year, department__municipality=city)
                    .select_related("department__municipality", "fiscal_year", "form_version__form")
                    .order_by("department__name", "department_id"))
    reports, departments, label = [], [], ""
    for declaration in declarations:
        doc = _printed(declaration, phase, draft)
        if doc is None:
            continue
        reports.append((doc, form_for_declaration(declaration)))
        departments.append(declaration.department.name)
        label = label or declaration.fiscal_year_label
    if not reports:
        words = {"city": city, "year": fiscal_year, "phase": Phase(phase).label}
        raise BookEmpty(gettext("%(city)sの%(year)s年度に%(phase)sはありません") % words if draft
                        else gettext("%(city)sの%(year)s年度に公開されている%(phase)sはありません") % words)
    return BookContents(municipality=city.name, fiscal_year_label=label or fiscal_year_label(fiscal_year),
                        phase=phase, draft=draft, reports=reports, departments=departments)


def book_payload(book: BookContents) -> str:
    """What the child (``python -m sengen.renderers.book``) reads: the reports with their forms'
    definitions, and the cover's words."""
    return json.dumps({
        "reports": [{"document": doc, "form": core_forms.form_to_dict(form) if form is not None else None}
                    for doc, form in book.reports],
        "draft": book.draft, "municipality": book.municipality, "fiscal_year_label": book.fiscal_year_label,
        "phase": book.phase,
    }, ensure_ascii=False)


def book_pdf(book: BookContents) -> bytes:
    """The book as PDF, drawn in a child process: its own memory, a lower CPU priority, killed
    past BOOK_BUDGET_SECONDS. A child that fails or overruns is ``BookFailed``, one sentence the
    year page shows: the office must learn why, not get a server error page."""
    try:
        done = subprocess.run([sys.executable, "-m", "sengen.renderers.book", "--nice", str(BOOK_NICE)],
                              input=book_payload(book).encode(), capture_output=True,
                              timeout=BOOK_BUDGET_SECONDS, check=False)
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise BookFailed(gettext("冊子の作成が%(seconds)s秒を超えたため中止しました。"
                                 "時間をおいてもう一度お試しください") % {"seconds": BOOK_BUDGET_SECONDS}) from None
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise BookFailed(gettext("冊子を作成できませんでした: %(reason)s")
                         % {"reason": (said[-1] if said else f"exit status {done.returncode}")[:500]})
    return done.stdout


def book_filename(book: BookContents, fiscal_year: int) -> str:
    """An ASCII name (every browser and mail gateway keeps it): book-2017-achievement_report[-draft].pdf."""
    return f"book-{fiscal_year}-{book.phase}{'-draft' if book.draft else ''}.pdf"


def year_book(*, user, fiscal_year: FiscalYear, phase: str, draft: bool = False) -> tuple[BookContents, bytes]:
    """The book of ``fiscal_year`` (its city) in ``phase`` for the staff year page: administrators
    only (行政経営課 prints the city's book; a draft book shows every department's unpublished
    work). ``BookEmpty`` when there is nothing to print."""
    require(is_administrator(user), Refusal.PRINT_BOOK)
    book = book_contents(fiscal_year=fiscal_year.year, phase=phase, municipality=fiscal_year.municipality.name,
                         draft=draft)
    return book, book_pdf(book)
