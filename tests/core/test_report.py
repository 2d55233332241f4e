"""sengen.report/1: validation and JSON both ways."""

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sengen.core.report import ReportError, dumps, loads, normalise

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "h29-shiminseikatsu-achievement.json"


@pytest.fixture
def seed():
    return json.loads(SEED.read_text(encoding="utf-8"))


def test_normalise_fills_every_target_field(seed):
    doc = normalise(seed)
    target = doc["initiatives"][0]["targets"][0]
    assert target == {"text": target["text"], "metric": None, "due": None, "actual": None,
                      "achievement_rate": None, "evaluation": "not_evaluated", "grade": None}


def test_dumps_loads_round_trip_is_byte_identical(seed):
    text = dumps(seed)
    assert dumps(loads(text)) == text
    assert loads(text.encode("utf-8")) == normalise(seed)


def test_text_is_never_rewritten(seed):
    doc = normalise(seed)
    assert doc["initiatives"][1]["targets"][1]["text"] == "平成２９年度末時点のくらし安心メール登録目標：１２,０００人"


@pytest.mark.parametrize("mutate, path", [
    (lambda d: d.update(schema="sengen.report/2"), "$.schema"),
    (lambda d: d.update(fiscal_year="2017"), "$.fiscal_year"),
    (lambda d: d.update(document="memo"), "$.document"),
    (lambda d: d["initiatives"][1]["targets"][1]["metric"].update(value="many"),
     "$.initiatives[1].targets[1].metric.value"),
    (lambda d: d["initiatives"][1]["targets"][1].update(due="H29"), "$.initiatives[1].targets[1].due"),
    (lambda d: d["initiatives"][3]["targets"][0].update(evaluation="great"),
     "$.initiatives[3].targets[0].evaluation"),
    (lambda d: d["initiatives"][0].pop("title"), "$.initiatives[0]"),
    (lambda d: d["initiatives"][0]["content"].append(3), "$.initiatives[0].content[1]"),
    (lambda d: d["initiatives"][1].update(number=1), "$.initiatives"),
])
def test_errors_say_where(seed, mutate, path):
    doc = copy.deepcopy(seed)
    mutate(doc)
    with pytest.raises(ReportError) as err:
        normalise(doc)
    assert err.value.path == path
    assert "\n" not in str(err.value)


def test_loads_names_the_file_on_bad_json():
    with pytest.raises(ReportError) as err:
        loads("{not json", source="x.json")
    assert str(err.value).startswith("x.json: $: JSON の文法に合いません: 1行目")


_text = st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=30).filter(lambda s: s.strip())


@given(st.lists(st.fixed_dictionaries({
    "title": _text,
    "content": st.lists(_text, max_size=3),
    "targets": st.lists(st.fixed_dictionaries({
        "text": _text,
        "metric": st.none() | st.fixed_dictionaries({"value": st.integers(0, 10**9), "unit": st.sampled_from(["人", "件", "％"])}),
        "evaluation": st.sampled_from(["achieved", "not_achieved", "partially_achieved", "not_evaluated"]),
    }), max_size=3),
}), max_size=5))
def test_any_valid_report_round_trips_through_json(initiatives):
    doc = {"schema": "sengen.report/1", "fiscal_year": 2020, "document": "achievement_report",
           "department": "総務部", "initiatives": [dict(i, number=n + 1) for n, i in enumerate(initiatives)]}
    text = dumps(doc)
    assert dumps(loads(text)) == text
    assert loads(text)["fiscal_year_label"] == "令和2年度"


def test_a_nul_character_is_refused_where_it_stands(seed):
    doc = copy.deepcopy(seed)
    doc["initiatives"][2]["content"][0] += "\x00"
    with pytest.raises(ReportError) as err:
        normalise(doc)
    assert err.value.path == "$.initiatives[2].content[0]"
