"""Django's admin: a stop-gap for 行政経営課 until the staff app exists.

Edits made here bypass the services (no version bump, no correction record), so the
published content is shown read-only; structure (cities, departments, scales) is editable.
"""

from django.contrib import admin

from .models import (
    Declaration,
    Department,
    FiscalYear,
    Grade,
    GradingScale,
    Initiative,
    InitiativeSection,
    Municipality,
    Outcome,
    Section,
    Target,
)


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 0


@admin.register(GradingScale)
class GradingScaleAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [GradeInline]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "grading_scale"]


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["label", "municipality", "declaration_due", "interim_report_due", "achievement_report_due"]
    list_filter = ["municipality"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "director_title", "municipality"]
    list_filter = ["municipality"]
    inlines = [SectionInline]


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
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "phase", "state", "version", "updated_at"]
    list_filter = ["state", "phase", "fiscal_year__year", "department__municipality"]
    search_fields = ["department__name", "director_name"]
    readonly_fields = ["version", "source", "created_at", "updated_at", "published_at"]
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
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "declaration"]
    search_fields = ["title"]
    inlines = [InitiativeSectionInline, TargetInline]


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "value", "unit", "due_date"]
    list_filter = ["kind"]
    search_fields = ["text"]
    inlines = [OutcomeInline]
