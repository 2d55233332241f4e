"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Reusable fixtures (for any tests/browser/test_*.py):

- ``browser``: one headless Chromium for the whole session (``/usr/bin/chromium``, never a browser
  that Playwright downloads: the machines reach no download site, and `make test` installs
  Debian's package).
- ``page``: a fresh page (own cookies) at a desktop size, in Japanese, for one test.
- ``phone_page``: the same at a 390 px wide phone viewport.
- ``new_page(width=…, height=…, locale=…)``: a page of any size or language.
- ``url(path)``: ``live_server.url + path``.
- ``published_seed``: the seed report imported as published (what `sengen demo` shows).
- ``axe(page)``: runs axe-core (WCAG 2 A and AA rules) in the page; returns the violations.
- ``screenshot(page, name)``: saves a full-page PNG in ``out/screenshots/`` (git-ignored).
- ``nginx(root, site=…)``: Debian's nginx serving a directory on 127.0.0.1 (the static site); its
  base URL. ``site``: the server's directives (tests/nginx.py ``example_site_lines``).
- ``demo_data``: what `sengen demo` loads (two cities), committed for a server in another thread or process.

Without Chromium the tests skip with the reason; under CI (``CI`` set) they fail instead, because
there `make test` has installed it and a skip would hide a broken set-up.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
SCREENSHOTS = CHECKOUT / "out" / "screenshots"
AXE_JS = CHECKOUT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("SENGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Playwright's sync API keeps an event loop running in this thread, and Django refuses database
# work in a thread with a running loop. The tests' own set-up (importing a report) is plain
# synchronous code that only looks async to Django, so the check is relaxed for this process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI runs `make test`, which installs it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        _unavailable(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: `make install` installs the test extras")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser):
    """Opens pages in contexts of their own, closed after the test."""
    contexts = []

    def open_page(*, width: int = DESKTOP["width"], height: int = DESKTOP["height"], locale: str = "ja-JP",
                  **context_options):
        # The locale sets Accept-Language, which Django's LocaleMiddleware reads: Chromium's
        # default (en-US) would show the English site.
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                      **context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(width=PHONE["width"], height=PHONE["height"], is_mobile=True, has_touch=True)


@pytest.fixture
def url(live_server):
    def absolute(path: str) -> str:
        return live_server.url + path

    return absolute


@pytest.fixture
def published_seed(committed_db, seed_doc):
    """The seed report, published: what `sengen demo` loads and `make run` shows."""
    from sengen.declarations.services.imports import report_import

    return report_import(doc=seed_doc).declaration


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        _unavailable(f"{AXE_JS.relative_to(CHECKOUT)} missing: `make install` runs npm ci")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """``axe(page)`` → the list of WCAG 2 A/AA violations axe-core finds in the page as it is now."""

    def run(page, *, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list[dict]:
        # Evaluated through the DevTools protocol rather than added as a <script>: the pages'
        # Content-Security-Policy (script-src 'self') rightly refuses inline scripts.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source + "\n;undefined")
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags),
        )
        return result["violations"]

    return run


def describe_violations(violations: list[dict]) -> str:
    """One readable line per violation and node, for assertion messages."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']}: {violation['help']} — {json.dumps(node['target'])} "
                         f"{node.get('failureSummary', '')}")
    return "\n".join(lines)


@pytest.fixture
def screenshot():
    """``screenshot(page, "report-phone")`` → out/screenshots/report-phone.png (full page)."""

    def save(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def nginx(tmp_path_factory):
    """``nginx(root)`` → the base URL (``http://127.0.0.1:PORT``) of Debian's nginx serving the
    directory ``root``, as a city's web server serves the static site; stopped when the test ends
    (tests/nginx.py). Without nginx the test skips with the reason (fails under CI)."""
    from contextlib import ExitStack

    from tests.nginx import nginx_binary, nginx_serving

    try:
        nginx_binary()
    except FileNotFoundError as exc:
        _unavailable(str(exc))
    with ExitStack() as servers:
        yield lambda root, **options: servers.enter_context(
            nginx_serving(root, tmp_path_factory.mktemp("nginx"), **options))


@pytest.fixture
def demo_data(committed_db):
    """What `sengen demo` loads (two cities, the seed report among them), committed."""
    from io import StringIO

    from django.core.management import call_command

    call_command("demo", stdout=StringIO())
