"""Forms (様式): a definition edited as JSON, saved as a new version through
``services.forms.form_load``, never edited in place."""

import json

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join

from sengen.core import forms as core_forms

from .. import models
from ..forms import form_current_version
from ..permissions import can_manage_forms
from .base import AuditedAdmin


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
            from ..services.forms import form_check

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
        from ..services.forms import form_load

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
