"""Search hits in a report whose items have no number (sengen.report/2 ``number`` null, F3): a hit
shows and links the item the words are in — found by its position, not by a number every
unnumbered item shares."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sengen.declarations.services.imports import report_import
from tests.conftest import SEED_DIR
from tests.declarations.test_report_v2_storage import _city_form

pytestmark = pytest.mark.django_db

UNNUMBERED = SEED_DIR.parent / "v2" / "f3-seisaku-unnumbered.json"


def test_a_hit_in_the_second_unnumbered_item_shows_and_links_the_second(client):
    _city_form("f3-seisaku-sengen", "f3-seisaku", versions=2)
    doc = json.loads(UNNUMBERED.read_text(encoding="utf-8"))
    report_import(doc=doc)
    html = client.get(reverse("portal:search"), {"q": "情報誌"}).content.decode()
    assert "若い世代の定住促進" in html and "公共施設再配置計画の策定" not in html
    # The snippet is the second item's target, and the link goes to its card on the report page.
    assert "<mark>情報誌</mark>" in html
    assert reverse("portal:report", args=[2014, "市長政策室"]) + "#card-2" in html
    assert "No.None" not in html
    # Its own words, not the first item's, for a word of the second item's results too.
    html = client.get(reverse("portal:search"), {"q": "冬号"}).content.decode()
    assert "<mark>冬号</mark>" in html and "パブリックコメント" not in html
