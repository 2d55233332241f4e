"""``sengen import DIR``: every report file of a folder, one line each, past the bad ones.

The unusable files are made here, in the tests, the way people end up with them: a scan,
a password, a download cut short, a file that is something else, a file far too large, a
PDF of hundreds of pages, a zip bomb named .xlsx.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sengen.core.report import normalise
from sengen.declarations.importing import review_notes
from sengen.declarations.models import Declaration, Department, Initiative
from sengen.parsers import MAX_BYTES
from sengen.renderers import render

from ..parsers.compare import declaration_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "seed" / "h29-shiminseikatsu-achievement"
SOMU = FIXTURES / "reports" / "r01-somu-achievement.json"
KYOIKU = FIXTURES / "reports" / "h30-kyoiku-achievement.json"


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        assert exc.returncode == 2
        return 2, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def lines_of(text: str) -> dict[str, str]:
    """File name → its line."""
    out = {}
    for line in text.splitlines():
        head, sep, rest = line.partition(": ")
        if sep and "/" in head:
            out[Path(head).name] = rest
    return out


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "reports"
    path.mkdir()
    return path


# --- a folder of good reports ------------------------------------------------------------------

@pytest.mark.django_db
def test_a_folder_is_imported_file_by_file_and_again_changes_nothing(folder):
    for suffix in (".json", ".txt", ".pdf"):
        shutil.copy(SEED.with_suffix(suffix), folder)
    (folder / "r01-somu.xlsx").write_bytes(render(json.loads(SOMU.read_text(encoding="utf-8")), "xlsx"))
    (folder / "notes.docx").write_bytes(b"not a report format")
    (folder / "~$r01-somu.xlsx").write_bytes(b"Excel's lock file")
    (folder / ".hidden.json").write_text("{}", encoding="utf-8")

    status, out, err = run(folder)
    assert status == 0, err
    lines = lines_of(out)
    assert set(lines) == {"h29-shiminseikatsu-achievement.json", "h29-shiminseikatsu-achievement.pdf",
                          "h29-shiminseikatsu-achievement.txt", "r01-somu.xlsx"}
    assert lines["h29-shiminseikatsu-achievement.json"].startswith(
        "登録しました: 平成29年度 市民生活部 達成状況報告（取組 5 件、達成目標 9 件")
    # Targets the seed's report never judges in words or numbers (住民の合意形成, 追加メニュー…).
    assert lines["h29-shiminseikatsu-achievement.json"].endswith(
        "要確認: 評価が読み取れない達成目標 4 件（No.1、No.2-1、No.3-1、No.3-2）")
    for copy in ("pdf", "txt"):
        assert lines[f"h29-shiminseikatsu-achievement.{copy}"].startswith(
            "同じ報告です（h29-shiminseikatsu-achievement.json と同じ内容")
    assert lines["r01-somu.xlsx"].startswith("登録しました: 令和元年度 総務部 達成状況報告")
    assert out.splitlines()[-1] == "4 ファイル: 読み込み 4（登録 2、同じ報告 2）、失敗 0"
    assert err == ""
    assert Declaration.objects.count() == 2
    versions = sorted(Declaration.objects.values_list("version", flat=True))

    status, again, _ = run(folder)
    assert status == 0
    assert lines_of(again)["h29-shiminseikatsu-achievement.json"].startswith("変更はありません")
    assert lines_of(again)["r01-somu.xlsx"].startswith("変更はありません")
    assert again.splitlines()[-1] == "4 ファイル: 読み込み 4（変更なし 2、同じ報告 2）、失敗 0"
    assert sorted(Declaration.objects.values_list("version", flat=True)) == versions


@pytest.mark.django_db
def test_the_declaration_and_the_report_of_one_year_store_the_report(folder, seed_doc):
    report = normalise(seed_doc)
    (folder / "a-declaration.json").write_text(json.dumps(declaration_of(report), ensure_ascii=False), "utf-8")
    (folder / "b-report.xlsx").write_bytes(render(report, "xlsx"))
    for _ in range(2):
        status, out, err = run(folder)
        assert status == 0, err
        lines = lines_of(out)
        assert lines["a-declaration.json"].startswith("平成29年度 市民生活部 （取組 5 件）を読み込みましたが保存しません")
        assert "b-report.xlsx" in lines["a-declaration.json"]
    assert Declaration.objects.get().phase == "achievement_report"
    assert Declaration.objects.get().version == 1


@pytest.mark.django_db
def test_two_different_reports_of_one_department_and_year_are_a_conflict_and_neither_is_stored(folder, seed_doc):
    (folder / "a.json").write_text(json.dumps(seed_doc, ensure_ascii=False), "utf-8")
    seed_doc["initiatives"][0]["title"] = "地域コミュニティの推進（改訂）"
    (folder / "b.json").write_text(json.dumps(seed_doc, ensure_ascii=False), "utf-8")
    shutil.copy(KYOIKU, folder / "c.json")
    status, out, err = run(folder)
    assert status == 2
    assert "a.json: 読み込めません: b.json と同じ部・年度で内容が違います" in err
    assert "b.json: 読み込めません: a.json と同じ部・年度で内容が違います" in err
    assert lines_of(out)["c.json"].startswith("登録しました: 平成30年度 教育部")
    assert list(Department.objects.values_list("name", flat=True)) == ["教育部"]


def test_review_notes_name_the_initiatives_to_look_at(seed_doc):
    doc = normalise(seed_doc)
    doc["initiatives"][2]["targets"] = []
    doc["initiatives"][4]["results"] = []
    doc["initiatives"][4]["achievement_status"] = []
    assert review_notes(doc) == [
        "達成目標のない取組 1 件（No.3）",
        "評価が読み取れない達成目標 2 件（No.1、No.2-1）",
        "取組結果も達成状況もない取組 1 件（No.5）",
    ]
    # A declaration has no results yet: nothing to judge, nothing missing.
    assert review_notes(declaration_of(normalise(seed_doc))) == []


# --- unusable files ---------------------------------------------------------------------------

def _scan_pdf() -> bytes:
    """A page that is only a picture of a table, as a scanner makes it."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (1200, 800), 255)
    draw = ImageDraw.Draw(image)
    for x in range(50, 1200, 190):
        draw.line([(x, 50), (x, 750)], fill=0, width=3)
    for y in range(50, 800, 100):
        draw.line([(50, y), (1150, y)], fill=0, width=3)
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=landscape(A4))
    page.drawImage(ImageReader(image), 20, 20, width=800, height=550)
    page.showPage()
    page.save()
    return out.getvalue()


def _text_pdf() -> bytes:
    """A PDF with a text layer that is no report: a letter."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("HeiseiMin-W3", 12)
    page.drawString(72, 760, "市民の皆さまへ")
    page.drawString(72, 740, "図書館の開館時間が変わります。")
    page.showPage()
    page.save()
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(SEED.with_suffix(".pdf")))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _long_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=842, height=595)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _xlsx_bomb() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(render(json.loads(SOMU.read_text(encoding="utf-8")), "xlsx")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row r=\"99\"/>" * 400_000 + b"</sheetData>")
            z.writestr(item.filename, data)
    return out.getvalue()


def _encrypted_xlsx() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(render(json.loads(SOMU.read_text(encoding="utf-8")), "xlsx"))).encrypt("pw", locked)
    return locked.getvalue()


UNUSABLE = {
    "scan.pdf": (_scan_pdf, "PDF に文字の情報がありません（スキャンした画像？）"),
    "locked.pdf": (_encrypted_pdf, "PDF が暗号化されています"),
    "cut-short.pdf": (lambda: SEED.with_suffix(".pdf").read_bytes()[:3000], "PDF として読めません"),
    "letter.pdf": (_text_pdf, "罫線で囲んだ表とその見出し行"),
    "hundreds-of-pages.pdf": (lambda: _long_pdf(301), "PDF が301ページあります。報告は300ページまでです"),
    "bomb.xlsx": (_xlsx_bomb, "（zip 爆弾？）"),
    "locked.xlsx": (_encrypted_xlsx, "ブックが暗号化（パスワードで保護）されています"),
    "cut-short.xlsx": (lambda: render(json.loads(SOMU.read_text(encoding="utf-8")), "xlsx")[:2500],
                       "XLSX のブックとして読めません"),
    "shopping.txt": (lambda: "買い物リスト\n・牛乳\n".encode(), "1行目: 先頭に年度の入った表題"),
    "broken.json": (lambda: b'{"schema": "sengen.report/1", "fiscal_year": ', "1行目、46文字目: JSON の文法に合いません"),
}


@pytest.mark.django_db
def test_every_unusable_file_gets_a_clear_line_and_nothing_of_it_is_stored(folder):
    shutil.copy(KYOIKU, folder / "good.json")
    for name, (make, _) in UNUSABLE.items():
        (folder / name).write_bytes(make())
    huge = folder / "huge.pdf"
    with huge.open("wb") as out:  # sparse: takes no disk, but says how large it is
        out.write(b"%PDF-1.7\n")
        out.truncate(MAX_BYTES + 1)

    status, out, err = run(folder)
    assert status == 2
    assert lines_of(out)["good.json"].startswith("登録しました: 平成30年度 教育部")
    failures = lines_of(err)
    expected = {name: message for name, (_, message) in UNUSABLE.items()}
    expected["huge.pdf"] = f"ファイルが{MAX_BYTES + 1:,}バイトあります。報告のファイルは{MAX_BYTES:,}バイトまでです"
    assert set(failures) == set(expected)
    for name, message in expected.items():
        assert failures[name].startswith("読み込めません: "), failures[name]
        assert message in failures[name], (name, failures[name])
    assert err.count("\n") >= len(expected)
    assert f"{len(expected)} 件のファイルを読み込めませんでした" in err
    assert out.splitlines()[-1] == f"{len(expected) + 1} ファイル: 読み込み 1（登録 1）、失敗 {len(expected)}"
    assert Declaration.objects.count() == 1
    assert set(Department.objects.values_list("name", flat=True)) == {"教育部"}


@pytest.mark.django_db
def test_a_file_over_the_time_limit_is_stopped_and_the_others_are_imported(folder):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for _ in range(15):
        for page in PdfReader(SEED.with_suffix(".pdf")).pages:
            writer.add_page(page)
    with (folder / "slow.pdf").open("wb") as out:
        writer.write(out)
    shutil.copy(KYOIKU, folder / "good.json")
    status, out, err = run(folder, "--time-limit", "0.3")
    assert status == 2
    assert "読み取りが1ファイルの制限時間 0.3 秒を超えたので止めました" in lines_of(err)["slow.pdf"]
    assert lines_of(out)["good.json"].startswith("登録しました")
    assert Declaration.objects.count() == 1


@pytest.mark.django_db
def test_a_file_the_database_refuses_is_rolled_back_alone(folder, seed_doc):
    seed_doc["initiatives"][1]["targets"][0]["metric"]["value"] = 0.1234567  # more decimals than stored
    (folder / "a-precise.json").write_text(json.dumps(seed_doc, ensure_ascii=False), "utf-8")
    shutil.copy(KYOIKU, folder / "b-good.json")
    status, out, err = run(folder)
    assert status == 2
    assert "小数点以下は6桁まで" in lines_of(err)["a-precise.json"]
    assert lines_of(out)["b-good.json"].startswith("登録しました")
    assert list(Department.objects.values_list("name", flat=True)) == ["教育部"]
    assert Initiative.objects.filter(declaration__department__name="市民生活部").count() == 0


@pytest.mark.django_db
def test_a_folder_without_report_files_is_a_usage_error(folder):
    (folder / "readme.md").write_text("nothing here", "utf-8")
    status, out, err = run(folder)
    assert status == 2
    assert "報告のファイル（pdf / xlsx / txt / json / csv）がありません" in err
    assert out == ""


@pytest.mark.django_db
def test_a_single_xlsx_file_imports_like_any_other(tmp_path, seed_doc):
    path = tmp_path / "report.xlsx"
    path.write_bytes(render(normalise(seed_doc), "xlsx"))
    status, out, _ = run(path)
    assert status == 0
    assert out.startswith("登録しました: 平成29年度 市民生活部 達成状況報告（取組 5 件、達成目標 9 件")
    assert out.count("\n") == 1


def test_the_sengen_command_exits_0_when_all_imported_and_2_when_any_failed(tmp_path):
    """As a person runs it: its own process and SQLite file, status and streams as a shell sees them."""
    import os
    import subprocess
    import sys

    sengen = Path(sys.executable).with_name("sengen")
    command = [str(sengen)] if sengen.exists() else [sys.executable, "-m", "sengen.cli"]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["SENGEN_DATA_DIR"] = str(tmp_path / "data")

    def sengen_run(*args):
        return subprocess.run([*command, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=300)

    assert sengen_run("migrate", "-v", "0").returncode == 0
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(KYOIKU, good / "kyoiku.json")
    shutil.copy(SEED.with_suffix(".pdf"), good / "seed.pdf")
    result = sengen_run("import", str(good))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 3  # two files, the summary

    (good / "broken.pdf").write_bytes(b"%PDF-1.7\n% cut short")
    result = sengen_run("import", str(good))
    assert result.returncode == 2
    assert "broken.pdf: 読み込めません: " in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "sengen import: エラー: 1 件のファイルを読み込めませんでした（上の行を参照）"
    assert "kyoiku.json: 変更はありません" in result.stdout


def test_review_notes_place_an_unnumbered_item_where_it_stands(seed_doc):
    # A city's own form may leave items unnumbered (sengen.report/2): the note says where the
    # item stands instead of "No.None".
    doc = normalise(seed_doc)
    for ini in doc["initiatives"]:
        ini["number"] = None
    doc["initiatives"][2]["targets"] = []
    doc["initiatives"][4]["results"] = []
    doc["initiatives"][4]["achievement_status"] = []
    notes = review_notes(doc)
    assert notes == [
        "達成目標のない取組 1 件（3番目の項目）",
        "評価が読み取れない達成目標 2 件（1番目の項目、2番目の項目の1番目の目標）",
        "取組結果も達成状況もない取組 1 件（5番目の項目）",
    ]
    assert not any("None" in note for note in notes)
