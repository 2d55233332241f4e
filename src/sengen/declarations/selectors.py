"""Reads. Views, commands and the API get their data from functions here."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from sengen.core.numbers import decimal_to_json
from sengen.core.report import SCHEMA, normalise

from .models import Declaration, Evaluation, Initiative, InitiativeSection, Target


class DeclarationNotFound(LookupError):
    """No single declaration matches; ``str()`` is one line that says what was looked for."""


def declaration_get(*, fiscal_year: int, department: str, municipality: str | None = None,
                    queryset: QuerySet[Declaration] | None = None) -> Declaration:
    """The declaration of ``department`` for ``fiscal_year``.

    ``municipality`` may be left out while only one city has such a department; with several it
    must be given. ``queryset`` narrows the search (``Declaration.objects.published()`` for
    public pages)."""
    qs = (queryset if queryset is not None else Declaration.objects.all()).filter(
        fiscal_year__year=fiscal_year, department__name=department,
    ).select_related("department__municipality", "fiscal_year")
    if municipality is not None:
        qs = qs.filter(department__municipality__name=municipality)
    found = list(qs[:2])
    where = f"{municipality}の" if municipality else ""
    if not found:
        raise DeclarationNotFound(f"{where}{fiscal_year}年度の「{department}」の目標宣言・報告は登録されていません")
    if len(found) > 1:
        cities = "、".join(str(d.department.municipality) for d in qs)
        raise DeclarationNotFound(
            f"{fiscal_year}年度の「{department}」は複数の自治体にあります（{cities}）: 自治体を指定してください"
        )
    return found[0]


def _quantity(value, unit: str) -> dict | None:
    if value is None:
        return None
    return {"value": decimal_to_json(value), "unit": unit}


def _target_document(target: Target) -> dict[str, Any]:
    outcome = getattr(target, "outcome", None)
    due = target.due
    return {
        "text": target.text,
        "metric": _quantity(target.value, target.unit),
        "due": due.iso if due else None,
        "actual": _quantity(outcome.actual_value, outcome.actual_unit) if outcome else None,
        "achievement_rate": (decimal_to_json(outcome.achievement_rate)
                             if outcome and outcome.achievement_rate is not None else None),
        "evaluation": outcome.evaluation if outcome else Evaluation.NOT_EVALUATED.value,
        "grade": outcome.grade_code if outcome else None,
    }


def declaration_with_report(*, declaration: Declaration) -> Declaration:
    """The declaration with everything its document needs loaded in a fixed number of queries."""
    return (Declaration.objects
            .select_related("department__municipality", "fiscal_year")
            .prefetch_related(
                Prefetch("initiatives", queryset=Initiative.objects.order_by("position").prefetch_related(
                    Prefetch("section_links", queryset=InitiativeSection.objects.select_related("section")
                             .order_by("position")),
                    Prefetch("targets", queryset=Target.objects.current().select_related("outcome")
                             .order_by("position", "id")),
                )),
            )
            .get(pk=declaration.pk))


def report_document(*, declaration: Declaration) -> dict[str, Any]:
    """The declaration as a ``sengen.report/1`` document, the shape ``sengen parse`` prints."""
    declaration = declaration_with_report(declaration=declaration)
    municipality = declaration.department.municipality
    doc = {
        "schema": SCHEMA,
        "municipality": municipality.name or None,
        "fiscal_year": declaration.fiscal_year.year,
        "fiscal_year_label": declaration.fiscal_year_label,
        "document": declaration.phase,
        "department": declaration.department.name,
        "director": {"title": declaration.director_title, "name": declaration.director_name},
        "initiatives": [
            {
                "number": initiative.number,
                "title": initiative.title,
                "sections": [link.section.name for link in initiative.section_links.all()],
                "content": list(initiative.content),
                "targets": [_target_document(t) for t in initiative.targets.all()],
                "results": list(initiative.results),
                "future_direction": list(initiative.future_direction),
                "achievement_status": list(initiative.achievement_status),
            }
            for initiative in declaration.initiatives.all()
        ],
    }
    # The same gate every producer passes: what we export is what we would accept.
    return normalise(doc)


def reports_public_index() -> list[dict[str, Any]]:
    """Published reports grouped by fiscal year, newest year first, for the public index page:
    ``[{"year": 2017, "label": "平成29年度", "reports": [Declaration, …]}, …]``."""
    years: dict[int, dict[str, Any]] = {}
    qs = (Declaration.objects.published()
          .select_related("department__municipality", "fiscal_year")
          .order_by("-fiscal_year__year", "department__municipality__name", "department__name"))
    for declaration in qs:
        year = declaration.fiscal_year.year
        entry = years.setdefault(year, {"year": year, "label": declaration.fiscal_year.label, "reports": []})
        entry["reports"].append(declaration)
    return list(years.values())
