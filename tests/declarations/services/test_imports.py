"""``services.imports``: storing a report — what is kept and exactly as written, the same report
again changing nothing and a changed one updating in place, what is refused before anything is
stored, and what a staff member's import may do."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from sengen.core.report import ReportError, dumps, normalise
from sengen.declarations.models import (
    AuditEntry,
    Declaration,
    Department,
    FiscalYear,
    Grade,
    Initiative,
    Municipality,
    Outcome,
    Publication,
    Section,
    Target,
)
from sengen.declarations.selectors import public_document, report_document
from sengen.declarations.services._common import EditConflict
from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.results import initiative_results_save

from ..helpers import initiative, results_input

pytestmark = pytest.mark.django_db


def _target(declaration, number, position=0):
    return Target.objects.get(initiative__declaration=declaration, initiative__number=number, position=position)


def test_the_seed_round_trips_through_the_database(seed_doc):
    """import → export gives the same document, and the same canonical JSON bytes."""
    declaration = report_import(doc=seed_doc).declaration
    exported = report_document(declaration=declaration)
    assert exported == normalise(seed_doc)
    assert dumps(exported) == dumps(seed_doc)


def test_import_files_the_report_under_its_city_year_and_department(seed_doc):
    stored = report_import(doc=seed_doc, source="seed.json")
    declaration = stored.declaration
    assert declaration.department.municipality.name == "伊勢原市"
    assert declaration.fiscal_year.year == 2017
    assert declaration.fiscal_year.label == "平成29年度"
    assert declaration.fiscal_year_label == "平成29年度"
    assert declaration.department.name == "市民生活部"
    assert declaration.department.director_title == "市民生活部長"
    assert (declaration.director_title, declaration.director_name) == ("市民生活部長", "竹内 克則")
    assert declaration.phase == "achievement_report"
    assert declaration.state == "published" and declaration.published_at is not None
    assert declaration.source == "seed.json"
    assert stored.action == "created"
    assert declaration.initiatives.count() == 5
    assert Target.objects.filter(initiative__declaration=declaration).count() == 9


def test_text_is_stored_exactly_as_written(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    target = _target(declaration, 2, 1)
    # Full-width digits and the comma stay as the director wrote them.
    assert target.text == "平成２９年度末時点のくらし安心メール登録目標：１２,０００人"
    initiative = declaration.initiatives.get(number=4)
    assert initiative.content == seed_doc["initiatives"][3]["content"]
    assert [s.name for s in initiative.sections.order_by("initiative_links__position")] == ["人権・広聴相談課"]


def test_numeric_target_keeps_value_unit_direction_and_year_end_due(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    target = _target(declaration, 2, 1)
    assert target.kind == "numeric"
    assert (target.value, target.unit, target.direction) == (Decimal(12000), "人", "higher")
    assert (target.due_date, target.due_precision) == (dt.date(2018, 3, 31), "fiscal_year_end")
    outcome = target.outcome
    assert (outcome.actual_value, outcome.actual_unit) == (Decimal(11820), "人")
    assert outcome.achievement_rate == Decimal("0.985")
    assert outcome.evaluation == "not_achieved"


def test_milestone_and_qualitative_targets_are_told_apart(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    milestone = _target(declaration, 5, 0)  # 平成２９年１０月のコンビニ交付サービス稼動
    assert milestone.kind == "milestone"
    assert (milestone.value, milestone.due_date, milestone.due_precision) == (None, dt.date(2017, 10, 1), "month")
    qualitative = _target(declaration, 1, 0)  # …住民の合意形成
    assert qualitative.kind == "qualitative"
    assert qualitative.due_date is None


def test_a_target_the_report_says_nothing_about_gets_no_outcome(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    assert not Outcome.objects.filter(target=_target(declaration, 1, 0)).exists()
    assert _target(declaration, 4, 0).outcome.evaluation == "achieved"


def test_importing_the_same_report_again_changes_nothing(seed_doc):
    first = report_import(doc=seed_doc).declaration
    ids = sorted(Target.objects.values_list("id", flat=True))
    stored = report_import(doc=copy.deepcopy(seed_doc))
    again = stored.declaration
    assert again.pk == first.pk
    assert stored.action == "unchanged"
    assert again.version == 1
    assert Declaration.objects.count() == 1
    assert sorted(Target.objects.values_list("id", flat=True)) == ids


def test_importing_a_changed_report_updates_it_in_place(seed_doc):
    first = report_import(doc=seed_doc).declaration
    kept = first.initiatives.get(number=2)
    changed = copy.deepcopy(seed_doc)
    del changed["initiatives"][0]  # initiative 1 dropped
    changed["initiatives"][0]["title"] = "くらし安心メールの利用拡大（改）"
    changed["initiatives"][0]["targets"][1]["actual"] = {"value": 12100, "unit": "人"}
    changed["initiatives"][0]["targets"][1]["evaluation"] = "achieved"
    changed["initiatives"][0]["targets"][1]["achievement_rate"] = 1.0083

    stored = report_import(doc=changed)
    second = stored.declaration

    assert second.pk == first.pk
    assert stored.action == "updated"
    assert second.version == 2
    assert Declaration.objects.count() == 1
    assert list(second.initiatives.values_list("number", flat=True)) == [2, 3, 4, 5]
    # Matched by number: the row is the same one, so links to it survive.
    assert second.initiatives.get(number=2).pk == kept.pk
    assert Target.objects.filter(initiative__declaration=second).count() == 8
    assert report_document(declaration=second) == normalise(changed)


def test_reordered_initiatives_keep_the_order_of_the_new_report(seed_doc):
    report_import(doc=seed_doc)
    reordered = copy.deepcopy(seed_doc)
    reordered["initiatives"].reverse()
    declaration = report_import(doc=reordered).declaration
    assert [i["number"] for i in report_document(declaration=declaration)["initiatives"]] == [5, 4, 3, 2, 1]


def test_several_sections_keep_their_written_order_and_are_shared(seed_doc):
    seed_doc["initiatives"][0]["sections"] = ["文化会館担当", "市民協働課"]
    declaration = report_import(doc=seed_doc).declaration
    doc = report_document(declaration=declaration)
    assert doc["initiatives"][0]["sections"] == ["文化会館担当", "市民協働課"]
    # 文化会館担当 also owns initiative 3: one Section row, not two.
    assert Section.objects.filter(name="文化会館担当").count() == 1
    assert Section.objects.get(name="文化会館担当").initiatives.count() == 2


def test_a_report_without_a_city_exports_without_one(seed_doc, settings):
    settings.SENGEN_MUNICIPALITY = None
    seed_doc["municipality"] = None
    declaration = report_import(doc=seed_doc).declaration
    assert str(declaration.department.municipality) == "（未設定）"
    assert report_document(declaration=declaration)["municipality"] is None


def test_a_report_without_a_city_goes_to_the_configured_city(seed_doc, settings):
    settings.SENGEN_MUNICIPALITY = "伊勢原市"
    report_import(doc=seed_doc)
    seed_doc["municipality"] = None
    seed_doc["department"] = "総務部"
    declaration = report_import(doc=seed_doc).declaration
    assert declaration.department.municipality.name == "伊勢原市"
    assert Municipality.objects.count() == 1


def test_a_new_city_starts_with_the_configured_grading_scale(seed_doc, settings):
    settings.SENGEN_GRADING_SCALE = "abcd"
    declaration = report_import(doc=seed_doc).declaration
    assert declaration.department.municipality.grading_scale.code == "abcd"


def test_grades_of_the_city_scale_are_linked_and_others_kept_as_written(seed_doc, settings):
    settings.SENGEN_GRADING_SCALE = "three-step"
    targets = seed_doc["initiatives"][3]["targets"]
    targets[0]["grade"] = "達成"
    targets[1]["grade"] = "Z"  # not a grade of this city's scale
    declaration = report_import(doc=seed_doc).declaration
    linked = _target(declaration, 4, 0).outcome
    assert linked.grade == Grade.objects.get(scale__code="three-step", code="達成")
    foreign = _target(declaration, 4, 1).outcome
    assert (foreign.grade, foreign.grade_code) == (None, "Z")
    exported = report_document(declaration=declaration)["initiatives"][3]["targets"]
    assert [t["grade"] for t in exported] == ["達成", "Z"]


def test_the_director_title_of_an_older_year_does_not_overwrite_the_current_one(seed_doc):
    seed_doc["director"]["title"] = "くらし部長"
    seed_doc["fiscal_year"], seed_doc["fiscal_year_label"] = 2018, "平成30年度"
    report_import(doc=seed_doc)
    older = copy.deepcopy(seed_doc)
    older["director"]["title"] = "市民生活部長"
    older["fiscal_year"], older["fiscal_year_label"] = 2017, "平成29年度"
    declaration = report_import(doc=older).declaration
    declaration.department.refresh_from_db()
    assert declaration.department.director_title == "くらし部長"
    assert report_document(declaration=declaration)["director"]["title"] == "市民生活部長"
    assert FiscalYear.objects.count() == 2 and Department.objects.count() == 1


@pytest.mark.parametrize("path, value, message", [
    (("metric", "value"), 0.1234567, "小数点以下は6桁まで"),
    (("metric", "value"), 10 ** 19, "桁数が多すぎて"),
])
def test_a_value_the_database_would_change_is_refused_and_nothing_stored(seed_doc, path, value, message):
    seed_doc["initiatives"][1]["targets"][0][path[0]][path[1]] = value
    with pytest.raises(ReportError, match=message) as info:
        report_import(doc=seed_doc)
    assert "$.initiatives[1].targets[0].metric.value" in str(info.value)
    assert Declaration.objects.count() == 0
    assert Municipality.objects.count() == 0


def test_an_invalid_document_is_refused_before_anything_is_stored(seed_doc):
    seed_doc["initiatives"][0]["targets"][0]["evaluation"] = "great"
    with pytest.raises(ReportError):
        report_import(doc=seed_doc)
    assert Initiative.objects.count() == 0


def test_a_failure_half_way_rolls_back_an_update(seed_doc):
    report_import(doc=seed_doc)
    broken = copy.deepcopy(seed_doc)
    broken["initiatives"][0]["title"] = "変更"
    broken["initiatives"][4]["targets"][1]["actual"]["value"] = 0.0000001  # last initiative fails
    with pytest.raises(ReportError):
        report_import(doc=broken)
    declaration = Declaration.objects.get()
    assert declaration.version == 1
    assert report_document(declaration=declaration) == normalise(seed_doc)


# Imports by staff ---------------------------------------------------------------------------------

def test_a_director_imports_only_their_own_department_and_only_as_a_draft(people, seed_doc):
    fiscal_year_open(user=people.admin, municipality=people.department.municipality, year=2017)
    with pytest.raises(PermissionDenied):
        report_import(doc=seed_doc, state="published", user=people.director)
    declaration = report_import(doc=seed_doc, state="draft", user=people.director).declaration
    assert declaration.state == "draft"
    with pytest.raises(PermissionDenied):
        from tests.declarations.people import other_department_doc
        report_import(doc=other_department_doc(seed_doc), state="draft", user=people.director)
    assert AuditEntry.objects.filter(action="declaration.import.created").count() == 1


def test_a_published_import_is_what_the_public_reads(people, seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    assert public_document(declaration=declaration) == report_document(declaration=declaration)
    assert Publication.objects.filter(declaration=declaration).count() == 1


def test_an_import_makes_forms_opened_before_it_stale(people, reports):
    mine, _ = reports
    one = initiative(mine, 1)
    opened = one.version
    doc = report_document(declaration=mine)
    doc["initiatives"][0]["results"] = ["取込で変わった内容"]
    report_import(doc=doc, state="draft", user=people.admin)
    with pytest.raises(EditConflict):
        initiative_results_save(user=people.editor, initiative=one, version=opened, data=results_input(one))
