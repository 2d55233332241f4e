"""Whole public pages kept in Django's cache, never stale, answered with 304 when unchanged.

A public page is the same for every visitor (no login, no per-person text), so the rendered
bytes are kept and served again until what they show changes. What they show changes when a
report is published or corrected — each of which writes a ``Publication`` row — and, rarely,
when an administrator edits reference data (a city's name, a department's order, a grading
scale, a form).

The key therefore holds a *generation* read from the database on every request: the highest
id of the publications, of the public index and of the audit log. Every write a service makes — a publication, a
correction, a state change, an edit — records an ``AuditEntry`` in its own transaction, and
every publication or correction writes a ``Publication`` row, so the next request of any
process, on any server, misses the old entry the moment the write commits: no published text
is ever served stale, whether the cache is per process (LocMemCache), on disk, or shared (Redis,
memcached) between several application servers. Two ``MAX(id)`` over primary keys cost a
fraction of a millisecond at any scale; rendering a page costs tens. (Edits of drafts drop the
kept pages too: more misses in a busy week, never a stale page.)

The generation alone can miss a write on PostgreSQL: ids are taken when a row is inserted, not
when it commits, so a publication that commits after a later-numbered one (two departments
publishing at once) leaves every ``MAX(id)`` where it was, and a page drawn between the two
commits would be kept without it. Publications and audit entries therefore also bump the
counter below once they commit, which a shared cache sees at once (a per-process cache's other
workers still age such a page out after ``SENGEN_PAGE_CACHE_SECONDS``).

Writes that bypass the services — an administrator's edit of reference data in the admin (a
city's name, a department's order, a grading scale, a form), a deletion — bump a counter in the
cache itself (``reference_changed``, connected to the models' signals in ``portal.apps``). With
a shared cache every server sees the bump at once; with a per-process cache the entries of
other workers age out after ``SENGEN_PAGE_CACHE_SECONDS`` (10 minutes by default).

Each entry keeps the page's bytes, its gzip and its ETag, so a hit costs neither a template nor
a compression. ``If-None-Match`` / ``If-Modified-Since`` are answered with 304 by Django's own
``get_conditional_response``. Only 200 answers to GET/HEAD of the portal's (and the API's)
HTML, XML and JSON are kept; downloads have their own cache (``portal.downloads``), and nothing
under /staff/ or the admin ever passes here (they are never in the ``portal`` namespace).
"""

from __future__ import annotations

import gzip
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from sengen.declarations.models import AuditEntry, Publication, PublicEntry

# The namespaces whose pages are the same for everyone.
CACHED_NAMESPACES = frozenset({"portal", "api"})
# Those whose views answer HEAD themselves (the portal's, require_safe). django-ninja's refuse
# HEAD with 405, and a kept page must not answer what its view refuses: HEAD was 405 before a
# GET kept the page and 200 after.
HEAD_NAMESPACES = frozenset({"portal"})
CACHED_TYPES = ("text/html", "application/atom+xml", "application/xml", "text/xml", "application/json")
# A page larger than this is served but not kept (a year page of a national-scale year is
# ~300 KB; nothing public is near this).
MAX_ENTRY_BYTES = 2 * 1024 * 1024
REFERENCE_KEY = "pages:reference-generation"
# Headers a kept page is answered with again: those of the view and of the middleware below
# this one (X-Frame-Options); the rest (CSP, security headers) are added by the middleware above
# it on every answer, hit or miss.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "X-Frame-Options")


def _bump() -> None:
    # ``incr`` is atomic on Redis and memcached.
    try:
        cache.incr(REFERENCE_KEY)
    except ValueError:
        _fresh_reference()


def _fresh_reference() -> None:
    """The counter was lost (a full cache culls entries; a file cache deletes a third at random):
    start it again at a value no kept page can be under. Restarted at 0, it would bring back the
    pages kept before the first reference edit, and show that edit undone."""
    cache.add(REFERENCE_KEY, time.time_ns(), None)


def _lookup(key: str) -> tuple[dict | None, int]:
    """The entry kept under ``key`` and the counter, in one read: one round trip to a shared cache
    (Redis ``MGET``) instead of two, on every request. Which of them is served is decided by the
    caller, comparing the counter the entry was kept under with this one."""
    found = cache.get_many([key, REFERENCE_KEY])
    reference = found.get(REFERENCE_KEY)
    if reference is None:
        _fresh_reference()  # add(): of two processes that find it lost, one value wins
        reference = cache.get(REFERENCE_KEY, 0)
    return found.get(key), reference


def reference_changed(using=None, **_kwargs) -> None:
    """A signal receiver: what public pages show changed, so every kept page is dropped (lazily:
    the key changes) once the change commits. Bumped at the save instead, a request between the
    bump and the commit reads the old rows and keeps them under the new key, served until the
    next change. ``robust``: a cache that is down must not turn a stored write into an error."""
    transaction.on_commit(_bump, using=using, robust=True)


def _generation() -> str:
    """The highest ids of the audit log, the publications and the public index (which
    ``sengen reindex`` rewrites without a publication): one statement, three primary-key
    lookups. Raw SQL on purpose: the ORM costs more than the query on a cache hit."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in (AuditEntry, Publication, PublicEntry)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT MAX(id) FROM {table})" for table in tables))
        return "/".join(str(value or 0) for value in cursor.fetchone())


def _accepts_gzip(request) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


class PublicPageCacheMiddleware:
    """Looks a page up before the session, locale, CSRF, authentication and messages middleware
    and before URL resolution: a kept page is answered by the security headers' middleware above
    this one and nothing else, which is what lets one 2-core server answer thousands of pages a
    second (docs/benchmarks-load.md). Only a page whose URL resolved into a public namespace is
    ever kept (``process_view`` marks it), so a key that finds an entry is a public page's.
    The language in the key is the one LocaleMiddleware activates for the request (the same
    function decides it: the language cookie, else Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = int(getattr(settings, "SENGEN_PAGE_CACHE_SECONDS", 600))

    def __call__(self, request):
        if not self.seconds or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        raw = "\n".join([_generation(), request.get_host(), translation.get_language_from_request(request),
                         request.get_full_path()])
        key = "pages:" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
        entry, reference = _lookup(key)
        # The counter is compared, not hashed into the key: the entry and the counter then come
        # in one read. An entry kept under another counter is a miss, and is replaced below.
        if (entry is not None and entry.get("reference") == reference
                and (request.method == "GET" or entry["head"])):
            return self._answer(request, entry)
        response = self.get_response(request)
        if getattr(request, "_sengen_page_public", False) and self._keepable(response):
            self._keep(request, key, reference, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        namespaces = set(match.namespaces) if match is not None else set()
        if namespaces & CACHED_NAMESPACES:
            request._sengen_page_public = True
            request._sengen_page_head = bool(namespaces & HEAD_NAMESPACES)
        return None

    @staticmethod
    def _keepable(response) -> bool:
        return (response.status_code == 200 and not response.streaming and not response.cookies
                and response.get("Content-Type", "").split(";")[0].strip() in CACHED_TYPES
                and "Content-Encoding" not in response
                and "no-store" not in response.get("Cache-Control", "")
                and len(response.content) <= MAX_ENTRY_BYTES)

    def _keep(self, request, key, reference, response) -> None:
        body = response.content
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        entry = {
            # The counter read before the page was drawn: an edit committed since has bumped it,
            # so a page that may hold the rows from before that edit is never served under it.
            "reference": reference,
            "body": body,
            # mtime=0: the same page compresses to the same bytes in every process.
            "gzip": gzip.compress(body, compresslevel=6, mtime=0) if len(body) > 200 else None,
            "etag": etag,
            # When this generation was first drawn: the content is known unchanged since then.
            "last_modified": time.time(),
            "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
            "head": getattr(request, "_sengen_page_head", False),
        }
        cache.set(key, entry, self.seconds)
        # The first answer carries the validators too, so a browser's next visit can be a 304.
        self._validators(response, entry)

    def _validators(self, response, entry, packed: bool = False) -> None:
        # The gzip bytes are another representation: their ETag is weak, as Django's
        # GZipMiddleware makes it on a page drawn now, so a drawn and a kept page agree.
        response["ETag"] = f"W/{entry['etag']}" if packed else entry["etag"]
        if entry["last_modified"]:
            response["Last-Modified"] = http_date(entry["last_modified"])
        # Browsers and proxies may keep the page but must ask each time: a publication must
        # show at once. ``public`` lets a city's reverse proxy keep it too.
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        patch_vary_headers(response, ("Accept-Encoding", "Accept-Language", "Cookie"))

    def _answer(self, request, entry):
        conditional = get_conditional_response(
            request, etag=entry["etag"],
            last_modified=int(entry["last_modified"]) if entry["last_modified"] else None)
        packed = entry["gzip"] is not None and _accepts_gzip(request)
        if conditional is not None:
            self._validators(conditional, entry, packed)
            conditional["X-Sengen-Cache"] = "hit"
            return conditional
        body = entry["body"]
        response = HttpResponse(status=200)
        for name, value in entry["headers"].items():
            response[name] = value
        if packed:
            body = entry["gzip"]
            response["Content-Encoding"] = "gzip"
        response.content = body
        self._validators(response, entry, packed)
        response["X-Sengen-Cache"] = "hit"
        return response
