"""The public API (/api/): its OpenAPI 3.1 document validates, every path in it answers on the
demo data with a body that validates against the path's response schema, the filters narrow,
pages are bounded, a bad value is a 422 that says which, and a draft never appears."""

from __future__ import annotations

import copy
import json
import re

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from sengen.declarations import publicindex
from sengen.declarations.models import Declaration, Initiative, PublicSummary
from sengen.declarations.services.imports import report_import
from sengen.portal.api import MAX_PAGE_SIZE, PAGE_SIZE, api_static_paths

DOC_URL = "/api/openapi.json"


@pytest.fixture
def demo(db):
    """What `sengen demo` loads: 伊勢原市's seed report and 架空市's two reports in its own form
    (sengen.report/2, a grade per initiative)."""
    call_command("demo", stdout=None)
    assert PublicSummary.objects.count() == 3
    return Declaration.objects.public()


@pytest.fixture
def openapi(client, demo):
    response = client.get(DOC_URL)
    assert response.status_code == 200
    return response.json()


def _body(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _check(openapi, path, body, status="200"):
    """``body`` validates against what the document says ``path`` answers with ``status``."""
    schema = openapi["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    # The schema's references point into the document's components: validate against the
    # schema with the components beside it, as the document holds them.
    validator = Draft202012Validator({**schema, "components": openapi["components"]})
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{path}: {errors[0].message} at {list(errors[0].path)}"


def test_the_document_is_valid_openapi_3_1(openapi):
    assert openapi["openapi"].startswith("3.1")
    validate_openapi(openapi)


def test_the_report_document_is_the_published_formats_schema(openapi):
    """Reports are described by core/schemas (sengen.report/1 and /2), not by an untyped object."""
    report = openapi["components"]["schemas"]["Report"]["properties"]["document"]
    assert [r["$ref"] for r in report["anyOf"]] == ["#/components/schemas/SengenReport1",
                                                   "#/components/schemas/SengenReport2"]
    assert openapi["components"]["schemas"]["SengenReport2"]["properties"]["schema"] == {"const": "sengen.report/2"}


def _concrete(path: str, demo) -> list[str]:
    """Each demo value of the path's parameters: every report, each of its initiatives."""
    if "{" not in path:
        return [path]
    found = []
    for declaration in demo:
        count = PublicSummary.objects.get(declaration=declaration).initiatives
        url = path.replace("{report_id}", str(declaration.pk))
        found += [url.replace("{position}", str(n)) for n in range(1, count + 1)] if "{position}" in url else [url]
    return found


def test_every_path_answers_with_a_body_its_schema_accepts(client, openapi, demo):
    assert len(openapi["paths"]) >= 8
    walked = 0
    for path in openapi["paths"]:
        for url in _concrete(path, demo):
            body = _body(client, url)
            _check(openapi, path, body)
            walked += 1
    assert walked > 10


def test_listings_hold_the_demo_data(client, demo):
    cities = _body(client, "/api/municipalities/")
    assert [(c["name"], c["reports"], c["fiscal_years"]) for c in cities] == [("伊勢原市", 1, [2017]),
                                                                             ("架空市", 2, [2017])]
    assert _body(client, "/api/fiscal-years/") == [{"year": 2017, "label": "平成29年度", "reports": 3}]
    assert [d["name"] for d in _body(client, "/api/departments/", municipality="伊勢原市")] == ["市民生活部"]
    reports = _body(client, "/api/reports/")
    assert reports["count"] == 3
    seed = next(r for r in reports["items"] if r["municipality"] == "伊勢原市")
    assert seed["counts"]["total"] == 9 and seed["initiatives"] == 5
    report = _body(client, seed["url"])
    assert report["document"]["department"] == "市民生活部"
    assert len(report["document"]["initiatives"]) == 5
    initiative = _body(client, f"{seed['url']}initiatives/2/")
    assert initiative["title"] == "くらし安心メールの利用拡大"
    assert initiative["initiative"] == report["document"]["initiatives"][1]


def test_filters_narrow(client, demo):
    everything = _body(client, "/api/initiatives/", page_size=MAX_PAGE_SIZE)
    assert everything["count"] == len(everything["items"]) > 5
    cases = [
        {"municipality": "架空市"}, {"department": "市民生活部"}, {"fiscal_year": 2017}, {"evaluation": "achieved"},
        {"evaluation": "not_achieved"}, {"kind": "numeric"}, {"kind": "milestone"}, {"direction": "higher"},
        {"phase": "declaration"},
    ]
    for params in cases:
        found = _body(client, "/api/initiatives/", page_size=MAX_PAGE_SIZE, **params)["items"]
        assert found, params
        for row in found:
            if "evaluation" in params:
                assert params["evaluation"] in row["evaluations"]
            elif "kind" in params or "direction" in params:
                key, value = next(iter(params.items()))
                assert any(t[key] == value for t in row["targets"]), (params, row["title"])
            else:
                key, value = next(iter(params.items()))
                assert row[key] == value
        if "fiscal_year" not in params:
            assert len(found) < everything["count"], params
    assert _body(client, "/api/initiatives/", fiscal_year=2018)["count"] == 0
    assert _body(client, "/api/initiatives/", municipality="ない市")["count"] == 0


def test_targets_filter_by_their_own_values(client, demo):
    every = _body(client, "/api/targets/", page_size=MAX_PAGE_SIZE)["items"]
    for key, value in (("evaluation", "not_achieved"), ("kind", "numeric"), ("direction", "higher")):
        found = _body(client, "/api/targets/", page_size=MAX_PAGE_SIZE, **{key: value})["items"]
        assert found and all(t[key] == value for t in found), key
        assert len(found) < len(every)
    mail = next(t for t in every if "くらし安心メール登録目標" in t["text"])
    assert (mail["kind"], mail["direction"], mail["evaluation"]) == ("numeric", "higher", "not_achieved")
    assert mail["metric"] == {"value": 12000, "unit": "人"} and mail["initiative"] == 2


def test_a_grade_filters_initiatives_graded_so(client, demo):
    graded = [r for r in _body(client, "/api/initiatives/", page_size=MAX_PAGE_SIZE)["items"] if r["grade"]]
    assert graded, "架空市's form grades each initiative"
    grade = graded[0]["grade"]
    found = _body(client, "/api/initiatives/", grade=grade, page_size=MAX_PAGE_SIZE)["items"]
    assert found and {r["grade"] for r in found} == {grade}
    assert len(found) == sum(1 for r in graded if r["grade"] == grade)


def test_direction_category_is_read_from_a_report_published_as_it_stands(client, demo):
    seed = Declaration.objects.get(department__municipality__name="伊勢原市")
    Initiative.objects.filter(declaration=seed, number=2).update(future_direction_category="拡充")
    publicindex.reindex(Declaration.objects.filter(pk=seed.pk))  # as publishing the report does
    found = _body(client, "/api/initiatives/", direction_category="拡充")["items"]
    assert [(r["department"], r["number"]) for r in found] == [("市民生活部", 2)]
    # While the next phase is a draft, the live rows are work in progress: not read.
    Declaration.objects.filter(pk=seed.pk).update(state="draft")
    publicindex.reindex(Declaration.objects.filter(pk=seed.pk))
    _written_behind_the_services()
    assert _body(client, "/api/initiatives/", direction_category="拡充")["count"] == 0
    assert _body(client, f"/api/reports/{seed.pk}/initiatives/2/")["direction_category"] is None


def _written_behind_the_services():
    """Rows changed by ``update()`` write no audit entry, which is what makes kept public
    answers stale (portal.pagecache): forget them, as a service's write would."""
    from django.core.cache import cache

    cache.clear()


def test_pages_are_bounded(client, demo):
    every = _body(client, "/api/targets/")
    assert len(every["items"]) == min(PAGE_SIZE, every["count"]) and every["count"] == 17
    pages = [_body(client, "/api/targets/", page=n, page_size=5) for n in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [5, 5, 5, 2]
    assert [t for p in pages for t in p["items"]] == every["items"][:17]
    assert client.get("/api/targets/", {"page_size": MAX_PAGE_SIZE + 1}).status_code == 422
    assert _body(client, "/api/targets/", page=999)["items"] == []


@pytest.mark.parametrize("params", [
    {"fiscal_year": "平成29"}, {"fiscal_year": "99999"}, {"evaluation": "good"}, {"kind": "x"},
    {"direction_category": "拡大"}, {"page": "0"}, {"page": "1" + "0" * 30}, {"page_size": "0"},
    {"department": "部" * 201}, {"phase": "draft"},
])
def test_a_bad_value_is_a_422_naming_the_field(client, openapi, params):
    response = client.get("/api/initiatives/", params)
    assert response.status_code == 422
    _check(openapi, "/api/initiatives/", response.json(), "422")
    detail = response.json()["detail"]
    assert [list(params)[0] in error["loc"] for error in detail] == [True] * len(detail)
    assert all(error["msg"] for error in detail)


def test_a_nonexistent_id_is_a_404_in_json(client, demo, openapi):
    missing = Declaration.objects.order_by("-pk").first().pk + 1
    for url in (f"/api/reports/{missing}/", f"/api/reports/{demo.first().pk}/initiatives/99/",
                f"/api/reports/{missing}/initiatives/1/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert "公開されている報告" in response.json()["detail"]
        _check(openapi, "/api/reports/{report_id}/" if url.count("/") == 4 else
               "/api/reports/{report_id}/initiatives/{position}/", response.json(), "404")
    for url in ("/api/reports/abc/", "/api/nothing/", "/api/reports/1/initiatives/x/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": f"API にこのパスはありません: {url}"}
    response = client.get("/api/reports", {"page": "2"})  # without its final "/": sent there
    assert (response.status_code, response["Location"]) == (301, "/api/reports/?page=2")


def test_drafts_never_appear(client, demo, seed_doc):
    draft = copy.deepcopy(seed_doc)
    draft["department"] = "総務部"
    draft["initiatives"][0]["title"] = "下書きの取組"
    declaration = report_import(doc=draft, state="draft").declaration
    # And the next phase of a published report, drafted in its live rows.
    seed = Declaration.objects.get(department__name="市民生活部")
    Initiative.objects.filter(declaration=seed, number=1).update(title="作業中の題名")
    Declaration.objects.filter(pk=seed.pk).update(state="draft")
    _written_behind_the_services()
    bodies = [_body(client, path) for path in api_static_paths()]
    text = repr(bodies)
    assert "下書きの取組" not in text and "作業中の題名" not in text and "総務部" not in text
    assert client.get(f"/api/reports/{declaration.pk}/").status_code == 404
    assert _body(client, f"/api/reports/{seed.pk}/initiatives/1/")["title"] == seed_doc["initiatives"][0]["title"]


def test_static_paths_name_every_report_and_initiative_without_a_query(client, demo):
    paths = list(api_static_paths())
    assert paths[0] == DOC_URL and all("?" not in p for p in paths)
    assert all(p.endswith("/") for p in paths[1:])
    assert len([p for p in paths if re.fullmatch(r"/api/reports/\d+/", p)]) == 3
    initiatives = sum(PublicSummary.objects.values_list("initiatives", flat=True))
    assert len([p for p in paths if "/initiatives/" in p and p != "/api/initiatives/"]) == initiatives
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_the_browsable_page_loads_its_assets_from_our_own_origin(client, demo):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    # No inline script for the CSP to block: the settings travel as JSON, read by a file.
    assert not re.search(r"<script(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>", page)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_an_unfiltered_listing_reads_only_the_reports_on_its_page(client, demo, monkeypatch):
    from sengen.portal import api_reads

    read = []
    real = api_reads._initiatives_of
    monkeypatch.setattr(api_reads, "_initiatives_of", lambda summary, c: read.append(summary.id) or real(summary, c))
    pages = [_body(client, "/api/initiatives/", page=n, page_size=4) for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [4, 4, 3] and pages[0]["count"] == 11
    # Page 1 lies in the first report (5 initiatives), page 2 spans it and the next.
    assert len(read) == 1 + 2 + 1
    walked = [(r["report"], r["position"]) for p in pages for r in p["items"]]
    singles = [(row["report"], row["position"]) for row in
               (_body(client, path) for path in api_static_paths() if "/initiatives/" in path and path.count("/") > 5)]
    assert walked == singles


def test_the_reference_page_names_every_path_and_its_parameters(client, openapi):
    response = client.get("/api/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    for path, methods in openapi["paths"].items():
        assert f"GET {path}" in page
        for parameter in methods["get"].get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in page
    assert 'href="/api/openapi.json"' in page and 'href="/api/docs/"' in page
    assert "achieved / partially_achieved / not_achieved / not_evaluated" in page
    assert "整数（1926〜2200）" in page and "PagedInitiative" in page


def test_english_readers_get_the_page_and_the_404_in_english(client, demo):
    page = client.get("/api/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Public API</h1>" in page and "integer (1926 to 2200)" in page
    missing = Declaration.objects.order_by("-pk").first().pk + 1
    response = client.get(f"/api/reports/{missing}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"detail": f"No published report has the id {missing}"}


def test_the_static_site_holds_every_static_path_as_the_api_answers_it(client, demo, tmp_path):
    """`sengen site build` writes each of ``api_static_paths`` as a file: ``<path>index.json``,
    the document under its own name, each the body the API answers."""
    from ..declarations.helpers import run

    run("site", "build", str(tmp_path / "site"))
    for path in api_static_paths():
        written = tmp_path / "site" / (path.lstrip("/") + ("index.json" if path.endswith("/") else ""))
        assert written.is_file(), path
        assert json.loads(written.read_text(encoding="utf-8")) == _body(client, path), path
