"""A report page in its own form (様式): the table's columns, labels and order come from the
report's form; the seed's form keeps its hand-written page. No database: the table is built from
the document, and the page fragment rendered from it."""

from __future__ import annotations

import json
import re

import pytest
from django.template.loader import render_to_string

from sengen.core.forms import DEFAULT_FORM, presets
from sengen.core.report import normalise
from sengen.portal import formtable
from tests.conftest import SEED_DIR

V2 = SEED_DIR.parent / "v2"


def load(name: str) -> dict:
    return normalise(json.loads((V2 / name).read_text(encoding="utf-8")))


@pytest.fixture
def f2_doc():
    return load("f2-kankyo-achievement.json")


def test_the_f2_report_is_laid_out_in_f2s_columns_with_initiative_grades(f2_doc):
    form = formtable.form_of(f2_doc)
    assert form.code == "f2-sengensha"
    table = formtable.official_table(f2_doc, form)
    assert table.columns == [("No.",), ("重点目標",), ("目標の概要",), ("達成基準",), ("達成度",)]
    assert table.heading == "平成27年度重点目標"
    assert [b["label"] for b in table.preamble] == ["部の使命・方針"]
    grades = [row.cells[-1].parts[0] for row in table.rows]
    assert [(g.kind, g.value) for g in grades] == [("grade", "達成基準どおり"), ("grade", "達成基準をやや下回る")]
    assert grades[0].items == ["排出量は４９６ｇとなり、達成基準を満たしました。"]
    assert formtable.title_line(f2_doc, form) == "平成27年度 環境部長の目標宣言 達成状況報告"


def test_a_report_naming_no_form_is_in_the_seeds_form(seed_doc):
    assert formtable.form_of(seed_doc).code == DEFAULT_FORM
    assert formtable.is_seed_form(formtable.form_of(seed_doc))


def test_interim_statuses_read_in_the_forms_words_or_the_shared_ones():
    doc = load("f6-toshi-interim.json")
    table = formtable.official_table(doc, presets()["f3-seisaku"])
    interim = [item["interim"] for row in table.rows for cell in row.cells for part in cell.parts
               if part.kind == "targets" for item in part.items if item["show_interim"]]
    assert interim and set(interim) <= {"概ね順調", "取組強化が必要", "進捗困難"}


def test_every_role_a_column_carries_is_in_its_cell_in_order():
    doc = load("f3-seisaku-unnumbered.json")
    form = presets()["f3-seisaku"]
    table = formtable.official_table(doc, form)
    layout = form.layout("achievement_report")
    for row in table.rows:
        assert [[p.role for p in cell.parts] for cell in row.cells] == [list(c.roles) for c in layout.columns]


def _fragment(doc, form):
    table = formtable.official_table(doc, form)
    return render_to_string("portal/_form_table.html", {
        "doc": doc, "table": table, "widths": formtable.percentages(table.widths), "municipality_query": ""})


@pytest.mark.django_db
def test_the_fragment_prints_the_forms_labels_preamble_and_grades_in_table_and_cards(f2_doc):
    html = _fragment(f2_doc, formtable.form_of(f2_doc))
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", head) == ["No.", "重点目標", "目標の概要", "達成基準", "達成度"]
    assert "部の使命・方針" in html and "【SDGs 11】" in html
    assert html.index("部の使命・方針") < html.index("<table")
    table, cards = html[:html.index('class="report-cards"')], html[html.index('class="report-cards"'):]
    for part in (table, cards):
        assert part.index("達成基準どおり") < part.index("達成基準をやや下回る")
    # Cards: the number and title as the heading, then each other cell under its label, in the
    # columns' order.
    card = cards[:cards.index("</article>")]
    order = ["No.1", "家庭ごみの減量", "<h4>目標の概要", "<h4>達成基準", "<h4>達成度"]
    assert [card.index(text) for text in order] == sorted(card.index(text) for text in order)


@pytest.mark.django_db
def test_text_in_a_form_or_report_is_escaped(f2_doc):
    f2_doc["initiatives"][0]["title"] = "<script>alert(1)</script>"
    f2_doc["preamble"][0]["items"] = ["<b>太字</b>"]
    html = _fragment(f2_doc, formtable.form_of(f2_doc))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_an_unnumbered_item_is_shown_without_a_link():
    doc = load("f3-seisaku-unnumbered.json")
    html = _fragment(doc, presets()["f3-seisaku"])
    assert "公共施設再配置計画の策定" in html and "/None" not in html


def test_a_heading_only_block_that_repeats_the_table_heading_is_printed_once():
    doc = load("f3-seisaku-unnumbered.json")
    table = formtable.official_table(doc, presets()["f3-seisaku"])
    assert table.preamble == [] and "平成26年度重要事業" in table.heading


@pytest.mark.django_db
def test_a_citys_copy_of_the_seeds_form_numbers_its_cards_as_its_table_does(seed_doc):
    # The seed's form labels the column 「N0.」 (its word processor's typo); sengen's own print
    # says 「No.」 in the table's header, and the phone cards must say the same.
    import dataclasses

    copied = dataclasses.replace(presets()[DEFAULT_FORM], code="isehara-copy")
    assert copied.number_label == "N0."
    html = _fragment(normalise(seed_doc), copied)
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert "No." in head and "N0." not in html
    cards = html[html.index('class="report-cards"'):]
    assert '<span class="card__no">No.1</span>' in cards
