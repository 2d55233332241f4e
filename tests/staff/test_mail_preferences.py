"""Each person's own mail settings page: every staff role reaches it from the menu, saves its
own choice (audited), reads it in English, and an account without a role is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sengen.declarations.models import AuditEntry, MailPreference

from .test_i18n import as_role, english_page

URL = reverse("staff:mail_preferences")


@pytest.mark.parametrize("role", ["admin", "director", "editor", "viewer"])
def test_every_staff_role_sets_its_own_mail(people, role):
    client = as_role(people, role, "ja")
    page = client.get(reverse("staff:home")).content.decode()
    assert f'href="{URL}"' in page  # in the menu
    page = client.get(URL).content.decode()
    assert "メールアドレスが登録されていないため" in page
    assert 'lang="en"' in page and 'value="ja"' in page
    response = client.post(URL, {"language": "en"}, follow=True)
    assert "メールの設定を保存しました" in response.content.decode()
    user = people.by_role(role)
    pref = MailPreference.objects.get(user=user)
    assert (pref.language, pref.handoffs) == ("en", False)
    entry = AuditEntry.objects.get(action="mail_preference.save")
    assert entry.user == user and entry.detail["after"] == {"language": "en", "handoffs": False}
    # Saved again: the same row, the change on record with what it was before.
    client.post(URL, {"language": "ja", "handoffs": "on"})
    assert MailPreference.objects.filter(user=user).count() == 1
    assert AuditEntry.objects.filter(action="mail_preference.save").first().detail["before"] == {
        "language": "en", "handoffs": False}


def test_an_unknown_language_is_refused_on_its_field(people):
    client = as_role(people, "director", "ja")
    page = client.post(URL, {"language": "fr", "handoffs": "on"}).content.decode()
    assert "fr" in page and not MailPreference.objects.exists()


def test_the_page_speaks_english(people):
    people.director.email = "shimin-bucho@city.example"
    people.director.save()
    page = english_page(as_role(people, "director"), URL)
    assert "Mail settings" in page and "Mail goes to: shimin-bucho@city.example" in page
    english_page(as_role(people, "director"), URL, {"language": "ja"})


def test_an_account_without_a_role_is_refused(people):
    assert as_role(people, "nobody", "ja").get(URL).status_code == 403


def test_the_admin_lists_everyone_s_mail_settings(admin_client, people):
    MailPreference.objects.create(user=people.director, language="en", handoffs=False)
    page = admin_client.get(reverse("admin:declarations_mailpreference_changelist")).content.decode()
    assert "shimin-bucho" in page and "English" in page
    assert admin_client.get(reverse("admin:declarations_sentreminder_changelist")).status_code == 200
