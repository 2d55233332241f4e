"""Reference data changed in Django's admin is audited with its before and after, and a save
over someone else's change is refused with the input kept (declarations.admin.base.AuditedAdmin)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sengen.declarations.models import AuditEntry, Department, Role, StaffProfile

from .people import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, people):
    user = people.admin
    user.is_staff = user.is_superuser = True
    user.save()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def opened_state(page: str) -> str:
    found = re.search(r'name="sengen_state" value="([0-9a-f]{64})"', page)
    assert found, "the change form carries the state it was opened on"
    return found.group(1)


def department_form(client, department, **changes) -> dict:
    page = client.get(reverse("admin:declarations_department_change", args=[department.pk])).content.decode()
    data = {"name": department.name, "director_title": department.director_title,
            "municipality": department.municipality_id, "sengen_state": opened_state(page)}
    sections = list(department.sections.order_by("pk"))
    data.update({"sections-TOTAL_FORMS": len(sections), "sections-INITIAL_FORMS": len(sections),
                 "sections-MIN_NUM_FORMS": 0, "sections-MAX_NUM_FORMS": 1000})
    for i, section in enumerate(sections):
        data.update({f"sections-{i}-id": section.pk, f"sections-{i}-department": department.pk,
                     f"sections-{i}-name": section.name})
    data.update(changes)
    return data


def test_a_change_in_the_admin_is_audited_with_who_and_the_values_before_and_after(admin_client, people):
    department = people.department
    data = department_form(admin_client, department, director_title="市民部長", **{"sections-0-name": "協働推進課"})
    response = admin_client.post(reverse("admin:declarations_department_change", args=[department.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin.change", object_type="department")
    assert (entry.user, entry.object_id) == (people.admin, str(department.pk))
    assert entry.detail["before"]["fields"]["director_title"] == "市民生活部長"
    assert entry.detail["after"]["fields"]["director_title"] == "市民部長"
    # The inline rows too: a renamed section is in the same entry.
    assert entry.detail["before"]["declarations.Section"][0]["name"] == "市民協働課"
    assert entry.detail["after"]["declarations.Section"][0]["name"] == "協働推進課"


def test_a_save_over_a_change_made_since_the_page_was_opened_is_refused_and_the_input_kept(admin_client, people):
    department = people.department
    data = department_form(admin_client, department, director_title="わたしの入力した職名")
    # Meanwhile someone else saves another title.
    Department.objects.filter(pk=department.pk).update(director_title="先に保存された職名")
    url = reverse("admin:declarations_department_change", args=[department.pk])
    response = admin_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "ほかの人がこのページを開いた後に変更して保存しました" in page
    assert 'value="わたしの入力した職名"' in page  # the input stays in the form
    department.refresh_from_db()
    assert department.director_title == "先に保存された職名"  # the other change is not overwritten
    assert not AuditEntry.objects.filter(action="admin.change").exists()
    # Saved again from the refused page (now knowing the other change), it goes through.
    data["sengen_state"] = opened_state(page)
    assert admin_client.post(url, data).status_code == 302
    department.refresh_from_db()
    assert department.director_title == "わたしの入力した職名"


def test_a_role_change_is_audited_and_no_password_hash_reaches_the_log(admin_client, people):
    editor = people.editor
    profile = editor.staff_profile
    page = admin_client.get(reverse("admin:auth_user_change", args=[editor.pk])).content.decode()
    data = {
        "username": editor.username, "first_name": "", "last_name": "", "email": "",
        "is_active": "on", "date_joined_0": "2026-04-01", "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-04-01", "initial-date_joined_1": "09:00:00",
        "sengen_state": opened_state(page),
        "staff_profile-TOTAL_FORMS": 1, "staff_profile-INITIAL_FORMS": 1,
        "staff_profile-MIN_NUM_FORMS": 0, "staff_profile-MAX_NUM_FORMS": 1,
        "staff_profile-0-id": profile.pk, "staff_profile-0-user": editor.pk,
        "staff_profile-0-role": Role.DIRECTOR, "staff_profile-0-department": people.department.pk,
        "staff_profile-0-section": "",
    }
    response = admin_client.post(reverse("admin:auth_user_change", args=[editor.pk]), data)
    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>',
                                                   response.content.decode())
    assert StaffProfile.objects.get(pk=profile.pk).role == Role.DIRECTOR
    entry = AuditEntry.objects.get(action="admin.change", object_type="user")
    assert entry.detail["before"]["declarations.StaffProfile"][0]["role"] == Role.SECTION_EDITOR
    assert entry.detail["after"]["declarations.StaffProfile"][0]["role"] == Role.DIRECTOR
    assert editor.password not in str(entry.detail) and "password" not in entry.detail["after"]["fields"]


def test_a_deletion_in_the_admin_keeps_what_was_deleted(admin_client, people):
    department = Department.objects.create(municipality=people.department.municipality, name="廃止部")
    department.sections.create(name="廃止課")
    response = admin_client.post(reverse("admin:declarations_department_delete", args=[department.pk]),
                                 {"post": "yes"})
    assert response.status_code == 302
    assert not Department.objects.filter(pk=department.pk).exists()
    entry = AuditEntry.objects.get(action="admin.delete")
    assert (entry.user, entry.object_repr) == (people.admin, str(department))
    assert entry.detail["before"]["fields"]["name"] == "廃止部"
    assert entry.detail["before"]["declarations.Section"][0]["name"] == "廃止課"
    assert entry.detail["also_deleted"] == {"declarations.Section": 1}


def test_the_audit_log_cannot_be_changed_or_deleted_in_the_admin(admin_client, people):
    entry = AuditEntry.objects.create(user=people.admin, user_name="x", action="a", object_type="t",
                                      object_id="1", object_repr="r")
    change = reverse("admin:declarations_auditentry_change", args=[entry.pk])
    assert admin_client.post(change, {"action": "b"}).status_code == 403
    assert admin_client.post(reverse("admin:declarations_auditentry_delete", args=[entry.pk]),
                             {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "a"


def test_granting_a_permission_is_audited_like_a_role(admin_client, people):
    from django.contrib.auth.models import Permission

    editor = people.editor
    profile = editor.staff_profile
    grant = Permission.objects.get(codename="change_staffprofile")
    page = admin_client.get(reverse("admin:auth_user_change", args=[editor.pk])).content.decode()
    data = {
        "username": editor.username, "first_name": "", "last_name": "", "email": "", "is_active": "on",
        "date_joined_0": editor.date_joined.astimezone().strftime("%Y-%m-%d"),
        "date_joined_1": editor.date_joined.astimezone().strftime("%H:%M:%S"),
        "sengen_state": opened_state(page), "user_permissions": [grant.pk],
        "staff_profile-TOTAL_FORMS": 1, "staff_profile-INITIAL_FORMS": 1,
        "staff_profile-MIN_NUM_FORMS": 0, "staff_profile-MAX_NUM_FORMS": 1,
        "staff_profile-0-id": profile.pk, "staff_profile-0-user": editor.pk,
        "staff_profile-0-role": profile.role, "staff_profile-0-department": "",
        "staff_profile-0-section": people.section.pk,
    }
    response = admin_client.post(reverse("admin:auth_user_change", args=[editor.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="admin.change", object_type="user")
    assert entry.detail["before"]["fields"]["user_permissions"] == []
    assert entry.detail["after"]["fields"]["user_permissions"] == [grant.pk]


def test_a_group_and_its_permissions_are_audited(admin_client, people):
    from django.contrib.auth.models import Group, Permission

    grant = Permission.objects.get(codename="change_staffprofile")
    response = admin_client.post(reverse("admin:auth_group_add"), {"name": "役割の管理", "permissions": [grant.pk]})
    assert response.status_code == 302
    group = Group.objects.get(name="役割の管理")
    entry = AuditEntry.objects.get(action="admin.add", object_type="group")
    assert (entry.object_id, entry.detail["after"]["fields"]["permissions"]) == (str(group.pk), [grant.pk])


def test_a_password_change_in_the_admin_is_audited_without_the_password(admin_client, people):
    editor = people.editor
    old_hash = editor.password
    response = admin_client.post(reverse("admin:auth_user_password_change", args=[editor.pk]),
                                 {"password1": "N3w-pass-word-xyz", "password2": "N3w-pass-word-xyz",
                                  "usable_password": "true"})
    assert response.status_code == 302
    editor.refresh_from_db()
    entry = AuditEntry.objects.get(action="admin.change", object_type="user")
    assert entry.user == people.admin and "assword" in entry.detail["message"]
    assert old_hash not in str(entry.detail) and editor.password not in str(entry.detail)


def test_a_department_renamed_in_the_admin_is_renamed_on_the_public_pages_at_once(admin_client, people, seed_doc):
    from sengen.declarations.services.imports import report_import

    report_import(doc=seed_doc)  # published, so in the public index
    department = people.department
    url = reverse("admin:declarations_department_change", args=[department.pk])
    assert admin_client.post(url, department_form(admin_client, department, name="市民部")).status_code == 302
    admin_client.logout()
    year = admin_client.get(reverse("portal:year", args=[2017]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    links = re.findall(r'href="(/reports/2017/[^"?]+)"', year)
    assert links and all(admin_client.get(link).status_code == 200 for link in links)
    assert reverse("portal:report", args=[2017, "市民部"]) in links
    found = admin_client.get(reverse("portal:search"), {"q": "市民部"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "検索結果：5件" in found
