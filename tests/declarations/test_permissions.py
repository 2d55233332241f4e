"""Who may do what (sengen.declarations.permissions): each role's scope, each state rule, and
that the refusals say why in one sentence each."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import translation

from sengen.declarations import permissions as p
from sengen.declarations.models import PublicationState, Role

pytestmark = pytest.mark.django_db


def test_staff_see_only_their_departments_declarations(people, reports):
    mine, other = reports
    assert set(p.declarations_visible(user=people.director)) == {mine}
    assert set(p.declarations_visible(user=people.editor)) == {mine}
    assert set(p.declarations_visible(user=people.viewer)) == {mine, other}
    assert set(p.declarations_visible(user=people.admin)) == {mine, other}
    assert not p.declarations_visible(user=people.nobody).exists()


def test_the_role_and_scope_of_each_account(people):
    assert p.staff_of(people.admin) == p.Staff(Role.ADMINISTRATOR)
    assert p.staff_of(people.director) == p.Staff(Role.DIRECTOR, people.department.pk)
    assert p.staff_of(people.editor) == p.Staff(Role.SECTION_EDITOR, people.department.pk, people.section.pk)
    assert p.staff_of(people.viewer) == p.Staff(Role.VIEWER)
    assert p.staff_of(people.nobody) == p.Staff(None)
    assert p.staff_of(None) == p.Staff(None)


def test_a_superuser_without_a_profile_is_an_administrator_and_an_inactive_account_nobody(people):
    root = get_user_model().objects.create_superuser("root", password="x")
    assert p.is_administrator(root)
    people.admin.is_active = False
    assert p.staff_of(people.admin).role is None


def test_reading_a_declaration(people, reports):
    mine, other = reports
    assert {who for who in ("admin", "director", "editor", "viewer", "other_director", "other_editor", "nobody")
            if p.can_read(people.by_role(who), mine)} == {"admin", "director", "editor", "viewer"}


def test_directing_a_declaration_is_for_its_director_and_administrators(people, reports):
    mine, _ = reports
    assert {who for who in ("admin", "director", "editor", "viewer", "other_director", "nobody")
            if p.can_manage(people.by_role(who), mine)} == {"admin", "director"}
    assert p.can_manage_department(people.director, people.department)
    assert not p.can_manage_department(people.director, people.other_department)
    assert not p.can_manage_department(people.editor, people.department)


def test_a_section_editor_owns_the_initiatives_written_against_their_section(people, reports):
    mine, _ = reports
    own, others = mine.initiatives.get(number=1), mine.initiatives.get(number=2)  # 市民協働課, 交通防犯担当
    assert p.owns_initiative(people.editor, own)
    assert not p.owns_initiative(people.editor, others)
    assert not p.owns_initiative(people.director, own)  # directors manage; they do not own


@pytest.mark.parametrize("state, editors", [
    (PublicationState.DRAFT, {"admin", "director", "editor"}),
    (PublicationState.SUBMITTED, {"admin", "director"}),
    (PublicationState.APPROVED, {"admin"}),
    (PublicationState.CHECKED, {"admin"}),
    (PublicationState.PUBLISHED, set()),
])
def test_who_may_edit_an_initiative_in_each_state(people, reports, state, editors):
    mine, _ = reports
    mine.state = state
    own = mine.initiatives.get(number=1)
    own.declaration = mine
    assert {who for who in ("admin", "director", "editor", "viewer", "other_director", "other_editor")
            if p.can_edit_initiative(people.by_role(who), own)} == editors


@pytest.mark.parametrize("state, open_", [
    (PublicationState.DRAFT, True), (PublicationState.SUBMITTED, True), (PublicationState.APPROVED, False),
    (PublicationState.CHECKED, False), (PublicationState.PUBLISHED, False),
])
def test_adding_and_judging_only_while_the_director_holds_the_declaration(people, reports, state, open_):
    mine, _ = reports  # a year-end report: judged, not added to
    mine.state = state
    assert p.open_to_directing(mine) is open_
    assert p.can_judge(people.admin, mine) is open_
    assert p.can_judge(people.director, mine) is open_
    assert not p.can_judge(people.editor, mine)
    assert not p.can_add_initiative(people.admin, mine)  # the plan's phase is over


def test_the_programme_pages_and_the_import_by_role(people):
    assert {who for who in ("admin", "director", "editor", "viewer", "nobody")
            if p.can_oversee(people.by_role(who))} == {"admin", "viewer"}
    assert {who for who in ("admin", "director", "editor", "viewer", "nobody")
            if p.can_import(people.by_role(who))} == {"admin", "director"}


def test_a_refusal_is_said_in_the_language_of_the_request_that_is_refused():
    p.require(True, p.Refusal.CORRECT)
    with translation.override("en"), pytest.raises(PermissionDenied) as english:
        p.require(False, p.Refusal.CORRECT)
    with translation.override("ja"), pytest.raises(PermissionDenied) as japanese:
        p.require(False, p.Refusal.CORRECT)
    assert str(japanese.value) == "公開済みの内容を訂正できるのは管理者だけです"
    assert str(english.value) != str(japanese.value) and isinstance(english.value.args[0], str)
    with pytest.raises(PermissionDenied, match="この操作を行う権限がありません"):
        p.require(False)
