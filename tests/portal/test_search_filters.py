"""Search that narrows: year, department, evaluation, grade, kind of target and future-direction
category, each alone and together, on the page and in the selector the API shares; values it
cannot use are left out with a note (never an error); a draft is never what a filter reads."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from sengen.declarations import publicfacets, publicindex
from sengen.declarations.models import Declaration, FutureDirection, Initiative
from sengen.declarations.services.imports import report_import
from sengen.portal import search_filters
from sengen.portal.search import search_page, search_public
from sengen.portal.search_filters import SearchFilters, read_filters

from .reports import next_year

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"


def hits(query: str = "", **filters) -> list[tuple[int, str, int]]:
    return [(e.fiscal_year, e.department, e.number)
            for e in search_public(query=query, filters=SearchFilters(**filters))]


@pytest.fixture
def reports(seed_doc):
    """FY2017 and FY2018 of 市民生活部 and FY2017 of 総務部 (the seed's text), all published."""
    report_import(doc=seed_doc)
    report_import(doc=next_year(seed_doc, actual=12100))
    other = copy.deepcopy(seed_doc)
    other["department"] = "総務部"
    return report_import(doc=other).declaration


def test_each_filter_alone_narrows_to_the_initiatives_it_names(reports):
    everything = hits("推進")
    assert len(everything) > len(hits("推進", year=2018)) > 0
    assert {h[0] for h in hits("推進", year=2018)} == {2018}
    assert {h[1] for h in hits("推進", department="総務部")} == {"総務部"}
    # The seed: No.4 and No.5 each have an achieved target; No.1 and No.3 are not evaluated.
    assert {h[2] for h in hits(evaluation="achieved", year=2017, department=DEPT)} == {4, 5}
    assert {h[2] for h in hits(evaluation="not_achieved", year=2017, department=DEPT)} == {2, 4, 5}
    # Kinds as the published document states them: a figure, a date alone, neither.
    assert {h[2] for h in hits(kind="milestone", year=2017, department=DEPT)} == {5}
    assert {h[2] for h in hits(kind="numeric", year=2017, department=DEPT)} == {2, 5}
    assert {h[2] for h in hits(kind="qualitative", year=2017, department=DEPT)} == {1, 3, 4}


def test_filters_combine_with_each_other_and_with_the_words(reports):
    assert hits("マイナンバーカード", year=2017, department=DEPT, kind="milestone") == [(2017, DEPT, 5)]
    assert hits("マイナンバーカード", kind="qualitative") == []
    assert hits("公民", evaluation="achieved") == []
    assert hits("公民", evaluation="not_evaluated", department="総務部") == [(2017, "総務部", 1)]


def test_a_filter_alone_lists_every_initiative_it_lets_through(client, reports):
    response = client.get(reverse("portal:search"), {"department": "総務部", "kind": "milestone"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["count"] == 1
    assert "マイナンバーカードの普及" in html
    assert "検索結果：1件" in html
    # the active filters, in words, beside the count
    assert "部局「<span lang=\"ja\">総務部</span>」" in html
    assert "目標の種類「期日目標」" in html


def test_a_grade_of_the_citys_scale_narrows_to_the_initiatives_graded_so(seed_doc):
    graded = copy.deepcopy(seed_doc)
    graded["schema"] = "sengen.report/2"
    codes = [code for code, _label in search_filters.grade_codes()]
    assert codes, "the preset scales bring grades"
    graded["initiatives"][2]["targets"][0]["grade"] = codes[0]
    report_import(doc=graded)
    entry_tokens = publicfacets.entry_tokens(graded["initiatives"][2], evaluations=[])
    assert publicfacets.token("grade", codes[0]) in entry_tokens
    assert [h[2] for h in hits(grade=codes[0])] == [3]


def test_the_direction_category_is_the_published_ones_and_never_a_drafts(published):
    Initiative.objects.filter(declaration=published, number=3).update(
        future_direction_category=FutureDirection.EXPAND)
    publicindex.reindex(Declaration.objects.filter(pk=published.pk))
    assert hits(direction="拡充") == [(2017, DEPT, 3)]
    assert hits(direction="継続") == []
    # Staff start the next phase: the live rows are a draft; a category set there is not public.
    Declaration.objects.filter(pk=published.pk).update(state="draft")
    Initiative.objects.filter(declaration=published, number=1).update(
        future_direction_category=FutureDirection.CONTINUE, title="下書きの題名")
    publicindex.reindex(Declaration.objects.filter(pk=published.pk))
    assert hits(direction="継続") == []
    assert hits("下書き") == hits("下書き", year=2017) == []
    assert hits(year=2017, department=DEPT)  # the publication is still listed


@pytest.mark.parametrize("params, ignored", [
    ({"year": "令和元年"}, "年度"),
    ({"year": "99999"}, "年度"),
    ({"year": "２０１７"}, "年度"),
    ({"evaluation": "excellent"}, "評価"),
    ({"kind": "<script>"}, "目標の種類"),
    ({"direction": "DROP TABLE"}, "今後の方向性"),
    ({"grade": "no-such-grade"}, "評語"),
    ({"department": "部" * 201}, "部局"),
])
def test_a_value_it_cannot_use_is_ignored_with_a_visible_note(client, reports, params, ignored):
    read = read_filters(params)
    assert read.filters == SearchFilters()
    assert len(read.ignored) == 1 and ignored in read.ignored[0]
    response = client.get(reverse("portal:search"), {"q": "公民", **params})
    assert response.status_code == 200
    html = response.content.decode()
    assert "次の条件は使えないため、無視しました。" in html
    assert "<script>" not in html.split("<main", 1)[-1] or "&lt;script&gt;" in html
    # the words still search, unnarrowed
    assert response.context["count"] == len(hits("公民"))


def test_valid_values_are_read_and_shown_selected(client, reports):
    read = read_filters({"year": "2017", "department": " 総務部 ", "evaluation": "achieved", "kind": "numeric",
                         "direction": "継続"})
    assert read.ignored == []
    assert read.filters == SearchFilters(year=2017, department="総務部", evaluation="achieved", kind="numeric",
                                         direction="継続")
    html = client.get(reverse("portal:search"), {"q": "推進", "year": "2017", "kind": "numeric"}).content.decode()
    assert '<option value="2017" selected>' in html
    assert '<option value="numeric" selected>' in html
    assert "<legend>絞り込み（任意）</legend>" in html
    for field in ("year", "department", "evaluation", "kind", "direction"):
        assert f'<label for="filter-{field}">' in html and f'id="filter-{field}"' in html


def test_paging_keeps_the_filters(client, reports, monkeypatch):
    from sengen.portal import views

    monkeypatch.setattr(views, "SEARCH_PAGE_SIZE", 2)
    html = client.get(reverse("portal:search"), {"q": "推進", "year": "2017"}).content.decode()
    assert "year=2017" in html.split('rel="next"')[0].rsplit("href=", 1)[-1]


# Three characters: on PostgreSQL its hits are confirmed in their text, the case the walk is for.
WORD = "の推進"


@pytest.mark.parametrize(("head_rows", "walk_rows"), [(10**6, 10**6), (7, 10**6), (4, 9), (2, 6), (3, 3), (1, 1)])
@pytest.mark.parametrize("cap", [1000, 3])
def test_the_search_page_reads_the_same_pages_as_the_plain_query(reports, monkeypatch, cap, head_rows, walk_rows):
    # However a page is read (on PostgreSQL from the hits among the listing's first rows when
    # they fill it, walking further when their share says it pays, else from the index's
    # candidates sorted; a head holding every row, a few, or one), its hits are the plain
    # query's, page after page, and so is the count.
    from sengen.portal import search

    monkeypatch.setattr(search, "HEAD_ROWS", head_rows)
    monkeypatch.setattr(search, "WALK_ROWS", walk_rows)
    monkeypatch.setattr(search, "TRUSTED_SHARE", 1)  # these few rows: a share from one hit, so walks happen
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", cap)
    everything = [e.pk for e in search_public(query=WORD)]
    pages = search_page(query=WORD, page=1, per_page=2)["page"].paginator.num_pages
    everything = everything[:cap]
    assert len(everything) > 2 and pages == (len(everything) + 1) // 2
    paged = []
    for page in range(1, pages + 1):
        paged += [hit["initiative"].pk for hit in search_page(query=WORD, page=page, per_page=2)["results"]]
    assert paged == everything
