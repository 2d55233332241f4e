"""The search's filters: year, department, evaluation, grade, kind of target and future-direction
category, read from GET parameters (the search page's form, and the public API's query).

``read_filters`` never fails: a value it cannot use (a year that is not a number, an
evaluation it does not know, a department name longer than any stored) is left out and named in
``ignored``, which the page shows, so a hand-edited or stale link narrows by what it can instead
of answering with an error. ``narrow`` applies the filters to ``PublicEntry`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from django.db import connection
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from sengen.core.limits import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from sengen.declarations import publicfacets
from sengen.declarations.models import Grade, PublicEntry
from sengen.declarations.publicindex import tsquery_lexemes

MAX_DEPARTMENT = 200  # a department's name (core.limits)


@dataclass(frozen=True)
class SearchFilters:
    """What a search is narrowed to; an empty value does not narrow."""

    year: int | None = None
    department: str = ""
    evaluation: str = ""  # core.report.EVALUATIONS
    grade: str = ""  # a grade code of a city's scale
    kind: str = ""  # core.targets.KINDS
    direction: str = ""  # publicfacets.DIRECTIONS

    def active(self) -> dict[str, str | int]:
        """The filters that narrow, by parameter name, in the form's order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, "")}

    def tokens(self) -> list[str]:
        """The facet tokens (``publicfacets``) every entry found must have."""
        out = []
        for name in ("evaluation", "grade", "kind", "direction"):
            value = getattr(self, name)
            if value:
                out.append(publicfacets.token(name, value))
        return out


@dataclass
class ReadFilters:
    filters: SearchFilters
    ignored: list[str] = field(default_factory=list)  # a sentence per value left out


PARAMETERS = ("year", "department", "evaluation", "grade", "kind", "direction")


def grade_codes() -> list[tuple[str, str]]:
    """(code, label) of every grade of every stored scale, once per code, for the form's choice
    (a city's own scale included; a code two scales share is one choice)."""
    seen, out = set(), []
    for code, label in Grade.objects.order_by("scale_id", "order", "code").values_list("code", "label"):
        if code not in seen:
            seen.add(code)
            out.append((code, label))
    return out


def read_filters(params: Mapping[str, str], *, grades: list[tuple[str, str]] | None = None) -> ReadFilters:
    """The filters of ``params`` (a ``QueryDict`` or dict); ``grades`` the grade choices
    (``grade_codes()`` when not given)."""
    values: dict[str, object] = {}
    ignored: list[str] = []

    def ignore(label: str, value: str) -> None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        ignored.append(_("%(label)s「%(value)s」は使えない値のため、絞り込みに使っていません。")
                       % {"label": label, "value": shown})

    year = (params.get("year") or "").strip()
    if year:
        number = int(year) if year.isascii() and year.isdigit() else None
        if number is not None and MIN_FISCAL_YEAR <= number <= MAX_FISCAL_YEAR:
            values["year"] = number
        else:
            ignore(_("年度"), year)
    department = (params.get("department") or "").strip()
    if department:
        if len(department) <= MAX_DEPARTMENT:
            values["department"] = department
        else:
            ignore(_("部局"), department)
    choices = {
        "evaluation": (_("評価"), publicfacets.EVALUATIONS),
        "kind": (_("目標の種類"), publicfacets.KINDS),
        "direction": (_("今後の方向性"), publicfacets.DIRECTIONS),
    }
    for name, (label, allowed) in choices.items():
        value = (params.get(name) or "").strip()
        if value:
            if value in allowed:
                values[name] = value
            else:
                ignore(label, value)
    grade = (params.get("grade") or "").strip()
    if grade:
        known = {code for code, _label in (grades if grades is not None else grade_codes())}
        if grade in known:
            values["grade"] = grade
        else:
            ignore(_("評語"), grade)
    return ReadFilters(SearchFilters(**values), ignored)


def narrow(entries: QuerySet[PublicEntry], filters: SearchFilters) -> QuerySet[PublicEntry]:
    """``entries`` with every active filter applied. Year and department are columns (the
    listing's index); the others are facet tokens: on PostgreSQL lexemes of the GIN-indexed
    n-grams, elsewhere whole words of ``facets``."""
    if filters.year is not None:
        entries = entries.filter(fiscal_year=filters.year)
    if filters.department:
        entries = entries.filter(department=filters.department)
    tokens = filters.tokens()
    if tokens and connection.vendor == "postgresql":
        entries = entries.filter(grams__ngrams=tsquery_lexemes(tokens))
    else:
        for token in tokens:
            entries = entries.filter(facets__contains=f" {token} ")
    return entries


def choices(grades: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """The form's choices of each select, value and label (the year's are the stored years)."""
    from sengen.declarations.models import FiscalYear, FutureDirection, TargetKind

    from . import labels

    # Every city opens the same years: the database keeps one of each (17,410 rows in a country).
    years = list(FiscalYear.objects.order_by("-year").values_list("year", flat=True).distinct())
    return {
        "year": [(str(y), labels.year_label(y)) for y in years],
        "evaluation": [(key, str(value["label"])) for key, value in labels.EVALUATIONS.items()],
        "grade": [(code, label if label == code else f"{label}（{code}）") for code, label in grades],
        "kind": [(str(value), str(label)) for value, label in TargetKind.choices],
        "direction": [(str(value), str(label)) for value, label in FutureDirection.choices],
    }


def describe(filters: SearchFilters, options: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str, bool]]:
    """The active filters as the results heading lists them: (what, which, whether ``which`` is
    a city's own Japanese words, a department's name or a grade), in words."""
    names = {"year": _("年度"), "department": _("部局"), "evaluation": _("評価"), "grade": _("評語"),
             "kind": _("目標の種類"), "direction": _("今後の方向性")}
    out = []
    for name, value in filters.active().items():
        shown = dict(options.get(name, [])).get(str(value), str(value))
        out.append((str(names[name]), shown, name in ("department", "grade")))
    return out


# The static site's search (Pagefind) names its filters by the data-pagefind-filter keys of the
# pages it indexes: the initiative and report pages, indexed in Japanese only (their text is the
# city's Japanese, which Pagefind segments only in a Japanese page). So the names in the index are
# these Japanese words on every search page; the English page shows them through static_filters().
# Year and department are on the initiative and report pages; the others on an initiative's page
# only (index_filters), so a ticked evaluation narrows to initiatives, as the server's search does.
STATIC_FILTERS = {"年度": "year", "部": "department", "評価": "evaluation", "評語": "grade",
                  "目標の種類": "kind", "今後の方向性": "direction"}
_WRITTEN = ("department", "grade")  # values that are a city's own words, shown as written


def _facet_words() -> dict[str, dict[str, str]]:
    """For the filters whose values the site words: each value as its ``publicfacets`` token holds
    it → the words the search page shows for it, in the current language (the server's labels)."""
    from sengen.declarations.models import FutureDirection, TargetKind

    from . import labels

    token_value = publicfacets.token_value
    return {
        "evaluation": {token_value(key): str(value["label"]) for key, value in labels.EVALUATIONS.items()},
        "kind": {token_value(value): str(label) for value, label in TargetKind.choices},
        "direction": {token_value(value): str(label) for value, label in FutureDirection.choices},
    }


def index_filters(facets: str, *, grades: list[str]) -> list[tuple[str, str]]:
    """What an initiative's page gives the static search beyond year and department: (the
    filter's name in the index, its value in Japanese) for each token of the initiative's public
    index row (``facets``, the tokens the server's filters match), so both searches narrow by the
    same facts. The site's own values are its Japanese labels (達成, 数値目標); a grade is the
    city's as the document writes it (``grades``, ``publicfacets.item_grades``). Several targets
    give several values of one filter."""
    with translation.override("ja"):  # the index holds the Japanese pages
        words = _facet_words()
    words["grade"] = {publicfacets.token_value(grade): grade for grade in grades}
    keys = {name: key for key, name in STATIC_FILTERS.items()}
    out = []
    for name, values in publicfacets.facets_values(facets).items():
        for value in values:
            shown = words.get(name, {}).get(value)
            if name in keys and shown:  # a token without words is left out, never shown as a code
                out.append((keys[name], shown))
    return out


def static_filters(years: list[int]) -> dict[str, dict[str, object]]:
    """What the static search page shows for each filter of the index, in the current language:
    by the filter's Japanese name, its ``name`` and, for values the site itself writes, the
    ``values`` to show instead (a fiscal year, 平成29年度 → FY2017, for each of ``years``; 達成 →
    Achieved, 数値目標 → Numeric target, 継続 → Continue). A department's name and a grade are the
    city's own words, shown as written and marked Japanese (``written``)."""
    from sengen.core.eras import fiscal_year_label

    from . import labels

    # the words the Japanese page already shows (the server's search form names the others so)
    names = {"year": _("年度"), "department": _("部"), "evaluation": _("評価"), "grade": _("評語"),
             "kind": _("目標の種類"), "direction": _("今後の方向性")}
    values: dict[str, dict[str, str]] = {
        "year": {fiscal_year_label(year): labels.year_label(year) for year in years}}
    with translation.override("ja"):
        japanese = _facet_words()
    for name, shown in _facet_words().items():
        values[name] = {japanese[name][value]: words for value, words in shown.items()}
    return {key: {"name": str(names[name]), "values": values.get(name, {}), "written": name in _WRITTEN}
            for key, name in STATIC_FILTERS.items()}
