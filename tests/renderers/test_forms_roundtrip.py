"""Every preset form's report, written by sengen (JSON, XLSX, PDF), parses back to itself.

The reports: tests/fixtures/v2's F2 example as it is, its F3 example named in the F3 preset's code
(the example names a code of its own), and the F4 and F7 documents written for these tests; the
seed for F1. What a reader cannot know from a printed table is not asked of it: the form's
version (a table prints none) and what the reader infers (metrics, evaluations) are compared
after both sides went through the same normalisation.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from sengen.core.forms import presets
from sengen.core.report import normalise
from sengen.renderers import render

from .helpers import load_seed

V2 = Path(__file__).resolve().parents[1] / "fixtures" / "v2"


def _load(name: str) -> dict:
    return json.loads((V2 / name).read_text(encoding="utf-8"))


def _f3() -> dict:
    doc = _load("f3-seisaku-unnumbered.json")
    doc["form"] = {"code": "f3-seisaku", "version": 1}
    # The example keeps the heading above the table as a preamble block; the F3 form prints its
    # own heading (〇 {fiscal_year_label}重要事業), so the report needs none.
    doc["preamble"] = []
    return doc


def _f2() -> dict:
    doc = _load("f2-kankyo-achievement.json")
    # What the F2 form has no place for: a reason beside the grade, plan references, SDG tags on
    # its mission block. sengen still prints them (columns of their own, a tags line; see
    # test_fields_the_form_lacks_come_back_under_their_labels), but as any column a form does not
    # know they read back as ``extra``, not as the field.
    for initiative in doc["initiatives"]:
        initiative.pop("grade_reason", None)
        initiative.pop("plan_refs", None)
    doc["preamble"][0].pop("sdgs")
    return doc


REPORTS = {
    "f2-sengensha": _f2,
    "f3-seisaku": _f3,
    "f4-minamiashigara": lambda: _load("f4-minamiashigara-declaration.json"),
    "f7-tsubame": lambda: _load("f7-tsubame-achievement.json"),
}


def test_every_preset_has_a_report_here():
    assert set(REPORTS) | {"f1-isehara"} == set(presets())


# What a table does not print, so no reader can give it back: the form's version, and per target
# what the reader works out from the text itself (it gives its own reading, as for the seed).
INFERRED = ("metric", "due", "actual", "achievement_rate", "evaluation", "relative")


def _comparable(doc: dict) -> dict:
    doc = copy.deepcopy(normalise(doc))
    if doc.get("form"):
        doc["form"] = {"code": doc["form"]["code"]}
    for initiative in doc["initiatives"]:
        for target in initiative["targets"]:
            for key in INFERRED:
                target.pop(key, None)
    return doc


def _parse(data: bytes, suffix: str) -> dict:
    from sengen.parsers import parse_bytes

    return parse_bytes(data, source=f"roundtrip.{suffix}")


@pytest.mark.parametrize("code", sorted(REPORTS))
def test_json_export_parses_back_identical(code):
    doc = normalise(REPORTS[code]())
    assert _parse(render(doc, "json"), "json") == doc


@pytest.mark.parametrize("code", sorted(REPORTS))
@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_export_parses_back_to_the_report(code, fmt):
    doc = normalise(REPORTS[code]())
    back = _parse(render(doc, fmt, form=presets()[code]), fmt)
    assert back.get("form", {}).get("code") == code
    assert _comparable(back) == _comparable(doc)


@pytest.mark.parametrize("fmt", ["json", "xlsx", "pdf"])
def test_seed_export_parses_back_as_before(fmt):
    """F1: the seed exports as /1 and reads back as /1, in every format."""
    seed = load_seed()
    back = _parse(render(seed, fmt), fmt)
    assert back["schema"] == "sengen.report/1"
    assert back == normalise(seed) if fmt == "json" else _comparable(back) == _comparable(seed)


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_fields_the_form_lacks_come_back_under_their_labels(fmt):
    """Nothing a report says is dropped from its table: F2's form has no column for a grade's
    reason or plan references, so sengen prints columns of their own, and they read back."""
    doc = normalise(_load("f2-kankyo-achievement.json"))
    back = _parse(render(doc, fmt), fmt)
    extra = {e["label"]: e["items"] for i in back["initiatives"] for e in i["extra"]}
    assert extra["評価の理由"] == [doc["initiatives"][0]["grade_reason"]]
    assert list(extra) == ["評価の理由", "総合計画の施策"]


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_municipality_travels_in_the_file(fmt):
    """These forms print the city's name nowhere in the table: it travels in the file's author
    (XLSX creator, PDF author: 「架空市 産業振興部長 渡辺 健太」)."""
    doc = normalise(REPORTS["f7-tsubame"]())
    assert _parse(render(doc, fmt), fmt)["municipality"] == "架空市"


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_full_width_fiscal_year_label_kept(fmt):
    """Text as written: a full-width 令和５年度 in the title comes back full-width."""
    doc = normalise(REPORTS["f7-tsubame"]())
    doc["fiscal_year_label"] = "令和５年度"
    assert _parse(render(doc, fmt), fmt)["fiscal_year_label"] == "令和５年度"


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_citys_own_form_round_trips(fmt):
    """A form that is no preset (themes with SDG tags, its own interim words in a per-target
    column, a heading part, an extra column), given to the writer and the reader alike."""
    from sengen.core.forms import form_from_dict
    from sengen.parsers import parse_bytes

    from .test_forms_render import _custom_definition, _custom_doc

    form = form_from_dict(_custom_definition())
    doc = normalise({**_custom_doc(), "unit_kind": "部"})
    back = parse_bytes(render(doc, fmt, form=form), source=f"own.{fmt}", forms=[form])
    assert back["form"]["code"] == "kasou-keiei"
    assert _comparable(back) == _comparable(doc)
