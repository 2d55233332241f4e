"""Japanese eras, fiscal years and the dates written in reports.

A fiscal year (年度) runs April–March and is stored as its Western start year. It is
*labelled* with the era in force on 31 December of that start year (FY2019 = 令和元年度,
although April 2019 was still 平成), whereas a date keeps the era of its own day
(平成31年4月 = 2019-04). Reports mix full-width and half-width digits, so everything
here reads NFKC-normalised text and never returns rewritten source text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# (name, first day). Older eras than 昭和 are kept only so that historic dates don't crash.
ERAS: tuple[tuple[str, dt.date], ...] = (
    ("明治", dt.date(1868, 10, 23)),
    ("大正", dt.date(1912, 7, 30)),
    ("昭和", dt.date(1926, 12, 25)),
    ("平成", dt.date(1989, 1, 8)),
    ("令和", dt.date(2019, 5, 1)),
)
_ERA_START = {name: start for name, start in ERAS}
# Abbreviations seen in tables: H29, R2, S63.
_ERA_INITIAL = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
ERA_NAMES = tuple(_ERA_START)

_ERA_ALT = "|".join(ERA_NAMES)
_YEAR = r"(?P<year>元|\d{1,4})"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def era_of(day: dt.date) -> tuple[str, int]:
    """The era in force on ``day`` and the year within it (1 = 元年)."""
    for name, start in reversed(ERAS):
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day.isoformat()} is before the eras this system knows (明治)")


def era_year_to_western(era: str, year: int) -> int:
    """``平成``, 29 → 2017. Years past an era's end are accepted: offices wrote 平成31年度 and
    even 平成32年 for dates after the change before the new era's name was known."""
    era = _ERA_INITIAL.get(era.upper(), era) if len(era) == 1 else era
    if era not in _ERA_START:
        raise ValueError(f"unknown era {era!r}; expected one of {', '.join(ERA_NAMES)}")
    if not 1 <= year <= 99:
        raise ValueError(f"{era}{year}年 is not a year of that era")
    return _ERA_START[era].year + year - 1


def _year_number(raw: str) -> int:
    return 1 if raw == "元" else int(raw)


def fiscal_year_label(year: int) -> str:
    """2017 → ``平成29年度``, 2019 → ``令和元年度`` (era on 31 December of the start year)."""
    era, n = era_of(dt.date(year, 12, 31))
    return f"{era}{'元' if n == 1 else n}年度"


def fiscal_year_end(year: int) -> dt.date:
    """年度末: 31 March of the calendar year after the start year."""
    return dt.date(year + 1, 3, 31)


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


_FY_RE = re.compile(
    rf"(?:(?P<era>{_ERA_ALT}|(?<![A-Za-z])[MTSHR](?=\d))\s*{_YEAR}|(?<!\d)(?P<western>\d{{4}}))\s*年\s*度"
)


def parse_fiscal_year(label: str) -> int:
    """``平成２９年度`` / ``令和元年度`` / ``2017年度`` → 2017-style start year."""
    text = nfkc(label)
    m = _FY_RE.search(text)
    if not m:
        raise ValueError(f"no fiscal year (such as 平成29年度 or 2017年度) in {label!r}")
    if m.group("western"):
        return int(m.group("western"))
    return era_year_to_western(m.group("era"), _year_number(m.group("year")))


@dataclass(frozen=True)
class Due:
    """When a target is due, with the precision the text gave it."""

    date: dt.date
    precision: str  # "day" | "month" | "fiscal_year_end"

    @property
    def iso(self) -> str:
        if self.precision == "month":
            return self.date.strftime("%Y-%m")
        return self.date.isoformat()


@dataclass(frozen=True)
class DateMention:
    """A date written in text (NFKC offsets) and what it means."""

    start: int
    end: int
    due: Due
    fiscal_year: int | None  # set when the mention names a fiscal year (…年度…)


_DATE_RE = re.compile(
    rf"(?:(?P<era>{_ERA_ALT}|(?<![A-Za-z])[HRS](?=\d))\s*(?P<eyear>元|\d{{1,2}})|(?<!\d)(?P<wyear>(?:19|20)\d{{2}}))"
    r"\s*年\s*(?:"
    r"(?P<fy>度)\s*(?P<fysuffix>末|中|内|まで)?"
    r"|(?P<month>\d{1,2})\s*月\s*(?:(?P<day>\d{1,2})\s*日|(?P<monthend>末))?"
    r")?"
)


def find_dates(text: str) -> list[DateMention]:
    """Every era or Western date in NFKC ``text``: 平成29年10月, 平成29年度末, 令和元年5月1日, 2018年3月."""
    mentions = []
    for m in _DATE_RE.finditer(text):
        try:
            if m.group("wyear"):
                year = int(m.group("wyear"))
            else:
                year = era_year_to_western(m.group("era"), _year_number(m.group("eyear")))
        except ValueError:
            continue
        if m.group("fy"):
            # A fiscal year named with 末/中/内/まで is due at its end; a bare 平成29年度 is a
            # period, not a deadline, so it carries no due date of its own.
            due = Due(fiscal_year_end(year), "fiscal_year_end") if m.group("fysuffix") else None
            mentions.append(DateMention(m.start(), m.end(), due, year))
            continue
        if not m.group("month"):
            # 平成29年 alone: a year mentioned, due nowhere in particular.
            mentions.append(DateMention(m.start(), m.end(), None, None))
            continue
        month = int(m.group("month"))
        if not 1 <= month <= 12:
            continue
        if m.group("day"):
            try:
                due = Due(dt.date(year, month, int(m.group("day"))), "day")
            except ValueError:
                continue
        elif m.group("monthend"):
            due = Due(dt.date(year, month, calendar.monthrange(year, month)[1]), "day")
        else:
            due = Due(dt.date(year, month, 1), "month")
        mentions.append(DateMention(m.start(), m.end(), due, None))
    return mentions


def parse_due(text: str, *, fiscal_year: int | None = None) -> Due | None:
    """The due date a target's text states, or None. ``年度末`` without an era refers to the
    report's own fiscal year, so it resolves only when ``fiscal_year`` is given."""
    norm = nfkc(text)
    for mention in find_dates(norm):
        if mention.due is not None:
            return mention.due
    if fiscal_year is not None and re.search(r"(?:本|今|当)?年度(?:末|中|内)", norm):
        return Due(fiscal_year_end(fiscal_year), "fiscal_year_end")
    return None


def parse_iso_due(text: str) -> Due:
    """``2017-10`` or ``2018-03-31`` (the report format's ``due``) back into a Due."""
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = map(int, text.split("-"))
        return Due(dt.date(year, month, 1), "month")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = dt.date.fromisoformat(text)
        precision = "fiscal_year_end" if (day.month, day.day) == (3, 31) else "day"
        return Due(day, precision)
    raise ValueError(f"not an ISO date or month: {text!r}")

