"""Forms (様式) in Django's admin: edited as their JSON definition, checked before anything is
saved (a mistake shown with its JSON path, the text kept), saved as a new version through
``services.forms.form_load`` (never an edit of a version), audited, locked against a concurrent
save, for administrators only; a city's form chosen on its page among the presets and its own."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from sengen.core.forms import form_from_dict, form_to_dict
from sengen.declarations.forms import form_current_version, form_get
from sengen.declarations.models import AuditEntry, Form, FormVersion, Municipality

from .helpers import soshiki_columns, soshiki_form
from .people import PASSWORD

pytestmark = pytest.mark.django_db

MANAGEMENT = {"versions-MIN_NUM_FORMS": 0, "versions-MAX_NUM_FORMS": 1000}


def definition(**changes) -> dict:
    data = soshiki_form("kakuu-kadai", {"achievement_report": {
        "title": "{fiscal_year_label} {unit} 組織目標", "columns": soshiki_columns()}})
    data.update(changes)
    return data


def login(client, user):
    user.is_staff = user.is_superuser = True  # every Django permission: the sengen role decides
    user.save()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def admin_client(client, people):
    return login(client, people.admin)


@pytest.fixture
def city(people):
    return people.department.municipality


def add(client, city, data) -> object:
    return client.post(reverse("admin:declarations_form_add"), {
        "municipality": city.pk if city is not None else "", "definition": json.dumps(data, ensure_ascii=False),
        "versions-TOTAL_FORMS": 0, "versions-INITIAL_FORMS": 0, **MANAGEMENT})


def change_data(client, form, text: str) -> dict:
    page = client.get(reverse("admin:declarations_form_change", args=[form.pk])).content.decode()
    state = re.search(r'name="sengen_state" value="([0-9a-f]{64})"', page).group(1)
    versions = list(form.versions.order_by("-version"))
    data = {"definition": text, "sengen_state": state, "versions-TOTAL_FORMS": len(versions),
            "versions-INITIAL_FORMS": len(versions), **MANAGEMENT}
    for i, version in enumerate(versions):
        data.update({f"versions-{i}-id": version.pk, f"versions-{i}-form": form.pk})
    return data


def test_adding_a_form_in_the_admin_stores_version_1_through_the_service_and_audits_it(admin_client, people, city):
    response = add(admin_client, city, definition())
    assert response.status_code == 302, response.content.decode()[:3000]
    form = Form.objects.get(code="kakuu-kadai")
    assert (form.municipality, form.name) == (city, "課の組織目標")
    version = form_current_version(form)
    assert (version.version, version.created_by) == (1, people.admin)
    assert version.definition == form_to_dict(form_from_dict(definition()))
    entry = AuditEntry.objects.get(object_type="form")
    assert (entry.action, entry.user, entry.detail["source"], entry.detail["version"]) == (
        "form.create", people.admin, "管理画面", 1)


def test_the_change_page_shows_the_latest_definition_and_the_versions_read_only(admin_client, people, city):
    add(admin_client, city, definition())
    form = Form.objects.get(code="kakuu-kadai")
    page = admin_client.get(reverse("admin:declarations_form_change", args=[form.pk])).content.decode()
    assert "&quot;code&quot;: &quot;kakuu-kadai&quot;" in page  # the definition, escaped in its textarea
    assert "achievement_report: 番号 / 課題 / 達成水準 / 方策 / 協働関係先 / 達成度" in page
    listing = admin_client.get(reverse("admin:declarations_form_changelist")).content.decode()
    assert "プリセット（どの自治体も使える）" in listing and "伊勢原市" in listing
    assert 'name="versions-0-version"' not in page  # no version is editable
    assert reverse("admin:declarations_form_delete", args=[form.pk]) not in page


def test_saving_a_changed_definition_adds_a_version_and_never_edits_the_old_one(admin_client, people, city):
    add(admin_client, city, definition())
    form = Form.objects.get(code="kakuu-kadai")
    first = form_current_version(form)
    changed = definition(name="課の組織目標（改）")
    response = admin_client.post(reverse("admin:declarations_form_change", args=[form.pk]),
                                 change_data(admin_client, form, json.dumps(changed, ensure_ascii=False)))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(form.versions.order_by("version").values_list("version", "definition__name")) == [
        (1, "課の組織目標"), (2, "課の組織目標（改）")]
    first.refresh_from_db()
    assert first.definition["name"] == "課の組織目標"
    form.refresh_from_db()
    assert form.name == "課の組織目標（改）"
    assert list(AuditEntry.objects.filter(object_type="form").order_by("pk").values_list("action", flat=True)) == [
        "form.create", "form.update"]


def test_saving_the_same_definition_adds_no_version(admin_client, city):
    add(admin_client, city, definition())
    form = Form.objects.get(code="kakuu-kadai")
    page = admin_client.get(reverse("admin:declarations_form_change", args=[form.pk])).content.decode()
    shown = re.search(r'<textarea name="definition"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    response = admin_client.post(reverse("admin:declarations_form_change", args=[form.pk]),
                                 change_data(admin_client, form, html.unescape(shown)))
    assert response.status_code == 302
    assert form.versions.count() == 1
    assert AuditEntry.objects.filter(object_type="form").count() == 1


def test_an_invalid_definition_is_shown_with_its_json_path_and_the_text_kept(admin_client, city):
    bad = definition()
    bad["layouts"]["achievement_report"]["columns"][3]["parts"] = ["method"]
    response = add(admin_client, city, bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert "$.layouts.achievement_report.columns[3].parts[0]: " in page
    assert "&quot;method&quot;" in page  # what was typed is still in the text box
    assert not Form.objects.filter(code="kakuu-kadai").exists()
    response = admin_client.post(reverse("admin:declarations_form_add"), {
        "municipality": city.pk, "definition": '{"code": ', "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0, **MANAGEMENT})
    assert "JSON として読めません（1行10桁目" in response.content.decode()


def test_a_changed_code_an_existing_form_or_a_presets_code_is_refused_before_saving(admin_client, city):
    add(admin_client, city, definition())
    form = Form.objects.get(code="kakuu-kadai")
    response = admin_client.post(reverse("admin:declarations_form_change", args=[form.pk]), change_data(
        admin_client, form, json.dumps(definition(code="kakuu-other"), ensure_ascii=False)))
    assert "$.code: 様式のコードは変えられません" in response.content.decode()
    assert "様式 kakuu-kadai はすでにあります" in add(admin_client, city, definition()).content.decode()
    assert "f2-sengensha はプリセットの様式のコードです" in add(
        admin_client, city, definition(code="f2-sengensha")).content.decode()
    assert Form.objects.filter(municipality=city).count() == 1
    assert FormVersion.objects.filter(form=form).count() == 1


def test_a_save_over_a_version_added_since_the_page_was_opened_is_refused(admin_client, people, city):
    from sengen.declarations.services.forms import form_load

    add(admin_client, city, definition())
    form = Form.objects.get(code="kakuu-kadai")
    data = change_data(admin_client, form, json.dumps(definition(name="わたしの版"), ensure_ascii=False))
    form_load(user=people.admin, definition=definition(name="先に保存された版"), municipality=city)
    response = admin_client.post(reverse("admin:declarations_form_change", args=[form.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "ほかの人がこのページを開いた後に変更して保存しました" in page
    assert "わたしの版" in page
    assert form_current_version(form).definition["name"] == "先に保存された版"
    assert form.versions.count() == 2


@pytest.mark.parametrize("role", ["director", "viewer", "editor"])
def test_only_administrators_see_or_change_forms_in_the_admin(client, people, city, role):
    login(client, people.by_role(role))
    assert client.get(reverse("admin:declarations_form_changelist")).status_code == 403
    assert add(client, city, definition()).status_code == 403
    preset = form_get("f2-sengensha")
    assert client.get(reverse("admin:declarations_form_change", args=[preset.pk])).status_code == 403
    assert "declarations/form/" not in client.get(reverse("admin:index")).content.decode()
    assert not Form.objects.filter(code="kakuu-kadai").exists()


def test_forms_are_never_deleted_in_the_admin(admin_client):
    preset = form_get("f2-sengensha")
    assert admin_client.get(reverse("admin:declarations_form_delete", args=[preset.pk])).status_code == 403


def test_a_citys_form_is_chosen_among_the_presets_and_its_own_and_audited(admin_client, people, city):
    other = Municipality.objects.create(name="架空市")
    add(admin_client, other, definition())
    add(admin_client, city, definition(code="isehara-kadai"))
    url = reverse("admin:declarations_municipality_change", args=[city.pk])
    page = admin_client.get(url).content.decode()
    choices = re.search(r'<select name="form".*?</select>', page, re.S).group(0)
    assert "f2-sengensha" in choices and "isehara-kadai" in choices
    assert "kakuu-kadai" not in choices  # another city's form
    state = re.search(r'name="sengen_state" value="([0-9a-f]{64})"', page).group(1)
    preset = form_get("f2-sengensha")
    response = admin_client.post(url, {"name": city.name, "grading_scale": city.grading_scale_id or "",
                                       "form": preset.pk, "sengen_state": state})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Municipality.objects.get(pk=city.pk).form == preset
    entry = AuditEntry.objects.get(action="admin.change", object_type="municipality")
    assert (entry.detail["before"]["fields"]["form_id"], entry.detail["after"]["fields"]["form_id"]) == (None, preset.pk)
    theirs = Form.objects.get(code="kakuu-kadai")
    state = re.search(r'name="sengen_state" value="([0-9a-f]{64})"',
                      admin_client.get(url).content.decode()).group(1)
    response = admin_client.post(url, {"name": city.name, "grading_scale": city.grading_scale_id or "",
                                       "form": theirs.pk, "sengen_state": state})
    assert response.status_code == 200  # not a choice
    assert Municipality.objects.get(pk=city.pk).form == preset
