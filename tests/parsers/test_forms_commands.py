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
