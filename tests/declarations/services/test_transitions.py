"""``services.transitions``: the workflow's steps (the annual cycle through every service is in
``tests/declarations/test_workflow.py``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sengen.declarations.models import AuditEntry
from sengen.declarations.services.plans import declaration_create, initiative_create
from sengen.declarations.services.transitions import declaration_transition

from ..helpers import LONG_LINE, LONG_NAME, fresh, plan

pytestmark = pytest.mark.django_db


def test_every_write_is_in_the_audit_log_with_who(people, reports):
    mine, _ = reports
    declaration_transition(user=people.director, declaration=mine, action="submit", confirm_incomplete=True)
    entry = AuditEntry.objects.get(action="declaration.submit")
    assert (entry.user, entry.user_name, entry.object_id) == (people.director, "shimin-bucho", str(mine.pk))
    incomplete = entry.detail.pop("incomplete")  # what the director confirmed going on without
    assert entry.detail == {"before": "draft", "after": "submitted", "reason": ""}
    assert incomplete and all(gap.startswith("実績・評価がありません: ") for gap in incomplete)


def test_the_gaps_gone_past_are_recorded_in_japanese_whatever_the_pages_language(people, reports):
    from django.utils import translation

    mine, _ = reports
    with translation.override("en"):
        declaration_transition(user=people.director, declaration=mine, action="submit", confirm_incomplete=True)
    incomplete = AuditEntry.objects.get(action="declaration.submit").detail["incomplete"]
    assert incomplete and all(gap.startswith("実績・評価がありません: ") for gap in incomplete)


# Text beyond core/limits.py (issue 9.2) --------------------------------------------------------

def test_a_director_name_or_a_transition_comment_beyond_the_limit_is_refused(people, draft):
    fy = draft.fiscal_year
    with pytest.raises(ValidationError):
        declaration_create(user=people.admin, department=people.other_department, fiscal_year=fy,
                           director_name=LONG_NAME)
    initiative_create(user=people.director, declaration=draft, plan=plan())
    with pytest.raises(ValidationError):
        declaration_transition(user=people.director, declaration=draft, action="submit", reason=LONG_LINE)
    assert fresh(draft).state == "draft"
