"""Public pages: no login, published reports only (work in progress is never public)."""

from django.http import Http404
from django.shortcuts import render

from sengen.declarations.models import Declaration, Phase
from sengen.declarations.selectors import (
    DeclarationNotFound,
    declaration_get,
    report_document,
    reports_public_index,
)


def index(request):
    return render(request, "portal/index.html", {"years": reports_public_index()})


def report(request, fiscal_year: int, department: str):
    try:
        declaration = declaration_get(fiscal_year=fiscal_year, department=department,
                                      queryset=Declaration.objects.published())
    except DeclarationNotFound as exc:
        raise Http404(str(exc)) from None
    doc = report_document(declaration=declaration)
    return render(request, "portal/report.html", {
        "declaration": declaration,
        "doc": doc,
        # A declaration (start of year) has only the first four columns of the table.
        "has_results": doc["document"] != Phase.DECLARATION,
    })
