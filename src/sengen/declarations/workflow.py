"""The workflow table (``sengen.core.workflow``) as the database and the staff pages name it:
the choices the model fields store, and the words each phase, state and action is shown with.
The order and the rules stay in core; this adds only the labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sengen.core import workflow


class Phase(models.TextChoices):
    # Values are sengen.report/1's ``document`` values.
    DECLARATION = workflow.DECLARATION, _("目標宣言")
    INTERIM_REPORT = workflow.INTERIM_REPORT, _("中間報告")
    ACHIEVEMENT_REPORT = workflow.ACHIEVEMENT_REPORT, _("達成状況報告")


class PublicationState(models.TextChoices):
    DRAFT = workflow.DRAFT, _("作成中")
    SUBMITTED = workflow.SUBMITTED, _("提出済み")
    APPROVED = workflow.APPROVED, _("部長承認済み")
    CHECKED = workflow.CHECKED, _("確認済み")
    PUBLISHED = workflow.PUBLISHED, _("公開中")


# What the button for each action says.
TRANSITION_LABELS = {
    "submit": _("提出する"), "approve": _("部長として承認する"),
    "check": _("確認済みにする"), "publish": _("公開する"), workflow.RETURN: _("作成中に戻す"),
}
# What the page says once the action is done: a sentence of its own per action (「『提出する』を
# 行いました」 pasted the button's words into a frame, which reads as machine talk in Japanese).
TRANSITION_DONE = {
    "submit": _("提出しました"), "approve": _("部長として承認しました"),
    "check": _("確認済みにしました"), "publish": _("公開しました。公開ページに表示されます"),
    workflow.RETURN: _("作成中に戻しました"),
}
