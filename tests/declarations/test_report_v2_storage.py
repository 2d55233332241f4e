"""Storing ``sengen.report/2`` (issue 11): every field other cities' forms print is stored and
read back, the report keeps the form version it was made with, and a report /1 can say (the
seed, everything stored before forms) still reads back as /1, byte for byte."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from sengen.core import forms as core_forms
from sengen.core.report import SCHEMA_V1, ReportError, dumps, normalise, upgrade
from sengen.declarations.forms import form_for_declaration, form_for_municipality
from sengen.declarations.models import (
    Declaration,
    Form,
    FormVersion,
    GradingScale,
    Initiative,
    Municipality,
    Target,
)
from sengen.declarations.selectors import initiative_document, public_document, report_document
from sengen.declarations.services.imports import report_import

V2 = Path(__file__).resolve().parents[1] / "fixtures" / "v2"
FIXTURES = sorted(p.name for p in V2.glob("*.json"))


def _fixture(name: str) -> dict:
    return json.loads((V2 / name).read_text(encoding="utf-8"))


def _counts() -> tuple[int, ...]:
    return (Declaration.objects.count(), Initiative.objects.count(), Target.objects.count(),
            Municipality.objects.count())


def _definition(base: str, code: str, **changes) -> dict:
    definition = core_forms.preset_definition(base)
    definition.update(code=code, **changes)
    return core_forms.form_to_dict(core_forms.form_from_dict(definition))


def _city_form(code: str, base: str, *, versions: int = 1, municipality: str = "架空市") -> Form:
    """A city's own form of ``code`` (built on preset ``base``) with ``versions`` versions."""
    city, _ = Municipality.objects.get_or_create(name=municipality)
    form = Form.objects.create(municipality=city, code=code, name=f"{code} の様式")
    for version in range(1, versions + 1):
        FormVersion.objects.create(form=form, version=version,
                                   definition=_definition(base, code, name=f"{code} 第{version}版"))
    return form


@pytest.fixture
def fixture_forms(db):
    """The forms the /2 examples name that are no presets: F3's as a city's second version, F6's."""
    _city_form("f3-seisaku-sengen", "f3-seisaku", versions=2)
    _city_form("f6-juten-kadai", "f1-isehara")


# The migration ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_migration_stores_every_preset_form_and_the_scales_they_bring():
    stored = {f.code: f for f in Form.objects.filter(municipality__isnull=True)}
    assert set(stored) == set(core_forms.presets())
    for code, form in core_forms.presets().items():
        (version,) = stored[code].versions.all()
        assert version.version == 1
        assert core_forms.form_from_dict(version.definition) == form
    for code in ("criteria-4", "implementation-3"):
        scale = GradingScale.objects.get(code=code)
        defined = core_forms.presets()["f2-sengensha" if code == "criteria-4" else "f7-tsubame"].scale_definition
        assert [g.code for g in scale.grades.order_by("order")] == [g.code for g in defined.grades]


# Round trips -----------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("name", FIXTURES)
def test_every_v2_example_is_stored_and_read_back_field_for_field(fixture_forms, name):
    doc = _fixture(name)
    result = report_import(doc=doc)
    assert result.action == "created"
    assert report_document(declaration=result.declaration) == normalise(doc)
    # What citizens read is the same document (the publication record keeps it).
    assert public_document(declaration=result.declaration) == normalise(doc)
    again = report_import(doc=_fixture(name))
    assert again.action == "unchanged"
    assert again.declaration.version == result.declaration.version


@pytest.mark.django_db
@pytest.mark.parametrize("name", FIXTURES)
def test_export_json_of_a_v2_report_is_the_v2_document(fixture_forms, name, tmp_path):
    doc = _fixture(name)
    report_import(doc=doc)
    out = io.StringIO()
    call_command("export", "--fiscal-year", str(doc["fiscal_year"]), "--department", doc["department"],
                 "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == normalise(doc)


@pytest.mark.django_db
def test_the_seed_is_stored_without_a_form_and_reads_back_as_v1_byte_for_byte(seed_doc):
    result = report_import(doc=seed_doc)
    declaration = result.declaration
    assert declaration.form_version is None
    document = report_document(declaration=declaration)
    assert document["schema"] == SCHEMA_V1
    assert dumps(document) == dumps(normalise(seed_doc))
    assert form_for_declaration(declaration) == core_forms.presets()["f1-isehara"]
    assert report_import(doc=seed_doc).action == "unchanged"


@pytest.mark.django_db
def test_a_v2_report_that_v1_can_say_reads_back_as_v1(seed_doc):
    result = report_import(doc=upgrade(seed_doc))
    assert report_document(declaration=result.declaration) == normalise(seed_doc)
    assert report_import(doc=seed_doc).action == "unchanged"


@pytest.mark.django_db
def test_naming_the_seeds_preset_form_keeps_the_report_v1(seed_doc):
    doc = dict(upgrade(seed_doc), form={"code": "f1-isehara", "version": None})
    result = report_import(doc=doc)
    assert result.declaration.form_version.form.code == "f1-isehara"
    assert report_document(declaration=result.declaration) == normalise(seed_doc)


@pytest.mark.django_db
def test_sengen_import_of_a_v2_file_stores_it(tmp_path):
    out = io.StringIO()
    call_command("import", str(V2 / "f2-kankyo-achievement.json"), stdout=out, stderr=io.StringIO())
    declaration = Declaration.objects.get()
    assert declaration.form_version.form.code == "f2-sengensha"
    assert [i.grade_code for i in declaration.initiatives.order_by("position")] == ["達成基準どおり", "達成基準をやや下回る"]


@pytest.mark.django_db
def test_every_v2_field_lands_in_its_column(fixture_forms):
    report_import(doc=_fixture("f6-toshi-interim.json"))
    report_import(doc=_fixture("f3-seisaku-unnumbered.json"))
    f6 = Declaration.objects.get(department__name="都市整備部")
    assert f6.declared_on.isoformat() == "2023-04-20" and f6.unit_kind == ""
    first = f6.initiatives.get(number=1)
    assert first.remarks == ["上半期の利用は前年同期比で１２％増えています。"]
    target = first.targets.get()
    assert target.relative == {"change_percent": 20, "baseline": {"value": 40000, "unit": "回"}}
    assert target.interim_status == "on_track"
    f3 = Declaration.objects.get(department__name="市長政策室")
    assert f3.unit_kind == "室" and f3.preamble == [{"label": "平成26年度重要事業", "items": [], "sdgs": []}]
    assert f3.form_version.version == 2
    second = f3.initiatives.get(position=1)
    assert second.number is None and second.extra == [{"label": "関係課", "items": ["子育て支援課", "広報課"]}]
    assert initiative_document(initiative=second) == normalise(_fixture("f3-seisaku-unnumbered.json"))["initiatives"][1]


# Matching on re-import ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_unnumbered_initiatives_are_matched_by_position_on_reimport(fixture_forms):
    first = report_import(doc=_fixture("f3-seisaku-unnumbered.json")).declaration
    pks = list(first.initiatives.order_by("position").values_list("pk", flat=True))
    doc = _fixture("f3-seisaku-unnumbered.json")
    doc["initiatives"][1]["results"] = ["冬号も発行しました。"]
    again = report_import(doc=doc)
    assert again.action == "updated"
    assert list(again.declaration.initiatives.order_by("position").values_list("pk", flat=True)) == pks
    assert report_document(declaration=again.declaration) == normalise(doc)
    # One fewer: the last position goes, the first keeps its row.
    del doc["initiatives"][1]
    report_import(doc=doc)
    assert list(first.initiatives.values_list("pk", flat=True)) == pks[:1]


# Refusals: nothing stored --------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("change", "path", "said"), [
    (lambda d: d.update(form={"code": "no-such-form", "version": 1}), "$.form", "no-such-form"),
    (lambda d: d.update(form={"code": "f2-sengensha", "version": 7}), "$.form", "第7版"),
    (lambda d: d["initiatives"][1].update(grade="たいへんよい"), "$.initiatives[1].grade", "たいへんよい"),
    (lambda d: d.update(form={"code": "f3-seisaku", "version": None}), "$.initiatives[0].grade", "評価しません"),
])
def test_an_unknown_form_version_or_grade_is_refused_and_nothing_is_stored(change, path, said):
    doc = _fixture("f2-kankyo-achievement.json")
    change(doc)
    before = _counts()
    with pytest.raises(ReportError) as refused:
        report_import(doc=doc)
    assert refused.value.path == path and said in refused.value.message
    assert _counts() == before


@pytest.mark.django_db
def test_an_initiative_grade_may_be_written_as_its_label():
    doc = _fixture("f2-kankyo-achievement.json")
    scale = GradingScale.objects.get(code="criteria-4")
    grade = scale.grades.get(code="達成基準どおり")
    grade.code, grade.label = "B", "達成基準どおり"
    grade.save()
    result = report_import(doc=doc)
    assert result.declaration.initiatives.get(number=1).grade_code == "達成基準どおり"


# A report keeps its form ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_report_keeps_its_form_version_when_the_form_gets_a_new_one():
    declaration = report_import(doc=_fixture("f2-kankyo-achievement.json")).declaration
    before_doc = report_document(declaration=declaration)
    before_form = form_for_declaration(declaration)
    preset = Form.objects.get(municipality__isnull=True, code="f2-sengensha")
    FormVersion.objects.create(form=preset, version=2,
                               definition=_definition("f2-sengensha", "f2-sengensha", name="改訂した様式"))
    declaration = Declaration.objects.get(pk=declaration.pk)
    assert report_document(declaration=declaration) == before_doc
    assert form_for_declaration(declaration) == before_form
    assert form_for_declaration(declaration).name != "改訂した様式"
    # A report naming the form without a version is made with its latest.
    doc = _fixture("f2-kankyo-achievement.json")
    doc["form"]["version"] = None
    doc["department"] = "市民部"
    later = report_import(doc=doc).declaration
    assert later.form_version.version == 2
    assert form_for_declaration(later).name == "改訂した様式"
    assert report_document(declaration=later)["form"] == {"code": "f2-sengensha", "version": 2}


@pytest.mark.django_db
def test_a_city_form_of_a_preset_code_wins_over_the_preset():
    own = _city_form("f2-sengensha", "f2-sengensha")
    declaration = report_import(doc=_fixture("f2-kankyo-achievement.json")).declaration
    assert declaration.form_version.form == own


@pytest.mark.django_db
def test_a_report_naming_no_form_gets_its_citys_form(seed_doc):
    city = Municipality.objects.create(name=seed_doc["municipality"])
    assert form_for_municipality(city) == core_forms.presets()["f1-isehara"]
    city.form = Form.objects.get(municipality__isnull=True, code="f4-minamiashigara")
    city.save()
    assert form_for_municipality(city) == core_forms.presets()["f4-minamiashigara"]
    declaration = report_import(doc=seed_doc).declaration
    assert declaration.form_version.form.code == "f4-minamiashigara"
    document = report_document(declaration=declaration)
    assert document["form"] == {"code": "f4-minamiashigara", "version": 1}
    assert report_import(doc=document).action == "unchanged"


@pytest.mark.django_db
def test_an_empty_grade_reason_reads_back_as_none_and_the_report_is_unchanged():
    doc = _fixture("f2-kankyo-achievement.json")
    doc["initiatives"][1]["grade_reason"] = ""
    report_import(doc=copy.deepcopy(doc))
    assert report_import(doc=doc).action == "unchanged"


# What migrate writes is no data to protect -------------------------------------------------------

@pytest.mark.django_db
def test_the_preset_forms_the_migration_writes_are_no_data_but_a_citys_form_is():
    from sengen.declarations.backup import database_has_data

    assert not database_has_data()
    preset = Form.objects.get(municipality__isnull=True, code="f2-sengensha")
    changed = FormVersion.objects.create(form=preset, version=2,
                                         definition=_definition("f2-sengensha", "f2-sengensha", name="改訂"))
    assert database_has_data()
    changed.delete()
    assert not database_has_data()
    Form.objects.create(municipality=None, code="f9-own", name="他の様式")  # not a preset
    assert database_has_data()


@pytest.mark.django_db
def test_the_form_cache_never_answers_for_another_row_under_the_same_id():
    # After a restore, or in a test's rolled-back database, an id can name another version.
    from sengen.declarations.forms import form_of_version

    version = _city_form("f9-own", "f2-sengensha").versions.get()
    assert form_of_version(version).name == "f9-own 第1版"
    FormVersion.objects.filter(pk=version.pk).update(definition=_definition("f4-minamiashigara", "f9-own"))
    assert form_of_version(FormVersion.objects.get(pk=version.pk)).unit_kind == \
        core_forms.presets()["f4-minamiashigara"].unit_kind
    assert form_of_version(FormVersion.objects.get(pk=version.pk)).name == core_forms.presets()["f4-minamiashigara"].name
