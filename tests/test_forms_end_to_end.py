"""Issue 11, must show: a form that is no preset, defined only through ``sengen form load`` from a
file written here, works end to end with its own labels everywhere — ``sengen form blank`` →
filled in through openpyxl → ``sengen import`` (a draft) → the director edits it on the staff
page → submitted, checked, published → the portal's page → the PDF download (and ``sengen
export``), each in the city's own words: 課題 / 達成水準 / 方策 / 協働関係先 and its preamble."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from sengen.declarations.models import Declaration
from sengen.declarations.services.transitions import declaration_transition
from tests.declarations.conftest import fast_password_hashing, people  # noqa: F401
from tests.parsers.form_layouts import cell_texts, declarer_line

pytestmark = pytest.mark.django_db

LABELS = ["番号", "課題", "達成水準", "方策", "協働関係先"]

DEFINITION = {
    "code": "isehara-kadai", "name": "課題解決宣言", "programme": "課題解決宣言", "unit_kind": "部",
    "numbered": True, "number_label": "番号", "grade_placement": "target", "scale": "plan",
    "layouts": {"declaration": {
        "title": "{municipality} {fiscal_year_label} {director_title} 課題解決宣言",
        "declarer": "宣言者　{director_title}　{director_name}",
        "preamble": [{"label": "部の目指す姿", "kind": "text", "bullet": "・"}],
        "columns": [{"label": "番号", "parts": ["number"]}, {"label": "課題", "parts": ["title"]},
                    {"label": "達成水準", "parts": ["targets"]}, {"label": "方策", "parts": ["approach"]},
                    {"label": "協働関係先", "parts": ["partners"]}],
    }},
}

DOC = {
    "schema": "sengen.report/2", "municipality": "伊勢原市", "fiscal_year": 2017, "fiscal_year_label": "平成29年度",
    "document": "declaration", "department": "市民生活部", "director": {"title": "市民生活部長", "name": "見本 太郎"},
    "form": {"code": "isehara-kadai", "version": None}, "unit_kind": "部", "declared_on": None,
    "preamble": [{"label": "部の目指す姿", "items": ["誰もが安心して暮らせる地域をつくります。"], "sdgs": []}],
    "initiatives": [
        {"number": 1, "title": "空き家の増加", "targets": [{"text": "空き家の相談会を年４回開く"}],
         "approach": ["固定資産税の通知に相談窓口の案内を同封する"], "partners": ["宅地建物取引業協会"]},
        {"number": 2, "title": "防犯灯の老朽化", "targets": [{"text": "ＬＥＤ化率を９０％にする"}],
         "approach": ["自治会の申請をまとめて発注する"], "partners": ["自治会連合会"]},
    ],
}


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def fill(blank: bytes, doc: dict, form) -> bytes:
    """The blank as a department fills it in Excel: the declarer line, the preamble's lines under
    its heading, one row per initiative under the header."""
    wb = load_workbook(io.BytesIO(blank))
    ws = wb.worksheets[0]
    layout = form.layout(doc["document"])

    def row_of(text: str) -> int:
        return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == text)

    ws.cell(row=2, column=1).value = declarer_line(doc, layout)
    preamble = row_of("部の目指す姿")
    for k, item in enumerate(doc["preamble"][0]["items"], start=1):
        ws.cell(row=preamble + k, column=1).value = item
    header = row_of(layout.columns[0].label)
    assert [ws.cell(row=header, column=c).value for c in range(1, 6)] == LABELS
    for k, cells in enumerate(cell_texts(doc, form), start=1):
        for c, text in enumerate(cells, start=1):
            ws.cell(row=header + k, column=c).value = text or None
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))


def test_a_city_form_loaded_from_a_file_works_end_to_end(tmp_path, client, people, settings):  # noqa: F811
    from sengen.core.forms import form_from_dict

    settings.SENGEN_DOWNLOADS_INLINE = True
    definition = tmp_path / "kadai.json"
    definition.write_text(json.dumps(DEFINITION, ensure_ascii=False), encoding="utf-8")
    run("form", "load", str(definition), "--municipality", "伊勢原市", "--use")
    form = form_from_dict(DEFINITION)

    blank = tmp_path / "blank.xlsx"
    run("form", "blank", "isehara-kadai", "-o", str(blank), "--municipality", "伊勢原市",
        "--fiscal-year", "2017", "--unit", "市民生活部", "--rows", "4")
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(blank.read_bytes(), DOC, form))
    run("import", str(filled), "--state", "draft")
    declaration = Declaration.objects.get()
    assert (declaration.form_version.form.code, declaration.form_version.form.municipality.name) == \
        ("isehara-kadai", "伊勢原市")
    assert declaration.preamble == DOC["preamble"]
    first = declaration.initiatives.get(number=1)
    assert (first.approach, first.partners) == (["固定資産税の通知に相談窓口の案内を同封する"], ["宅地建物取引業協会"])

    # The director edits the first initiative on the staff page, which asks in the form's words.
    client.force_login(people.director)
    url = reverse("staff:initiative_edit", args=[first.pk])
    html = client.get(url).content.decode()
    for label in ("課題", "達成水準", "方策", "協働関係先"):
        assert label in html, label
    target = first.targets.get()
    data = {"version": first.version, "number": 1, "title": first.title, "content": "",
            "approach": "固定資産税の通知に相談窓口の案内を同封する\n空き家バンクを始める",
            "partners": "宅地建物取引業協会", "targets-TOTAL_FORMS": 1, "targets-INITIAL_FORMS": 1,
            "targets-MIN_NUM_FORMS": 0, "targets-MAX_NUM_FORMS": 1000,
            "targets-0-id": target.pk, "targets-0-text": target.text, "targets-0-kind": target.kind,
            "targets-0-value": target.value or "", "targets-0-unit": target.unit,
            "targets-0-direction": target.direction or ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    first.refresh_from_db()
    assert first.approach == ["固定資産税の通知に相談窓口の案内を同封する", "空き家バンクを始める"]

    for user, action in [(people.director, "submit"), (people.admin, "check"), (people.admin, "publish")]:
        declaration_transition(user=user, declaration=Declaration.objects.get(pk=declaration.pk), action=action)

    client.logout()
    page = client.get(reverse("portal:report", args=[2017, "市民生活部"]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("課題", "達成水準", "方策", "協働関係先", "部の目指す姿", "誰もが安心して暮らせる地域をつくります。",
                 "空き家バンクを始める", "課題解決宣言", "JSON（sengen.report/2）"):
        assert text in html, text
    assert "取組内容" not in html and "JSON（sengen.report/1）" not in html

    # The item's own page: its columns under the form's labels, not the seed's sections.
    item = client.get(reverse("portal:initiative", args=[2017, "市民生活部", 1])).content.decode()
    for text in ("方策", "協働関係先", "空き家バンクを始める", "宅地建物取引業協会", "達成水準"):
        assert text in item, text
    assert "取組内容" not in item and "取組結果" not in item

    # The PDF download in the form's own layout (a city's stored form is passed to the writer,
    # not only the presets it could find by the document's code).
    pdf = client.get(reverse("portal:download", args=[2017, "市民生活部", "pdf"]))
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    for label in ("課題", "達成水準", "方策", "協働関係先", "部の目指す姿", "空き家バンクを始める", "課題解決宣言"):
        assert label in text, label
    assert "取組内容" not in text and "目標達成状況" not in text

    exported = tmp_path / "export.pdf"
    run("export", "--fiscal-year", "2017", "--department", "市民生活部", "--format", "pdf", "-o", str(exported))
    text = pdf_text(exported.read_bytes())
    assert "協働関係先" in text and "取組内容" not in text


@pytest.mark.parametrize("fmt", ["html"])
def test_a_city_form_is_drawn_out_of_process_and_keyed_apart(fmt):
    """The portal's child process gets the city's form with the document (it cannot find a
    stored form by the document's code), and the download cache never serves one form's file
    for another's: the key holds the form's definition; a preset's key is as it was."""
    from sengen.core.forms import form_from_dict, presets
    from sengen.portal import downloads

    form = form_from_dict(DEFINITION)
    other = form_from_dict({**DEFINITION, "layouts": {"declaration": {
        **DEFINITION["layouts"]["declaration"],
        "columns": [*DEFINITION["layouts"]["declaration"]["columns"][:4], {"label": "連携先", "parts": ["partners"]}]}}})
    html = downloads.render_out_of_process(DOC, fmt, form).decode()
    assert "協働関係先" in html and "取組内容" not in html
    assert len({downloads.cache_key(DOC, "pdf", f) for f in (None, form, other)}) == 3
    # The form the document names among the presets is no form of its own: same key as before.
    assert downloads.cache_key(DOC, "pdf", presets()["f1-isehara"]) == downloads.cache_key(DOC, "pdf")
