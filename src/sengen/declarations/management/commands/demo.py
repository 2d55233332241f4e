import json
from importlib import resources

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from sengen.declarations.models import Role, StaffProfile
from sengen.declarations.services import report_import

from ._base import SengenCommand, summary

DEMO_REPORT = "h29-shiminseikatsu-achievement.json"

# One account per role, on the demo report's department and section. The passwords are
# published in README.md: these accounts exist only where someone ran `sengen demo`, never
# through a migration, and must not exist on a city's server.
DEMO_ACCOUNTS = [
    # (username, password, role, section or None, full name)
    ("demo-admin", "sengen-demo-admin", Role.ADMINISTRATOR, None, "行政経営課 見本"),
    ("demo-director", "sengen-demo-director", Role.DIRECTOR, None, "市民生活部長 見本"),
    ("demo-editor", "sengen-demo-editor", Role.SECTION_EDITOR, "市民協働課", "市民協働課 見本"),
    ("demo-viewer", "sengen-demo-viewer", Role.VIEWER, None, "閲覧者 見本"),
]


class Command(SengenCommand):
    help = ("見本データ（伊勢原市 平成29年度 市民生活部の達成状況報告）と、役割ごとの見本アカウントを作ります。"
            "何度実行しても重複しません。")

    def add_arguments(self, parser):
        parser.add_argument("--accounts", action="store_true",
                            help="開発モード（SENGEN_DEBUG）でなくても見本アカウントを作成します")

    def handle(self, *args, **options):
        self.require_migrated_database()
        text = resources.files("sengen").joinpath("demo", DEMO_REPORT).read_text(encoding="utf-8")
        doc = json.loads(text)
        declaration = report_import(doc=doc, source=f"sengen.demo/{DEMO_REPORT}")
        self.stdout.write(summary(declaration, doc))
        if not (settings.DEBUG or options["accounts"]):
            # README publishes these passwords: a production server must not get them by accident.
            self.stdout.write("見本アカウントは作成しません（開発モードではありません。作成するには --accounts）")
            return
        for line in demo_accounts(declaration):
            self.stdout.write(line)


@transaction.atomic
def demo_accounts(declaration) -> list[str]:
    """Create the demo accounts that do not exist yet; an existing one is left as it is (its
    password too, in case someone changed it)."""
    User = get_user_model()
    department = declaration.department
    lines = []
    for username, password, role, section_name, full_name in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        last, _, first = full_name.partition(" ")
        user = User(username=username, last_name=last, first_name=first)
        if role == Role.ADMINISTRATOR:
            # 行政経営課 also keeps the reference data (departments, accounts) in Django's admin.
            user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        section = department.sections.get(name=section_name) if section_name else None
        StaffProfile.objects.create(user=user, role=role, section=section,
                                    department=department if role == Role.DIRECTOR else None)
        lines.append(f"見本アカウントを作成しました: {username}（{role.label}）")
    return lines
