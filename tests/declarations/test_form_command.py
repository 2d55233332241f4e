"""``sengen form list|show|load|blank``, called in process against the test database: what each
subcommand prints or writes, and every mistake one line with exit status 2 and nothing stored."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from sengen.core.forms import form_from_dict, form_to_json, preset_definition
from sengen.declarations.models import AuditEntry, Form, FormVersion, GradingScale, Municipality

from .helpers import soshiki_columns, soshiki_form

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("form", *args, stdout=out)
    return out.getvalue()


def usage_error(*args) -> str:
    with pytest.raises(CommandError) as info:
        run(*args)
    assert info.value.returncode == 2
    message = str(info.value).strip()
    assert "\n" not in message
    return message


def definition(**changes) -> dict:
    """A city's own form, written here as a programme office would (no preset): a 課's 組織目標
    with a preamble, 課題 / 達成水準 / 方策 / 協働関係先 / 達成度."""
    data = soshiki_form("kakuu-soshiki", name="組織目標（課）", number_label="No.", layouts={
        "declaration": {
            "title": "{fiscal_year_label} {municipality} {unit} 組織目標",
            "preamble": [{"label": "課の使命", "kind": "text"}],
            "columns": soshiki_columns("No.", graded=False),
        },
        "achievement_report": {
            "title": "{fiscal_year_label} {municipality} {unit} 組織目標 達成状況",
            "preamble": [{"label": "課の使命", "kind": "text"}],
            "columns": soshiki_columns("No."),
        },
    })
    data.update(changes)
    return data


@pytest.fixture
def definition_file(tmp_path):
    path = tmp_path / "soshiki.json"
    path.write_text(json.dumps(definition(), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# load ----------------------------------------------------------------------------------

def test_load_creates_the_form_then_says_unchanged_then_adds_a_version(definition_file):
    assert run("load", str(definition_file), "--municipality", "架空市") == (
        "登録しました: kakuu-soshiki 組織目標（課）（架空市、自治体を新しく登録、版 1）\n")
    assert run("load", str(definition_file), "--municipality", "架空市") == (
        "変更はありません: kakuu-soshiki 組織目標（課）（架空市、版 1）\n")
    definition_file.write_text(json.dumps(definition(name="組織目標（課）改"), ensure_ascii=False), encoding="utf-8")
    assert run("load", str(definition_file), "--municipality", "架空市") == (
        "更新しました: kakuu-soshiki 組織目標（課）改（架空市、版 2）\n")
    form = Form.objects.get(code="kakuu-soshiki")
    assert (form.municipality.name, form.versions.count()) == ("架空市", 2)
    assert AuditEntry.objects.filter(object_type="form", action__in=["form.create", "form.update"]).count() == 2


def test_load_with_use_makes_it_the_form_of_the_citys_new_reports(definition_file):
    out = run("load", str(definition_file), "--municipality", "架空市", "--use")
    assert out.endswith("版 1、架空市の新しい報告に使います）\n")
    assert Municipality.objects.get(name="架空市").form.code == "kakuu-soshiki"


def test_load_without_a_municipality_stores_a_form_every_city_may_use(definition_file):
    assert "（プリセット、版 1）" in run("load", str(definition_file))
    assert Form.objects.get(code="kakuu-soshiki").municipality is None


def test_load_of_a_shipped_preset_file_is_unchanged(tmp_path):
    path = tmp_path / "f2.json"
    path.write_text(json.dumps(preset_definition("f2-sengensha"), ensure_ascii=False), encoding="utf-8")
    assert run("load", str(path)).startswith("変更はありません: f2-sengensha ")


def test_load_of_an_invalid_definition_names_the_file_and_json_path_and_stores_nothing(tmp_path):
    bad = definition()
    bad["layouts"]["declaration"]["columns"][3]["parts"] = ["method"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    message = usage_error("load", str(path), "--municipality", "架空市")
    assert f"{path}: $.layouts.declaration.columns[3].parts[0]: " in message
    assert "'method'" in message
    assert not Form.objects.filter(code="kakuu-soshiki").exists()
    assert not Municipality.objects.filter(name="架空市").exists()  # not even the city


def test_load_of_a_scale_contradicting_a_stored_one_is_refused_and_nothing_stored(tmp_path):
    bad = definition(scale="abcd", scale_definition={"code": "abcd", "name": "ABC", "grades": [
        {"code": "A", "label": "A", "evaluation": "achieved"}]})
    path = tmp_path / "scale.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert f"{path}: $.scale_definition: 評価尺度 abcd はすでにあり" in usage_error("load", str(path))
    assert GradingScale.objects.get(code="abcd").grades.count() == 4
    assert not Form.objects.filter(code="kakuu-soshiki").exists()


@pytest.mark.parametrize(("content", "expected"), [
    (b'{"code": "x",', "JSON として読めません（1行14桁目"),
    ("{\"code\": \"様式\"}".encode("shift_jis"), "UTF-8 の文字として読めません"),
    (b"[]", "$: オブジェクトが必要です"),
])
def test_load_of_a_file_that_is_no_definition_is_one_line(tmp_path, content, expected):
    path = tmp_path / "form.json"
    path.write_bytes(content)
    assert expected in usage_error("load", str(path))
    assert FormVersion.objects.filter(form__municipality__isnull=False).count() == 0


def test_load_of_a_missing_file_and_use_without_a_city_are_one_line(tmp_path, definition_file):
    assert f"{tmp_path / 'missing.json'}: 読めません" in usage_error("load", str(tmp_path / "missing.json"))
    assert "--use は --municipality と一緒に" in usage_error("load", str(definition_file), "--use")


def test_a_definition_file_with_a_bom_loads(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes("\ufeff".encode() + json.dumps(definition(), ensure_ascii=False).encode())
    assert run("load", str(path)).startswith("登録しました")


# list ----------------------------------------------------------------------------------

def test_list_shows_each_form_with_its_city_or_preset_latest_version_reports_and_users(definition_file,
                                                                                         seed_json_path):
    call_command("import", str(seed_json_path), stdout=io.StringIO())
    run("load", str(definition_file), "--municipality", "架空市", "--use")
    lines = [line.split("\t") for line in run("list").splitlines()]
    assert [fields[1:5] for fields in lines[:5]] == [
        ["f1-isehara", "部長の目標宣言", "プリセット", "版 1"],
        ["f2-sengensha", "部長の目標宣言（宣言者シート）", "プリセット", "版 1"],
        ["f3-seisaku", "政策宣言", "プリセット", "版 1"],
        ["f4-minamiashigara", "組織目標表（部課等）", "プリセット", "版 1"],
        ["f7-tsubame", "部長目標宣言", "プリセット", "版 1"],
    ]
    assert lines[0][5] == "報告 1 件"  # the seed, stored before it had a form: the seed's form
    assert lines[-1][1:] == ["kakuu-soshiki", "組織目標（課）", "架空市", "版 1", "報告 0 件", "使用中: 架空市"]
    assert lines[-1][0] == str(Form.objects.get(code="kakuu-soshiki").pk)
    # Narrowed to a city: the presets and that city's own.
    assert [fields[1] for fields in (line.split("\t") for line in run("list", "--municipality", "伊勢原市")
                                     .splitlines())] == ["f1-isehara", "f2-sengensha", "f3-seisaku",
                                                         "f4-minamiashigara", "f7-tsubame"]
    assert "自治体「どこ市」は登録されていません" in usage_error("list", "--municipality", "どこ市")


# show ----------------------------------------------------------------------------------

def test_show_prints_the_stored_definition_which_loads_again_unchanged(definition_file, tmp_path):
    run("load", str(definition_file), "--municipality", "架空市")
    shown = run("show", "kakuu-soshiki")
    assert shown == form_to_json(form_from_dict(definition()))
    again = tmp_path / "shown.json"
    again.write_text(shown, encoding="utf-8")
    assert run("load", str(again), "--municipality", "架空市").startswith("変更はありません")
    # By id too.
    assert run("show", str(Form.objects.get(code="kakuu-soshiki").pk)) == shown


def test_show_of_an_older_version_prints_it_as_it_was(definition_file):
    run("load", str(definition_file))
    definition_file.write_text(json.dumps(definition(name="改"), ensure_ascii=False), encoding="utf-8")
    run("load", str(definition_file))
    assert json.loads(run("show", "kakuu-soshiki", "--version", "1"))["name"] == "組織目標（課）"
    assert json.loads(run("show", "kakuu-soshiki"))["name"] == "改"
    assert "様式 kakuu-soshiki に版 3 はありません（ある版: 1、2）" in usage_error("show", "kakuu-soshiki", "--version", "3")


def test_show_of_an_unknown_form_is_one_line():
    assert "様式 nothing は登録されていません" in usage_error("show", "nothing")
    assert "様式 999999 は登録されていません" in usage_error("show", "999999")


def test_a_subcommand_missing_or_its_argument_missing_is_one_line():
    usage_error()
    assert "-o/--output" in usage_error("blank", "f1-isehara")
    assert "--version" in usage_error("show", "f1-isehara", "--version", "0")


# blank ---------------------------------------------------------------------------------

def test_blank_writes_the_empty_form_as_xlsx_with_the_title_filled(definition_file, tmp_path):
    run("load", str(definition_file), "--municipality", "架空市")
    output = tmp_path / "組織目標.xlsx"
    assert run("blank", "kakuu-soshiki", "-o", str(output), "--municipality", "架空市",
               "--fiscal-year", "2025", "--unit", "総務課") == ""
    sheet = openpyxl.load_workbook(output).worksheets[0]
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert cells[0] == "令和7年度 架空市 総務課 組織目標"
    assert "課の使命" in cells
    header = cells.index("No.")
    assert cells[header:header + 5] == ["No.", "課題", "達成水準", "方策", "協働関係先"]  # the declaration
    report = tmp_path / "report.xlsx"
    run("blank", "kakuu-soshiki", "-o", str(report), "--document", "achievement_report")
    cells = [cell for row in openpyxl.load_workbook(report).worksheets[0].iter_rows(values_only=True)
             for cell in row if cell]
    assert "達成度" in cells and "〇〇" in cells[0]  # what is not given is left to fill


def test_blank_of_a_preset_needs_no_loading(tmp_path):
    output = tmp_path / "f2.xlsx"
    run("blank", "f2-sengensha", "-o", str(output))
    cells = [c for row in openpyxl.load_workbook(output).worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "重点目標" in cells


def test_blank_mistakes_are_one_line_and_write_nothing(tmp_path):
    output = tmp_path / "x.xlsx"
    assert "様式 f4-minamiashigara にこの文書はありません（あるのは declaration）" in usage_error(
        "blank", "f4-minamiashigara", "-o", str(output), "--document", "achievement_report")
    assert "様式 nothing は登録されていません" in usage_error("blank", "nothing", "-o", str(output))
    assert not output.exists()
    assert "書き込めません" in usage_error("blank", "f1-isehara", "-o", str(tmp_path / "no" / "x.xlsx"))
    assert "フォルダー" in usage_error("blank", "f1-isehara", "-o", str(tmp_path))


# from definition to stored report ----------------------------------------------------------

def test_a_citys_own_form_goes_from_its_definition_to_a_blank_filled_in_excel_to_a_stored_report(
        definition_file, tmp_path):
    """The programme office's round: load the city's form, send the blank, a 課 fills it in Excel
    (here openpyxl), and it reads back through the stored form into a report kept with that
    form's version, its own labels and fields intact."""
    from sengen.declarations.forms import forms_known
    from sengen.declarations.models import Declaration
    from sengen.declarations.selectors import report_document
    from sengen.parsers import parse_path

    run("load", str(definition_file), "--municipality", "架空市", "--use")
    blank = tmp_path / "blank.xlsx"
    run("blank", "kakuu-soshiki", "-o", str(blank), "--municipality", "架空市", "--fiscal-year", "2025",
        "--unit", "総務課")
    workbook = openpyxl.load_workbook(blank)
    sheet = workbook.worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    sheet.cell(cells["総務課長 〇〇"].row, 1).value = "総務課長 山田 太郎"
    sheet.cell(cells["課の使命"].row + 1, 1).value = "・市民に信頼される窓口をつくる"
    row = cells["課題"].row + 1
    for column, value in enumerate(["窓口の待ち時間短縮", "・平均待ち時間を１５分以内にする",
                                    "・番号札の発券を予約制にする", "・市民課\n・情報政策課"], start=2):
        sheet.cell(row, column).value = value
    filled = tmp_path / "総務課.xlsx"
    workbook.save(filled)

    doc = parse_path(filled, forms=forms_known())
    assert (doc["schema"], doc["form"]["code"], doc["department"], doc["unit_kind"]) == (
        "sengen.report/2", "kakuu-soshiki", "総務課", "課")
    assert doc["preamble"][0]["label"] == "課の使命"
    (item,) = doc["initiatives"]
    assert (item["title"], item["approach"], item["partners"]) == (
        "窓口の待ち時間短縮", ["番号札の発券を予約制にする"], ["市民課", "情報政策課"])
    # And as an office imports it: `sengen import` recognises the stored form by its header.
    out = io.StringIO()
    call_command("import", str(filled), "--state", "draft", stdout=out)
    assert out.getvalue().startswith("登録しました: 令和7年度 総務課 目標宣言（取組 1 件")
    declaration = Declaration.objects.get(department__name="総務課")
    assert declaration.form_version == Form.objects.get(code="kakuu-soshiki").versions.get()
    assert report_document(declaration=declaration)["initiatives"][0]["partners"] == ["市民課", "情報政策課"]
    assert "報告 1 件" in [line for line in run("list").splitlines() if "kakuu-soshiki" in line][0]


def test_as_a_person_runs_it_each_mistake_is_one_line_on_stderr_and_exit_2(tmp_path):
    """In its own process, where argparse would print the whole usage: the subcommand's parser
    says one line too, naming the subcommand."""
    from tests.test_cli import assert_one_line_usage_error, sengen

    data_dir = tmp_path / "data"
    assert sengen("migrate", "-v", "0", data_dir=data_dir).returncode == 0
    missing = sengen("form", "blank", "f1-isehara", data_dir=data_dir)
    assert_one_line_usage_error(missing)
    assert missing.stderr.startswith("sengen form blank: エラー: ") and "-o/--output" in missing.stderr
    unknown = sengen("form", "show", "nothing", data_dir=data_dir)
    assert_one_line_usage_error(unknown)
    assert unknown.stderr.startswith("sengen form show: エラー: 様式 nothing は登録されていません")
    assert_one_line_usage_error(sengen("form", data_dir=data_dir))
    shown = sengen("form", "show", "f2-sengensha", data_dir=data_dir)
    assert shown.returncode == 0 and json.loads(shown.stdout)["code"] == "f2-sengensha"
