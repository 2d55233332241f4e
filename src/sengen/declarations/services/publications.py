"""What citizens read: the publication record a publish or a correction writes, and corrections
of published text (administrators, with a reason)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sengen.core.numbers import decimal_to_json

from .. import audit, publicindex, textlimits
from ..models import (
    Declaration,
    Initiative,
    Outcome,
    Phase,
    Progress,
    Publication,
    PublicationState,
    Revision,
    Target,
)
from ..permissions import (
    Refusal,
    is_administrator,
    require,
)
from ..selectors import (
    correctable_results,
    initiative_document,
    report_document,
)
from ._common import (
    _bump_declaration,
    _check_report_size,
    _lines,
    _lock_initiative,
    _reloaded,
)


def snapshot(*, user, declaration: Declaration, reason: str = "", document: dict | None = None) -> Publication:
    """Record what citizens read from now on: the declaration's document (or ``document``, a
    corrected publication) with the interim figures that go with it, in the public index too."""
    progress = []
    if declaration.phase == Phase.INTERIM_REPORT and document is None:
        for target in (Target.objects.current().filter(initiative__declaration=declaration)
                       .select_related("initiative").order_by("initiative__position", "position")):
            latest = target.progress.order_by("-as_of", "-id").first()
            if latest is not None:
                progress.append({"number": target.initiative.number, "target": target.position,
                                 "text": target.text,
                                 "value": None if latest.value is None else decimal_to_json(latest.value),
                                 "unit": latest.unit, "as_of": latest.as_of.isoformat(),
                                 "comment": latest.comment})
    elif document is not None:
        previous = declaration.publications.latest()
        progress = list(previous.progress) if previous else []
    return publicindex.indexed(Publication.objects.create(
        declaration=declaration, phase=(document or {}).get("document", declaration.phase),
        version=declaration.version,
        document=document if document is not None else report_document(declaration=declaration),
        progress=progress, published_at=timezone.now(), published_by=user,
        reason=reason))


@dataclass
class Correction:
    title: str
    content: list[str]
    target_texts: dict[int, str]  # target id → corrected text
    results: list[str] | None = None  # None: not corrected (only a published year-end report has them)
    future_direction: list[str] | None = None
    achievement_status: list[str] | None = None
    # sengen.report/2's columns the declaration's form has (``background`` … ``plan_refs``,
    # ``self_evaluation``, ``sdgs``, ``extra``: services.plans.apply_v2_columns); a name left out
    # or None is not corrected. The year-end ones (``self_evaluation``) only with the results.
    columns: dict[str, object] | None = None


# The columns a correction may change beside the seed's: the plan's (corrected at any time) and
# the year-end one (only while the year-end report is what is public).
PLAN_COLUMNS = ("background", "approach", "partners", "remarks", "plan_refs", "sdgs", "extra")
YEAR_END_COLUMNS = ("self_evaluation",)


@transaction.atomic
def initiative_correct(*, user, initiative: Initiative, version: int, reason: str,
                       correction: Correction) -> Revision:
    """Correct published text: a new version of the declaration, the initiative before and after
    kept with who, when and why, and a new publication for the public page."""
    initiative = _reloaded(initiative)
    declaration = initiative.declaration
    require(is_administrator(user), Refusal.CORRECT)
    latest = declaration.publications.latest()
    if latest is None and declaration.state != PublicationState.PUBLISHED:
        raise ValidationError(gettext("公開されていない目標宣言は訂正ではなく通常の編集で変更します"))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("訂正の理由を入力してください")})
    textlimits.check_text(reason, textlimits.line, "reason")
    title = correction.title.strip()
    if not title:
        raise ValidationError({"title": gettext("取組名を入力してください")})
    textlimits.check_text(title, textlimits.name, "title")
    before = initiative_document(initiative=initiative)
    _lock_initiative(initiative, version)
    initiative.title = title
    initiative.content = _lines(correction.content, "content")
    results_too = correctable_results(declaration)
    if results_too:
        for name in ("results", "future_direction", "achievement_status"):
            value = getattr(correction, name)
            if value is not None:
                setattr(initiative, name, _lines(value, name))
    if correction.columns:
        from .plans import apply_v2_columns

        columns = {name: value for name, value in correction.columns.items()
                   if results_too or name not in YEAR_END_COLUMNS}
        apply_v2_columns(initiative, columns)
    initiative.save()
    targets = {t.pk: t for t in initiative.targets.current()}
    if set(correction.target_texts) - set(targets):
        raise PermissionDenied(gettext("この取組にない達成目標は訂正できません"))
    for pk, text in correction.target_texts.items():
        old = targets[pk]
        text = text.strip()
        if not text:
            raise ValidationError({f"target_{pk}": gettext("達成目標の文が空です")})
        textlimits.check_text(text, textlimits.line, f"target_{pk}")
        if text == old.text:
            continue
        # A revised target is a new row that points at the one it replaces, with the reason.
        new = Target.objects.create(
            initiative=initiative, position=old.position, text=text, kind=old.kind, value=old.value, unit=old.unit,
            direction=old.direction, baseline_value=old.baseline_value, baseline_unit=old.baseline_unit,
            due_date=old.due_date, due_precision=old.due_precision, revised_from=old, revision_reason=reason)
        Outcome.objects.filter(target=old).update(target=new)
        Progress.objects.filter(target=old).update(target=new)
    after = initiative_document(initiative=initiative)
    if after == before:
        raise ValidationError(gettext("訂正する内容がありません"))
    _check_report_size(declaration)
    _bump_declaration(declaration)
    revision = Revision.objects.create(declaration=declaration, initiative=initiative, version=declaration.version,
                                       reason=reason, before=before, after=after, user=user,
                                       user_name=audit.user_name(user) or "-")
    if declaration.state == PublicationState.PUBLISHED:
        document = report_document(declaration=declaration)
    else:
        # Staff are writing the next phase in the live rows: correct the published document
        # itself, changing only this initiative's plan columns.
        document = copy.deepcopy(latest.document)
        # By position: unnumbered items (sengen.report/2) all have number None.
        position = list(declaration.initiatives.values_list("pk", flat=True)).index(initiative.pk)
        items = document["initiatives"]
        if position < len(items) and items[position].get("number") == initiative.number:
            item = items[position]
            item["title"] = after["title"]
            item["content"] = after["content"]
            for doc_target, live in zip(item["targets"], after["targets"], strict=False):
                doc_target["text"] = live["text"]
            for name in PLAN_COLUMNS:
                if name in after:
                    item[name] = after[name]
                elif name in item:
                    del item[name]
    snapshot(user=user, declaration=declaration, reason=reason, document=document)
    audit.record(user, "initiative.correct", initiative, reason=reason, before=before, after=after,
                 version=declaration.version)
    return revision
