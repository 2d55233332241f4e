"""Mail on a real SMTP server (aiosmtpd on loopback), through the services as staff use them:
a whole year from its opening to publication, the deadline reminders `sengen remind` sends (once
each), each person's language and opt-out, and a mail server that is down (issue 12).

These tests commit (``committed_db``): hand-off mail goes after the workflow's transaction
commits, as it does on the server."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction

from sengen.declarations import mail, reminders
from sengen.declarations.models import AuditEntry, MailPreference, SentReminder
from sengen.declarations.reminders import due_reminders
from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.plans import TargetPlan, declaration_create, initiative_create
from sengen.declarations.services.transitions import declaration_start_phase, declaration_transition

from . import mailserver
from .helpers import fresh, judge_all, plan, refused, run
from .people import draft_reports, make_people

HIRAGANA = re.compile(r"[\u3040-\u309f]")
SITE = "https://sengen.city.example"


@pytest.fixture
def inbox():
    box = mailserver.Inbox()
    controller = mailserver.start(box)
    yield box
    controller.stop()


@pytest.fixture
def smtp(settings, inbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = inbox.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "sengen@city.example"
    settings.SENGEN_EMAIL_ENABLED = True
    settings.SENGEN_REMIND_DAYS_BEFORE = 7
    settings.SENGEN_SITE_URL = SITE
    return inbox


@pytest.fixture
def year_people(committed_db):
    """Every role with an address; 総務部's director reads English, 市民協働課's editor wants
    deadline mail only, the viewer and the account without a role are never written to."""
    people = make_people()
    for name in ("admin", "director", "editor", "viewer", "other_director", "other_editor", "nobody"):
        user = getattr(people, name)
        user.email = f"{user.username}@city.example"
        user.save(update_fields=["email"])
    MailPreference.objects.create(user=people.other_director, language="en")
    MailPreference.objects.create(user=people.editor, handoffs=False)
    return people


def by_address(messages) -> dict[str, list]:
    out: dict[str, list] = {}
    for message in messages:
        for address in message.to:
            out.setdefault(address, []).append(message)
    return out


def addresses(messages) -> set[str]:
    return set(by_address(messages))


def test_a_whole_year_on_a_real_smtp_server(smtp, year_people):
    p = year_people
    city = p.department.municipality

    # The office opens the year: each department's director and section editors hear of it;
    # the editor who chose deadline mail only does not, nor the office, the viewer or nobody.
    year = fiscal_year_open(user=p.admin, municipality=city, year=2026, declaration_due=dt.date(2026, 4, 30),
                            interim_report_due=dt.date(2026, 10, 30),
                            achievement_report_due=dt.date(2027, 4, 30))
    opened = by_address(smtp.take())
    assert set(opened) == {"shimin-bucho@city.example", "somu-bucho@city.example", "shokuin@city.example"}
    mine = opened["shimin-bucho@city.example"][0]
    assert mine.subject == "【sengen】令和8年度の目標宣言の作成が始まりました（市民生活部）"
    assert "令和8年度の目標宣言の作成が始まりました。市民生活部の目標宣言を作成してください。" in mine.body
    assert "期限は2026年4月30日です。" in mine.body
    assert f"{SITE}/staff/" in mine.body
    assert mine.sender == "sengen@city.example"
    english = opened["somu-bucho@city.example"][0]
    assert english.subject == "[sengen] Goal declarations for FY2026 have opened (総務部)"
    assert "The goal declarations for FY2026 have opened." in english.body
    assert "April 30, 2026" in english.body
    assert not HIRAGANA.search(english.body), english.body

    # A week before the deadline nobody has submitted: a reminder to each department's people,
    # the opted-out editor included (deadline mail cannot be turned off).
    out = run("remind", "--today", "2026-04-23")
    before = by_address(smtp.take())
    assert set(before) == {"shimin-bucho@city.example", "kyodo@city.example", "somu-bucho@city.example",
                           "shokuin@city.example"}
    assert all(len(m) == 1 for m in before.values())
    assert before["kyodo@city.example"][0].subject == "【sengen】市民生活部の目標宣言の期限は2026年4月30日です"
    assert "まだ「提出済み」になっていません" in before["kyodo@city.example"][0].body
    assert "期限のお知らせは止められません。" in before["kyodo@city.example"][0].body
    assert before["somu-bucho@city.example"][0].subject == (
        "[sengen] The Goal declaration of 総務部 is due on April 30, 2026")
    assert len([line for line in out.splitlines() if line.startswith("送信しました")]) == 4
    # The next hour's run sends nothing again.
    run("remind", "--today", "2026-04-23")
    assert smtp.take() == []

    # 市民生活部 writes its declaration and submits it: the office hears of it.
    declaration = declaration_create(user=p.director, department=p.department, fiscal_year=year)
    initiative_create(user=p.director, declaration=declaration,
                      plan=plan(section_ids=[p.section.pk], targets=[TargetPlan(text="自治会加入率７０％以上")]))
    smtp.take()
    declaration_transition(user=p.director, declaration=declaration, action="submit")
    submitted = smtp.take()
    assert addresses(submitted) == {"gyosei@city.example"}
    assert submitted[0].subject == "【sengen】市民生活部の目標宣言が提出されました（令和8年度）"
    assert f"{SITE}/staff/declarations/{declaration.pk}/" in submitted[0].body

    # Returned with a reason: the director hears why.
    declaration_transition(user=p.admin, declaration=declaration, action="return", reason="目標値の根拠を書いてください")
    returned = smtp.take()
    assert addresses(returned) == {"shimin-bucho@city.example"}
    assert "理由: 目標値の根拠を書いてください" in returned[0].body
    declaration_transition(user=p.director, declaration=declaration, action="submit")
    assert addresses(smtp.take()) == {"gyosei@city.example"}
    # The director takes it back: nobody is told of their own step; the office is not asked to
    # check what is no longer submitted.
    declaration_transition(user=p.director, declaration=declaration, action="return")
    assert smtp.take() == []
    declaration_transition(user=p.director, declaration=declaration, action="submit")
    assert addresses(smtp.take()) == {"gyosei@city.example"}

    # The deadline passes. The day after, only the department still late is reminded, once.
    out = run("remind", "--today", "2026-05-01")
    overdue = by_address(smtp.take())
    assert set(overdue) == {"somu-bucho@city.example", "shokuin@city.example"}
    assert overdue["shokuin@city.example"][0].subject == "【sengen】総務部の目標宣言の期限（2026年4月30日）が過ぎました"
    assert overdue["somu-bucho@city.example"][0].subject == (
        "[sengen] The Goal declaration of 総務部 is past its deadline (April 30, 2026)")
    assert "has passed and it is not yet “Submitted”" in overdue["somu-bucho@city.example"][0].body
    assert out.splitlines()[-1] == "2026-05-01: 送信 2 件、失敗 0 件"
    out = run("remind", "--today", "2026-05-01")
    assert smtp.take() == []
    assert out.splitlines()[-1] == "2026-05-01: 送信 0 件、失敗 0 件"

    # Checked (no mail: the office checks its own work), then published: the director hears
    # of it; the opted-out editor does not.
    declaration_transition(user=p.admin, declaration=declaration, action="check")
    assert smtp.take() == []
    declaration_transition(user=p.admin, declaration=declaration, action="publish")
    published = smtp.take()
    assert addresses(published) == {"shimin-bucho@city.example"}
    assert published[0].subject == "【sengen】市民生活部の目標宣言が公開されました（令和8年度）"

    # The office opens 市民生活部's interim report.
    declaration_start_phase(user=p.admin, declaration=fresh(declaration), phase="interim_report")
    interim = smtp.take()
    assert addresses(interim) == {"shimin-bucho@city.example"}
    assert "市民生活部の令和8年度の中間報告の作成が始まりました。" in interim[0].body
    assert "期限は2026年10月30日です。" in interim[0].body

    # Every message is in the audit log, to whom and about what.
    sent = AuditEntry.objects.filter(action="mail.sent")
    assert sent.count() == 3 + 4 + 1 + 1 + 1 + 1 + 2 + 1 + 1
    entry = sent.filter(detail__kind="returned").get()
    assert entry.detail["to"] == "shimin-bucho@city.example"
    assert entry.object_type == "declaration" and entry.object_id == str(declaration.pk)
    assert not AuditEntry.objects.filter(action="mail.failed").exists()


def test_a_mail_server_that_is_down_loses_no_write_and_remind_tries_again(smtp, year_people, settings):
    p = year_people
    settings.EMAIL_PORT = mailserver.free_port()  # nothing listens there
    year = fiscal_year_open(user=p.admin, municipality=p.department.municipality, year=2026,
                            declaration_due=dt.date(2026, 4, 30))
    # The year is open although none of its mail went; each failure is on record.
    assert fresh(year).declaration_due == dt.date(2026, 4, 30)
    failed = AuditEntry.objects.filter(action="mail.failed")
    assert failed.count() == 3
    assert "ConnectionRefusedError" in failed.first().detail["error"]

    error = refused("remind", "--today", "2026-04-23")
    assert "4 件のメールを送信できませんでした" in str(error)
    assert not SentReminder.objects.exists()  # claims given back: the next run tries again

    settings.EMAIL_PORT = smtp.port  # the server is back
    run("remind", "--today", "2026-04-23")
    assert len(smtp.take()) == 4
    assert SentReminder.objects.count() == 4


def test_a_hung_mail_server_is_waited_for_once_not_once_per_message(smtp, year_people, settings):
    """The office's page waits for the server at most EMAIL_TIMEOUT, however many people the
    step mails: one connection is tried, and every message is recorded as failed with its reason."""
    silent = mailserver.Silent()
    try:
        settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = silent.port, 1
        p = year_people
        fiscal_year_open(user=p.admin, municipality=p.department.municipality, year=2026,
                         declaration_due=dt.date(2026, 4, 30))
        assert len(silent.accepted) == 1
        failed = AuditEntry.objects.filter(action="mail.failed")
        assert failed.count() == 3
        assert all("timed out" in entry.detail["error"] for entry in failed)
        error = refused("remind", "--today", "2026-04-23")
        assert "4 件のメールを送信できませんでした" in str(error)
        assert len(silent.accepted) == 2 and not SentReminder.objects.exists()
    finally:
        silent.close()


def test_an_address_the_server_refuses_is_reported_and_tried_again_on_the_next_run(smtp, year_people):
    p = year_people
    fiscal_year_open(user=p.admin, municipality=p.department.municipality, year=2026,
                     declaration_due=dt.date(2026, 4, 30))
    smtp.take()
    smtp.refuse.add("shokuin@city.example")
    error = refused("remind", "--today", "2026-04-23")
    assert "1 件のメールを送信できませんでした" in str(error)
    assert addresses(smtp.take()) == {"shimin-bucho@city.example", "kyodo@city.example", "somu-bucho@city.example"}
    failed = AuditEntry.objects.get(action="mail.failed")
    assert failed.detail["to"] == "shokuin@city.example" and "550" in failed.detail["error"]
    assert SentReminder.objects.count() == 3  # the refused one's claim given back
    smtp.refuse.clear()
    out = run("remind", "--today", "2026-04-23")
    assert addresses(smtp.take()) == {"shokuin@city.example"}
    assert out.splitlines()[-1] == "2026-04-23: 送信 1 件、失敗 0 件"


def test_a_reminder_is_claimed_once_in_the_database(smtp, year_people):
    """Two runs at the same moment: the unique key, not a check before the insert, decides."""
    p = year_people
    fiscal_year_open(user=p.admin, municipality=p.department.municipality, year=2026,
                     declaration_due=dt.date(2026, 4, 30))
    smtp.take()
    due = next(due_reminders(dt.date(2026, 4, 23)))
    SentReminder.objects.create(**due.key())
    with pytest.raises(IntegrityError), transaction.atomic():
        SentReminder.objects.create(**due.key())
    # The reminder another run claimed is no longer due, the others still are.
    assert due.key() not in [d.key() for d in due_reminders(dt.date(2026, 4, 23))]
    assert len(list(due_reminders(dt.date(2026, 4, 23)))) == 3


def test_a_run_that_listed_what_another_run_sent_meanwhile_sends_none_of_it(smtp, year_people, monkeypatch):
    """The race a check-then-insert would lose: a second run read the list before the first
    sent; claiming each reminder in the database makes it skip every one."""
    p = year_people
    fiscal_year_open(user=p.admin, municipality=p.department.municipality, year=2026,
                     declaration_due=dt.date(2026, 4, 30))
    smtp.take()
    listed_before = list(due_reminders(dt.date(2026, 4, 23)))
    run("remind", "--today", "2026-04-23")
    assert len(smtp.take()) == 4
    monkeypatch.setattr(reminders, "due_reminders", lambda today, days=None: iter(listed_before))
    out = run("remind", "--today", "2026-04-23")
    assert smtp.take() == []
    assert out.splitlines()[-1] == "2026-04-23: 送信 0 件、失敗 0 件、他の実行が送信済み 4 件"
    assert SentReminder.objects.count() == 4


def test_remind_dry_run_sends_nothing_and_bad_input_is_one_line(smtp, year_people, settings):
    p = year_people
    fiscal_year_open(user=p.admin, municipality=p.department.municipality, year=2026,
                     declaration_due=dt.date(2026, 4, 30))
    smtp.take()
    out = run("remind", "--dry-run", "--today", "2026-04-23")
    assert len([line for line in out.splitlines() if line.startswith("送信予定")]) == 4
    assert smtp.take() == [] and not SentReminder.objects.exists()
    # Long after the deadline (an old year, a new installation) nothing is sent.
    run("remind", "--today", "2026-06-30")
    assert smtp.take() == []
    assert "YYYY-MM-DD" in str(refused("remind", "--today", "2026-13-01"))
    settings.SENGEN_EMAIL_ENABLED = False
    assert "SENGEN_EMAIL_HOST" in str(refused("remind", "--today", "2026-04-23"))


def test_the_year_end_report_approved_by_the_director_goes_to_the_office(smtp, year_people, seed_doc):
    p = year_people
    mine, _ = draft_reports(seed_doc)
    judge_all(p.director, mine)
    smtp.take()
    declaration_transition(user=p.director, declaration=mine, action="approve")
    approved = smtp.take()
    assert addresses(approved) == {"gyosei@city.example"}
    assert approved[0].subject == "【sengen】市民生活部の達成状況報告が部長に承認されました（平成29年度）"
    assert "内容を確認して公開してください。" in approved[0].body


def test_without_a_mail_server_configured_nothing_is_sent_or_recorded(smtp, year_people, settings):
    settings.SENGEN_EMAIL_ENABLED = False
    p = year_people
    fiscal_year_open(user=p.admin, municipality=p.department.municipality, year=2026,
                     declaration_due=dt.date(2026, 4, 30))
    assert smtp.take() == []
    assert not AuditEntry.objects.filter(action__startswith="mail.").exists()


def test_a_message_that_cannot_be_written_does_not_undo_or_fail_the_step(smtp, year_people, monkeypatch, caplog):
    """A bug in a mail template surfaces in the log, not as an error for a step already stored."""
    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(mail, "render_to_string", broken)
    p = year_people
    year = fiscal_year_open(user=p.admin, municipality=p.department.municipality, year=2026,
                            declaration_due=dt.date(2026, 4, 30))
    assert fresh(year).declaration_due == dt.date(2026, 4, 30)
    assert smtp.take() == []
    assert "template missing" in caplog.text


def test_a_slow_mail_server_keeps_the_office_waiting_no_longer_than_the_budget(smtp, year_people, monkeypatch):
    """Past the budget gunicorn would kill the worker: a 502 for an opening already stored, the
    messages not yet sent neither sent nor recorded. The rest is recorded as failed instead."""
    smtp.delay = 0.5
    monkeypatch.setattr(mail, "request_budget", lambda: 0.2)
    p = year_people
    fiscal_year_open(user=p.admin, municipality=p.department.municipality, year=2026,
                     declaration_due=dt.date(2026, 4, 30))
    assert len(smtp.take()) == 1  # the first went; it took the whole budget
    failed = AuditEntry.objects.filter(action="mail.failed")
    assert failed.count() == 2
    assert all("ran past 0.2 s" in entry.detail["error"] for entry in failed)
    assert AuditEntry.objects.filter(action="fiscal_year.open").exists()
