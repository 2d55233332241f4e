"""Every department's name reaches its own report, initiatives and downloads, whatever it holds:
a name ending in "/2" was initiative 2 of another department, one ending in "/download/csv"
that department's CSV (issue 9.9). Names without such segments keep the URLs they had."""

from __future__ import annotations

import copy
from urllib.parse import quote, unquote

import pytest
from django.urls import resolve, reverse

from sengen.declarations.services.imports import report_import

pytestmark = pytest.mark.django_db

BASE = "市民生活部"
# Each of these collided with BASE's pages, or with each other's, before the converter.
NAMES = [BASE, f"{BASE}/2", f"{BASE}/download/csv", f"{BASE}/download", f"{BASE}/2/download/json", "2",
         "download", "~", f"{BASE}/~2", "~download", f"{BASE}//2", f"{BASE}/"]


@pytest.fixture
def departments(seed_doc):
    for name in NAMES:
        doc = copy.deepcopy(seed_doc)
        doc["department"] = name
        doc["initiatives"][0]["title"] = f"{name}の取組"
        report_import(doc=doc)


@pytest.mark.parametrize("name", NAMES)
def test_each_departments_report_initiative_and_download_are_its_own(client, departments, name):
    url = reverse("portal:report", args=[2017, name])
    assert resolve(unquote(url)).kwargs == {"fiscal_year": 2017, "department": name}
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["declaration"].department.name == name

    url = reverse("portal:initiative", args=[2017, name, 1])
    assert resolve(unquote(url)).kwargs == {"fiscal_year": 2017, "department": name, "number": 1}
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["initiative"]["title"] == f"{name}の取組"

    url = reverse("portal:download", args=[2017, name, "json"])
    assert resolve(unquote(url)).kwargs == {"fiscal_year": 2017, "department": name, "fmt": "json"}
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["department"] == name


def test_an_ordinary_name_keeps_the_url_it_had():
    assert reverse("portal:report", args=[2017, BASE]) == f"/reports/2017/{quote(BASE)}/"
    assert reverse("portal:report", args=[2017, "総務部/秘書課"]) == f"/reports/2017/{quote('総務部/秘書課')}/"
    assert reverse("portal:initiative", args=[2017, BASE, 2]) == f"/reports/2017/{quote(BASE)}/2/"
    assert reverse("portal:download", args=[2017, BASE, "csv"]) == f"/reports/2017/{quote(BASE)}/download/csv/"
    assert reverse("portal:report", args=[2017, "第2部"]) == f"/reports/2017/{quote('第2部')}/"


def test_the_old_url_of_a_department_named_like_a_number_leads_to_its_report(client, departments, seed_doc):
    city = f"?municipality={quote(seed_doc['municipality'])}"
    response = client.get(f"/reports/2017/2/{city}")
    assert response.status_code == 301
    assert response["Location"] == reverse("portal:report", args=[2017, "2"]) + city
    assert client.get("/reports/2017/download/").status_code == 301
    assert client.get("/reports/2017/1234/").status_code == 404  # no such department
