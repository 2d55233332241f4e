import ipaddress

from django.utils import timezone

from sengen.declarations.management.commands._base import SengenCommand, UsageError
from sengen.security import throttle


def _when(lock: throttle.Lock) -> str:
    return timezone.localtime(lock.until).strftime("%H:%M:%S")


class Command(SengenCommand):
    help = ("ログイン失敗が続いてロックされた利用者または接続元のロックを解除します（失敗の記録を消します）。"
            "USER: その利用者の失敗、--address: その接続元からの失敗（利用者名を問わず）、--all: すべて。"
            "--list: いまのロックを表示するだけ。")

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="利用者名")
        parser.add_argument("--address", action="append", default=[], metavar="IP",
                            help="この接続元のロックを解除する（何度でも指定できます）")
        parser.add_argument("--all", action="store_true", dest="everything", help="すべてのロックを解除する")
        parser.add_argument("--list", action="store_true", dest="show", help="いま有効なロックを表示する（何も消さない）")

    def handle(self, *args, username, address, everything, show, **options):
        chosen = sum([username is not None, bool(address), everything, show])
        if chosen != 1:
            raise UsageError("利用者名、--address IP、--all、--list のどれか一つを指定してください")
        addresses = []
        for text in address:
            try:
                # Stored as client_ip() wrote it: the canonical form (2001:DB8::1 → 2001:db8::1).
                addresses.append(str(ipaddress.ip_address(text.strip())))
            except ValueError:
                raise UsageError(f"--address {text}: IP アドレスではありません（例: 192.0.2.1、2001:db8::1）") from None
        self.require_migrated_database()
        if show:
            self._list()
        elif everything:
            self.stdout.write(f"すべてのログイン失敗の記録 {throttle.clear_all()} 件を消しました")
        elif addresses:
            for ip in addresses:
                self.stdout.write(f"接続元 {ip}: ログイン失敗の記録 {throttle.clear_address(ip)} 件を消しました")
        else:
            removed = throttle.clear(username)
            self.stdout.write(f"{throttle.username_key(username)}: ログイン失敗の記録 {removed} 件を消しました")
            # An address lock stops this user too, and clearing their own failures does not lift
            # it: say so, rather than let the operator believe the login works again.
            for lock in throttle.locks():
                if lock.username is None:
                    self.stdout.write(f"ただし接続元 {lock.ip} は利用者名を問わずロックされています（{_when(lock)}まで）。"
                                      f"その接続元から入れるようにするには: sengen unlock --address {lock.ip}")

    def _list(self) -> None:
        current = throttle.locks()
        if not current:
            self.stdout.write("ロックはありません")
        for lock in current:
            who = "利用者名を問わず" if lock.username is None else f"利用者 {lock.username}"
            self.stdout.write(f"接続元 {lock.ip or '（不明）'}: {who}（{_when(lock)}まで）")
