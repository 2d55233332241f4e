"""The admin is not at /admin/: its path is the installation's own (SENGEN_ADMIN_PATH, or
derived from the secret key), and `sengen adminurl` prints it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from sengen.security.adminpath import admin_path


def test_the_default_path_is_derived_from_the_secret_key(settings):
    settings.SENGEN_ADMIN_PATH = ""
    first = admin_path()
    assert first != "admin/" and first.startswith("admin-") and first.endswith("/")
    assert admin_path() == first  # stable across calls (and restarts: no randomness)
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    assert admin_path() != first


def test_the_environment_sets_it(settings):
    settings.SENGEN_ADMIN_PATH = "/kanri/sengen/"
    assert admin_path() == "kanri/sengen/"


@pytest.mark.parametrize("bad", ["../etc", "kanri?x=1", "管理", "a//b"])
def test_an_unusable_path_is_refused(settings, bad):
    settings.SENGEN_ADMIN_PATH = bad
    with pytest.raises(ImproperlyConfigured):
        admin_path()


@pytest.mark.django_db
def test_admin_is_not_found_at_the_usual_place(client):
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    assert reverse("admin:index") == "/" + admin_path()
    assert client.get(reverse("admin:login")).status_code == 200


def test_sengen_adminurl_prints_it(capsys):
    call_command("adminurl")
    assert capsys.readouterr().out.splitlines()[0] == "/" + admin_path()
