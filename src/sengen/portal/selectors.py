"""Public reads: what a citizen may see, and nothing else.

Every function here starts from ``Declaration.objects.published()`` (or an initiative of a
published declaration): a draft, a submitted or a checked report is never public, whatever URL is
typed. Views get their data only from here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, F, Func, Prefetch, Q, QuerySet, TextField

from sengen.declarations.models import (
    Declaration,
    Evaluation,
    Initiative,
    InitiativeSection,
    Target,
    TargetKind,
)
from sengen.declarations.selectors import DeclarationNotFound, declaration_get, report_document

EVALUATIONS = [e.value for e in Evaluation]


# --------------------------------------------------------------------------- years and reports

def declarations_public() -> QuerySet[Declaration]:
    return Declaration.objects.published().select_related("department__municipality", "fiscal_year")


def years_public() -> list[dict[str, Any]]:
    """Fiscal years with at least one published report, newest first:
    ``[{"year": 2017, "label": "平成29年度", "reports": 3}, …]``."""
    rows = (declarations_public().values("fiscal_year__year")
            .annotate(reports=Count("id")).order_by("-fiscal_year__year"))
    from sengen.core.eras import fiscal_year_label

    return [{"year": r["fiscal_year__year"], "label": fiscal_year_label(r["fiscal_year__year"]),
             "reports": r["reports"]} for r in rows]


def _evaluation_counts(targets: QuerySet[Target], group_by: str) -> dict[Any, dict[str, int]]:
    """``{group: {"achieved": n, …, "total": n}}`` over current targets; a target without an
    outcome counts as not evaluated, as in the report format."""
    rows = (targets.values(group_by)
            .annotate(total=Count("id"),
                      **{e: Count("id", filter=Q(outcome__evaluation=e)) for e in EVALUATIONS}))
    counts = {}
    for row in rows:
        judged = sum(row[e] for e in EVALUATIONS if e != Evaluation.NOT_EVALUATED)
        entry = {e: row[e] for e in EVALUATIONS}
        entry[Evaluation.NOT_EVALUATED] = row["total"] - judged
        entry["total"] = row["total"]
        counts[row[group_by]] = entry
    return counts


def year_public(*, fiscal_year: int) -> dict[str, Any]:
    """One fiscal year's published reports, by department, with how many targets each achieved.

    Raises ``DeclarationNotFound`` when the year has no published report."""
    declarations = list(declarations_public().filter(fiscal_year__year=fiscal_year)
                        .order_by("department__municipality__name", "department__name"))
    if not declarations:
        raise DeclarationNotFound(f"{fiscal_year}年度に公開されている目標宣言・報告はありません")
    counts = _evaluation_counts(
        Target.objects.current().filter(initiative__declaration__in=declarations), "initiative__declaration")
    initiatives = dict(Initiative.objects.filter(declaration__in=declarations)
                       .values("declaration").annotate(n=Count("id")).values_list("declaration", "n"))
    empty = {e: 0 for e in EVALUATIONS} | {"total": 0}
    rows = []
    for declaration in declarations:
        row_counts = counts.get(declaration.pk, empty)
        rows.append({
            "declaration": declaration,
            "department": declaration.department.name,
            "municipality": declaration.department.municipality.name,
            "phase": declaration.phase,
            "initiatives": initiatives.get(declaration.pk, 0),
            "counts": row_counts,
        })
    totals = {key: sum(r["counts"][key] for r in rows) for key in [*EVALUATIONS, "total"]}
    totals["initiatives"] = sum(r["initiatives"] for r in rows)
    return {
        "year": fiscal_year,
        "label": declarations[0].fiscal_year.label,
        "rows": rows,
        "totals": totals,
        # Reports of several cities in one year need the city in their links.
        "several_cities": len({r["municipality"] for r in rows}) > 1,
        "has_results": any(r["phase"] != "declaration" for r in rows),
    }


def report_public(*, fiscal_year: int, department: str, municipality: str | None = None) -> Declaration:
    """The published report of a department and year; ``DeclarationNotFound`` otherwise."""
    return declaration_get(fiscal_year=fiscal_year, department=department, municipality=municipality or None,
                           queryset=Declaration.objects.published())


def report_public_document(*, declaration: Declaration) -> dict[str, Any]:
    """The report as ``sengen.report/1`` (what the downloads contain), with each target's status
    prepared for display (``target["status"]``, see ``target_status``)."""
    if declaration.state != "published":  # belt and braces: callers pass report_public()'s result
        raise DeclarationNotFound("not published")
    doc = report_document(declaration=declaration)
    for initiative in doc["initiatives"]:
        for target in initiative["targets"]:
            target["status"] = target_status(target)
    return doc


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


def format_rate(rate) -> str:
    """0.985 → 98.5%; 0.9003 → 90.0% (one decimal, as reports round)."""
    if rate is None:
        return ""
    return f"{(Decimal(str(rate)) * 100).quantize(Decimal('0.1'))}%"


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

def initiative_public(*, declaration: Declaration, number: int) -> Initiative:
    """An initiative of a published declaration with its sections, targets (revised ones too) and
    outcomes; ``Initiative.DoesNotExist`` when there is no such number."""
    if declaration.state != "published":
        raise Initiative.DoesNotExist("not published")
    return (Initiative.objects
            .filter(declaration=declaration, number=number)
            .select_related("declaration__department__municipality", "declaration__fiscal_year",
                            "carried_from__declaration__fiscal_year")
            .prefetch_related(
                Prefetch("section_links", queryset=InitiativeSection.objects.select_related("section")
                         .order_by("position")),
                Prefetch("targets", queryset=Target.objects.select_related("outcome__grade", "revised_from")
                         .order_by("position", "id")),
            )
            .get())


def target_rows(initiative: Initiative) -> dict[str, list[dict[str, Any]]]:
    """The initiative's current targets with their status, and the targets that revisions replaced
    (with the reason), oldest first."""
    targets = list(initiative.targets.all())
    replaced_ids = {t.revised_from_id for t in targets if t.revised_from_id}
    current, revised = [], []
    for target in targets:
        outcome = getattr(target, "outcome", None)
        doc_target = {
            "metric": {"value": target.value, "unit": target.unit} if target.value is not None else None,
            "actual": ({"value": outcome.actual_value, "unit": outcome.actual_unit}
                       if outcome and outcome.actual_value is not None else None),
            "achievement_rate": outcome.achievement_rate if outcome else None,
            "evaluation": outcome.evaluation if outcome else Evaluation.NOT_EVALUATED,
            "grade": ((outcome.grade.label if outcome.grade else outcome.grade_code) if outcome else None),
        }
        row = {"target": target, "status": target_status(doc_target),
               "unmet_reason": outcome.unmet_reason if outcome else "",
               "grade_override_reason": outcome.grade_override_reason if outcome else ""}
        (revised if target.pk in replaced_ids else current).append(row)
    return {"current": current, "revised": revised}


def initiative_other_years(*, initiative: Initiative) -> list[Initiative]:
    """The same initiative in other years' published reports, oldest first: the ``carried_from``
    chain both ways, and initiatives of the same department and city with the same title."""
    department = initiative.declaration.department
    found: dict[int, Initiative] = {}
    base = (Initiative.objects.filter(declaration__state="published")
            .select_related("declaration__fiscal_year", "declaration__department"))

    # Backwards along carried_from, forwards along carried_to; bounded so a bad cycle cannot loop.
    step, seen = initiative.carried_from_id, {initiative.pk}
    for _ in range(50):
        if step is None or step in seen:
            break
        seen.add(step)
        previous = base.filter(pk=step).first()
        if previous is None:  # not published (or gone): the chain is not public past here
            break
        found[previous.pk] = previous
        step = previous.carried_from_id
    frontier = [initiative.pk]
    for _ in range(50):
        if not frontier:
            break
        following = [i for i in base.filter(carried_from__in=frontier) if i.pk not in seen]
        seen.update(i.pk for i in following)
        found.update((i.pk, i) for i in following)
        frontier = [i.pk for i in following]

    for same in base.filter(declaration__department__municipality=department.municipality_id,
                            declaration__department__name=department.name,
                            title=initiative.title).exclude(pk=initiative.pk):
        found.setdefault(same.pk, same)
    others = [i for i in found.values() if i.declaration_id != initiative.declaration_id]
    return sorted(others, key=lambda i: (i.declaration.fiscal_year.year, i.position))


_DIGITS = re.compile(r"[0-9０-９,，.．]+")


def _series_key(text: str) -> str:
    """A numeric target's text without its numbers: ``平成２９年度末時点の…登録目標：１２,０００人``
    and ``平成３０年度末時点の…登録目標：１３,０００人`` are the same target in two years."""
    return _DIGITS.sub("", unicodedata.normalize("NFKC", text))


def target_series(*, initiative: Initiative, others: list[Initiative]) -> list[dict[str, Any]]:
    """For each current numeric target of ``initiative``, its value over the years of the same
    initiative: ``[{"text", "unit", "points": [{"year", "label", "target", "actual", "rate",
    "evaluation", "current"}]}]``, oldest year first. Another year's target is the same target when
    its text without numbers is the same, else when it has the same unit at the same position."""
    all_years = sorted([initiative, *others], key=lambda i: i.declaration.fiscal_year.year)
    numeric = {
        i.pk: list(Target.objects.current().filter(initiative=i, kind=TargetKind.NUMERIC, value__isnull=False)
                   .select_related("outcome").order_by("position", "id"))
        for i in all_years
    }
    series = []
    for index, target in enumerate(numeric[initiative.pk]):
        key = _series_key(target.text)
        points = []
        for year_initiative in all_years:
            candidates = numeric[year_initiative.pk]
            match = next((t for t in candidates if _series_key(t.text) == key), None)
            if match is None:
                same_place = candidates[index] if index < len(candidates) else None
                match = same_place if same_place is not None and same_place.unit == target.unit else None
            if match is None:
                continue
            outcome = getattr(match, "outcome", None)
            points.append({
                "year": year_initiative.declaration.fiscal_year.year,
                "label": year_initiative.declaration.fiscal_year.label,
                "target": match.value,
                "actual": outcome.actual_value if outcome else None,
                "target_text": f"{format_number(match.value)}{match.unit}",
                "actual_text": (f"{format_number(outcome.actual_value)}{outcome.actual_unit}"
                                if outcome and outcome.actual_value is not None else ""),
                "rate": format_rate(outcome.achievement_rate if outcome else None),
                "evaluation": outcome.evaluation if outcome else Evaluation.NOT_EVALUATED,
                "current": year_initiative.pk == initiative.pk,
            })
        series.append({"text": target.text, "unit": target.unit, "points": points})
    return series


# --------------------------------------------------------------------------- progress, corrections
# The staff workflow is adding interim progress (``Progress``) and recorded corrections to
# published text. Until their models land, these return nothing and the initiative page shows
# no such section. PLACE TO WIRE UP: once the models exist, read them here — published
# declarations only, and only entries the workflow marks as public — and return rows of
# ``{"date": date, "text": str, …}``.

def _optional_model(name: str):
    try:
        return apps.get_model("declarations", name)
    except LookupError:
        return None


@dataclass
class HistoryEntry:
    date: Any
    text: str
    detail: list[str] = field(default_factory=list)


def initiative_progress(*, initiative: Initiative) -> list[HistoryEntry]:
    if _optional_model("Progress") is None or initiative.declaration.state != "published":
        return []
    return []  # see the note above: field names and publication rules come with the model


def initiative_corrections(*, initiative: Initiative) -> list[HistoryEntry]:
    if _optional_model("Correction") is None or initiative.declaration.state != "published":
        return []
    return []  # see the note above


# --------------------------------------------------------------------------- search

MAX_QUERY_LENGTH = 100
MAX_TERMS = 5


class JoinedStrings(Func):
    """A JSON list of strings (``content``, ``results``, …) as one plain text, so ``icontains``
    sees the words people wrote: SQLite stores JSON with ``\\uXXXX`` escapes, so a plain
    ``content__icontains="公民"`` would never match there."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="(SELECT group_concat(value, ' ') FROM json_each(%(expressions)s))", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="(SELECT string_agg(e, ' ') FROM jsonb_array_elements_text(%(expressions)s) AS e)",
                           **extra)

    def as_sql(self, compiler, connection, template=None, **extra):
        # Other databases: the JSON text, which is close enough where it is stored unescaped.
        return super().as_sql(compiler, connection, template=template or "CAST(%(expressions)s AS TEXT)", **extra)


SEARCH_FIELDS = ("title", "content_text", "targets__text", "results_text", "future_text", "status_text",
                 "section_links__section__name")

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def search_terms(query: str) -> list[str]:
    """The words of a query: split on half- and full-width spaces, at most ``MAX_TERMS``."""
    query = (query or "")[:MAX_QUERY_LENGTH]
    seen, terms = set(), []
    for term in re.split(r"[\s\u3000]+", query.strip()):
        if term and term not in seen:
            seen.add(term)
            terms.append(term)
    return terms[:MAX_TERMS]


def _variants(term: str) -> set[str]:
    """Reports write numbers in full width (１２,０００人); a reader types 12,000 — find both."""
    normal = unicodedata.normalize("NFKC", term)
    return {term, normal, normal.translate(_FULLWIDTH)}


def search_public(*, query: str) -> QuerySet[Initiative]:
    """Initiatives of published reports, any year, that contain every word of ``query`` in their
    title, sections, content, targets, results, future direction or achievement status; newest
    year first. Each word is a substring match (Japanese has no spaces between words, so 公民
    must find 公民館); the values go to the database as parameters, never as SQL."""
    terms = search_terms(query)
    if not terms:
        return Initiative.objects.none()
    searchable = (Initiative.objects.filter(declaration__state="published")
                  .annotate(content_text=JoinedStrings(F("content")), results_text=JoinedStrings(F("results")),
                            future_text=JoinedStrings(F("future_direction")),
                            status_text=JoinedStrings(F("achievement_status"))))
    qs = Initiative.objects.filter(declaration__state="published")
    for term in terms:
        condition = Q()
        for variant in _variants(term):
            for name in SEARCH_FIELDS:
                condition |= Q(**{f"{name}__icontains": variant})
        # A subquery per word keeps the joins (targets, sections) from multiplying rows.
        qs = qs.filter(pk__in=searchable.filter(condition).values("pk"))
    return (qs.select_related("declaration__fiscal_year", "declaration__department__municipality")
            .prefetch_related(Prefetch("targets", queryset=Target.objects.current().order_by("position", "id")))
            .order_by("-declaration__fiscal_year__year", "declaration__department__name", "position"))


def search_snippets(initiative: Initiative, terms: list[str], *, width: int = 40) -> list[dict[str, str]]:
    """Where the words occur, for showing a hit: ``[{"field": "results", "before", "match",
    "after"}]``, at most one snippet per field. Plain strings: the template escapes them."""
    fields = [("title", [initiative.title]), ("content", initiative.content),
              ("targets", [t.text for t in initiative.targets.all()]),
              ("results", initiative.results), ("future_direction", initiative.future_direction),
              ("achievement_status", initiative.achievement_status)]
    needles = sorted({v for t in terms for v in _variants(t)}, key=len, reverse=True)
    snippets = []
    for name, texts in fields:
        for text in texts:
            lowered = text.lower()
            hits = [(lowered.find(n.lower()), n) for n in needles if n and n.lower() in lowered]
            if not hits:
                continue
            start, needle = min(hits)
            end = start + len(needle)
            snippets.append({
                "field": name,
                "before": ("…" if start > width else "") + text[max(0, start - width):start],
                "match": text[start:end],
                "after": text[end:end + width] + ("…" if end + width < len(text) else ""),
            })
            break
    return snippets
