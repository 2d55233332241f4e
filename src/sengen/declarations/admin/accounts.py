"""Staff accounts, their roles (StaffProfile), their mail settings and groups: audited like
reference data; the deadline reminders sent, read-only."""


from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from .. import models
from .base import AuditedAdmin, ReadOnlyAdmin


class StaffProfileForm(forms.ModelForm):
    class Meta:
        model = models.StaffProfile
        fields = ["role", "department", "section", "municipality"]

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
        if data.get("municipality") is not None and role != models.Role.ADMINISTRATOR:
            # A director's or editor's city is their department's; the field scopes administrators.
            self.add_error("municipality", "自治体は管理者にだけ設定します（部長・課の担当者の自治体は部で決まります）")
        return data


@admin.register(models.StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    form = StaffProfileForm
    fields = ["user", "role", "department", "section", "municipality"]
    list_display = ["user", "role", "department", "section", "municipality"]
    list_filter = ["role", "department", "municipality"]
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


@admin.register(models.MailPreference)
class MailPreferenceAdmin(AuditedAdmin):
    """Each person sets these on their own staff page (/staff/mail/); listed here for the office."""

    list_display = ["user", "language", "handoffs"]
    list_filter = ["language", "handoffs"]
    fields = ["user", "language", "handoffs"]
    autocomplete_fields = ["user"]


@admin.register(models.SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    """What `sengen remind` sent: the rows that keep it from sending the same reminder twice."""

    list_display = ["sent_at", "user", "fiscal_year", "department", "phase", "kind", "deadline"]
    list_filter = ["kind", "phase", "fiscal_year"]


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
