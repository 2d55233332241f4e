"""Django's admin: reference data for 行政経営課 (cities, departments, sections, grading
scales, staff accounts and their roles).

The programme's content is edited on the staff pages (/staff/), through the services that
check scope, lock against concurrent edits and keep the audit log and correction history.
Edits made here would bypass all that, so content is shown read-only; the audit log and the
correction history cannot be changed at all. Reference data edited here goes into the same audit
log, with its before and after, and is locked against concurrent edits (``AuditedAdmin``).
"""

import hashlib
import json

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router
from django.forms.models import _get_foreign_key
from django.utils.translation import gettext

from . import audit, publicindex
from .models import (
    AuditEntry,
    Declaration,
    Department,
    FiscalYear,
    Grade,
    GradingScale,
    Initiative,
    InitiativeSection,
    Municipality,
    Outcome,
    Progress,
    Publication,
    Revision,
    Role,
    Section,
    StaffProfile,
    Target,
)


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


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 0


@admin.register(GradingScale)
class GradingScaleAdmin(AuditedAdmin):
    list_display = ["code", "name"]
    inlines = [GradeInline]


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ["__str__", "grading_scale"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # The public index keeps the city's name for its links and search: renamed with it.
            publicindex.reindex(Declaration.objects.filter(department__municipality=obj))


@admin.register(FiscalYear)
class FiscalYearAdmin(AuditedAdmin):
    list_display = ["label", "municipality", "declaration_due", "interim_report_due", "achievement_report_due"]
    list_filter = ["municipality"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "director_title", "municipality"]
    list_filter = ["municipality"]
    inlines = [SectionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "municipality"} & set(form.changed_data):
            # The public index keeps the department's name for its links and search: renamed with it.
            publicindex.reindex(Declaration.objects.filter(department=obj))


class InitiativeInline(admin.TabularInline):
    model = Initiative
    fields = ["number", "title"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "phase", "state", "version", "updated_at"]
    list_filter = ["state", "phase", "fiscal_year__year", "department__municipality"]
    search_fields = ["department__name", "director_name"]
    inlines = [InitiativeInline]


class InitiativeSectionInline(admin.TabularInline):
    model = InitiativeSection
    extra = 0


class TargetInline(admin.StackedInline):
    model = Target
    fk_name = "initiative"
    extra = 0
    show_change_link = True


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "declaration"]
    search_fields = ["title"]
    inlines = [InitiativeSectionInline, TargetInline]


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["text", "kind", "value", "unit", "due_date"]
    list_filter = ["kind"]
    search_fields = ["text"]
    inlines = [OutcomeInline]


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdmin):
    list_display = ["target", "as_of", "value", "unit", "entered_by"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "phase", "version", "published_at", "published_by", "reason"]
    list_filter = ["phase"]


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "declaration", "version", "created_at", "user_name", "reason"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user_name", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["user_name", "object_repr", "action"]


class StaffProfileForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["role", "department", "section"]

    def clean(self):
        # The scope each role needs, said in words before the database constraint refuses it.
        data = super().clean()
        role, department, section = data.get("role"), data.get("department"), data.get("section")
        if role == Role.DIRECTOR and department is None:
            self.add_error("department", "部長には部を設定してください")
        if role == Role.SECTION_EDITOR:
            if section is None:
                self.add_error("section", "課の担当者には課を設定してください")
            elif department is not None and section.department_id != department.pk:
                self.add_error("section", "この課は選んだ部にありません")
        return data


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    form = StaffProfileForm
    fields = ["user", "role", "department", "section"]
    list_display = ["user", "role", "department", "section"]
    list_filter = ["role", "department"]
    autocomplete_fields = ["user"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = self.fields
        return super().get_form(request, obj, **kwargs)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    form = StaffProfileForm
    can_delete = False
    extra = 0
    max_num = 1


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    """Django's group admin: a group's permissions are an account's permissions, so audited too."""


@admin.register(User)
class StaffUserAdmin(AuditedAdmin, UserAdmin):
    """Django's user admin with the sengen role on the same page."""

    inlines = [*UserAdmin.inlines, StaffProfileInline]
    list_display = [*UserAdmin.list_display, "staff_role"]

    @admin.display(description="役割")
    def staff_role(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.get_role_display() if profile else "—"
