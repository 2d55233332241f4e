"""The audit log's one writer: who did what to which object, when, with the before and after.

The services call it for every write on the staff pages, and the admin for every change of
reference data (cities, departments, sections, grading scales, accounts and roles), so one log
answers "who changed this" whatever screen it was changed on. Nothing edits or deletes entries.
"""

from __future__ import annotations

from .models import AuditEntry


def user_name(user) -> str:
    """The name kept with the entry, so it still reads after the account is deleted. Family name
    first, as Japanese names are written (Django's get_full_name puts the given name first)."""
    if user is None:
        return ""
    name = " ".join(part for part in (user.last_name, user.first_name) if part)
    return (name or user.get_username())[:150]


def record(user, action: str, obj, **detail) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        user_name=user_name(user),
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        detail=detail,
    )
