"""The programme's content, read-only: declarations, initiatives, targets, progress,
publications, corrections and the audit log are changed only through the staff pages' services."""


from django.contrib import admin

from .. import models
from .base import ReadOnlyAdmin


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
