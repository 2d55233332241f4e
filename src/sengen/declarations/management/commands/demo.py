import json
from importlib import resources

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sengen.declarations.grading import grade_proposal, municipality_scale, scale_for
from sengen.declarations.models import (
    Evaluation,
    Form,
    GradingScale,
    Municipality,
    PublicationState,
    Role,
    StaffProfile,
    Target,
)
from sengen.declarations.selectors import declaration_for_report, report_municipality
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.results import Judgement, declaration_judge
from sengen.declarations.services.transitions import (
    declaration_approve,
    declaration_check,
    declaration_publish,
)

from ._base import SengenCommand, UsageError, summary

DEMO_REPORT = "h29-shiminseikatsu-achievement.json"

# A second, fictional city (架空市) whose reports use another form (F2 of FAMILIES.md: 部の使命・方針
# before the table, 達成基準, a grade per initiative on its own four-step scale), so a newcomer
# sees two forms side by side. Written for sengen (no city published them), published as written
# with their grades: the demo accounts' cycle stays on the seed's city.
SECOND_CITY = "架空市"
SECOND_CITY_FORM = "f2-sengensha"
SECOND_CITY_REPORTS = ("kakuu-h29-kankyo-achievement.json", "kakuu-h29-kenkofukushi-declaration.json")

# The demo city judges on the 計画以上 / 計画通り / 計画未満 / 評価不能 preset: the seed report
# leaves four of its nine targets unjudged, and only this preset has a grade for "cannot be
# judged" (評価不能), which a director may choose with a reason.
DEMO_SCALE = "plan"

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

# What the demo director writes where the report gives no judgement to confirm.
UNJUDGED_REASON = "達成状況報告書にこの目標の達成・未達成の記載がないため（見本データ）"
UNMET_REASON_PREFIX = "報告書の目標達成状況欄より："


class Command(SengenCommand):
    help = ("見本データ（伊勢原市 平成29年度 市民生活部の達成状況報告と、別の様式を使う架空市の報告2件）と、"
            "役割ごとの見本アカウントを作ります。"
            "開発モードでは、見本アカウントの部長が評価を確定し、管理者が公開するまでの流れを実際に行います。"
            "何度実行しても重複しません。")

    def add_arguments(self, parser):
        parser.add_argument("--accounts", action="store_true",
                            help="開発モード（SENGEN_DEBUG）でなくても見本アカウントを作成します")

    def handle(self, *args, **options):
        self.require_migrated_database()
        text = resources.files("sengen").joinpath("demo", DEMO_REPORT).read_text(encoding="utf-8")
        doc = json.loads(text)
        accounts = settings.DEBUG or options["accounts"]
        with transaction.atomic():  # a refusal below leaves nothing of this run behind
            _demo_municipality(doc["municipality"])
            declaration = declaration_for_report(doc)
            # The year-end cycle runs only on a report this run stores: one already there may be
            # someone's work (a draft being edited, another phase) and is left as it is.
            cycle = accounts and declaration is None and _judgeable(doc)
            if declaration is None:
                # With the demo accounts, the report goes through the year-end cycle as staff
                # would run it (draft → judged → approved → checked → published); without them it
                # is stored as the city published it.
                state = PublicationState.DRAFT if cycle else PublicationState.PUBLISHED
                declaration = report_import(doc=doc, source=f"sengen.demo/{DEMO_REPORT}", state=state).declaration
                action = "created"
            else:
                action = "unchanged"
            self.stdout.write(summary(declaration, doc, action))
            for line in _second_city():
                self.stdout.write(line)
            if not accounts:
                # README publishes these passwords: a production server must not get them by accident.
                self.stdout.write("見本アカウントは作成しません（開発モードではありません。作成するには --accounts）")
                return
            for line in demo_accounts(declaration):
                self.stdout.write(line)
            if cycle:
                try:
                    self.stdout.write(demo_year_end(declaration))
                except (ValidationError, PermissionDenied) as exc:
                    reason = "、".join(getattr(exc, "messages", None) or [str(exc)])
                    raise UsageError(f"見本の報告の年度末の手続きができませんでした（何も保存していません）: {reason}") \
                        from None


def _judgeable(doc) -> bool:
    """Whether the demo city's scale has the 評価不能 grade the demo director needs for the
    targets the report never judged (a city configured otherwise gets the report as published)."""
    city = Municipality.objects.filter(name=report_municipality(doc["municipality"])).first()
    scale = municipality_scale(city)
    return scale is not None and scale.grades.filter(min_rate=None, evaluation=Evaluation.NOT_EVALUATED).exists()


def _second_city() -> list[str]:
    """架空市 on the F2 form and its scale, and its reports as published. A city that exists keeps
    its settings, and a report already stored (someone's work, or an earlier run) is left as it is."""
    if not Municipality.objects.filter(name=SECOND_CITY).exists():
        form = Form.objects.filter(municipality__isnull=True, code=SECOND_CITY_FORM).first()
        scale_code = _form_scale(form)
        Municipality.objects.create(name=SECOND_CITY, form=form,
                                    grading_scale=GradingScale.objects.filter(code=scale_code).first())
    lines = []
    for name in SECOND_CITY_REPORTS:
        doc = json.loads(resources.files("sengen").joinpath("demo", name).read_text(encoding="utf-8"))
        declaration = declaration_for_report(doc)
        if declaration is None:
            declaration = report_import(doc=doc, source=f"sengen.demo/{name}").declaration
            action = "created"
        else:
            action = "unchanged"
        lines.append(summary(declaration, doc, action).replace(": ", f": {SECOND_CITY} ", 1))
    return lines


def _form_scale(form) -> str | None:
    """The grading scale code of a stored preset form's latest version (None without one)."""
    version = form.versions.order_by("-version").first() if form is not None else None
    return (version.definition or {}).get("scale") if version is not None else None


def _demo_municipality(name: str | None) -> None:
    """Create the demo city on its grading scale; a city that exists keeps the scale it has."""
    if name is None or Municipality.objects.filter(name=name).exists():
        return
    Municipality.objects.create(name=name, grading_scale=GradingScale.objects.filter(code=DEMO_SCALE).first())


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


def demo_year_end(declaration) -> str:
    """The demo director judges the year-end report and approves it; the demo administrator
    checks and publishes it — through the same services, checks and audit log as the staff pages.

    The director confirms sengen's proposal wherever there is one. Where the report judged
    nothing (no proposal), the director records 評価不能 with the reason; an unmet target gets
    the report's own 目標達成状況 text as its reason, quoted, not rewritten.
    """
    User = get_user_model()
    director = User.objects.get(username="demo-director")
    admin = User.objects.get(username="demo-admin")
    scale = scale_for(declaration)
    unjudged = scale.grades.get(min_rate=None, evaluation=Evaluation.NOT_EVALUATED)
    judgements = []
    targets = (Target.objects.current().filter(initiative__declaration=declaration)
               .select_related("initiative", "outcome").order_by("initiative__position", "position"))
    for target in targets:
        proposed = grade_proposal(target=target, scale=scale)
        if proposed:
            judgement = Judgement(target_id=target.pk, grade_code=proposed)
        else:
            judgement = Judgement(target_id=target.pk, grade_code=unjudged.code,
                                           override_reason=UNJUDGED_REASON)
        grade = scale.grades.get(code=judgement.grade_code)
        outcome = getattr(target, "outcome", None)
        if Evaluation.NOT_ACHIEVED in (grade.evaluation, getattr(outcome, "evaluation", None)):
            status = "".join(target.initiative.achievement_status)
            judgement.unmet_reason = UNMET_REASON_PREFIX + status if status else UNJUDGED_REASON
        judgements.append(judgement)
    declaration.refresh_from_db()
    declaration_judge(user=director, declaration=declaration, version=declaration.version,
                               judgements=judgements)
    declaration_approve(user=director, declaration=declaration)
    declaration_check(user=admin, declaration=declaration)
    declaration_publish(user=admin, declaration=declaration)
    return (f"見本の報告の評価を確定して公開しました: 達成目標 {len(judgements)} 件"
            f"（部長 demo-director が確定・承認、管理者 demo-admin が確認・公開）")
