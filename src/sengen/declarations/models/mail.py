"""Mail: what each person chose to receive, and the deadline reminders already sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..workflow import Phase
from .reference import Department, FiscalYear


class MailLanguage(models.TextChoices):
    # The mail's language is the person's, not the language of the page that caused it: the
    # office returning a report in Japanese still writes to an English-reading director in English.
    JA = "ja", "日本語"
    EN = "en", "English"


class MailPreference(models.Model):
    """A person's choice of mail language, and whether they want all mail or deadline mail only.
    No row: Japanese, all mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference",
                                verbose_name="利用者")
    language = models.CharField("メールの言語", max_length=5, choices=MailLanguage.choices, default=MailLanguage.JA)
    # Deadline reminders cannot be turned off: chasing late departments is what mail is for.
    handoffs = models.BooleanField("段階の開始と受け渡しのメールを受け取る", default=True)

    class Meta:
        verbose_name = "メールの設定"
        verbose_name_plural = "メールの設定"

    def __str__(self) -> str:
        return str(self.user)


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("期限前")
    OVERDUE = "overdue", _("期限超過")


class SentReminder(models.Model):
    """A deadline reminder sent to one person for one department's phase. The unique key is what
    keeps `sengen remind` from sending it twice, even when two runs overlap: a run claims the row
    before sending, and a second insert fails in the database instead of passing a check."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name="利用者")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+", verbose_name="年度")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+", verbose_name="部")
    phase = models.CharField("段階", max_length=30, choices=Phase.choices)
    kind = models.CharField("種類", max_length=10, choices=ReminderKind.choices)
    # The deadline as it was: when the office moves it, the new date is due its own reminder.
    deadline = models.DateField("期限")
    sent_at = models.DateTimeField("送信日時", auto_now_add=True)

    class Meta:
        verbose_name = "送信した督促"
        verbose_name_plural = "送信した督促"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "fiscal_year", "department", "phase", "kind", "deadline"],
                                    name="sent_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.department} {self.phase} {self.kind} {self.deadline}"
