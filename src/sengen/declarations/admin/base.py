"""What every admin page of sengen shares: read-only pages for the programme's content, and
``AuditedAdmin`` for reference data (audited with before and after, locked against a
concurrent save)."""

import hashlib
import json

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router
from django.forms.models import _get_foreign_key
from django.utils.translation import gettext

from .. import audit


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the services write: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


STATE_FIELD = "sengen_state"


class AuditedAdmin(admin.ModelAdmin):
    """Reference data: every add, change and delete is in the audit log with the values before
    and after (the object and its inline rows), and a save is refused when someone changed the
    object since the page was opened — the input stays in the form, as on the staff pages.

    Django's own LogEntry keeps only a sentence; roles and grading scales decide who may do what
    and how targets are judged, so their history needs the values."""

    change_form_template = "admin/sengen_change_form.html"
    # Never copied into the log: a password hash is a secret, the last login is not an edit.
    audit_exclude = frozenset({"password", "last_login"})

    def audit_state(self, obj) -> dict:
        """The object's stored values and those of its inline rows, as plain JSON."""
        def values(instance):
            out = {f.attname: f.value_from_object(instance) for f in instance._meta.concrete_fields
                   if f.attname not in self.audit_exclude}
            # Groups and permissions decide what an account may do: their ids are part of it.
            for field in instance._meta.many_to_many:
                out[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
            return out

        state = {"fields": values(obj)}
        for inline in self.inlines:
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            rows = inline.model._default_manager.filter(**{fk.name: obj}).order_by("pk")
            state[inline.model._meta.label] = [values(row) for row in rows]
        return json.loads(json.dumps(state, cls=DjangoJSONEncoder))

    def stored_state(self, obj) -> dict:
        return self.audit_state(type(obj)._default_manager.get(pk=obj.pk))

    @staticmethod
    def fingerprint(state: dict) -> str:
        return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        model_admin = self

        class LockedForm(form_class):
            def clean(self):
                data = super().clean()
                if self.instance.pk is not None:
                    # changeform_view runs in a transaction: the row stays locked until saved.
                    stored = type(self.instance)._default_manager.select_for_update().get(pk=self.instance.pk)
                    before = model_admin.audit_state(stored)
                    request.sengen_audit_before = before
                    if self.data.get(STATE_FIELD) != model_admin.fingerprint(before):
                        raise forms.ValidationError(gettext(
                            "ほかの人がこのページを開いた後に変更して保存しました。入力した内容は残してあります。"
                            "最新の内容を確かめてから、もう一度保存してください。"), code="edit_conflict")
                return data

        return LockedForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            # What is stored now, so that after a refused save the next save is made knowingly.
            context[STATE_FIELD] = self.fingerprint(self.stored_state(obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def log_addition(self, request, obj, message):
        audit.record(request.user, "admin.add", obj, after=self.stored_state(obj))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        # Also called by the user admin's password form, which has no "before" to show.
        before = getattr(request, "sengen_audit_before", None)
        if before is None:  # the password form: what changed is said by Django's message
            audit.record(request.user, "admin.change", obj, message=str(message))
        else:
            after = self.stored_state(obj)
            if before != after:
                audit.record(request.user, "admin.change", obj, before=before, after=after)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            # What goes with it (a city's years, departments, sections…), counted by kind.
            collector = NestedObjects(using=router.db_for_write(type(obj)))
            collector.collect([obj])
            also = {model._meta.label: len(objs) for model, objs in collector.model_objs.items()
                    if model is not type(obj) and objs}
            audit.record(request.user, "admin.delete", obj, before=self.audit_state(obj), also_deleted=also)
        return super().log_deletions(request, queryset)
