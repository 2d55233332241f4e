"""Forms (様式): which columns a city's reports have, as data a city's administrator edits.

A form's definition is ``sengen.core.forms.form_to_dict``'s JSON, kept per version: a report
points at the version it was made with (``Declaration.form_version``), so changing a form (a
new version) never changes a stored or published report. The services write versions after
checking them with ``form_from_dict``; nothing here interprets the definition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .reference import Municipality


class Form(models.Model):
    """A form one city uses (``municipality`` set) or a preset any city may use (null).

    Its current definition is its latest version."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="forms", verbose_name="自治体")
    code = models.SlugField("コード", max_length=50, allow_unicode=True)
    name = models.CharField("名称", max_length=200)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "様式"
        verbose_name_plural = "様式"
        ordering = ["municipality__name", "code"]
        constraints = [
            # NULLs are distinct to both databases, so two presets of one code are kept apart by
            # the service that writes forms, not by this constraint.
            models.UniqueConstraint(fields=["municipality", "code"], name="form_unique_code_per_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class FormVersion(models.Model):
    """One version of a form's definition. Immutable: a change is a new version."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="versions", verbose_name="様式")
    version = models.PositiveIntegerField("版")
    definition = models.JSONField("定義")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="作成者")

    class Meta:
        verbose_name = "様式の版"
        verbose_name_plural = "様式の版"
        ordering = ["form", "version"]
        constraints = [models.UniqueConstraint(fields=["form", "version"], name="form_version_unique")]

    def __str__(self) -> str:
        return f"{self.form.code} 第{self.version}版"
