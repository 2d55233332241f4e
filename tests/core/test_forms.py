"""A form (様式) is data: presets load and round-trip, definitions are checked at a JSON path,
templates are filled as plain text, and a header row names its form."""

import copy
import json
from pathlib import Path

import pytest

from sengen.core import workflow
from sengen.core.forms import (
    DEFAULT_FORM,
    ROLES,
    FormError,
    fill,
    form_from_dict,
    form_from_json,
    form_to_dict,
    form_to_json,
    identify,
    preset_definition,
    presets,
    scale_of,
)

SEED_TEXT = Path(__file__).parents[1] / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.txt"


def _columns(code, document):
    layout = presets()[code].layouts[document]
    return [(c.label, c.roles) for c in layout.columns]


# --- presets ------------------------------------------------------------------------------

@pytest.mark.parametrize("code", list(presets()))
def test_every_preset_round_trips_through_its_dict_and_json(code):
    form = presets()[code]
    assert form.code == code
    assert form_from_dict(form_to_dict(form)) == form
    text = form_to_json(form)
    assert form_from_json(text) == form
    assert form_to_json(form_from_json(text)) == text  # show → load → show gives the same bytes


@pytest.mark.parametrize("code", list(presets()))
def test_every_preset_file_is_what_form_load_takes(code):
    assert form_from_dict(preset_definition(code)) == presets()[code]


def test_f1_is_the_seeds_form_with_its_labels_exactly():
    form = presets()["f1-isehara"]
    assert DEFAULT_FORM == "f1-isehara"
    assert (form.unit_kind, form.numbered, form.number_label) == ("部", True, "N0.")
    assert (form.grade_placement, form.scale) == ("target", "plan")
    six = [("N0.", ("number",)), ("取組名\n（担当課名）", ("title", "sections")), ("取組内容", ("content",)),
           ("達成目標", ("targets",)), ("取組結果\n［今後の取組の方向性］", ("results", "future_direction")),
           ("目標達成状況", ("achievement_status",))]
    assert _columns("f1-isehara", "declaration") == six[:4]
    assert _columns("f1-isehara", "interim_report") == six
    assert _columns("f1-isehara", "achievement_report") == six
    title_cell = form.layouts["achievement_report"].columns[1]
    assert title_cell.part("sections").wrap == ("（", "）")
    assert form.layouts["achievement_report"].columns[4].part("future_direction").heading == "［今後の取組の方向性］"
    assert form.layouts["achievement_report"].columns[2].parts[0].bullet == "・"


def test_f1_title_reads_as_the_seeds_title():
    layout = presets()["f1-isehara"].layouts["achievement_report"]
    assert layout.fill(layout.title, {"fiscal_year_label": "平成２９年度", "director_title": "市民生活部長"}) \
        == "平成２９年度 市民生活部長の目標宣言 達成状況報告"
    assert SEED_TEXT.read_text(encoding="utf-8").splitlines()[0].strip() == "平成２９年度 市民生活部長の目標宣言 達成状況報告"
    declaration = presets()["f1-isehara"].layouts["declaration"]
    assert declaration.fill(declaration.title, {"fiscal_year_label": "平成30年度", "director_title": "市民生活部長"}) \
        == "平成30年度 市民生活部長の目標宣言"


def test_f2_grades_each_initiative_on_its_four_words_after_a_mission_preamble():
    form = presets()["f2-sengensha"]
    assert (form.grade_placement, form.unit_kind, form.number_label) == ("initiative", "部", "No.")
    assert _columns("f2-sengensha", "achievement_report") == [
        ("No.", ("number",)), ("重点目標", ("title",)), ("目標の概要", ("content",)), ("達成基準", ("targets",)),
        ("達成度", ("grade",))]
    layout = form.layouts["achievement_report"]
    assert "results" not in layout.roles
    assert [b.label for b in layout.preamble] == ["部の使命・方針"]
    assert layout.fill(layout.declarer, {"director_title": "市民生活部長", "director_name": "氏名"}) \
        == "■宣言者: 市民生活部長 氏名"
    assert layout.fill(layout.table_heading, {"fiscal_year_label": "平成27年度"}) == "平成27年度重点目標"
    scale = scale_of(form)
    assert [g.label for g in scale.grades] == ["達成基準を上回る", "達成基準どおり", "達成基準をやや下回る", "達成基準を下回る"]


def test_f3_is_unnumbered_and_printed_as_two_by_two_blocks():
    form = presets()["f3-seisaku"]
    assert (form.numbered, form.number_label, form.unit_kind, form.grade_placement) == (False, None, "室", "none")
    layout = form.layouts["achievement_report"]
    assert (layout.arrangement, layout.block_width) == ("blocks", 2)
    assert _columns("f3-seisaku", "achievement_report") == [
        ("事業名", ("title",)), ("目標", ("targets",)), ("年度末達成状況", ("results",)),
        ("自己評価", ("self_evaluation",))]
    assert layout.fill(layout.table_heading, {"fiscal_year_label": "平成26年度"}) == "〇 平成26年度重要事業"


def test_f4_is_a_sections_declaration_with_partners_approach_and_a_closing_comment():
    form = presets()["f4-minamiashigara"]
    assert form.documents == ("declaration",)
    assert (form.unit_kind, form.grade_placement) == ("課", "none")
    layout = form.layouts["declaration"]
    assert layout.declared_on_label == "宣言日"
    assert _columns("f4-minamiashigara", "declaration") == [
        ("No.", ("number",)), ("課題", ("title",)), ("達成水準", ("targets",)), ("協働関係先", ("partners",)),
        ("課題達成の方策", ("approach",))]
    assert layout.column_of("approach").parts[0].bullet == "①"
    assert [b.label for b in layout.closing] == ["組織目標を掲げるに当たって"]


def test_f7_has_a_statement_before_its_table_and_two_or_three_implementation_levels():
    form = presets()["f7-tsubame"]
    assert (form.numbered, form.grade_placement) == (False, "initiative")
    declaration = form.layouts["declaration"]
    assert [b.label for b in declaration.preamble] == ["1. 目標宣言"]
    assert declaration.table_heading == "2. 今年度の取り組み"
    assert _columns("f7-tsubame", "declaration") == [
        ("現状と課題", ("background",)), ("取組内容", ("title", "content")), ("目標指標", ("targets",))]
    assert [g.label for g in scale_of(form).grades][:2] == ["取組の全てを実施した", "一部を実施した"]


def test_f5_themes_and_f6_interim_levels_are_parts_any_form_can_use():
    data = preset_definition("f1-isehara")
    data["code"] = "with-parts"
    data["interim_levels"] = "yonago"
    data["layouts"]["interim_report"]["preamble"] = [{"part": "mission-themes"}]
    data["layouts"]["interim_report"]["columns"].append({"label": "進捗", "parts": ["interim_status"]})
    form = form_from_dict(data)
    assert dict(form.interim_levels) == {"on_track": "概ね順調", "needs_effort": "取組強化が必要", "at_risk": "進捗困難"}
    block = form.layouts["interim_report"].preamble[0]
    assert (block.kind, block.sdgs) == ("themes", True)
    assert block.sdg_tag(17) == "【No.17: パートナーシップで目標を達成しよう】"
    # Written out in full, so a form never depends on the parts file staying as it is.
    written = form_to_dict(form)
    assert written["interim_levels"]["at_risk"] == "進捗困難"
    assert written["layouts"]["interim_report"]["preamble"][0]["label"] == "部局の役割・使命（ミッション）・経営方針"
    assert form_from_dict(written) == form


def test_every_preset_uses_only_known_roles_and_names_a_scale_core_can_grade_with():
    for form in presets().values():
        for layout in form.layouts.values():
            assert set(layout.roles) <= set(ROLES)
            assert "title" in layout.roles
        assert (form.grade_placement == "none") == (scale_of(form) is None)


# --- templates ----------------------------------------------------------------------------

def test_fill_replaces_only_known_placeholders_and_never_reads_a_value_as_a_template():
    values = {"fiscal_year_label": "{unit}", "unit": "{0.__class__}部", "director_title": None}
    assert fill("{fiscal_year_label}/{unit}/{director_title}/{other}", values, missing="〇〇") \
        == "{unit}/{0.__class__}部/〇〇/{other}"


# --- refusals at a JSON path ----------------------------------------------------------------

def _f1():
    return copy.deepcopy(preset_definition("f1-isehara"))


def _refused(data) -> FormError:
    with pytest.raises(FormError) as info:
        form_from_dict(data)
    return info.value


def test_an_unknown_role_is_refused_where_it_is():
    data = _f1()
    data["layouts"]["declaration"]["columns"][2]["parts"] = ["contents"]
    err = _refused(data)
    assert err.path == "$.layouts.declaration.columns[2].parts[0]"
    assert "content" in err.message


def test_a_role_twice_in_one_layout_is_refused_but_extra_columns_are_welcome():
    data = _f1()
    data["layouts"]["declaration"]["columns"].append({"label": "再掲", "parts": ["content"]})
    err = _refused(data)
    assert err.path == "$.layouts.declaration.columns[4].parts[0]"
    assert "二度" in err.message
    data = _f1()
    data["layouts"]["declaration"]["columns"] += [{"label": "備考", "parts": ["extra"]},
                                                  {"label": "所管", "parts": ["extra"]}]
    assert form_from_dict(data).layouts["declaration"].roles[-2:] == ("extra", "extra")
    data["layouts"]["declaration"]["columns"][-1]["label"] = "備考"
    assert "重なって" in _refused(data).message


def test_a_numbered_form_needs_its_number_column_and_an_unnumbered_one_may_not_have_one():
    data = _f1()
    del data["layouts"]["declaration"]["columns"][0]
    err = _refused(data)
    assert (err.path, "番号" in err.message) == ("$.layouts.declaration.columns", True)
    data = _f1()
    data["numbered"] = False
    assert _refused(data).path == "$.number_label"
    data["number_label"] = None
    assert _refused(data).path == "$.layouts.declaration.columns"


def test_unknown_placeholders_and_stray_braces_in_a_title_are_refused():
    data = _f1()
    data["layouts"]["declaration"]["title"] = "{fiscal_year_label} {department.__class__}"
    err = _refused(data)
    assert err.path == "$.layouts.declaration.title"
    assert "{fiscal_year_label}" in err.message
    data["layouts"]["declaration"]["title"] = "{fiscal_year_label} {{x"
    assert _refused(data).path == "$.layouts.declaration.title"


def test_labels_past_the_limits_and_text_that_is_not_text_are_refused():
    data = _f1()
    data["layouts"]["achievement_report"]["columns"][2]["label"] = "取" * 51
    err = _refused(data)
    assert (err.path, "50文字" in err.message) == ("$.layouts.achievement_report.columns[2].label", True)
    data = _f1()
    data["name"] = "a\x00"
    assert _refused(data).path == "$.name"
    data = _f1()
    data["layouts"]["declaration"]["columns"] = [{"label": "x", "parts": ["title"]}] * 31
    assert _refused(data).path == "$.layouts.declaration.columns"


def test_misspelt_keys_are_refused_rather_than_ignored():
    data = _f1()
    data["layouts"]["declaration"]["colums"] = data["layouts"]["declaration"].pop("columns")
    err = _refused(data)
    assert err.path == "$.layouts.declaration" and "colums" in err.message
    data = _f1()
    data["layouts"]["yearly"] = data["layouts"]["declaration"]
    assert _refused(data).path == "$.layouts"


def test_grade_columns_follow_where_the_form_grades():
    data = _f1()  # per target: an initiative-level 評価 column contradicts it
    data["layouts"]["achievement_report"]["columns"].append({"label": "評価", "parts": ["grade"]})
    assert "grade" in _refused(data).message
    data = _f1()
    data["grade_placement"] = "none"
    assert _refused(data).path == "$.scale"
    data = preset_definition("f2-sengensha")
    data["scale_definition"]["code"] = "other"
    assert _refused(data).path == "$.scale_definition.code"


def test_an_interim_status_column_needs_the_forms_words_for_the_levels():
    data = _f1()
    data["layouts"]["interim_report"]["columns"].append({"label": "進捗", "parts": ["interim_status"]})
    assert _refused(data).path == "$.interim_levels"


def test_a_definition_file_that_is_not_json_says_where():
    with pytest.raises(FormError) as info:
        form_from_json('{"code": "x",\n "name": }', source="city.json")
    assert str(info.value).startswith("city.json: $: ")
    assert "2行" in info.value.message
    with pytest.raises(FormError) as info:
        form_from_dict([], source="city.json")
    assert str(info.value) == "city.json: $: オブジェクトが必要です（配列でした）"


# --- identify -----------------------------------------------------------------------------

SEED_PDF_HEADER = ["No.", "取組名\n（担当課名）", "取組内容", "達成目標", "取組結果\n［今後の取組の方向性］", "目標達成状況"]


def test_the_seeds_pdf_header_is_the_seeds_form():
    found = identify(SEED_PDF_HEADER)
    form, layout, score = found[0]
    assert (form.code, score) == ("f1-isehara", 1.0)
    # The interim report prints the same header: the title tells them apart, not the columns.
    assert {layout.document for _, layout, s in found if s == 1.0} == {"interim_report", "achievement_report"}
    assert identify(SEED_PDF_HEADER, "achievement_report")[0][1].document == "achievement_report"


def test_the_seeds_header_as_its_text_extraction_spells_it():
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "N0.")
    end = next(i for i, line in enumerate(lines) if line.strip() == "目標達成状況")
    header = [line for line in lines[start:end + 1] if line.strip()]
    assert "取 組 内 容  達 成 目 標" in " ".join(header)
    form, layout, score = identify(header, "achievement_report")[0]
    assert (form.code, layout.document, score) == ("f1-isehara", "achievement_report", 1.0)


@pytest.mark.parametrize("cells", [
    ["N0.", "取組名(担当課名)", "取組内容", "達成目標", "取組結果[今後の取組の方向性]", "目標達成状況"],  # XLSX, half-width
    ["番号", "取 組 名", "（担当課名）", "取組内容", "達成目標", "取組結果", "［今後の取組の方向性］", "目標達成状況"],
    ["ＮＯ．", "取組名（担当課名）", "取　組　内　容", "達成目標", "取組結果\n［今後の取組の方向性］", "目標達成状況"],
])
def test_header_spellings_of_the_seeds_form_are_all_recognised(cells):
    form, layout, score = identify(cells)[0]
    assert (form.code, score) == ("f1-isehara", 1.0)
    assert layout.document in ("interim_report", "achievement_report")


def test_a_declarations_header_is_the_declaration_layout():
    form, layout, score = identify(["No.", "取組名\n（担当課名）", "取組内容", "達成目標"])[0]
    assert (form.code, layout.document, score) == ("f1-isehara", "declaration", 1.0)


@pytest.mark.parametrize("code", list(presets()))
def test_each_presets_own_header_names_it(code):
    form = presets()[code]
    for document, layout in form.layouts.items():
        best_form, best_layout, score = identify([c.label for c in layout.columns], document)[0]
        assert (best_form.code, best_layout.document, score) == (code, document, 1.0)


def test_a_header_of_no_known_form_names_none():
    assert identify(["氏名", "住所", "電話番号"]) == []
    assert identify([]) == []


def test_identify_takes_the_candidates_it_is_given_before_the_presets():
    data = preset_definition("f1-isehara")
    data["code"] = "city-own"
    own = form_from_dict(data)
    found = identify(SEED_PDF_HEADER, "achievement_report", forms=[own, *presets().values()])
    assert [f.code for f, _, s in found if s == 1.0] == ["city-own", "f1-isehara"]


def test_documents_are_in_the_years_order():
    assert presets()["f1-isehara"].documents == workflow.PHASES
    assert json.loads(form_to_json(presets()["f1-isehara"]))["layouts"].keys() == set(workflow.PHASES)


def test_the_worked_example_in_docs_forms_md_loads_and_gives_a_blank():
    import re

    from sengen.renderers.xlsx_blank import blank_workbook

    docs = (Path(__file__).parents[2] / "docs" / "forms.md").read_text(encoding="utf-8")
    definition = re.search(r"```json\n(.*?)```", docs, re.S).group(1)
    form = form_from_json(definition, source="kakuu.json")
    assert (form.code, form.unit_kind, form.grade_placement) == ("kakuu-kacho", "課", "initiative")
    assert form.layouts["declaration"].preamble[0].label == "課の使命"
    assert form.layouts["achievement_report"].roles.count("extra") == 1
    assert blank_workbook(form, "declaration", unit="総務課").startswith(b"PK")
    broken = json.loads(definition)
    broken["layouts"]["achievement_report"]["columns"][4]["parts"] = ["grades"]
    with pytest.raises(FormError) as info:
        form_from_dict(broken, source="kakuu.json")
    assert str(info.value).startswith("kakuu.json: $.layouts.achievement_report.columns[4].parts[0]: 次のいずれかが必要です")
