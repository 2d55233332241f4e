from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sengen.declarations.management.commands._base import SengenCommand, UsageError
from sengen.security.adminpath import admin_path


class Command(SengenCommand):
    help = "管理サイトの URL（このインストールに固有のパス）を表示します。"

    def handle(self, *args, **options):
        if not settings.SENGEN_ADMIN_PATH:
            try:
                settings.SECRET_KEY  # noqa: B018 — the derived path needs the server's key
            except ImproperlyConfigured:
                raise UsageError("SENGEN_SECRET_KEY が設定されていません（管理サイトのパスはこの鍵から決まります。"
                                   "SENGEN_ADMIN_PATH で指定することもできます）") from None
        path = "/" + admin_path()
        self.stdout.write(path)
        hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
        if hosts:
            scheme = "http" if settings.DEBUG else "https"
            self.stdout.write(f"{scheme}://{hosts[0]}{path}")
