"""Staff pages and the admin are never stored by a browser or a proxy (Cache-Control: no-store),
whatever their status; the public portal stays cacheable (issue 9.9)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def assert_not_stored(response) -> None:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, (response.status_code, response.get("Cache-Control"))


def test_every_kind_of_staff_response_says_no_store(client, staff_user):
    anonymous = [reverse("staff:login"), reverse("staff:home"), "/staff/no-such-page/"]
    for url in anonymous:
        assert_not_stored(client.get(url))
    client.force_login(staff_user)
    # A staff account without a role: the home page refuses it (403), still not stored.
    responses = [client.get(reverse("staff:home")), client.get(reverse("staff:import")),
                 client.post(reverse("staff:logout"))]
    assert {r.status_code for r in responses} >= {403, 302}
    for response in responses:
        assert_not_stored(response)


def test_the_admin_says_no_store(client, django_user_model):
    assert_not_stored(client.get(reverse("admin:login")))
    admin = django_user_model.objects.create_superuser("root", password="x" * 16)
    client.force_login(admin)
    assert_not_stored(client.get(reverse("admin:index")))
    assert_not_stored(client.get(reverse("admin:auth_user_changelist")))


def test_the_public_pages_may_be_cached(client, seed_doc):
    from sengen.declarations.services.imports import report_import

    report_import(doc=seed_doc)
    for url in (reverse("portal:index"), reverse("portal:year", args=[2017]),
                reverse("portal:report", args=[2017, seed_doc["department"]]),
                reverse("portal:download", args=[2017, seed_doc["department"], "csv"])):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", ""), url
