"""``sengen site build``: the public site as files (issue 13, part 1) on the demo data.

Every internal link of every page leads to a file of the tree, in both languages; a correction
rewrites only the files it changed (listed, the others keep their mtime); ``--check`` passes on
a fresh tree and names a file someone changed."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.test import Client

from sengen.declarations.models import Declaration, Role
from sengen.declarations.services.publications import Correction, initiative_correct

from ..declarations.helpers import refused, run
from ..declarations.people import make_user

pytestmark = pytest.mark.django_db
LINK = re.compile(r'\s(?:href|src|action)="([^"]*)"')
DEPT = "市民生活部"


@pytest.fixture
def demo(db):
    run("demo")
    return Declaration.objects.get(department__name=DEPT)


def build(site: Path, *args) -> tuple[str, float]:
    started = time.perf_counter()
    out = run("site", "build", str(site), *args)
    return out, time.perf_counter() - started


def tree(site: Path, *, search: bool = True) -> dict[str, int]:
    """Every file of the tree but the private ones, with its mtime; ``search`` False leaves out
    the static search's index, which is written after the pages, from them."""
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*")
            if p.is_file() and not any(part.startswith(".sengen-") for part in p.relative_to(site).parts)
            and (search or not p.relative_to(site).as_posix().startswith("pagefind/"))}


def broken_links(site: Path) -> list[str]:
    broken = []
    for page in list(site.rglob("*.html")) + list(site.rglob("*.atom")):
        for raw in LINK.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(html.unescape(raw))
            if parts.scheme or not parts.path:  # another site, or "#main"
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or not target.is_relative_to(site.resolve()):
                broken.append(f"{page.relative_to(site)} → {raw}")
    return broken


def test_the_whole_site_is_files_whose_links_all_lead_to_files(demo, tmp_path):
    site = tmp_path / "site"
    out, seconds = build(site)
    print(f"full build of the demo data: {seconds:.2f} s")
    files = tree(site)
    report = f"cities/伊勢原市/reports/2017/{DEPT}"
    for path in ["index.html", "en/index.html", "years/2017/index.html", "en/years/2017/index.html",
                 "cities/架空市/years/2017/index.html", f"{report}/index.html", f"{report}/4/index.html",
                 f"en/{report}/4/index.html", "feeds/index.atom", "en/feeds/index.atom",
                 f"cities/伊勢原市/feeds/departments/{DEPT}/index.atom", "static/portal/portal.css",
                 "search/index.html"]:
        assert path in files, path
    for extension in ("pdf", "xlsx", "csv", "json"):
        name = f"{report}/download/伊勢原市_平成29年度_{DEPT}_達成状況報告.{extension}"
        assert name in files, name
    assert (site / f"{report}/download/伊勢原市_平成29年度_{DEPT}_達成状況報告.pdf").read_bytes().startswith(b"%PDF")
    # The English pages are the portal's English, and a page names its other language's file.
    english = (site / "en" / report / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and "Download" in english
    japanese = (site / report / "index.html").read_text(encoding="utf-8")
    assert f'href="../../../../../en/cities/%E4%BC%8A%E5%8B%A2%E5%8E%9F%E5%B8%82/reports/2017/{_q(DEPT)}/index.html"' \
        in japanese
    assert broken_links(site) == []
    # No page points at the server any more: no /language/ switch, no ?municipality=.
    assert not any("/language/" in page.read_text(encoding="utf-8") or "?municipality=" in page.read_text(encoding="utf-8")
                   for page in site.rglob("*.html"))
    manifest = json.loads((site / ".sengen-site.json").read_text(encoding="utf-8"))
    # The manifest lists every file the build wrote; the static search's index (pagefind/) is
    # written after it, from the pages.
    assert set(manifest["files"]) == {path for path in files if not path.startswith("pagefind/")}
    assert out.count("書きました: ") == len(manifest["files"])


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def test_a_base_url_puts_every_link_under_it_and_writes_a_sitemap(demo, tmp_path, monkeypatch, capsys):
    from sengen.declarations.management.commands import site as command

    monkeypatch.setattr(command, "PROGRESS_EVERY", 10)
    site = tmp_path / "site"
    build(site, "--base-url", "https://www.city.example.jp/sengen")
    # A long build shows it is moving: a line on stderr every PROGRESS_EVERY files.
    assert "…10 ファイル（" in capsys.readouterr().err
    page = (site / "years/2017/index.html").read_text(encoding="utf-8")
    links = [html.unescape(link) for link in LINK.findall(page) if not link.startswith("#")]
    assert links and all(link.startswith("https://www.city.example.jp/sengen/") for link in links), links
    assert "https://www.city.example.jp/sengen/years/2017/" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://www.city.example.jp/sengen/en/" in (site / "sitemap.xml").read_text(encoding="utf-8")
    feed = (site / "feeds/index.atom").read_text(encoding="utf-8")
    assert "https://www.city.example.jp/sengen/cities/" in feed
    # Without --base-url a check (the sync script's) compares with the address the tree was built for.
    assert "一致しています" in run("site", "build", str(site), "--check")
    # A manifest that is not sengen's is refused, naming it, not overwritten.
    (site / ".sengen-site.json").write_text("{}", encoding="utf-8")
    assert ".sengen-site.json" in str(refused("site", "build", str(site)))


def test_a_correction_rewrites_only_the_files_it_changed_and_check_then_passes(demo, tmp_path, capsys, monkeypatch):
    site = tmp_path / "site"
    build(site)
    before = tree(site, search=False)
    admin = make_user("gyosei", Role.ADMINISTRATOR)
    four = demo.initiatives.get(number=4)
    initiative_correct(user=admin, initiative=four, version=four.version, reason="誤字の訂正",
                       correction=Correction(title="男女共同参画の推進（訂正）", content=four.content, target_texts={}))
    asked = []
    real_get = Client.get
    monkeypatch.setattr(Client, "get", lambda self, path, *a, **k: asked.append(unquote(path)) or real_get(self, path, *a, **k))
    out, seconds = build(site)
    with capsys.disabled():
        print(f"\nincremental build after a correction: {seconds:.2f} s")
    # The other departments' pages were taken from the tree, not rendered again (their inputs
    # did not change); the corrected department's were.
    assert not [path for path in asked if path.startswith("/reports/") and "市民生活部" not in path], asked
    corrected = f"/api/reports/{demo.pk}/"
    assert not [path for path in asked if path.startswith("/api/reports/") and path.count("/") > 3
                and not path.startswith(corrected)], asked
    assert f"/reports/2017/{DEPT}/4/?municipality=伊勢原市" in asked
    after = tree(site, search=False)
    written = sorted(line.removeprefix("書きました: ") for line in out.splitlines() if line.startswith("書きました: "))
    assert written, out
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert written == changed  # exactly the files listed were touched
    report = f"cities/伊勢原市/reports/2017/{DEPT}"
    assert f"{report}/4/index.html" in written and f"en/{report}/4/index.html" in written
    assert f"{report}/download/伊勢原市_平成29年度_{DEPT}_達成状況報告.pdf" in written
    # The other city's reports, their downloads, the other initiatives and the assets are untouched.
    for path in written:
        assert "架空市/reports" not in path and not path.startswith("static/"), path
        assert not re.search(rf"{DEPT}/[1235]/index.html$", path), path
    assert "男女共同参画の推進（訂正）" in (site / report / "4/index.html").read_text(encoding="utf-8")
    assert run("site", "build", str(site), "--check").startswith(f"{site}: ")


def test_check_names_a_file_that_differs_from_the_database(demo, tmp_path):
    site = tmp_path / "site"
    build(site)
    page = site / "years/2017/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("平成29年度", "平成30年度"), encoding="utf-8")
    error = refused("site", "build", str(site), "--check")
    assert "1 件" in str(error)
    (site / "static/portal/portal.css").unlink()
    assert "2 件" in str(refused("site", "build", str(site), "--check"))
    # A build puts both back, and says which.
    out, _ = build(site)
    assert "書きました: years/2017/index.html" in out and "書きました: static/portal/portal.css" in out


def test_a_base_url_that_is_not_a_url_is_refused(db, tmp_path):
    assert "--base-url" in str(refused("site", "build", str(tmp_path / "site"), "--base-url", "www.example.jp"))
    target = tmp_path / "file"
    target.write_text("x")
    assert "ディレクトリではありません" in str(refused("site", "build", str(target)))


def test_a_publication_rebuilds_the_site_directory_once_it_commits(published_demo_settings, seed_doc,
                                                                 django_capture_on_commit_callbacks, monkeypatch):
    from sengen.declarations.services.imports import report_import
    from sengen.portal.site import autobuild

    ran = []
    real_run = autobuild.subprocess.run

    def fake_run(arguments, **kwargs):
        if arguments[1:5] != ["-m", "sengen.cli", "site", "build"]:
            return real_run(arguments, **kwargs)  # another child (the year's ZIP drawn ahead)
        ran.append(arguments)
        return type("Done", (), {"returncode": 0})()

    # The build itself is the command the other tests run; here: that a commit starts it, once.
    monkeypatch.setattr(autobuild.subprocess, "run", fake_run)
    with django_capture_on_commit_callbacks(execute=True):
        report_import(doc=seed_doc)
    autobuild._thread.join(10)
    site_dir = published_demo_settings.SENGEN_SITE_DIR
    assert ran == [[*ran[0][:3], "site", "build", site_dir, "--base-url", "https://www.city.example.jp/sengen/"]]
    assert (Path(site_dir) / autobuild.LOG_NAME).exists()


def test_no_site_directory_no_rebuild(db, settings, seed_doc, django_capture_on_commit_callbacks, monkeypatch):
    from sengen.declarations.services.imports import report_import
    from sengen.portal.site import autobuild

    settings.SENGEN_DRAW_AHEAD, settings.SENGEN_DOWNLOADS_INLINE, settings.SENGEN_SITE_DIR = True, False, ""
    monkeypatch.setattr(autobuild, "request_build", lambda: pytest.fail("no site directory: nothing to build"))
    with django_capture_on_commit_callbacks(execute=True):
        report_import(doc=seed_doc)


@pytest.fixture
def published_demo_settings(db, settings, tmp_path, monkeypatch):
    from sengen.portal import downloads

    # A serving process (draws ahead) with a site directory; the drawing ahead itself is not
    # what this test is about.
    monkeypatch.setattr(downloads, "draw_ahead", lambda *args, **kwargs: None)
    settings.SENGEN_DRAW_AHEAD, settings.SENGEN_DOWNLOADS_INLINE = True, False
    settings.SENGEN_SITE_DIR = str(tmp_path / "site")
    settings.SENGEN_SITE_BASE_URL = "https://www.city.example.jp/sengen/"
    return settings


def test_a_name_that_cannot_be_a_file_name_is_refused_and_the_rest_is_written(db, seed_doc, tmp_path, capsys):
    from sengen.declarations.services.imports import report_import

    report_import(doc=seed_doc)
    seed_doc["department"] = ".."
    report_import(doc=seed_doc)
    site = tmp_path / "site"
    error = refused("site", "build", str(site))
    assert "書き出せませんでした" in str(error)
    said = capsys.readouterr().err
    assert "書き出せませんでした: /reports/2017/../（ファイル名にできない名前です: " in said
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(site)]
    assert outside == []
    assert (site / f"reports/2017/{DEPT}/index.html").is_file()


def test_a_report_no_longer_public_has_its_files_removed(demo, tmp_path):
    site = tmp_path / "site"
    build(site)
    report = "cities/架空市/reports/2017/健康福祉部"
    assert (site / report / "index.html").is_file()
    # No service withdraws a publication; an administrator deleting the declaration in the admin
    # is how a report stops being public.
    Declaration.objects.get(department__name="健康福祉部").delete()
    out, _ = build(site)
    removed = [line.removeprefix("削除しました: ") for line in out.splitlines() if line.startswith("削除しました: ")]
    assert f"{report}/index.html" in removed and f"en/{report}/1/index.html" in removed
    assert all("健康福祉部" in path or path.startswith("api/reports/") for path in removed), removed
    assert not (site / report).exists()  # the emptied folders go too
    assert (site / "cities/架空市/reports/2017/環境部/index.html").is_file()
    assert run("site", "build", str(site), "--check")
