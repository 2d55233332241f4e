"""The Atom feeds of publications and corrections (portal.feeds): valid Atom, one entry per
publication or correction, newest first and bounded, only what was published, people's text as
text, and announced in the head of every public page."""

from __future__ import annotations

import copy
from datetime import datetime

import defusedxml.ElementTree as ET
import pytest
from django.urls import reverse

from sengen.declarations.models import Initiative, Publication
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.publications import Correction, initiative_correct
from sengen.portal import feed_reads

from .reports import next_year

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DEPT = "市民生活部"
HOSTILE = '<script>alert("部")</script>&部'


def atom(response) -> ET.Element:
    """The feed parsed, after the checks every feed must pass."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}").text
    return root


def entries(root) -> list[dict]:
    found = []
    for entry in root.findall(f"{ATOM}entry"):
        content = entry.find(f"{ATOM}content")
        found.append({
            "title": entry.find(f"{ATOM}title").text,
            "link": entry.find(f"{ATOM}link[@rel='alternate']").get("href"),
            "id": entry.find(f"{ATOM}id").text,
            "updated": datetime.fromisoformat(entry.find(f"{ATOM}updated").text),
            "author": entry.find(f"{ATOM}author/{ATOM}name").text,
            "content": content.text,
            "content_type": content.get("type"),
            "summary": entry.find(f"{ATOM}summary"),
        })
    return found


def site_feed(client, **query):
    return entries(atom(client.get(reverse("portal:feed"), query)))


def department_feed(client, department, **query):
    return entries(atom(client.get(reverse("portal:department_feed", args=[department]), query)))


def correct(django_user_model, declaration, number: int, reason: str, title: str):
    admin, _ = django_user_model.objects.get_or_create(username="gyosei", defaults={"is_superuser": True,
                                                                                    "is_staff": True})
    item = Initiative.objects.get(declaration=declaration, number=number)
    return initiative_correct(user=admin, initiative=item, version=item.version, reason=reason,
                              correction=Correction(title=title, content=item.content, target_texts={}))


def test_a_publication_is_an_atom_entry_linking_its_report(client, published):
    publication = Publication.objects.get()
    [entry] = site_feed(client)
    assert entry["title"] == f"平成29年度 {DEPT} 達成状況報告"
    assert entry["link"] == "http://testserver" + reverse("portal:report", args=[2017, DEPT])
    assert entry["updated"] == publication.published_at
    assert entry["author"] == "伊勢原市"
    assert entry["content_type"] == "text" and entry["summary"] is None
    assert entry["content"] == f"伊勢原市は「{entry['title']}」を公開しました。"
    assert client.get(entry["link"]).status_code == 200
    assert department_feed(client, DEPT) == [entry]


def test_a_correction_is_its_own_entry_with_its_reason_newest_first(client, published, django_user_model):
    correct(django_user_model, published, 4, "題名の誤記", "ジェンダー平等の推進")
    correction, first = site_feed(client)
    assert correction["title"] == f"平成29年度 {DEPT} 達成状況報告（訂正）"
    assert correction["content"].endswith("訂正理由：題名の誤記")
    assert first["title"] == f"平成29年度 {DEPT} 達成状況報告"
    assert correction["updated"] >= first["updated"]
    assert correction["link"] == first["link"] and correction["id"] != first["id"]
    # ids are stable: reading again gives the same ones
    assert [e["id"] for e in site_feed(client)] == [correction["id"], first["id"]]


def test_the_feed_is_bounded_and_newest_first(client, seed_doc, monkeypatch):
    report_import(doc=seed_doc)
    report_import(doc=next_year(seed_doc, actual=13210))
    later = next_year(seed_doc, actual=13500)
    later["fiscal_year"], later["fiscal_year_label"] = 2019, "令和元年度"
    report_import(doc=later)
    monkeypatch.setattr(feed_reads, "FEED_ENTRIES", 2)
    found = site_feed(client)
    assert [e["title"].split()[0] for e in found] == ["令和元年度", "平成30年度"]
    assert found[0]["updated"] >= found[1]["updated"]


def test_a_draft_never_appears(client, seed_doc):
    report_import(doc=seed_doc)
    draft = copy.deepcopy(seed_doc)
    draft["department"] = "総務部"
    report_import(doc=draft, state="draft")
    assert [e["title"] for e in site_feed(client)] == [f"平成29年度 {DEPT} 達成状況報告"]
    assert client.get(reverse("portal:department_feed", args=["総務部"])).status_code == 404
    assert client.get(reverse("portal:department_feed", args=["ない部"])).status_code == 404
    assert client.get(reverse("portal:feed"), {"municipality": "ない市"}).status_code == 404


def test_a_hostile_department_and_reason_stay_text(client, seed_doc, django_user_model):
    doc = copy.deepcopy(seed_doc)
    doc["department"] = HOSTILE
    declaration = report_import(doc=doc).declaration
    correct(django_user_model, declaration, 1, "<img src=x onerror=alert(1)>", "題名")
    for response in (client.get(reverse("portal:feed")),
                     client.get(reverse("portal:department_feed", args=[HOSTILE]))):
        raw = response.content
        assert b"<script" not in raw and b"<img" not in raw
        correction, first = entries(atom(response))
        assert first["title"] == f"平成29年度 {HOSTILE} 達成状況報告"
        assert correction["content"].endswith("訂正理由：<img src=x onerror=alert(1)>")
        assert correction["content_type"] == first["content_type"] == "text"
    page = client.get(reverse("portal:report", args=[2017, HOSTILE])).content.decode()
    assert "<script>alert" not in page
    assert 'title="&lt;script&gt;alert(&quot;部&quot;)&lt;/script&gt;&amp;部の目標宣言と報告：公開と訂正"' in page


def test_a_department_named_like_a_route_has_its_feed(client, seed_doc):
    doc = copy.deepcopy(seed_doc)
    doc["department"] = "2"
    report_import(doc=doc)
    assert reverse("portal:department_feed", args=["2"]) == "/feeds/departments/~2/"
    assert [e["title"] for e in department_feed(client, "2")] == ["平成29年度 2 達成状況報告"]


def test_with_several_cities_entries_name_their_city_and_a_city_has_its_feed(client, seed_doc):
    report_import(doc=seed_doc)
    [alone] = site_feed(client)
    other = copy.deepcopy(seed_doc)
    other["municipality"] = "秦野市"
    report_import(doc=other)
    titles = {e["author"]: e for e in site_feed(client)}
    assert titles["伊勢原市"]["id"] == alone["id"]  # a feed reader does not see it anew
    assert titles["伊勢原市"]["title"] == f"伊勢原市 {alone['title']}"
    assert titles["秦野市"]["title"] == f"秦野市 平成29年度 {DEPT} 達成状況報告"
    assert titles["秦野市"]["link"].endswith("?municipality=%E7%A7%A6%E9%87%8E%E5%B8%82")
    assert client.get(titles["秦野市"]["link"]).status_code == 200
    [one] = site_feed(client, municipality="秦野市")
    assert one["author"] == "秦野市" and one["title"] == f"平成29年度 {DEPT} 達成状況報告"
    assert len(department_feed(client, DEPT)) == 2
    assert [e["author"] for e in department_feed(client, DEPT, municipality="伊勢原市")] == ["伊勢原市"]
    root = atom(client.get(reverse("portal:feed"), {"municipality": "秦野市"}))
    assert root.find(f"{ATOM}title").text == "秦野市 部長の目標宣言と達成状況：公開と訂正"
    assert root.find(f"{ATOM}author/{ATOM}name").text == "秦野市"


def alternates(html: str) -> list[str]:
    import re

    return re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]*)" title="([^"]*)">', html)


def test_every_public_page_announces_the_site_feed_and_report_pages_the_department(client, published):
    site = (reverse("portal:feed"), "部長の目標宣言と達成状況：公開と訂正")
    department = (reverse("portal:department_feed", args=[DEPT]), f"{DEPT}の目標宣言と報告：公開と訂正")
    for url in ("/", reverse("portal:year", args=[2017]), reverse("portal:search") + "?q=公民"):
        assert alternates(client.get(url).content.decode()) == [site]
    for url in (reverse("portal:report", args=[2017, DEPT]), reverse("portal:initiative", args=[2017, DEPT, 1])):
        assert alternates(client.get(url).content.decode()) == [site, department]
    for href, _ in (site, department):
        atom(client.get(href))


def test_english_pages_and_feeds(client, published, django_user_model):
    correct(django_user_model, published, 4, "題名の誤記", "ジェンダー平等の推進")
    html = client.get(reverse("portal:report", args=[2017, DEPT]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert alternates(html) == [
        (reverse("portal:feed"), "Directors' goal declarations and results: publications and corrections"),
        (reverse("portal:department_feed", args=[DEPT]), f"{DEPT}'s declarations and reports: publications and corrections"),
    ]
    root = atom(client.get(reverse("portal:feed"), HTTP_ACCEPT_LANGUAGE="en"))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    correction, first = entries(root)
    assert correction["title"] == f"FY2017 {DEPT} Achievement report (correction)"
    assert correction["content"].endswith("Reason: 題名の誤記")
    assert first["content"] == f"伊勢原市 published “{first['title']}”."


def test_a_feed_reads_the_same_few_queries_however_many_entries(client, seed_doc, django_assert_max_num_queries):
    report_import(doc=seed_doc)
    for year in (2018, 2019, 2020):
        later = next_year(seed_doc, actual=13210)
        later["fiscal_year"], later["fiscal_year_label"] = year, f"{year}年度"
        report_import(doc=later)
    # the publications with their city, department and year in one query, and whether several
    # cities are stored in another: never one query per entry (and the page cache's look at
    # the highest ids, sengen.portal.pagecache, which a kept feed answers with alone)
    with django_assert_max_num_queries(3):
        assert len(site_feed(client)) == 4
