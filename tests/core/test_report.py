"""sengen.report/1: validation and JSON both ways."""

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sengen.core.report import ReportError, dumps, loads, normalise

from .documents import refusal

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
    (lambda d: d.update(schema="sengen.report/3"), "$.schema"),
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


# Lone surrogates (Cs) are no text a report can hold: normalise refuses them (below).
_text = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                min_size=1, max_size=30).filter(lambda s: s.strip())


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


# --- issue 9.4: what normalise refuses, each at its JSON path with the limit and what was found

from sengen.core import limits  # noqa: E402


@pytest.mark.parametrize("mutate, path, words", [
    (lambda d: d["initiatives"][0].update(title="\ud800"), "$.initiatives[0].title", "U+D800"),
    (lambda d: d["initiatives"][0]["content"].__setitem__(0, "ok\udfff"), "$.initiatives[0].content[0]", "3文字目"),
    (lambda d: d.update(department="市民\ud83d部"), "$.department", "U+D83D"),
    (lambda d: d["initiatives"][0].update(number=10**30), "$.initiatives[0].number", "20桁を超える整数"),
    (lambda d: d["initiatives"][0].update(number=2**63 - 1), "$.initiatives[0].number", "2,147,483,647以下"),
    (lambda d: d["initiatives"][0].update(number=-1), "$.initiatives[0].number", "-1"),
    (lambda d: d.update(fiscal_year=10**30), "$.fiscal_year", "20桁を超える整数"),
    (lambda d: d.update(fiscal_year=1800), "$.fiscal_year", "1800"),
    (lambda d: d["initiatives"][1]["targets"][1]["metric"].update(value=10**30),
     "$.initiatives[1].targets[1].metric.value", "18桁"),
    (lambda d: d["initiatives"][1]["targets"][1]["metric"].update(value=1e300),
     "$.initiatives[1].targets[1].metric.value", "1e+300"),
    (lambda d: d["initiatives"][1]["targets"][1]["metric"].update(value=float("nan")),
     "$.initiatives[1].targets[1].metric.value", "有限"),
    (lambda d: d["initiatives"][1]["targets"][1].update(achievement_rate=10**10),
     "$.initiatives[1].targets[1].achievement_rate", "10桁"),
    (lambda d: d["initiatives"][0]["content"].__setitem__(0, "あ" * (limits.MAX_LINE_CHARS + 1)),
     "$.initiatives[0].content[0]", f"{limits.MAX_LINE_CHARS:,}文字までです（{limits.MAX_LINE_CHARS + 1:,}文字"),
    (lambda d: d["initiatives"][0].update(title="題" * (limits.MAX_NAME_CHARS + 1)),
     "$.initiatives[0].title", f"{limits.MAX_NAME_CHARS}文字まで"),
    (lambda d: d.update(department="部" * (limits.MAX_NAME_CHARS + 1)), "$.department", "201文字あります"),
    (lambda d: d["director"].update(name="名" * (limits.MAX_NAME_CHARS + 1)), "$.director.name", "200文字まで"),
    (lambda d: d.update(municipality="市" * (limits.MAX_NAME_CHARS + 1)), "$.municipality", "200文字まで"),
    (lambda d: d["initiatives"][0].update(sections=["課" * (limits.MAX_NAME_CHARS + 1)]),
     "$.initiatives[0].sections[0]", "200文字まで"),
    (lambda d: d["initiatives"][1]["targets"][1]["metric"].update(unit="人" * (limits.MAX_UNIT_CHARS + 1)),
     "$.initiatives[1].targets[1].metric.unit", "50文字まで"),
    (lambda d: d["initiatives"][1]["targets"][1].update(grade="A" * (limits.MAX_UNIT_CHARS + 1)),
     "$.initiatives[1].targets[1].grade", "50文字まで"),
    (lambda d: d["initiatives"][1]["targets"][1].update(text="目" * (limits.MAX_LINE_CHARS + 1)),
     "$.initiatives[1].targets[1].text", "2,000文字まで"),
    (lambda d: d["initiatives"][0].update(results=["・"] * (limits.MAX_ITEMS + 1)),
     "$.initiatives[0].results", "項目は100個までです（101個あります）"),
    (lambda d: d["initiatives"][0].update(targets=[{"text": "t"}] * (limits.MAX_TARGETS + 1)),
     "$.initiatives[0].targets", "達成目標は50個までです（51個あります）"),
    (lambda d: d.update(initiatives=[dict(d["initiatives"][0], number=n) for n in range(limits.MAX_INITIATIVES + 1)]),
     "$.initiatives", "取組は100個までです（101個あります）"),
    (lambda d: d.update(initiatives=[dict(d["initiatives"][0], number=n, content=["あ" * 1900] * 30)
                                     for n in range(5)]),
     "$", "200,000文字までです（2"),
    (lambda d: d.update(fiscal_year=1926), "$.fiscal_year_label", "「平成29年度」は2017年度ですが、fiscal_year は 1926（昭和元年度）"),
    (lambda d: d.update(fiscal_year_label="令和2年度"), "$.fiscal_year_label", "2020年度ですが、fiscal_year は 2017"),
    (lambda d: d.update(fiscal_year_label="今年度"), "$.fiscal_year_label", "年度（例: 平成29年度、2017年度）がありません"),
    (lambda d: d.update(fiscal_year_label="平成999年度"), "$.fiscal_year_label", "がありません"),
    (lambda d: d.update(document=["declaration"]), "$.document", "配列"),
    (lambda d: d.update(schema="x" * 10_000), "$.schema", "…"),
])
def test_normalise_refuses_what_no_store_or_page_can_hold(seed, mutate, path, words):
    doc = copy.deepcopy(seed)
    mutate(doc)
    str(refusal(doc, path, words, 200)).encode("utf-8")  # the line itself can be printed


@pytest.mark.parametrize("year, label", [
    (2017, "平成29年度"), (2017, "平成２９年度"), (2019, "令和元年度"), (2019, "平成31年度"), (2017, "2017年度"),
    (2017, "２０１７年度"), (2017, "H29年度"), (1989, "昭和64年度"), (1989, "平成元年度"),
])
def test_normalise_takes_the_labels_real_reports_write(seed, year, label):
    doc = copy.deepcopy(seed)
    doc["fiscal_year"], doc["fiscal_year_label"] = year, label
    assert normalise(doc)["fiscal_year_label"] == label


def test_the_limits_themselves_are_accepted(seed):
    doc = copy.deepcopy(seed)
    doc["initiatives"] = [dict(doc["initiatives"][1], number=n, title="題" * limits.MAX_NAME_CHARS,
                               content=["あ" * 10] * (limits.MAX_ITEMS if n == 1 else 1),
                               targets=[{"text": "目" * 20, "metric": {"value": 10**18 - 1, "unit": "人"}}]
                               * (limits.MAX_TARGETS if n == 1 else 1))
                          for n in range(1, limits.MAX_INITIATIVES + 1)]
    assert len(normalise(doc)["initiatives"]) == limits.MAX_INITIATIVES


@pytest.mark.parametrize("text, words", [
    ('{"schema": "sengen.report/1", "department": "\\ud800"}', None),
    ("[" * 100_000 + "]" * 100_000, "入れ子が深すぎます"),
    ('{"fiscal_year": ' + "9" * 5000 + "}", "桁数が多すぎて"),
])
def test_loads_never_lets_a_python_error_out(text, words):
    with pytest.raises(ReportError) as err:
        loads(text, source="x.json")
    assert str(err.value).startswith("x.json: $")
    if words:
        assert words in str(err.value)
