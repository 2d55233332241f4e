"""The browser import over a published report (issue 12.4): the review page keeps it published
by default, says what saving over it would lose, and saves that only when the person chooses."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sengen.declarations.models import Outcome, PublicationState
from tests.conftest import SEED_TXT
from tests.declarations.helpers import fresh, publish
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db


def test_the_review_page_keeps_a_published_report_and_its_grades_unless_chosen(login, people, reports):
    mine = publish(people, reports[0])
    judged = Outcome.objects.filter(target__initiative__declaration=mine, judged_at__isnull=False).count()
    client = login("admin")
    upload = SimpleUploadedFile("h29.txt", SEED_TXT.read_bytes(), content_type="text/plain")
    page = html(client.post(reverse("staff:import"), {"file": upload}))
    data = form_fields(page)
    assert data["state"] == "published"  # the default no longer lowers what citizens read
    assert "置き換えると失われるもの" in page and f"確定した評価 {judged} 件" in page
    assert "「公開中」以外を選んで保存すると、公開中の報告の状態が下がります" in page

    data["state"] = "draft"
    page = html(client.post(reverse("staff:import_save"), data))
    assert "保存していません" in page and "公開中の報告が「作成中」になります" in page
    mine = fresh(mine)
    assert mine.state == PublicationState.PUBLISHED
    assert Outcome.objects.filter(target__initiative__declaration=mine, judged_at__isnull=False).count() == judged

    data = form_fields(page) | {"replace_published": "on"}
    response = client.post(reverse("staff:import_save"), data)
    assert response.status_code == 302
    assert fresh(mine).state == PublicationState.DRAFT
