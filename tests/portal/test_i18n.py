"""Japanese first; English through Django's i18n, switched by a plain link (no script)."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from tools.msgfmt import compile_po, mo_bytes, parse_po

LOCALE = Path(settings.LOCALE_PATHS[0])
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
DEPT = "市民生活部"


@pytest.mark.django_db
def test_a_browser_asking_for_english_gets_the_english_page(client, published):
    html = client.get(reverse("portal:report", args=[2017, DEPT]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "Download this report's data" in html
    assert '<th scope="col">Initiative (section)</th>' in html
    assert "本文へ移動" not in html
    # the report itself stays as the city wrote it, marked as Japanese for screen readers
    assert '<a href="/reports/2017/%E5%B8%82%E6%B0%91%E7%94%9F%E6%B4%BB%E9%83%A8/2/" lang="ja">くらし安心メールの利用拡大</a>' in html


@pytest.mark.django_db
def test_japanese_is_the_default(client, published):
    html = client.get("/").content.decode()
    assert '<html lang="ja">' in html and "本文へ移動" in html
    assert 'href="/language/en/?next=/" lang="en" hreflang="en">English</a>' in html


@pytest.mark.django_db
def test_the_language_link_sets_the_choice_and_returns_to_the_page(client, published):
    page = reverse("portal:report", args=[2017, DEPT])
    response = client.get(reverse("portal:language", args=["en"]), {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(page).content.decode()
    client.get(reverse("portal:language", args=["ja"]), {"next": page})
    assert '<html lang="ja">' in client.get(page).content.decode()


@pytest.mark.django_db
def test_the_language_link_never_sends_anyone_off_site(client):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.get(reverse("portal:language", args=["en"]), {"next": target})
        assert response["Location"] == "/"
    assert client.get(reverse("portal:language", args=["fr"])).status_code == 404


def test_every_message_has_an_english_translation():
    catalogue = parse_po(PO.read_text(encoding="utf-8"))
    raw_ids = PO.read_text(encoding="utf-8").count("\nmsgid ")
    assert len(catalogue) == raw_ids  # parse_po leaves out untranslated and fuzzy entries


def test_the_committed_mo_is_compiled_from_the_po():
    """`make messages` rebuilds it; this fails when someone edits the .po and forgets to."""
    assert MO.read_bytes() == compile_po(PO)


def test_msgfmt_writes_what_gettext_reads():
    po = r'''
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

# a comment
msgid "検索"
msgstr "Search"

msgctxt "button"
msgid "検索"
msgstr "Go"

msgid "「%(q)s」"
msgstr ""
"“%(q)s” "
"with \"quotes\"\tand a tab"

msgid "%(n)s件"
msgid_plural "%(n)s件"
msgstr[0] "%(n)s result"
msgstr[1] "%(n)s results"

#, fuzzy
msgid "下書き"
msgstr "Draft"

msgid "未翻訳"
msgstr ""
'''
    import io

    translations = gettext.GNUTranslations(io.BytesIO(mo_bytes(parse_po(po))))
    assert translations.gettext("検索") == "Search"
    assert translations.pgettext("button", "検索") == "Go"
    assert translations.gettext("「%(q)s」") == '“%(q)s” with "quotes"\tand a tab'
    assert translations.ngettext("%(n)s件", "%(n)s件", 1) == "%(n)s result"
    assert translations.ngettext("%(n)s件", "%(n)s件", 3) == "%(n)s results"
    assert translations.gettext("下書き") == "下書き"  # fuzzy entries are not used
    assert translations.gettext("未翻訳") == "未翻訳"
