"""The claim that makes one process, of all the gunicorn workers sharing SENGEN_CACHE_DIR, draw
a file (issue 9.2 follow-up): Django's file-based cache's ``add`` is "has_key, then set", so two
workers could both claim the key; the claim is now a file created with O_CREAT|O_EXCL. And a
publication draws its PDF and XLSX ahead, so the first citizen rarely meets the 503."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from sengen.portal import downloads


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    yield tmp_path / "cache"
    downloads._held.clear()


def _race(key, barrier, results):
    barrier.wait()
    results.put(downloads._claim(key))


@pytest.mark.parametrize("round_", range(5))
def test_of_processes_racing_for_a_key_exactly_one_claims_it(file_cache, round_):
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(8), context.Queue()
    key = f"sengen:download:race{round_}"
    racers = [context.Process(target=_race, args=(key, barrier, results)) for _ in range(8)]
    for racer in racers:
        racer.start()
    claims = [results.get(timeout=30) for _ in racers]
    for racer in racers:
        racer.join(30)
    assert sorted(claims) == [False] * 7 + [True]
    assert downloads._lock_path(key).parent == file_cache


def test_a_claim_is_held_until_released_then_free_again(file_cache):
    key = "sengen:download:abc"
    assert downloads._claim(key)
    assert not downloads._claim(key)
    downloads._release(key)
    assert not downloads._lock_path(key).exists()
    assert downloads._claim(key)


def test_a_claim_left_by_a_dead_worker_goes_stale(file_cache):
    key = "sengen:download:dead"
    assert downloads._claim(key)
    lock = downloads._lock_path(key)
    young = time.time() - downloads.CLAIM_SECONDS + 60
    os.utime(lock, (young, young))
    assert not downloads._claim(key)
    old = time.time() - downloads.CLAIM_SECONDS - 1
    os.utime(lock, (old, old))
    assert downloads._claim(key)
    assert [p.name for p in lock.parent.iterdir()] == [lock.name]  # nothing left aside


def test_a_process_that_exits_mid_drawing_gives_its_claims_back(file_cache):
    key = "sengen:download:exiting"
    assert downloads._claim(key)
    downloads._release_held()
    assert not downloads._lock_path(key).exists()


def test_the_cache_files_are_not_claims(file_cache):
    # The file cache culls and clears its own *.djcache files only; the claims are not among them.
    cache.set("x", b"1")
    assert downloads._claim("sengen:download:k")
    cache.clear()
    assert downloads._lock_path("sengen:download:k").exists()
    downloads._release("sengen:download:k")


def test_without_a_file_cache_the_backends_add_is_the_claim(settings):
    assert downloads._lock_path("sengen:download:k") is None
    assert downloads._claim("sengen:download:k") and not downloads._claim("sengen:download:k")
    downloads._release("sengen:download:k")
    assert downloads._claim("sengen:download:k")
    downloads._release("sengen:download:k")


# --------------------------------------------------------------------------- drawing ahead

@pytest.mark.django_db
def test_publishing_draws_the_pdf_and_xlsx_ahead(client, settings, seed_doc, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    from sengen.declarations.services.imports import report_import

    settings.SENGEN_DOWNLOADS_INLINE = False
    settings.SENGEN_DRAW_AHEAD = True
    cache.clear()
    drawn = []
    monkeypatch.setattr(downloads, "render_out_of_process",
                        lambda doc, fmt: drawn.append(fmt) or f"drawn {fmt}".encode())
    with django_capture_on_commit_callbacks(execute=True):
        report_import(doc=seed_doc)
    downloads.wait_for_drawings(timeout=30)
    assert sorted(drawn) == ["pdf", "xlsx"]
    for fmt in ("pdf", "xlsx"):
        response = client.get(reverse("portal:download", args=[2017, seed_doc["department"], fmt]))
        assert response.status_code == 200 and response.content == f"drawn {fmt}".encode()
    assert sorted(drawn) == ["pdf", "xlsx"]  # served from what was drawn ahead
    cache.clear()


@pytest.mark.django_db
def test_with_inline_downloads_nothing_is_drawn_ahead(settings, seed_doc, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    from sengen.declarations.services.imports import report_import

    settings.SENGEN_DOWNLOADS_INLINE = True
    asked = []
    monkeypatch.setattr(downloads, "draw_ahead", asked.append)
    with django_capture_on_commit_callbacks(execute=True):
        report_import(doc=seed_doc)
    assert asked == []
    assert downloads._ahead.unfinished_tasks == 0


@pytest.mark.django_db
def test_a_command_draws_nothing_ahead(settings, seed_doc, monkeypatch, django_capture_on_commit_callbacks):
    """`sengen import` exits before a drawing could serve anyone: only a serving process draws."""
    from sengen.declarations.services.imports import report_import

    settings.SENGEN_DOWNLOADS_INLINE = False
    settings.SENGEN_DRAW_AHEAD = False
    asked = []
    monkeypatch.setattr(downloads, "draw_ahead", asked.append)
    with django_capture_on_commit_callbacks(execute=True):
        report_import(doc=seed_doc)
    assert asked == []


def test_the_wsgi_application_is_a_process_that_draws_ahead():
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SENGEN_DRAW_AHEAD"}
    env.setdefault("SENGEN_DEBUG", "1")
    code = ("import sengen.wsgi; from django.conf import settings; print(settings.SENGEN_DRAW_AHEAD)")
    served = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert served.stdout.strip() == "True", served.stderr
    code = ("import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'sengen.settings'; django.setup(); "
            "from django.conf import settings; print(settings.SENGEN_DRAW_AHEAD)")
    command = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert command.stdout.strip() == "False", command.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("department", ["2", "download", "市民生活部"])
def test_the_being_prepared_page_links_back_through_the_portals_url_builder(
        client, settings, seed_doc, monkeypatch, department):
    import copy
    import threading

    from sengen.declarations.services.imports import report_import

    doc = copy.deepcopy(seed_doc)
    doc["department"] = department
    report_import(doc=doc)
    settings.SENGEN_DOWNLOADS_INLINE = False
    cache.clear()
    gate = threading.Event()
    monkeypatch.setattr(downloads, "render_out_of_process", lambda doc, fmt: gate.wait(30) and b"x")
    response = client.get(reverse("portal:download", args=[2017, department, "pdf"]))
    gate.set()
    downloads.wait_for_drawings(timeout=30)
    cache.clear()
    assert response.status_code == 503
    page = response.content.decode()
    report_url = reverse("portal:report", args=[2017, department])
    assert f'href="{report_url}"' in page
    assert f'href="{reverse("portal:download", args=[2017, department, "csv"])}"' in page
    if department != "市民生活部":
        assert f"/~{department}/" in report_url  # a name like a number or 'download' has its '~'
        assert client.get(report_url).status_code == 200
