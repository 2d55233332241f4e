"""Each city's open-data license (``services.open_data``): named in its year's datapackage.json (a
valid Frictionless package), the server's default for a city that set none, what an administrator
types checked (an http(s) address, bounded text) with a sentence per field, set only by the city's
own administrators (or one of every city) whatever door the call came through, and audited."""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sengen.core.opendata import LICENSE_TITLE_MAX_CHARS
from sengen.declarations.models import AuditEntry, Municipality, Role
from sengen.declarations.opendata import open_data_license, year_zip_bytes
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.open_data import open_data_license_save

from ..people import PASSWORD, make_user

pytestmark = pytest.mark.django_db

TERMS = "https://www.city.isehara.example.jp/opendata/terms.html"


@pytest.fixture
def cities(people, seed_doc):
    """伊勢原市 and 秦野市, each with the seed report published for FY2017."""
    report_import(doc=copy.deepcopy(seed_doc), state="published")
    other = copy.deepcopy(seed_doc)
    other["municipality"] = "秦野市"
    report_import(doc=other, state="published")
    return Municipality.objects.get(name="伊勢原市"), Municipality.objects.get(name="秦野市")


def package(city: str) -> dict:
    return json.loads(zipfile.ZipFile(io.BytesIO(year_zip_bytes(city, 2017))).read("datapackage.json"))


def test_each_city_names_its_own_license_and_the_package_stays_valid(people, cities, tmp_path):
    isehara, hadano = cities
    open_data_license_save(user=people.admin, municipality=isehara, title="政府標準利用規約（第2.0版）", path=TERMS)
    open_data_license_save(user=people.admin, municipality=hadano, name="CC0-1.0")
    assert package("伊勢原市")["licenses"] == [{"title": "政府標準利用規約（第2.0版）", "path": TERMS}]
    assert package("秦野市")["licenses"] == [{"name": "CC0-1.0", "title": "CC0 1.0",
                                             "path": "https://creativecommons.org/publicdomain/zero/1.0/"}]
    frictionless = pytest.importorskip("frictionless", reason="frictionless is in the test extra")
    for city in ("伊勢原市", "秦野市"):
        folder = tmp_path / city
        zipfile.ZipFile(io.BytesIO(year_zip_bytes(city, 2017))).extractall(folder)
        report = frictionless.validate(folder / "datapackage.json")
        assert report.valid, report.flatten(["type", "note"])[:5]


def test_a_city_that_set_none_has_the_servers_default(people, cities, settings):
    isehara, _ = cities
    assert package("伊勢原市")["licenses"] == [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                                             "path": "https://creativecommons.org/licenses/by/4.0/"}]
    settings.SENGEN_OPEN_DATA_LICENSE = "ODC-BY-1.0"
    assert package("伊勢原市")["licenses"][0]["name"] == "ODC-BY-1.0"
    open_data_license_save(user=people.admin, municipality=isehara, name="CC0-1.0")
    assert package("伊勢原市")["licenses"][0]["name"] == "CC0-1.0"
    # Emptied again: back to the default.
    open_data_license_save(user=people.admin, municipality=isehara)
    assert open_data_license(isehara)["name"] == "ODC-BY-1.0"


@pytest.mark.parametrize(("fields", "field", "said"), [
    ({"title": "独自の規約", "path": "javascript:alert(1)"}, "open_data_license_path", "http:// または https://"),
    ({"title": "独自の規約", "path": "ftp://example.jp/terms"}, "open_data_license_path", "http:// または https://"),
    ({"title": "独自の規約", "path": "https://"}, "open_data_license_path", "http:// または https://"),
    ({"title": "あ" * (LICENSE_TITLE_MAX_CHARS + 1), "path": TERMS}, "open_data_license_title",
     f"{LICENSE_TITLE_MAX_CHARS}文字までです（{LICENSE_TITLE_MAX_CHARS + 1}文字あります）"),
    ({"title": "独自の規約\n<script>", "path": TERMS}, "open_data_license_title", "1行で"),
    ({"name": "CC BY 4.0"}, "open_data_license_name", "英数字と . _ + -"),
    ({"name": "<b>x</b>"}, "open_data_license_name", "英数字と . _ + -"),
    ({"title": "独自の規約"}, "open_data_license_path", "条文の URL"),
])
def test_what_an_administrator_types_is_checked_with_a_clear_sentence(people, cities, fields, field, said):
    isehara, _ = cities
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        open_data_license_save(user=people.admin, municipality=isehara, **fields)
    assert said in " ".join(info.value.message_dict[field])
    isehara.refresh_from_db()
    assert (isehara.open_data_license_title, isehara.open_data_license_path) == ("", "")
    assert AuditEntry.objects.count() == before


def test_only_the_citys_own_administrators_may_set_it(people, cities):
    isehara, hadano = cities
    hadano_admin = make_user("hadano-gyosei", Role.ADMINISTRATOR)
    hadano_admin.staff_profile.municipality = hadano
    hadano_admin.staff_profile.save()
    before = AuditEntry.objects.count()
    for user in (hadano_admin, people.director, people.viewer, people.nobody, None):
        with pytest.raises(PermissionDenied) as info:
            open_data_license_save(user=user, municipality=isehara, name="CC0-1.0")
        assert str(info.value) == "伊勢原市の設定を変更できるのは伊勢原市の管理者だけです"
    assert Municipality.objects.get(pk=isehara.pk).open_data_license_name == ""
    assert AuditEntry.objects.count() == before
    # Their own city, yes; and an administrator of every city (no city on the profile) any.
    open_data_license_save(user=hadano_admin, municipality=hadano, name="CC0-1.0")
    open_data_license_save(user=people.admin, municipality=isehara, title="政府標準利用規約（第2.0版）", path=TERMS)
    entry = AuditEntry.objects.filter(action="municipality.open_data_license").order_by("pk").last()
    assert entry.user == people.admin and entry.detail["after"]["open_data_license_path"] == TERMS
    assert entry.detail["before"]["open_data_license_path"] == ""


def _admin_post(client, user, city, **license_fields):
    user.is_staff = user.is_superuser = True  # every Django permission: the sengen role decides
    user.save()
    assert client.login(username=user.username, password=PASSWORD)
    url = reverse("admin:declarations_municipality_change", args=[city.pk])
    page = client.get(url).content.decode()
    state = re.search(r'name="sengen_state" value="([0-9a-f]{64})"', page).group(1)
    return client.post(url, {"name": city.name, "grading_scale": city.grading_scale_id or "", "form": "",
                             "sengen_state": state, **license_fields})


def test_the_admin_page_sets_it_through_the_service_and_shows_its_refusals(client, people, cities):
    isehara, hadano = cities
    response = _admin_post(client, people.admin, isehara, open_data_license_title="独自の規約",
                           open_data_license_path="javascript:alert(1)")
    assert response.status_code == 200
    assert "http:// または https:// で始まるアドレス" in response.content.decode()
    assert Municipality.objects.get(pk=isehara.pk).open_data_license_path == ""
    response = _admin_post(client, people.admin, isehara, open_data_license_title="政府標準利用規約（第2.0版）",
                           open_data_license_path=TERMS)
    assert response.status_code == 302
    assert open_data_license(isehara.name) == {"title": "政府標準利用規約（第2.0版）", "path": TERMS}
    assert AuditEntry.objects.filter(action="municipality.open_data_license", object_id=str(isehara.pk)).exists()
    # Another city's administrator: refused on the page, the sentence on it, nothing stored.
    people.viewer.staff_profile.role, people.viewer.staff_profile.municipality = Role.ADMINISTRATOR, hadano
    people.viewer.staff_profile.save()
    client.logout()
    response = _admin_post(client, people.viewer, isehara, open_data_license_name="CC0-1.0",
                           open_data_license_title="政府標準利用規約（第2.0版）", open_data_license_path=TERMS)
    assert response.status_code == 200
    assert "伊勢原市の設定を変更できるのは伊勢原市の管理者だけです" in response.content.decode()
    assert open_data_license(isehara.name)["title"] == "政府標準利用規約（第2.0版）"
    assert "name" not in open_data_license(isehara.name)


def test_a_city_on_a_role_scopes_administrators_only(people, cities):
    from sengen.declarations.admin.accounts import StaffProfileForm

    _, hadano = cities
    form = StaffProfileForm(data={"role": Role.DIRECTOR, "department": people.department.pk, "municipality": hadano.pk})
    assert not form.is_valid() and "自治体は管理者にだけ設定します" in form.errors["municipality"][0]
    form = StaffProfileForm(data={"role": Role.ADMINISTRATOR, "municipality": hadano.pk})
    assert form.is_valid(), form.errors
