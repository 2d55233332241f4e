"""The staff pages in English: every page each role opens, a form with errors and a refused
action, with no Japanese left in what the page says, only in what staff and the city wrote
(marked lang="ja" for screen readers, or known user data); and the Japanese pages as before."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tools.msgfmt import parse_po

from sengen.core.eras import fiscal_year_label
from sengen.declarations import models
from sengen.declarations.selectors import deadlines_stamp
from sengen.declarations.services.fiscal_years import fiscal_year_open
from sengen.declarations.services.plans import (
    InitiativePlan,
    TargetPlan,
    declaration_create,
    initiative_create,
)
from sengen.declarations.services.publications import Correction, initiative_correct
from sengen.declarations.services.results import ProgressInput, progress_record
from sengen.declarations.services.transitions import declaration_start_phase, declaration_transition
from sengen.parsers import parse_with_provenance
from tests.conftest import SEED_TXT
from tests.staff.pages import form_fields

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]+")
# What may stay Japanese on an English page besides user data: the language switch names itself
# in its own language, and two help texts quote the character staff type or read in a report.
ALLOWED = ("日本語", "“・”", "“、”")
# Elements whose text a browser does not show as page text, or shows as the person's own input.
HIDDEN = {"script", "style", "textarea"}
SPOKEN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The text a reader sees or hears, each piece with the language its element declares."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, lang)
        self.pieces: list[tuple[str, str]] = []  # (lang, text)

    def _lang(self) -> str:
        return next((lang for _, lang in reversed(self.stack) if lang), "")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        for name in SPOKEN_ATTRIBUTES:
            if attrs.get(name):
                self.pieces.append((lang or self._lang(), attrs[name]))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.pieces.append((lang or self._lang(), attrs["value"]))
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip() and not any(tag in HIDDEN for tag, _ in self.stack):
            self.pieces.append((self._lang(), data))


def text_pieces(page: str) -> list[tuple[str, str]]:
    parser = _Text()
    parser.feed(page)
    return parser.pieces


def user_data() -> list[str]:
    """Everything in the database that people or the city wrote: it stays as written."""
    texts: set[str] = set(ALLOWED)
    for m in models.Municipality.objects.all():
        texts |= {m.name, str(m)}
    for y in models.FiscalYear.objects.all():
        texts |= {str(y), fiscal_year_label(y.year)}
    for d in models.Department.objects.all():
        texts |= {d.name, d.director_title}
    texts |= set(models.Section.objects.values_list("name", flat=True))
    for d in models.Declaration.objects.all():
        texts |= {d.fiscal_year_label, d.director_title, d.director_name, str(d)}
    for i in models.Initiative.objects.all():
        texts |= {i.title, *i.content, *i.results, *i.future_direction, *i.achievement_status}
    for t in models.Target.objects.all():
        texts |= {t.text, t.unit, t.baseline_unit, t.revision_reason}
    for o in models.Outcome.objects.all():
        texts |= {o.actual_unit, o.unmet_reason, o.grade_override_reason, o.grade_code or ""}
    for p in models.Progress.objects.all():
        texts |= {p.unit, p.comment}
    for g in models.Grade.objects.all():
        texts |= {g.code, g.label}
    texts |= set(models.GradingScale.objects.values_list("name", flat=True))
    for r in models.Revision.objects.all():
        texts |= {r.reason, r.user_name, r.before.get("title", ""), r.after.get("title", "")}
    texts |= set(models.Publication.objects.values_list("reason", flat=True))
    texts |= set(models.AuditEntry.objects.values_list("object_repr", flat=True))
    return sorted((t for t in texts if t and JAPANESE.search(t)), key=len, reverse=True)


def japanese_left(page: str, also: tuple[str, ...] = ()) -> list[str]:
    """Japanese in the page's own words: outside lang="ja" and not user data."""
    data = sorted([*user_data(), *also], key=len, reverse=True)
    left = []
    for lang, text in text_pieces(page):
        if lang == "ja":
            continue
        for known in data:
            text = text.replace(known, " ")
        left += JAPANESE.findall(text)
    return left


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def as_role(people, role: str, language: str = "en") -> Client:
    client = Client()
    client.force_login(people.by_role(role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page_of(client: Client, url: str, data: dict | None = None, *, status: int = 200) -> str:
    response = client.post(url, data, follow=True) if data is not None else client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def english_page(client: Client, url: str, data: dict | None = None, *, status: int = 200,
                 also: tuple[str, ...] = ()) -> str:
    page = page_of(client, url, data, status=status)
    assert '<html lang="en">' in page, url
    left = japanese_left(page, also)
    assert not left, f"{url}: Japanese left on the English page: {left}"
    return page


@pytest.fixture
def cycle(people, reports):
    """Every kind of page reachable: a year-end report in draft (市民生活部), a published one
    with a correction, and a next-year declaration at the interim stage with progress."""
    mine, other = reports
    admin, director = people.admin, people.director
    fy2018 = fiscal_year_open(user=admin, municipality=mine.fiscal_year.municipality, year=2018,
                              declaration_due=dt.date(2018, 4, 30))
    plan = InitiativePlan(number=1, title="自治会加入の促進", section_ids=[people.section.pk],
                          content=["自治会への加入を呼びかけます。"],
                          targets=[TargetPlan(text="自治会加入率７０％以上")])
    nxt = declaration_create(user=director, department=people.department, fiscal_year=fy2018)
    initiative = initiative_create(user=director, declaration=nxt, plan=plan)
    declaration_transition(user=director, declaration=nxt, action="submit")
    declaration_transition(user=admin, declaration=nxt, action="check")
    declaration_transition(user=admin, declaration=nxt, action="publish")
    target = initiative.targets.get()
    initiative_correct(user=admin, initiative=initiative, version=initiative.version,
                       reason="加入率の表記を改めたため", correction=Correction(
                           title="自治会加入の促進", content=["自治会への加入を広く呼びかけます。"],
                           target_texts={target.pk: target.text}))
    declaration_start_phase(user=director, declaration=nxt, phase="interim_report")
    initiative.refresh_from_db()
    target = initiative.targets.current().get()
    progress_record(user=people.editor, initiative=initiative, entries=[
        ProgressInput(target_id=target.pk, as_of=dt.date(2018, 9, 30), value=65, unit="％",
                      comment="説明会を２回開きました。")])
    return mine, nxt, initiative


def staff_pages(mine, nxt, initiative, year) -> dict[str, list[str]]:
    one = mine.initiatives.get(number=1)
    return {
        "admin": [reverse("staff:home"), reverse("staff:year_list"), reverse("staff:year_edit", args=[year.pk]),
                  reverse("staff:late"), reverse("staff:audit"), reverse("staff:declaration_new"),
                  reverse("staff:declaration", args=[mine.pk]), reverse("staff:declaration", args=[nxt.pk]),
                  reverse("staff:declaration_carry_over", args=[mine.pk]),
                  reverse("staff:declaration_judge", args=[mine.pk]),
                  reverse("staff:initiative_results", args=[one.pk]),
                  reverse("staff:initiative_correct", args=[initiative.pk]),
                  reverse("staff:initiative_history", args=[initiative.pk]), reverse("staff:import")],
        "director": [reverse("staff:home"), reverse("staff:declaration", args=[mine.pk]),
                     reverse("staff:declaration_judge", args=[mine.pk]),
                     reverse("staff:initiative_results", args=[one.pk]),
                     reverse("staff:declaration_carry_over", args=[mine.pk]), reverse("staff:import")],
        "editor": [reverse("staff:home"), reverse("staff:declaration", args=[mine.pk]),
                   reverse("staff:declaration", args=[nxt.pk]), reverse("staff:initiative_results", args=[one.pk]),
                   reverse("staff:initiative_progress", args=[initiative.pk]),
                   reverse("staff:initiative_history", args=[initiative.pk])],
        "viewer": [reverse("staff:home"), reverse("staff:year_list"), reverse("staff:late"),
                   reverse("staff:declaration", args=[mine.pk]), reverse("staff:declaration", args=[nxt.pk])],
    }


def test_every_staff_page_of_every_role_speaks_english(people, cycle):
    mine, nxt, initiative = cycle
    for role, urls in staff_pages(mine, nxt, initiative, nxt.fiscal_year).items():
        client = as_role(people, role)
        for url in urls:
            english_page(client, url)


def test_the_english_declaration_page_keeps_the_citys_words_marked_japanese(people, cycle):
    mine, _, _ = cycle
    page = english_page(as_role(people, "director"), reverse("staff:declaration", args=[mine.pk]))
    assert '<span lang="ja">平成29年度 市民生活部</span> Achievement report' in page
    assert '<dd lang="ja">市民生活部長' in page
    assert '<th scope="row" lang="ja">平成２９年度末時点のくらし安心メール登録目標' in page
    # Grades unjudged: the judge page is the step; approving is offered there (issue 12.4).
    assert "Confirm the grades (director)" in page and "Approve as director" not in page
    assert "Draft" in page and "Enter results of initiative 1" in page
    assert 'href="/language/ja/?next=/staff/declarations/' in page and 'lang="ja" hreflang="ja">日本語</a>' in page


def test_fiscal_years_read_as_fy_in_english_with_the_era_name_beside_them(people, cycle):
    _, nxt, _ = cycle
    client = as_role(people, "admin")
    page = english_page(client, reverse("staff:year_list"))
    assert '<th scope="row">FY2018 <span lang="ja">（平成30年度）</span></th>' in page
    assert "Set deadlines for FY2018" in page
    assert "Deadlines for FY2018, 伊勢原市" in english_page(client, reverse("staff:year_edit", args=[nxt.fiscal_year.pk]))
    page = english_page(client, reverse("staff:year_list"), {
        "municipality": nxt.fiscal_year.municipality_id, "year": "2020"})
    assert "FY2020 opened." in page


def test_the_plan_form_and_its_errors_in_english(people, cycle):
    _, nxt, _ = cycle
    fy2019 = fiscal_year_open(user=people.admin, municipality=nxt.fiscal_year.municipality, year=2019)
    fresh = declaration_create(user=people.director, department=people.department, fiscal_year=fy2019)
    client = as_role(people, "director")
    url = reverse("staff:initiative_new", args=[fresh.pk])
    data = form_fields(english_page(client, url))
    data.update({"number": "1", "title": "", "targets-0-value": "12", "targets-0-unit": "人"})
    page = english_page(client, url, data)
    assert "Please check what you entered." in page and "This field is required." in page
    assert "Enter the target&#x27;s text." in page


def test_forms_with_errors_and_refusals_are_in_english(people, cycle):
    mine, nxt, initiative = cycle
    director, admin = as_role(people, "director"), as_role(people, "admin")
    two = mine.initiatives.get(number=2)
    mail = two.targets.get(position=1)

    # a results form the service refuses: the unmet target's reason, in English, on its field
    url = reverse("staff:initiative_results", args=[two.pk])
    data = form_fields(page_of(director, url))
    data[f"actual_value_{mail.pk}"] = "11820"
    data[f"unmet_reason_{mail.pk}"] = ""
    page = english_page(director, url, data)
    assert "A target that was not achieved needs a reason: " in page

    # approving before the grades are confirmed: the refusal arrives as a message
    page = english_page(director, reverse("staff:declaration_action", args=[mine.pk, "approve"]), {})
    assert "Grade not confirmed yet: 1. " in page

    # opening a year that exists, and deadlines out of order
    page = english_page(admin, reverse("staff:year_list"), {
        "municipality": nxt.fiscal_year.municipality_id, "year": "2018"})
    assert "平成30年度 already exists." in page
    page = english_page(admin, reverse("staff:year_edit", args=[nxt.fiscal_year.pk]), {
        "declaration_due": "2018-12-01", "interim_report_due": "2018-10-01", "achievement_report_due": "",
        "opened": deadlines_stamp(nxt.fiscal_year)})
    assert "Set the deadlines in order: goal declaration, then interim report, then achievement report." in page

    # a correction without a reason, and one that changes nothing
    url = reverse("staff:initiative_correct", args=[initiative.pk])
    data = form_fields(page_of(admin, url))
    data["reason"] = "念のため"
    page = english_page(admin, url, data)
    assert "Nothing has been changed, so there is nothing to correct." in page

    # the login form's own errors
    client = english(Client())
    page = english_page(client, reverse("staff:login"))
    assert "Log in to the staff pages" in page
    page = english_page(client, reverse("staff:login"), {"username": "kyodo", "password": "wrong"})
    assert "Please enter a correct username and password" in page


def test_a_conflicting_save_is_explained_in_english(people, cycle):
    mine, _, _ = cycle
    one = mine.initiatives.get(number=1)
    url = reverse("staff:initiative_results", args=[one.pk])
    editor, director = as_role(people, "editor"), as_role(people, "director")
    editor_form, director_form = form_fields(page_of(editor, url)), form_fields(page_of(director, url))
    editor_form["results"] = "説明会を５回開催しました。"
    assert editor.post(url, editor_form).status_code == 302
    page = english_page(director, url, director_form)
    assert "Someone else saved this initiative after you opened it (saved by kyodo at " in page
    assert "Your input has not been lost." in page


def test_the_import_pages_in_english(people, db):
    client = as_role(people, "admin")
    english_page(client, reverse("staff:import"))
    data = Path(SEED_TXT).read_bytes()
    doc, where = parse_with_provenance(data, source="h29.txt")
    # What was read is not stored yet, so it is not in the database: the reading itself and the
    # file's column headings that say where each value was read are the file's words.
    read = (doc["fiscal_year_label"], doc["department"], doc["director"]["title"], doc["director"]["name"],
            *(origin["cell"] for origin in where.values() if origin.get("cell")))
    upload = SimpleUploadedFile("h29.txt", data, content_type="text/plain")
    page = english_page(client, reverse("staff:import"), {"file": upload}, also=read)
    assert "Check what was read: h29.txt" in page


def test_the_staff_pages_switch_language_by_the_same_link_as_the_public_pages(people, reports):
    client = as_role(people, "director", language="ja")
    page = page_of(client, reverse("staff:home"))
    assert '<html lang="ja">' in page
    assert 'href="/language/en/?next=/staff/" lang="en" hreflang="en">English</a>' in page
    response = client.get(reverse("portal:language", args=["en"]), {"next": reverse("staff:home")})
    assert response["Location"] == reverse("staff:home")
    assert '<html lang="en">' in page_of(client, reverse("staff:home"))


def test_the_japanese_pages_stay_japanese(people, cycle):
    """Japanese is the default and the source: no English from the catalogue leaks into it."""
    mine, nxt, initiative = cycle
    catalogue = parse_po((Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po")
                         .read_text(encoding="utf-8"))
    english_words = {form for text in catalogue.values() for form in text.split("\x00")
                     if len(form) >= 12 and not form.startswith("%") and not JAPANESE.search(form)}
    for role, urls in staff_pages(mine, nxt, initiative, nxt.fiscal_year).items():
        client = as_role(people, role, language="ja")
        for url in urls:
            page = page_of(client, url)
            assert '<html lang="ja">' in page
            text = " ".join(t for _, t in text_pieces(page))
            assert not [w for w in english_words if w in text], url
    page = page_of(as_role(people, "director", language="ja"), reverse("staff:declaration", args=[mine.pk]))
    assert "評価を確定する（部長）" in page and "作成中" in page


@pytest.mark.parametrize("name, content, said", [
    ("notes.txt", "買い物リスト\n・牛乳\n".encode(),
     "notes.txt: line 1: It does not start with a title naming the fiscal year"),
    ("broken.json", b'{"schema": "sengen.report/1",}', "broken.json: line 1, character 30: This is not valid JSON"),
    ("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", "scan.pdf: It cannot be read as a PDF"),
])
def test_a_refused_upload_is_explained_in_english(people, name, content, said):
    """The parsers' refusals are Japanese text built from parts (code, params, place) that the
    staff pages translate: an English page says which file, where and what in English."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_role(people, "admin")
    response = client.post(reverse("staff:import"), {"file": SimpleUploadedFile(name, content)})
    page = response.content.decode()
    assert '<html lang="en">' in page and said in page, page[page.find("errorlist"):][:400]
    # Only the example of a report's title stays as a report writes it (平成29年度 … 目標宣言).
    assert not japanese_left(page, ("平成", "年度", "目標宣言"))
