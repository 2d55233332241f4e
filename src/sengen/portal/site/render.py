"""Renders the public site: every page through Django itself, so a file is the dynamic portal's
answer for the same URL byte for byte (before its links are pointed at files, see ``paths``).

The walk starts from what the public selectors list — the years, each city's year, every
published report (never a draft: ``Declaration.objects.public()``), its initiatives and
downloads, the feeds — in Japanese and English, then follows every link the pages hold, so a
page only a link reaches (another year of an initiative, a city's feed) is in the tree too and
no link points at nothing.
"""

from __future__ import annotations

import html
import logging
import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings
from django.urls import Resolver404, resolve, reverse

from sengen.declarations.selectors import DeclarationNotFound
from sengen.renderers import FORMATS

from .. import downloads, labels, selectors
from ..views import download_filename
from .inputs import PageInputs
from .paths import Key, UnsafePath, file_path, key_of

log = logging.getLogger(__name__)
LANGUAGES = [code for code, _ in settings.LANGUAGES]
# Portal pages the build renders; a URL of another name is not followed (the language switch is
# a link to the other language's file, the redirect for moved report URLs has no page).
PAGE_NAMES = {"index", "year", "report", "initiative", "search"}
FEED_NAMES = {"feed", "department_feed"}
# The API's documents of one report (the listings read across reports and are always rendered).
API_REPORT_NAMES = {"report", "initiative"}
CONTENT_TYPES = {"page": "text/html", "feed": "application/atom+xml", "api": "application/json"}
# PDFs and XLSX are drawn one at a time on a thread beside the walk: in one process they share
# the GIL with the pages, so more threads would only interleave them.
DRAWINGS_AT_ONCE = 1
_LINK = re.compile(r'\s(?:href|src|action)="([^"]*)"')
_DISPOSITION = re.compile(r"filename\*=UTF-8''([^;]+)")


@dataclass
class Rendered:
    """One file of the tree before its links are rewritten."""

    key: Key
    kind: str  # page, feed, download, static, api
    path: str
    data: bytes
    inputs: str = ""  # what a download was drawn from (its cache key); reused when unchanged
    text: bool = False
    drawing: Future | None = None  # a download being drawn
    stale: bool = False  # a download --check did not draw: its inputs differ from the tree's
    links: list[Key] | None = None  # the rendered URLs a page links to (kept in the manifest)


@dataclass
class Walk:
    """Everything rendered, by key; the URLs that could not be (with why)."""

    files: dict[Key, Rendered] = field(default_factory=dict)
    failed: dict[Key, str] = field(default_factory=dict)


def _url(name: str, *args) -> str:
    """The decoded path of a portal URL (a key holds paths as Django resolves them)."""
    return unquote(reverse(f"portal:{name}", args=args))


def _public_keys() -> Iterator[Key]:
    """What the public selectors list, for both languages (links add the rest)."""
    several = len({d.department.municipality_id for d in selectors.declarations_public()}) > 1
    for lang in LANGUAGES:
        yield Key(lang, _url("index"))
        yield Key(lang, _url("search"))
        yield Key(lang, _url("feed"))
        for year in selectors.years_public():
            yield Key(lang, _url("year", year["year"]))
        for declaration in selectors.declarations_public():
            city = (("municipality", declaration.department.municipality.name),) if several else ()
            fy, department = declaration.fiscal_year.year, declaration.department.name
            yield Key(lang, _url("report", fy, department), city)
            yield Key(lang, _url("department_feed", department), city)
            if city:
                yield Key(lang, _url("year", fy), city)
            try:
                doc = selectors.document_public(declaration)
            except DeclarationNotFound:
                continue
            for initiative in doc["initiatives"]:
                if initiative.get("number") is not None:
                    yield Key(lang, _url("initiative", fy, department, initiative["number"]), city)
            for fmt, _label in labels.downloads_for(doc):
                yield Key("ja", _url("download", fy, department, fmt), city)
    yield from _api_keys()


def _api_keys() -> Iterator[Key]:
    """The public API's static copy (``portal.api.api_static_paths``) when the API is installed."""
    try:
        from ..api import api_static_paths
    except ImportError:  # the API is an optional part of the portal
        return
    for path in api_static_paths():
        yield Key("ja", unquote(path))


def static_files() -> dict[str, str]:
    """The portal's static files: URL path → file on disk (``portal/…`` of every finder)."""
    found: dict[str, str] = {}
    for finder in finders.get_finders():
        for relative, storage in finder.list([]):
            relative = relative.replace("\\", "/")
            if relative.startswith("portal/") and relative not in found:
                found[relative] = storage.path(relative)
    return found


def _static_url() -> str:
    """STATIC_URL as a path from the site's root (the build renders at "/")."""
    return settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL


class Renderer:
    """Renders keys through a test client on ``host`` (the base URL's host: feeds carry
    absolute links), downloads through ``portal.downloads`` so a PDF whose document did not change
    is taken from the tree instead of drawn again (``reuse(path, inputs)``)."""

    def __init__(self, *, host: str, secure: bool, reuse: Callable[[str, str], bytes | None], draw: bool = True,
                 base_url: str = "", recorded_links: Callable[[str], list[Key] | None] | None = None):
        self.host, self.secure, self.reuse, self.draw = host, secure, reuse, draw
        # What a page taken from the tree links to, as the manifest recorded it (None: unknown).
        self.recorded_links = recorded_links or (lambda path: None)
        # --check renders every page (so an input PageInputs forgot shows as a difference).
        self.page_inputs = PageInputs(base_url) if draw else None
        self.clients = {}
        for lang in LANGUAGES:
            client = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=lang, raise_request_exception=True)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
            self.clients[lang] = client
        self.statics = static_files()

    def walk(self, progress: Callable[[str], None] | None = None) -> Walk:
        done = Walk()
        queue = deque(dict.fromkeys(_public_keys()))
        seen = set(queue)
        # Pages are rendered, never answered from the portal's page cache: its key is read from
        # the database's highest ids and a counter the publishing process bumps in its own cache,
        # which a build (another process, its own cache) does not see. What a build may skip it
        # decides itself, from each page's inputs (portal.site.inputs).
        with override_settings(ALLOWED_HOSTS=[self.host], SENGEN_DOWNLOADS_INLINE=True, SENGEN_PAGE_CACHE_SECONDS=0), \
                ThreadPoolExecutor(max_workers=DRAWINGS_AT_ONCE, thread_name_prefix="sengen-site-draw") as self.pool:
            while queue:
                key = queue.popleft()
                try:
                    rendered = self.render(key)
                except (UnsafePath, DeclarationNotFound) as exc:
                    done.failed[key] = str(exc)
                    continue
                except Exception as exc:  # noqa: BLE001 — a page that fails is named; the rest is built
                    log.exception("site build: %s failed", key.url)
                    done.failed[key] = f"{type(exc).__name__}: {str(exc)[:200]}"
                    continue
                if rendered is None:
                    continue
                done.files[key] = rendered
                if progress:
                    progress(rendered.path)
                if rendered.text:
                    rendered.links = sorted(set(self.links(rendered)))
                for link in rendered.links or ():
                    if link not in seen:
                        seen.add(link)
                        queue.append(link)
            for key, rendered in list(done.files.items()):
                if rendered.drawing is not None:
                    try:
                        rendered.data = rendered.drawing.result()
                    except Exception as exc:  # noqa: BLE001 — said per file; the rest of the site is written
                        done.failed[key] = f"描けませんでした: {exc}"
                        del done.files[key]
                        continue
                    rendered.drawing = None
                    cache.set(rendered.inputs, rendered.data, downloads.RENDERED_SECONDS)
        return done

    def links(self, rendered: Rendered) -> Iterator[Key]:
        for raw in _LINK.findall(rendered.data.decode("utf-8")):
            target = self.target_key(html.unescape(raw), rendered.key.lang)
            if target is not None:
                yield target

    def target_key(self, raw: str, lang: str) -> Key | None:
        """The key a link in a page of language ``lang`` leads to; None for another site, an
        anchor, or a URL the build does not render."""
        parts = urlsplit(raw)
        if (parts.scheme and parts.netloc != self.host) or not parts.path:
            return None
        path = unquote(parts.path)
        static_url = _static_url()
        if path.startswith(static_url):
            return Key("ja", path) if path[len(static_url):] in self.statics else None
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.url_name == "language" and match.namespace == "portal":
            next_url = dict(parse_qsl(parts.query)).get("next", "")
            return self.target_key(next_url, match.kwargs["code"]) if next_url.startswith("/") else None
        key = key_of(parts._replace(scheme="", netloc="", fragment="").geturl(), lang)
        if key is None or (match.namespace == "portal" and match.url_name == "report_moved"):
            return None
        if match.namespace == "portal" and match.url_name == "download" or path.startswith("/api/"):
            key = Key("ja", key.path, key.query)  # one file for both languages
        return key

    def render(self, key: Key) -> Rendered | None:
        static_url = _static_url()
        if key.path.startswith(static_url):
            source = self.statics[key.path[len(static_url):]]
            with open(source, "rb") as handle:
                return Rendered(key, "static", file_path(key, "static", ""), handle.read())
        match = resolve(key.path)
        if match.namespace == "portal" and match.url_name == "download":
            return self.download(key, **match.kwargs)
        inputs = kind = ""
        if self.page_inputs is not None and match.namespace == "portal":
            inputs = self.page_inputs.of(key, match.url_name, match.kwargs.get("department", "")) or ""
            kind = "feed" if match.url_name in FEED_NAMES else "page"
        elif self.page_inputs is not None and match.namespace == "api" and match.url_name in API_REPORT_NAMES:
            inputs = self.page_inputs.of_report(key, match.kwargs["report_id"]) or ""
            kind = "api"
        if inputs:
            path = file_path(key, kind, CONTENT_TYPES[kind])
            data = self.reuse(path, inputs)
            # A page's links come from the manifest (the walk follows them); JSON has none.
            links = [] if kind == "api" else self.recorded_links(path)
            if data is not None and links is not None:  # the same inputs: the tree's file, links and all
                return Rendered(key, kind, path, data, inputs=inputs, links=links)
        response = self.clients[key.lang].get(key.url, secure=self.secure)
        if response.status_code != 200:
            raise DeclarationNotFound(f"{key.url}: HTTP {response.status_code}")
        content_type = response.get("Content-Type", "text/html")
        kind = ("api" if key.path.startswith("/api/") else
                "feed" if match.url_name in FEED_NAMES else "page" if match.url_name in PAGE_NAMES else "download")
        filename = ""
        disposition = _DISPOSITION.search(response.get("Content-Disposition", ""))
        if disposition:  # a download the portal draws at once (the year's ZIP)
            kind, filename = "download", unquote(disposition.group(1))
        data = b"".join(response.streaming_content) if response.streaming else response.content
        text = kind in ("page", "feed")
        return Rendered(key, kind, file_path(key, kind, content_type, filename), data, inputs=inputs, text=text)

    def download(self, key: Key, *, fiscal_year: int, department: str, fmt: str) -> Rendered | None:
        """A report's download, drawn as the download view draws it (``portal.downloads``)."""
        if fmt not in dict(labels.DOWNLOADS):
            return None
        declaration = selectors.report_public(fiscal_year=fiscal_year, department=department,
                                              municipality=dict(key.query).get("municipality"))
        doc = selectors.document_public(declaration)
        form = selectors.report_form(declaration=declaration, doc=doc)
        path = file_path(key, "download", "", download_filename(doc, FORMATS[fmt][1]))
        inputs = downloads.cache_key(doc, fmt, form)
        data = self.reuse(path, inputs)
        if data is None:
            data = cache.get(inputs) if fmt in downloads.RENDERED_FORMATS else downloads.download(doc, fmt, form)
        if data is None and not self.draw:
            # --check: a download drawn from other inputs than the tree's is out of date,
            # whatever bytes drawing it again would give (a PDF or workbook records when it was made).
            return Rendered(key, "download", path, b"", inputs=inputs, stale=True)
        if data is None:
            # A PDF or XLSX takes a second or more: drawn by the renderers (portal.downloads,
            # inline as in a command) on a thread while the pages go on rendering, collected at
            # the end of the walk. Not the portal's niced child process: the build is itself a
            # command or the server's child (autobuild), and a niced child on a busy machine
            # made a correction's build wait twice as long for its PDF (bench/site_build.py).
            drawing = self.pool.submit(downloads.download, doc, fmt, form)
            return Rendered(key, "download", path, b"", inputs=inputs, drawing=drawing)
        return Rendered(key, "download", path, data, inputs=inputs)
