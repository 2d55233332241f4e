"""`sengen demo` makes one account per role; nothing else does."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from sengen.declarations.management.commands.demo import DEMO_ACCOUNTS
from sengen.declarations.models import StaffProfile
from sengen.declarations.selectors import staff_of

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--accounts", stdout=out)
    return out.getvalue()


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
