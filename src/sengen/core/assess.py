"""Reading a report's own judgement of each target: actual values, rates, evaluations.

The 目標達成状況 column speaks about the targets in prose. Each of its bullets is paired with
the target it talks about (by the subject both name, the unit of the numbers, and the
table's habit of keeping both columns in the same order); then the bullet's own words
judge the target, and a number in the target's unit that is neither a date, nor a change
(``1,266人増``), nor the target restated (``目標の１２,０００人``) is the actual value.
Where the text says nothing, nothing is proposed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sengen.core.numbers import NumberMention, decimal_to_json
from sengen.core.targets import TargetAnalysis, achievement_rate, analyse_target, meets, quantities

# The report's own judgement, in the order they are tried: "概ね…できました" is partial, and
# "…しましたが、…には至りませんでした" is not achieved even though it says しました.
JUDGEMENTS: tuple[tuple[str, re.Pattern], ...] = (
    ("partially_achieved", re.compile(r"概ね|おおむね|一部")),
    ("not_achieved", re.compile(
        r"至りませんでした|達しませんでした|届きませんでした|未達成|達成(?:することが)?できませんでした"
        )),
    ("achieved", re.compile(
        r"目標(?:どおり|通り)|計画(?:どおり|通り)|目標を達成|達成(?:しました|することができました|できました)")),
)
# "目標（の１２,０００人）を上回りました / 下回りました" judges by the target's direction:
# below a lower-is-better target is a success.
_RELATIVE_RE = re.compile(r"目標[^。、]{0,20}?を(?P<way>上回|下回)")
_ALL_TARGETS_RE = re.compile(r"いずれも|全ての目標|すべての目標|各目標")
# A number directly followed by one of these is a change, not a level.
_DELTA_AFTER_RE = re.compile(r"\s*(?:の)?(?:増|減|アップ|ダウン|上昇|低下|伸び)")
# …and one right after 目標 restates the target.
_RESTATED_BEFORE_RE = re.compile(r"目標(?:値)?(?:の|である|は|:|：)?\s*$")
_FINAL_RE = re.compile(r"^\s*(?:と|に)(?:なり|達し)|^\s*(?:でした|です|を達成|を記録)")
# Bigrams of these words say nothing about which target a bullet is about.
_STOP_BIGRAMS = frozenset({"目標", "達成", "状況", "時点"})


def judgement(text: str, direction: str | None = "higher") -> str | None:
    for evaluation, pattern in JUDGEMENTS:
        if pattern.search(text):
            return evaluation
    m = _RELATIVE_RE.search(text)
    if m:
        above = m.group("way") == "上回"
        return "achieved" if above == (direction != "lower") else "not_achieved"
    return None


def _bigrams(text: str) -> set[str]:
    """Bigrams inside runs of kanji, katakana and Latin letters: the words that name a subject.
    Hiragana, digits and punctuation carry grammar and numbers, not subjects."""
    grams = set()
    for run in re.findall(r"[\u4e00-\u9fff\u3005\u30a0-\u30ffA-Za-z\uff21-\uff5a]+", text):
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    return grams - _STOP_BIGRAMS


def _similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@dataclass
class _Bullet:
    index: int
    text: str
    norm: str
    numbers: list[NumberMention]
    grams: set[str]


def _bullets(texts: list[str]) -> list[_Bullet]:
    out = []
    for i, text in enumerate(texts):
        norm, numbers = quantities(text)
        out.append(_Bullet(i, text, norm, numbers, _bigrams(_strip_numbers(norm))))
    return out


def _strip_numbers(norm: str) -> str:
    return re.sub(r"\d[\d,.]*", " ", norm)


def _pair(bullets: list[_Bullet], analyses: list[TargetAnalysis], target_grams: list[set[str]]) -> dict[int, list[int]]:
    """Which bullets speak about which target (target index → bullet indexes)."""
    pairs: dict[int, list[int]] = {j: [] for j in range(len(analyses))}
    if not analyses:
        return pairs
    if len(analyses) == 1:
        pairs[0] = [b.index for b in bullets]
        return pairs
    same_shape = len(bullets) == len(analyses)
    scores = []
    for b in bullets:
        for j, analysis in enumerate(analyses):
            score = _similarity(b.grams, target_grams[j])
            if same_shape and b.index == j:
                score += 0.15
            if analysis.metric and any(n.unit == analysis.metric.unit for n in b.numbers):
                score += 0.3
            scores.append((score, b.index, j))
    scores.sort(key=lambda s: (-s[0], s[1], s[2]))
    taken_b: set[int] = set()
    taken_t: set[int] = set()
    for score, bi, j in scores:
        if bi in taken_b or j in taken_t or score <= 0:
            continue
        pairs[j].append(bi)
        taken_b.add(bi)
        taken_t.add(j)
    # More bullets than targets: the rest go to the target each resembles most.
    for score, bi, j in scores:
        if bi not in taken_b and score > 0:
            pairs[j].append(bi)
            taken_b.add(bi)
    for b in bullets:
        if _ALL_TARGETS_RE.search(b.norm) and judgement(b.norm):
            for j in pairs:
                if b.index not in pairs[j]:
                    pairs[j].append(b.index)
    return pairs


def _actual_candidates(bullet: _Bullet, unit: str) -> list[NumberMention]:
    out = []
    for n in bullet.numbers:
        if n.unit != unit:
            continue
        if _DELTA_AFTER_RE.match(bullet.norm, n.end):
            continue
        if _RESTATED_BEFORE_RE.search(bullet.norm[max(0, n.start - 6):n.start]):
            continue
        out.append(n)
    return out


def _best_actual(candidates: list[tuple[_Bullet, NumberMention]]) -> NumberMention | None:
    """The level the report states: a number introduced by ：, or closing with となりました,
    or else the last one written."""
    if not candidates:
        return None
    for bullet, n in candidates:
        before = bullet.norm[max(0, n.start - 2):n.start]
        if re.search(r"[::]\s*$", before) or _FINAL_RE.match(bullet.norm, n.end):
            return n
    return candidates[-1][1]


def assess(targets: list[str], status: list[str], results: list[str] = (), *,
           fiscal_year: int | None = None) -> list[dict]:
    """``sengen.report/1`` target objects for one initiative's target bullets, judged by its
    目標達成状況 bullets (and, for actual values only, its 取組結果 bullets)."""
    analyses = [analyse_target(t, fiscal_year=fiscal_year) for t in targets]
    target_grams = [_bigrams(_strip_numbers(quantities(t)[0])) for t in targets]
    status_b = _bullets(list(status))
    pairs = _pair(status_b, analyses, target_grams)
    results_b = _bullets(list(results))
    out = []
    for j, (text, analysis) in enumerate(zip(targets, analyses, strict=True)):
        mine = [status_b[i] for i in sorted(pairs[j])]
        words = [judgement(b.norm, analysis.direction) for b in mine]
        words = [w for w in words if w]
        actual = None
        if analysis.metric is not None:
            unit = analysis.metric.unit
            others = {i for k, idx in pairs.items() if k != j for i in idx
                      if analyses[k].metric is not None and analyses[k].metric.unit == unit}
            pool = [(b, n) for b in mine for n in _actual_candidates(b, unit)]
            if not pool:
                pool = [(b, n) for b in status_b if b.index not in others for n in _actual_candidates(b, unit)]
            if not pool and sum(1 for a in analyses if a.metric and a.metric.unit == unit) == 1:
                pool = [(b, n) for b in results_b for n in _actual_candidates(b, unit)]
            actual = _best_actual(pool)
        rate = None
        if actual is not None:
            rate = achievement_rate(analysis.metric.value, actual.value, analysis.direction)
        if words:
            # Worst judgement wins when several bullets speak about one target.
            order = ["not_achieved", "partially_achieved", "achieved"]
            evaluation = min(words, key=order.index)
        elif actual is not None:
            evaluation = "achieved" if meets(analysis.metric.value, actual.value, analysis.direction) \
                else "not_achieved"
        else:
            evaluation = "not_evaluated"
        out.append({
            "text": text,
            "metric": analysis.metric.as_json() if analysis.metric else None,
            "due": analysis.due_iso,
            "actual": actual.quantity.as_json() if actual else None,
            "achievement_rate": None if rate is None else decimal_to_json(rate),
            "evaluation": evaluation,
            "grade": None,
        })
    return out
