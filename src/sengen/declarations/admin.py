"""Django's admin: reference data for 行政経営課 (cities, departments, sections, grading
scales, staff accounts and their roles).

The programme's content is edited on the staff pages (/staff/), through the services that
check scope, lock against concurrent edits and keep the audit log and correction history.
Edits made here would bypass all that, so content is shown read-only; the audit log and the
correction history cannot be changed at all.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

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
class StaffProfileAdmin(admin.ModelAdmin):
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


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin with the sengen role on the same page."""

    inlines = [*UserAdmin.inlines, StaffProfileInline]
    list_display = [*UserAdmin.list_display, "staff_role"]

    @admin.display(description="役割")
    def staff_role(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.get_role_display() if profile else "—"
