"""The one error every parser raises: which file, where in it, what was expected.

Its message is Japanese, like the command lines and pages around it. What the message is made
of stays on the exception, so an interface in another language can say the same thing without
reading Japanese text back: ``code`` (which refusal, a key of ``MESSAGES``), ``params`` (its
figures and names) and the place (``page``, ``line``, ``column``, ``sheet``, ``row`` …
``last_row``, ``number`` — the initiative's No. —, ``path`` in a JSON report, ``part`` of the
heading). ``str()`` is one line: ``file: place: message``.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Marks ``message`` for Django's makemessages, so the staff pages can show a refusal in
    English (``ParseError.text(gettext)``); the parsers themselves import nothing of Django."""
    return message


# What each refusal says. Figures are formatted here, not at the raise site, so the params
# stay numbers.
MESSAGES: dict[str, str] = {
    # the file itself
    "no_such_file": gettext_noop("ファイルがありません"),
    "folder": gettext_noop("ファイルではなくフォルダーです"),
    "permission": gettext_noop("読み取りが許可されていません"),
    "os_error": gettext_noop("ファイルを開けません（{reason}）"),
    "too_large": gettext_noop("ファイルが{size:,}バイトあります。報告のファイルは{limit:,}バイトまでです"),
    "encoding": gettext_noop("テキストが UTF-8 でも Shift_JIS でもありません"),
    "binary": gettext_noop("報告の文（テキスト）ではなくバイナリのファイルです"),
    "not_a_report": gettext_noop("{kind}で、{expected}ではありません"),
    "json": gettext_noop("JSON の文法に合いません（{problem}）"),
    "json_depth": gettext_noop("JSON の入れ子が深すぎます"),
    "json_number": gettext_noop("JSON に桁数が多すぎて読めない数値があります"),
    "report_format": gettext_noop("sengen.report/1 の形式に合いません（{detail}）"),
    "report_refused": gettext_noop("読み取った報告を受け付けられません（{detail}）"),
    # text extracted from a PDF
    "empty": gettext_noop("ファイルが空です。報告の文が入っているはずです"),
    "no_title": gettext_noop("先頭に年度の入った表題（例: 平成29年度 … 目標宣言）がありません。報告ではないようです"),
    "no_initiatives": gettext_noop("番号の付いた取組（「1 取組名」の行に（担当課名）が続くもの）が一つもありません"),
    "text_columns": gettext_noop("表の欄が横に並んだテキストですが、見出し行と空白の並びから各欄の位置を決められません。"
                                 "PDF そのものを読ませてください"),
    "text_interleaved": gettext_noop("表の欄の行が入り混じったテキストです（PDF から段組みを保たずに抽出したもの）。"
                                     "どの行がどの欄のものか決められないので読みません。PDF そのものか、"
                                     "pdftotext -layout で抽出したテキストを読ませてください"),
    # the heading of any table
    "no_title_above_table": gettext_noop("表の上に年度の入った表題（例: 平成29年度 … 目標宣言）がありません"),
    "fiscal_year": gettext_noop("表題の年度「{label}」を読めません（{detail}）"),
    "no_director": gettext_noop("表題かその下の行に部長の職名（例: 市民生活部長）がありません"),
    # the table's rows (PDF and XLSX)
    "no_number": gettext_noop("No. の欄に取組の番号がありません（「{found}」と書かれています）"),
    "no_title_cell": gettext_noop("取組名の欄が空です"),
    # PDF
    "pdf_encrypted": gettext_noop("PDF が暗号化されています。パスワードなしで保存し直してください"),
    "pdf_unreadable": gettext_noop("PDF として読めません。ファイルが壊れているか途中で切れています（{error}）。"
                                   "元の PDF をもう一度保存してください"),
    "pdf_pages": gettext_noop("PDF が{count:,}ページあります。報告は{limit}ページまでです"),
    "pdf_no_text": gettext_noop("PDF に文字の情報がありません（スキャンした画像？）。先に OCR で文字を認識させる必要があります"),
    "pdf_no_table": gettext_noop("罫線で囲んだ表とその見出し行（No. / 取組名 / 取組内容 / 達成目標 …）が見つかりません"),
    # XLSX
    "xlsx_encrypted": gettext_noop("ブックが暗号化（パスワードで保護）されています。パスワードなしで保存し直してください"),
    "doc_not_xlsx": gettext_noop("Word 97-2003 の文書（.doc）です。報告の PDF か XLSX のブックが必要です"),
    "xls": gettext_noop("Excel 97-2003 のブック（.xls）か古い形式の Office ファイルです。.xlsx で保存し直してください"),
    "xlsx_broken": gettext_noop("XLSX のブックとして読めません（zip が壊れているか、途中で切れています）"),
    "xlsx_unreadable": gettext_noop("XLSX のブックとして読めません（{error}）"),
    "word_not_xlsx": gettext_noop("Word の文書です。XLSX のブックではありません"),
    "powerpoint_not_xlsx": gettext_noop("PowerPoint のプレゼンテーションです。XLSX のブックではありません"),
    "zip_not_xlsx": gettext_noop("zip ファイルです。XLSX のブックではありません"),
    "xlsx_unsafe": gettext_noop("ブックの XML がエンティティを宣言しています。ブックには不要なもので、安全のため読みません"),
    "xlsx_rows": gettext_noop("シートに{limit:,}行を超えるデータがあります。報告の表はずっと短いはずです"),
    "xlsx_no_first_number": gettext_noop("見出し行のすぐ下の行の No. の欄が空です（数式の番号は Excel が計算してはじめて値になります。"
                             "Excel で開いて保存し直してください）"),
    "xlsx_no_table": gettext_noop("報告の表（見出し行 No. / 取組名 / 取組内容 / 達成目標 …）のあるシートがありません"
                      "（シート: {sheets}）"),
    "xlsx_several_tables": gettext_noop("{count}枚のシート（{sheets}）に報告の表があります。1ファイルに1つの報告を読みます。"
                            "シートごとに別のブックとして保存してください"),
    "xlsx_no_initiatives": gettext_noop("見出し行の下に番号の付いた取組が一つもありません"),
    # a table in a known form other than the seed's (formed.py)
    "form_no_items": gettext_noop("様式「{form}」の表の見出し行の下に取組が一つもありません"),
    "form_no_title": gettext_noop("様式「{form}」の{item}件目の取組の「{label}」の欄が空です"),
    "form_no_number": gettext_noop("様式「{form}」の{item}件目の取組に番号がありません（この様式は取組に番号を付けます）"),
    "form_text_columns": gettext_noop("この文は様式「{form}」の表のようですが、文（テキスト）からは読めません（{why}）。"
                          "列を横に並べて抽出した文（pdftotext -layout）か、PDF か Excel のブック（.xlsx）で読み込んでください"),
    "form_unknown": gettext_noop("様式「{name}」はありません（あるのは {known}）"),
    "form_not_this": gettext_noop("見出し行が様式「{form}」の列に合いません（見出し: {labels}）"),
    # sengen's own open-data CSV (csv_report.py)
    "csv_column": gettext_noop("sengen の CSV の見出し行ではありません（{index}列目は「{expected}」のはずが「{found}」です）"),
    "csv_column_missing": gettext_noop("見出し行に{index}列目の「{label}」の欄がありません"),
    "csv_column_extra": gettext_noop("見出し行の{index}列目に sengen の CSV にない欄「{found}」があります"),
    "csv_v2": gettext_noop("様式のある報告（sengen.report/2）の CSV ですが、様式と前文の欄（様式・様式の版・前文）が"
                           "ありません（それらの欄ができる前に書き出されたもの）。書き出し直すか、同じ報告の JSON か"
                           " Excel のブック（.xlsx）を読み込んでください"),
    "csv_value": gettext_noop("{expected}が必要です（「{found}」でした）"),
    "csv_word": gettext_noop("様式の言葉ではありません（使えるのは {known}。「{found}」でした）"),
    "csv_form_unknown": gettext_noop("様式「{name}」は登録されていません（あるのは {known}）。"
                                     "sengen form load で登録してから読み込んでください"),
    "csv_form_other": gettext_noop("様式「{name}」の報告です。指定された様式「{form}」ではありません"),
    "csv_cells": gettext_noop("欄が{count}個あります。見出し行と同じ{expected}個のはずです"),
    "csv_syntax": gettext_noop("CSV の文法に合いません（{detail}）"),
    "csv_no_rows": gettext_noop("見出し行の下に行が一つもありません"),
    "csv_several_reports": gettext_noop("「{what}」が{first}行目と違います。1つの CSV から1つの報告を読みます"
                                        "（年度全体の CSV は分析用です。部ごとの CSV を読み込んでください）"),
    # a workbook is a zip: what its directory claims
    "zip_entries": gettext_noop("ブックの部品が{count:,}個あります。報告のブックは{limit:,}個までです（zip 爆弾？）"),
    "zip_ratio": gettext_noop("{name} は展開すると{ratio:,.0f}倍（{size:,}バイト）になります。"
                  "ブックの部品は{limit}倍までです（zip 爆弾？）"),
    "zip_total": gettext_noop("ブックを展開すると{total:,}バイトになります。報告のブックは{limit:,}バイトまでです（zip 爆弾？）"),
    # the budget one file gets (limits.py)
    "time_limit": gettext_noop("読み取りが1ファイルの制限時間 {seconds:g} 秒を超えたので止めました。報告なら数秒で読めます"),
    "memory_limit": gettext_noop("読み取りに1ファイルの上限 {mib:,} MiB を超えるメモリーが要るので止めました"),
    "no_answer": gettext_noop("読み取りの処理が結果を返さずに終了しました（終了コード {exitcode}）。ファイルが壊れているかもしれません"),
    "reader_failed": gettext_noop("このファイルで読み取りの処理が失敗しました（{error}）"),
}


# Params that are themselves sengen's words (core.report.JSON_PROBLEMS, FILE_KINDS, EXPECTED),
# translated with the message.
TRANSLATED_PARAMS = frozenset({"problem", "kind", "expected", "why"})
# Why text in another form could not be read (text_forms.py), translated with the message.
FORM_TEXT_WHY = {
    "header": gettext_noop("見出し行が見つかりません"),
    "gutter": gettext_noop("列の境目（空白の縦の筋）が見つかりません"),
}

# What a file that is no report is, by the bytes it starts with (``sniff``).
FILE_KINDS = {
    "png": gettext_noop("PNG の画像"),
    "jpeg": gettext_noop("JPEG の画像"),
    "gif": gettext_noop("GIF の画像"),
    "tiff": gettext_noop("TIFF の画像"),
    "bmp": gettext_noop("BMP の画像"),
    "webp": gettext_noop("WebP の画像"),
    "html": gettext_noop("HTML の文書（Web ページ）"),
    "xml": gettext_noop("XML の文書"),
    "rtf": gettext_noop("RTF の文書"),
    "gzip": gettext_noop("gzip の圧縮ファイル"),
    "7z": gettext_noop("7z の圧縮ファイル"),
    "rar": gettext_noop("RAR の圧縮ファイル"),
    "exe": gettext_noop("プログラム（実行ファイル）"),
}
# What the file's name says it should be.
EXPECTED = {
    ".pdf": gettext_noop("報告の PDF"),
    ".xlsx": gettext_noop("報告の Excel のブック（.xlsx）"),
    ".txt": gettext_noop("PDF から抽出した報告の文（テキスト）"),
    ".json": gettext_noop("sengen.report/1 の JSON"),
    ".csv": gettext_noop("sengen が書き出した報告の CSV"),
    "": gettext_noop("報告の PDF、Excel のブック（.xlsx）、テキストか JSON"),
}

# What a cell of sengen's CSV must hold (csv_report.py), translated with the message.
CSV_EXPECTED = {
    "sdgs": gettext_noop("SDGs の目標番号（1〜17）を「、」で区切ったもの"),
    "extra": gettext_noop("「見出し: 内容」の行"),
    "preamble": gettext_noop("「【見出し】」の行、「SDGs: 番号」の行、「・内容」の行"),
}

# Where, in the order a person looks it up.
PLACES = ("page", "sheet", "row", "last_row", "line", "column", "cell", "number", "path", "part")
PARTS = {"title": gettext_noop("表題"), "heading": gettext_noop("表の上の見出し")}
# How a place is written; translatable like the messages.
_PAGE = gettext_noop("{page}ページ")
_ROW = gettext_noop("{row}行目")
_ROWS = gettext_noop("{row}〜{last}行目")
_SHEET = gettext_noop("シート「{sheet}」")
_SHEET_ROWS = gettext_noop("シート「{sheet}」の{rows}")
_LINE = gettext_noop("{line}行目")
_COLUMN = gettext_noop("{column}文字目")
_CELL = gettext_noop("「{cell}」の欄")
_NUMBER = gettext_noop("No. {number}")
_SEPARATOR = gettext_noop("、")


def _same(message: str) -> str:
    return message


def location_text(where: dict, translate=_same) -> str:
    """``2ページ、No. 3`` / ``シート「市民生活部」の1〜3行目`` / ``12行目、5文字目``; with
    ``translate`` (Django's gettext), in the language of the page."""
    parts = []
    if where.get("page") is not None:
        parts.append(translate(_PAGE).format(page=where["page"]))
    rows = ""
    if where.get("row") is not None:
        last = where.get("last_row")
        rows = (translate(_ROW).format(row=where["row"]) if last is None or last == where["row"]
                else translate(_ROWS).format(row=where["row"], last=last))
    if where.get("sheet") is not None:
        parts.append(translate(_SHEET_ROWS).format(sheet=where["sheet"], rows=rows) if rows
                     else translate(_SHEET).format(sheet=where["sheet"]))
    elif rows:
        parts.append(rows)
    if where.get("line") is not None:
        parts.append(translate(_LINE).format(line=where["line"]))
    if where.get("column") is not None:
        parts.append(translate(_COLUMN).format(column=where["column"]))
    if where.get("cell") is not None:
        parts.append(translate(_CELL).format(cell=where["cell"]))
    if where.get("number") is not None:
        parts.append(translate(_NUMBER).format(number=where["number"]))
    if where.get("path") is not None:
        parts.append(str(where["path"]))
    if where.get("part") is not None:
        part = where["part"]
        parts.append(translate(PARTS[part]) if part in PARTS else str(part))
    return translate(_SEPARATOR).join(parts)


class ParseError(Exception):
    """``ParseError("no_number", source="h29.pdf", page=2, found="一")``: the refusal ``code``
    (a key of ``MESSAGES``), the file, the place (keywords of ``PLACES``), and the params its
    message names."""

    def __init__(self, code: str, *, source: str | None = None, **details):
        self.code = code
        self.source = source
        self.where = {k: details.pop(k) for k in PLACES if details.get(k) is not None}
        for k in PLACES:
            details.pop(k, None)
        self.params = details
        template = MESSAGES[code]
        self.message = template.format(**details)
        super().__init__(str(self))

    def __getattr__(self, name: str):
        # page, line, sheet … read as attributes; None where the error does not say.
        if name in PLACES:
            return self.__dict__.get("where", {}).get(name)
        raise AttributeError(name)

    @property
    def location(self) -> str:
        return location_text(self.where)

    def text(self, translate=_same) -> str:
        """One line, ``file: place: message``; with ``translate`` (Django's gettext) in the
        language of the page that shows it."""
        params = {k: translate(v) if k in TRANSLATED_PARAMS else v for k, v in self.params.items()}
        message = " ".join(translate(MESSAGES[self.code]).format(**params).split())
        return ": ".join([p for p in (self.source, location_text(self.where, translate)) if p] + [message])

    def __str__(self) -> str:
        # One line, whatever the message: callers print it as is.
        return self.text()

    def __reduce__(self):
        # Crosses from the child that parsed to the parent (limits.py) as what it is made of.
        return _rebuild, (self.code, self.source, self.where, self.params)

    def at(self, source: str | None = None, **where) -> ParseError:
        """The same refusal for another file name, or placed elsewhere (``where`` replaces the place)."""
        return ParseError(self.code, source=source if source is not None else self.source,
                          **(where or self.where), **self.params)


def _rebuild(code: str, source: str | None, where: dict, params: dict) -> ParseError:
    return ParseError(code, source=source, **where, **params)
