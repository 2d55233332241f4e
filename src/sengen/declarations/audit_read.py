"""The audit log as people read it: each action's name in words (ja, en through gettext) and,
for each entry, what changed from what to what.

``audit.record`` stores an action key (``declaration.import.updated``) and the before and after
as JSON, the shape each service wrote them in. The staff audit page showed the raw key and
nothing of the values although the README promises both; this turns an entry into what a page
prints, bounded (an entry can hold a whole form's definition), and never raises on a key or a
shape it does not know: an unknown key is shown as stored, an unknown field under its own name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sengen.core import workflow

from .models import AuditEntry, Phase, PublicationState
from .selectors import audit_entries

ACTION_LABELS = {
    "admin.add": _("管理画面で追加"),
    "admin.change": _("管理画面で変更"),
    "admin.delete": _("管理画面で削除"),
    "declaration.create": _("目標宣言を作成"),
    "declaration.carry_over": _("前年度の報告から目標宣言を作成"),
    "declaration.judge": _("評価段階を確定"),
    "declaration.start_phase": _("次の段階を開始"),
    "declaration.submit": _("提出"),
    "declaration.approve": _("部長が承認"),
    "declaration.check": _("確認済みにした"),
    "declaration.publish": _("公開"),
    f"declaration.{workflow.RETURN}": _("作成中に戻した"),
    "declaration.import.created": _("報告を取り込み（新規）"),
    "declaration.import.updated": _("報告を取り込み（更新）"),
    "fiscal_year.open": _("年度を開始"),
    "fiscal_year.deadlines": _("期限を変更"),
    "form.create": _("様式を登録"),
    "form.update": _("様式を更新"),
    "form.assign": _("自治体の様式を変更"),
    "initiative.create": _("取組を追加"),
    "initiative.update": _("取組を変更"),
    "initiative.progress": _("進捗を入力"),
    "initiative.interim_status": _("中間の進捗状況を変更"),
    "initiative.results": _("結果を入力"),
    "initiative.correct": _("公開後に訂正"),
    "mail.sent": _("メールを送信"),
    "mail.failed": _("メールを送信できなかった"),
    "mail_preference.save": _("メールの設定を変更"),
    "municipality.open_data_license": _("オープンデータの利用条件を変更"),
}

# The names the services store values under, in words. A name not here is shown as stored.
FIELD_LABELS = {
    "title": _("取組名"), "number": _("番号"), "sections": _("担当課"), "content": _("取組内容"),
    "targets": _("達成目標"), "text": _("文言"), "results": _("取組結果"),
    "future_direction": _("今後の取組の方向性"), "future_direction_category": _("方向性の区分"),
    "achievement_status": _("目標達成状況"), "status": _("状況"), "actual": _("実績"), "value": _("値"),
    "unit": _("単位"), "evaluation": _("評価"), "achievement_rate": _("達成率"), "grade": _("評価段階"),
    "grade_reason": _("評価の理由"), "reason": _("理由"), "source": _("出典"), "state": _("状態"), "phase": _("段階"),
    "version": _("版"), "declaration_due": _("目標宣言の期限"), "interim_report_due": _("中間報告の期限"),
    "achievement_report_due": _("達成状況報告の期限"), "judgements": _("評価段階"), "entries": _("進捗"),
    "initiatives": _("取組"), "language": _("メールの言語"), "handoffs": _("段階の受け渡しのメール"),
    "to": _("宛先"), "subject": _("件名"), "error": _("エラー"), "incomplete": _("不足を確認して進めた項目"),
    "message": _("内容"), "also_deleted": _("あわせて削除"), "fields": _("項目"), "municipality": _("自治体"),
    "definition": _("定義"), "previous": _("前の定義"), "background": _("背景"), "approach": _("方策"),
    "partners": _("協働先"), "self_evaluation": _("自己評価"), "remarks": _("備考"), "plan_refs": _("施策"),
    "sdgs": "SDGs", "extra": _("その他の列"), "target": _("達成目標のID"), "proposed": _("提案"),
    "override_reason": _("提案と異なる理由"), "unmet_reason": _("未達成の理由"), "interim_status": _("中間の進捗状況"),
    "as_of": _("時点"), "comment": _("コメント"), "recipient": _("受信者"), "kind": _("種類"),
    "open_data_license_name": _("ライセンスの識別子"), "open_data_license_title": _("ライセンスの名前"),
    "open_data_license_path": _("ライセンスのURL"),
}
# What a state or phase is called, where an entry stores one as its before or after.
_STATE_WORDS = {**dict(PublicationState.choices), **dict(Phase.choices)}

_PAIRED = ("before", "after", "previous", "definition")  # shown as differences, not as notes
MAX_CHANGES = 30   # per entry; the rest are counted
MAX_CHARS = 300    # per value shown


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the entry has no before (something added, or a note)
    after: str | None
    nested: bool = False  # one field of a record among several (a note's list), not a note of its own


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    action: str
    changes: list[Change]
    more: int  # changes left out past MAX_CHANGES


def action_label(key: str) -> str:
    label = ACTION_LABELS.get(key)
    return str(label) if label is not None else key


def _field(path: tuple) -> str:
    words = []
    for part in path:
        if isinstance(part, int):
            words.append(str(part + 1))
        else:
            label = FIELD_LABELS.get(part)
            words.append(str(label) if label is not None else str(part))
    return " › ".join(words)


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("はい") if value else gettext("いいえ")
    if isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = " ／ ".join(value)
    elif isinstance(value, (int, float)):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


def _flat(value: Any, path: tuple = ()) -> dict[tuple, Any]:
    """Nested dicts and lists of dicts as {path: leaf}; a list of plain values stays one leaf
    (a bullet list reads as a whole)."""
    if isinstance(value, dict) and value:
        out = {}
        for key, inner in value.items():
            out.update(_flat(inner, (*path, key)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, inner in enumerate(value):
            out.update(_flat(inner, (*path, i)))
        return out
    return {path: value}


def _word(value: Any) -> Any:
    return str(_STATE_WORDS[value]) if isinstance(value, str) and value in _STATE_WORDS else value


def _scalar_field(value: Any) -> str:
    """What a before/after that is one value stands for: a declaration's state or phase (the
    workflow's steps), else nothing more than the action says."""
    if value in PublicationState.values:
        return str(FIELD_LABELS["state"])
    if value in Phase.values:
        return str(FIELD_LABELS["phase"])
    return ""


def _detail(entry: AuditEntry) -> dict:
    return entry.detail if isinstance(entry.detail, dict) else {"": entry.detail}


def entry_diffs(entry: AuditEntry) -> list[Change]:
    """The values that differ between the entry's before and after, field by field (a state or
    phase in words); a value only before was removed, one only after was added."""
    detail = _detail(entry)
    # A form's new version keeps the definition it replaces as ``previous``: that is its before.
    keys = ("previous", "definition") if "definition" in detail else ("before", "after")
    if keys[0] not in detail and keys[1] not in detail:
        return []
    before, after = detail.get(keys[0]), detail.get(keys[1])
    if not isinstance(before, (dict, list)) and not isinstance(after, (dict, list)):
        if before == after:
            return []
        return [Change(_scalar_field(after), _text(_word(before)) if keys[0] in detail else None,
                       _text(_word(after)) if keys[1] in detail else None)]
    old = _flat(before) if before is not None else {}
    new = _flat(after) if after is not None else {}
    return [Change(_field(path), _text(old.get(path)) if path in old else None,
                   _text(new.get(path)) if path in new else None)
            for path in [*old, *(p for p in new if p not in old)] if old.get(path) != new.get(path)]


def entry_notes(entry: AuditEntry) -> list[Change]:
    """What else the entry records (a reason, the file imported, the grades confirmed…): one
    value per field, a list of records (``judgements``) field by field like a before/after."""
    notes = []
    for key, value in _detail(entry).items():
        if key in _PAIRED or value in (None, "", [], {}):
            continue
        notes += [Change(_field(path) if path else "", None, _text(_word(leaf)), nested=len(path) > 1)
                  for path, leaf in _flat(value, (key,) if key else ()).items() if leaf not in (None, "", [], {})]
    return notes


def audit_rows(*, user, limit: int = 200) -> list[AuditRow]:
    """The newest ``limit`` entries as the audit page prints them (administrators only)."""
    rows = []
    for entry in audit_entries(user=user, limit=limit):  # refuses anyone but an administrator
        # A reason and other one-value notes always show; the differences and the notes' records
        # (a whole form's definition) show their first MAX_CHANGES and count the rest.
        notes = entry_notes(entry)
        single = [n for n in notes if not n.nested]
        many = entry_diffs(entry) + [n for n in notes if n.nested]
        rows.append(AuditRow(entry=entry, action=action_label(entry.action),
                             changes=many[:MAX_CHANGES] + single, more=max(0, len(many) - MAX_CHANGES)))
    return rows
