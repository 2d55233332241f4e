"""Public pages: no login, published reports only (work in progress is never public).

Everything works without JavaScript: links and GET forms only (search, paging, language)."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sengen.core import workflow
from sengen.declarations import publicfacets, publicindex
from sengen.declarations.models import Initiative
from sengen.declarations.selectors import DeclarationNotFound
from sengen.renderers import FORMATS

from . import charts, downloads, formtable, labels, search_filters, selectors
from . import search as public_search  # the view below is ``search``

SEARCH_PAGE_SIZE = 20
YEAR_CITIES_PAGE_SIZE = 100
YEAR_CHART_MAX_BARS = 60
INDEX_CITIES = 30


def _report_or_404(request, fiscal_year: int, department: str):
    try:
        return selectors.report_public(fiscal_year=fiscal_year, department=department,
                                       municipality=request.GET.get("municipality"))
    except DeclarationNotFound as exc:
        raise Http404(str(exc)) from None


def _summary_labels() -> dict[str, str]:
    return {key: str(value["label"]) for key, value in labels.EVALUATIONS.items()}


@require_safe
def index(request):
    years = selectors.years_public()
    latest = None
    if years:
        latest = selectors.year_public(fiscal_year=years[0]["year"])
    return render(request, "portal/index.html", {"years": years, "latest": latest,
                                                 "latest_cities": f":{INDEX_CITIES}"})


@require_safe
def year(request, fiscal_year: int):
    municipality = request.GET.get("municipality") or None
    try:
        summary = selectors.year_public(fiscal_year=fiscal_year, municipality=municipality)
    except DeclarationNotFound as exc:
        raise Http404(str(exc)) from None
    chart = None
    # One bar per department of one city; a country's year lists cities, with no chart.
    if summary["rows"] and summary["has_results"] and summary["totals"]["total"] \
            and len(summary["rows"]) <= YEAR_CHART_MAX_BARS:
        chart = charts.drawn_or_none(
            charts.year_summary_chart, [{"department": r["department"], "counts": r["counts"]} for r in summary["rows"]],
            labels=_summary_labels(),
            title=_("%(year)s 部ごとの達成目標の評価（件数）") % {"year": labels.year_label(fiscal_year)},
            axis_label=_("達成目標の件数"),
        )
    cities = None
    if summary["cities"]:
        cities = Paginator(summary["cities"], YEAR_CITIES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/year.html", {
        "summary": summary, "chart": chart, "evaluations": list(labels.EVALUATIONS.items()), "cities": cities,
    })


@require_safe
def report(request, fiscal_year: int, department: str):
    declaration = _report_or_404(request, fiscal_year, department)
    doc = selectors.report_public_document(declaration=declaration)
    form = selectors.report_form(declaration=declaration, doc=doc)
    initiative_grades = form.grade_placement == "initiative"
    if initiative_grades:
        # The year page's tally: an initiative's grade stands for its targets the report leaves
        # unjudged (publicindex.judged_evaluations), so both pages count alike.
        counts = publicindex.evaluation_counts(publicindex.judged_evaluations(
            doc, publicindex.grade_evaluations_of(declaration)))
    else:
        counts = publicindex.evaluation_counts(target["status"]["evaluation"]
                                               for initiative in doc["initiatives"] for target in initiative["targets"])
    # The seed's form keeps its hand-written table (a /1 report's page is unchanged); any other
    # form is printed from its layout.
    table = None if formtable.is_seed_form(form) else formtable.official_table(doc, form)
    return render(request, "portal/report.html", {
        "table": table,
        "initiative_grades": initiative_grades,
        "form_title": formtable.title_line(doc, form) if table else "",
        "widths": formtable.percentages(table.widths) if table else [],
        "declaration": declaration,
        "doc": doc,
        # A declaration (start of year) has only the first four columns of the table.
        "has_results": doc["document"] != workflow.DECLARATION,
        "counts": counts,
        "grades": selectors.grade_tally(declaration=declaration, doc=doc),
        "downloads": labels.downloads_for(doc),
        "municipality_query": _municipality_query(request),
    })


@require_safe
def report_moved(request, fiscal_year: int, department: str):
    declaration = _report_or_404(request, fiscal_year, department)
    target = reverse("portal:report", args=[fiscal_year, declaration.department.name])
    if target == request.path:
        raise Http404(department)
    return HttpResponsePermanentRedirect(target + _municipality_query(request))


def _municipality_query(request) -> str:
    municipality = request.GET.get("municipality")
    return f"?municipality={quote(municipality)}" if municipality else ""


def download_filename(doc: dict, extension: str) -> str:
    """平成29年度_市民生活部_達成状況報告.csv: the name a clerk would give the file."""
    parts = [doc["fiscal_year_label"], doc["department"], str(labels.PHASES.get(doc["document"], ""))]
    if doc.get("municipality"):
        parts.insert(0, doc["municipality"])
    name = "_".join(p for p in parts if p)
    # Format characters (Cf: bidi overrides such as U+202E, zero-width joiners) could make a
    # name display as something else ("…txt.exe" shown as "…exe.txt"); they are dropped.
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    return "".join("_" if ch in '\\/:*?"<>|\r\n\t' else ch for ch in name) + f".{extension}"


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with an ASCII name for old clients and the UTF-8 name (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@require_safe
def report_download(request, fiscal_year: int, department: str, fmt: str):
    if fmt not in dict(labels.DOWNLOADS):
        raise Http404(f"unknown format {fmt}")
    declaration = _report_or_404(request, fiscal_year, department)
    try:
        doc = selectors.document_public(declaration)
    except DeclarationNotFound as exc:
        raise Http404(str(exc)) from None
    media_type, extension = FORMATS[fmt]
    # The declaration's own form version: a city's stored form prints in its own layout.
    data = downloads.download(doc, fmt, selectors.report_form(declaration=declaration, doc=doc))
    if isinstance(data, downloads.Pending):
        # The file is being drawn, or could not be: the page says which and links the file
        # again (no timed reload: WCAG 2.2.1); Retry-After tells a client when to ask.
        response = render(request, "portal/preparing.html", {
            "doc": doc, "format": fmt, "pending": data, "municipality_query": _municipality_query(request),
        }, status=503)
        response["Retry-After"] = str(data.retry_after)
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(data, content_type=media_type)
    response["Content-Disposition"] = content_disposition(
        download_filename(doc, extension),
        fallback=f"sengen-{doc['fiscal_year']}-{declaration.department_id}-{doc['document']}.{extension}")
    return response


@require_safe
def initiative(request, fiscal_year: int, department: str, number: int):
    declaration = _report_or_404(request, fiscal_year, department)
    try:
        found = selectors.initiative_public(declaration=declaration, number=number)
    except (Initiative.DoesNotExist, DeclarationNotFound):
        raise Http404(f"No.{number} はありません") from None
    others = selectors.initiative_other_years(initiative=found["live"])
    series = selectors.target_series(year=fiscal_year, item=found["doc"], others=others)
    for index, one in enumerate(series):
        one["chart"] = None
        if len(one["points"]) >= 2:
            for point in one["points"]:
                point["short"] = labels.year_label(point["year"])
            one["chart"] = charts.drawn_or_none(
                charts.target_series_chart, one["points"], unit=one["unit"], uid=f"series{index}",
                title=_("「%(target)s」の目標値と実績値の推移") % {"target": one["text"]},
                target_label=_("目標値"), actual_label=_("実績値"),
            )
    doc = selectors.document_public(declaration)
    # Only the Japanese page is indexed: it carries, for the static search to narrow by, the
    # filters the server's search matches this initiative by (its index row's facets).
    index_filters = []
    if get_language() == "ja":
        index_filters = search_filters.index_filters(
            selectors.initiative_facets(declaration=declaration, number=number),
            grades=publicfacets.item_grades(found["doc"]))
    # A form other than the seed's: the item's columns under the form's labels (its table's row,
    # as the report page prints it), in place of the seed's 取組内容 / 取組結果 sections. The
    # targets keep their own table (statuses, revisions), headed with the form's label.
    form_cells, targets_label = None, ""
    form = selectors.report_form(declaration=declaration, doc=doc)
    if not formtable.is_seed_form(form):
        row = formtable.official_table({**doc, "initiatives": [found["doc"]]}, form).rows[0]
        form_cells = [cell for cell in row.cells if not cell.heading_only
                      and not all(part.kind == "targets" for part in cell.parts)]
        targets_label = next((" ".join(cell.label_lines) for cell in row.cells
                              if all(part.kind == "targets" for part in cell.parts)), "")
    return render(request, "portal/initiative.html", {
        "form_cells": form_cells,
        "form_row": {"initiative": found["doc"]},
        "targets_label": targets_label,
        "declaration": declaration,
        "doc": doc,
        "initiative": found["doc"],
        "live": found["live"],
        "targets": found["targets"],
        "future_direction_category": found["future_direction_category"],
        "has_results": doc["document"] != workflow.DECLARATION,
        "others": others,
        "series": series,
        "progress": selectors.initiative_progress(declaration=declaration, number=number),
        "corrections": selectors.initiative_corrections(initiative=found["live"]),
        "municipality_query": _municipality_query(request),
        "index_filters": index_filters,
    })


@require_safe
def search(request):
    if getattr(settings, "SENGEN_STATIC_SEARCH", False):
        return _static_search(request)
    query = request.GET.get("q", "")[: public_search.MAX_QUERY_LENGTH]
    grades = search_filters.grade_codes()
    read = search_filters.read_filters(request.GET, grades=grades)
    options = search_filters.choices(grades)
    found = public_search.search_page(query=query, page=request.GET.get("page"), per_page=SEARCH_PAGE_SIZE,
                                      filters=read.filters)
    return render(request, "portal/search.html", {
        "query": query, **found, "cap": f"{public_search.SEARCH_COUNT_CAP:,}",
        "filters": read.filters, "options": options, "ignored": read.ignored,
        "active_filters": search_filters.describe(read.filters, options),
    })


def _static_search(request):
    """The search page of the static site (``sengen site build`` sets SENGEN_STATIC_SEARCH while
    it renders): no server answers ``?q=`` there, so the page holds Pagefind's search box, which
    reads the index written beside the pages (``portal/site/search_index.py``), and says plainly
    to a reader without JavaScript that search needs it, with the year pages to read instead."""
    # The script finds the index from its own address: static files sit at STATIC_URL/portal/,
    # the index at the tree's root, so the way there is as many ../ as those folders.
    depth = len([part for part in settings.STATIC_URL.strip("/").split("/") if part]) + 1
    years = selectors.years_public()
    response = render(request, "portal/search.html", {
        "static_search": True, "years": years,
        "pagefind_bundle": "../" * depth + "pagefind/",
        # The index's filters and headings are in Japanese (the pages it holds are): the page
        # gives them in the reader's language, and the script shows those words.
        "static_words": {"filters": search_filters.static_filters([year["year"] for year in years]),
                         "headings": labels.indexed_headings()},
        # Only the Japanese pages are indexed (the text is Japanese, segmented only there); a hit
        # is shown in the reader's language, whose pages the build writes under "<code>/".
        "results_prefix": "" if get_language() == "ja" else f"{get_language()}/",
    })
    # Never kept by portal.pagecache: a server sharing the build's cache would answer /search/
    # with the static page's box and no form.
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def set_language(request, code: str):
    """Switches the language by a plain link (no form, no script) and returns to the page."""
    if code not in dict(settings.LANGUAGES):
        raise Http404(f"unknown language {code}")
    target = request.GET.get("next") or reverse("portal:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("portal:index")
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=request.is_secure())
    return response
