"""Reference data: grading scales, cities (and the form each uses), fiscal years, departments
and their sections."""


from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q

from .. import models, permissions, publicindex
from ..services import open_data
from .base import AuditedAdmin


class GradeInline(admin.TabularInline):
    model = models.Grade
    extra = 0


@admin.register(models.GradingScale)
class GradingScaleAdmin(AuditedAdmin):
    list_display = ["code", "name"]
    inlines = [GradeInline]


@admin.register(models.Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ["__str__", "grading_scale", "form", "open_data_license_name", "open_data_license_title"]
    fieldsets = [
        (None, {"fields": ["name", "grading_scale", "form"]}),
        ("オープンデータのライセンス", {"fields": list(open_data.FIELDS)}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class LicenseChecked(form_class):
            def clean(self):
                # The service's own checks and sentences, shown on the fields before anything is
                # saved; save_model then stores the license through the service itself.
                data = super().clean()
                values = [data.get(field) or "" for field in open_data.FIELDS]
                stored = [getattr(self.instance, field) if self.instance.pk else "" for field in open_data.FIELDS]
                if values != stored:
                    if not permissions.can_change_city_settings(request.user, self.instance):
                        raise forms.ValidationError(str(permissions.Refusal.CITY_SETTINGS % {"city": self.instance}))
                    try:
                        open_data.open_data_license_check(name=values[0], title=values[1], path=values[2])
                    except ValidationError as exc:
                        for field, messages in exc.message_dict.items():
                            for message in messages:
                                self.add_error(field, message)
                return data

        # After the subclass is made: a ModelForm's subclass builds its fields afresh.
        if "form" in LicenseChecked.base_fields:
            # A city's reports use a preset or one of its own forms, never another city's.
            own = Q(municipality__isnull=True) | (Q(municipality=obj) if obj is not None else Q(pk__in=[]))
            LicenseChecked.base_fields["form"].queryset = models.Form.objects.filter(own).order_by(
                "municipality__name", "code")
        return LicenseChecked

    def save_model(self, request, obj, form, change):
        # Everything else is saved here; the license through the service (scope, checks, audit),
        # and only when it changed: the city's other settings are not the license's to refuse.
        license_values = [getattr(obj, field) for field in open_data.FIELDS]
        stored = models.Municipality.objects.get(pk=obj.pk) if change else models.Municipality()
        for field in open_data.FIELDS:
            setattr(obj, field, getattr(stored, field))
        super().save_model(request, obj, form, change)
        if license_values != [getattr(stored, field) for field in open_data.FIELDS]:
            open_data.open_data_license_save(user=request.user, municipality=obj, name=license_values[0],
                                             title=license_values[1], path=license_values[2])
        if change and "name" in form.changed_data:
            # The public index keeps the city's name for its links and search: renamed with it.
            publicindex.reindex(models.Declaration.objects.filter(department__municipality=obj))


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
