"""A report in a city's own form (sengen.report/2), exported as CSV, reads back as the same report
for every form sengen ships: its form by code and version, its preamble, every form-defined field,
text as written (a formula's start included), the grade and interim words back to what the report
holds. A bad CSV is refused naming the file, the line and the column, and what was expected;
`sengen import` of it exits 2 and stores nothing."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sengen.core.forms import form_from_dict, presets, scale_of
from sengen.core.report import normalise, upgrade
from sengen.parsers import ParseError, parse_bytes
from sengen.renderers import render

from ..renderers.helpers import HOSTILE, load_seed
from .test_forms_presets import CUSTOM, _custom_doc, expected

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _v2(name: str) -> dict:
    return json.loads((FIXTURES / "v2" / name).read_text(encoding="utf-8"))


def _city_form(code: str, like: str):
    """A city's form the fixtures name that no preset has: a preset's definition under its code."""
    from sengen.core.forms import preset_definition

    return form_from_dict(dict(preset_definition(like), code=code))


def _seed_v2() -> dict:
    doc = upgrade(load_seed())
    doc["form"] = {"code": "f1-isehara", "version": 1}
    return normalise(doc)


# Every form sengen ships (the presets), each with the reports the tests hold in it, and the two
# city forms the /2 examples name (F3's second version, F6's interim report).
REPORTS = {
    "f1-isehara": _seed_v2,
    "f2-sengensha": lambda: _v2("f2-kankyo-achievement.json"),
    "f2-sengensha/expected": lambda: expected("f2-sengensha"),
    "f3-seisaku": lambda: expected("f3-seisaku"),
    "f4-minamiashigara": lambda: _v2("f4-minamiashigara-declaration.json"),
    "f4-minamiashigara/expected": lambda: expected("f4-minamiashigara"),
    "f7-tsubame": lambda: _v2("f7-tsubame-achievement.json"),
    "f7-tsubame/expected": lambda: expected("f7-tsubame"),
    "f3-seisaku-sengen": lambda: _v2("f3-seisaku-unnumbered.json"),
    "f6-juten-kadai": lambda: _v2("f6-toshi-interim.json"),
    "test-chukan": _custom_doc,
}
CITY_FORMS = [_city_form("f3-seisaku-sengen", "f3-seisaku"), _city_form("f6-juten-kadai", "f1-isehara"),
              form_from_dict(CUSTOM)]
FORMS = {**presets(), **{f.code: f for f in CITY_FORMS}}


def _csv(doc: dict) -> bytes:
    return render(doc, "csv", form=FORMS[doc["form"]["code"]])


def _back(data: bytes, name: str = "report.csv") -> dict:
    return parse_bytes(data, source=name, forms=CITY_FORMS)


def test_every_shipped_form_has_a_report_here():
    assert set(presets()) <= {key.split("/")[0] for key in REPORTS}


@pytest.mark.parametrize("key", sorted(REPORTS))
def test_the_csv_of_a_report_in_each_form_reads_back_identical(key):
    doc = normalise(REPORTS[key]())
    assert doc["schema"] == "sengen.report/2"
    back = _back(_csv(doc))
    assert back == doc


def test_a_form_version_and_a_preamble_with_line_breaks_come_back():
    doc = normalise(_v2("f2-kankyo-achievement.json"))
    doc["form"]["version"] = 3
    doc["preamble"].append({"label": "二つ目", "items": ["一行目\n二行目", "・で始まる項目", "【括弧】"], "sdgs": []})
    doc["preamble"].append({"label": "項目のない見出し", "items": [], "sdgs": [17]})
    doc["initiatives"][0]["extra"] = [{"label": "空の欄", "items": []},
                                      {"label": "備考", "items": ["甲: 乙", "", "改行の\nある項目"]}]
    doc = normalise(doc)
    assert _back(_csv(doc)) == doc


def test_the_preamble_is_on_the_first_row_only():
    doc = normalise(_v2("f2-kankyo-achievement.json"))
    table = list(csv.reader(io.StringIO(_csv(doc).decode("utf-8-sig"))))
    col = table[0].index("前文")
    assert table[1][col].startswith("【部の使命・方針】\nSDGs: 11、12\n・")
    assert all(row[col] == "" for row in table[2:]) and len(table) > 2
    assert [row[table[0].index("様式")] for row in table[1:]] == ["f2-sengensha"] * (len(table) - 1)
    # Filled down in a spreadsheet, it is still the one preamble.
    for row in table[2:]:
        row[col] = table[1][col]
    assert _back(_written(table)) == doc


def _written(table: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(table)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# Formulas ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", sorted(set(HOSTILE.values()) | {"'quoted", "''twice", "-5", "@x", "+81"}))
def test_a_formula_in_a_form_field_reads_back_as_written(payload):
    text = payload.replace("\r", "")
    doc = normalise(_v2("f7-tsubame-achievement.json"))
    first = doc["initiatives"][0]
    first["title"] = text
    first["background"] = [text.replace("\n", ""), "二つ目"]
    first["grade_reason"] = text
    first["extra"] = [{"label": text.replace("\n", "").strip() or "欄", "items": [text.replace("\n", "")]}]
    first["targets"][0]["text"] = text
    first["targets"][0]["grade"] = text.strip()[:50] or "A"
    doc["unit_kind"] = text.strip()[:50] or "部"
    doc["director"]["name"] = text
    doc["preamble"][0]["label"] = text.replace("\n", "").strip() or "前文"
    doc = normalise(doc)
    data = _csv(doc)
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):  # still neutralised for spreadsheets
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r", "\n")) for cell in row)
        assert not any(cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit() for cell in row)
    assert _back(data) == doc


# Any report in any shipped form (hypothesis) ----------------------------------------------------

# Text as a person writes it, with what a CSV and a spreadsheet treat specially: formula starts,
# quotes, commas, the marks the cells are joined with. Not: control characters (no output format
# carries them) and line breaks inside one item of a list (one item per line: docs/parsers.md).
_ALPHABET = st.sampled_from(list("あ漢ｱＡ1１a =+-@'\",:：・、【】（） \t"))
_text = st.text(_ALPHABET, max_size=12)
_name = _text.filter(lambda s: s.strip() != "")
_item_list = st.lists(_text, max_size=3).filter(lambda items: items != [""])
_section = _name.filter(lambda s: "、" not in s)
_quantity = st.none() | st.builds(lambda v, u: {"value": v, "unit": u},
                                  st.integers(-10**6, 10**6) | st.sampled_from([0.5, 12.25, -3.75]),
                                  _text.map(lambda s: s[:10]))


def _report(form_code: str):
    form = presets()[form_code]
    scale = scale_of(form)
    levels = list((form.interim_levels or {}).keys()) or ["on_track", "needs_effort", "at_risk"]
    target = st.fixed_dictionaries({
        "text": _name, "metric": _quantity, "actual": _quantity,
        "due": st.sampled_from([None, "2025-03", "2026-03-31"]),
        "achievement_rate": st.none() | st.sampled_from([0, 1, 0.8333, 1.25]),
        "evaluation": st.sampled_from(["achieved", "partially_achieved", "not_achieved", "not_evaluated"]),
        "grade": st.none() | _name.map(lambda s: s[:50]),
        "relative": st.none() | st.builds(lambda c, b: {"change_percent": c, "baseline": b},
                                          st.integers(-100, 300), _quantity),
        "interim_status": st.none() | st.sampled_from(levels),
    })
    grades = [g.code for g in scale.grades] if scale is not None and form.grade_placement == "initiative" else []
    initiative = st.fixed_dictionaries({
        "title": _name, "sections": st.lists(_section, max_size=2), "content": _item_list,
        "targets": st.lists(target, max_size=3), "results": _item_list, "future_direction": _item_list,
        "achievement_status": _item_list, "background": _item_list, "approach": _item_list,
        "partners": _item_list, "self_evaluation": _item_list, "remarks": _item_list,
        "grade": st.none() | st.sampled_from(grades) if grades else st.none(),
        "grade_reason": st.none() | _name, "sdgs": st.lists(st.integers(1, 17), max_size=3, unique=True),
        "plan_refs": _item_list,
        "extra": st.lists(st.fixed_dictionaries({"label": _name.filter(lambda s: ": " not in s),
                                                 "items": st.lists(_text, max_size=2)}),
                          max_size=2, unique_by=lambda e: e["label"]),
    })
    block = st.fixed_dictionaries({"label": _name, "items": st.lists(_text, max_size=2),
                                   "sdgs": st.lists(st.integers(1, 17), max_size=2, unique=True)})

    def build(items, preamble, top):
        for i, item in enumerate(items):
            item["number"] = i + 1 if form.numbered else None
        return {"schema": "sengen.report/2", "form": {"code": form_code, "version": top["version"]},
                "municipality": top["municipality"], "fiscal_year": 2025, "fiscal_year_label": None,
                "document": top["document"], "department": top["department"],
                "director": {"title": top["title"], "name": top["name"]}, "unit_kind": top["unit_kind"],
                "declared_on": top["declared_on"], "preamble": preamble, "initiatives": items}

    return st.builds(build, st.lists(initiative, min_size=1, max_size=3), st.lists(block, max_size=2),
                     st.fixed_dictionaries({
                         "version": st.none() | st.integers(1, 9), "municipality": st.none() | _name,
                         "document": st.sampled_from(["declaration", "interim_report", "achievement_report"]),
                         "department": _name, "title": _text, "name": _text,
                         "unit_kind": st.none() | _name.map(lambda s: s[:50]),
                         "declared_on": st.sampled_from([None, "2025-05-12"])}))


@pytest.mark.parametrize("form_code", sorted(presets()))
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_report_in_a_shipped_form_reads_back_from_its_csv(form_code, data):
    doc = normalise(data.draw(_report(form_code)))
    assert _back(_csv(doc)) == doc


# Refusals: the file, the line, the column, what was expected ------------------------------------

def _table(doc: dict | None = None) -> list[list[str]]:
    doc = doc or normalise(_v2("f7-tsubame-achievement.json"))
    return list(csv.reader(io.StringIO(_csv(doc).decode("utf-8-sig"))))


def _refused(table: list[list[str]]) -> ParseError:
    with pytest.raises(ParseError) as err:
        _back(_written(table), "bad.csv")
    assert str(err.value).startswith("bad.csv: ")
    return err.value


def _line(table: list[list[str]], row: int) -> int:
    """The line ``table[row]`` starts on, as an editor counts them (cells hold line breaks)."""
    return 1 + sum(1 + sum(cell.count("\n") for cell in r) for r in table[:row])


def _set(table, label, value, row=1):
    table[row][table[0].index(label)] = value
    return table


def test_an_unknown_form_is_refused_naming_the_forms_there_are():
    err = _refused(_set(_table(), "様式", "f9-nosuch"))
    assert (err.code, err.line, err.where["cell"]) == ("csv_form_unknown", 2, "様式")
    assert "f9-nosuch" in str(err) and "f7-tsubame" in str(err)


def test_a_form_other_than_the_one_named_by_the_caller_is_refused():
    with pytest.raises(ParseError) as err:
        parse_bytes(_written(_table()), source="x.csv", form=presets()["f2-sengensha"])
    assert err.value.code == "csv_form_other" and "f7-tsubame" in str(err.value)


def test_a_v2_csv_from_before_the_form_columns_is_refused_with_what_to_do():
    table = [row[:-3] for row in _table()]
    err = _refused(table)
    assert (err.code, err.line) == ("csv_v2", 1)
    assert "JSON" in str(err)


@pytest.mark.parametrize("cut, code, words", [
    (lambda t: [r[:-1] for r in t], "csv_column_missing", "43列目の「前文」の欄がありません"),
    (lambda t: [r[:30] + r[31:] for r in t], "csv_column", "31列目は「備考」のはずが「取組の評価」です"),
    (lambda t: [r + ["x"] for r in t], "csv_column_extra", "44列目に sengen の CSV にない欄「x」"),
])
def test_a_header_missing_a_column_says_which(cut, code, words):
    err = _refused(cut(_table()))
    assert (err.code, err.line) == (code, 1)
    assert words in str(err)


@pytest.mark.parametrize("label, value, cell, words", [
    ("SDGs", "十一", "SDGs", "SDGs の目標番号"),
    ("中間の進み具合", "まあまあ", "中間の進み具合", "概ね順調"),
    ("取組の評価", "A", "取組の評価", "取組の全てを実施した"),
    ("その他の欄", "見出しのない行", "その他の欄", "「見出し: 内容」"),
    ("前文", "見出しの前の行", "前文", "【見出し】"),
])
def test_a_value_of_the_wrong_kind_is_refused_at_its_row_and_column(label, value, cell, words):
    row = 1 if label == "前文" else 2
    table = _set(_table(), label, value, row=row)
    err = _refused(table)
    code = "csv_word" if label in ("中間の進み具合", "取組の評価") else "csv_value"
    assert (err.code, err.line, err.where["cell"]) == (code, _line(table, row), cell)
    assert words in str(err) and value in str(err)


@pytest.mark.parametrize("label, value, cell, path", [
    ("取組名", "長" * 201, "取組名", "$.initiatives[1].title"),
    ("目標値", "たくさん", "目標値", "$.initiatives[1].targets[0].metric.value"),
    ("宣言日", "5月12日", "宣言日", "$.declared_on"),
    ("様式の版", "二", "様式の版", "$.form.version"),
    ("増減の目標（％）", "1e999", "増減の目標（％）", "$.initiatives[1].targets[0].relative.change_percent"),
    ("現状と課題", "長" * 2001, "現状と課題", "$.initiatives[1].background[0]"),
])
def test_a_value_past_the_reports_limits_is_refused_at_its_row_and_column(label, value, cell, path):
    table = _table()
    title = table[0].index("取組名")
    row = next(i for i, r in enumerate(table) if i > 1 and r[title] != table[1][title])  # the second item
    for r in table[1:]:  # every row of a report-wide cell, the one initiative's row otherwise
        if label in ("宣言日", "様式の版") or r is table[row]:
            _set(table, label, value, row=table.index(r))
    err = _refused(table)
    assert (err.code, err.where["cell"], err.path) == ("report_refused", cell, path)
    assert err.line == _line(table, 1 if path.startswith(("$.declared_on", "$.form")) else row)


def test_a_preamble_that_differs_on_a_later_row_is_refused():
    table = _table()
    _set(table, "前文", "【別の前文】", row=2)
    err = _refused(table)
    assert (err.code, err.line) == ("csv_several_reports", _line(table, 2)) and "前文" in str(err)


def test_a_v1_report_still_reads_as_v1():
    seed = normalise(load_seed())
    back = parse_bytes(render(seed, "csv"), source="seed.csv")
    assert back == seed and back["schema"] == "sengen.report/1"


# sengen import ----------------------------------------------------------------------------------

def _run(*args) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_of_a_city_forms_csv_stores_the_report_in_that_form(tmp_path):
    from sengen.declarations.models import Declaration, Municipality
    from sengen.declarations.selectors import report_document

    Municipality.objects.get_or_create(name="架空市")
    definition = tmp_path / "chukan.json"
    definition.write_text(json.dumps(CUSTOM, ensure_ascii=False), encoding="utf-8")
    _run("form", "load", str(definition), "--municipality", "架空市", "--use")
    doc = _custom_doc()
    doc.update(municipality="架空市", form={"code": "test-chukan", "version": 1})
    doc = normalise(doc)
    path = tmp_path / "水道局.csv"
    path.write_bytes(render(doc, "csv", form=form_from_dict(CUSTOM)))
    out = _run("import", str(path), "--state", "draft")
    assert out.startswith("登録しました: 令和7年度 水道局")
    declaration = Declaration.objects.get()
    assert declaration.form_version.form.code == "test-chukan"
    assert report_document(declaration=declaration) == doc


@pytest.mark.django_db
def test_import_of_a_bad_csv_exits_2_in_one_line_and_stores_nothing(tmp_path):
    from django.core.management import CommandError

    from sengen.declarations.models import Declaration
    from sengen.declarations.selectors import report_document

    good = normalise(_v2("f7-tsubame-achievement.json"))
    path = tmp_path / "f7.csv"
    path.write_bytes(_csv(good))
    _run("import", str(path))
    before = report_document(declaration=Declaration.objects.get())
    for label, value in (("様式", "f9-nosuch"), ("中間の進み具合", "まあまあ"), ("取組名", "長" * 201)):
        changed = copy.deepcopy(_table(good))
        path.write_bytes(_written(_set(changed, label, value)))
        with pytest.raises(CommandError) as err:
            _run("import", str(path))
        assert err.value.returncode == 2
        message = str(err.value)
        assert "Traceback" not in message and "\n" not in message.strip()
        assert Declaration.objects.count() == 1
        assert report_document(declaration=Declaration.objects.get()) == before


_edit = st.tuples(st.integers(0, 10**6), st.integers(0, 40), st.text(st.sampled_from(list('",\r\n\'=あ【】・:、 1x')), max_size=6))


@pytest.mark.parametrize("key", ["f2-sengensha", "f6-juten-kadai"])
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(_edit, min_size=1, max_size=4))
def test_a_v2_csv_edited_anyhow_is_read_or_refused(key, edits):
    """Cut and typed into anywhere: the reader gives a report or a ParseError, never anything else."""
    text = _csv(normalise(REPORTS[key]())).decode("utf-8-sig")
    for at, cut, typed in edits:
        at %= len(text) + 1
        text = text[:at] + typed + text[at + cut:]
    try:
        doc = _back(("\ufeff" + text).encode("utf-8"))
    except ParseError as exc:
        assert str(exc).startswith("report.csv: ") and "\n" not in str(exc)
    else:
        assert normalise(doc) == doc
