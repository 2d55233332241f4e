"""The limits of core/limits.py as Django validators, with their messages in one place.

The staff forms, Django's admin and the services all refuse through these, so a person sees the
same sentence whichever door the text came through, and a caller that bypasses a form (a script,
a future API) is refused by the service just the same. The numbers stay in core/limits.py, which
the parsers' gate (core.report.normalise) reads too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from sengen.core.limits import MAX_ITEMS, MAX_LINE_CHARS, MAX_NAME_CHARS, MAX_UNIT_CHARS

__all__ = ["MAX_ITEMS", "MAX_LINE_CHARS", "MAX_NAME_CHARS", "MAX_UNIT_CHARS", "LengthLimit",
           "check_lines", "check_text", "line", "name", "unit"]


@deconstructible
class LengthLimit:
    """At most ``limit`` characters. Deconstructible, so a model field may carry it (a migration
    records it without changing any column)."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value) -> None:
        if value is not None and len(str(value)) > self.limit:
            raise ValidationError(_("%(limit)s文字までです（%(length)s文字あります）"), code="too_long",
                                  params={"limit": f"{self.limit:,}", "length": f"{len(str(value)):,}"})

    def __eq__(self, other) -> bool:
        return isinstance(other, LengthLimit) and other.limit == self.limit

    def __hash__(self) -> int:
        return hash(self.limit)


line = LengthLimit(MAX_LINE_CHARS)
name = LengthLimit(MAX_NAME_CHARS)
unit = LengthLimit(MAX_UNIT_CHARS)


def check_lines(items: Iterable | None, key: str | None = None, *, limit: int = MAX_LINE_CHARS,
                max_items: int = MAX_ITEMS) -> None:
    """A list of bullets: at most ``max_items`` of them, none longer than ``limit``. The message
    says which line, since a textarea of forty lines gives no other clue."""
    try:
        _check_lines(items, limit, max_items)
    except ValidationError as exc:
        if key:
            raise ValidationError({key: exc}) from None
        raise


def _check_lines(items, limit: int, max_items: int) -> None:
    if items is None:
        return
    if isinstance(items, str):
        items = [items]
    items = list(items)
    if len(items) > max_items:
        raise ValidationError(_("%(limit)s行までです（%(count)s行あります）"), code="too_many",
                              params={"limit": max_items, "count": f"{len(items):,}"})
    for number, item in enumerate(items, 1):
        if len(str(item)) > limit:
            raise ValidationError(_("%(line)s行目が長すぎます: %(limit)s文字までです（%(length)s文字あります）"),
                                  code="too_long",
                                  params={"line": number, "limit": f"{limit:,}", "length": f"{len(str(item)):,}"})


def check_text(value, validator: LengthLimit, key: str | None = None) -> None:
    """``validator(value)``, its error under ``key`` (a form field's name) when one is given."""
    try:
        validator(value)
    except ValidationError as exc:
        if key:
            raise ValidationError({key: exc}) from None
        raise
