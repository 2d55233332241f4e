from sengen.declarations.backup import BackupError, restore

from ._base import SengenCommand, UsageError


class Command(SengenCommand):
    help = ("sengen backup で作ったファイルからデータベースを復元します。データのあるデータベースは "
            "--force なしでは置き換えません（置き換える前の内容は data/backups/ に保存します）。")

    def add_arguments(self, parser):
        parser.add_argument("path", help="sengen backup で作ったファイル")
        parser.add_argument("--force", action="store_true",
                            help="データのあるデータベースでも置き換える（前の内容は先にバックアップします）")

    def handle(self, *args, path, force, **options):
        try:
            result = restore(path, force=force)
        except BackupError as exc:
            raise UsageError(str(exc)) from None
        if result.safety_copy:
            self.stdout.write(f"置き換える前の内容を保存しました: {result.safety_copy}")
        self.stdout.write(f"復元しました: {result.path}（{result.engine}）。"
                          "古い版のバックアップなら、続けて `sengen migrate` を実行してください")
