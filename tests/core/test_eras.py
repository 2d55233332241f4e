"""Eras and fiscal years, both ways."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sengen.core.eras import (
    Due,
    era_of,
    find_dates,
    fiscal_year_end,
    fiscal_year_label,
    fiscal_year_of,
    nfkc,
    parse_due,
    parse_fiscal_year,
    parse_iso_due,
)


@pytest.mark.parametrize("label, year", [
    ("平成２９年度", 2017),
    ("平成29年度", 2017),
    ("平成 29 年度", 2017),
    ("令和元年度", 2019),
    ("令和２年度", 2020),
    ("平成元年度", 1989),
    ("昭和６３年度", 1988),
    ("平成31年度", 2019),  # written before the new era was named
    ("2017年度", 2017),
    ("H29年度", 2017),
    ("R3年度", 2021),
])
def test_parse_fiscal_year(label, year):
    assert parse_fiscal_year(label) == year


@pytest.mark.parametrize("bad", ["", "平成年度", "今年度", "令和百年度", "明日"])
def test_parse_fiscal_year_rejects_what_is_not_one(bad):
    with pytest.raises(ValueError):
        parse_fiscal_year(bad)


@pytest.mark.parametrize("year, label", [
    (2017, "平成29年度"),
    (2018, "平成30年度"),
    (2019, "令和元年度"),  # 31 December 2019 is in 令和, though April 2019 was 平成
    (2020, "令和2年度"),
    (1989, "平成元年度"),
    (1988, "昭和63年度"),
])
def test_fiscal_year_label_takes_the_era_of_31_december(year, label):
    assert fiscal_year_label(year) == label


@given(st.integers(min_value=1927, max_value=2100))
def test_fiscal_year_label_round_trips(year):
    assert parse_fiscal_year(fiscal_year_label(year)) == year


def test_dates_keep_their_own_era():
    assert era_of(dt.date(2019, 4, 30)) == ("平成", 31)
    assert era_of(dt.date(2019, 5, 1)) == ("令和", 1)
    assert era_of(dt.date(1989, 1, 7)) == ("昭和", 64)
    assert era_of(dt.date(1989, 1, 8)) == ("平成", 1)
    # The same dates written in their era, as the reports write them, through the reader
    # production uses (parse_due; sengen never writes a date in an era itself).
    assert parse_due("平成31年4月30日") == Due(dt.date(2019, 4, 30), "day")
    assert parse_due("令和元年5月1日") == Due(dt.date(2019, 5, 1), "day")
    assert parse_due("平成31年4月") == Due(dt.date(2019, 4, 1), "month")
    assert parse_due("令和元年度末") == Due(dt.date(2020, 3, 31), "fiscal_year_end")
    assert f"{fiscal_year_label(fiscal_year_of(dt.date(2020, 3, 31)))}末" == "令和元年度末"
    assert _written_in_era(dt.date(2019, 5, 1)) == "令和元年5月1日"


def _written_in_era(day: dt.date) -> str:
    """2019-05-01 → 令和元年5月1日, as a city writes a date (the test's writer: sengen has none)."""
    era, n = era_of(day)
    return f"{era}{'元' if n == 1 else n}年{day.month}月{day.day}日"


@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_written_date_reads_back_as_itself(day):
    due = parse_due(_written_in_era(day))
    assert due == Due(day, "day")


@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_fiscal_year_of_and_its_end(day):
    fy = fiscal_year_of(day)
    assert dt.date(fy, 4, 1) <= day <= fiscal_year_end(fy)


@pytest.mark.parametrize("text, iso, precision", [
    ("平成２９年１０月のコンビニ交付サービス稼動", "2017-10", "month"),
    ("平成２９年度末時点のくらし安心メール登録目標：１２,０００人", "2018-03-31", "fiscal_year_end"),
    ("平成31年4月からの新たな大田公民館開館", "2019-04", "month"),
    ("令和元年１０月１日の開設", "2019-10-01", "day"),
    ("令和３年度中の公開", "2022-03-31", "fiscal_year_end"),
    ("2020年3月末までに整備", "2020-03-31", "day"),
    ("H30年度末までに策定", "2019-03-31", "fiscal_year_end"),
])
def test_parse_due(text, iso, precision):
    due = parse_due(text)
    assert due.iso == iso and due.precision == precision


@pytest.mark.parametrize("text", ["住民の合意形成", "平成29年度は前年度比で増加", "５種類", "平成２９年２月３０日"])
def test_parse_due_says_nothing_where_the_text_gives_no_deadline(text):
    assert parse_due(text) is None


def test_year_end_without_an_era_needs_the_reports_fiscal_year():
    assert parse_due("年度末までに作成") is None
    assert parse_due("年度末までに作成", fiscal_year=2017) == Due(dt.date(2018, 3, 31), "fiscal_year_end")


def test_find_dates_ignores_numbers_that_are_not_years():
    text = nfkc("登録目標：１２,０００人、平成２９年度末")
    mentions = find_dates(text)
    assert len(mentions) == 1 and mentions[0].fiscal_year == 2017


@pytest.mark.parametrize("iso", ["2017-10", "2018-03-31", "2020-02-29"])
def test_iso_due_round_trips(iso):
    assert parse_iso_due(iso).iso == iso


@pytest.mark.parametrize("bad", ["2017", "2017-13", "2017/10/01", "2019-02-29"])
def test_iso_due_rejects_bad_values(bad):
    with pytest.raises(ValueError):
        parse_iso_due(bad)
