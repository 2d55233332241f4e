"""The public side reads what was published: drafts of the next phase, progress and corrections."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from sengen.declarations.models import Declaration, Initiative, Publication, Revision

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"


def html_of(client, name, *args):
    response = client.get(reverse(f"portal:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_while_the_next_phase_is_drafted_citizens_keep_reading_the_publication(client, published):
    # What declaration_start_phase does: the live rows become a draft that staff edit.
    Declaration.objects.filter(pk=published.pk).update(state="draft")
    Initiative.objects.filter(declaration=published, number=1).update(title="下書きの新しい題名")
    for page in (html_of(client, "report", 2017, DEPT), html_of(client, "initiative", 2017, DEPT, 1),
                 html_of(client, "year", 2017), html_of(client, "index")):
        assert "下書きの新しい題名" not in page
    assert "地域コミュニティの推進" in html_of(client, "report", 2017, DEPT)
    assert "地域コミュニティの推進" in html_of(client, "initiative", 2017, DEPT, 1)
    data = json.loads(client.get(reverse("portal:download", args=[2017, DEPT, "json"])).content)
    assert data["initiatives"][0]["title"] == "地域コミュニティの推進"
    # search reads the publication too: the draft's words are not found, the published ones are
    assert "下書きの新しい題名" not in client.get(reverse("portal:search"), {"q": "下書き"}).content.decode()
    assert "地域コミュニティの推進" in client.get(reverse("portal:search"), {"q": "地域コミュニティ"}).content.decode()


def test_a_draft_that_was_never_published_stays_hidden_even_with_its_rows_complete(client, published):
    Publication.objects.filter(declaration=published).delete()
    Declaration.objects.filter(pk=published.pk).update(state="draft")
    assert client.get(reverse("portal:report", args=[2017, DEPT])).status_code == 404
    assert client.get(reverse("portal:initiative", args=[2017, DEPT, 1])).status_code == 404


def test_published_interim_figures_show_on_the_initiative(client, published):
    publication = Publication.objects.filter(declaration=published).latest("published_at")
    publication.progress = [{"number": 2, "target": 1, "text": "平成２９年度末時点のくらし安心メール登録目標：１２,０００人",
                             "value": 11200, "unit": "人", "as_of": "2017-09-30", "comment": "イベントで登録を呼びかけ"}]
    publication.save()
    page = html_of(client, "initiative", 2017, DEPT, 2)
    progress = page.split('id="progress-heading"')[1]
    assert "2017-09-30" in progress and "11,200人" in progress and "イベントで登録を呼びかけ" in progress
    assert 'id="progress-heading"' not in html_of(client, "initiative", 2017, DEPT, 1)


def test_corrections_show_when_and_why(client, published):
    initiative = Initiative.objects.get(declaration=published, number=4)
    revision = Revision.objects.create(declaration=published, initiative=initiative, version=2,
                                       reason="担当課名の誤記を訂正", before={}, after={}, user_name="行政経営課")
    Revision.objects.filter(pk=revision.pk).update(created_at=dt.datetime(2018, 6, 1, 12, tzinfo=dt.UTC))
    page = html_of(client, "initiative", 2017, DEPT, 4)
    corrections = page.split('id="corrections-heading"')[1]
    assert "2018-06-01" in corrections and "第2版" in corrections and "担当課名の誤記を訂正" in corrections
    assert "行政経営課" not in corrections  # who corrected it is the staff's record, not the public's
