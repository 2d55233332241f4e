"""``sengen remind``: the deadline reminders due now (issue 12). Safe to run every hour (the
systemd timer in deploy/ does): a reminder already sent is never sent again.

    sengen remind                      # send what is due today
    sengen remind --dry-run            # say what would be sent, send nothing
    sengen remind --today 2026-05-01   # as if it were that day

One line per message as it is sent. Exit status 2 when mail is not configured, the date is not
one, or any message could not be sent (those are retried on the next run).
"""

from __future__ import annotations

import argparse
import datetime as dt

from django.utils import timezone

from sengen.declarations import mail
from sengen.declarations.reminders import remind

from ._base import SengenCommand, UsageError


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日付は YYYY-MM-DD で指定してください: {value!r}") from None


class Command(SengenCommand):
    help = ("期限の N 日前（SENGEN_REMIND_DAYS_BEFORE）と期限の翌日に、まだ済んでいない部の部長と担当者に"
            "お知らせのメールを送ります。同じお知らせは二度送りません。")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="送る予定のメールを表示するだけで、送りません")
        parser.add_argument("--today", type=iso_date, help="今日の日付の代わりに使う日付（YYYY-MM-DD）")

    def handle(self, *args, **options):
        self.require_migrated_database()
        if not mail.enabled() and not options["dry_run"]:
            raise UsageError("メールサーバーが設定されていません（SENGEN_EMAIL_HOST）: docs/operations.md の「Mail」を参照")
        today = options["today"] or timezone.localdate()
        outcome = remind(today, dry_run=options["dry_run"], report=self.stdout.write)
        if options["dry_run"]:
            return
        self.stdout.write(f"{today:%Y-%m-%d}: 送信 {outcome.sent} 件、失敗 {outcome.failed} 件"
                          f"{f'、他の実行が送信済み {outcome.skipped} 件' if outcome.skipped else ''}")
        if outcome.failed:
            raise UsageError(f"{outcome.failed} 件のメールを送信できませんでした（次の実行で再送します）")
