from django.db import DatabaseError

from sengen.core.report import ReportError
from sengen.declarations.models import PublicationState
from sengen.declarations.services import report_import

from ._base import SengenCommand, UsageError, summary
from .parse import read_report


class Command(SengenCommand):
    help = ("報告（PDF / テキスト / JSON）を読み込んで保存します。同じ部・年度の報告をもう一度読み込むと、"
            "重複させずに内容を置き換えます。")

    def add_arguments(self, parser):
        parser.add_argument("file", help="報告のファイル（市が公開した PDF、PDF から抽出したテキスト、または JSON）")
        parser.add_argument(
            "--state", choices=PublicationState.values, default=PublicationState.PUBLISHED,
            help="公開状態（既定: published。市が公開済みの報告を取り込む用途のため）",
        )

    def handle(self, *args, **options):
        doc = read_report(options["file"])
        self.require_migrated_database()
        try:
            declaration = report_import(doc=doc, source=options["file"], state=options["state"])
        except ReportError as exc:
            raise UsageError(f"{options['file']}: {exc}") from None
        except DatabaseError as exc:
            raise UsageError(f"{options['file']}: 保存できませんでした: {str(exc).strip().splitlines()[0]}") from None
        self.stdout.write(summary(declaration, doc))

