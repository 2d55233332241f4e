"""The shipped JSON Schemas agree with normalise, the code that defines the format."""

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

jsonschema = pytest.importorskip("jsonschema")

from sengen.core.report import ReportError, normalise, upgrade  # noqa: E402
from sengen.core.schemas import schema, schema_path  # noqa: E402

from .documents import json_paths  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
V1_FILES = sorted(p for p in FIXTURES.rglob("*.json")
                  if json.loads(p.read_text(encoding="utf-8")).get("schema") == "sengen.report/1")
V2_FILES = sorted((FIXTURES / "v2").glob("*.json"))


def _validator(version):
    return jsonschema.Draft202012Validator(schema(version))


def test_both_schemas_are_valid_draft_2020_12_and_shipped_in_the_package():
    for version in (1, 2):
        jsonschema.Draft202012Validator.check_schema(schema(version))
        assert str(schema_path(version)).endswith(f"src/sengen/core/schemas/sengen.report-{version}.schema.json")


def test_every_v1_fixture_and_the_seed_validate_against_v1():
    assert any(p.name == "h29-shiminseikatsu-achievement.json" for p in V1_FILES) and len(V1_FILES) > 20
    v1 = _validator(1)
    for path in V1_FILES:
        doc = json.loads(path.read_text(encoding="utf-8"))
        v1.validate(doc)
        v1.validate(normalise(doc))
        _validator(2).validate(upgrade(doc))


@pytest.mark.parametrize("path", V2_FILES, ids=lambda p: p.name)
def test_the_v2_examples_validate_against_v2_and_not_v1(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    _validator(2).validate(doc)
    _validator(2).validate(normalise(doc))
    assert not _validator(1).is_valid(doc)


# Documents normalise accepts, built from pieces of the /2 examples; then mutated.
_text = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                min_size=1, max_size=12).filter(lambda s: s.strip())
_quantity = st.fixed_dictionaries({"value": st.integers(-10**9, 10**9) | st.floats(-1e6, 1e6),
                                   "unit": st.sampled_from(["人", "回", "％", ""])})
_target = st.fixed_dictionaries({"text": _text}, optional={
    "metric": st.none() | _quantity,
    "due": st.none() | st.sampled_from(["2017-10", "2018-03-31"]),
    "evaluation": st.sampled_from(["achieved", "not_evaluated"]),
    "relative": st.none() | st.fixed_dictionaries({"change_percent": st.integers(-100, 300)},
                                                  optional={"baseline": st.none() | _quantity}),
    "interim_status": st.sampled_from([None, "on_track", "needs_effort", "at_risk"]),
})
_initiative = st.fixed_dictionaries({"title": _text}, optional={
    "number": st.none() | st.integers(0, 10**6),
    "content": st.lists(_text, max_size=2),
    "targets": st.lists(_target, max_size=2),
    "background": st.lists(_text, max_size=2),
    "grade": st.none() | _text.filter(lambda s: len(s) <= 50),
    "sdgs": st.lists(st.integers(1, 17), max_size=3, unique=True),
    "extra": st.lists(st.fixed_dictionaries({"label": _text, "items": st.lists(_text, max_size=2)}), max_size=2),
})
_doc = st.fixed_dictionaries({
    "schema": st.just("sengen.report/2"), "fiscal_year": st.integers(2000, 2030),
    "document": st.sampled_from(["declaration", "interim_report", "achievement_report"]),
    "department": _text, "initiatives": st.lists(_initiative, max_size=3),
}, optional={
    "unit_kind": st.none() | st.sampled_from(["部", "課", "室"]),
    "declared_on": st.none() | st.dates().map(lambda d: f"{d:%Y-%m-%d}").filter(lambda s: len(s) == 10),
    "preamble": st.lists(st.fixed_dictionaries({"label": _text}, optional={
        "sdgs": st.lists(st.integers(1, 17), max_size=2, unique=True)}), max_size=2),
})

# Mutations that put a wrong value where the schema defines the field.
_WRONG = [7, "x", [1], {"a": 1}, 1.5, True, -3, 18, "on_track?", ""]


def _set(doc, path, value):
    doc = copy.deepcopy(doc)
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


@settings(max_examples=150, deadline=None)
@given(_doc, st.data())
def test_what_normalise_accepts_validates_and_what_the_schema_refuses_normalise_refuses(raw, data):
    # Unique numbers: duplicates are what normalise refuses and no schema can say.
    numbers = [i.get("number") for i in raw["initiatives"] if i.get("number") is not None]
    if len(numbers) != len(set(numbers)):
        return
    v2, v1 = _validator(2), _validator(1)
    doc = normalise(raw)
    v2.validate(raw)
    v2.validate(doc)
    # A mutation: a wrong value somewhere, or a /1 document carrying a null number.
    paths = [p for p in json_paths(raw) if p]
    path = data.draw(st.sampled_from(paths))
    mutated = _set(raw, path, data.draw(st.sampled_from(_WRONG)))
    try:
        normalise(mutated)
        accepted = True
    except ReportError:
        accepted = False
    if not v2.is_valid(mutated):
        assert not accepted, (path, mutated)
    if accepted:
        v2.validate(mutated)
    as_v1 = dict(raw, schema="sengen.report/1")
    try:
        normalise(as_v1)
    except ReportError:
        pass
    else:
        v1.validate(as_v1)
