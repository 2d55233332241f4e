"""The public index reads sengen.report/2 (issue 11): search finds what other cities' forms
print (the columns /1 has no place for, ``extra`` columns, the preamble, an initiative's grade),
and the year summaries count a form's initiative grades."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sengen.core import forms as core_forms
from sengen.core.report import normalise, upgrade
from sengen.declarations import publicindex
from sengen.declarations.models import Form, FormVersion, Municipality, PublicEntry, PublicSummary
from sengen.declarations.services.imports import report_import
from sengen.portal.search import search_public

V2 = Path(__file__).resolve().parents[1] / "fixtures" / "v2"
F2_GRADES = {"達成基準どおり": "achieved", "達成基準をやや下回る": "partially_achieved"}


def _fixture(name: str) -> dict:
    return normalise(json.loads((V2 / name).read_text(encoding="utf-8")))


def _rows(doc: dict) -> list[dict]:
    return publicindex.entry_rows(doc, municipality="架空市", department=doc["department"],
                                  fiscal_year=doc["fiscal_year"], year_label=doc["fiscal_year_label"])


# Pure: document → rows ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "position", "words"), [
    ("f2-kankyo-achievement.json", 0, ["達成基準どおり", "４９６ｇ", "循環型のまち", "部の使命・方針"]),
    ("f2-kankyo-achievement.json", 1, ["基本施策3-2", "やや下回る", "次の世代"]),
    ("f3-seisaku-unnumbered.json", 1, ["工程表を見直します", "関係課", "広報課", "重要事業"]),
    ("f6-toshi-interim.json", 0, ["前年同期比で１２％"]),
])
def test_every_v2_text_is_in_the_searchable_text(name, position, words):
    row = _rows(_fixture(name))[position]
    for word in words:
        assert publicindex.fold_for_search(word) in row["text"], word


def test_an_unnumbered_initiative_is_indexed_by_position():
    rows = _rows(_fixture("f3-seisaku-unnumbered.json"))
    assert [(r["number"], r["position"]) for r in rows] == [(None, 0), (None, 1)]


def test_a_v1_report_is_indexed_exactly_as_before(seed_doc):
    # /2 fields at their defaults add nothing: the seed's rows are the /1 fields' alone.
    assert _rows(normalise(seed_doc)) == _rows(upgrade(seed_doc))
    first = _rows(normalise(seed_doc))[0]
    item = normalise(seed_doc)["initiatives"][0]
    expected_lines = [publicindex.fold_for_search(item["title"])]
    assert first["text"].split("\n")[0] == expected_lines[0]
    assert len(first["text"].split("\n")) == (1 + len(item["sections"]) + len(item["content"]) + len(item["targets"])
                                              + len(item["results"]) + len(item["future_direction"])
                                              + len(item["achievement_status"]) + 1)


def test_initiative_grades_count_for_their_targets_in_the_summary():
    doc = _fixture("f2-kankyo-achievement.json")
    assert publicindex.summary_counts(doc)["not_evaluated"] == 2  # without the scale: as before
    counts = publicindex.summary_counts(doc, F2_GRADES)
    assert counts == {"achieved": 1, "partially_achieved": 1, "not_achieved": 0, "not_evaluated": 0,
                      "total": 2, "initiatives": 2}


def test_a_targets_own_evaluation_stands_and_a_graded_initiative_without_targets_counts_once():
    doc = _fixture("f2-kankyo-achievement.json")
    doc["initiatives"][0]["targets"][0]["evaluation"] = "not_achieved"
    doc["initiatives"][1]["targets"] = []
    counts = publicindex.summary_counts(doc, F2_GRADES)
    assert (counts["not_achieved"], counts["partially_achieved"], counts["total"]) == (1, 1, 2)
    doc["initiatives"][1]["grade"] = "知らない評価"
    assert publicindex.summary_counts(doc, F2_GRADES)["total"] == 1


# Stored: import → index -------------------------------------------------------------------------

@pytest.fixture
def f2_published(db):
    return report_import(doc=json.loads((V2 / "f2-kankyo-achievement.json").read_text(encoding="utf-8"))).declaration


@pytest.mark.django_db
def test_a_published_f2_report_is_summed_with_its_initiative_grades(f2_published):
    summary = PublicSummary.objects.get(declaration=f2_published)
    assert (summary.achieved, summary.partially_achieved, summary.not_evaluated, summary.total) == (1, 1, 0, 2)
    publicindex.rebuild()
    summary = PublicSummary.objects.get(declaration=f2_published)
    assert (summary.achieved, summary.partially_achieved, summary.not_evaluated, summary.total) == (1, 1, 0, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "title"), [
    ("達成基準を満たしました", "家庭ごみの減量"),      # grade_reason
    ("基本施策3-2", "公園愛護会の担い手づくり"),        # plan_refs
    ("循環型のまち 愛護会", "公園愛護会の担い手づくり"),  # preamble + title
])
def test_search_finds_v2_fields(f2_published, query, title):
    assert [e.title for e in search_public(query=query)] == [title]


@pytest.mark.django_db
def test_search_finds_an_unnumbered_initiatives_extra_column():
    city = Municipality.objects.create(name="架空市")
    form = Form.objects.create(municipality=city, code="f3-seisaku-sengen", name="政策宣言")
    definition = core_forms.preset_definition("f3-seisaku")
    definition["code"] = "f3-seisaku-sengen"
    for version in (1, 2):
        FormVersion.objects.create(form=form, version=version, definition=definition)
    report_import(doc=json.loads((V2 / "f3-seisaku-unnumbered.json").read_text(encoding="utf-8")))
    (entry,) = search_public(query="広報課")
    assert (entry.title, entry.number, entry.position) == ("若い世代の定住促進", None, 1)
    assert PublicEntry.objects.filter(number__isnull=True).count() == 2
