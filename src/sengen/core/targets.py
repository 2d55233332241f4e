"""What a target (達成目標) promises, read from its text as written.

``analyse_target`` proposes the metric, direction, baseline and due date; it never rewrites
the text and returns None for whatever the text does not state. A relative target
(「延べ回数を2割増やす」, 「前年度比10％増」, 「1.2倍にする」, 「半減」) promises a change, not a figure:
its ``relative`` holds the change in percent (sengen.report/2's ``relative.change_percent``) and
its ``metric`` stays None. Staff confirm or correct
the proposal, so the rules favour saying nothing over guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sengen.core.eras import Due, find_dates, nfkc, parse_due
from sengen.core.numbers import NumberMention, Quantity, find_numbers, join_wrapped_numbers

KINDS = ("numeric", "milestone", "qualitative")

# Words that name an event: a target made of one of these is done when it happens.
_EVENT_WORDS = (
    "策定", "作成", "開設", "開館", "開所", "開始", "稼動", "稼働", "完成", "完了", "設置", "立ち上げ",
    "実施", "導入", "公開", "開催", "整備", "改修", "供用", "着工", "着手", "竣工", "締結", "発行",
    "施行", "制定", "改定", "改訂", "移転", "統合", "運用", "配置", "創設", "設立", "オープン",
)
_LOWER_AFTER = ("以下", "以内", "未満")
_LOWER_WORDS = re.compile(r"(?:まで|に)(?:削減|減少|抑制|低減|引き下げ|減ら)")


# A change is only relative when a word of change follows it: 「2割」 alone (「2割の世帯」) is a share.
_UP = r"(?:以上)?の?(?:増|アップ|向上|伸ば|引き上げ|引上げ|拡大|上昇)"
_DOWN = r"(?:以上)?の?(?:減|削減|カット|低減|抑制|引き下げ|引下げ|縮減|縮小)"
_HALVED = re.compile(r"半減|半分(?:以下)?(?:に|へ|まで)")
_BASELINE_LABEL = re.compile(r"(?:現状|現在|基準|実績|前年度?|昨年度?)(?:値)?(?:の|は|:)?\s*$")


@dataclass(frozen=True)
class Relative:
    """A promised change: ``change_percent`` +20 for 「2割増やす」, −50 for 「半減」, over
    ``baseline`` where the text states the figure it starts from."""
    change_percent: Decimal
    baseline: Quantity | None


@dataclass(frozen=True)
class TargetAnalysis:
    kind: str  # numeric | milestone | qualitative
    metric: Quantity | None
    direction: str | None  # higher | lower (numeric targets only)
    baseline: Quantity | None
    due: Due | None
    relative: Relative | None = None  # a relative target: metric is None

    @property
    def due_iso(self) -> str | None:
        return self.due.iso if self.due else None


def _masked(text: str) -> str:
    """``text`` with every date replaced by spaces, so 平成29年 is not read as 29 of something."""
    chars = list(text)
    for mention in find_dates(text):
        for i in range(mention.start, mention.end):
            chars[i] = " "
    return "".join(chars)


def quantities(text: str) -> tuple[str, list[NumberMention]]:
    """NFKC text (numbers rejoined) and the numbers with a unit in it, dates excluded."""
    norm = join_wrapped_numbers(nfkc(text))
    return norm, [m for m in find_numbers(_masked(norm)) if m.unit]


def _pick_metric(norm: str, found: list[NumberMention]) -> tuple[NumberMention | None, NumberMention | None]:
    """(target, baseline). The target is the number labelled 目標 or the last one; a number
    labelled 現状/基準, or one before an arrow, is the baseline."""
    if not found:
        return None, None
    baseline = None
    for m in found:
        before = norm[max(0, m.start - 8):m.start]
        if re.search(r"(?:現状|現在|基準|実績)(?:値)?[^目]*$", before):
            baseline = m
    for i, m in enumerate(found[:-1]):
        between = norm[m.end:found[i + 1].start]
        if re.search(r"[→⇒➡]|から", between):
            baseline = baseline or m
    for m in found:
        before = norm[max(0, m.start - 6):m.start]
        if re.search(r"目標(?:値)?\s*[::]?\s*$", before):
            return m, baseline if baseline is not m else None
    candidates = [m for m in found if m is not baseline]
    return (candidates[-1] if candidates else None), baseline


def _change(norm: str, found: list[NumberMention]) -> tuple[Decimal, NumberMention | None] | None:
    """(change in percent, the mention that states it) where ``norm`` promises a relative change."""
    for m in found:
        after = norm[m.end:m.end + 8].lstrip()
        value, unit = m.quantity.value, m.quantity.unit
        if unit in ("割", "％") and m.qualifier is None:
            sign = 1 if re.match(_UP, after) else -1 if re.match(_DOWN, after) else 0
            if sign:
                return sign * value * (10 if unit == "割" else 1), m
        if unit == "倍" and value > 0 and re.match(r"(?:に|へ|化|増|以上)", after):
            return (value - 1) * 100, m
    if _HALVED.search(norm):
        return Decimal(-50), None
    return None


def _relative_baseline(norm: str, found: list[NumberMention], change: NumberMention | None) -> Quantity | None:
    """The figure a change starts from: labelled 現状値/前年度…, or followed by から/より/比."""
    end = change.start if change else len(norm)
    for m in reversed([m for m in found if m is not change and m.end <= end]):
        if (_BASELINE_LABEL.search(norm[max(0, m.start - 8):m.start])
                or re.match(r"\s*(?:から|より|比)", norm[m.end:m.end + 4])):
            return m.quantity
    return None


def analyse_target(text: str, *, fiscal_year: int | None = None) -> TargetAnalysis:
    """Propose kind, metric, direction, baseline and due date for one target as written."""
    norm, found = quantities(text)
    change = _change(norm, found)
    if change is not None:
        percent, mention = change
        baseline = _relative_baseline(norm, found, mention)
        return TargetAnalysis(kind="numeric", metric=None, direction="lower" if percent < 0 else "higher",
                              baseline=baseline, due=parse_due(norm, fiscal_year=fiscal_year),
                              relative=Relative(percent.normalize() + 0, baseline))
    metric_m, baseline_m = _pick_metric(norm, found)
    due = parse_due(norm, fiscal_year=fiscal_year)
    if metric_m is not None:
        after = norm[metric_m.end:metric_m.end + 12]
        lower = metric_m.qualifier in _LOWER_AFTER or bool(_LOWER_WORDS.match(after.lstrip()))
        return TargetAnalysis(
            kind="numeric",
            metric=metric_m.quantity,
            direction="lower" if lower else "higher",
            baseline=baseline_m.quantity if baseline_m else None,
            due=due,
        )
    stripped = re.sub(r"[。\s]+$", "", norm)
    is_event = due is not None or stripped.endswith(_EVENT_WORDS)
    return TargetAnalysis(kind="milestone" if is_event else "qualitative", metric=None, direction=None,
                          baseline=None, due=due)


def achievement_rate(target: Decimal, actual: Decimal, direction: str | None) -> Decimal | None:
    """actual / target for higher-is-better, target / actual for lower-is-better, to 4 places.

    None where the ratio means nothing (a zero denominator)."""
    if direction == "lower":
        if actual == 0:
            return None
        rate = target / actual
    else:
        if target == 0:
            return None
        rate = actual / target
    return rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def meets(target: Decimal, actual: Decimal, direction: str | None) -> bool:
    return actual <= target if direction == "lower" else actual >= target
