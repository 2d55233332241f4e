from sengen.declarations.backup import BackupError, backup

from ._base import SengenCommand, UsageError


class Command(SengenCommand):
    help = ("データベース全体をファイルにバックアップします。サーバーを止める必要はありません"
            "（SQLite はオンラインバックアップ、PostgreSQL は pg_dump のカスタム形式）。")

    def add_arguments(self, parser):
        parser.add_argument("path", help="バックアップを書き出すファイル（あれば、完成してから置き換えます）")

    def handle(self, *args, path, **options):
        try:
            result = backup(path)
        except BackupError as exc:
            raise UsageError(str(exc)) from None
        self.stdout.write(f"バックアップしました: {result.path}（{result.engine}、{result.size:,} バイト）")
