"""Every role × every staff URL: allowed, or refused (403, or the login page for anonymous).

The rules are a table here; the URLs come from the URL conf, so a new staff URL without a rule
fails ``test_every_staff_url_has_a_rule``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sengen.staff import urls as staff_urls

ROLES = ["anonymous", "admin", "director", "editor", "viewer", "other_director", "other_editor", "nobody"]
READERS = {"admin", "director", "editor", "viewer"}  # of 市民生活部's declaration
PUBLIC = "public"

# url name: (method, roles allowed). The objects in the URL are 市民生活部's draft year-end
# report, its initiative 1 (owned by 市民協働課, the editor's section) and its fiscal year.
RULES: dict[str, tuple[str, set[str] | str]] = {
    "login": ("get", PUBLIC),
    "logout": ("post", PUBLIC),
    "home": ("get", {"admin", "director", "editor", "viewer", "other_director", "other_editor"}),
    "year_list": ("get", {"admin", "viewer"}),
    "year_edit": ("get", {"admin"}),
    "year_book": ("get", {"admin"}),  # the year's book as a draft: every department's unpublished work
    "late": ("get", {"admin", "viewer"}),
    "audit": ("get", {"admin"}),
    "declaration_new": ("get", {"admin", "director", "other_director"}),
    "declaration": ("get", READERS),
    "declaration_action": ("post", {"admin", "director"}),
    "declaration_start_phase": ("post", {"admin", "director"}),
    "declaration_carry_over": ("get", {"admin", "director"}),
    "declaration_judge": ("get", {"admin", "director"}),
    "initiative_new": ("get", {"admin", "director"}),
    "initiative_edit": ("get", {"admin", "director", "editor"}),
    "initiative_progress": ("get", {"admin", "director", "editor"}),
    "initiative_results": ("get", {"admin", "director", "editor"}),
    "initiative_correct": ("get", {"admin"}),
    "initiative_history": ("get", READERS),
    "import": ("get", {"admin", "director", "other_director"}),
    "import_save": ("post", {"admin", "director", "other_director"}),
    # Each person's own mail settings: every staff role, nobody else.
    "mail_preferences": ("get", {"admin", "director", "editor", "viewer", "other_director", "other_editor"}),
}


def staff_url_names() -> list[str]:
    return [p.name for p in staff_urls.urlpatterns]


def url_for(name: str, declaration) -> str:
    initiative = declaration.initiatives.get(number=1)
    pattern = next(p for p in staff_urls.urlpatterns if p.name == name)
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "action":
            kwargs[key] = "submit"
        elif name.startswith("initiative_") and name != "initiative_new":
            kwargs[key] = initiative.pk
        elif name in ("year_edit", "year_book"):
            kwargs[key] = declaration.fiscal_year.pk
        else:
            kwargs[key] = declaration.pk
    query = "?phase=achievement_report&draft=1" if name == "year_book" else ""
    return reverse(f"staff:{name}", kwargs=kwargs) + query


def test_every_staff_url_has_a_rule():
    assert set(staff_url_names()) == set(RULES), "add the new URL to RULES with the roles allowed"


def _refused(response, role: str) -> bool:
    if role == "anonymous":
        return response.status_code == 302 and response["Location"].startswith(reverse("staff:login"))
    return response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [n for n in RULES if RULES[n][1] != PUBLIC])
def test_role_matrix(login, reports, name, role):
    method, allowed = RULES[name]
    mine, _ = reports
    client = login(role)
    response = getattr(client, method)(url_for(name, mine))
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        assert not _refused(response, role) and response.status_code != 404
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("staff:login"))
    else:
        assert _refused(response, role), (response.status_code, response.get("Location"))


SCOPED = [n for n in RULES if "pk" in next(p for p in staff_urls.urlpatterns if p.name == n).pattern.converters
          and n not in ("year_edit", "year_book")]


@pytest.mark.parametrize("role", ["director", "editor"])
@pytest.mark.parametrize("name", SCOPED)
def test_another_departments_object_is_refused_whatever_the_id(login, reports, name, role):
    """The same URLs with 総務部's declaration or initiative in them: 403 for 市民生活部's staff."""
    _, other = reports
    response = getattr(login(role), RULES[name][0])(url_for(name, other))
    assert response.status_code == 403


def test_an_id_that_does_not_exist_is_not_found(login, reports):
    assert login("admin").get(reverse("staff:declaration", args=[999999])).status_code == 404
