"""Numbers as Japanese reports write them: ``１２,０００人``, ``２億５,０００万円``, ``１万人``,
``７０％以上``, ``７２．５％``, and a number cut across two lines by a PDF's line wrap.

Everything is read from NFKC-normalised text (full-width digits and ％ become ASCII) and
values are ``Decimal`` so that 72.5 % stays 72.5 and money never becomes a float.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_MULTIPLIERS = {"兆": Decimal(10) ** 12, "億": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(1000)}

# Counters and units, longest first so that 種類 wins over 種 and 人日 over 人.
UNITS = tuple(sorted({
    "人", "名", "枚", "件", "円", "%", "種類", "回", "か所", "ヶ所", "箇所", "カ所", "ケ所", "校", "団体",
    "世帯", "台", "本", "冊", "時間", "日", "人日", "社", "事業", "事業所", "品目", "戸", "施設", "店舗", "部", "個", "基",
    "棟", "区画", "路線", "地区", "年", "か月", "ヶ月", "カ月", "ポイント", "倍", "割", "分", "秒", "km",
    "m", "m2", "m3", "ha", "t", "kg", "g", "kW", "kWh", "L", "トン", "ヘクタール", "平方メートル",
    "メートル", "キロメートル", "件数", "人分", "講座", "教室", "園", "床", "頭", "匹", "羽", "両", "便",
    "席", "組", "隻", "機", "点", "項目", "町内会", "自治会", "商店", "宿", "泊",
}, key=len, reverse=True))

QUALIFIERS = ("以上", "以下", "以内", "未満", "超", "程度", "前後", "台")

# Thousands separators must group by three, so that a list "1,2" is not read as 12.
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# A PDF's line wrap can cut a number: "１２,\n０００人". Rejoin before reading.
_WRAPPED_RE = re.compile(r"(?<=[\d,.])[ \t\u3000]*\n\s*(?=[\d,.])")
_NUMBER_RE = re.compile(
    rf"(?<![\d.])(?P<num>(?:{_DIGITS}\s*[兆億万千])*(?:{_DIGITS})?)"
)
_UNIT_RE = re.compile(r"\s*(?P<unit>" + "|".join(re.escape(u) for u in UNITS) + r")")
# A counter the list does not know (品目, 事業所, コース): a short kanji word, or a katakana
# word, right after the number and ending where the grammar resumes.
_COUNTER_RE = re.compile(r"\s*(?P<unit>[\u4e00-\u9fff]{1,3}(?![\u4e00-\u9fff])|[\u30a1-\u30fa\u30fc]{2,8}(?![\u30a1-\u30fa\u30fc]))")
_NOT_COUNTER = frozenset("年月日度次第号条項")
_QUALIFIER_RE = re.compile(r"\s*(?P<q>" + "|".join(QUALIFIERS[:-1]) + r")")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def join_wrapped_numbers(text: str) -> str:
    """Remove line breaks that cut a number in two ("１２,\n０００" → "１２,０００")."""
    return _WRAPPED_RE.sub("", text)


def canonical_unit(unit: str) -> str:
    """Units are stored as Japanese documents write them: NFKC turned ％ into %, turn it back."""
    return "％" if unit == "%" else unit


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str

    def as_json(self) -> dict:
        return {"value": decimal_to_json(self.value), "unit": self.unit}


@dataclass(frozen=True)
class NumberMention:
    """One number in NFKC text, with its unit (``""`` when none follows) and qualifier."""

    start: int
    end: int
    value: Decimal
    unit: str
    qualifier: str | None  # 以上 / 以下 / 以内 / 未満 / 超 / 程度 / 前後

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.value, self.unit)


def decimal_to_json(value: Decimal) -> int | float:
    """12000 stays an integer in JSON; 72.5 becomes a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def format_rate(rate) -> str:
    """An achievement rate as every page prints it: 0.985 → 98.5%; 0.9003 → 90.0% (one
    decimal, as reports round). The public and the staff pages call this one function, so the
    same target never reads 98 % on one and 98.5 % on the other."""
    if rate is None:
        return ""
    return f"{(Decimal(str(rate)) * 100).quantize(Decimal('0.1'))}%"


def _plain(number: str) -> Decimal:
    cleaned = re.sub(r"[,\s]", "", number)
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not a number: {number!r}") from None


def _value(num: str) -> Decimal:
    total = Decimal(0)
    rest = num
    for m in re.finditer(rf"({_DIGITS})\s*([兆億万千])", num):
        total += _plain(m.group(1)) * _MULTIPLIERS[m.group(2)]
        rest = num[m.end():]
    rest = rest.strip()
    if rest:
        total += _plain(rest)
    return total


def find_numbers(text: str) -> list[NumberMention]:
    """All numbers in ``text``, which must already be NFKC with wrapped numbers rejoined
    (offsets refer to it). Units come back canonical (``％``)."""
    found = []
    for m in _NUMBER_RE.finditer(text):
        num = m.group("num")
        if not num or not re.search(r"\d", num):
            continue
        end = m.end("num")
        if text[max(0, m.start("num") - 1):m.start("num")] == "第":
            continue  # 第2次 is an ordinal, not a quantity
        unit = ""
        u = _UNIT_RE.match(text, end) or _COUNTER_RE.match(text, end)
        if u and not (u.re is _COUNTER_RE and u.group("unit")[0] in _NOT_COUNTER):
            unit = canonical_unit(u.group("unit"))
            end = u.end()
        qualifier = None
        q = _QUALIFIER_RE.match(text, end)
        if q:
            qualifier = q.group("q")
            end = q.end()
        try:
            value = _value(num)
        except ValueError:
            continue
        found.append(NumberMention(m.start("num"), end, value, unit, qualifier))
    return found

