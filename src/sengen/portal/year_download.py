"""The year's open-data ZIP on the public year page: every published report of one city's fiscal
year as CSV, XLSX and JSON with a datapackage.json (renderers/opendata.py).

Thin, like every view: what goes in is read by ``declarations.opendata.year_reports`` (the
publications only), and the file is drawn out of the request by ``downloads.year_zip_download``
(a child process; 503 with Retry-After meanwhile), keyed on the year's publications, so a new
publication or correction makes a new ZIP."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from sengen.declarations.opendata import year_reports
from sengen.declarations.selectors import DeclarationNotFound

from . import downloads
from .views import content_disposition, download_filename

MEDIA_TYPE = "application/zip"


@require_safe
def year_download(request, fiscal_year: int):
    municipality = request.GET.get("municipality") or None
    try:
        year = year_reports(fiscal_year=fiscal_year, municipality=municipality)
    except DeclarationNotFound as exc:
        raise Http404(str(exc)) from None
    data = downloads.year_zip_download(year)
    if isinstance(data, downloads.Pending):
        response = render(request, "portal/preparing_year.html", {"year": year, "pending": data}, status=503)
        response["Retry-After"] = str(data.retry_after)
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(data, content_type=MEDIA_TYPE)
    # 伊勢原市_平成29年度_オープンデータ.zip, made safe as a report's download name is.
    name = download_filename({"municipality": year.municipality, "fiscal_year_label": year.label,
                              "department": "オープンデータ", "document": ""}, "zip")
    response["Content-Disposition"] = content_disposition(name, fallback=f"sengen-{fiscal_year}-opendata.zip")
    return response
