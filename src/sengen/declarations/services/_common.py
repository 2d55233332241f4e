"""What every write service shares: optimistic locking (``EditConflict`` and the version a save
claims), reloading rows before deciding on them, the audit log, and the checks of state, phase and
text that several services make. Private to the services package."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from sengen.core.limits import MAX_REPORT_CHARS

from .. import textlimits
from ..models import (
    Declaration,
    Initiative,
    Phase,
    PublicationState,
    Target,
)
from ..permissions import (
    Refusal,
    can_edit_initiative,
    can_read,
    edit_refusal,
    require,
)
from ..selectors import last_change


class EditConflict(Exception):
    """Someone saved the same thing after this user opened it (optimistic locking).

    The message is for the person whose save was refused; their input is not lost: the form
    is shown again with it."""


def _conflict_message(object_type: str, pk) -> str:
    last = last_change(object_type=object_type, object_id=pk)
    who = ""
    if last is not None:
        # The date's format is in the catalogue too: 2026年11月24日 10:30 / 2026-11-24 10:30.
        when = timezone.localtime(last.at).strftime(gettext("%Y年%m月%d日 %H:%M"))
        who = gettext("（%(when)sに%(name)sさんが保存）") % {"when": when,
                                                         "name": last.user_name or gettext("別の利用者")}
    # One whole sentence per kind, so that each language can word it its own way.
    text = {
        "initiative": gettext("この取組は、あなたが開いた後に別の利用者が保存しました%(who)s。"),
        "declaration": gettext("この目標宣言は、あなたが開いた後に別の利用者が保存しました%(who)s。"),
        "fiscalyear": gettext("この年度の期限は、あなたが開いた後に別の利用者が保存しました%(who)s。"),
    }[object_type]
    return (text % {"who": who}
            + gettext("あなたの入力は消えていません。最新の内容を確認し、必要なら入力し直してから保存してください。"))


def _lock_initiative(initiative: Initiative, version: int | None) -> None:
    """Claim the next version of ``initiative`` or fail if it moved on since ``version``.

    One conditional UPDATE: on PostgreSQL the second of two concurrent saves waits for the first
    to commit and then matches no row; SQLite serialises writers anyway."""
    if version is None:
        raise ValueError("version is required: state the version the user read")
    claimed = Initiative.objects.filter(pk=initiative.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise EditConflict(_conflict_message("initiative", initiative.pk))
    initiative.version = version + 1


def _bump_declaration(declaration: Declaration, version: int | None = None) -> None:
    qs = Declaration.objects.filter(pk=declaration.pk)
    if version is not None:
        qs = qs.filter(version=version)
    if not qs.update(version=F("version") + 1, updated_at=timezone.now()):
        raise EditConflict(_conflict_message("declaration", declaration.pk))
    declaration.refresh_from_db(fields=["version", "updated_at"])


def _reloaded(initiative: Initiative) -> Initiative:
    """The initiative and its declaration as the database has them now: scope and state are
    decided on the stored row, never on an object a caller may have kept since."""
    return Initiative.objects.select_related("declaration__department__municipality",
                                             "declaration__fiscal_year").get(pk=initiative.pk)


def _reloaded_declaration(declaration: Declaration, *, lock: bool = False) -> Declaration:
    qs = Declaration.objects.select_related("department__municipality", "fiscal_year")
    return (qs.select_for_update(of=("self",)) if lock else qs).get(pk=declaration.pk)


def _sync(caller: Declaration, stored: Declaration) -> Declaration:
    for name in ("phase", "state", "version", "published_at", "updated_at"):
        setattr(caller, name, getattr(stored, name))
    return stored


def _require_phase(declaration: Declaration, phase: str, what: str) -> None:
    if declaration.phase != phase:
        raise ValidationError(gettext("%(what)sは「%(phase)s」の段階でだけ入力できます（現在は「%(current)s」）")
                              % {"what": what, "phase": Phase(phase).label,
                                 "current": declaration.get_phase_display()})


def _require_editable(user, initiative: Initiative) -> None:
    declaration = initiative.declaration
    require(can_read(user, declaration), Refusal.READ_INITIATIVE)
    if declaration.state == PublicationState.PUBLISHED:
        raise PermissionDenied(str(Refusal.EDIT_PUBLISHED))
    require(can_edit_initiative(user, initiative), edit_refusal(user, declaration))


def _lines(items, key: str | None = None) -> list[str]:
    """Bullets as people typed them: blank lines dropped, the text itself kept as written; refused
    (under ``key``) beyond core/limits.py, whoever the caller."""
    lines = [item.rstrip() for item in items if item and item.strip()]
    textlimits.check_lines(lines, key)
    return lines


def _check_report_size(declaration: Declaration) -> None:
    """Every line may be within its limit and the report still be one no city writes (and that
    takes minutes to draw): the report's text together is bounded too. Called after the write,
    inside its transaction, so a refusal leaves what was stored as it was."""
    total = 0
    for row in declaration.initiatives.values_list("title", "content", "results", "future_direction",
                                                   "achievement_status"):
        total += len(row[0]) + sum(len(str(item)) for items in row[1:] for item in (items or []))
    total += sum(len(text) for text in Target.objects.current().filter(initiative__declaration=declaration)
                 .values_list("text", flat=True))
    if total > MAX_REPORT_CHARS:
        raise ValidationError(gettext("報告全体の文字数が多すぎます（%(limit)s文字まで、%(total)s文字あります）")
                              % {"limit": f"{MAX_REPORT_CHARS:,}", "total": f"{total:,}"})
