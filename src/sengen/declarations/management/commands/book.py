"""``sengen book``: the city's book of a fiscal year and phase as one PDF (issue 12).

    sengen book --fiscal-year 2017 --phase achievement_report -o 平成29年度.pdf
    sengen book --fiscal-year 平成30年度 --phase declaration --draft -o draft.pdf

Published reports by default (what citizens read); ``--draft`` takes the reports' current rows,
and every page then says 下書き（DRAFT）. Bad input and a year with nothing to print are one line
on stderr and exit status 2; nothing is written then.
"""

from __future__ import annotations

from sengen.core.workflow import DOCUMENT_NAMES, PHASES
from sengen.declarations.book import BookEmpty, book_contents

from ._base import SengenCommand, UsageError
from .export import fiscal_year_arg, write_output


class Command(SengenCommand):
    help = "年度・段階ごとに、全部の目標宣言・報告を1冊の PDF（表紙・目次・しおり付き）に書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("--fiscal-year", required=True, type=fiscal_year_arg,
                            help="年度（2017 または 平成29年度）")
        parser.add_argument("--phase", required=True, choices=PHASES,
                            help="段階: " + "、".join(f"{p}（{DOCUMENT_NAMES[p]}）" for p in PHASES))
        parser.add_argument("--municipality", help="自治体名（複数の自治体を登録しているときに指定）")
        parser.add_argument("--draft", action="store_true",
                            help="公開前の内容（現在の作成中のもの）で作る。全ページに「下書き」と入ります")
        parser.add_argument("-o", "--output", required=True, help="出力先の PDF ファイル")

    def handle(self, *args, **options):
        from sengen.renderers.book import render_book

        output = options["output"]
        if output == "-":
            raise UsageError("PDF は標準出力に書けません: -o でファイルを指定してください")
        self.require_migrated_database()
        try:
            book = book_contents(fiscal_year=options["fiscal_year"], phase=options["phase"],
                                 municipality=options["municipality"], draft=options["draft"])
        except BookEmpty as exc:
            hint = "" if options["draft"] else "（公開前のものを含めるには --draft）"
            raise UsageError(f"{exc}{hint}") from None
        data = render_book(book.reports, draft=book.draft, municipality=book.municipality,
                           fiscal_year_label=book.fiscal_year_label, phase=book.phase)
        write_output(output, data)
        self.stdout.write(f"{output}: {book.municipality} {book.fiscal_year_label} {DOCUMENT_NAMES[book.phase]}"
                          f" {len(book.reports)}部{'（下書き）' if book.draft else ''}")
