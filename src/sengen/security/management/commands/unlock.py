from sengen.declarations.management.commands._base import SengenCommand
from sengen.security import throttle


class Command(SengenCommand):
    help = "ログイン失敗が続いてロックされた利用者のロックを解除します（失敗の記録を消します）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="利用者名")

    def handle(self, *args, username, **options):
        self.require_migrated_database()
        removed = throttle.clear(username)
        self.stdout.write(f"{throttle.username_key(username)}: ログイン失敗の記録 {removed} 件を消しました")
