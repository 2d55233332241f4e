"""Public reads: what a citizen may see, and nothing else.

What a page shows of a report is its last publication (``declarations.selectors.public_document``):
while staff draft the next phase (the year-end report after the April declaration), the live rows
hold work in progress, and citizens keep reading what was published. Declarations come from
``Declaration.objects.public()``; a report never published is on no page, whatever URL is typed.
The live rows are read only for what is structure rather than text (which initiative carries which
on) or while the declaration is published as it stands (revised targets and their reasons).
The year page reads the public index (``declarations.publicindex``), which every publication
rewrites: the same published text, laid out to be summed across a country's cities. Search reads
the same index and lives in ``portal.search``. Views get their data only from these two.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from sengen.core import workflow
from sengen.core.numbers import format_rate
from sengen.declarations.models import (
    Declaration,
    Evaluation,
    Initiative,
    PublicationState,
    PublicEntry,
    PublicSummary,
)
from sengen.declarations.opendata import open_data_license
from sengen.declarations.selectors import (
    DeclarationNotFound,
    declaration_get,
    initiative_history,
    public_document,
)

EVALUATIONS = [e.value for e in Evaluation]


# --------------------------------------------------------------------------- years and reports

def declarations_public() -> QuerySet[Declaration]:
    return Declaration.objects.public().select_related("department__municipality", "fiscal_year")


def _latest_publication(declaration: Declaration):
    """``declaration``'s latest publication (None when it has none), read once per request:
    the initiative page asks for its document, its progress and its item."""
    if not hasattr(declaration, "_portal_latest_publication"):
        declaration._portal_latest_publication = declaration.publications.latest()
    return declaration._portal_latest_publication


def document_public(declaration: Declaration) -> dict[str, Any]:
    """The report as citizens may read it; ``DeclarationNotFound`` when nothing of it is public."""
    latest = _latest_publication(declaration)
    doc = latest.document if latest is not None else public_document(declaration=declaration)
    if doc is None:
        raise DeclarationNotFound(f"{declaration} は公開されていません")
    return doc


def years_public() -> list[dict[str, Any]]:
    """Fiscal years with at least one published report, newest first:
    ``[{"year": 2017, "label": "平成29年度", "reports": 3}, …]``."""
    from sengen.core.eras import fiscal_year_label

    rows = (PublicSummary.objects.values("fiscal_year").annotate(reports=Count("id"))
            .order_by("-fiscal_year"))
    return [{"year": r["fiscal_year"], "label": fiscal_year_label(r["fiscal_year"]), "reports": r["reports"]}
            for r in rows]


_COUNTS = [*EVALUATIONS, "total"]


def _counts(row: dict[str, Any] | PublicSummary) -> dict[str, int]:
    get = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
    return {key: get(key) or 0 for key in _COUNTS}


def year_public(*, fiscal_year: int, municipality: str | None = None) -> dict[str, Any]:
    """One fiscal year's published reports with how many targets each counts in each evaluation,
    summed from the counts stored with each publication (``PublicSummary``), not from the
    documents.

    One city's year (the usual site, or ``municipality`` given) lists its departments
    (``rows``); a year of several cities lists the cities instead (``cities``: ``[{"municipality",
    "reports", "initiatives", "counts"}]``), each leading to its own departments, since a
    country's year is 26,000 departments. ``totals`` are the whole year's (or the city's).
    Raises ``DeclarationNotFound`` when the year (or the city in it) has no published report."""
    from sengen.core.eras import fiscal_year_label

    summaries = PublicSummary.objects.filter(fiscal_year=fiscal_year)
    if municipality is not None:
        summaries = summaries.filter(municipality=municipality)
    sums = {key: Sum(key) for key in [*_COUNTS, "initiatives"]}
    cities = list(summaries.values("municipality")
                  .annotate(reports=Count("id"), results=Count("id", filter=~Q(phase=workflow.DECLARATION)), **sums)
                  .order_by("municipality"))
    if not cities:
        where = f"{municipality}の" if municipality else ""
        raise DeclarationNotFound(f"{where}{fiscal_year}年度に公開されている目標宣言・報告はありません")
    by_city = len(cities) > 1
    rows = []
    if not by_city:
        for summary in summaries.order_by("municipality", "department"):
            rows.append({"department": summary.department, "municipality": summary.municipality,
                         "phase": summary.phase, "initiatives": summary.initiatives, "counts": _counts(summary)})
    totals = {key: sum(c[key] or 0 for c in cities) for key in [*_COUNTS, "initiatives"]}
    return {
        "year": fiscal_year,
        "label": fiscal_year_label(fiscal_year),
        "municipality": municipality,
        "rows": rows,
        "cities": [{"municipality": c["municipality"], "reports": c["reports"], "initiatives": c["initiatives"],
                    "counts": _counts(c)} for c in cities] if by_city else [],
        "totals": totals,
        # Reports of several cities in one year need the city in their links.
        "several_cities": by_city or municipality is not None,
        "has_results": any(c["results"] for c in cities),
        # One city's year offers its ZIP, and says beside it under which terms (the city's own).
        "license": None if by_city else open_data_license(cities[0]["municipality"]),
    }



def report_public(*, fiscal_year: int, department: str, municipality: str | None = None) -> Declaration:
    """The published report of a department and year; ``DeclarationNotFound`` otherwise."""
    return declaration_get(fiscal_year=fiscal_year, department=department, municipality=municipality or None,
                           queryset=Declaration.objects.public())


def report_public_document(*, declaration: Declaration) -> dict[str, Any]:
    """The report as ``sengen.report/1`` (what the downloads contain), with each target's status
    prepared for display (``target["status"]``, see ``target_status``)."""
    doc = copy.deepcopy(document_public(declaration))
    for initiative in doc["initiatives"]:
        for target in initiative["targets"]:
            target["status"] = target_status(target)
    return doc


def report_form(*, declaration: Declaration, doc: dict[str, Any]):
    """The form (様式) the published report is in: the declaration's own form version
    (``declarations.forms.form_for_declaration``; the seed's for a report stored before forms).
    ``doc`` is not needed to find it; the callers pass it as they always did."""
    # Imported by name, not looked up with a fallback: when the function moved modules the
    # fallback printed every city's own form in the seed's layout without an error.
    from sengen.declarations.forms import form_for_declaration

    return form_for_declaration(declaration)


def grade_tally(*, declaration: Declaration, doc: dict[str, Any]) -> list[tuple[str, int]]:
    """How many of the published targets got each grade of the city's scale, in the scale's
    order (計画以上 before 計画通り…); a grade the scale does not know (a report imported from
    another city's scale) follows in order of appearance. Empty when nothing was graded."""
    counts: dict[str, int] = {}
    for initiative in doc["initiatives"]:
        # A form grading each initiative (sengen.report/2 ``grade``) counts once per initiative.
        if initiative.get("grade"):
            counts[initiative["grade"]] = counts.get(initiative["grade"], 0) + 1
        for target in initiative["targets"]:
            grade = target["status"]["grade"]
            if grade:
                counts[grade] = counts.get(grade, 0) + 1
    if not counts:
        return []
    scale = declaration.department.municipality.grading_scale
    order = list(scale.grades.order_by("order").values_list("code", flat=True)) if scale else []
    known = [(code, counts[code]) for code in order if code in counts]
    return known + [(code, n) for code, n in counts.items() if code not in order]


# --------------------------------------------------------------------------- a target's status

@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{format_number(self.value)}{self.unit}"


def format_number(value) -> str:
    """12000 → 12,000; 72.5 → 72.5 (as the city writes numbers, but half-width)."""
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _quantity(q: dict | None) -> Quantity | None:
    return Quantity(Decimal(str(q["value"])), q["unit"]) if q else None


def target_status(target: dict) -> dict[str, Any]:
    """What a reader needs at a glance for one target of a ``sengen.report/1`` document:
    target value, actual value, rate, the report's evaluation and the city's grade."""
    rate = target.get("achievement_rate")
    return {
        "evaluation": target.get("evaluation") or Evaluation.NOT_EVALUATED,
        "grade": target.get("grade"),
        "metric": _quantity(target.get("metric")),
        "actual": _quantity(target.get("actual")),
        "rate": format_rate(rate),
        # The bar shows up to 100 % (the label says the real rate): a CSS width, not data.
        "bar": min(100, int(Decimal(str(rate)) * 100)) if rate is not None else None,
    }


# --------------------------------------------------------------------------- an initiative

def initiative_public(*, declaration: Declaration, number: int) -> dict[str, Any]:
    """Initiative ``number`` as published: ``{"doc": …, "live": Initiative | None, "targets":
    {"current": [...], "revised": [...]}}``. ``doc`` is its element of the public document, each
    target with its ``status``. ``Initiative.DoesNotExist`` when the publication has no such number."""
    doc = document_public(declaration)
    item = next((copy.deepcopy(i) for i in doc["initiatives"] if i["number"] == number), None)
    if item is None:
        raise Initiative.DoesNotExist(f"No.{number}")
    live = (Initiative.objects.filter(declaration=declaration, number=number)
            .select_related("declaration__fiscal_year", "declaration__department").first())
    published_as_is = declaration.state == PublicationState.PUBLISHED
    extras = {}
    revised = []
    if live is not None and published_as_is:
        # Live rows equal the publication only while the declaration is published as it stands.
        targets = list(live.targets.select_related("outcome", "revised_from").order_by("position", "id"))
        replaced = {t.revised_from_id: t for t in targets if t.revised_from_id}
        for target in targets:
            if target.pk in replaced:
                later = replaced[target.pk]
                revised.append({"before": target.text, "after": later.text, "reason": later.revision_reason})
        current = [t for t in targets if t.pk not in replaced]
        for target in current:
            outcome = getattr(target, "outcome", None)
            extras[target.text] = {"unmet_reason": outcome.unmet_reason if outcome else "",
                                   "grade_override_reason": outcome.grade_override_reason if outcome else "",
                                   "revised": target.revised_from_id is not None}
    rows = []
    for target in item["targets"]:
        rows.append({"text": target["text"], "status": target_status(target),
                     **extras.get(target["text"], {"unmet_reason": "", "grade_override_reason": "", "revised": False})})
    return {"doc": item, "live": live, "targets": {"current": rows, "revised": revised},
            "future_direction_category": live.future_direction_category if live and published_as_is else ""}


def initiative_facets(*, declaration: Declaration, number: int) -> str:
    """The facet tokens (``publicfacets``) of initiative ``number``'s public index row: what the
    server's search filters match it by, for the static search to narrow by the same ("" when
    it has none)."""
    return (PublicEntry.objects.filter(declaration=declaration, number=number)
            .values_list("facets", flat=True).first() or "")


# The initiative's chain through the years in one query (PostgreSQL and SQLite both run WITH
# RECURSIVE): back along carried_from, forward along what is carried from it, each step only
# through public declarations (a step that is not public ends the chain there), at most 50 steps
# so that a bad cycle cannot loop. One query instead of one per year and direction.
_PUBLIC_STEP = """JOIN declarations_declaration d ON d.id = i.declaration_id
    WHERE {depth} < 50 AND (d.state = %(published)s
        OR EXISTS (SELECT 1 FROM declarations_publication p WHERE p.declaration_id = d.id))"""
_CHAIN = f"""
WITH RECURSIVE back(id, carried_from_id, depth) AS (
    SELECT id, carried_from_id, 0 FROM declarations_initiative WHERE id = %(start)s
    UNION ALL
    SELECT i.id, i.carried_from_id, b.depth + 1 FROM back b
    JOIN declarations_initiative i ON i.id = b.carried_from_id {_PUBLIC_STEP.format(depth="b.depth")}
),
forward(id, depth) AS (
    SELECT id, 0 FROM declarations_initiative WHERE id = %(start)s
    UNION ALL
    SELECT i.id, f.depth + 1 FROM forward f
    JOIN declarations_initiative i ON i.carried_from_id = f.id {_PUBLIC_STEP.format(depth="f.depth")}
)
SELECT id, depth, 0 FROM back WHERE depth > 0
UNION ALL SELECT id, depth, 1 FROM forward WHERE depth > 0
"""


def _chain(initiative: Initiative) -> list[tuple[int, str]]:
    """(initiative id, relation) of the public chain of ``initiative``: the years before it
    (the nearest "previous") then after it (the nearest "next"), each once."""
    from django.db import connection

    params = {"start": initiative.pk, "published": PublicationState.PUBLISHED.value}
    sql, values = _CHAIN, params
    if connection.vendor == "sqlite":  # sqlite3 takes named parameters as :name
        sql = re.sub(r"%\((\w+)\)s", r":\1", _CHAIN)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = sorted(cursor.fetchall(), key=lambda row: (row[2], row[1]))
    seen, out = {initiative.pk}, []
    for pk, depth, forward in rows:
        if pk not in seen:
            seen.add(pk)
            out.append((pk, ("next" if forward else "previous") if depth == 1 else ""))
    return out


def public_documents(declarations) -> dict[int, dict[str, Any]]:
    """The public document of each of ``declarations`` (``public_document``), in one query for
    their publications; a declaration without any is read as ``public_document`` reads it."""
    from sengen.declarations.models import Publication

    declarations = list(declarations)
    docs: dict[int, dict[str, Any]] = {}
    ids = [d.pk for d in declarations]
    for publication in (Publication.objects.filter(declaration_id__in=ids)
                        .order_by("declaration_id", "-published_at", "-id").only("declaration_id", "document")):
        docs.setdefault(publication.declaration_id, publication.document)  # the first is the latest
    for declaration in declarations:
        if declaration.pk not in docs:
            docs[declaration.pk] = public_document(declaration=declaration) or {"initiatives": []}
    return docs


def initiative_other_years(*, initiative: Initiative | None) -> list[dict[str, Any]]:
    """The same initiative in other years' public reports, oldest first: the ``carried_from`` chain
    both ways, and initiatives of the same department and city with the same title. Each entry:
    ``{"year", "department", "number", "title", "relation", "doc"}`` where ``title`` and ``doc`` come
    from that year's public document and ``relation`` is ``"previous"``, ``"next"`` or ``""``.
    Four queries whatever the number of years: the chain, its initiatives, those of the same
    title, and their declarations' publications."""
    if initiative is None:
        return []
    department = initiative.declaration.department
    chain = _chain(initiative)
    relations = dict(chain)
    base = (Initiative.objects.filter(declaration__in=Declaration.objects.public())
            .exclude(pk=initiative.pk).exclude(declaration_id=initiative.declaration_id)
            .select_related("declaration__fiscal_year", "declaration__department"))
    # Two queries, not one with OR: each finds its rows by an index (primary key; department and
    # title), which an OR across the joined tables would not let the planner use.
    found = {i.pk: i for i in base.filter(pk__in=list(relations))}
    found.update((i.pk, i) for i in base.filter(declaration__department__municipality=department.municipality_id,
                                                declaration__department__name=department.name,
                                                title=initiative.title).exclude(pk__in=list(found)))
    found = list(found.values())
    docs = public_documents({i.declaration_id: i.declaration for i in found}.values())
    others = []
    for other in found:
        item = next((i for i in docs[other.declaration_id]["initiatives"] if i["number"] == other.number), None)
        if item is None:  # added after that year's publication: not public yet
            continue
        others.append({"year": other.declaration.fiscal_year.year, "department": other.declaration.department.name,
                       "number": other.number, "title": item["title"], "relation": relations.get(other.pk, ""),
                       "doc": item})
    return sorted(others, key=lambda o: (o["year"], o["number"]))


_DIGITS = re.compile(r"[0-9０-９,，.．]+")


def _series_key(text: str) -> str:
    """A numeric target's text without its numbers: ``平成２９年度末時点の…登録目標：１２,０００人``
    and ``平成３０年度末時点の…登録目標：１３,０００人`` are the same target in two years."""
    return _DIGITS.sub("", unicodedata.normalize("NFKC", text))


def target_series(*, year: int, item: dict, others: list[dict]) -> list[dict[str, Any]]:
    """For each numeric target of ``item`` (an initiative of the public document of ``year``), its
    value over the years of the same initiative: ``[{"text", "unit", "points": [{"year", "target",
    "actual", "target_text", "actual_text", "rate", "evaluation", "current"}]}]``, oldest year first.
    Another year's target is the same target when its text without numbers is the same, else when
    it has the same unit at the same position among the numeric targets."""
    years = sorted([(year, item), *[(o["year"], o["doc"]) for o in others]], key=lambda pair: pair[0])

    def numeric(doc_item):
        return [t for t in doc_item["targets"] if t.get("metric")]

    series = []
    for index, target in enumerate(numeric(item)):
        key, unit = _series_key(target["text"]), target["metric"]["unit"]
        points = []
        for point_year, doc_item in years:
            candidates = numeric(doc_item)
            match = next((t for t in candidates if _series_key(t["text"]) == key), None)
            if match is None and index < len(candidates) and candidates[index]["metric"]["unit"] == unit:
                match = candidates[index]
            if match is None:
                continue
            metric, actual = _quantity(match["metric"]), _quantity(match.get("actual"))
            points.append({
                "year": point_year,
                "target": metric.value,
                "actual": actual.value if actual else None,
                "target_text": str(metric),
                "actual_text": str(actual) if actual else "",
                "rate": format_rate(match.get("achievement_rate")),
                "evaluation": match.get("evaluation") or Evaluation.NOT_EVALUATED,
                "current": point_year == year and doc_item is item,
            })
        series.append({"text": target["text"], "unit": unit, "points": points})
    return series


# --------------------------------------------------------------------------- progress, corrections

def initiative_progress(*, declaration: Declaration, number: int) -> list[dict[str, Any]]:
    """The interim figures published with the report for initiative ``number``: ``[{"text",
    "value", "unit", "as_of", "comment"}]`` (the latest publication's; empty when it has none)."""
    rows = []
    latest = _latest_publication(declaration)
    for entry in (list(latest.progress) if latest is not None else []):
        if entry.get("number") != number:
            continue
        value = entry.get("value")
        rows.append({**entry, "value_text": f"{format_number(value)}{entry.get('unit', '')}" if value is not None
                     else ""})
    return rows


def initiative_corrections(*, initiative: Initiative | None) -> list[Any]:
    """Recorded corrections of the initiative's published text, oldest first (``created_at``,
    ``reason``, ``version``). Only published text is ever corrected, so all of them are public."""
    if initiative is None:
        return []
    return initiative_history(initiative)
