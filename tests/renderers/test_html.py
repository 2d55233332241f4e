"""HTML: the official table, semantic and standalone; text from the report is never markup."""

from html.parser import HTMLParser

import pytest

from sengen.renderers import render

from .helpers import HOSTILE, hostile_doc

# Everything our template emits. A payload that got through unescaped shows up as an
# unknown tag or attribute.
TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "table", "caption", "h1", "p",
                 "colgroup", "col", "thead", "tbody", "tr", "th", "td", "ul", "li", "span", "br"}
TEMPLATE_ATTRS = {"lang", "charset", "name", "content", "class", "style", "scope", "data-label",
                  "aria-hidden", "colspan"}


class Table(HTMLParser):
    """Collects tags, attributes and the table's cells as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs = [], []
        self.rows, self.headers = [], []
        self.caption = ""
        self._cell = None
        self._in = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag not in ("br", "meta", "col"):
            self._in.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.headers.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif "caption" in self._in:
            self.caption += data


def _parse(doc) -> tuple[str, Table]:
    html = render(doc, "html").decode("utf-8")
    parser = Table()
    parser.feed(html)
    return html, parser


def test_html_is_a_japanese_standalone_document_with_the_official_title(seed):
    html, t = _parse(seed)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="ja">' in html
    assert "<title>平成29年度 市民生活部長の目標宣言 達成状況報告</title>" in html
    assert "平成29年度 市民生活部長の目標宣言 達成状況報告" in t.caption
    assert "市民生活部長 竹内 克則" in t.caption


def test_html_report_has_the_seed_columns_in_order_with_column_headers(seed):
    _, t = _parse(seed)
    assert t.rows[0] == ["No.", "取組名（担当課名）", "取組内容", "達成目標",
                         "取組結果［今後の取組の方向性］", "目標達成状況"]
    assert all(h.get("scope") == "col" for h in t.headers)
    assert len(t.rows) == 1 + len(seed["initiatives"])
    assert all(len(r) == 6 for r in t.rows)


def test_html_cells_hold_bullets_sections_and_future_direction(seed):
    _, t = _parse(seed)
    no, title, content, targets, results, status = t.rows[2]
    assert no == "2"
    assert title == "くらし安心メールの利用拡大（交通防犯担当）"
    assert content == "・くらし安心メールのメニューに、各種イベント、講座等を追加し、市民に広く登録を呼びかけます。"
    assert targets == "・くらし安心メール追加メニュー目標：５種類・平成２９年度末時点のくらし安心メール登録目標：１２,０００人"
    assert results.index("・くらし安心メールの登録") < results.index("［今後の取組の方向性］") \
        < results.index("・今後も、くらし安心メール")
    assert status.startswith("・くらし安心メール登録者数は")


@pytest.mark.parametrize("kind, title", [
    ("declaration", "平成29年度 市民生活部長の目標宣言"),
    ("interim_report", "平成29年度 市民生活部長の目標宣言 中間報告"),
])
def test_html_title_follows_the_document_kind(seed, kind, title):
    seed["document"] = kind
    html, t = _parse(seed)
    assert f"<title>{title}</title>" in html


def test_html_declaration_has_only_the_first_four_columns(seed):
    seed["document"] = "declaration"
    _, t = _parse(seed)
    assert t.rows[0] == ["No.", "取組名（担当課名）", "取組内容", "達成目標"]
    assert all(len(r) == 4 for r in t.rows)
    assert "今後の取組の方向性" not in "".join("".join(r) for r in t.rows)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_html_escapes_every_field(name):
    payload = HOSTILE[name]
    html, t = _parse(hostile_doc(payload))
    assert set(t.tags) <= TEMPLATE_TAGS
    assert {a for a, _ in t.attrs} <= TEMPLATE_ATTRS
    assert "<script" not in html
    # The text survives as text, in the cells and in the title.
    cells = [c for r in t.rows[1:] for c in r]
    assert any(payload.replace("\r", "") in c for c in cells)


def test_html_escapes_quotes_inside_attributes():
    html, t = _parse(hostile_doc('" onmouseover="alert(1)'))
    assert "onmouseover" not in {a for a, _ in t.attrs}
    assert 'content="&quot; onmouseover=&quot;alert(1)' in html  # <meta name="author">


def test_html_loads_nothing_from_outside(seed):
    html, t = _parse(seed)
    assert not {"script", "link", "img", "iframe"} & set(t.tags)
    assert "url(" not in html and "@import" not in html
    assert "http://" not in html and "https://" not in html


def test_html_drops_control_characters_no_format_can_carry(seed):
    seed["initiatives"][0]["title"] = "地域\x00コミュニティ\x1bの推進\ud800"
    html, _ = _parse(seed)
    assert "地域コミュニティの推進\ufffd" in html


def test_html_renders_documents_that_miss_optional_keys():
    doc = {"schema": "sengen.report/1", "fiscal_year": 2019, "document": "achievement_report",
           "department": "総務部", "initiatives": [{"number": 1, "title": "庁舎の改修"}]}
    html, t = _parse(doc)
    assert "<title>令和元年度 総務部長の目標宣言 達成状況報告</title>" in html
    assert t.rows[1][:2] == ["1", "庁舎の改修"]


def test_html_renders_a_document_the_format_gate_rejects_from_what_it_has():
    doc = {"document": "declaration", "initiatives": [{"title": None, "targets": "text", "content": None}, 5]}
    html, t = _parse(doc)
    assert len(t.rows) == 2 and len(t.rows[1]) == 4


def test_browser_html_keeps_its_screen_styles(seed):
    """Card layout on phones and kinsoku for browsers; only the PDF leaves them out."""
    html = render(seed, "html").decode()
    assert "max-width: 48em" in html and "line-break: strict" in html
