from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="LoginFailure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("username", models.CharField(max_length=150, verbose_name="利用者名")),
                ("ip", models.CharField(blank=True, max_length=45, verbose_name="接続元")),
                ("at", models.DateTimeField(db_index=True, verbose_name="日時")),
            ],
            options={
                "verbose_name": "ログイン失敗",
                "verbose_name_plural": "ログイン失敗",
                "indexes": [
                    models.Index(fields=["username", "ip", "at"], name="login_failure_user_ip"),
                    models.Index(fields=["ip", "at"], name="login_failure_ip"),
                ],
            },
        ),
    ]
