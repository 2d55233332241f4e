"""What a target (達成目標) promises, read from its text as written.

``analyse_target`` proposes the metric, direction, baseline and due date; it never rewrites
the text and returns None for whatever the text does not state. Staff confirm or correct
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


@dataclass(frozen=True)
class TargetAnalysis:
    kind: str  # numeric | milestone | qualitative
    metric: Quantity | None
    direction: str | None  # higher | lower (numeric targets only)
    baseline: Quantity | None
    due: Due | None

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


def analyse_target(text: str, *, fiscal_year: int | None = None) -> TargetAnalysis:
    """Propose kind, metric, direction, baseline and due date for one target as written."""
    norm, found = quantities(text)
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
