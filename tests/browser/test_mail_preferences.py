"""The staff page where a person sets their own mail, in a real browser: reached from the menu,
saved without JavaScript, clean under axe-core (WCAG 2 AA) in Japanese and English.
Screenshots: out/screenshots/staff-mail-preferences-{ja,en}.png."""

from __future__ import annotations

import pytest
from django.conf import settings

from sengen.declarations.models import MailPreference
from tests.declarations.people import make_people

from .conftest import describe_violations
from .test_cycle import fast_password_hashing, log_in  # noqa: F401 — the fixture applies here too

pytestmark = pytest.mark.browser


def signed_in(new_page, url, user, language: str, **options):
    page = new_page(**options)
    log_in(page, url, user.username)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url("/")}])
    return page


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_director_turns_off_hand_off_mail_and_chooses_english(new_page, url, screenshot, axe, committed_db,
                                                                language):
    people = make_people()
    people.director.email = "shimin-bucho@city.example"
    people.director.save(update_fields=["email"])
    page = signed_in(new_page, url, people.director, language, java_script_enabled=False)
    page.goto(url("/staff/"))
    page.get_by_role("link", name={"ja": "メールの設定", "en": "Mail settings"}[language]).click()
    page.get_by_label("English").check()
    page.locator("input[name=handoffs]").uncheck()
    screenshot(page, f"staff-mail-preferences-{language}")
    page.get_by_role("button", name={"ja": "保存する", "en": "Save"}[language]).click()
    assert page.locator("[role=status]").count() == 1
    pref = MailPreference.objects.get(user=people.director)
    assert (pref.language, pref.handoffs) == ("en", False)
    assert page.get_by_label("English").is_checked()

    # axe-core runs as a script: a second page, with JavaScript.
    checked = signed_in(new_page, url, people.director, language)
    checked.goto(url("/staff/mail/"))
    violations = axe(checked)
    assert not violations, describe_violations(violations)
