"""The public site as files (issue 13): ``sengen site build DIR`` writes every public page in
Japanese and English, every download, the feeds, the API's JSON, the static assets and a
sitemap, as files any web server or CMS hosts; the LGWAN side builds, the internet side serves
(三層の対策: what crosses is files).

- ``render``: walks the URL space from the public selectors and renders each URL through Django
  (the dynamic portal's own HTML);
- ``paths``: the file each URL becomes and the links pointed at those files;
- ``tree``: the manifest, atomic writes, what an incremental build rewrites and ``--check``;
- ``autobuild``: the rebuild the serving process starts after a publication or correction.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.test.utils import override_settings
from django.utils import translation

from . import search_index, tree
from .paths import Key, link_to, rewrite_links
from .render import Renderer, Walk

__all__ = ["BuildError", "Result", "build", "normalise_base_url"]


class BuildError(Exception):
    """A build that cannot be made as asked (a bad base URL, a directory that is not a site)."""


@dataclass
class Result:
    files: int = 0
    changes: tree.Changes = field(default_factory=tree.Changes)
    differences: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # URL → why it has no file
    missed: set[str] = field(default_factory=set)  # links left pointing at the server
    links: dict[str, list] = field(default_factory=dict)  # a department's page → what it links (manifest)
    seconds: float = 0.0
    index: search_index.SearchIndex | None = None  # the search index, when this build wrote it


def normalise_base_url(base_url: str | None) -> str:
    """"" (relative links) or a URL or path ending in "/"."""
    base_url = (base_url or "").strip()
    if not base_url:
        return ""
    parts = urlsplit(base_url)
    if parts.query or parts.fragment or (parts.scheme and parts.scheme not in ("http", "https")) \
            or (parts.scheme and not parts.netloc) or (not parts.scheme and not base_url.startswith("/")):
        raise BuildError(f"--base-url は https://www.city.example.jp/sengen/ または /sengen/ の形で指定してください: {base_url}")
    return base_url if base_url.endswith("/") else base_url + "/"


def produce(root: Path, base_url: str, *, check: bool = False, progress=None) -> tuple[dict[str, tuple[bytes | None, str]], Result]:
    """Every file of the site in memory: path → (bytes, inputs); with ``check`` a download whose
    inputs are not the tree's is not drawn (its bytes None: out of date)."""
    parts = urlsplit(base_url)
    host = parts.netloc or "localhost"
    previous = tree.Manifest.read(root) if root.is_dir() else tree.Manifest()

    def reuse(path: str, inputs: str) -> bytes | None:
        # A download drawn from the same document, form and renderers is the same file: taken from
        # the tree (when it is still what the manifest says) instead of drawn again.
        entry = previous.files.get(path)
        if not entry or entry.get("inputs") != inputs:
            return None
        data = tree.on_disk(root, path)
        return data if data is not None and tree.sha256(data) == entry.get("sha256") else None

    def recorded_links(path: str) -> list[Key] | None:
        links = previous.files.get(path, {}).get("links")
        if links is None:
            return None
        return [Key(lang, url_path, tuple(tuple(q) for q in query)) for lang, url_path, query in links]

    renderer = Renderer(host=host, secure=parts.scheme == "https", reuse=reuse, draw=not check, base_url=base_url,
                        recorded_links=recorded_links)
    # The search page in its static mode: Pagefind's box over the index written after the pages.
    with translation.override(None), _kept_between_builds(root), override_settings(SENGEN_STATIC_SEARCH=True):
        walk: Walk = renderer.walk(progress)
    result = Result(failed={key.url: why for key, why in walk.failed.items()})
    by_key = {key: rendered.path for key, rendered in walk.files.items()}

    def resolve(url: str, lang: str) -> str | None:
        key = renderer.target_key(url, lang)
        return by_key.get(key) if key is not None else None

    files: dict[str, tuple[bytes, str]] = {}
    for rendered in walk.files.values():
        data = rendered.data
        if rendered.text:
            text, missed = rewrite_links(data.decode("utf-8"), source=rendered.path, lang=rendered.key.lang,
                                         resolve=resolve, base_url=base_url or None, host=host)
            result.missed.update(missed)
            data = text.encode("utf-8")
        files[rendered.path] = (None if rendered.stale else data, rendered.inputs)
        if rendered.inputs and rendered.links:
            result.links[rendered.path] = [[k.lang, k.path, [list(q) for q in k.query]] for k in rendered.links]
    if parts.scheme:
        # Search engines need full URLs: a sitemap only with an absolute base URL.
        files["sitemap.xml"] = (_sitemap(base_url, sorted(r.path for r in walk.files.values() if r.kind == "page")), "")
    result.files = len(files)
    return files, result


def _kept_between_builds(root: Path):
    """A cache that outlives the command when the settings' is the process's own (LocMemCache):
    the charts and downloads a build draws (keyed by their content, see ``portal.charts`` and
    ``portal.downloads``) are there for the next build, so a correction redraws only what it
    changed. It lives in the tree's private ``.sengen-cache/`` (never copied to the public side);
    a server that shares a cache on disk or in Redis (SENGEN_CACHE_DIR) keeps using that."""
    if "locmem" not in settings.CACHES["default"]["BACKEND"].lower() or not root.is_dir():
        return contextlib.nullcontext()
    return override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(root / ".sengen-cache"), "OPTIONS": {"MAX_ENTRIES": 5000}}})


def _sitemap(base_url: str, pages: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in pages:
        lines.append(f"<url><loc>{escape(link_to(page, source='', base_url=base_url))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def build(root: Path, *, base_url: str | None = None, check: bool = False, say=print, progress=None) -> Result:
    """Builds (or with ``check`` compares) the site in ``root``; ``say(line)`` per file changed,
    ``progress(path)`` per file rendered (or taken from the tree) as the walk goes. ``base_url``
    None: the one the tree was built with ("" for relative links)."""
    started = time.perf_counter()
    try:
        if base_url is None:
            # Not given: the tree's own (a --check or a rebuild of a tree built for an address
            # compares and builds for that address, not for relative links).
            base_url = tree.Manifest.read(root).base_url if root.is_dir() else ""
        base_url = normalise_base_url(base_url)
        files, result = produce(root, base_url, check=check, progress=progress)
        if check:
            result.differences = tree.differences(root, files)
        else:
            result.changes = tree.write_tree(root, files, base_url, say, links=result.links)
            # The static search indexes the written tree, after every page is in place; again
            # only when a page changed (an unchanged tree keeps its index) or the index is gone.
            pages_changed = any(path.endswith(".html") for path in
                                result.changes.written + result.changes.removed)
            if pages_changed or not (root / search_index.BUNDLE_DIR / "pagefind-entry.json").is_file():
                result.index = search_index.index_site(root)
                say(result.index.summary())
    except tree.TreeError as exc:
        raise BuildError(str(exc)) from None
    except search_index.SearchIndexError as exc:
        raise BuildError(str(exc)) from None
    result.seconds = time.perf_counter() - started
    return result
