"""`sengen demo` makes one account per role; nothing else does."""

import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from sengen.declarations.management.commands.demo import DEMO_ACCOUNTS
from sengen.declarations.models import StaffProfile
from sengen.declarations.permissions import staff_of

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--accounts", stdout=out)
    return out.getvalue()


def seed_declaration():
    """The seed city's demo report (the second demo city, 架空市, has reports of its own)."""
    from sengen.declarations.models import Declaration

    return Declaration.objects.get(department__municipality__name="伊勢原市")


def test_migrations_create_no_account():
    assert not get_user_model().objects.exists()


def test_demo_creates_an_account_per_role_with_the_documented_password(rf):
    out = run_demo()
    assert out.startswith("登録しました")
    roles = {}
    for username, password, *_ in DEMO_ACCOUNTS:
        user = authenticate(rf.get("/"), username=username, password=password)
        assert user is not None, username
        roles[username] = (staff_of(user).role, user.staff_profile.department, user.staff_profile.section)
        assert f"見本アカウントを作成しました: {username}" in out
    assert roles["demo-admin"][0] == "administrator"
    assert (roles["demo-director"][0], roles["demo-director"][1].name) == ("director", "市民生活部")
    assert (roles["demo-editor"][0], roles["demo-editor"][2].name) == ("section_editor", "市民協働課")
    assert roles["demo-viewer"][0] == "viewer"


def test_demo_twice_creates_no_second_account_and_keeps_a_changed_password():
    run_demo()
    user = get_user_model().objects.get(username="demo-admin")
    user.set_password("a-password-someone-chose")
    user.save()
    assert "見本アカウント" not in run_demo()
    assert StaffProfile.objects.count() == len(DEMO_ACCOUNTS)
    user.refresh_from_db()
    assert user.check_password("a-password-someone-chose")


def test_the_readme_documents_every_demo_password():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for username, password, *_ in DEMO_ACCOUNTS:
        assert f"`{username}`" in readme and f"`{password}`" in readme


@pytest.mark.django_db
def test_demo_outside_development_mode_makes_no_account(settings):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "見本アカウントは作成しません" in out.getvalue()
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()


# The year-end cycle the demo accounts run (what `make run` shows) ------------------------

def test_demo_director_judges_every_target_and_the_administrator_publishes():
    from sengen.declarations.models import AuditEntry, Target
    from sengen.declarations.selectors import public_document

    out = run_demo()
    assert "評価を確定して公開しました: 達成目標 9 件" in out
    declaration = seed_declaration()
    assert (declaration.phase, declaration.state) == ("achievement_report", "published")
    assert declaration.department.municipality.grading_scale.code == "plan"
    for target in Target.objects.current().filter(initiative__declaration=declaration).select_related(
            "outcome__grade", "outcome__judged_by", "initiative"):
        outcome = target.outcome
        assert outcome.judged_by.username == "demo-director", target.text
        if outcome.proposed_grade_code:
            # A proposal was there to confirm: confirmed as it was, no override reason needed.
            assert (outcome.grade_code, outcome.grade_override_reason) == (outcome.proposed_grade_code, "")
        else:
            # The report judged nothing and the numbers say nothing: 評価不能, with the reason.
            assert outcome.grade_code == "評価不能" and outcome.grade_override_reason, target.text
        if "not_achieved" in (outcome.evaluation, outcome.grade.evaluation):
            # The reason is the report's own 目標達成状況 text, quoted as written.
            assert "".join(target.initiative.achievement_status) in outcome.unmet_reason, target.text
    actions = {(e.action, e.user.username) for e in AuditEntry.objects.select_related("user") if e.user}
    assert {("declaration.judge", "demo-director"), ("declaration.approve", "demo-director"),
            ("declaration.check", "demo-admin"), ("declaration.publish", "demo-admin")} <= actions
    published = public_document(declaration=declaration)
    grades = [t["grade"] for i in published["initiatives"] for t in i["targets"]]
    assert grades == ["評価不能", "評価不能", "計画未満", "評価不能", "評価不能",
                      "計画通り", "計画未満", "計画通り", "計画未満"]


def test_demo_again_leaves_the_judged_report_as_it_is():
    from sengen.declarations.models import Publication

    run_demo()
    declaration = seed_declaration()
    before = (declaration.version, Publication.objects.count())
    out = run_demo()
    assert out.startswith("変更はありません") and "公開しました" not in out
    declaration.refresh_from_db()
    assert (declaration.version, Publication.objects.count()) == before


def test_the_portal_shows_the_demo_report_with_its_grades(client):
    run_demo()
    page = client.get("/reports/2017/市民生活部/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    tally = page.split('id="grades-heading"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<span lang="ja">([^<]+)</span> <strong>(\d+)</strong>', tally) == [
        ("計画通り", "2"), ("計画未満", "3"), ("評価不能", "4")]
    # Each of the 9 targets shows its grade twice: in the table and in the phone layout's card.
    assert page.count('class="status status--grade"') == 2 * 9


def demo_doc() -> dict:
    import json
    from importlib import resources

    return json.loads(resources.files("sengen").joinpath("demo", "h29-shiminseikatsu-achievement.json")
                      .read_text(encoding="utf-8"))


@pytest.mark.parametrize("phase", ["achievement_report", "declaration"])
def test_demo_leaves_someones_draft_of_the_demo_report_as_it_is(phase):
    from sengen.declarations.services.imports import report_import

    doc = demo_doc()
    doc["document"] = phase
    doc["initiatives"][0]["title"] = "職員が作業中の取組名"
    report_import(doc=doc, state="draft")
    out = run_demo()
    assert out.startswith("変更はありません") and "公開しました" not in out
    declaration = seed_declaration()
    assert (declaration.state, declaration.phase, declaration.version) == ("draft", phase, 1)
    assert declaration.initiatives.get(number=1).title == "職員が作業中の取組名"


def test_a_demo_city_on_a_scale_without_a_cannot_judge_grade_gets_the_report_as_published():
    from sengen.declarations.models import GradingScale, Municipality

    Municipality.objects.create(name="伊勢原市", grading_scale=GradingScale.objects.get(code="three-step"))
    out = run_demo()
    declaration = seed_declaration()
    assert declaration.state == "published" and "公開しました" not in out
    assert not declaration.initiatives.filter(targets__outcome__grade__isnull=False).exists()


def test_a_demo_that_cannot_finish_the_cycle_says_why_and_stores_nothing(monkeypatch):
    from django.core.exceptions import ValidationError

    from sengen.declarations.management.commands import demo
    from sengen.declarations.management.commands._base import UsageError
    from sengen.declarations.models import Declaration

    def refuse(**kwargs):
        raise ValidationError("評価尺度が設定されていません")

    monkeypatch.setattr(demo, "declaration_approve", refuse)
    with pytest.raises(UsageError, match="年度末の手続きができませんでした（何も保存していません）: 評価尺度が設定されていません"):
        run_demo()
    assert not Declaration.objects.exists() and not get_user_model().objects.exists()


# The second demo city: another form beside the seed's ----------------------------------------

def test_demo_adds_a_second_city_whose_reports_use_the_f2_form_with_initiative_grades():
    from sengen.declarations.forms import form_for_declaration
    from sengen.declarations.models import Declaration, Municipality
    from sengen.declarations.selectors import public_document

    out = run_demo()
    assert out.startswith("登録しました: 平成29年度 市民生活部")
    assert "登録しました: 架空市 平成29年度 環境部 達成状況報告" in out
    assert "登録しました: 架空市 平成29年度 健康福祉部 目標宣言" in out
    city = Municipality.objects.get(name="架空市")
    assert city.form.code == "f2-sengensha" and city.grading_scale.code == "criteria-4"
    reports = Declaration.objects.filter(department__municipality=city).order_by("department__name")
    assert [(d.department.name, d.phase, d.state) for d in reports] == [
        ("健康福祉部", "declaration", "published"), ("環境部", "achievement_report", "published")]
    for declaration in reports:
        assert form_for_declaration(declaration).code == "f2-sengensha"
    published = public_document(declaration=reports.get(department__name="環境部"))
    assert [i["grade"] for i in published["initiatives"]] == ["達成基準どおり", "達成基準を上回る", "達成基準をやや下回る"]
    assert published["preamble"][0]["label"] == "部の使命・方針"
    # The seed's city is unchanged: its form is the seed's, its report /1.
    assert form_for_declaration(seed_declaration()).code == "f1-isehara"
    assert public_document(declaration=seed_declaration())["schema"] == "sengen.report/1"


def test_demo_again_leaves_the_second_citys_reports_as_they_are():
    from sengen.declarations.models import Declaration, Publication

    run_demo()
    before = list(Declaration.objects.order_by("pk").values_list("pk", "version")), Publication.objects.count()
    out = run_demo()
    assert "変更はありません: 架空市 平成29年度 環境部 達成状況報告" in out
    assert (list(Declaration.objects.order_by("pk").values_list("pk", "version")), Publication.objects.count()) == before


def test_the_portal_shows_the_second_citys_report_in_its_own_form(client):
    run_demo()
    page = client.get("/reports/2017/環境部/", {"municipality": "架空市"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    head = page[page.index("<thead>"):page.index("</thead>")]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", head) == ["No.", "重点目標", "目標の概要", "達成基準", "達成度"]
    assert page.index("部の使命・方針") < page.index("<table")
    tally = page.split('id="grades-heading"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<span lang="ja">([^<]+)</span> <strong>(\d+)</strong>', tally) == [
        ("達成基準を上回る", "1"), ("達成基準どおり", "1"), ("達成基準をやや下回る", "1")]
