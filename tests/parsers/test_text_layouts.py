"""The text parser on layouts it was not tuned on: each test is one way a word processor's
ruled table, extracted to text, went wrong once (found by bench/text_robustness.py), laid out
small enough to read. Every text is what pdftotext-style tools give: each row column by
column, nothing marking where a column ends but the width of its lines."""

from __future__ import annotations

from sengen.core.text import compact
from sengen.parsers import parse_bytes

# The table's header row as pdftotext gives a word processor's ruled table: the spaced labels,
# each report column on a line of its own; UNSPACED_HEAD is another word processor's.
REPORT_HEAD = "N0.\n取 組 名\n（担当課名）\n取 組 内 容  達 成 目 標\n取組結果\n今後の取組の方向性\n目標達成状況\n"
UNSPACED_HEAD = "N0.\n取組名\n（担当課名）\n取組内容\n達成目標\n取組結果\n［今後の取組の方向性］\n目標達成状況\n"


def _heading(title: str, director: str, head: str = REPORT_HEAD) -> str:
    """A report's first lines: its title, its director, its table's header row."""
    return f"{title}\n{director}\n{head}"


# The departments several layouts here come from.
EDUCATION_H30 = _heading("平成３０年度 教育部長の目標宣言 達成状況報告", "教育部長 中村 健一")
WELFARE_R3 = _heading("令和３年度 健康福祉部長の目標宣言 達成状況報告", "健康福祉部長 松本 恵")
CHILDREN_R2 = _heading("令和2年度 子ども部長の目標宣言 達成状況報告", "子ども部長 井上 真理", UNSPACED_HEAD)
# Page 1's number, then page 2 repeating the header row, in that word processor's layout.
UNSPACED_PAGE_BREAK = "- 1 -\n" + UNSPACED_HEAD


def _columns(text: str, number: int) -> dict[str, list[str]]:
    report = parse_bytes(text.encode("utf-8"), source="layout.txt")
    initiative = report["initiatives"][number - 1]
    return {role: [compact(b["text"] if isinstance(b, dict) else b) for b in initiative.get(role, [])]
            for role in ("content", "targets", "results", "future_direction", "achievement_status")}


# 教育部's row on school buildings (air conditioning, toilets): its results report work under
# way, and two layouts below hold it (after its number and title).
SCHOOL_FACILITIES_ROW = """\

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


# Columns 42/42/52 cells wide. Row 2's own best cut puts the results' 52-cell sentence among
# the targets (…進めています。 says neither plan nor outcome), which alone would make 達成目標
# 52 cells wide for every row.
ONE_ROW_CUT_WRONG = EDUCATION_H30 + """\
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
""" + SCHOOL_FACILITIES_ROW + """\
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
LOOSE_LINE_AFTER_A_BREAK = EDUCATION_H30 + """\
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
WORK_UNDER_WAY = EDUCATION_H30 + "1 学校施設の環境整備\n" + SCHOOL_FACILITIES_ROW


def test_a_result_saying_work_is_under_way_stays_a_result():
    """…ています。 is a state, neither a plan (取組内容) nor a past outcome: it leans to no
    column, so the widths decide, not a missing ました。"""
    got = _columns(WORK_UNDER_WAY, 1)
    assert got["targets"] == ["平成３１年６月の全普通教室への空調設備の設置完了", "学校トイレの洋式化率：７０％以上"]
    assert got["results"] == ["中学校5校の空調設備の設置工事を完了し、小学校は夏季休業中の完了に向けて工事を進めています。",
                              "小学校3校でトイレの洋式化工事を実施しました。"]


# 健康福祉部 writes its targets as sentences (…とします。), and 取組内容 and 達成目標 are
# equally wide (48 cells): what the widths cannot tell, what each column says must.
TARGETS_AS_SENTENCES = WELFARE_R3 + """\
1 新型コロナウイルスワクチン接種の
推進

（ワクチン接種推進室、健康づくり
課）

・希望する市民が速やかにワクチンを接種できるよう、
集団接種会場と個別接種医療機関による接種体制を整
備します。
・令和３年７月末までに希望する高齢者への接種を完
了します。
・１２歳以上の接種率を８０％以上とします。
・市内 4 か所の集団接種会場と 68 の医療機関で接種
を行いました。
・接種予約のコールセンターを開設し、インターネ
ットでの予約が難しい高齢者を支援しました。
［今後の取組の方向性］
・追加接種（ 3 回目接種）を円滑に実施できるよう、
接種体制を維持します。

・希望する高齢者への接種は、令
和 3 年 7 月末までに完了し、目標ど
おり達成できました。
・ 12 歳以上の接種率は、令和 4 年 3
月末時点で 82.6% となりました。
2 地域医療体制の確保

（地域医療課）

・休日・夜間の急病に対応するため、医師会と連携し
て休日夜間急患診療所を運営します。
・在宅医療と介護の連携を推進します。
・休日夜間急患診療所を年間を通じて運営します。
・在宅医療・介護連携の研修会を年６回開催します。
・医師会、薬剤師会の協力により、休日夜間急患診
療所を年末年始も含めて運営しました。
・在宅医療・介護連携の研修会は、オンラインを併
用して 6 回開催しました。
［今後の取組の方向性］
・医療従事者の負担に配慮しながら、現在の診療体
制を維持します。

・休日夜間急患診療所の運営と研
修会の開催は、いずれも目標どお
り実施できました。
3 国民健康保険の健全な運営

（保険・年金課）

・国民健康保険税の収納率向上のため、口座振替の推
進と滞納整理を強化します。
・ジェネリック医薬品の利用を促進します。
・国民健康保険税（現年度分）の収納率を９５．５％
以上とします。
・ジェネリック医薬品の使用割合を８０％以上としま
す。
・口座振替の勧奨通知を送付するとともに、滞納者
の財産調査を進めました。
・ジェネリック医薬品に切り替えた場合の差額を被
保険者に通知しました。
［今後の取組の方向性］
・コンビニ収納やスマートフォン決済の利用を周知
します。

・収納率は９５．１％となり、目
標には届きませんでしたが、前年
度から０．４ポイント向上しまし
た。
・ジェネリック医薬品の使用割合
は８１．２％となり、目標を達成
しました。
"""


def test_targets_written_as_sentences_beside_an_equally_wide_content_column():
    """The document writes its targets as sentences (most of those the widths place say so),
    so a target ending in 。 costs nothing; ・休日夜間急患診療所を年間を通じて運営します。 names
    again what an earlier 取組内容 bullet names, so it is rather the first target."""
    got = _columns(TARGETS_AS_SENTENCES, 2)
    assert got["content"] == ["休日・夜間の急病に対応するため、医師会と連携して休日夜間急患診療所を運営します。",
                              "在宅医療と介護の連携を推進します。"]
    assert got["targets"] == ["休日夜間急患診療所を年間を通じて運営します。", "在宅医療・介護連携の研修会を年６回開催します。"]


def test_a_deadline_is_what_a_target_states():
    """・令和３年７月末までに…を完了します。 fits either column and reads as a plan: its deadline
    leans it to 達成目標, as a number with its unit does."""
    got = _columns(TARGETS_AS_SENTENCES, 1)
    assert got["content"] == ["希望する市民が速やかにワクチンを接種できるよう、集団接種会場と個別接種医療機関による接種体制を整備します。"]
    assert got["targets"] == ["令和３年７月末までに希望する高齢者への接種を完了します。", "１２歳以上の接種率を８０％以上とします。"]


def test_a_target_never_says_what_happened():
    """Targets are set before the year starts: with targets written as sentences, a 取組結果
    sentence (…ました。) as wide as a target still goes to 取組結果."""
    for number in (1, 2, 3):
        got = _columns(TARGETS_AS_SENTENCES, number)
        assert len(got["results"]) == 2
        assert all(r.endswith("ました。") for r in got["results"])
        assert not any(t.endswith("ました。") for t in got["targets"])


# Row 3 is cut by a page break. After it, 達成目標 goes on with ・桜ヶ丘団地の入居者の移転完了,
# 30 cells in a column of about 31: it fills its line, yet it is a complete target.
TARGET_FILLING_ITS_LINE = _heading("令和６年度 都市建設部長の目標宣言 達成状況報告", "都市建設部長 山本 剛") + """\
1 道路・橋りょうの計画
的な維持管理
（道路維持課、道路整
備課）
・橋りょう長寿命化修繕計画に基づき、定期点検と
修繕を計画的に進めます。
・道路パトロールと市民からの通報により、道路の
損傷を早期に発見し補修します。
・通学路の安全対策を学校や警察と連携して進めま
す。
・橋りょうの定期点検：４２橋
・道路損傷の通報から補修までの平
均日数：５日以内
・令和６年度末までに通学路合同点
検で抽出した危険箇所の対策完了
・橋りょう 42 橋の定期点検を実施し、健全度の低い橋りょう
の修繕設計を行いました。
・道路損傷通報アプリの運用を開始し、市民からの通報を受
け付けました。
・通学路の危険箇所のうち、路面標示と防護柵の設置による
対策を完了しました。
［今後の取組の方向性］
・点検結果に基づき、修繕工事を計画的に実施します。
・残る危険箇所の対策を令和 7 年度に実施します。
・橋りょうの定期点検は、目標ど
おり実施できました。
・通報から補修までの平均日数は
4.2 日となり、目標を達成しまし
た。
・通学路の危険箇所の対策は、一
部が次年度に残りました。
2 都市計画道路中央通り
線の整備
（道路整備課）
・都市計画道路中央通り線の整備に向けて、地権者
との交渉を重ね、用地取得を進めます。
・中央通り線の用地取得率：８５％
・地権者との交渉を重ね、用地の取得を進めました。
［今後の取組の方向性］
・令和 8 年度の工事着手に向けて、残る用地の取得を進めま
す。
・用地取得率は 88.6% となり、目
標を上回りました。
3 市営住宅の長寿命化と
・市営住宅長寿命化計画に基づき、外壁改修と給水
・外壁改修工事：３棟
・若葉台団地の 3 棟で外壁改修工事を実施しました。
・外壁改修工事は、目標どおり完
 （担当課名）
 取組結果
今後の取組の方向性
目標達成状況
再編
（住宅政策課）
設備の更新を行います。
・老朽化した団地の集約に向けて、入居者の移転を
支援します。
・桜ヶ丘団地の入居者の移転完了
・桜ヶ丘団地の入居者への説明会と個別相談を行い、移転先
の住宅のあっせんを進めました。
［今後の取組の方向性］
・移転を迷っている入居者への丁寧な説明を続けます。
了しました。
・桜ヶ丘団地の移転は、入居者の
合意が得られず、完了には至りま
せんでした。
"""


def test_a_target_filling_its_line_after_a_page_break_stays_a_target():
    """A target is a noun phrase: that it reaches its column's edge without a 。 does not
    mean its next line is missing, as it would for a sentence of 取組内容."""
    got = _columns(TARGET_FILLING_ITS_LINE, 3)
    assert got["content"] == ["市営住宅長寿命化計画に基づき、外壁改修と給水設備の更新を行います。",
                              "老朽化した団地の集約に向けて、入居者の移転を支援します。"]
    assert got["targets"] == ["外壁改修工事：３棟", "桜ヶ丘団地の入居者の移転完了"]


# The page ends inside the row, two lines short of two cells: after the header come only
# 「進めます。」 (the future direction's 「…余裕教室の活用を」) and 「た。」 (目標達成状況's
# 「…目標に達しませんでし」).
TWO_LOOSE_ENDINGS = CHILDREN_R2 + """\
1 放課後児童クラブの
充実
（青少年課）
・放課後児童クラブの待機児童を解消するため、小学校
の余裕教室を活用してクラブを増設します。
・支援員の研修を充実し、保育の質の向上を図ります。
・放課後児童クラブの定員：１,
２５０人
・支援員研修の開催：年４回
・小学校 2 校の余裕教室を活用してクラブを増
設しました。
・支援員研修は、少人数での開催とするなど感
染症対策を講じて実施しました。
［今後の取組の方向性］
・引き続き、学校と連携して余裕教室の活用を
・放課後児童クラブの定員は
1,290 人となり、目標を達成し
ました。
・支援員研修は、新型コロナウイ
ルス感染症の影響で 2 回の開催
となり、目標に達しませんでし
""" + UNSPACED_PAGE_BREAK + """\
進めます。
た。
- 2 -
"""


def test_a_loose_ta_after_a_page_break_ends_a_past_sentence():
    """「た。」 alone is the end of a past sentence (…ませんでした。), so it finishes 目標達成状況,
    and 「進めます。」 finishes the future direction, not a target."""
    got = _columns(TWO_LOOSE_ENDINGS, 1)
    assert got["targets"] == ["放課後児童クラブの定員：１,２５０人", "支援員研修の開催：年４回"]
    assert got["future_direction"] == ["引き続き、学校と連携して余裕教室の活用を進めます。"]
    assert got["achievement_status"][1].endswith("目標に達しませんでした。")


# The header names each column on its own line, ［今後の取組の方向性］ among them, and comes
# again where the page breaks inside row 2.
HEADER_WITH_THE_MARKER = CHILDREN_R2 + """\
1 待機児童の解消
（保育課）
・民間保育所の新設や小規模保育事業所の整備によ
り、保育の受け皿を拡大します。
・保育士の確保に向けた就職相談会を開催します。
・保育定員の拡大：２２０人
・令和３年４月の（仮称）ひまわり保育
園の開所
・民間保育所の新設と小規模保育事業所の整備
を進めました。
・（仮称）ひまわり保育園は、令和 3 年 4 月 1 日
に開所しました。
・保育士就職相談会は、新型コロナウイルス感
染症の影響によりオンラインで開催しました。
［今後の取組の方向性］
・保育需要の動向を注視し、地域ごとの受け皿
の確保を進めます。
・保育定員の拡大は 198 人とな
り、目標の 220 人に届きません
でした。
・（仮称）ひまわり保育園は、
目標どおり令和 3 年 4 月に開所し
ました。
2 放課後児童クラブの充実
（青少年課）
・放課後児童クラブの待機児童を解消するため、小
学校の余裕教室を活用してクラブを増設します。
・放課後児童クラブの定員：１,２５０
人
・小学校 2 校の余裕教室を活用してクラブを増
設しました。
・放課後児童クラブの定員は
1,290 人となり、目標を達成し
""" + UNSPACED_PAGE_BREAK + """\
・支援員の研修を充実し、保育の質の向上を図りま
す。
・支援員研修の開催：年４回
・支援員研修は、少人数での開催とするなど感
染症対策を講じて実施しました。
［今後の取組の方向性］
・引き続き、学校と連携して余裕教室の活用を
進めます。
ました。
・支援員研修は、新型コロナウ
イルス感染症の影響で 2 回の開
催となり、目標に達しませんで
した。
- 2 -
"""


def test_the_repeated_headers_own_marker_does_not_end_the_results():
    """［今後の取組の方向性］ between two header labels is the header's: 取組結果 still goes on
    after the break, up to the row's own marker."""
    got = _columns(HEADER_WITH_THE_MARKER, 2)
    assert got["content"] == ["放課後児童クラブの待機児童を解消するため、小学校の余裕教室を活用してクラブを増設します。",
                              "支援員の研修を充実し、保育の質の向上を図ります。"]
    assert got["targets"] == ["放課後児童クラブの定員：１,２５０人", "支援員研修の開催：年４回"]
    assert got["results"] == ["小学校2校の余裕教室を活用してクラブを増設しました。",
                              "支援員研修は、少人数での開催とするなど感染症対策を講じて実施しました。"]
    assert got["future_direction"] == ["引き続き、学校と連携して余裕教室の活用を進めます。"]


# Targets written as sentences; the page breaks one line before row 1 ends, and only 「ます。」
# comes after the header: the rest of the future direction's 「…周知を強化し」 (58 cells, its
# column's edge), though the target 「…累計１,０００人」 (41 of 44 cells) also nearly fills its line.
ONE_LOOSE_ENDING = WELFARE_R3 + """\
1 自殺対策の推進
（障がい福祉課）
・悩みを抱える人を早期に支援につなげるため、ゲート
キーパーを養成します。
・ゲートキーパー養成者数：累計１,０００人
・市職員や民生委員を対象に、ゲートキーパー養成研修を実施し
ました。
［今後の取組の方向性］
・若い世代に向けて、ＳＮＳを活用した相談窓口の周知を強化し
・ゲートキーパー養成者数は累計１,
０５６人となり、目標を達成しました。
 （担当課名）
 取組結果
今後の取組の方向性
目標達成状況
ます。
2 国民健康保険の健全な運営
（保険・年金課）
・国民健康保険税の収納率向上のため、口座振替の推進
と滞納整理を強化します。
・ジェネリック医薬品の利用を促進します。
・国民健康保険税（現年度分）の収納率を９５．
５％以上とします。
・ジェネリック医薬品の使用割合を８０％以上と
します。
・口座振替の勧奨通知を送付するとともに、滞納者の財産調査を
進めました。
・ジェネリック医薬品に切り替えた場合の差額を被保険者に通知
しました。
［今後の取組の方向性］
・コンビニ収納やスマートフォン決済の利用を周知します。
・収納率は９５．１％となり、目標に
は届きませんでしたが、前年度から０．
４ポイント向上しました。
・ジェネリック医薬品の使用割合は８
１．２％となり、目標を達成しました。
"""


def test_a_loose_line_goes_to_the_sentence_at_its_edge_rather_than_a_target_near_its_own():
    """A sentence at its column's edge without its full stop must go on; a target there may
    well be complete, so leaving it as it is costs less than leaving the sentence unfinished."""
    got = _columns(ONE_LOOSE_ENDING, 1)
    assert got["targets"] == ["ゲートキーパー養成者数：累計１,０００人"]
    assert got["future_direction"] == ["若い世代に向けて、ＳＮＳを活用した相談窓口の周知を強化します。"]


# The page breaks inside row 1, after 取組結果's marker: all four text columns go on below.
# Before the break, 達成目標 is 38 cells wide and 取組内容 40: the one-line target
# 「…空調設/備の設置完了」 fits either.
TARGET_BEFORE_A_PAGE_BREAK = EDUCATION_H30 + """\
1 学校施設の環境整備

（教育総務課）

・児童生徒が快適に学習できるよう、小中学
校の普通教室への空調設備の設置を進めます。
・学校トイレの洋式化を計画的に進めます。
・平成３１年６月の全普通教室への空調設
備の設置完了
・学校トイレの洋式化率：７０％以上
・中学校 5 校の空調設備の設置工事を完了し、小学校は夏季
休業中の完了に向けて工事を進めています。
・小学校 3 校でトイレの洋式化工事を実施しました。
［今後の取組の方向性］
・小学校の空調設備は、夏季休業前の設置完了を目指します。
・トイレの洋式化は、避難所となる体育館を優先して進めま

・空調設備の設置は、中学校は完了
しましたが、小学校は工期の遅れに
より目標の完了には至りませんでし
た。
・トイレの洋式化率は 68.4% となり、
 （担当課名）
 取組結果
今後の取組の方向性
目標達成状況
す。
目標の 70% に届きませんでした。
2 子どもの読書活動の推進

（図書館）

・第３次若葉市子ども読書活動推進計画に基
づき、学校図書館と市立図書館の連携を強化
します。
・図書館ボランティアの養成講座を開催しま
す。
・市立図書館の年間貸出冊数：６０万冊
・図書館ボランティア養成講座の開催：年
３回
・学校図書館への団体貸出を拡充し、若葉市子ども読書の日
記念行事を開催しました。
・図書館ボランティア養成講座を 3 回開催し、延べ 86 人が受
講しました。
［今後の取組の方向性］
・電子書籍サービスの導入を検討し、来館が難しい市民の利
用機会の拡大を図ります。

・年間貸出冊数は 583,412 冊となり、
目標の 60 万冊には届きませんでした。
・養成講座は 3 回開催し、目標どお
り実施できました。
"""


def test_a_short_last_line_before_a_page_break_is_not_cut_by_the_page():
    """The page cuts a row between lines, so only a bullet whose last line is full may go on
    below: 「備の設置完了」 ends its bullet, which says (by not ending in 。) it is a target."""
    got = _columns(TARGET_BEFORE_A_PAGE_BREAK, 1)
    assert got["content"] == ["児童生徒が快適に学習できるよう、小中学校の普通教室への空調設備の設置を進めます。",
                              "学校トイレの洋式化を計画的に進めます。"]
    assert got["targets"] == ["平成３１年６月の全普通教室への空調設備の設置完了", "学校トイレの洋式化率：７０％以上"]


# Row 1 is cut by a page six lines down: 取組内容 (3 lines) and 達成目標 (3 lines) ended on the
# page, 取組結果 with its future direction (6 lines) and 目標達成状況 (an empty line and 5) go
# on. The target 「・総合型地域スポーツクラブの設立」 fills its 32-cell line and could take
# 「ラブ設立を目指します。」 as well as the future direction's 「…平成 31 年度中のク」.
CELLS_CUT_AT_ONE_HEIGHT = EDUCATION_H30 + """\
1 生涯スポーツの推進

（スポーツ課）

・東京２０２０オリンピック・パラリンピックの開催
を契機に、市民がスポーツに親しむ機会を拡充します。
・総合型地域スポーツクラブの設立を支援します。
・市民スポーツ大会の参加者数：５,
０００人
・総合型地域スポーツクラブの設立
・市民スポーツ大会に新種目としてボッチャを加え、障
がいのある人もない人も参加できる大会としました。
・総合型地域スポーツクラブの設立準備委員会の立ち上
げを支援しました。
［今後の取組の方向性］
・設立準備委員会への支援を継続し、平成 31 年度中のク

・市民スポーツ大会の参加者数
は 5,380 人となり、目標を上回
りました。
・総合型地域スポーツクラブは、
設立準備委員会の立ち上げまで
 （担当課名）
 取組結果
今後の取組の方向性
目標達成状況
ラブ設立を目指します。
となり、設立には至りませんで
した。
2 文化財の保存と活用

（文化財課）

・市内の指定文化財を適切に保存するとともに、歴史
資料館の企画展を通じて地域の歴史を伝えます。
・歴史資料館の企画展の開催：２回
・指定文化財の計画的な保存修理
・企画展「城下町の暮らし」「古文書にみる村の歴史」
を開催しました。
・指定文化財の保存修理を計画に沿って実施しました。
［今後の取組の方向性］
・文化財保存活用地域計画の策定に向けた調査を進めま
す。

・企画展は、目標どおり開催し
ました。
・指定文化財の保存修理は、一
部の工事が翌年度に延びました
が、概ね計画どおり実施できま
した。
"""


def test_only_cells_that_filled_the_page_go_on_after_the_break():
    """A page cuts every cell of a row at the same height: a cell with fewer lines than the
    tallest ended on the page and takes nothing after the break."""
    got = _columns(CELLS_CUT_AT_ONE_HEIGHT, 1)
    assert got["targets"] == ["市民スポーツ大会の参加者数：５,０００人", "総合型地域スポーツクラブの設立"]
    assert got["future_direction"] == ["設立準備委員会への支援を継続し、平成31年度中のクラブ設立を目指します。"]
    assert got["achievement_status"][1] == "総合型地域スポーツクラブは、設立準備委員会の立ち上げまでとなり、設立には至りませんでした。"


# The seed's rows 3 and 5, 取組内容 46 cells and 達成目標 44: in row 2 the one-line target
# 「・平成２９年１０月のコンビニ交付サービス稼動」 (44 cells) fits either column, and the page
# breaks before 取組結果's marker.
SEED_ROWS_SPLIT = _heading("平成２９年度 市民生活部長の目標宣言 達成状況報告", "市民生活部長 竹内 克則") + """\
1 市民文化会館改修の推進

（文化会館担当）

・改修事業に向けた利用者意見の集約、閉館期間等
のスケジュール作成及び周知等に取り組みます。
・改修事業に係る意見聴取のため審議会の立ち上
げ
・改修事業スケジュール等の市民周知
・平成３０年度における具体的な維持管理計画を
作成しました。
［今後の取組の方向性］
・施設・設備の必要最小限の改修及び修繕を進め
ながら、中期的な改修事業計画については、引
き続き費用の積算、工程スケジュール等の検討
を行っていきます。

・改修事業計画の作成には至らず、引き続
き検討を重ねることとしました。
2 マイナンバーカードの普及

（戸籍住民課）

・コンビニ交付の稼動に向けてのシステム構築を進
め、カードの普及拡大に向けて、市内各地域での
きめ細かな周知・啓発活動に努めます。
・平成２９年１０月のコンビニ交付サービス稼動
・平成２９年度末時点のマイナンバーカード交付
目標：１４,５００枚
・平成 29 年 10 月 1 日マイナンバーカードを使った
コンビニ交付サービスを開始しました。
・平成 29 年 11 月にマイナンバーカードの普及拡大
に向け、自治会を通じて申請方法に関する回覧
を実施しました。

・マイナンバーカードを使ったコンビニ交
付サービスは、目標どおり稼働開始しま
した。
・マイナンバーカードの交付数は目標に達
 （担当課名）
 取組結果
今後の取組の方向性
目標達成状況
［今後の取組の方向性］
・戸籍住民課窓口でマイナンバーカード申請補助
を開始する等、引き続き、マイナンバーカード
の普及啓発を図ります。
しませんでした。平成 29 年度末時点の交
付数： 13,055 枚
"""


def test_a_bullet_taken_as_cut_by_the_page_must_go_on_after_it():
    """A column's last bullet before a break may be left unfinished only if the next page
    goes on with it; when nothing does, the row is cut again with that bullet complete, and
    a noun phrase that is complete is a target."""
    got = _columns(SEED_ROWS_SPLIT, 2)
    assert got["content"] == ["コンビニ交付の稼動に向けてのシステム構築を進め、カードの普及拡大に向けて、"
                              "市内各地域でのきめ細かな周知・啓発活動に努めます。"]
    assert got["targets"] == ["平成２９年１０月のコンビニ交付サービス稼動",
                              "平成２９年度末時点のマイナンバーカード交付目標：１４,５００枚"]


# 目標達成状況 (38 cells) as wide as the future direction (40): its first bullet ends with a
# figure after its last sentence, 「…概ね達成しました。令和 6 年 3 月末時点の交付率： 78.3%」.
FIGURE_AFTER_THE_LAST_SENTENCE = _heading("令和５年度 市民部長の目標宣言 達成状況報告", "市民部長 伊藤 文子") + """\
1 マイナンバーカードの普及と活用

（市民課、情報政策課）

・マイナンバーカードの出張申請受付を行い、交付率の
向上を図ります。
・コンビニ交付の対象となる証明書を拡大します。
・マイナンバーカードの交付率：８０％
・コンビニ交付の利用件数：２万件
・商業施設や地区センターで出張申請受付を
42 回実施しました。
・戸籍証明書のコンビニ交付を開始しました。
［今後の取組の方向性］
・カードの更新手続が集中する時期に備え、
窓口体制を整えます。

・マイナンバーカードの交付率は、目標を
概ね達成しました。令和 6 年 3 月末時点の交
付率： 78.3%
・コンビニ交付の利用件数は、前年度比
3,120 件増の 21,450 件となりました。
"""


def test_a_bullet_ending_in_a_figure_is_judged_by_its_last_sentence():
    """No 。 at the end, yet 「…達成しました。」 before the figure says what happened: it is
    目標達成状況, not the future direction."""
    got = _columns(FIGURE_AFTER_THE_LAST_SENTENCE, 1)
    assert got["future_direction"] == ["カードの更新手続が集中する時期に備え、窓口体制を整えます。"]
    assert got["achievement_status"][0] == "マイナンバーカードの交付率は、目標を概ね達成しました。令和6年3月末時点の交付率：78.3%"


# Row 2's title wraps over two lines (32 cells) and the page sends its sections' line
# （介護保険課、高齢福祉課） (26 cells) below the break. No other title is that wide.
SECTIONS_AFTER_THE_BREAK = WELFARE_R3 + """\
1 地域医療体制の確保

（地域医療課）

・休日・夜間の急病に対応するため、医師会と連携し
て休日夜間急患診療所を運営します。
・在宅医療と介護の連携を推進します。
・休日夜間急患診療所を年間を通じて運営し
ます。
・在宅医療・介護連携の研修会を年６回開催
します。
・医師会、薬剤師会の協力により、休日夜間急患診療所を年末年
始も含めて運営しました。
・在宅医療・介護連携の研修会は、オンラインを併用して 6 回開
催しました。
［今後の取組の方向性］
・医療従事者の負担に配慮しながら、現在の診療体制を維持しま
す。
・休日夜間急患診療所の運営と研修
会の開催は、いずれも目標どおり実
施できました。
2 介護予防と住民主体の通いの場づく
り
・高齢者が身近な場所で介護予防に取り組めるよう、
住民主体の通いの場の立ち上げを支援します。
・通いの場の数を１２０か所にします。
・フレイル予防講座の参加者数を延べ２,４
・通いの場の立ち上げ支援として、運営費の補助と体操指導員の
派遣を行いました。
・通いの場の数は、前年度から 8 か
所増の 114 か所となりました。
 （担当課名）
 取組結果
今後の取組の方向性
目標達成状況

（介護保険課、高齢福祉課）

・フレイル予防の講座を開催します。
・介護予防ボランティアを養成します。
・通いの場の参加者の体力測定により、介護予防の効
果を検証します。
００人にします。
・介護予防ボランティアを５０人養成します。
・フレイル予防講座は、感染拡大期に中止した回がありました。
・介護予防ボランティア養成講座を開催しました。
［今後の取組の方向性］
・休止している通いの場の活動再開を支援します。
・フレイル予防講座の参加者数は延
べ 1,862 人となり、目標に届きませ
んでした。
・介護予防ボランティアは 53 人を養
成し、目標を達成しました。
・新型コロナウイルス感染症の影響
で活動を休止した通いの場もありま
した。
3 自殺対策の推進

（障がい福祉課）

・悩みを抱える人を早期に支援につなげるため、ゲー
トキーパーを養成します。
・ゲートキーパー養成者数：累計１,０００
人
・市職員や民生委員を対象に、ゲートキーパー養成研修を実施し
ました。
［今後の取組の方向性］
・若い世代に向けて、ＳＮＳを活用した相談窓口の周知を強化し
ます。
・ゲートキーパー養成者数は累計１,
０５６人となり、目標を達成しまし
た。
"""


def test_the_title_column_is_as_wide_as_its_widest_line():
    """Every line before a row's first bullet is its title cell's, so the widest of them
    bounds the column from below; the median of short titles made （介護保険課、高齢福祉課）
    after the break look too wide for it, and it went into 取組内容."""
    got = parse_bytes(SECTIONS_AFTER_THE_BREAK.encode("utf-8"), source="layout.txt")
    assert got["initiatives"][1]["sections"] == ["介護保険課", "高齢福祉課"]
    assert _columns(SECTIONS_AFTER_THE_BREAK, 2)["content"][0] == \
        "高齢者が身近な場所で介護予防に取り組めるよう、住民主体の通いの場の立ち上げを支援します。"
