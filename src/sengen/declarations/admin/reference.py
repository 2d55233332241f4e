"""Reference data: grading scales, cities (and the form each uses), fiscal years, departments
and their sections."""


from django.contrib import admin
from django.db.models import Q

from .. import models, publicindex
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
