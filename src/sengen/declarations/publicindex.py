"""The public index: what was published, laid out for the public pages' search and sums.

The portal shows the latest publication of each declaration (``selectors.public_document``),
never the live rows, which may be a draft of the next phase. Searching or summing those JSON
documents across a country's cities would read every one of them on every request, so each time
a publication is written (import of a published report, publishing, a correction) its
declaration's rows here are replaced, in the same transaction:

- ``PublicEntry``, one per initiative: its published text, normalised (NFKC, lower case) for
  substring matching, and on PostgreSQL the text's character unigrams and bigrams as a
  ``tsvector`` with a GIN index, so that a two-character word (公民, 防災) is found by index;
- ``PublicSummary``, one per declaration: how many targets it counts in each evaluation.

``index_publication`` is what the services call; ``rebuild`` writes the whole index again
(migration 0005, ``sengen reindex``). The functions that turn a document into rows are pure.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import connections, transaction

from sengen.core import workflow
from sengen.core.report import EVALUATIONS

from . import publicfacets

# The n-gram index (PostgreSQL only); migration 0005 creates it, ``rebuild`` rebuilds it.
CREATE_GIN = "CREATE INDEX IF NOT EXISTS publicentry_grams ON declarations_publicentry USING gin (grams)"
DROP_GIN = "DROP INDEX IF EXISTS publicentry_grams"
# The columns of a row of the table, in the order the public page shows them, then what other
# cities' forms print (sengen.report/2): absent from a /1 document, so its index is as before.
FIELDS = ("title", "sections", "content", "targets", "results", "future_direction", "achievement_status",
          "background", "approach", "partners", "self_evaluation", "remarks", "grade", "grade_reason",
          "plan_refs", "extra")


# --------------------------------------------------------------------------- text

def fold_for_search(text: str) -> str:
    """What both the index and a query are compared as: NFKC (full-width ＡＢＣ and １２,０００ as
    abc and 12,000, half-width ｶﾅ as カナ) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def grams(text: str) -> set[str]:
    """The unigrams and bigrams of normalised ``text`` that hold no white space (a query's words
    never do). A word of two characters or more is found by its bigrams, a single character by
    its unigram."""
    found = set()
    previous = ""
    for ch in text:
        if ch.isspace():
            previous = ""
            continue
        found.add(ch)
        if previous:
            found.add(previous + ch)
        previous = ch
    return found


def _quote(lexeme: str) -> str:
    # tsvector / tsquery input: a quoted lexeme with its quotes and backslashes doubled is taken
    # as it is, whatever characters it holds, and no text-search parser touches it.
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(lexemes: Iterable[str]) -> str:
    return " ".join(_quote(g) for g in sorted(lexemes))


def query_grams(word: str) -> list[str]:
    """The lexemes every text containing normalised ``word`` has: its bigrams, or the character
    itself for a one-character word."""
    if len(word) == 1:
        return [word]
    return sorted({word[i:i + 2] for i in range(len(word) - 1)})


def tsquery_literal(words: Iterable[str]) -> str:
    """``'公民' & '民館'``: the AND of the words' n-grams, as tsquery input (a value passed as a
    query parameter, never spliced into SQL)."""
    return tsquery_lexemes(g for word in words for g in query_grams(word))


def tsquery_lexemes(lexemes: Iterable[str]) -> str:
    """The AND of ``lexemes`` as tsquery input (n-grams, or the filters' facet tokens)."""
    return " & ".join(_quote(g) for g in sorted(set(lexemes)))


# --------------------------------------------------------------------------- document → rows

def _texts(item: dict[str, Any], name: str) -> list[str]:
    if name == "title":
        return [item.get("title") or ""]
    if name == "targets":
        return [t.get("text") or "" for t in item.get("targets") or []]
    if name in ("grade", "grade_reason"):
        return [item[name]] if item.get(name) else []
    if name == "extra":
        return _labelled_texts(item.get("extra"))
    return [str(v) for v in item.get(name) or []]


def _labelled_texts(blocks: list[dict[str, Any]] | None) -> list[str]:
    """The label and items of each block (an ``extra`` column, a preamble block), as printed."""
    return [text for block in blocks or [] for text in (block.get("label") or "", *(block.get("items") or []))]


def entry_rows(document: dict[str, Any], *, municipality: str, department: str, fiscal_year: int,
               year_label: str, grade_evaluations: dict[str, str] | None = None,
               categories: list[str] | None = None) -> list[dict[str, Any]]:
    """One dict per initiative of ``document`` (``sengen.report/1``): the ``PublicEntry`` fields
    but the foreign keys. The searchable text also holds the city, department and year, so that
    ``防災 消防本部`` narrows to one department. ``facets`` are the search filters' tokens
    (``publicfacets``); ``categories`` the published future-direction category of each
    initiative in the document's order, where known."""
    rows = []
    context = fold_for_search(" ".join(p for p in (municipality, department, year_label, str(fiscal_year)) if p))
    # The preamble (a department's mission, policy, themes) belongs to every initiative under it,
    # as the department's name does: 「循環型 ごみ」 finds an initiative under a mission of 循環型.
    preamble = [fold_for_search(text) for text in _labelled_texts(document.get("preamble"))]
    for position, item in enumerate(document.get("initiatives") or []):
        lines = [fold_for_search(text) for name in FIELDS for text in _texts(item, name)]
        text = "\n".join([*lines, *preamble, context])
        category = categories[position] if categories and position < len(categories) else ""
        facets = publicfacets.entry_tokens(item, evaluations=_item_evaluations(item, grade_evaluations or {}),
                                           category=category)
        rows.append({
            "municipality": municipality, "department": department, "fiscal_year": fiscal_year,
            "phase": document.get("document") or "", "number": item["number"], "position": position,
            "title": item.get("title") or "", "text": text, "lexemes": grams(text) | set(facets),
            "facets": publicfacets.facets_text(facets),
        })
    return rows


def evaluation_counts(evaluations: Iterable[str | None]) -> dict[str, int]:
    """How many targets have each evaluation, every evaluation present (0 when none has it): the
    year page's and the report page's tally. A target without an evaluation, or with one this
    version does not know, counts as not evaluated."""
    counts = dict.fromkeys(EVALUATIONS, 0)
    for evaluation in evaluations:
        counts[evaluation if evaluation in counts else "not_evaluated"] += 1
    return counts


def judged_evaluations(document: dict[str, Any], grade_evaluations: dict[str, str] | None = None):
    """Each target's evaluation, for the tallies. A form that grades the initiative as a whole
    (sengen.report/2 ``grade``) judges its targets with it: a target the report leaves without an
    evaluation of its own counts as its initiative's grade stands for (``grade_evaluations``:
    grade code or label → evaluation, from the form's scale), and a graded initiative without
    targets counts once. A grade the scale does not know leaves the targets as they are."""
    grade_evaluations = grade_evaluations or {}
    for item in document.get("initiatives") or []:
        yield from _item_evaluations(item, grade_evaluations)


def _item_evaluations(item: dict[str, Any], grade_evaluations: dict[str, str]):
    targets = item.get("targets") or []
    graded = grade_evaluations.get(item.get("grade") or "")
    if graded is None:
        yield from (target.get("evaluation") for target in targets)
    elif not targets:
        yield graded
    else:
        for target in targets:
            own = target.get("evaluation")
            yield own if own and own != "not_evaluated" else graded


def summary_counts(document: dict[str, Any], grade_evaluations: dict[str, str] | None = None) -> dict[str, int]:
    """Targets per evaluation (initiative grades included: ``judged_evaluations``), their total
    and the number of initiatives, as the year page shows them."""
    initiatives = document.get("initiatives") or []
    counts = evaluation_counts(judged_evaluations(document, grade_evaluations))
    return {**counts, "total": sum(counts.values()), "initiatives": len(initiatives)}


def grade_evaluations_of(declaration) -> dict[str, str]:
    """Grade code and label → evaluation on the scale of the form ``declaration`` was made with
    (the database's scale of that code, a city's own included; else the form's definition of it;
    else the city's scale). Current models only."""
    from sengen.core import forms as core_forms

    from .forms import form_for_declaration

    m = _models()
    form = form_for_declaration(declaration)
    scale = m.GradingScale.objects.filter(code=form.scale).first() if form.scale else None
    if scale is None and form.scale is None:
        scale = declaration.department.municipality.grading_scale
    if scale is not None:
        grades = [(g.code, g.label, g.evaluation) for g in scale.grades.all()]
    else:
        defined = core_forms.scale_of(form)
        grades = [(g.code, g.label, g.evaluation) for g in defined.grades] if defined else []
    out = {label: evaluation for _, label, evaluation in grades}
    out.update({code: evaluation for code, _, evaluation in grades})  # a code wins over a label
    return out


def _has_initiative_grades(document: dict[str, Any]) -> bool:
    return any(item.get("grade") for item in document.get("initiatives") or [])


# --------------------------------------------------------------------------- writing

def _models():
    from . import models

    return models


def published_categories(declarations, *, initiative_model=None, using: str = "default") -> dict[int, list[str]]:
    """Each declaration's initiatives' future-direction categories, in the document's order,
    for those ``declarations`` that are published as they stand: the category is a column of
    the live rows, not of the published document, and live rows equal the publication only
    while the declaration is published (a draft of the next phase is never read)."""
    ids = [d.pk for d in declarations if d.state == workflow.PUBLISHED]
    model = initiative_model or _models().Initiative
    out: dict[int, list[str]] = {pk: [] for pk in ids}
    for start in range(0, len(ids), 1000):
        for declaration_id, category in (model.objects.using(using).filter(declaration_id__in=ids[start:start + 1000])
                                         .order_by("declaration_id", "position", "id")
                                         .values_list("declaration_id", "future_direction_category")):
            out[declaration_id].append(category or "")
    return out


def _objects(*, declaration, publication, document: dict[str, Any], entry_model, summary_model,
             postgres: bool, current_models: bool = True, categories: list[str] | None = None) -> tuple[list, Any]:
    """The ``PublicEntry`` rows and the ``PublicSummary`` of one declaration's publication.

    ``current_models``: False under a migration's historical models, which predate forms (and
    so every document there is without initiative grades)."""
    department = declaration.department
    municipality = department.municipality.name
    year = declaration.fiscal_year.year
    grades = grade_evaluations_of(declaration) if current_models and _has_initiative_grades(document) else None
    rows = entry_rows(document, municipality=municipality, department=department.name, fiscal_year=year,
                      year_label=document.get("fiscal_year_label") or "", grade_evaluations=grades,
                      categories=categories)
    # Migration 0005's historical model has no facets (0008 adds them and indexes again).
    has_facets = any(field.name == "facets" for field in entry_model._meta.get_fields())
    entries = []
    for row in rows:
        lexemes = row.pop("lexemes")
        facets = row.pop("facets")
        if has_facets:
            row["facets"] = facets
        entries.append(entry_model(declaration_id=declaration.pk, publication=publication,
                                   grams=tsvector_literal(lexemes) if postgres else "", **row))
    summary = summary_model(declaration_id=declaration.pk, publication=publication, municipality=municipality,
                            department=department.name, fiscal_year=year, phase=document.get("document") or "",
                            **summary_counts(document, grades))
    return entries, summary


def _write(*, declaration, publication, document: dict[str, Any], entry_model, summary_model,
           using: str) -> None:
    entries, summary = _objects(declaration=declaration, publication=publication, document=document,
                                entry_model=entry_model, summary_model=summary_model,
                                postgres=connections[using].vendor == "postgresql",
                                categories=published_categories([declaration], using=using).get(declaration.pk))
    entry_model.objects.using(using).filter(declaration_id=declaration.pk).delete()
    summary_model.objects.using(using).filter(declaration_id=declaration.pk).delete()
    entry_model.objects.using(using).bulk_create(entries, batch_size=500)
    summary.save(using=using)


def index_publication(publication) -> None:
    """Make ``publication`` what the public index holds for its declaration (the services call
    this right after writing a publication, inside their transaction)."""
    m = _models()
    declaration = (m.Declaration.objects.select_related("department__municipality", "fiscal_year")
                   .get(pk=publication.declaration_id))
    with transaction.atomic():
        _write(declaration=declaration, publication=publication, document=publication.document,
               entry_model=m.PublicEntry, summary_model=m.PublicSummary, using="default")


def reindex(declarations) -> int:
    """Index ``declarations`` (a queryset) again from what each has published: after a department
    or city is renamed in the admin, the index's names, links and search text follow at once.
    Returns how many were indexed."""
    from .selectors import report_document

    m = _models()
    done = 0
    for declaration in declarations.select_related("department__municipality", "fiscal_year"):
        publication = declaration.publications.latest()
        if publication is not None:
            index_publication(publication)
        elif declaration.state == workflow.PUBLISHED:  # published before publication records existed
            with transaction.atomic():
                _write(declaration=declaration, publication=None, document=report_document(declaration=declaration),
                       entry_model=m.PublicEntry, summary_model=m.PublicSummary, using="default")
        else:
            continue
        done += 1
    return done


def indexed(publication):
    """``index_publication`` for a publication just written; returns it (so a service can wrap
    its ``Publication.objects.create``)."""
    index_publication(publication)
    return publication


def rebuild(*, apps=None, using: str = "default", live_fallback: bool = True) -> dict[str, int]:
    """Write the whole index again from the latest publication of every declaration; returns
    how many declarations and initiatives it holds.

    ``apps`` is a migration's app registry (the historical models); without it, the current
    ones. ``live_fallback`` also indexes declarations published before publication records
    existed, from their live rows (what citizens read of them): it needs the current models, so
    the migration leaves it to ``sengen reindex``."""
    if apps is not None:
        get = lambda name: apps.get_model("declarations", name)  # noqa: E731
        publication_model, declaration_model = get("Publication"), get("Declaration")
        entry_model, summary_model = get("PublicEntry"), get("PublicSummary")
    else:
        m = _models()
        publication_model, declaration_model = m.Publication, m.Declaration
        entry_model, summary_model = m.PublicEntry, m.PublicSummary
    postgres = connections[using].vendor == "postgresql"
    entries, summaries = [], []
    declarations_done = 0

    initiative_model = apps.get_model("declarations", "Initiative") if apps is not None else None

    def add(*, categories: dict[int, list[str]], **what) -> None:
        nonlocal declarations_done
        more, summary = _objects(**what, entry_model=entry_model, summary_model=summary_model, postgres=postgres,
                                 current_models=apps is None,
                                 categories=categories.get(what["declaration"].pk))
        entries.extend(more)
        summaries.append(summary)
        declarations_done += 1
        if len(entries) >= 5000:
            flush()

    def flush() -> None:
        entry_model.objects.using(using).bulk_create(entries, batch_size=1000)
        summary_model.objects.using(using).bulk_create(summaries, batch_size=1000)
        entries.clear()
        summaries.clear()

    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        entry_model.objects.using(using).all().delete()
        summary_model.objects.using(using).all().delete()
        if postgres:
            # Building a GIN index once over all rows is many times faster than keeping it up
            # to date through a million inserts.
            cursor.execute(DROP_GIN)
        # Latest first within each declaration: the first row seen of a declaration is its latest.
        latest_ids, seen = [], None
        for declaration_id, pk in (publication_model.objects.using(using)
                                   .order_by("declaration_id", "-published_at", "-id")
                                   .values_list("declaration_id", "id").iterator(chunk_size=10000)):
            if declaration_id != seen:
                latest_ids.append(pk)
                seen = declaration_id
        for start in range(0, len(latest_ids), 500):
            chunk = (publication_model.objects.using(using).filter(pk__in=latest_ids[start:start + 500])
                     .select_related("declaration__department__municipality", "declaration__fiscal_year"))
            chunk = list(chunk)
            categories = published_categories([p.declaration for p in chunk], initiative_model=initiative_model,
                                              using=using)
            for publication in chunk:
                add(declaration=publication.declaration, publication=publication, document=publication.document,
                    categories=categories)
        if live_fallback and apps is None:
            from .selectors import report_document

            for declaration in (declaration_model.objects.using(using).filter(state=workflow.PUBLISHED)
                                .exclude(pk__in=publication_model.objects.using(using).values("declaration_id"))
                                .select_related("department__municipality", "fiscal_year")):
                add(declaration=declaration, publication=None, document=report_document(declaration=declaration),
                    categories=published_categories([declaration], using=using))
        flush()
        if postgres:
            # The rows' foreign keys are checked at commit; an index cannot be built while those
            # checks are pending, so they run now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(CREATE_GIN)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return {"declarations": declarations_done, "initiatives": entry_model.objects.using(using).count()}


def unindexed_published(*, apps=None, using: str = "default") -> int:
    """Published declarations without a publication record: ``rebuild`` indexes them only with
    the current models (``sengen reindex``)."""
    model = (apps.get_model("declarations", "Declaration") if apps is not None else _models().Declaration)
    publication = (apps.get_model("declarations", "Publication") if apps is not None else _models().Publication)
    return (model.objects.using(using).filter(state=workflow.PUBLISHED)
            .exclude(pk__in=publication.objects.using(using).values("declaration_id")).count())
