"""Failed logins, counted in the database rather than in a per-process cache.

gunicorn runs several worker processes (and a city may run two servers): a counter in each
process's memory would let an attacker try the limit once per worker. The table is shared by
all of them, survives a restart (a restart must not reset a lockout), and stays small: rows
older than the longest window are deleted as new ones are written, and nothing is written for
an attempt refused while locked.
"""

from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    # Case-folded, so that "Admin" and "admin" count together.
    username = models.CharField("利用者名", max_length=150)
    ip = models.CharField("接続元", max_length=45, blank=True)
    at = models.DateTimeField("日時", db_index=True)

    class Meta:
        verbose_name = "ログイン失敗"
        verbose_name_plural = "ログイン失敗"
        indexes = [
            models.Index(fields=["username", "ip", "at"], name="login_failure_user_ip"),
            models.Index(fields=["ip", "at"], name="login_failure_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.ip}"
