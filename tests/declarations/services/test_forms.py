"""``services.forms``: a form definition stored as immutable versions (created, a new version when
changed, nothing when identical), refused with its JSON path when invalid, only by administrators,
audited; the grading scale a form brings created once and never silently changed; the form a
city's new reports use."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sengen.core.forms import form_from_dict, form_to_dict, preset_definition
from sengen.declarations.forms import FormNotFound, form_current_version, form_get, forms_list, report_count
from sengen.declarations.models import AuditEntry, Form, FormVersion, GradingScale, Municipality
from sengen.declarations.services.forms import form_assign, form_load

from ..helpers import soshiki_columns, soshiki_form

pytestmark = pytest.mark.django_db


def city_form() -> dict:
    """A form that is no preset: a 課's 組織目標 with a preamble, graded per initiative on a
    scale of its own (written here, as a city would write it)."""
    return soshiki_form("test-soshiki", scale="test-tasseido", scale_definition={
        "code": "test-tasseido", "name": "達成度（3段階）",
        "grades": [
            {"code": "A", "label": "達成", "evaluation": "achieved", "min_rate": 1.0},
            {"code": "B", "label": "一部達成", "evaluation": "partially_achieved", "min_rate": 0.6},
            {"code": "C", "label": "未達成", "evaluation": "not_achieved", "min_rate": 0},
        ],
    }, layouts={"achievement_report": {
        "title": "{fiscal_year_label} {unit} 組織目標",
        "preamble": [{"label": "課の使命", "kind": "text"}],
        "columns": soshiki_columns(),
    }})


@pytest.fixture
def city(people):
    return people.department.municipality


def test_a_new_definition_creates_the_form_at_version_1_stored_as_form_to_dict_writes_it(people, city):
    version = form_load(user=people.admin, definition=city_form(), municipality=city, source="soshiki.json")
    assert (version.form.code, version.form.name, version.form.municipality, version.version) == (
        "test-soshiki", "課の組織目標", city, 1)
    assert version.definition == form_to_dict(form_from_dict(city_form()))
    assert version.created_by == people.admin
    assert form_get("test-soshiki") == version.form
    assert form_get(str(version.form.pk)) == version.form
    assert form_current_version(version.form) == version


def test_a_changed_definition_adds_a_version_and_keeps_the_old_one_as_it_was(people, city):
    first = form_load(user=people.admin, definition=city_form(), municipality=city)
    changed = city_form()
    changed["layouts"]["achievement_report"]["columns"][4]["label"] = "連携先"
    second = form_load(user=people.admin, definition=changed, municipality=city)
    assert (second.form, second.version) == (first.form, 2)
    first.refresh_from_db()
    assert first.definition["layouts"]["achievement_report"]["columns"][4]["label"] == "協働関係先"
    assert second.definition["layouts"]["achievement_report"]["columns"][4]["label"] == "連携先"
    assert form_current_version(first.form) == second
    assert Form.objects.filter(code="test-soshiki").count() == 1


def test_the_same_definition_again_stores_nothing_and_returns_the_latest_version(people, city):
    first = form_load(user=people.admin, definition=city_form(), municipality=city)
    entries = AuditEntry.objects.count()
    # Written differently (a part as an object with its default bullet) but the same form.
    same = city_form()
    same["layouts"]["achievement_report"]["columns"][1]["parts"] = [{"role": "title", "bullet": ""}]
    again = form_load(user=people.admin, definition=same, municipality=city)
    assert again == first
    assert FormVersion.objects.filter(form=first.form).count() == 1
    assert AuditEntry.objects.count() == entries


def test_an_invalid_definition_is_refused_with_its_file_and_json_path_and_nothing_is_stored(people, city):
    bad = city_form()
    bad["layouts"]["achievement_report"]["columns"][2]["parts"] = ["grades"]
    with pytest.raises(ValidationError) as refused:
        form_load(user=people.admin, definition=bad, municipality=city, source="soshiki.json")
    message = refused.value.messages[0]
    assert message.startswith("soshiki.json: $.layouts.achievement_report.columns[2].parts[0]: ")
    assert refused.value.path == "$.layouts.achievement_report.columns[2].parts[0]"
    assert not Form.objects.filter(code="test-soshiki").exists()
    assert not GradingScale.objects.filter(code="test-tasseido").exists()


@pytest.mark.parametrize("role", ["director", "editor", "viewer", "nobody"])
def test_only_administrators_load_or_assign_forms(people, city, role):
    with pytest.raises(PermissionDenied, match="様式を登録・変更できるのは管理者だけです"):
        form_load(user=people.by_role(role), definition=city_form(), municipality=city)
    assert not Form.objects.filter(code="test-soshiki").exists()
    preset = form_get("f2-sengensha")
    with pytest.raises(PermissionDenied, match="管理者だけです"):
        form_assign(user=people.by_role(role), municipality=city, form=preset)
    assert Municipality.objects.get(pk=city.pk).form is None


def test_loading_is_audited_with_who_the_version_and_the_definition_before_and_after(people, city):
    form_load(user=people.admin, definition=city_form(), municipality=city, source="soshiki.json")
    changed = city_form()
    changed["name"] = "課の組織目標（改）"
    version = form_load(user=people.admin, definition=changed, municipality=city)
    created, updated = AuditEntry.objects.filter(object_type="form").order_by("pk")
    assert (created.action, created.user, created.detail["version"], created.detail["source"]) == (
        "form.create", people.admin, 1, "soshiki.json")
    assert created.detail["previous"] is None
    assert (updated.action, updated.detail["version"]) == ("form.update", 2)
    assert updated.detail["previous"]["name"] == "課の組織目標"
    assert updated.detail["definition"]["name"] == "課の組織目標（改）"
    assert version.form.name == "課の組織目標（改）"  # the form's name follows its latest version


def test_the_scale_a_form_defines_is_created_with_its_grades_in_order(people, city):
    form_load(user=people.admin, definition=city_form(), municipality=city)
    scale = GradingScale.objects.get(code="test-tasseido")
    assert scale.name == "達成度（3段階）"
    assert [(g.code, g.label, g.evaluation, g.min_rate) for g in scale.grades.order_by("order")] == [
        ("A", "達成", "achieved", Decimal("1")), ("B", "一部達成", "partially_achieved", Decimal("0.6")),
        ("C", "未達成", "not_achieved", Decimal("0"))]
    # A second form with the same scale, defined the same, uses it rather than refusing.
    other = city_form()
    other["code"] = "test-soshiki-2"
    form_load(user=people.admin, definition=other, municipality=city)
    assert GradingScale.objects.filter(code="test-tasseido").count() == 1


def test_a_scale_definition_that_contradicts_a_stored_scale_is_refused_rather_than_changing_it(people, city):
    conflicting = city_form()
    conflicting["scale"] = conflicting["scale_definition"]["code"] = "abcd"  # a preset scale, other grades
    with pytest.raises(ValidationError, match=r"\$\.scale_definition: 評価尺度 abcd はすでにあり、段階が違います"):
        form_load(user=people.admin, definition=conflicting, municipality=city)
    assert not Form.objects.filter(code="test-soshiki").exists()
    assert [g.code for g in GradingScale.objects.get(code="abcd").grades.order_by("order")] == ["A", "B", "C", "D"]


def test_a_scale_named_without_a_definition_must_exist(people, city):
    definition = city_form()
    del definition["scale_definition"]
    definition["scale"] = "no-such-scale"
    with pytest.raises(ValidationError, match=r"\$\.scale: 評価尺度 no-such-scale は登録されていません"):
        form_load(user=people.admin, definition=definition, municipality=city)
    definition["scale"] = "abcd"  # a scale sengen ships
    assert form_load(user=people.admin, definition=definition, municipality=city).version == 1


def test_a_preset_loaded_again_as_shipped_is_unchanged_and_a_city_cannot_take_a_presets_code(people, city):
    preset = form_get("f2-sengensha")
    latest = form_current_version(preset)
    assert form_load(user=None, definition=preset_definition("f2-sengensha"), municipality=None) == latest
    with pytest.raises(ValidationError, match=r"\$\.code: f2-sengensha はプリセットの様式のコードです"):
        form_load(user=people.admin, definition=preset_definition("f2-sengensha"), municipality=city)
    assert Form.objects.filter(code="f2-sengensha").count() == 1


def test_the_same_code_in_two_cities_is_two_forms_and_looking_it_up_needs_the_city(people, city):
    other_city = Municipality.objects.create(name="架空市")
    mine = form_load(user=people.admin, definition=city_form(), municipality=city).form
    theirs = form_load(user=people.admin, definition=city_form(), municipality=other_city).form
    assert mine != theirs
    assert form_get("test-soshiki", municipality=city) == mine
    assert form_get("test-soshiki", municipality="架空市") == theirs
    with pytest.raises(FormNotFound, match="複数の自治体にあります"):
        form_get("test-soshiki")
    with pytest.raises(FormNotFound, match="様式 nothing は登録されていません"):
        form_get("nothing")


def test_editing_a_form_keeps_its_code(people, city):
    form = form_load(user=people.admin, definition=city_form(), municipality=city).form
    renamed = city_form()
    renamed["code"] = "test-other"
    with pytest.raises(ValidationError, match=r"\$\.code: 様式のコードは変えられません"):
        form_load(user=people.admin, definition=renamed, municipality=city, form=form)
    assert not Form.objects.filter(code="test-other").exists()


def test_a_city_is_given_a_preset_or_its_own_form_never_another_citys(people, city):
    preset = form_get("f2-sengensha")
    assert form_assign(user=people.admin, municipality=city, form=preset).form == preset
    assert Municipality.objects.get(pk=city.pk).form == preset
    entry = AuditEntry.objects.get(action="form.assign")
    assert (entry.detail["before"], entry.detail["after"]) == (None, "f2-sengensha")
    other_city = Municipality.objects.create(name="架空市")
    theirs = form_load(user=people.admin, definition=city_form(), municipality=other_city).form
    with pytest.raises(ValidationError, match="架空市の様式です"):
        form_assign(user=people.admin, municipality=city, form=theirs)
    assert form_assign(user=people.admin, municipality=city, form=None).form is None


def test_the_list_shows_presets_first_with_their_latest_version_and_reports(people, city, reports):
    form_load(user=people.admin, definition=city_form(), municipality=city)
    changed = city_form()
    changed["name"] = "課の組織目標（改）"
    form_load(user=people.admin, definition=changed, municipality=city)
    rows = list(forms_list())
    assert [r.code for r in rows][:5] == ["f1-isehara", "f2-sengensha", "f3-seisaku", "f4-minamiashigara",
                                          "f7-tsubame"]
    mine = rows[-1]
    assert (mine.code, mine.latest_version, mine.report_count) == ("test-soshiki", 2, 0)
    # The reports stored without a form are in the seed's form: counted with the default preset.
    assert report_count(form_get("f1-isehara")) == 2
    assert report_count(mine) == 0


def test_a_percent_sign_in_a_refused_definition_is_quoted_as_written(people, city):
    bad = city_form()
    bad["layouts"]["achievement_report"]["columns"][2]["parts"] = ["%(x)s 100%"]
    with pytest.raises(ValidationError) as refused:
        form_load(user=people.admin, definition=bad, municipality=city)
    assert "'%(x)s 100%'" in refused.value.messages[0]


def test_a_definition_that_is_not_an_object_is_refused_at_the_root(people, city):
    with pytest.raises(ValidationError, match=r"^\['x.json: \$: "):
        form_load(user=people.admin, definition=copy.deepcopy([city_form()]), municipality=city, source="x.json")


def test_the_refusals_are_in_english_for_an_english_page(people, city):
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(PermissionDenied, match="Only administrators can add or change forms"):
            form_load(user=people.director, definition=city_form(), municipality=city)
        with pytest.raises(ValidationError, match=r"\$\.code: f2-sengensha is the code of a preset form"):
            form_load(user=people.admin, definition=preset_definition("f2-sengensha"), municipality=city)
