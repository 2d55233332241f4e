"""The workflow's steps: submit → (approve) → check → publish, return to draft, and the start
of the next phase. Who may take which step, and from which state, is ``permissions.transition_to``
over the table in ``core.workflow``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from sengen.core import workflow

from .. import audit, cycle, mail, textlimits
from ..models import (
    Declaration,
    PublicationState,
)
from ..permissions import (
    Refusal,
    can_manage,
    can_read,
    require,
    transition_to,
)
from . import publications
from ._common import (
    _reloaded_declaration,
    _sync,
)


class Incomplete(ValidationError):
    """A step forward over a report that lacks something (``cycle.missing``), not confirmed."""


@transaction.atomic
def declaration_transition(*, user, declaration: Declaration, action: str, reason: str = "",
                           confirm_incomplete: bool = False) -> Declaration:
    """Move a declaration along its phase's flow: submit → (approve) → check → publish, or return
    it to draft. Publishing records what citizens see (a Publication).

    A step forward over a report that lacks something (an initiative without a target, a
    year-end report without results: ``cycle.missing``) is refused with the list (``Incomplete``)
    unless ``confirm_incomplete``: the person has seen the list and goes on knowingly; the
    audit entry records what was passed over."""
    caller, declaration = declaration, _reloaded_declaration(declaration, lock=True)
    require(can_read(user, declaration), Refusal.READ_DECLARATION)
    target = transition_to(user=user, declaration=declaration, action=action)
    textlimits.check_text(reason.strip(), textlimits.line, "reason")
    if action == "approve":
        problems = cycle.unjudged(declaration)
        if problems:
            raise ValidationError(problems)
    gaps = cycle.missing(declaration) if action in cycle.FORWARD else []
    if gaps and not confirm_incomplete:
        raise Incomplete([gettext("まだ入力されていないものがあります。確認のうえ進めるときは"
                                  "「不足を確認して進める」を選んでください"), *gaps])
    before = declaration.state
    declaration.state = target
    if target == PublicationState.PUBLISHED:
        declaration.published_at = timezone.now()
    declaration.save(update_fields=["state", "published_at", "updated_at"])
    if target == PublicationState.PUBLISHED:
        publications.snapshot(user=user, declaration=declaration)
    if gaps and translation.get_language() != settings.LANGUAGE_CODE:
        # The audit log is the office's record: in the programme's language, whichever language
        # the person who went on past the gaps reads the pages in.
        with translation.override(settings.LANGUAGE_CODE):
            gaps = cycle.missing(declaration)
    audit.record(user, f"declaration.{action}", declaration, before=before, after=target, reason=reason.strip(),
                 **({"incomplete": gaps} if gaps else {}))
    mail.handoff_after_commit(declaration=declaration, action=action, reason=reason.strip(), by=user)
    return _sync(caller, declaration)


# The steps by name, for callers that always take the same one (the demo's year-end cycle).

def declaration_approve(*, user, declaration: Declaration) -> Declaration:
    return declaration_transition(user=user, declaration=declaration, action="approve")


def declaration_check(*, user, declaration: Declaration) -> Declaration:
    return declaration_transition(user=user, declaration=declaration, action="check")


def declaration_publish(*, user, declaration: Declaration) -> Declaration:
    return declaration_transition(user=user, declaration=declaration, action="publish")


@transaction.atomic
def declaration_start_phase(*, user, declaration: Declaration, phase: str) -> Declaration:
    """Begin the interim or year-end report of a published declaration. The live rows become a
    draft again; the public keeps reading the last publication."""
    caller, declaration = declaration, _reloaded_declaration(declaration, lock=True)
    require(can_manage(user, declaration), Refusal.START_PHASE)
    if declaration.state != PublicationState.PUBLISHED:
        raise ValidationError(gettext("次の段階は、今の段階を公開してから始めます"))
    if not workflow.is_later_phase(phase, declaration.phase):
        raise ValidationError(gettext("後の段階を選んでください"))
    if not declaration.publications.exists():
        # Published before publication records existed (an import): record it now, so the
        # public page keeps what it showed.
        publications.snapshot(user=user, declaration=declaration)
    before = declaration.phase
    declaration.phase = phase
    declaration.state = PublicationState.DRAFT
    declaration.save(update_fields=["phase", "state", "updated_at"])
    audit.record(user, "declaration.start_phase", declaration, before=before, after=phase)
    mail.phase_opened_after_commit(declaration=declaration, by=user)
    return _sync(caller, declaration)
