"""The year's open data, read: which reports go into a city's fiscal-year ZIP, in which form,
with which date and license. ``renderers.opendata.year_zip`` makes the file from them.

What goes in is what citizens read: each department's last publication (``public_document``), never
the live rows, unless a caller asks for drafts (``sengen export --all --draft``, for staff).
``year_zip_bytes(municipality, fiscal_year)`` is the plain function the static site and the
export command call; the portal draws the same ZIP out of the request (portal/downloads.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from sengen.core import forms as core_forms
from sengen.core import opendata as core_opendata
from sengen.core.eras import fiscal_year_label

from .forms import form_for_declaration
from .models import Declaration, Municipality, Publication
from .selectors import DeclarationNotFound, public_document, report_document

# The city's own license, in the order core.opendata.license_entry takes them.
_LICENSE_FIELDS = ("open_data_license_name", "open_data_license_title", "open_data_license_path")


@dataclass(frozen=True)
class YearReports:
    municipality: str
    fiscal_year: int
    label: str
    created: datetime  # the latest publication (drafts: the latest change), local time: the ZIP's date
    license: dict[str, str]  # the Data Package's entry (open_data_license)
    reports: list[tuple[dict[str, Any], core_forms.Form]]

    def zip_arguments(self) -> dict[str, Any]:
        return {"municipality": self.municipality, "fiscal_year": self.fiscal_year,
                "fiscal_year_label": self.label, "created": self.created, "license": self.license}


def open_data_license(municipality: Municipality | str | None = None) -> dict[str, str]:
    """The license the city's open data is published under, as its datapackage.json and its year
    page name it (``{"name", "title", "path"}``, parts it lacks left out): the one the city set
    (services.open_data), else settings.SENGEN_OPEN_DATA_LICENSE. ``municipality``: the city or its
    name; None or an unknown name: the server's default."""
    if isinstance(municipality, str):
        municipality = Municipality.objects.filter(name=municipality).first()
    if municipality is not None and any(getattr(municipality, f) for f in _LICENSE_FIELDS):
        return core_opendata.license_entry(*(getattr(municipality, f) for f in _LICENSE_FIELDS))
    return core_opendata.license_entry(getattr(settings, "SENGEN_OPEN_DATA_LICENSE", "") or "CC-BY-4.0")


def _city(fiscal_year: int, municipality: str | None, declarations) -> str:
    names = sorted(set(declarations.values_list("department__municipality__name", flat=True)))
    if municipality is not None:
        if municipality not in names:
            raise DeclarationNotFound(f"{municipality}の{fiscal_year}年度に書き出せる目標宣言・報告はありません")
        return municipality
    if not names:
        raise DeclarationNotFound(f"{fiscal_year}年度に書き出せる目標宣言・報告はありません")
    if len(names) > 1:
        raise DeclarationNotFound(f"{fiscal_year}年度には{len(names)}の自治体の報告があります。"
                                  f"自治体を指定してください（{'、'.join(n or '（未設定）' for n in names[:5])}）")
    return names[0]


def year_reports(*, fiscal_year: int, municipality: str | None = None, draft: bool = False) -> YearReports:
    """A city's reports of ``fiscal_year``, one per department, as citizens read them (``draft``:
    the live rows of every declaration, published or not). ``municipality`` may be left out
    while one city has reports that year. ``DeclarationNotFound`` when there is nothing."""
    base = Declaration.objects.all() if draft else Declaration.objects.public()
    declarations = base.filter(fiscal_year__year=fiscal_year)
    city = _city(fiscal_year, municipality, declarations)
    declarations = list(declarations.filter(department__municipality__name=city)
                        .select_related("department__municipality", "fiscal_year", "form_version")
                        .order_by("department__name", "pk"))
    reports = []
    for declaration in declarations:
        doc = report_document(declaration=declaration) if draft else public_document(declaration=declaration)
        if doc is not None:
            reports.append((doc, form_for_declaration(declaration)))
    if not reports:
        raise DeclarationNotFound(f"{city}の{fiscal_year}年度に書き出せる目標宣言・報告はありません")
    if draft:
        created = max(d.updated_at for d in declarations)
    else:
        latest = Publication.objects.filter(declaration__in=declarations).aggregate(at=Max("published_at"))["at"]
        # A report published before publication records were kept has only its own date.
        created = max([m for m in [latest, *(d.published_at for d in declarations)] if m is not None], default=None)
    # Local time, as the city's clocks show it (the ZIP's entries); the package says it in UTC.
    created = timezone.localtime(created) if created is not None else datetime(fiscal_year, 4, 1)
    return YearReports(municipality=city, fiscal_year=fiscal_year, label=fiscal_year_label(fiscal_year),
                       created=created, license=open_data_license(city), reports=reports)


def year_zip_bytes(municipality: str | None, fiscal_year: int) -> bytes:
    """The published year's ZIP, drawn here (the static site's build and scripts call this; the
    portal draws it in a child process). ``DeclarationNotFound`` when nothing is published."""
    from sengen.renderers.opendata import year_zip

    year = year_reports(fiscal_year=fiscal_year, municipality=municipality)
    return year_zip(year.reports, **year.zip_arguments())
