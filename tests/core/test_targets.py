"""Reading what a target promises."""

from decimal import Decimal

import pytest

from sengen.core.numbers import Quantity
from sengen.core.targets import achievement_rate, analyse_target, meets


@pytest.mark.parametrize("text, kind, value, unit, direction, due", [
    ("平成２９年度末時点のくらし安心メール登録目標：１２,０００人", "numeric", 12000, "人", "higher", "2018-03-31"),
    ("くらし安心メール追加メニュー目標：５種類", "numeric", 5, "種類", "higher", None),
    ("平成２９年１０月のコンビニ交付サービス稼動", "milestone", None, None, None, "2017-10"),
    ("大田ふれあいセンターと大田公民館の機能統合に対しての住民の合意形成", "qualitative", None, None, None, None),
    ("（仮称）第２次男女共同参画プランの策定", "milestone", None, None, None, None),
    ("特定健診受診率７０％以上", "numeric", 70, "％", "higher", None),
    ("待機児童数２０人以下", "numeric", 20, "人", "lower", None),
    ("通報から補修までの平均日数：５日以内", "numeric", 5, "日", "lower", None),
    ("ごみ排出量を１人１日あたり８００ｇまで削減", "numeric", 800, "g", "lower", None),
    ("ふるさと納税寄附額２億５,０００万円", "numeric", 250000000, "円", "higher", None),
    ("令和３年度末までに避難所３０か所へ備蓄品を配備（現状値：１２か所）", "numeric", 30, "か所", "higher",
     "2022-03-31"),
])
def test_analyse_target(text, kind, value, unit, direction, due):
    a = analyse_target(text)
    assert a.kind == kind
    assert a.metric == (Quantity(Decimal(value), unit) if value is not None else None)
    assert a.direction == direction
    assert a.due_iso == due


def test_baseline_is_not_the_target():
    a = analyse_target("自主防災訓練の参加者　現状値：８,０００人→目標：１万人")
    assert a.metric == Quantity(Decimal(10000), "人")
    assert a.baseline == Quantity(Decimal(8000), "人")


def test_a_year_in_the_text_is_not_a_metric():
    a = analyse_target("平成３０年度における維持管理計画の作成")
    assert a.metric is None and a.kind == "milestone"


@pytest.mark.parametrize("target, actual, direction, rate", [
    (12000, 11820, "higher", Decimal("0.9850")),
    (14500, 13055, "higher", Decimal("0.9003")),
    (20, 25, "lower", Decimal("0.8000")),
    (0, 5, "higher", None),
])
def test_achievement_rate(target, actual, direction, rate):
    assert achievement_rate(Decimal(target), Decimal(actual), direction) == rate


def test_meets_respects_direction():
    assert meets(Decimal(100), Decimal(100), "higher")
    assert not meets(Decimal(100), Decimal(99), "higher")
    assert meets(Decimal(20), Decimal(18), "lower")
    assert not meets(Decimal(20), Decimal(21), "lower")


# --- relative targets (sengen.report/2's relative): a promised change, not a figure

@pytest.mark.parametrize("text, percent, direction, baseline", [
    ("延べ回数を2割増やす", 20, "higher", None),
    ("公園愛護会の登録団体数を前年度比１０％増", 10, "higher", None),
    ("窓口の利用者数を1.2倍にする", 20, "higher", None),
    ("不法投棄の件数を半減させる", -50, "lower", None),
    ("紙の申請書を半分にする", -50, "lower", None),
    ("管理不全の空き家を３割削減する", -30, "lower", None),
    ("コミュニティバスの延べ利用回数を現状値の４万回から２割増やす", 20, "higher", Quantity(Decimal(40000), "回")),
    ("前年度の１２０件から３割増やす", 30, "higher", Quantity(Decimal(120), "件")),
])
def test_a_relative_target_states_its_change_and_no_absolute_metric(text, percent, direction, baseline):
    a = analyse_target(text)
    assert a.kind == "numeric" and a.metric is None and a.direction == direction
    assert a.relative is not None and a.relative.change_percent == Decimal(percent)
    assert a.relative.baseline == baseline == a.baseline


@pytest.mark.parametrize("text", ["２割の世帯に届ける", "特定健診受診率７０％以上", "くらし安心メール追加メニュー目標：５種類"])
def test_a_share_or_an_absolute_figure_is_not_relative(text):
    assert analyse_target(text).relative is None
