"""The initiative page reads a bounded number of queries however many years its initiative has
been carried through: the chain in one recursive query, the other years' documents in one."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from sengen.declarations.models import Initiative
from sengen.declarations.services.imports import report_import
from sengen.portal import selectors

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"
# What the page reads: the page cache's generation, the declaration, its publication (once, though
# the page asks for its document, item and progress), the live initiative and its targets, the
# chain, the chain's initiatives, those of the same title, their publications, the corrections, and
# (the Japanese page, which the static search indexes) its public index row's filter tokens.
# It read 28 at national scale before (a query per year along the chain, one per year's document).
MAX_QUERIES = 11


def _years(seed_doc, count: int) -> list:
    """``count`` published years of 市民生活部 from FY2017, each initiative 3 carried from the
    year before under a title of its own (so only the chain links them)."""
    declarations = []
    for offset in range(count):
        doc = copy.deepcopy(seed_doc)
        doc["fiscal_year"] = 2017 + offset
        doc["fiscal_year_label"] = f"平成{29 + offset}年度" if offset < 2 else f"令和{offset - 1}年度"
        doc["initiatives"][2]["title"] = f"市民文化会館の改修 第{offset + 1}期"
        declarations.append(report_import(doc=doc).declaration)
    for before, after in zip(declarations, declarations[1:], strict=False):
        Initiative.objects.filter(declaration=after, number=3).update(
            carried_from=Initiative.objects.get(declaration=before, number=3))
    return declarations


def _page(client, year: int):
    return client.get(reverse("portal:initiative", args=[year, DEPT, 3]))


def test_the_initiative_page_reads_as_many_queries_for_two_years_as_for_six(client, seed_doc,
                                                                             django_assert_max_num_queries):
    _years(seed_doc, 6)
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        response = _page(client, 2018)  # one year before it, four after
    assert response.status_code == 200
    html = response.content.decode()
    for offset in (1, 3, 4, 5, 6):
        assert f"市民文化会館の改修 第{offset}期" in html
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        assert _page(client, 2022).status_code == 200  # five years before it
    assert len(many.captured_queries) == len(few.captured_queries), few.captured_queries


def test_the_chain_in_one_query_is_the_chain_step_by_step(seed_doc):
    declarations = _years(seed_doc, 5)
    middle = Initiative.objects.get(declaration=declarations[2], number=3)
    others = selectors.initiative_other_years(initiative=middle)
    assert [(o["year"], o["relation"]) for o in others] == [
        (2017, ""), (2018, "previous"), (2020, "next"), (2021, "")]
    # A year that is not public ends the chain there: its own year and the years past it.
    from sengen.declarations.models import Declaration, Publication

    Publication.objects.filter(declaration=declarations[1]).delete()
    Declaration.objects.filter(pk=declarations[1].pk).update(state="draft")
    others = selectors.initiative_other_years(initiative=Initiative.objects.get(pk=middle.pk))
    assert [(o["year"], o["relation"]) for o in others] == [(2020, "next"), (2021, "")]
