"""Mail (issue 12): each person's mail language and whether they want all mail or deadline mail
only (MailPreference), and the deadline reminders sent (SentReminder), whose unique key keeps
`sengen remind` from sending one twice."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("declarations", "0006_forms_and_report_v2"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MailPreference",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(choices=[("ja", "日本語"), ("en", "English")], default="ja",
                                              max_length=5, verbose_name="メールの言語")),
                ("handoffs", models.BooleanField(default=True, verbose_name="段階の開始と受け渡しのメールを受け取る")),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="mail_preference", to=settings.AUTH_USER_MODEL,
                                              verbose_name="利用者")),
            ],
            options={"verbose_name": "メールの設定", "verbose_name_plural": "メールの設定"},
        ),
        migrations.CreateModel(
            name="SentReminder",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("phase", models.CharField(choices=[("declaration", "目標宣言"), ("interim_report", "中間報告"),
                                                    ("achievement_report", "達成状況報告")],
                                           max_length=30, verbose_name="段階")),
                ("kind", models.CharField(choices=[("before", "期限前"), ("overdue", "期限超過")], max_length=10,
                                          verbose_name="種類")),
                ("deadline", models.DateField(verbose_name="期限")),
                ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="送信日時")),
                ("department", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                 to="declarations.department", verbose_name="部")),
                ("fiscal_year", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                  to="declarations.fiscalyear", verbose_name="年度")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                           to=settings.AUTH_USER_MODEL, verbose_name="利用者")),
            ],
            options={"verbose_name": "送信した督促", "verbose_name_plural": "送信した督促",
                     "ordering": ["-sent_at", "-id"]},
        ),
        migrations.AddConstraint(
            model_name="sentreminder",
            constraint=models.UniqueConstraint(fields=("user", "fiscal_year", "department", "phase", "kind", "deadline"),
                                               name="sent_reminder_once"),
        ),
    ]
