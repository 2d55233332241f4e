"""The static site's search: the Pagefind index step (portal/site/search_index.py), the search page
in its static mode, and the nginx that serves the tree in the browser tests (tests/nginx.py).
Searching the index happens in a browser: tests/browser/test_static_search.py."""

from __future__ import annotations

import json
import re
import urllib.request
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import override_settings

from sengen.portal.labels import INDEXED_HEADINGS
from sengen.portal.search_filters import STATIC_FILTERS
from sengen.portal.site.search_index import SearchIndexError, index_site
from tests.nginx import nginx_binary, nginx_serving

PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>年度一覧 検索</nav><main{body}><h1>{title}</h1><p>{text}</p></main>
<footer>掲載しているのは公開済みの目標宣言と報告だけです。</footer></body></html>"""


def _page(root: Path, path: str, *, title: str, text: str, indexed: bool = True) -> None:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    body = " data-pagefind-body" if indexed else ""
    file.write_text(PAGE.format(title=title, text=text, body=body), encoding="utf-8")


@pytest.fixture
def tiny_site(tmp_path) -> Path:
    root = tmp_path / "site"
    _page(root, "reports/2017/a/1/index.html", title="地域コミュニティの推進", text="公民館の利用者数を増やします。")
    _page(root, "reports/2017/a/2/index.html", title="防災の推進", text="自主防災組織の訓練を行います。")
    _page(root, "index.html", title="年度一覧", text="公民館", indexed=False)
    return root


def test_the_index_holds_the_pages_marked_for_it_and_not_the_others(tiny_site):
    index = index_site(tiny_site)
    assert index.path == tiny_site / "pagefind"
    assert (index.pages, index.languages) == (2, 1)
    assert index.words > 5
    # the bundle the search page loads: Pagefind's UI and a Japanese index
    for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-entry.json"):
        assert (index.path / name).is_file(), name
    entry = json.loads((index.path / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["ja"]
    assert entry["languages"]["ja"]["page_count"] == 2
    assert "2ページ" in index.summary()


def test_a_second_run_replaces_the_index_whole(tiny_site):
    index_site(tiny_site)
    stale = tiny_site / "pagefind" / "fragment" / "stale.pf_fragment"
    stale.write_bytes(b"old")
    (tiny_site / "reports/2017/a/2/index.html").unlink()
    assert index_site(tiny_site).pages == 1
    assert not stale.exists()


def test_a_tree_without_indexed_pages_is_refused_in_a_sentence(tmp_path):
    _page(tmp_path, "index.html", title="年度一覧", text="一覧", indexed=False)
    with pytest.raises(SearchIndexError, match="索引に入るページがありません"):
        index_site(tmp_path)
    with pytest.raises(SearchIndexError, match="フォルダがありません"):
        index_site(tmp_path / "missing")


def test_a_missing_binary_is_named_with_what_to_do(tiny_site, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tiny_site / "no-pagefind"))
    with pytest.raises(SearchIndexError, match="PAGEFIND_BINARY_PATH"):
        index_site(tiny_site)


def test_nginx_serves_the_tree_as_utf_8_with_its_content_types(tiny_site, tmp_path):
    try:
        nginx_binary()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    index_site(tiny_site)
    with nginx_serving(tiny_site, tmp_path / "nginx") as base:
        with urllib.request.urlopen(base + "/reports/2017/a/1/") as response:
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert "公民館" in response.read().decode("utf-8")
        with urllib.request.urlopen(base + "/pagefind/pagefind-ui.js") as response:
            assert response.headers["Content-Type"].startswith("application/javascript")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/reports/2099/")
        assert missing.value.code == 404
    # stopped: the port no longer answers
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "/", timeout=2)


@pytest.mark.django_db
def test_the_static_search_page_loads_pagefind_and_says_what_to_do_without_javascript(client, seed_doc):
    from sengen.declarations.services.imports import report_import

    report_import(doc=seed_doc)
    with override_settings(SENGEN_STATIC_SEARCH=True):
        html = client.get("/search/", HTTP_ACCEPT_LANGUAGE="ja").content.decode("utf-8")
    assert 'id="static-search"' in html
    assert 'src="/static/portal/static-search.js" data-bundle="../../pagefind/" data-results-prefix=""' in html
    noscript = html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "JavaScript が必要です" in noscript
    assert 'href="/years/2017/"' in noscript  # the year pages, readable without a script
    assert 'name="q"' not in html  # no form to a server that is not there
    # the dynamic portal's search page is unchanged
    dynamic = client.get("/search/?q=公民", HTTP_ACCEPT_LANGUAGE="ja").content.decode("utf-8")
    assert "static-search" not in dynamic and "地域コミュニティの推進" in dynamic


@pytest.mark.django_db
def test_the_static_search_page_names_the_indexs_filters_in_the_readers_language(client, seed_doc):
    from sengen.declarations.services.imports import report_import

    report_import(doc=seed_doc)

    def words(language: str) -> dict:
        client.cookies["django_language"] = language
        with override_settings(SENGEN_STATIC_SEARCH=True):
            html = client.get("/search/").content.decode("utf-8")
        data = html.split('<script id="static-search-words" type="application/json">', 1)[1]
        return json.loads(data.split("</script>", 1)[0])

    def filters(language: str) -> dict:
        return words(language)["filters"]

    # by the names the index holds (the Japanese pages' data-pagefind-filter), in each language
    english, japanese = filters("en"), filters("ja")
    assert set(english) == set(japanese) == set(STATIC_FILTERS)
    assert {key: one["name"] for key, one in english.items()} == {
        "年度": "Fiscal year", "部": "Department", "評価": "Evaluation", "評語": "Grade",
        "目標の種類": "Kind of target", "今後の方向性": "Future direction"}
    assert {key: one["name"] for key, one in japanese.items()} == {key: key for key in STATIC_FILTERS}
    assert english["年度"]["values"] == {"平成29年度": "FY2017"}
    assert english["評価"]["values"] == {"達成": "Achieved", "一部達成": "Partly achieved",
                                        "未達成": "Not achieved", "評価なし": "Not evaluated"}
    assert english["目標の種類"]["values"] == {"数値目標": "Numeric target", "期日目標": "Deadline target",
                                          "定性目標": "Qualitative target"}
    assert english["今後の方向性"]["values"]["継続"] == "Continue"
    assert len(english["今後の方向性"]["values"]) == 7
    for name in ("評価", "目標の種類", "今後の方向性"):  # every value the site words has English words
        assert all(shown != value for value, shown in english[name]["values"].items()), name
        assert all(shown == value for value, shown in japanese[name]["values"].items()), name
    # a department's name and a grade are the city's words, as written
    assert {key for key, one in english.items() if one["written"]} == {"部", "評語"}
    assert english["部"]["values"] == english["評語"]["values"] == {}
    # the headings a hit's parts are titled by: in English, as the English pages word them
    headings = words("en")["headings"]
    assert headings["取組内容"] == "What will be done" and headings["達成目標"] == "Targets"
    assert set(headings) == set(INDEXED_HEADINGS)
    assert words("ja")["headings"] == {}  # the Japanese page shows them as the index holds them


@pytest.mark.django_db
def test_the_indexed_pages_mark_their_content_and_leave_the_chrome_out(client, seed_doc):
    from sengen.declarations.services.imports import report_import

    report_import(doc=seed_doc)
    dept = "市民生活部"
    initiative = client.get(f"/reports/2017/{dept}/2/", HTTP_ACCEPT_LANGUAGE="ja").content.decode("utf-8")
    assert '<main id="main" class="container" tabindex="-1" data-pagefind-body>' in initiative
    assert '<nav class="breadcrumbs" data-pagefind-ignore' in initiative
    assert f'<span data-pagefind-filter="部">{dept}</span>' in initiative
    assert '<span data-pagefind-filter="年度">平成29年度</span>' in initiative
    report = client.get(f"/reports/2017/{dept}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode("utf-8")
    assert "data-pagefind-body" in report
    assert 'class="initiatives" data-pagefind-ignore' in report  # each initiative has its own page
    # every filter the pages give the index is one the English search page can name; the report
    # page has year and department only (a ticked evaluation narrows to initiatives, as on the server)
    assert set(re.findall(r'data-pagefind-filter="([^":]+)', initiative)) == set(STATIC_FILTERS) - {"評語", "今後の方向性"}
    assert set(re.findall(r'data-pagefind-filter="([^":]+)', report)) == {"年度", "部"}
    front = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode("utf-8")
    assert "data-pagefind-body" not in front
    # the English pages are not indexed: their text is the city's Japanese, which Pagefind
    # segments only in a Japanese page; the English search page links the hits in English
    client.cookies["django_language"] = "en"
    english = client.get(f"/reports/2017/{dept}/2/").content.decode("utf-8")
    assert '<html lang="en">' in english and "data-pagefind-body" not in english
    with override_settings(SENGEN_STATIC_SEARCH=True):
        search = client.get("/search/").content.decode("utf-8")
    assert 'data-results-prefix="en/"' in search
    assert "Search on this site needs JavaScript." in search


def _page_filters(html: str) -> set[tuple[str, str]]:
    """The filters a page gives Pagefind inline (data-pagefind-filter="name:value")."""
    return {(name, unescape(value)) for name, value in re.findall(r'data-pagefind-filter="([^":]+):([^"]+)"', html)}


@pytest.mark.django_db
def test_an_initiative_page_carries_what_the_servers_filters_match_it_by(client, seed_doc):
    from django.utils import translation

    from sengen.declarations import publicindex
    from sengen.declarations.models import Declaration, FutureDirection, Initiative
    from sengen.declarations.services.imports import report_import
    from sengen.portal import search_filters
    from sengen.portal.search import search_public

    graded = json.loads(json.dumps(seed_doc))
    graded["schema"] = "sengen.report/2"
    codes = [code for code, _label in search_filters.grade_codes()]
    graded["initiatives"][2]["targets"][0]["grade"] = codes[0]  # a grade the city wrote, on one target
    graded["initiatives"][4]["targets"][0]["grade"] = codes[1]
    declaration = report_import(doc=graded).declaration
    Initiative.objects.filter(declaration=declaration, number=2).update(future_direction_category=FutureDirection.EXPAND)
    publicindex.reindex(Declaration.objects.filter(pk=declaration.pk))

    numbers = [item["number"] for item in graded["initiatives"]]
    pages = {number: _page_filters(client.get(f"/reports/2017/市民生活部/{number}/", HTTP_ACCEPT_LANGUAGE="ja")
                                   .content.decode("utf-8")) for number in numbers}
    # No.2: one target not achieved, one not yet evaluated — two values of one filter on one page
    assert {("評価", "未達成"), ("評価", "評価なし"), ("目標の種類", "数値目標"), ("今後の方向性", "拡充")} <= pages[2]
    assert ("評語", codes[0]) in pages[3] and ("評語", codes[1]) in pages[5]
    # For every value the server's search offers, the pages that carry it are the initiatives
    # the server's filter finds: the static search narrows like the server's.
    names = {name: key for key, name in STATIC_FILTERS.items()}
    with translation.override("ja"):
        offered = search_filters.choices([(code, code) for code in codes])
    carried = 0
    for name in ("evaluation", "kind", "direction", "grade"):
        for value, label in offered[name]:
            found = {e.number for e in search_public(query="", filters=search_filters.SearchFilters(**{name: value}))}
            static = {number for number, page in pages.items() if (names[name], label) in page}
            assert static == found, (name, value)
            carried += len(static)
    assert carried > 2 * len(numbers)  # the pages carry values, several a filter
    # no page carries an internal code (achieved, numeric) where a label belongs
    assert not any(value.isascii() and name != "評語" for page in pages.values() for name, value in page)
    # the English page is not indexed and carries none
    client.cookies["django_language"] = "en"
    assert _page_filters(client.get("/reports/2017/市民生活部/2/").content.decode("utf-8")) == set()


class _IndexedHeadings(HTMLParser):
    """The headings with an id that Pagefind makes a hit's parts of: inside data-pagefind-body,
    outside data-pagefind-ignore; the page's h1 (the hit's own title) left out, and so are the
    city's words (marked lang="ja", the heading or a part of it)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, indexed, ignored) of each open element
        self.heading: list[str] | None = None
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        indexed, ignored = self.stack[-1][1:] if self.stack else (False, False)
        indexed, ignored = indexed or "data-pagefind-body" in attrs, ignored or "data-pagefind-ignore" in attrs
        if tag in VOID_ELEMENTS:
            return
        self.stack.append((tag, indexed, ignored))
        if tag in ("h2", "h3", "h4") and "id" in attrs and indexed and not ignored:
            self.heading, self.written = [], False
        if self.heading is not None and "lang" in attrs:
            self.written = True

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass
        if tag in ("h2", "h3", "h4") and self.heading is not None:
            if not self.written:
                self.found.append("".join(self.heading).strip())
            self.heading = None

    def handle_data(self, data):
        if self.heading is not None:
            self.heading.append(data)


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@pytest.mark.django_db
def test_every_heading_the_site_gives_an_indexed_page_has_its_english_words(client, seed_doc):
    from sengen.declarations.services.imports import report_import
    from tests.portal.reports import next_year

    report_import(doc=seed_doc)
    report_import(doc=next_year(seed_doc, actual=13210))  # an initiative with two years: a series
    found = set()
    for url in ("/reports/2018/市民生活部/", "/reports/2018/市民生活部/1/", "/reports/2018/市民生活部/2/"):
        parser = _IndexedHeadings()
        parser.feed(client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode("utf-8"))
        found |= set(parser.found)
    assert {"取組内容", "達成目標", "取組結果", "達成目標の評価", "数値目標の推移"} <= found  # the parser finds them
    # the seed's form words its headings with the site's words (a city's form, as written)
    assert found <= set(INDEXED_HEADINGS), found - set(INDEXED_HEADINGS)


@pytest.mark.django_db
def test_the_build_indexes_the_tree_again_only_when_a_page_changed(tmp_path, seed_doc, monkeypatch):
    from sengen.declarations.services.imports import report_import
    from sengen.portal.site import build
    from tests.declarations.helpers import refused
    from tests.portal.reports import next_year

    report_import(doc=seed_doc)
    root = tmp_path / "site"
    lines = []
    first = build(root, say=lines.append)
    # the seed's report page and its five initiatives, in Japanese only
    assert first.index is not None and first.index.pages == 6
    assert lines[-1] == first.index.summary()
    entry = root / "pagefind" / "pagefind-entry.json"
    assert json.loads(entry.read_text(encoding="utf-8"))["languages"]["ja"]["page_count"] == 6

    assert build(root, say=lines.append).index is None  # nothing changed: the index is kept
    report_import(doc=next_year(seed_doc, actual=13210))
    assert build(root, say=lines.append).index.pages == 12  # a new year's report and initiatives
    entry.unlink()
    assert build(root, say=lines.append).index.pages == 12  # an index gone is written again

    # `sengen site build` without Pagefind: one sentence saying what to do, exit status 2
    entry.unlink()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-pagefind"))
    assert "PAGEFIND_BINARY_PATH" in str(refused("site", "build", str(root)))
