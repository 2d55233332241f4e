"""A POST that the person's role does not allow is answered 403, whatever else is wrong with it:
a viewer's or section editor's "approve" on a report whose phase has no approval step was a
redirect with a message about the phase (issue 9.9). What the right people may do is unchanged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sengen.declarations.models import Declaration, Phase, PublicationState

pytestmark = pytest.mark.django_db

ACTIONS = ["submit", "approve", "check", "publish", "return"]


def _in(declaration, *, phase: str, state: str) -> Declaration:
    Declaration.objects.filter(pk=declaration.pk).update(phase=phase, state=state)
    declaration.refresh_from_db()
    return declaration


@pytest.mark.parametrize("phase", [Phase.DECLARATION, Phase.INTERIM_REPORT, Phase.ACHIEVEMENT_REPORT])
@pytest.mark.parametrize("state", [PublicationState.DRAFT, PublicationState.SUBMITTED])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_a_role_that_may_not_take_an_action_gets_403(login, reports, role, action, state, phase):
    mine = _in(reports[0], phase=phase, state=state)
    response = login(role).post(reverse("staff:declaration_action", args=[mine.pk, action]))
    assert response.status_code == 403, (response.status_code, response.get("Location"))
    mine.refresh_from_db()
    assert (mine.phase, mine.state) == (phase, state)


@pytest.mark.parametrize("action", ["check", "publish"])
def test_a_director_checking_or_publishing_gets_403_in_any_phase(login, reports, action):
    mine = _in(reports[0], phase=Phase.DECLARATION, state=PublicationState.SUBMITTED)
    assert login("director").post(reverse("staff:declaration_action", args=[mine.pk, action])).status_code == 403


def test_a_director_approving_where_the_phase_has_no_approval_is_told_why(login, reports):
    """Allowed to approve, but a declaration has no approval step: a message, not a 403."""
    mine = _in(reports[0], phase=Phase.DECLARATION, state=PublicationState.DRAFT)
    response = login("director").post(reverse("staff:declaration_action", args=[mine.pk, "approve"]), follow=True)
    assert response.status_code == 200
    assert "の段階はありません" in response.content.decode()


def test_an_editor_saving_grades_with_approve_gets_403(login, reports):
    mine = _in(reports[0], phase=Phase.ACHIEVEMENT_REPORT, state=PublicationState.SUBMITTED)
    response = login("editor").post(reverse("staff:declaration_judge", args=[mine.pk]), {"approve": "1"})
    assert response.status_code == 403
