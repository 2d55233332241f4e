import json
from importlib import resources

from sengen.declarations.services import report_import

from ._base import SengenCommand, summary

DEMO_REPORT = "h29-shiminseikatsu-achievement.json"


class Command(SengenCommand):
    help = "見本データ（伊勢原市 平成29年度 市民生活部の達成状況報告）を読み込みます。何度実行しても重複しません。"

    def handle(self, *args, **options):
        self.require_migrated_database()
        text = resources.files("sengen").joinpath("demo", DEMO_REPORT).read_text(encoding="utf-8")
        doc = json.loads(text)
        declaration = report_import(doc=doc, source=f"sengen.demo/{DEMO_REPORT}")
        self.stdout.write(summary(declaration, doc))
