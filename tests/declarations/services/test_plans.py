"""``services.plans``: declarations and their initiatives."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sengen.core.limits import (
    MAX_INITIATIVES,
    MAX_ITEMS,
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    MAX_REPORT_CHARS,
    MAX_TARGETS,
)
from sengen.declarations.models import Initiative
from sengen.declarations.services import _common, plans
from sengen.declarations.services.plans import TargetPlan, initiative_create, initiative_update

from ..helpers import LONG_LINE, LONG_NAME, fresh, plan

pytestmark = pytest.mark.django_db


# Text beyond core/limits.py (issue 9.2) --------------------------------------------------------

@pytest.mark.parametrize("changes, key", [
    ({"title": LONG_NAME}, "title"),
    ({"content": ["短い", LONG_LINE]}, "content"),
    ({"content": [f"項目{i}" for i in range(MAX_ITEMS + 1)]}, "content"),
    ({"targets": [TargetPlan(text=LONG_LINE)]}, None),
    ({"targets": [TargetPlan(text=f"目標{i}") for i in range(MAX_TARGETS + 1)]}, None),
    ({"targets": [TargetPlan(text="登録者数：10人", kind="numeric", value=10, unit="人" * 51)]}, None),
])
def test_the_plan_services_refuse_text_beyond_the_limits(people, draft, changes, key):
    with pytest.raises(ValidationError) as refused:
        initiative_create(user=people.director, declaration=draft, plan=plan(**changes))
    if key:
        assert key in refused.value.message_dict
    assert not Initiative.objects.filter(declaration=draft).exists()

    item = initiative_create(user=people.director, declaration=draft, plan=plan())
    with pytest.raises(ValidationError):
        initiative_update(user=people.director, initiative=item, version=fresh(item).version, plan=plan(**changes))
    item = fresh(item)
    assert (item.title, item.content) == ("地域コミュニティの推進", ["自治会への加入を促進します。"])
    assert [t.text for t in item.targets.current()] == ["自治会の加入促進"]


def test_a_line_at_the_limit_is_taken(people, draft):
    at_limit = "A" * MAX_LINE_CHARS
    item = initiative_create(user=people.director, declaration=draft,
                             plan=plan(title="取" * MAX_NAME_CHARS, content=[at_limit] * 3))
    assert fresh(item).content == [at_limit] * 3


def test_the_message_says_which_line_and_the_limit(people, draft):
    with pytest.raises(ValidationError) as refused:
        initiative_create(user=people.director, declaration=draft, plan=plan(content=["短い", LONG_LINE]))
    message = refused.value.message_dict["content"][0]
    assert "2行目" in message and f"{MAX_LINE_CHARS:,}" in message and f"{MAX_LINE_CHARS + 1:,}" in message


def test_a_report_has_at_most_max_initiatives(people, draft, monkeypatch):
    # The count is checked against the constant; a smaller one keeps the test quick.
    monkeypatch.setattr(plans, "MAX_INITIATIVES", 3)
    for number in (1, 2, 3):
        initiative_create(user=people.director, declaration=draft, plan=plan(number=number))
    with pytest.raises(ValidationError):
        initiative_create(user=people.director, declaration=draft, plan=plan(number=4))
    assert draft.initiatives.count() == 3
    assert MAX_INITIATIVES >= 100


def test_the_report_as_a_whole_is_bounded(people, draft, monkeypatch):
    monkeypatch.setattr(_common, "MAX_REPORT_CHARS", 5_000)
    initiative_create(user=people.director, declaration=draft, plan=plan(number=1, content=["A" * 1_900] * 2))
    with pytest.raises(ValidationError) as refused:
        initiative_create(user=people.director, declaration=draft, plan=plan(number=2, content=["A" * 1_900] * 2))
    assert "5,000" in refused.value.messages[0]
    assert draft.initiatives.count() == 1
    assert MAX_REPORT_CHARS >= 100_000
