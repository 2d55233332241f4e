"""Which reports go into the city's book (``sengen book``; the PDF itself is ``renderers.book``).

A book is one city's fiscal year in one phase, every department in the city's order. What is
printed is what citizens read (each declaration's latest publication of that phase) unless a
draft book is asked for, which takes the live rows of the declarations in that phase (work not
yet published) and the publication of the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sengen.core import forms as core_forms
from sengen.core import workflow
from sengen.core.eras import fiscal_year_label

from .forms import form_for_declaration
from .models import Declaration, FiscalYear, Municipality, PublicationState
from .selectors import DeclarationNotFound, report_document


class BookEmpty(DeclarationNotFound):
    """No report of that year and phase to print; ``str()`` is one line saying what was looked for."""


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
    where = f"{name}の" if name else ""
    if not cities:
        raise BookEmpty(f"{where}{fiscal_year}年度は登録されていません")
    if len(cities) > 1:
        raise BookEmpty(f"{fiscal_year}年度は複数の自治体にあります（{'、'.join(str(c) for c in cities)}）:"
                        " 自治体を指定してください")
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
        which = "公開されている" if not draft else ""
        raise BookEmpty(f"{city}の{fiscal_year}年度に{which}{workflow.DOCUMENT_NAMES[phase]}はありません"
                        + ("（公開前のものを含めるには --draft）" if not draft else ""))
    return BookContents(municipality=city.name, fiscal_year_label=label or fiscal_year_label(fiscal_year),
                        phase=phase, draft=draft, reports=reports, departments=departments)
