"""Search reads what was published (the public index), finds short Japanese words and normalised
text, caps its count; the year page sums stored counts that equal counting the targets."""

from __future__ import annotations

import copy
import re
import unicodedata

import pytest
from django.urls import reverse

from sengen.declarations.models import Declaration, Initiative
from sengen.declarations.selectors import public_document
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.publications import Correction, initiative_correct
from sengen.portal import charts, search, selectors, views
from sengen.portal.search import search_public

from .reports import next_year

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"


def hits(query: str) -> list[tuple[int, str, int]]:
    return [(e.fiscal_year, e.department, e.number) for e in search_public(query=query)]


def brute_force(query: str) -> list[tuple[int, str, int]]:
    """What search must find, worked out the slow way: every word a substring of the published
    text of the initiative (or of its department, city and year), after NFKC and lower case."""
    def norm(text):
        return unicodedata.normalize("NFKC", text).lower()

    words = [w for term in search.search_terms(query) for w in norm(term).split()]
    found = []
    for declaration in Declaration.objects.public().select_related("department__municipality", "fiscal_year"):
        doc = public_document(declaration=declaration)
        context = [doc["municipality"] or "", doc["department"], doc["fiscal_year_label"], str(doc["fiscal_year"])]
        for item in doc["initiatives"]:
            texts = [item["title"], *item["sections"], *item["content"], *(t["text"] for t in item["targets"]),
                     *item["results"], *item["future_direction"], *item["achievement_status"]]
            lines = [norm(t) for t in texts] + [norm(" ".join(c for c in context if c))]
            if all(any(w in line for line in lines) for w in words):
                found.append((doc["fiscal_year"], doc["department"], item["number"]))
    return sorted(found, key=lambda h: (-h[0], h[1], h[2]))


@pytest.fixture
def three_reports(seed_doc):
    report_import(doc=seed_doc)
    report_import(doc=next_year(seed_doc, actual=12100))
    other = copy.deepcopy(seed_doc)
    other["department"] = "総務部"
    other["initiatives"][0]["content"] = ["ＩＣＴを活用した窓口の改善（ｺﾐｭﾆﾃｨ放送）"]
    return report_import(doc=other).declaration


def test_search_finds_the_published_text_not_the_draft_of_the_next_phase(client, published):
    # What declaration_start_phase does: the live rows become a draft that staff edit.
    Declaration.objects.filter(pk=published.pk).update(state="draft")
    Initiative.objects.filter(declaration=published, number=1).update(title="下書きの新しい題名",
                                                                       content=["下書きの取組内容"])
    assert hits("下書き") == []
    assert hits("地域コミュニティの推進") == [(2017, DEPT, 1)]  # still published, so still found
    html = client.get(reverse("portal:search"), {"q": "地域コミュニティ"}).content.decode()
    assert "地域コミュニティの推進" in html and "下書き" not in html


@pytest.mark.parametrize("query", ["公民", "市民", "防犯", "館", "市", "々", "ｺﾐｭﾆﾃｨ", "ict", "ＩＣＴ", "12,000",
                                   "１２，０００", "審議会 改修", "平成30年度", "総務部 窓口", "該当しない語句"])
def test_search_finds_exactly_the_initiatives_whose_published_text_holds_every_word(three_reports, query):
    assert hits(query) == brute_force(query)


def test_two_and_one_character_words(three_reports):
    # 公民 occurs only inside 公民館 (initiative 1: content, results; 総務部's copy keeps the results)
    assert hits("公民") == [(2018, DEPT, 1), (2017, DEPT, 1), (2017, "総務部", 1)]
    assert hits("館") == brute_force("館")
    assert set(hits("公民")) < set(hits("館"))


def test_full_and_half_width_forms_are_one_word(three_reports):
    assert hits("ict") == hits("ICT") == hits("ＩＣＴ") == [(2017, "総務部", 1)]
    assert hits("コミュニティ放送") == hits("ｺﾐｭﾆﾃｨ放送") == [(2017, "総務部", 1)]
    assert hits("12,000") == hits("１２，０００") == [(2017, DEPT, 2), (2017, "総務部", 2)]


def test_the_snippet_shows_the_text_as_written(client, three_reports):
    html = client.get(reverse("portal:search"), {"q": "ict"}).content.decode()
    assert "<mark>ＩＣＴ</mark>を活用した窓口の改善" in html


def test_a_correction_is_found_at_once_and_the_old_text_no_longer(published, django_user_model):
    admin = django_user_model.objects.create_superuser("gyosei", password="sengen-test-password")
    four = Initiative.objects.get(declaration=published, number=4)
    initiative_correct(user=admin, initiative=four, version=four.version, reason="題名の誤記",
                       correction=Correction(title="ジェンダー平等の推進", content=four.content, target_texts={}))
    assert hits("ジェンダー") == [(2017, DEPT, 4)]
    assert hits("男女共同参画の推進") == []


def test_a_very_common_word_counts_up_to_the_cap(client, three_reports, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 3)
    monkeypatch.setattr(views, "SEARCH_PAGE_SIZE", 2)
    assert len(brute_force("市")) > 3
    response = client.get(reverse("portal:search"), {"q": "市"})
    html = response.content.decode()
    assert "「市」の検索結果：3件以上" in html
    assert response.context["page"].paginator.num_pages == 2  # the pages reach the cap, no further
    assert client.get(reverse("portal:search"), {"q": "公民"}).context["capped"] is False


def test_search_links_name_the_city_when_several_are_stored(client, seed_doc):
    report_import(doc=seed_doc)
    other = copy.deepcopy(seed_doc)
    other["municipality"] = "秦野市"
    report_import(doc=other)
    html = client.get(reverse("portal:search"), {"q": "公民"}).content.decode()
    for city in ("伊勢原市", "秦野市"):
        url = reverse("portal:initiative", args=[2017, DEPT, 1]) + "?municipality=" + city
        assert client.get(url).status_code == 200
    assert html.count("?municipality=") == 2


# --------------------------------------------------------------------------- year page and index

def counted(declarations) -> dict[str, dict[str, int]]:
    """Targets per evaluation, counted from each public document, per department."""
    result = {}
    for declaration in declarations:
        counts = dict.fromkeys(["achieved", "partially_achieved", "not_achieved", "not_evaluated"], 0)
        for item in public_document(declaration=declaration)["initiatives"]:
            for target in item["targets"]:
                counts[target["evaluation"] or "not_evaluated"] += 1
        result[declaration.department.name] = {**counts, "total": sum(counts.values())}
    return result


def test_the_year_pages_counts_equal_counting_the_targets(client, three_reports, seed_doc):
    changed = copy.deepcopy(seed_doc)
    changed["department"] = "総務部"
    changed["initiatives"][1]["targets"][0]["evaluation"] = "partially_achieved"
    report_import(doc=changed)
    summary = selectors.year_public(fiscal_year=2017)
    expected = counted(Declaration.objects.filter(fiscal_year__year=2017))
    assert {r["department"]: r["counts"] for r in summary["rows"]} == expected
    assert summary["totals"]["total"] == sum(c["total"] for c in expected.values())
    assert summary["totals"]["partially_achieved"] == 1
    html = client.get(reverse("portal:year", args=[2017])).content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    for row in rows:
        department = "総務部" if "総務部" in row else DEPT
        cells = [int(c) for c in re.findall(r'<td class="num">(\d+)</td>', row)]
        e = expected[department]
        assert cells[1:] == [e["total"], e["achieved"], e["partially_achieved"], e["not_achieved"],
                             e["not_evaluated"]]


def test_a_year_of_several_cities_lists_the_cities_then_each_citys_departments(client, seed_doc):
    report_import(doc=seed_doc)
    for city in ("秦野市", "厚木市"):
        other = copy.deepcopy(seed_doc)
        other["municipality"] = city
        report_import(doc=other)
    html = client.get(reverse("portal:year", args=[2017])).content.decode()
    assert 'id="cities-heading"' in html and "<svg" not in html
    assert html.count('href="/years/2017/?municipality=') == 3
    assert re.search(r'<tfoot>.*?<td class="num">27</td>', html, re.S)  # 9 targets × 3 cities
    city = client.get(reverse("portal:year", args=[2017]), {"municipality": "秦野市"}).content.decode()
    assert 'id="departments-heading"' in city and "<svg" in city
    assert f'href="{reverse("portal:report", args=[2017, DEPT])}?municipality=%E7%A7%A6%E9%87%8E%E5%B8%82"' in city
    assert client.get(reverse("portal:year", args=[2017]), {"municipality": "横浜市"}).status_code == 404
    index = client.get("/").content.decode()
    assert index.count('href="/years/2017/?municipality=') == 3


def test_the_year_chart_is_drawn_once_until_a_publication_changes_its_numbers(client, seed_doc, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    drawn = []
    real = charts._year_summary_chart
    monkeypatch.setattr(charts, "_year_summary_chart", lambda rows, **kw: drawn.append(1) or real(rows, **kw))
    report_import(doc=seed_doc)
    first = client.get(reverse("portal:year", args=[2017])).content.decode()
    second = client.get(reverse("portal:year", args=[2017])).content.decode()
    assert len(drawn) == 1 and first == second
    changed = copy.deepcopy(seed_doc)
    changed["initiatives"][1]["targets"][0]["evaluation"] = "partially_achieved"
    report_import(doc=changed)
    client.get(reverse("portal:year", args=[2017]))
    assert len(drawn) == 2


def test_on_postgresql_the_ngram_index_picks_the_candidates(published):
    from django.db import connection

    sql = str(search_public(query="公民").query)
    assert ("@@" in sql) == (connection.vendor == "postgresql")


def test_the_new_words_are_in_english_too(client, seed_doc, monkeypatch):
    report_import(doc=seed_doc)
    other = copy.deepcopy(seed_doc)
    other["municipality"] = "秦野市"
    report_import(doc=other)
    year = client.get(reverse("portal:year", args=[2017]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reports by municipality" in year and "(2 municipalities)" in year
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 1)
    found = client.get(reverse("portal:search"), {"q": "公民"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "More than 1 results for “公民”" in found


@pytest.mark.parametrize("query", ["o'brien", "'", "o'", "\\", "&", "!", "|", "b*", "a:b*", "(x)", "<->", "％", "%",
                                   "_"])
def test_tsquery_syntax_in_a_query_is_only_text(seed_doc, query):
    doc = copy.deepcopy(seed_doc)
    doc["initiatives"][0]["content"] = ["O'Brien & Co. \\ 100％ | a:b* (x) <-> !not_this"]
    report_import(doc=doc)
    assert hits(query) == brute_force(query)
    assert hits(query) == [(2017, DEPT, 1)]
    # The page's own reading (on PostgreSQL the listing's head, by substring) agrees.
    page = search.search_page(query=query, page=1, per_page=20)
    assert page["count"] == 1 and [r["initiative"].number for r in page["results"]] == [1]


def test_index_grams_drop_only_ngrams_the_statistics_know_to_be_common():
    grams = ["イナ", "カー", "ナン", "マイ", "ード"]
    # Unknown to the statistics: each rarer than any they list, so all are looked up.
    assert search.index_grams(grams, {}) == grams
    # Known common ones go while two rarer ones remain; the two rarest known fill up to two.
    assert search.index_grams(grams, {"マイ": 0.05, "ード": 0.1, "カー": 0.05}) == ["イナ", "ナン"]
    assert search.index_grams(grams, {g: 0.05 for g in grams} | {"イナ": 0.01}) == ["イナ", "カー"]
    assert search.index_grams(["公民", "民館"], {"公民": 0.5, "民館": 0.5}) == ["公民", "民館"]


@pytest.mark.parametrize("query", ["マイナンバーカード", "地域コミュニティ", "コミュニティの推進", "の推進 市民"])
def test_with_statistics_of_the_ngrams_a_search_finds_the_same(seed_doc, monkeypatch, query):
    # With ANALYZE's statistics every n-gram of these few rows is "common", so a long word is
    # looked up by two of its n-grams only: confirmed in the text, the hits are the same.
    from django.db import connection

    report_import(doc=seed_doc)
    report_import(doc=next_year(seed_doc, actual=12100))
    monkeypatch.setattr(search, "_COMMON", {"at": float("-inf"), "grams": {}})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE declarations_publicentry")
        assert search._common_grams()  # the statistics are read
    assert hits(query) == brute_force(query) and hits(query)
    assert [r["initiative"].number for r in search.search_page(query=query, page=1, per_page=50)["results"]] == \
        [h[2] for h in brute_force(query)]
