"""The public API's reads (``portal.api``): cities, years, departments, published reports and
their initiatives and targets as rows, with the API's filters.

Like ``portal.selectors``, everything here comes from what citizens may read: the public index
(``PublicSummary``, one row per published declaration, rewritten with each publication) and the
latest publication's document. The live rows are read for one thing only, an initiative's
future-direction category (拡充, 継続…), which ``sengen.report`` has no field for, and only while
the declaration is published as it stands, as the portal's initiative page does: a draft of the
next phase is never read.

Initiatives are listed from the public index's rows (``PublicEntry``) through the selector the
search page narrows with (``search_filters.narrow``: its facet tokens hold each initiative's
evaluations, grades, kinds of target and future-direction category), so a listing is counted
and paged by the database. A target's direction (以上/以下) is in no index: that filter, and the
targets listing, read the documents of the initiatives the index lets through.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from sengen.core.eras import fiscal_year_label
from sengen.core.report import EVALUATIONS
from sengen.core.targets import analyse_target
from sengen.declarations import publicfacets, publicindex
from sengen.declarations.models import PublicEntry, PublicSummary
from sengen.declarations.selectors import public_document

from .search import LISTING
from .search_filters import SearchFilters, narrow


class NotPublic(LookupError):
    """No published report (or initiative of it) has this id: the API answers 404."""


@dataclass(frozen=True)
class Filters:
    """What a listing is narrowed to; None: any."""

    municipality: str | None = None
    fiscal_year: int | None = None
    department: str | None = None
    phase: str | None = None
    evaluation: str | None = None
    grade: str | None = None
    kind: str | None = None
    direction: str | None = None
    direction_category: str | None = None


# --------------------------------------------------------------------------- the index

def summaries(filters: Filters = Filters()) -> QuerySet[PublicSummary]:
    """The public index's row of each published report, narrowed by city, year, department and
    phase, newest year first, then city and department."""
    qs = PublicSummary.objects.all()
    for field in ("municipality", "fiscal_year", "department", "phase"):
        value = getattr(filters, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    return qs.order_by("-fiscal_year", "municipality", "department", "id")


def municipalities() -> list[dict[str, Any]]:
    """Each city with a published report: its name ("" when the reports did not say), how many
    reports and which fiscal years."""
    rows = (PublicSummary.objects.values("municipality").annotate(reports=Count("id"))
            .order_by("municipality"))
    years = _years_by("municipality")
    return [{"name": r["municipality"], "reports": r["reports"], "fiscal_years": years[(r["municipality"],)]}
            for r in rows]


def fiscal_years(*, municipality: str | None = None) -> list[dict[str, Any]]:
    """Fiscal years with a published report (of ``municipality``), newest first."""
    rows = summaries(Filters(municipality=municipality)).values("fiscal_year").annotate(reports=Count("id"))
    return [{"year": r["fiscal_year"], "label": fiscal_year_label(r["fiscal_year"]), "reports": r["reports"]}
            for r in rows.order_by("-fiscal_year")]


def departments(*, municipality: str | None = None, fiscal_year: int | None = None) -> list[dict[str, Any]]:
    """Departments with a published report, by city and name, each with its years."""
    qs = summaries(Filters(municipality=municipality, fiscal_year=fiscal_year))
    rows = qs.values("municipality", "department").distinct()
    years = _years_by("municipality", "department", qs=qs)
    return [{"municipality": r["municipality"], "name": r["department"],
             "fiscal_years": years[(r["municipality"], r["department"])]}
            for r in rows.order_by("municipality", "department")]


def _years_by(*fields: str, qs: QuerySet[PublicSummary] | None = None) -> dict[tuple, list[int]]:
    found: dict[tuple, list[int]] = {}
    rows = (qs if qs is not None else PublicSummary.objects.all()).values_list(*fields, "fiscal_year").distinct()
    for *key, year in rows.order_by(*fields, "-fiscal_year"):
        found.setdefault(tuple(key), []).append(year)
    return found


def report_row(summary: PublicSummary) -> dict[str, Any]:
    """A report in a listing: which city, department, year and phase, and its tally."""
    return {
        "id": summary.declaration_id,
        "municipality": summary.municipality,
        "department": summary.department,
        "fiscal_year": summary.fiscal_year,
        "fiscal_year_label": fiscal_year_label(summary.fiscal_year),
        "phase": summary.phase,
        "initiatives": summary.initiatives,
        "counts": {key: getattr(summary, key) for key in (*EVALUATIONS, "total")},
    }


# --------------------------------------------------------------------------- one report

def _document(summary: PublicSummary) -> dict[str, Any]:
    if summary.publication is not None:
        return summary.publication.document
    # Published before publication records existed: its live rows are what citizens read.
    return public_document(declaration=summary.declaration) or {"initiatives": []}


def report(report_id: int) -> dict[str, Any]:
    """A published report: its listing row, when it was (last) published, and its document as
    published. ``NotPublic`` when no published report has this id."""
    summary = (PublicSummary.objects.select_related("publication", "declaration")
               .filter(declaration_id=report_id).first())
    if summary is None:
        raise NotPublic(gettext("公開されている報告に id %(id)s はありません") % {"id": report_id})
    publication = summary.publication
    return {**report_row(summary),
            "published_at": publication.published_at if publication else None,
            "correction_reason": (publication.reason or None) if publication else None,
            "document": _document(summary)}


# --------------------------------------------------------------------------- initiatives, targets

def _target_row(target: dict[str, Any], evaluation: str, fiscal_year: int) -> dict[str, Any]:
    """A target as the API lists it; its ``direction`` is read from its text (``_direction``)
    only when a filter or a page asks for it: parsing every target of a country is what made
    a listing slow."""
    return {"text": target["text"], "kind": publicfacets.target_kind(target),
            "metric": target.get("metric"), "actual": target.get("actual"), "due": target.get("due"),
            "achievement_rate": target.get("achievement_rate"), "evaluation": evaluation,
            "grade": target.get("grade"), "_year": fiscal_year}


def _direction(row: dict[str, Any]) -> str | None:
    """以上 (higher is better) or 以下 (lower) of a numeric target, as its text says."""
    if "direction" not in row:
        numeric = row["kind"] == "numeric"
        row["direction"] = analyse_target(row["text"], fiscal_year=row["_year"]).direction if numeric else None
    return row["direction"]


def finish_target(target: dict[str, Any]) -> dict[str, Any]:
    """A target row of a page, its direction read."""
    _direction(target)
    return {key: value for key, value in target.items() if key != "_year"}


def finish_initiative(row: dict[str, Any]) -> dict[str, Any]:
    """An initiative row of a page, its targets' directions read."""
    return {**row, "targets": [finish_target(t) for t in row["targets"]]}


class Shaped(Sequence):
    """``rows`` with ``shape`` applied to the part a paginator slices, so a listing shapes one
    page and not every row it counts (a queryset is counted by the database)."""

    def __init__(self, rows, shape):
        self.rows, self.shape = rows, shape

    def __len__(self) -> int:
        return self.rows.count() if isinstance(self.rows, QuerySet) else len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.shape(row) for row in self.rows[index]]
        return self.shape(self.rows[index])


def _initiatives_of(summary: PublicSummary, categories: list[str] | None) -> Iterator[dict[str, Any]]:
    document = _document(summary)
    items = document.get("initiatives") or []
    graded = any(item.get("grade") for item in items)
    # A form grading the initiative judges its ungraded targets with it (as the tallies count).
    scale = publicindex.grade_evaluations_of(summary.declaration) if graded else {}
    if categories is not None and len(categories) != len(items):
        categories = None
    for index, item in enumerate(items):
        judged = list(publicindex.judged_evaluations({"initiatives": [item]}, scale))
        targets = [_target_row(t, judged[i] or "not_evaluated", summary.fiscal_year)
                   for i, t in enumerate(item.get("targets") or [])]
        yield {
            "report": summary.declaration_id, "municipality": summary.municipality,
            "department": summary.department, "fiscal_year": summary.fiscal_year, "phase": summary.phase,
            "position": index + 1, "number": item.get("number"), "title": item.get("title") or "",
            "grade": item.get("grade"), "direction_category": (categories[index] or None) if categories else None,
            "evaluations": sorted({e or "not_evaluated" for e in judged}),
            "targets": targets, "initiative": item,
        }


def _grade(value: str | None) -> str:
    # As the facet index compares grades (Ａ and a are one grade).
    return publicfacets.token_value(value) if value else ""


def _initiative_matches(row: dict[str, Any], f: Filters) -> bool:
    """What the facet index cannot say: a target's direction (以上/以下). The other filters are
    checked again on the document, which the index was written from, so both always agree."""
    if f.direction_category is not None and row["direction_category"] != f.direction_category:
        return False
    if f.evaluation is not None and f.evaluation not in row["evaluations"]:
        return False
    grades = {_grade(row["grade"]), *(_grade(t["grade"]) for t in row["targets"])}
    if f.grade is not None and _grade(f.grade) not in grades:
        return False
    if f.kind is not None and all(t["kind"] != f.kind for t in row["targets"]):
        return False
    return f.direction is None or any(_direction(t) == f.direction for t in row["targets"])


def _target_matches(target: dict[str, Any], row: dict[str, Any], f: Filters) -> bool:
    if f.grade is not None and _grade(f.grade) not in (_grade(target["grade"]), _grade(row["grade"])):
        return False
    if any(getattr(f, name) is not None and target[name] != getattr(f, name) for name in ("evaluation", "kind")):
        return False
    return f.direction is None or _direction(target) == f.direction


def _rows_of(summary_list: list[PublicSummary]) -> Iterator[dict[str, Any]]:
    # Read from the live rows only while a report is published as it stands (publicindex).
    categories = publicindex.published_categories([s.declaration for s in summary_list])
    for summary in summary_list:
        yield from _initiatives_of(summary, categories.get(summary.declaration_id))


def _loaded(qs: QuerySet[PublicSummary]) -> list[PublicSummary]:
    # The publication's document is what is read; the declaration's own JSON (where each value
    # was read, the live preamble) and the interim figures would be decoded for nothing.
    return list(qs.select_related("publication", "declaration__department__municipality")
                .defer("publication__progress", "declaration__provenance", "declaration__preamble"))


def entries(filters: Filters) -> QuerySet[PublicEntry]:
    """The public index's initiatives that ``filters`` let through, in listing order, narrowed
    by the selector the search page uses (``search_filters.narrow``: year and department as
    columns, evaluation, grade, kind and future-direction category as facet tokens); a target's
    direction is not in the index."""
    qs = PublicEntry.objects.all()
    if filters.municipality is not None:
        qs = qs.filter(municipality=filters.municipality)
    if filters.phase is not None:
        qs = qs.filter(phase=filters.phase)
    narrowed = narrow(qs, SearchFilters(year=filters.fiscal_year, department=filters.department or "",
                                        evaluation=filters.evaluation or "", grade=filters.grade or "",
                                        kind=filters.kind or "", direction=filters.direction_category or ""))
    return narrowed.order_by(*LISTING)


def _rows_at(picked: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """The initiative rows at (declaration id, index position), in that order, reading the
    documents of those reports only."""
    ids = sorted({d for d, _ in picked})
    rows = {}
    for start in range(0, len(ids), 500):  # a bounded IN list on every database
        loaded = _loaded(PublicSummary.objects.filter(declaration_id__in=ids[start:start + 500]))
        rows.update(((row["report"], row["position"] - 1), row) for row in _rows_of(loaded))
    return [rows[key] for key in picked if key in rows]


class EntryPages(Sequence):
    """Initiatives of the public index, counted and sliced by the database: a page reads the
    documents of its own reports only, whatever the number of cities stored."""

    def __init__(self, qs: QuerySet[PublicEntry]):
        self.qs = qs

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        return _rows_at(list(self.qs[index].values_list("declaration_id", "position")))


def _candidates(filters: Filters) -> Iterator[dict[str, Any]]:
    """The rows of every initiative the index lets through (their reports' documents read)."""
    return iter(_rows_at(list(entries(filters).values_list("declaration_id", "position"))))


def initiatives(filters: Filters = Filters()) -> Shaped:
    """Initiatives of the published reports, as published, that match ``filters``: an
    evaluation, grade, kind or direction matches when one of its targets has it (a grade also
    when the initiative has it). Without a direction filter the index answers, a page at a
    time; with one, the documents of what the index lets through are read."""
    if filters.direction is None:
        return Shaped(EntryPages(entries(filters)), finish_initiative)
    return Shaped([row for row in _candidates(filters) if _initiative_matches(row, filters)], finish_initiative)


def initiative(report_id: int, position: int) -> dict[str, Any]:
    """Initiative ``position`` (1: the first row) of a published report; ``NotPublic`` otherwise."""
    found = _rows_at([(report_id, position - 1)])
    if not found:
        raise NotPublic(gettext("公開されている報告 %(id)s に %(position)s 番目の取組はありません")
                        % {"id": report_id, "position": position})
    return finish_initiative(found[0])


def targets(filters: Filters = Filters()) -> Shaped:
    """Targets of the published reports, each with its initiative's place, that match
    ``filters``: the index narrows to the initiatives that have such a target, their documents
    say which; a page's directions are read when it is sliced."""
    found = []
    for row in _candidates(filters):
        place = {key: row[key] for key in ("report", "municipality", "department", "fiscal_year", "phase")}
        for index, target in enumerate(row["targets"]):
            if _target_matches(target, row, filters):
                found.append({**place, "initiative": row["position"], "initiative_number": row["number"],
                              "initiative_title": row["title"], "position": index + 1, **target})
    return Shaped(found, finish_target)
