"""Who may do what. Every rule about a user's role and scope lives here, and so does every
sentence that refuses someone for it.

Services call these functions and raise ``PermissionDenied`` with a ``Refusal``; views ask the
same functions what to show (a button, a form) and, where a page itself is refused, raise the
same ``Refusal``: one rule, one sentence, whichever door the person came through."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy

from sengen.core import workflow

from .models import (
    Declaration,
    Department,
    Initiative,
    Municipality,
    Phase,
    PublicationState,
    Role,
    StaffProfile,
)


class Refusal:
    """The sentences that refuse someone for their role or scope. Lazy: each is translated
    into the language of the request that shows it, not the one active at import."""

    NO_STAFF_ACCESS = gettext_lazy("職員用ページを利用する権限がありません")
    NOT_ALLOWED = gettext_lazy("この操作を行う権限がありません")
    READ_DECLARATION = gettext_lazy("この目標宣言を閲覧する権限がありません")
    READ_INITIATIVE = gettext_lazy("この取組を閲覧する権限がありません")
    READ_AUDIT = gettext_lazy("操作記録を閲覧できるのは管理者だけです")
    READ_LATE = gettext_lazy("提出状況を閲覧できるのは管理者と閲覧者です")
    LATE_PAGE = gettext_lazy("提出状況は管理者と閲覧者のページです")
    YEARS_PAGE = gettext_lazy("年度の一覧は管理者と閲覧者のページです")
    OPEN_YEAR = gettext_lazy("年度を開始できるのは管理者だけです")
    SET_DEADLINES = gettext_lazy("期限を設定できるのは管理者だけです")
    PRINT_BOOK = gettext_lazy("年度の目標宣言・報告集を作れるのは管理者だけです")
    CREATE_DECLARATION = gettext_lazy("目標宣言を作成できるのは部長と管理者です")
    CREATE_DEPARTMENTS_DECLARATION = gettext_lazy("この部の目標宣言を作成する権限がありません")
    CARRY_OVER = gettext_lazy("次年度の目標宣言を作成できるのはその部の部長と管理者です")
    ADD_INITIATIVE = gettext_lazy("取組を追加できるのは部長と管理者です")
    ADD_INITIATIVE_IN_STATE = gettext_lazy("「%(state)s」の目標宣言には取組を追加できません")
    CHANGE_SECTIONS = gettext_lazy("担当課を変更できるのは部長と管理者です")
    EDIT_INITIATIVE = gettext_lazy("この取組を編集する権限がありません")
    EDIT_INITIATIVE_IN_STATE = gettext_lazy("「%(state)s」の目標宣言のこの取組を変更する権限がありません")
    EDIT_SUBMITTED = gettext_lazy("提出後は内容を変更できません。変更するときは「作成中に戻す」で作成中に戻してください（操作記録に残ります）")
    EDIT_PUBLISHED = gettext_lazy("公開済みの内容は変更できません。訂正は管理者が理由を添えて行います")
    RECORD_PROGRESS = gettext_lazy("この取組の進捗を入力する権限がありません")
    SAVE_RESULTS = gettext_lazy("この取組の結果を入力する権限がありません")
    JUDGE = gettext_lazy("評価を確定できるのはその部の部長と管理者です")
    JUDGE_IN_STATE = gettext_lazy("「%(state)s」の報告の評価は変更できません")
    SUBMIT_OR_APPROVE = gettext_lazy("提出・承認はその部の部長と管理者が行います")
    CHECK_OR_PUBLISH = gettext_lazy("確認と公開は管理者が行います")
    RETURN = gettext_lazy("作成中に戻せるのはその部の部長と管理者です")
    RETURN_CHECKED = gettext_lazy("確認済みの目標宣言を戻せるのは管理者だけです")
    RETURN_STATE = gettext_lazy("作成中に戻せるのは提出後・公開前の目標宣言だけです")
    START_PHASE = gettext_lazy("次の段階を始められるのはその部の部長と管理者です")
    CORRECT = gettext_lazy("公開済みの内容を訂正できるのは管理者だけです")
    IMPORT = gettext_lazy("報告を取り込めるのは管理者と部長です")
    IMPORT_THIS_REPORT = gettext_lazy("この報告を取り込む権限がありません")
    IMPORT_OWN_DEPARTMENT = gettext_lazy("部長が取り込めるのは自分の部の報告だけです")
    IMPORT_AS_DRAFT = gettext_lazy("部長が取り込んだ報告は作成中として保存されます（公開は管理者が行います）")
    IMPORT_YEAR_NOT_OPEN = gettext_lazy("%(year)sはまだ開かれていません。年度を開くのは行政経営課（管理者）です")
    IMPORT_REPLACE_IN_STATE = gettext_lazy("「%(state)s」の目標宣言を取込で置き換えられるのは管理者だけです")
    MANAGE_FORMS = gettext_lazy("様式を登録・変更できるのは管理者だけです")
    CITY_SETTINGS = gettext_lazy("%(city)sの設定を変更できるのは%(city)sの管理者だけです")


def require(allowed: bool, message=None) -> None:
    """PermissionDenied with ``message`` (a ``Refusal``, formatted or not) unless ``allowed``.
    The message is made a plain string here, in the language of the request being refused."""
    if not allowed:
        raise PermissionDenied(str(message if message is not None else Refusal.NOT_ALLOWED))


# Roles and scope ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Staff:
    """A user's role and scope as the services check them."""

    role: str | None  # None: no staff access at all
    department_id: int | None = None
    section_id: int | None = None
    municipality_id: int | None = None  # an administrator of one city; None: of every city

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    def in_department(self, department_id: int) -> bool:
        return self.role in (Role.DIRECTOR, Role.SECTION_EDITOR) and self.department_id == department_id


def staff_of(user) -> Staff:
    """The role of ``user``. A superuser without a profile is an administrator (the account
    `sengen createsuperuser` makes); any other account without a profile has no access."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Staff(None)
    try:
        profile = user.staff_profile
    except StaffProfile.DoesNotExist:
        return Staff(Role.ADMINISTRATOR) if user.is_superuser else Staff(None)
    if profile.role == Role.SECTION_EDITOR:
        return Staff(profile.role, profile.section.department_id, profile.section_id)
    if profile.role == Role.DIRECTOR:
        return Staff(profile.role, profile.department_id)
    if profile.role == Role.ADMINISTRATOR:
        return Staff(profile.role, municipality_id=profile.municipality_id)
    return Staff(profile.role)


def is_administrator(user) -> bool:
    return staff_of(user).is_administrator


def can_oversee(user) -> bool:
    """The whole programme's pages (the years, who is late) are for administrators and viewers."""
    return staff_of(user).role in (Role.ADMINISTRATOR, Role.VIEWER)


def can_import(user) -> bool:
    """Importing a report: administrators any, directors their own department's as a draft
    (the rest is checked against the report in ``require_import``)."""
    staff = staff_of(user)
    return staff.is_administrator or staff.role == Role.DIRECTOR


def pages_offered(user) -> frozenset[str]:
    """The programme's pages the staff menu offers ``user``: those that open for them (the same
    rules their views and selectors refuse with), so no one is shown a door that answers 403."""
    pages = set()
    if can_oversee(user):
        pages |= {"years", "late"}
    if can_import(user):
        pages.add("import")
    if is_administrator(user):
        pages.add("audit")
    return frozenset(pages)


def can_manage_forms(user) -> bool:
    """Forms (様式) are the whole programme's configuration: what every department's report looks
    like from then on. Only administrators (行政経営課) define them and choose a city's."""
    return staff_of(user).is_administrator


def can_change_city_settings(user, municipality: Municipality) -> bool:
    """A city's own settings (its open-data license): its administrators, or an administrator of
    every city (no city on their profile; a superuser without a profile)."""
    staff = staff_of(user)
    return staff.is_administrator and staff.municipality_id in (None, municipality.pk)


def declarations_visible(*, user) -> QuerySet[Declaration]:
    """Declarations ``user`` may read on the staff pages, drafts included: administrators and
    viewers all of them, directors and section editors their own department's."""
    staff = staff_of(user)
    qs = Declaration.objects.select_related("department__municipality", "fiscal_year")
    if staff.role in (Role.ADMINISTRATOR, Role.VIEWER):
        return qs
    if staff.role in (Role.DIRECTOR, Role.SECTION_EDITOR):
        return qs.filter(department_id=staff.department_id)
    return qs.none()


def can_read(user, declaration: Declaration) -> bool:
    staff = staff_of(user)
    return staff.role in (Role.ADMINISTRATOR, Role.VIEWER) or staff.in_department(declaration.department_id)


def can_manage(user, declaration: Declaration) -> bool:
    """Directing a declaration: adding initiatives, submitting, judging, approving."""
    staff = staff_of(user)
    return staff.is_administrator or (staff.role == Role.DIRECTOR
                                      and staff.department_id == declaration.department_id)


def can_manage_department(user, department: Department) -> bool:
    staff = staff_of(user)
    return staff.is_administrator or (staff.role == Role.DIRECTOR and staff.department_id == department.pk)


def owns_initiative(user, initiative: Initiative) -> bool:
    """A section editor's initiatives are those their section is written against."""
    staff = staff_of(user)
    if staff.role != Role.SECTION_EDITOR:
        return False
    return initiative.section_links.filter(section_id=staff.section_id).exists()


# States ---------------------------------------------------------------------------------------

# Which state each role may still change a declaration's content in. Published content
# changes only through a correction (administrators, with a reason). A director's submission
# is a promise the office acts on: once submitted, the director changes nothing until they take
# it back to draft (作成中に戻す, recorded in the audit log) — an edit never slips in under
# 提出済み unnoticed (issue 12). The office (administrators) may still fix what it checks.
_EDITABLE_STATES = {
    Role.SECTION_EDITOR: {PublicationState.DRAFT},
    Role.DIRECTOR: {PublicationState.DRAFT},
    Role.ADMINISTRATOR: {PublicationState.DRAFT, PublicationState.SUBMITTED, PublicationState.APPROVED,
                         PublicationState.CHECKED},
}


def can_edit_initiative(user, initiative: Initiative) -> bool:
    """May ``user`` change this initiative's content in its declaration's current state?"""
    declaration = initiative.declaration
    staff = staff_of(user)
    if declaration.state not in _EDITABLE_STATES.get(staff.role, ()):
        return False
    if staff.role == Role.SECTION_EDITOR:
        return staff.department_id == declaration.department_id and owns_initiative(user, initiative)
    return can_manage(user, declaration)


def edit_refusal(user, declaration: Declaration) -> str:
    """The sentence refusing ``user`` a change to ``declaration``'s content in its state: a
    director past draft is told the way back (作成中に戻す), anyone else only the state."""
    if staff_of(user).role == Role.DIRECTOR and declaration.state in workflow.RETURNABLE:
        return str(Refusal.EDIT_SUBMITTED)
    return str(Refusal.EDIT_INITIATIVE_IN_STATE % {"state": declaration.get_state_display()})


def page_refusal(user, declaration: Declaration, refusal) -> str:
    """The sentence refusing ``user`` an edit page of ``declaration``: where only its state
    stands in the way (a director's own, once submitted) the state's sentence naming the way
    back, as the service would say on saving; otherwise ``refusal`` (not theirs at all)."""
    if can_manage(user, declaration) and declaration.state != PublicationState.PUBLISHED:
        return edit_refusal(user, declaration)
    return str(refusal)


def open_to_directing(declaration: Declaration) -> bool:
    """Initiatives are added and grades judged only while the director still holds the
    declaration (draft or submitted): once approved it is the administrators' to check, and
    an administrator adding or judging then would change what the director approved.
    Judging a submitted year-end report is the director's approval step, so it stays open;
    adding an initiative is further limited by ``can_change_content``."""
    return declaration.state in (PublicationState.DRAFT, PublicationState.SUBMITTED)


def can_change_content(user, declaration: Declaration) -> bool:
    """May ``user`` (who manages it) add to ``declaration`` in its state: a director only in
    draft, an administrator while the director still holds it."""
    return open_to_directing(declaration) and declaration.state in _EDITABLE_STATES.get(staff_of(user).role, ())


def can_add_initiative(user, declaration: Declaration) -> bool:
    """What the declaration page offers: adding an initiative (the services check the same)."""
    return (can_manage(user, declaration) and declaration.phase == Phase.DECLARATION
            and can_change_content(user, declaration))


def can_judge(user, declaration: Declaration) -> bool:
    """What the declaration page offers: judging the year-end grades."""
    return (can_manage(user, declaration) and declaration.phase == Phase.ACHIEVEMENT_REPORT
            and open_to_directing(declaration))


# Workflow steps -------------------------------------------------------------------------------

def transition_to(*, user, declaration: Declaration, action: str) -> str:
    """The state ``action`` takes ``declaration`` to, if ``user`` may take it now; else
    PermissionDenied (not theirs to take) or ValidationError (not from this phase or state).
    The order and the steps are core.workflow's table; who takes each is decided here."""
    state = declaration.state
    if action == workflow.RETURN:
        require(state in workflow.RETURNABLE, Refusal.RETURN_STATE)
        if state in workflow.RETURN_BY_ADMINISTRATOR:
            require(is_administrator(user), Refusal.RETURN_CHECKED)
        else:
            require(can_manage(user, declaration), Refusal.RETURN)
        return PublicationState.DRAFT
    if action not in workflow.TRANSITIONS:
        raise ValueError(f"unknown action {action!r}")
    transition = workflow.TRANSITIONS[action]
    target = PublicationState(transition.to)
    # Who may act comes first: someone who may not is refused (403) whatever the phase or
    # state, rather than told about a step they could never take.
    if transition.by == workflow.MANAGER:
        require(can_manage(user, declaration), Refusal.SUBMIT_OR_APPROVE)
    else:
        require(is_administrator(user), Refusal.CHECK_OR_PUBLISH)
    allowed_from = workflow.sources(declaration.phase, action)
    if not allowed_from:
        raise ValidationError(gettext("「%(phase)s」には「%(state)s」の段階はありません")
                              % {"phase": declaration.get_phase_display(), "state": target.label})
    if state not in allowed_from:
        raise ValidationError(gettext("「%(current)s」から「%(state)s」にはできません")
                              % {"current": declaration.get_state_display(), "state": target.label})
    return target
