"""The audit page reads as words (issue 12, item 5): every action key sengen writes has a label
in Japanese and English, and each entry shows what changed from what to what, bounded and
escaped (declarations/audit_read.py, staff/audit.html)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from sengen.core import workflow
from sengen.declarations import audit
from sengen.declarations.audit_read import (
    ACTION_LABELS,
    MAX_CHANGES,
    MAX_CHARS,
    action_label,
    entry_diffs,
    entry_notes,
)
from sengen.declarations.models import AuditEntry
from sengen.declarations.services.fiscal_years import fiscal_year_deadlines_set, fiscal_year_open
from sengen.declarations.services.transitions import declaration_transition
from tests.staff.pages import html
from tests.staff.test_i18n import as_role, english_page

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "sengen"
JAPANESE = re.compile(r"[぀-ヿ一-鿿]")


def written_keys() -> set[str]:
    """Every action key the code passes to audit.record: the literals on the call's line (and
    the form service's ``action = "form.…"``), the f-strings expanded over what they take."""
    keys = set()
    for path in SRC.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "audit.record(" in line or re.match(r'\s*action = "form\.', line):
                keys |= set(re.findall(r'(?<!f)"([a-z_]+(?:\.[a-z_]+)+)"', line))
            if 'f"declaration.{action}"' in line and "audit.record(" in line:
                keys |= {f"declaration.{action}" for action in workflow.ACTIONS}
            if 'f"declaration.import.{action}"' in line:
                keys |= {"declaration.import.created", "declaration.import.updated"}
            if "audit.record(" in line and re.search(r'audit\.record\([^,]+, f"(?!declaration\.)', line):
                pytest.fail(f"{path}: an action key built by an f-string this test cannot expand: {line.strip()}")
    return keys


def test_every_action_sengen_writes_has_a_label_in_both_languages():
    keys = written_keys()
    assert {"declaration.import.updated", "declaration.submit", "initiative.update", "admin.change"} <= keys
    assert keys <= set(ACTION_LABELS), f"no label for {sorted(keys - set(ACTION_LABELS))}"
    with translation.override("en"):
        english = {key: action_label(key) for key in keys}
    assert english["declaration.import.updated"] == "Report imported (replacing the stored one)"
    assert not [key for key, text in english.items() if JAPANESE.search(text)]
    with translation.override("ja"):
        assert action_label("declaration.import.updated") == "報告を取り込み（更新）"
        assert action_label("something.new") == "something.new"  # shown as stored, never an error


def _change_deadline(people, mine):
    year = fiscal_year_open(user=people.admin, municipality=mine.fiscal_year.municipality, year=2018,
                            declaration_due=dt.date(2018, 4, 30))
    fiscal_year_deadlines_set(user=people.admin, fiscal_year=year, declaration_due=dt.date(2018, 5, 15),
                              interim_report_due=None, achievement_report_due=None)


def test_the_audit_page_shows_words_and_what_changed(login, people, reports):
    mine, _ = reports
    declaration_transition(user=people.director, declaration=mine, action="submit", confirm_incomplete=True)
    declaration_transition(user=people.director, declaration=mine, action="return")
    _change_deadline(people, mine)
    with translation.override("ja"):
        page = html(login("admin").get(reverse("staff:audit")))
    assert "declaration.submit" not in page and "initiative.update" not in page
    assert '<td class="what">提出</td>' in page and '<td class="what">作成中に戻した</td>' in page and '<td class="what">期限を変更</td>' in page
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "状態 変更前 作成中 → 変更後 提出済み" in flat
    assert "目標宣言の期限 変更前 2018-04-30 → 変更後 2018-05-15" in flat


def test_the_audit_page_in_english(people, reports):
    mine, _ = reports
    declaration_transition(user=people.director, declaration=mine, action="submit", confirm_incomplete=True)
    _change_deadline(people, mine)
    page = english_page(as_role(people, "admin"), reverse("staff:audit"))
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "Submitted" in flat and "Deadlines changed" in flat
    assert "Goal declaration due Before 2018-04-30 → After 2018-05-15" in flat
    assert "Before and after" in flat


def test_an_entry_shows_a_bounded_escaped_part_of_a_large_change(login, people, reports):
    mine, _ = reports
    before = {f"field_{i}": "<b>前</b>" for i in range(MAX_CHANGES + 5)}
    after = {**{key: "後" * (MAX_CHARS * 3) for key in before}}
    entry = audit.record(people.admin, "something.new", mine, before=before, after=after, reason="<script>x</script>")
    changes = entry_diffs(entry)
    assert len(changes) == MAX_CHANGES + 5
    assert all(len(c.after) <= MAX_CHARS for c in changes)
    assert [(c.before, c.after) for c in entry_notes(entry)] == [(None, "<script>x</script>")]
    page = html(login("admin").get(reverse("staff:audit")))
    assert '<td class="what">something.new</td>' in page
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page and "<b>前</b>" not in page
    assert page.count("<li>") >= MAX_CHANGES and "ほか 5 件の変更" in page


def test_an_entry_without_before_and_after_shows_its_notes(people, reports):
    mine, _ = reports
    entry = audit.record(people.admin, "declaration.import.updated", mine, source="h29.pdf", state="published")
    with translation.override("ja"):
        changes = [(c.field, c.before, c.after) for c in entry_diffs(entry) + entry_notes(entry)]
    assert changes == [("出典", None, "h29.pdf"), ("状態", None, "公開中")]
    assert AuditEntry.objects.count() >= 1


def test_only_administrators_read_the_audit_page(login):
    assert login("director").get(reverse("staff:audit")).status_code == 403


def test_a_new_version_of_a_form_shows_what_changed_in_its_definition(people, reports):
    mine, _ = reports
    previous = {"name": "市の様式", "columns": [{"label": "取組名"}, {"label": "目標"}]}
    definition = {"name": "市の様式", "columns": [{"label": "取組名"}, {"label": "達成目標"}]}
    entry = audit.record(people.admin, "form.update", mine, version=2, source="form.json",
                         previous=previous, definition=definition)
    with translation.override("ja"):
        diffs = [(c.field, c.before, c.after) for c in entry_diffs(entry)]
        notes = [c.field for c in entry_notes(entry)]
    assert diffs == [("columns › 2 › label", "目標", "達成目標")]
    assert notes == ["版", "出典"]
