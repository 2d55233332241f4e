"""`sengen parse FILE --form CODE` and `sengen import FILE --form CODE`: the form named by its
header without a flag, forced with one, refused in one line when unknown; a filled blank in a
preset form imports and is stored in that form."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from sengen.core.forms import presets

from .form_layouts import filled_blank, plain_xlsx
from .test_forms_presets import expected


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def f2_xlsx(tmp_path):
    path = tmp_path / "f2.xlsx"
    path.write_bytes(plain_xlsx(expected("f2-sengensha"), presets()["f2-sengensha"]))
    return path


@pytest.mark.django_db
def test_parse_names_the_form_from_the_header_or_as_told(f2_xlsx):
    assert json.loads(run("parse", str(f2_xlsx))) == expected("f2-sengensha")
    assert json.loads(run("parse", str(f2_xlsx), "--form", "f2-sengensha")) == expected("f2-sengensha")


@pytest.mark.django_db
@pytest.mark.parametrize("code, words", [("nosuch", "様式「nosuch」はありません（あるのは f1-isehara、"),
                                         ("f3-seisaku", "見出し行が様式「政策宣言」の列に合いません")])
def test_parse_with_a_form_unknown_or_not_the_files_says_so_in_one_line(f2_xlsx, code, words):
    with pytest.raises(CommandError) as info:
        run("parse", str(f2_xlsx), "--form", code)
    assert info.value.returncode == 2 and "\n" not in str(info.value).strip()
    assert words in str(info.value)


@pytest.mark.django_db
def test_a_filled_blank_imports_in_its_form(tmp_path):
    from sengen.declarations.models import Declaration

    path = tmp_path / "f7.xlsx"
    path.write_bytes(filled_blank(expected("f7-tsubame"), presets()["f7-tsubame"]))
    out = run("import", str(path))
    assert out.startswith("登録しました: 令和6年度 産業振興部")
    declaration = Declaration.objects.get()
    assert declaration.form_version.form.code == "f7-tsubame"
    assert sorted((i.title, i.grade_code) for i in declaration.initiatives.all()) == \
        sorted([("企業の人材確保の支援", "取組の全てを実施した"), ("創業の後押し", "一部を実施した")])


@pytest.mark.django_db
def test_a_city_form_loaded_from_a_file_is_recognised_without_a_flag(tmp_path):
    """`sengen form load` a form no preset knows; its filled blank parses and imports in it
    with no --form: the commands offer the stored forms to the readers."""
    from sengen.core.forms import form_from_dict
    from sengen.declarations.models import Declaration, Municipality

    from .test_forms_presets import CUSTOM, _custom_doc

    Municipality.objects.get_or_create(name="架空市")
    # The city's title names the city, so the report says whose form it is.
    custom = json.loads(json.dumps(CUSTOM))
    custom["layouts"]["interim_report"]["title"] = "{municipality} {fiscal_year_label} {director_title} 重点取組 中間報告"
    definition = tmp_path / "chukan.json"
    definition.write_text(json.dumps(custom, ensure_ascii=False), encoding="utf-8")
    run("form", "load", str(definition), "--municipality", "架空市", "--use")
    doc = _custom_doc()
    doc["municipality"] = "架空市"
    path = tmp_path / "chukan.xlsx"
    path.write_bytes(filled_blank(doc, form_from_dict(custom)))
    parsed = json.loads(run("parse", str(path)))
    assert (parsed["form"], parsed["municipality"]) == ({"code": "test-chukan", "version": None}, "架空市")
    assert [t["interim_status"] for i in parsed["initiatives"] for t in i["targets"]] == \
        ["on_track", "needs_effort", "at_risk"]
    run("import", str(path))
    declaration = Declaration.objects.get()
    assert declaration.form_version.form.code == "test-chukan"
    assert declaration.form_version.form.municipality.name == "架空市"
