"""The text parser on layouts it was not tuned on: each test is one way a word processor's
ruled table, extracted to text, went wrong once (found by bench/text_robustness.py), laid out
small enough to read. Every text is what pdftotext-style tools give: each row column by
column, nothing marking where a column ends but the width of its lines."""

from __future__ import annotations

from sengen.core.text import compact
from sengen.parsers import parse_bytes


def _columns(text: str, number: int) -> dict[str, list[str]]:
    report = parse_bytes(text.encode("utf-8"), source="layout.txt")
    initiative = report["initiatives"][number - 1]
    return {role: [compact(b["text"] if isinstance(b, dict) else b) for b in initiative.get(role, [])]
            for role in ("content", "targets", "results", "future_direction", "achievement_status")}


# Columns 42/42/52 cells wide. Row 2's own best cut puts the results' 52-cell sentence among
# the targets (…進めています。 says neither plan nor outcome), which alone would make 達成目標
# 52 cells wide for every row.
ONE_ROW_CUT_WRONG = """\
平成３０年度 教育部長の目標宣言 達成状況報告
教育部長 中村 健一
N0.
取 組 名
（担当課名）
取 組 内 容  達 成 目 標
取組結果
今後の取組の方向性
目標達成状況
1 確かな学力の育成

（教育指導課）

・全国学力・学習状況調査の結果を分析し、各
校の授業改善に生かします。
・放課後の補充学習を全小学校で実施します。
・調査結果の分析に基づく各校の授業改善プラ
ンの作成
・補充学習の実施校数：全１５校
・全国学力・学習状況調査の結果を教科ごとに分析し、全
校で授業改善プランを作成しました。
・地域の学習支援ボランティアの協力を得て、放課後の補
充学習を実施しました。
［今後の取組の方向性］
・授業改善プランの実践状況を検証し、指導主事の学校訪
問による支援を継続します。

・授業改善プランは、目標ど
おり全校で作成することがで
きました。
・補充学習は、目標どおり全
小学校で実施できました。
2 学校施設の環境整備

（教育総務課）

・児童生徒が快適に学習できるよう、小中学校
の普通教室への空調設備の設置を進めます。
・学校トイレの洋式化を計画的に進めます。
・平成３１年６月の全普通教室への空調設備の
設置完了
・学校トイレの洋式化率：７０％以上
・中学校 5 校の空調設備の設置工事を完了し、小学校は夏
季休業中の完了に向けて工事を進めています。
・小学校 3 校でトイレの洋式化工事を実施しました。
［今後の取組の方向性］
・小学校の空調設備は、夏季休業前の設置完了を目指しま
す。
・トイレの洋式化は、避難所となる体育館を優先して進め
ます。

・空調設備の設置は、中学校
は完了しましたが、小学校は
工期の遅れにより目標の完了
には至りませんでした。
・トイレの洋式化率は 68.4%
となり、目標の 70% に届きま
せんでした。
3 公民館講座の充実

（生涯学習課）

・地域の課題や市民のニーズを踏まえた公民館
講座を企画し、学習機会の充実を図ります。
・公民館講座の参加者数：延べ１万２,０００
人
・地域の防災や子育てをテーマにした講座を新たに企画し、
全館で計 214 講座を開催しました。
［今後の取組の方向性］
・若い世代の参加を増やすため、土日や夜間の講座を拡充
します。

・公民館講座の参加者数は、
前年度から 320 人減の 11,540
人となり、目標を下回りまし
た。
 （担当課名）
 取組結果
今後の取組の方向性
目標達成状況
4 生涯スポーツの推進

（スポーツ課）

・東京２０２０オリンピック・パラリンピック
の開催を契機に、市民がスポーツに親しむ機会
を拡充します。
・総合型地域スポーツクラブの設立を支援しま
す。
・市民スポーツ大会の参加者数：５,０００人
・総合型地域スポーツクラブの設立
・市民スポーツ大会に新種目としてボッチャを加え、障が
いのある人もない人も参加できる大会としました。
・総合型地域スポーツクラブの設立準備委員会の立ち上げ
を支援しました。
［今後の取組の方向性］
・設立準備委員会への支援を継続し、平成 31 年度中のクラ
ブ設立を目指します。

・市民スポーツ大会の参加者
数は 5,380 人となり、目標を
上回りました。
・総合型地域スポーツクラブ
は、設立準備委員会の立ち上
げまでとなり、設立には至り
ませんでした。
"""


def test_one_row_cut_wrong_on_its_own_does_not_set_a_columns_width():
    """Column widths come from the lines that wrapped, median over rows: one row whose own
    cut went wrong is outvoted, so the other rows keep their targets."""
    first = _columns(ONE_ROW_CUT_WRONG, 1)
    assert first["content"] == ["全国学力・学習状況調査の結果を分析し、各校の授業改善に生かします。",
                                "放課後の補充学習を全小学校で実施します。"]
    assert first["targets"] == ["調査結果の分析に基づく各校の授業改善プランの作成", "補充学習の実施校数：全１５校"]
    assert _columns(ONE_ROW_CUT_WRONG, 4)["targets"] == ["市民スポーツ大会の参加者数：５,０００人",
                                                         "総合型地域スポーツクラブの設立"]

# Row 2 starts at the foot of a page: its title fits, its sections' list （住宅課、建築指導課、
# 市民協働課） is cut by the page, after the repeated header, over two lines.
SECTIONS_CUT_BY_A_PAGE = """\
東和市 令和３年度 都市部長の目標宣言
都市部長 高橋 誠
N0.
取 組 名
（担当課名）
取 組 内 容  達 成 目 標
1 東和駅北口周辺地区の市街
地整備の推進

（市街地整備課、都市計画
課）
・東和駅北口周辺地区において、土
地区画整理事業の事業認可に向けた
地権者との合意形成を進めます。
・駅前広場の基本設計を行います。
・地権者の仮同意率：８０％以上
・令和４年３月の駅前広場基本設計の完了
2 空き家対策の推進
・空家等対策計画に基づき、管理不
・空き家バンク登録件数：３０件
 （担当課名）
 取 組 内 容  達 成 目 標

（住宅課、建築指導課、市
民協働課）
全な空き家の所有者に対して適正管
理の指導・助言を行います。
・空き家バンクの登録物件を増やし、
子育て世帯の住み替え等への利活用
を促進します。
・自治会と連携して空き家の実態把
握を行います。
・特定空家等の解消件数：５件以上
・管理不全空き家に関する苦情件数：２０件以下
"""


def test_a_row_whose_sections_list_a_page_break_cuts_is_still_a_row():
    got = parse_bytes(SECTIONS_CUT_BY_A_PAGE.encode("utf-8"), source="layout.txt")
    assert [i["number"] for i in got["initiatives"]] == [1, 2]
    assert got["initiatives"][1]["title"] == "空き家対策の推進"
    assert got["initiatives"][1]["sections"] == ["住宅課", "建築指導課", "市民協働課"]
    second = _columns(SECTIONS_CUT_BY_A_PAGE, 2)
    assert second["content"][-1] == "自治会と連携して空き家の実態把握を行います。"
    assert second["targets"] == ["空き家バンク登録件数：３０件", "特定空家等の解消件数：５件以上",
                                 "管理不全空き家に関する苦情件数：２０件以下"]

# A row cut by a page break two lines in: after the header come each column's leftovers. The
# loose 「ます。」 finishes 取組内容's 「…機会を拡充し」, whose line ran to the column's edge;
# the target 「…５,０００人」 above it also fills its line, but nothing says it goes on.
LOOSE_LINE_AFTER_A_BREAK = """\
平成３０年度 教育部長の目標宣言 達成状況報告
教育部長 中村 健一
N0.
取 組 名
（担当課名）
取 組 内 容  達 成 目 標
取組結果
今後の取組の方向性
目標達成状況
1 生涯スポーツの推進

・東京２０２０オリンピック・パラリンピックの開
催を契機に、市民がスポーツに親しむ機会を拡充し
・市民スポーツ大会の参加者数：５,０００人
・総合型地域スポーツクラブの設立
・市民スポーツ大会に新種目としてボッチャを加え、障がいの
ある人もない人も参加できる大会としました。

・市民スポーツ大会の参加者数は
 （担当課名）
 取組結果
今後の取組の方向性
目標達成状況
（スポーツ課）

ます。
・総合型地域スポーツクラブの設立を支援します。
・総合型地域スポーツクラブの設立準備委員会の立ち上げを支
援しました。
［今後の取組の方向性］
・設立準備委員会への支援を継続し、平成 31 年度中のクラブ設
立を目指します。
5,380 人となり、目標を上回りました。
・総合型地域スポーツクラブは、設立
準備委員会の立ち上げまでとなり、設
立には至りませんでした。
"""


def test_a_loose_line_after_a_page_break_finishes_the_line_that_ran_to_the_edge():
    """A column's last line that ran to its edge without ending its sentence goes on: in a
    row's last part, leaving it unfinished costs as much as leaving a cut-off cell empty."""
    got = _columns(LOOSE_LINE_AFTER_A_BREAK, 1)
    assert got["content"] == [
        "東京２０２０オリンピック・パラリンピックの開催を契機に、市民がスポーツに親しむ機会を拡充します。",
        "総合型地域スポーツクラブの設立を支援します。"]
    assert got["targets"] == ["市民スポーツ大会の参加者数：５,０００人", "総合型地域スポーツクラブの設立"]
    assert got["results"][0].endswith("参加できる大会としました。")
    assert got["achievement_status"][0] == "市民スポーツ大会の参加者数は5,380人となり、目標を上回りました。"

# 取組結果 reports work under way: 「…工事を進めています。」
WORK_UNDER_WAY = """\
平成３０年度 教育部長の目標宣言 達成状況報告
教育部長 中村 健一
N0.
取 組 名
（担当課名）
取 組 内 容  達 成 目 標
取組結果
今後の取組の方向性
目標達成状況
1 学校施設の環境整備

（教育総務課）

・児童生徒が快適に学習できるよう、小中学校
の普通教室への空調設備の設置を進めます。
・学校トイレの洋式化を計画的に進めます。
・平成３１年６月の全普通教室への空調設備の
設置完了
・学校トイレの洋式化率：７０％以上
・中学校 5 校の空調設備の設置工事を完了し、小学校は夏
季休業中の完了に向けて工事を進めています。
・小学校 3 校でトイレの洋式化工事を実施しました。
［今後の取組の方向性］
・小学校の空調設備は、夏季休業前の設置完了を目指しま
す。
・トイレの洋式化は、避難所となる体育館を優先して進め
ます。

・空調設備の設置は、中学校
は完了しましたが、小学校は
工期の遅れにより目標の完了
には至りませんでした。
・トイレの洋式化率は 68.4%
となり、目標の 70% に届きま
せんでした。
"""


def test_a_result_saying_work_is_under_way_stays_a_result():
    """…ています。 is a state, neither a plan (取組内容) nor a past outcome: it leans to no
    column, so the widths decide, not a missing ました。"""
    got = _columns(WORK_UNDER_WAY, 1)
    assert got["targets"] == ["平成３１年６月の全普通教室への空調設備の設置完了", "学校トイレの洋式化率：７０％以上"]
    assert got["results"] == ["中学校5校の空調設備の設置工事を完了し、小学校は夏季休業中の完了に向けて工事を進めています。",
                              "小学校3校でトイレの洋式化工事を実施しました。"]
