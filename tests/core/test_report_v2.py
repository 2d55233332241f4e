"""sengen.report/2: the fields other cities' forms need, and moving between /1 and /2."""

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sengen.core import limits
from sengen.core.report import (
    SCHEMA_V1,
    SCHEMA_V2,
    ReportError,
    downgrade,
    dumps,
    fits_v1,
    loads,
    normalise,
    simplest,
    upgrade,
)

from .documents import refusal

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "seed" / "h29-shiminseikatsu-achievement.json"
V2 = sorted((FIXTURES / "v2").glob("*.json"))


def _read(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def f2():
    return _read(FIXTURES / "v2" / "f2-kankyo-achievement.json")


@pytest.mark.parametrize("path", V2, ids=lambda p: p.name)
def test_each_v2_example_normalises_stays_v2_and_round_trips(path):
    doc = normalise(_read(path))
    assert doc["schema"] == SCHEMA_V2
    assert not fits_v1(doc) and simplest(doc) == doc
    text = dumps(doc)
    assert dumps(loads(text)) == text
    with pytest.raises(ReportError):
        downgrade(doc)


def test_v2_defaults_make_equal_reports_compare_equal(f2):
    """A producer that omits the /2 defaults and one that writes them give the same document."""
    full = normalise(f2)
    assert normalise(full) == full
    init = full["initiatives"][0]
    assert init["background"] == [] and init["sdgs"] == [] and init["extra"] == [] and init["grade_reason"]
    assert init["targets"][0]["relative"] is None and init["targets"][0]["interim_status"] is None


def test_f2_initiative_grade_and_preamble_are_kept_as_written(f2):
    doc = normalise(f2)
    assert doc["preamble"][0]["label"] == "部の使命・方針" and doc["preamble"][0]["sdgs"] == [11, 12]
    assert doc["initiatives"][1]["grade"] == "達成基準をやや下回る"
    assert doc["initiatives"][1]["targets"][0]["relative"] == {"change_percent": 10, "baseline": None}


def test_f3_unnumbered_items_are_identified_by_position():
    doc = normalise(_read(FIXTURES / "v2" / "f3-seisaku-unnumbered.json"))
    assert [i["number"] for i in doc["initiatives"]] == [None, None]
    assert doc["unit_kind"] == "室"
    assert doc["initiatives"][1]["extra"] == [{"label": "関係課", "items": ["子育て支援課", "広報課"]}]


def test_the_seed_is_still_written_as_v1_byte_for_byte():
    seed = _read(SEED)
    assert fits_v1(seed)
    assert dumps(simplest(seed)) == dumps(seed)
    up = upgrade(seed)
    assert up["schema"] == SCHEMA_V2 and fits_v1(up)
    assert downgrade(up) == normalise(seed) and simplest(up) == normalise(seed)


def test_a_v1_document_cannot_leave_a_number_out():
    seed = _read(SEED)
    seed["initiatives"][0]["number"] = None
    with pytest.raises(ReportError) as err:
        normalise(seed)
    assert err.value.path == "$.initiatives[0].number"


def test_downgrade_names_the_first_field_v1_cannot_say():
    up = upgrade(_read(SEED))
    up["initiatives"][2]["targets"][0]["interim_status"] = "on_track"
    up["initiatives"][3]["remarks"] = ["備考"]
    with pytest.raises(ReportError) as err:
        downgrade(up)
    assert err.value.path == "$.initiatives[2].targets[0].interim_status"
    assert "sengen.report/1 では表せません" in err.value.message


@pytest.mark.parametrize("mutate, path, words", [
    (lambda d: d.update(preambel=[]), "$", "sengen.report/2 にない項目です: 'preambel'"),
    (lambda d: d["initiatives"][0].update(self_evalution=["x"]), "$.initiatives[0]", "'self_evalution'"),
    (lambda d: d["initiatives"][0]["targets"][0].update(interim="on_track"), "$.initiatives[0].targets[0]",
     "'interim'"),
    (lambda d: d.update(director="部長"), "$.director", "オブジェクト"),
    (lambda d: d.update(unit_kind=""), "$.unit_kind", "空でない"),
    (lambda d: d.update(unit_kind="課" * (limits.MAX_UNIT_CHARS + 1)), "$.unit_kind", "50文字まで"),
    (lambda d: d.update(declared_on="平成27年5月1日"), "$.declared_on", "YYYY-MM-DD"),
    (lambda d: d.update(declared_on="2015-02-30"), "$.declared_on", "YYYY-MM-DD"),
    (lambda d: d.update(declared_on="20150501"), "$.declared_on", "YYYY-MM-DD"),
    (lambda d: d.update(form={"version": 1}), "$.form", "'code'"),
    (lambda d: d.update(form={"code": "f2", "version": 0}), "$.form.version", "1以上"),
    (lambda d: d.update(form={"code": "f2", "version": True}), "$.form.version", "真偽値"),
    (lambda d: d.update(preamble={"label": "方針"}), "$.preamble", "配列"),
    (lambda d: d["preamble"][0].update(sdgs=[18]), "$.preamble[0].sdgs[0]", "1〜17"),
    (lambda d: d["preamble"][0].update(sdgs=[3, 3]), "$.preamble[0].sdgs[1]", "重複"),
    (lambda d: d["preamble"][0].update(label=""), "$.preamble[0].label", "空でない"),
    (lambda d: d["preamble"][0].update(label="見" * (limits.MAX_NAME_CHARS + 1)), "$.preamble[0].label",
     "200文字まで"),
    (lambda d: d["preamble"][0]["items"].append("あ" * (limits.MAX_LINE_CHARS + 1)), "$.preamble[0].items[2]",
     "2,000文字まで"),
    (lambda d: d.update(preamble=[{"label": "x"}] * (limits.MAX_ITEMS + 1)), "$.preamble", "100個まで"),
    (lambda d: d["initiatives"][0].update(number="1"), "$.initiatives[0].number", "整数か null"),
    (lambda d: d["initiatives"][1].update(number=1), "$.initiatives", "重複"),
    (lambda d: d["initiatives"][0].update(background="現状"), "$.initiatives[0].background", "配列"),
    (lambda d: d["initiatives"][0].update(partners=[1]), "$.initiatives[0].partners[0]", "文字列"),
    (lambda d: d["initiatives"][0].update(grade=3), "$.initiatives[0].grade", "文字列"),
    (lambda d: d["initiatives"][0].update(grade_reason=["理由"]), "$.initiatives[0].grade_reason", "配列"),
    (lambda d: d["initiatives"][0].update(sdgs=[0]), "$.initiatives[0].sdgs[0]", "1〜17"),
    (lambda d: d["initiatives"][0].update(sdgs=[True]), "$.initiatives[0].sdgs[0]", "真偽値"),
    (lambda d: d["initiatives"][0].update(plan_refs=["策" * (limits.MAX_NAME_CHARS + 1)]),
     "$.initiatives[0].plan_refs[0]", "200文字まで"),
    (lambda d: d["initiatives"][0].update(extra=[{"items": ["x"]}]), "$.initiatives[0].extra[0]", "'label'"),
    (lambda d: d["initiatives"][0].update(extra=[{"label": "列", "items": [], "sdgs": [1]}]),
     "$.initiatives[0].extra[0]", "'sdgs'"),
    (lambda d: d["initiatives"][0].update(targets=""), "$.initiatives[0].targets", "配列"),
    (lambda d: d["initiatives"][1]["targets"][0].update(relative={"baseline": None}),
     "$.initiatives[1].targets[0].relative", "'change_percent'"),
    (lambda d: d["initiatives"][1]["targets"][0].update(relative={"change_percent": "2割"}),
     "$.initiatives[1].targets[0].relative.change_percent", "数値"),
    (lambda d: d["initiatives"][1]["targets"][0].update(relative={"change_percent": float("inf")}),
     "$.initiatives[1].targets[0].relative.change_percent", "有限"),
    (lambda d: d["initiatives"][1]["targets"][0].update(relative={"change_percent": 10**20}),
     "$.initiatives[1].targets[0].relative.change_percent", "18桁"),
    (lambda d: d["initiatives"][1]["targets"][0].update(relative={"change_percent": 5, "baseline": {"unit": "回"}}),
     "$.initiatives[1].targets[0].relative.baseline", "'value'"),
    (lambda d: d["initiatives"][1]["targets"][0].update(interim_status="概ね順調"),
     "$.initiatives[1].targets[0].interim_status", "on_track"),
])
def test_v2_fields_are_refused_where_they_stand(f2, mutate, path, words):
    doc = copy.deepcopy(f2)
    mutate(doc)
    refusal(doc, path, words, 300)


_text = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                min_size=1, max_size=20).filter(lambda s: s.strip())


@given(st.lists(st.fixed_dictionaries({
    "title": _text,
    "content": st.lists(_text, max_size=2),
    "targets": st.lists(st.fixed_dictionaries({"text": _text}), max_size=2),
}), max_size=4), st.booleans())
def test_v1_and_v2_move_into_each_other_without_loss(initiatives, numbered):
    v1 = {"schema": SCHEMA_V1, "fiscal_year": 2021, "document": "declaration", "department": "総務部",
          "initiatives": [dict(i, number=n + 1) for n, i in enumerate(initiatives)]}
    up = upgrade(v1)
    assert downgrade(up) == normalise(v1) and upgrade(downgrade(up)) == up
    if not numbered and initiatives:
        up["initiatives"][0]["number"] = None
        assert not fits_v1(up) and simplest(up) == normalise(up)


@pytest.mark.parametrize("form", [{"code": "f2-sengensha"}, {"code": "f2-sengensha", "version": None}])
def test_a_form_named_without_version_means_its_latest(form):
    # What a reader writes: it knows the form by its labels, never the version (the importer resolves it).
    doc = {"schema": "sengen.report/2", "fiscal_year": 2015, "document": "declaration", "department": "環境部",
           "director": {"title": "環境部長", "name": ""}, "form": form, "initiatives": []}
    assert normalise(doc)["form"] == {"code": "f2-sengensha", "version": None}
