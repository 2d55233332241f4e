"""Who may do what (sengen.declarations.permissions): each role's scope, each state rule, and
that the refusals say why in one sentence each."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import translation

import sengen
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
    (PublicationState.SUBMITTED, {"admin"}),  # the director takes it back to draft first (issue 12)
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


# Each refusal is written once ------------------------------------------------------------------
# Issue 10 found thirteen refusals written twice, once in a view and once in its service, so that
# a change to one left the other saying something else. These read the source: a view or service
# that writes a refusal again, instead of raising or showing the Refusal, fails them.

SRC = Path(sengen.__file__).parent
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
GETTEXT = {"gettext", "gettext_lazy", "_", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}


def _refusal_sentences() -> dict[str, str]:
    """Refusal's constants as permissions.py writes them (the msgid, before any translation)."""
    tree = ast.parse(Path(p.__file__).read_text(encoding="utf-8"))
    refusal = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Refusal")
    return {n.targets[0].id: n.value.args[0].value for n in refusal.body
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)}


def _name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def _msgids(roots: list[Path]) -> tuple[dict[str, list[str]], set[str]]:
    """Every Japanese gettext msgid written in the .py files under ``roots``, with where; and
    those a refusal carries: written inside ``PermissionDenied(...)`` or ``require(...)``."""
    where: dict[str, list[str]] = {}
    refusing: set[str] = set()
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = _name(node)
                if name in GETTEXT and node.args and isinstance(node.args[0], ast.Constant) \
                        and isinstance(node.args[0].value, str) and JAPANESE.search(node.args[0].value):
                    where.setdefault(node.args[0].value, []).append(f"{path.name}:{node.lineno}")
                if name in {"PermissionDenied", "require"}:
                    refusing |= {inner.args[0].value for inner in ast.walk(node)
                                 if isinstance(inner, ast.Call) and _name(inner) in GETTEXT and inner.args
                                 and isinstance(inner.args[0], ast.Constant)}
    return where, refusing


def _refusals_written_twice(roots: list[Path]) -> dict[str, list[str]]:
    """Each refusal (a Refusal sentence, or a message a PermissionDenied carries) written more than
    once under ``roots``: as a gettext msgid in Python, or anywhere in a template."""
    where, refusing = _msgids(roots)
    refusals = refusing | set(_refusal_sentences().values())
    twice = {}
    for sentence in refusals:
        places = list(where.get(sentence, []))
        places += [template.name for root in roots for template in sorted(root.rglob("*.html"))
                   if sentence in template.read_text(encoding="utf-8")]
        if len(places) > 1:
            twice[sentence] = places
    return twice


def test_each_refusal_sentence_is_written_once_in_the_source():
    sentences = _refusal_sentences()
    # Read from the source, so the count is checked against the class itself: a parse that
    # went blind would find none and pass.
    assert set(sentences) == {name for name in vars(p.Refusal) if name.isupper()}
    assert len(sentences) >= 37
    texts = [path.read_text(encoding="utf-8") for path in SRC.rglob("*")
             if path.suffix in {".py", ".html", ".txt", ".js"} and "locale" not in path.parts]
    counts = {sentence: sum(text.count(sentence) for text in texts) for sentence in sentences.values()}
    assert {sentence: n for sentence, n in counts.items() if n != 1} == {}


def test_no_refusal_is_written_again_in_the_staff_pages_or_the_declarations():
    roots = [SRC / "staff", SRC / "declarations"]
    _, refusing = _msgids(roots)
    assert len(refusing) >= 5, refusing  # the refusals services write inline (a foreign target id…)
    assert _refusals_written_twice(roots) == {}


def test_a_view_writing_a_services_refusal_again_is_found(tmp_path):
    """The check above is not blind: a view that writes a refusal itself is reported."""
    (tmp_path / "views.py").write_text(
        "from django.core.exceptions import PermissionDenied\n"
        "from django.utils.translation import gettext as _\n\n\n"
        "def edit(request):\n"
        "    raise PermissionDenied(_(\"この取組を編集する権限がありません\"))\n\n\n"
        "def correct(request):\n"
        "    messages.error(request, _(\"この取組にない達成目標は訂正できません\"))\n", encoding="utf-8")
    (tmp_path / "page.html").write_text("{% translate \"公開済みの内容を訂正できるのは管理者だけです\" %}", encoding="utf-8")
    twice = _refusals_written_twice([SRC / "declarations", tmp_path])
    assert set(twice) == {"この取組を編集する権限がありません", "この取組にない達成目標は訂正できません",
                          "公開済みの内容を訂正できるのは管理者だけです"}
