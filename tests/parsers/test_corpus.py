"""Reports nobody tuned the parser on read back to their expected data.

Each ``tests/fixtures/reports/NAME.txt`` is the input and ``NAME.json`` beside it the
expected ``sengen.report/1``. Most texts are laid out by ``make_text.py`` (an independent
model of a word processor's table and a PDF-to-text tool, with per-report column widths in
``layouts.json``); the ones not listed there were written by hand in other extraction
styles. A known parser gap is marked ``xfail(strict=True)`` with what exactly goes wrong,
so fixing the parser turns the mark into a failure that asks for its removal.
"""

from __future__ import annotations

import importlib.util
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from sengen.parsers import parse_path

from .compare import differences, load_expected

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORTS = FIXTURES / "reports"
SEED = FIXTURES / "seed" / "h29-shiminseikatsu-achievement"


def _make_text():
    spec = importlib.util.spec_from_file_location("make_text", REPORTS / "make_text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_text = _make_text()
LAYOUTS = make_text.load_layouts()

# Fixture name → why the parser does not read it yet (strict xfail).
KNOWN_GAPS: dict[str, str] = {}

NAMES = sorted(p.stem for p in REPORTS.glob("*.txt"))


def _param(name: str):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[name])] if name in KNOWN_GAPS else []
    return pytest.param(name, id=name, marks=marks)


def test_every_text_has_its_expected_data():
    assert NAMES, "no fixtures found"
    for name in NAMES:
        assert (REPORTS / f"{name}.json").is_file(), f"{name}.txt has no {name}.json"


@pytest.mark.parametrize("name", [_param(n) for n in NAMES])
def test_report_text_parses_to_its_expected_data(name):
    got = parse_path(REPORTS / f"{name}.txt")
    assert differences(got, load_expected(REPORTS / f"{name}.json")) == []


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_generated_text_is_what_the_generator_makes_of_its_data(name):
    """The committed .txt is regenerated from its .json: editing one without the other fails here."""
    doc = json.loads((REPORTS / f"{name}.json").read_text(encoding="utf-8"))
    assert (REPORTS / f"{name}.txt").read_text(encoding="utf-8") == make_text.render(doc, LAYOUTS[name])


def test_generator_lays_the_seed_out_so_that_it_reads_back_as_the_seed(tmp_path):
    """End-to-end check of the layout model: the seed's data in the seed's layout parses to the seed."""
    doc = json.loads(SEED.with_suffix(".json").read_text(encoding="utf-8"))
    path = tmp_path / "seed.txt"
    path.write_text(make_text.render(doc, make_text.SEED_LAYOUT), encoding="utf-8")
    assert differences(parse_path(path), load_expected(SEED.with_suffix(".json"))) == []


def _lower_is_better(text: str) -> bool:
    return any(word in text for word in ("以下", "未満", "以内"))


@pytest.mark.parametrize("name", NAMES)
def test_expected_rates_follow_from_target_and_actual(name):
    """The expected data is consistent with itself: rate = actual / target (target / actual
    where lower is better), rounded half up to 4 places, and only where both are stated."""
    doc = load_expected(REPORTS / f"{name}.json")
    for initiative in doc["initiatives"]:
        for target in initiative["targets"]:
            metric, actual, rate = target["metric"], target["actual"], target["achievement_rate"]
            if metric is None or actual is None:
                assert rate is None, target["text"]
                continue
            assert actual["unit"] == metric["unit"], target["text"]
            m, a = Decimal(str(metric["value"])), Decimal(str(actual["value"]))
            want = m / a if _lower_is_better(target["text"]) else a / m
            assert Decimal(str(rate)) == want.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), target["text"]


@pytest.mark.parametrize("name", NAMES)
def test_a_declaration_carries_no_results(name):
    doc = load_expected(REPORTS / f"{name}.json")
    if doc["document"] != "declaration":
        return
    for initiative in doc["initiatives"]:
        assert initiative["results"] == initiative["future_direction"] == initiative["achievement_status"] == []
        for target in initiative["targets"]:
            assert (target["actual"], target["achievement_rate"], target["evaluation"]) == (None, None, "not_evaluated")
