"""The report's own judgement of each target."""

from sengen.core.assess import assess, judgement


def test_judgement_words():
    assert judgement("目標どおり策定することができました。") == "achieved"
    assert judgement("概ね目標どおり実施できました。") == "partially_achieved"
    assert judgement("作成に着手しましたが、公開には至りませんでした。") == "not_achieved"
    assert judgement("交付数は目標に達しませんでした。") == "not_achieved"
    assert judgement("説明会等による合意形成に努めました。") is None


def test_changes_are_not_actual_values():
    [t] = assess(["平成２９年度末時点の登録目標：１２,０００人"],
                 ["平成28年度は前年度比で445人の増であったものが、平成29年度は1,266人増の11,820人となりました。"])
    assert t["actual"] == {"value": 11820, "unit": "人"}
    assert t["achievement_rate"] == 0.985
    assert t["evaluation"] == "not_achieved"


def test_a_restated_target_is_not_an_actual_value():
    [t] = assess(["登録目標：１２,０００人"], ["目標の１２,０００人を下回りました。"])
    assert t["actual"] is None
    assert t["evaluation"] == "not_achieved"


def test_numbers_meeting_the_target_are_achieved_when_the_words_say_nothing():
    [t] = assess(["相談件数２０件以下"], ["相談件数は１８件でした。"])
    assert t["actual"] == {"value": 18, "unit": "件"}
    assert t["evaluation"] == "achieved"


def test_bullets_pair_with_the_targets_they_name_whatever_the_order():
    targets = ["男女共同参画ホームページの作成", "（仮称）第２次男女共同参画プランの策定"]
    status = ["第２次男女共同参画プランは、目標どおり策定することができました。",
              "男女共同参画ホームページは作成に着手しましたが、公開には至りませんでした。"]
    got = assess(targets, status)
    assert [t["evaluation"] for t in got] == ["not_achieved", "achieved"]


def test_the_unit_pairs_a_number_with_its_target():
    targets = ["講座の開催目標：１２回", "講座の参加者目標：３００人"]
    status = ["講座の参加者は３２０人、開催は１０回でした。"]
    got = assess(targets, status)
    assert got[0]["actual"] == {"value": 10, "unit": "回"}
    assert got[1]["actual"] == {"value": 320, "unit": "人"}
    assert [t["evaluation"] for t in got] == ["not_achieved", "achieved"]


def test_silence_is_not_evaluated():
    got = assess(["市民周知", "審議会の立ち上げ"], ["改修事業計画の作成には至らず、検討を重ねることとしました。"])
    assert {t["evaluation"] for t in got} == {"not_evaluated"}
    assert all(t["actual"] is None for t in got)


def test_above_or_below_the_target_depends_on_its_direction():
    assert judgement("目標の１２,０００人を上回りました。") == "achieved"
    assert judgement("目標の２０件を下回りました。", "lower") == "achieved"
    assert judgement("目標の２０件を上回りました。", "lower") == "not_achieved"
