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
from django.db.models import Q
from django.forms.models import _get_foreign_key
from django.utils.html import format_html_join
from django.utils.translation import gettext

from sengen.core import forms as core_forms

from . import audit, models, publicindex
from .forms import form_current_version
from .permissions import can_manage_forms


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
    model = models.Grade
    extra = 0


@admin.register(models.GradingScale)
class GradingScaleAdmin(AuditedAdmin):
    list_display = ["code", "name"]
    inlines = [GradeInline]


@admin.register(models.Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ["__str__", "grading_scale", "form"]

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if "form" in form_class.base_fields:
            # A city's reports use a preset or one of its own forms, never another city's.
            own = Q(municipality__isnull=True) | (Q(municipality=obj) if obj is not None else Q(pk__in=[]))
            form_class.base_fields["form"].queryset = models.Form.objects.filter(own).order_by(
                "municipality__name", "code")
        return form_class

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # The public index keeps the city's name for its links and search: renamed with it.
            publicindex.reindex(models.Declaration.objects.filter(department__municipality=obj))


class FormDefinitionForm(forms.ModelForm):
    """A form is edited as its definition, the JSON `sengen form load` takes (docs/forms.md):
    checked by ``services.forms.form_check`` before anything is saved, so a mistake is shown
    with its JSON path beside the text, which stays as typed."""

    definition = forms.CharField(
        label="定義（JSON）", strip=False,
        widget=forms.Textarea(attrs={"rows": 32, "cols": 110, "spellcheck": "false", "class": "vLargeTextField",
                                     "style": "font-family: monospace"}),
        help_text="docs/forms.md の形の JSON。保存すると新しい版になり、これまでの版とそれで作られた報告は変わりません。")

    class Meta:
        model = models.Form
        fields = ["municipality"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            latest = form_current_version(self.instance)
            if latest is not None:
                self.initial["definition"] = core_forms.form_to_json(core_forms.form_from_dict(latest.definition))

    def clean_definition(self):
        text = self.cleaned_data["definition"]
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"JSON として読めません（{exc.lineno}行{exc.colno}桁目: {exc.msg}）") from None
        except (RecursionError, ValueError):
            raise forms.ValidationError("JSON として読めません（入れ子が深すぎるか、桁数の多すぎる数値があります）") from None

    def clean(self):
        data = super().clean()
        if "definition" in data:
            from .services.forms import form_check

            editing = self.instance if self.instance.pk is not None else None
            municipality = editing.municipality if editing is not None else data.get("municipality")
            try:
                form_check(definition=data["definition"], municipality=municipality, form=editing,
                           new=editing is None)
            except forms.ValidationError as exc:
                self.add_error("definition", exc)
        return data


class FormVersionInline(admin.TabularInline):
    """The versions, newest first, read-only: a version is what reports were made with."""

    model = models.FormVersion
    fields = ["version", "created_at", "created_by", "columns"]
    readonly_fields = fields
    ordering = ["-version"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return can_manage_forms(request.user) and super().has_view_permission(request, obj)

    @admin.display(description="欄")
    def columns(self, version):
        # Each document's header as printed, so versions can be told apart at a glance.
        layouts = version.definition.get("layouts", {}) if isinstance(version.definition, dict) else {}
        return format_html_join("", "<div>{}: {}</div>", (
            (document, " / ".join(str(c.get("label", "")).replace("\n", "") for c in layout.get("columns", [])))
            for document, layout in layouts.items()))


@admin.register(models.Form)
class FormAdmin(AuditedAdmin):
    """Forms (様式), for administrators only. Saving stores the definition through
    ``services.forms.form_load``: a new version when it changed, never an edit of a version."""

    form = FormDefinitionForm
    list_display = ["code", "name", "city", "latest_version"]
    list_filter = ["municipality"]
    search_fields = ["code", "name"]
    inlines = [FormVersionInline]

    def get_readonly_fields(self, request, obj=None):
        # The code and name come from the definition; a form stays the city's it was made for.
        return ["code", "name", "municipality", "created_at"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return (["code", "name", "municipality", "created_at", "definition"] if obj is not None
                else ["municipality", "definition"])

    @admin.display(description="自治体", ordering="municipality__name")
    def city(self, form):
        return str(form.municipality) if form.municipality_id else "プリセット（どの自治体も使える）"

    @admin.display(description="最新の版")
    def latest_version(self, form):
        latest = form_current_version(form)
        return latest.version if latest is not None else "—"

    def has_module_permission(self, request):
        return can_manage_forms(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_manage_forms(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return can_manage_forms(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return can_manage_forms(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Reports keep the version they were made with: a form is never deleted. A city stops
        # using one by choosing another (自治体 → 様式).
        return False

    def save_model(self, request, obj, form, change):
        from .services.forms import form_load

        version = form_load(user=request.user, definition=form.cleaned_data["definition"],
                            municipality=obj.municipality if change else form.cleaned_data.get("municipality"),
                            source="管理画面", form=obj if change else None)
        # The admin goes on with ``obj`` (its messages, the next page): make it the stored form.
        for field in models.Form._meta.concrete_fields:
            setattr(obj, field.attname, getattr(version.form, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # The versions are read-only rows: nothing of them is saved from this page (Django's
        # change message reads what a formset's save would have set).
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def log_addition(self, request, obj, message):
        # form_load recorded the write with its definition before and after; Django's own log
        # entry is still kept, for the admin's history page.
        return admin.ModelAdmin.log_addition(self, request, obj, message)

    def log_change(self, request, obj, message):
        return admin.ModelAdmin.log_change(self, request, obj, message)


@admin.register(models.FiscalYear)
class FiscalYearAdmin(AuditedAdmin):
    list_display = ["label", "municipality", "declaration_due", "interim_report_due", "achievement_report_due"]
    list_filter = ["municipality"]


class SectionInline(admin.TabularInline):
    model = models.Section
    extra = 0


@admin.register(models.Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "director_title", "municipality"]
    list_filter = ["municipality"]
    inlines = [SectionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "municipality"} & set(form.changed_data):
            # The public index keeps the department's name for its links and search: renamed with it.
            publicindex.reindex(models.Declaration.objects.filter(department=obj))


class InitiativeInline(admin.TabularInline):
    model = models.Initiative
    fields = ["number", "title"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "phase", "state", "version", "updated_at"]
    list_filter = ["state", "phase", "fiscal_year__year", "department__municipality"]
    search_fields = ["department__name", "director_name"]
    inlines = [InitiativeInline]


class InitiativeSectionInline(admin.TabularInline):
    model = models.InitiativeSection
    extra = 0


class TargetInline(admin.StackedInline):
    model = models.Target
    fk_name = "initiative"
    extra = 0
    show_change_link = True


@admin.register(models.Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "declaration"]
    search_fields = ["title"]
    inlines = [InitiativeSectionInline, TargetInline]


class OutcomeInline(admin.StackedInline):
    model = models.Outcome
    extra = 0


@admin.register(models.Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["text", "kind", "value", "unit", "due_date"]
    list_filter = ["kind"]
    search_fields = ["text"]
    inlines = [OutcomeInline]


@admin.register(models.Progress)
class ProgressAdmin(ReadOnlyAdmin):
    list_display = ["target", "as_of", "value", "unit", "entered_by"]


@admin.register(models.Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "phase", "version", "published_at", "published_by", "reason"]
    list_filter = ["phase"]


@admin.register(models.Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "declaration", "version", "created_at", "user_name", "reason"]


@admin.register(models.AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user_name", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["user_name", "object_repr", "action"]


class StaffProfileForm(forms.ModelForm):
    class Meta:
        model = models.StaffProfile
        fields = ["role", "department", "section"]

    def clean(self):
        # The scope each role needs, said in words before the database constraint refuses it.
        data = super().clean()
        role, department, section = data.get("role"), data.get("department"), data.get("section")
        if role == models.Role.DIRECTOR and department is None:
            self.add_error("department", "部長には部を設定してください")
        if role == models.Role.SECTION_EDITOR:
            if section is None:
                self.add_error("section", "課の担当者には課を設定してください")
            elif department is not None and section.department_id != department.pk:
                self.add_error("section", "この課は選んだ部にありません")
        return data


@admin.register(models.StaffProfile)
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
    model = models.StaffProfile
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
