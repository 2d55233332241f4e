"""The open-data table's columns: one place for the writers, sengen's CSV reader and the
``datapackage.json`` that describes them.

One row per target (達成目標); the columns of ``sengen.report/1`` first, /2's after them for a /2
document. Each column: its key (``renderers.rows`` builds the row by key), the header label the
CSV and the データ sheet print (Japanese: the files are read in Excel first), its Frictionless
type, a Japanese description and an English title for the Data Package.
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    key: str
    label: str
    type: str  # Frictionless Table Schema: string, integer, number, date
    description: str
    title_en: str


V1 = (
    Column("municipality", "自治体", "string", "報告した自治体の名前", "Municipality"),
    Column("fiscal_year", "年度", "integer", "年度の始まる西暦年（平成29年度 → 2017）", "Fiscal year (Western start year)"),
    Column("fiscal_year_label", "年度（和暦）", "string", "報告に書かれた年度の表記", "Fiscal year as written"),
    Column("document", "文書", "string", "目標宣言・中間報告・達成状況報告のいずれか", "Document (phase)"),
    Column("department", "部", "string", "宣言した部（課・室）の名前", "Department"),
    Column("number", "No.", "integer", "取組の番号", "Initiative number"),
    Column("title", "取組名", "string", "取組の名前", "Initiative"),
    Column("sections", "担当課", "string", "担当課の名前（複数は「、」で区切る）", "Sections in charge"),
    Column("content", "取組内容", "string", "取組の内容（箇条ごとに改行）", "What the initiative does"),
    Column("target_number", "目標番号", "integer", "取組の中での達成目標の順番（1から）", "Target number within the initiative"),
    Column("target", "達成目標", "string", "達成目標の文（書かれたとおり）", "Target as written"),
    Column("metric_value", "目標値", "number", "数値の目標の値", "Target value"),
    Column("metric_unit", "単位", "string", "目標値の単位", "Target unit"),
    Column("due", "期限", "string", "目標の期限（ISO 8601 の年月日または年月）", "Due (ISO date or month)"),
    Column("actual_value", "実績値", "number", "報告された実績の値", "Actual value"),
    Column("actual_unit", "実績の単位", "string", "実績値の単位", "Actual unit"),
    Column("achievement_rate", "達成率（実績÷目標）", "number", "実績値÷目標値（1 = 100%）", "Achievement rate (actual / target)"),
    Column("evaluation", "評価", "string", "達成・一部達成・未達成・未評価", "Evaluation"),
    Column("grade", "評価区分", "string", "自治体の評価の尺度による区分（A、計画通り など）", "Grade on the city's scale"),
    Column("results", "取組結果", "string", "取組の結果（箇条ごとに改行）", "Results"),
    Column("future_direction", "今後の取組の方向性", "string", "今後の取組の方向性（箇条ごとに改行）", "Future direction"),
    Column("achievement_status", "目標達成状況", "string", "目標の達成状況（箇条ごとに改行）", "Achievement status"),
    Column("director_title", "宣言者の職名", "string", "宣言した部長などの職名", "Declaring director's title"),
    Column("director_name", "宣言者の氏名", "string", "宣言した部長などの氏名", "Declaring director's name"),
)

# What sengen.report/2 adds. Grades and interim statuses in the form's words, as the table prints
# them; ``extra`` as 「label: item」 lines.
V2 = (
    Column("unit_kind", "組織の区分", "string", "宣言した組織の区分（部・課・室など）", "Kind of unit"),
    Column("declared_on", "宣言日", "date", "宣言した日", "Declared on"),
    Column("background", "現状と課題", "string", "現状と課題（箇条ごとに改行）", "Background"),
    Column("approach", "方策・手段", "string", "方策・手段（箇条ごとに改行）", "Approach"),
    Column("partners", "協働関係先", "string", "協働関係先（箇条ごとに改行）", "Partners"),
    Column("self_evaluation", "自己評価", "string", "自己評価（箇条ごとに改行）", "Self-evaluation"),
    Column("remarks", "備考", "string", "備考（箇条ごとに改行）", "Remarks"),
    Column("initiative_grade", "取組の評価", "string", "取組全体の評価（様式の言葉で）", "Grade of the initiative"),
    Column("grade_reason", "評価の理由", "string", "取組の評価の理由", "Reason for the grade"),
    Column("sdgs", "SDGs", "string", "SDGs の目標番号（「、」で区切る）", "SDG numbers"),
    Column("plan_refs", "総合計画の施策", "string", "総合計画の施策（箇条ごとに改行）", "Comprehensive plan policies"),
    Column("extra", "その他の欄", "string", "様式のその他の欄（「見出し: 内容」を1行ずつ）", "Other columns"),
    Column("relative_change", "増減の目標（％）", "number", "増減で示した目標の割合（％、減少は負）", "Relative change target (%)"),
    Column("relative_baseline_value", "基準値", "number", "増減の目標の基準値", "Baseline value"),
    Column("relative_baseline_unit", "基準値の単位", "string", "基準値の単位", "Baseline unit"),
    Column("interim_status", "中間の進み具合", "string", "中間報告での進み具合（様式の言葉で）", "Interim status"),
    # What a /2 report says outside its table, so that its CSV reads back as the report
    # (parsers/csv_report.py): the form it was made with, by code and version (the definition is
    # the city's registered form of that code, not carried), and the preamble, on the report's
    # first row only (it can be long; every row repeating it would multiply the file).
    Column("form_code", "様式", "string", "報告の様式のコード（sengen form list の code）", "Form code"),
    Column("form_version", "様式の版", "integer", "報告の様式の版", "Form version"),
    Column("preamble", "前文", "string", "表の前の前文（報告の1行目だけ。「【見出し】」の行、"
           "「SDGs: 11、12」の行、「・内容」の行）", "Preamble (first row of the report only)"),
)

# Japanese words for the spec's evaluation codes: the open-data files are read by people in Excel
# first, so they get words, while the JSON keeps the codes. sengen's CSV reader maps them back.
EVALUATION_LABELS = {
    "achieved": "達成",
    "partially_achieved": "一部達成",
    "not_achieved": "未達成",
    "not_evaluated": "未評価",
}

# Spreadsheet apps treat a cell starting with these as a formula (CSV injection, OWASP); the
# writers prefix such text with ``'``. LF is added for apps that strip a leading newline first.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# What the CSV writer prefixes: a formula's start, and a ``'`` itself, so that sengen's CSV reader
# can take exactly one ``'`` off again and give back the text as written.
QUOTE = "'"
QUOTED_STARTS = (*FORMULA_TRIGGERS, QUOTE)

# The license a city's open data is published under, as the Data Package names it (Frictionless:
# ``name`` and/or ``path``, and a ``title`` for people). A city sets it (declarations: the
# municipality's open_data_license_*); the server's SENGEN_OPEN_DATA_LICENSE stands for a city that
# set none. Well-known ids get their title and address filled in, so a city may type the id alone.
KNOWN_LICENSES = {
    "CC-BY-4.0": {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                  "path": "https://creativecommons.org/licenses/by/4.0/"},
    "CC0-1.0": {"name": "CC0-1.0", "title": "CC0 1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/"},
    "ODC-BY-1.0": {"name": "ODC-BY-1.0", "title": "Open Data Commons Attribution License 1.0",
                   "path": "https://opendatacommons.org/licenses/by/1-0/"},
}
# What an administrator may type: bounded, since it is printed in every year page and package.
LICENSE_NAME_MAX_CHARS = 100
LICENSE_TITLE_MAX_CHARS = 200
LICENSE_PATH_MAX_CHARS = 500


def license_entry(name: str = "", title: str = "", path: str = "") -> dict[str, str]:
    """The Data Package's license entry: a known ``name`` completed with its title and path, what
    was typed kept over what is known, and never without a title (the name or the path stands in).
    Callers have checked the parts (declarations.services.open_data); empty parts are left out."""
    name, title, path = (name or "").strip(), (title or "").strip(), (path or "").strip()
    known = KNOWN_LICENSES.get(name, {})
    entry = {"name": name, "title": title or known.get("title", ""), "path": path or known.get("path", "")}
    if not entry["title"]:
        entry["title"] = name or path
    return {key: value for key, value in entry.items() if value}
