"""Whole public pages kept in the cache (sengen.portal.pagecache): answered again without
drawing, 304 to a matching ETag, compressed, and never stale after a publication."""

import copy
import gzip

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from sengen.declarations.models import AuditEntry, Department, Municipality
from sengen.declarations.services.imports import report_import
from sengen.portal import pagecache

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"


def report_url():
    return reverse("portal:report", args=[2017, DEPT])


def test_a_public_page_is_kept_and_answered_again_with_the_same_bytes(client, published,
                                                                      django_assert_max_num_queries):
    first = client.get(report_url())
    assert first.status_code == 200 and "X-Sengen-Cache" not in first
    # a kept page costs one query (the generation), not the page's dozen
    with django_assert_max_num_queries(1):
        second = client.get(report_url())
    assert second["X-Sengen-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]
    # the security headers are added to a kept page as to a drawn one
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_an_unchanged_page_answers_304_to_its_etag_or_its_date(client, published):
    first = client.get(report_url())
    not_modified = client.get(report_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == first["ETag"]
    by_date = client.get(report_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304
    other = client.get(report_url(), HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == first.content


def test_a_page_is_compressed_for_a_browser_that_accepts_gzip(client, published):
    plain = client.get(report_url())
    tags = set()
    for _ in range(2):  # drawn (Django's GZipMiddleware), then kept (its stored gzip)
        packed = client.get(report_url(), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert packed["Content-Encoding"] == "gzip"
        tags.add(packed["ETag"])
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content) / 3
    assert "Accept-Encoding" in packed["Vary"]
    # One weak ETag for the compressed page, drawn or kept (a strong one names one byte string).
    assert tags == {f"W/{plain['ETag']}"}
    assert client.get(report_url(), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=tags.pop()).status_code == 304


def test_a_publication_makes_every_kept_page_stale_at_once(client, published, seed_doc):
    pages = [report_url(), reverse("portal:initiative", args=[2017, DEPT, 1]), reverse("portal:year", args=[2017]),
             reverse("portal:index"), reverse("portal:feed")]
    for url in pages:
        client.get(url)
        assert client.get(url)["X-Sengen-Cache"] == "hit"
    corrected = copy.deepcopy(seed_doc)
    corrected["initiatives"][0]["title"] = "地域コミュニティの推進（訂正後）"
    report_import(doc=corrected)
    for url in pages:
        response = client.get(url)
        assert "X-Sengen-Cache" not in response, url
    assert "地域コミュニティの推進（訂正後）" in client.get(report_url()).content.decode()


def test_any_service_write_drops_the_kept_pages_too(client, published):
    # a state change, an edit, a mail: each leaves an audit entry in its own transaction
    client.get(report_url())
    AuditEntry.objects.create(action="declaration.transition", object_type="declaration",
                              object_id=str(published.pk), object_repr=str(published))
    assert "X-Sengen-Cache" not in client.get(report_url())


def test_an_administrators_edit_of_reference_data_drops_them(client, published, django_capture_on_commit_callbacks):
    client.get(report_url())
    assert client.get(report_url())["X-Sengen-Cache"] == "hit"
    department = Department.objects.get(name=DEPT)
    with django_capture_on_commit_callbacks(execute=True):  # the drop comes with the commit
        department.save()  # as the admin does
    assert "X-Sengen-Cache" not in client.get(report_url())


def test_each_language_is_kept_apart(client, published):
    japanese = client.get(report_url()).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(report_url())
    assert "X-Sengen-Cache" not in english
    assert english.content.decode() != japanese and 'lang="en"' in english.content.decode()
    assert client.get(report_url())["X-Sengen-Cache"] == "hit"


def test_errors_staff_pages_and_posts_are_never_kept(client, published):
    missing = reverse("portal:report", args=[2017, "存在しない部"])
    for url in (missing, reverse("staff:login")):
        client.get(url)
        assert "X-Sengen-Cache" not in client.get(url)
    assert "no-store" in client.get(reverse("staff:login"))["Cache-Control"]


@override_settings(SENGEN_PAGE_CACHE_SECONDS=0)
def test_a_city_can_turn_the_page_cache_off(client, published):
    client.get(report_url())
    assert "X-Sengen-Cache" not in client.get(report_url())


def test_a_publication_that_moves_no_highest_id_still_drops_the_kept_pages(client, published, seed_doc,
                                                                         monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    # On PostgreSQL ids are taken at insert, not at commit: a publication committing after a
    # later-numbered one moves no MAX(id). The generation is held still to stand for that.
    monkeypatch.setattr(pagecache, "_generation", lambda: "held")
    client.get(report_url())
    assert client.get(report_url())["X-Sengen-Cache"] == "hit"
    corrected = copy.deepcopy(seed_doc)
    corrected["initiatives"][0]["title"] = "地域コミュニティの推進（訂正後）"
    with django_capture_on_commit_callbacks(execute=True):
        report_import(doc=corrected)
    response = client.get(report_url())
    assert "X-Sengen-Cache" not in response
    assert "地域コミュニティの推進（訂正後）" in response.content.decode()


def test_an_edit_drops_the_kept_pages_when_it_commits_not_before(client, published,
                                                                 django_capture_on_commit_callbacks):
    # Dropped at the save, a page drawn by another request before the commit (the old name)
    # would be kept under the new key and served after it.
    before = cache.get(pagecache.REFERENCE_KEY, 0)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        with transaction.atomic():
            department = Department.objects.get(name=DEPT)
            department.save()
            assert cache.get(pagecache.REFERENCE_KEY, 0) == before
    assert cache.get(pagecache.REFERENCE_KEY, 0) == before
    for callback in pending:
        callback()
    assert cache.get(pagecache.REFERENCE_KEY, 0) != before


def test_a_page_drawn_while_an_edit_commits_is_not_answered_after_it(client, published, monkeypatch):
    # The counter is compared with the one an entry was kept under, not hashed into the key, so
    # a page drawn from the rows before an edit lands under the same key as the pages after it.
    # Read before the edit's commit and kept after it, it must still be a miss.
    lookup = pagecache._lookup

    def edit_commits_meanwhile(key):
        found = lookup(key)
        pagecache._bump()  # the admin's edit commits while this request draws the page
        return found

    monkeypatch.setattr(pagecache, "_lookup", edit_commits_meanwhile)
    client.get(report_url())
    monkeypatch.setattr(pagecache, "_lookup", lookup)
    assert "X-Sengen-Cache" not in client.get(report_url())
    assert client.get(report_url())["X-Sengen-Cache"] == "hit"


def test_a_kept_page_and_the_counter_are_one_read_of_the_cache(client, published, monkeypatch):
    # A shared cache (Redis) is a round trip per read, on every request: one, not two.
    client.get(report_url())
    reads = []

    class Counted:  # what the middleware asks of the cache (a backend's get_many may call get)
        def __getattr__(self, name):
            if name in ("get", "get_many"):
                reads.append(name)
            return getattr(cache, name)

    monkeypatch.setattr(pagecache, "cache", Counted())
    assert client.get(report_url())["X-Sengen-Cache"] == "hit"
    assert reads == ["get_many"]


def test_head_is_answered_as_get_is_whether_the_page_is_kept_or_not(client, published):
    # A link checker or a monitor asks HEAD: it got 405 from a page not kept yet and 200 from
    # the same page once kept (the cache answers before the view's method check).
    url = report_url()
    first = client.head(url)
    assert first.status_code == 200 and first.content == b""
    kept = client.head(url)
    assert kept.status_code == 200 and kept["X-Sengen-Cache"] == "hit"
    assert kept["ETag"] == first["ETag"] and client.get(url).content != b""
    # The API's views refuse HEAD; a kept answer must not accept it on their behalf.
    assert client.head("/api/reports/").status_code == 405
    assert client.get("/api/reports/").status_code == 200
    assert client.get("/api/reports/")["X-Sengen-Cache"] == "hit"
    assert client.head("/api/reports/").status_code == 405


def test_a_lost_counter_never_brings_back_a_page_from_before_a_reference_edit(client, published,
                                                                            django_capture_on_commit_callbacks):
    # A full cache culls entries (a file cache a third of them at random), the counter among them.
    client.get(report_url())  # kept before the edit
    city = Municipality.objects.get(name="伊勢原市")
    with django_capture_on_commit_callbacks(execute=True):
        city.save()  # as the admin does
    client.get(report_url())
    assert client.get(report_url())["X-Sengen-Cache"] == "hit"  # kept after the edit
    cache.delete(pagecache.REFERENCE_KEY)
    # Neither is answered now: restarted at its first value, the counter served the one kept
    # before the edit again.
    assert "X-Sengen-Cache" not in client.get(report_url())
    assert client.get(report_url())["X-Sengen-Cache"] == "hit"


def test_on_postgresql_a_publication_committing_after_a_later_numbered_one_is_shown(client, committed_db,
                                                                                    seed_doc):
    """Two departments publish at once on a real PostgreSQL: the first takes the lower ids and
    commits last, so no highest id moves at its commit. The page drawn between the commits must
    not be answered after it."""
    import threading

    from django.db import connection as main_connection
    from django.db import connections

    if main_connection.vendor == "sqlite":
        pytest.skip("SQLite lets one writer at a time: its ids cannot commit out of order (PostgreSQL runs it)")
    report_import(doc=seed_doc)
    corrected = copy.deepcopy(seed_doc)
    corrected["initiatives"][0]["title"] = "地域コミュニティの推進（訂正後）"
    holding, release, failures = threading.Event(), threading.Event(), []

    def first_publication():
        try:
            with transaction.atomic():
                report_import(doc=corrected)  # its ids are taken now…
                holding.set()
                release.wait(30)
            # …and it commits here, after the other department's
        except Exception as exc:  # the test fails on it below, not silently in the thread
            failures.append(exc)
            holding.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_publication)
    thread.start()
    try:
        assert holding.wait(30)
        other = copy.deepcopy(seed_doc)
        other["municipality"], other["department"] = "秦野市", "会計課"  # shares no row with the first
        report_import(doc=other)  # higher ids, committed first
        drawn = client.get(report_url()).content.decode()
        assert "（訂正後）" not in drawn  # the first is not committed yet
    finally:
        release.set()
        thread.join(60)
    assert not failures
    assert "地域コミュニティの推進（訂正後）" in client.get(report_url()).content.decode()
