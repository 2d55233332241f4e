"""Response headers Django's SecurityMiddleware does not set, and limits on what a request may hold.

Django already sends X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy and
(over HTTPS) Strict-Transport-Security from its settings, and XFrameOptionsMiddleware sends
X-Frame-Options. This adds Content-Security-Policy and Permissions-Policy, and
``RequestLimitsMiddleware`` refuses request bodies too large and URLs with NUL in them.

The policy (``SENGEN_CSP`` in settings) allows scripts, styles, images and fonts from this
site only: city networks (LGWAN) reach no CDN anyway, and no page needs another origin. No
inline script is allowed at all. Inline *style* is narrower than it looks:
``style-src-attr 'unsafe-inline'`` lets ``style=""`` attributes through (the portal's
achievement bars set their width that way, and the SVG charts matplotlib draws are full of
them), while ``<style>`` elements must match a hash in ``style-src-elem`` (the one block each
matplotlib SVG carries). Browsers too old for ``style-src-elem`` fall back to ``style-src``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


def build_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = build_policy(settings.SENGEN_CSP)
        # Django's debug error pages (DEBUG only) are styled by an inline <style>, which a
        # style-src-elem with a hash refuses; unstyled, the 404 page was unreadable. Scripts stay
        # refused.
        self.debug_error_csp = build_policy(
            {**settings.SENGEN_CSP, "style-src-elem": ["'self'", "'unsafe-inline'"]}) if self.csp else ""
        self.permissions = settings.SENGEN_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        # A view that needs another policy sets its own; nothing is merged behind its back.
        if self.csp and "Content-Security-Policy" not in response:
            debug_page = settings.DEBUG and response.status_code >= 400
            response["Content-Security-Policy"] = self.debug_error_csp if debug_page else self.csp
        if self.permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions
        return response


class RequestLimitsMiddleware:
    """Refuses, before any view runs:

    - a body larger than ``SENGEN_MAX_REQUEST_BYTES`` (413). Django's own
      DATA_UPLOAD_MAX_MEMORY_SIZE leaves uploaded files out of its count, and
      FILE_UPLOAD_MAX_MEMORY_SIZE only decides when an upload goes to a temporary file, so
      neither stops a multi-gigabyte upload from filling the disk. Django reads a body only as
      far as its Content-Length, so checking that header is enough (a chunked body without one
      is not read at all). The reverse proxy should have the same limit (nginx
      ``client_max_body_size``).
    - a NUL character in the path or the query string (400). PostgreSQL cannot store or compare
      text with NUL, so ``?q=%00`` reaching a filter would be a server error (500) instead of
      an answer; no URL of sengen's has a use for one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = int(settings.SENGEN_MAX_REQUEST_BYTES)

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if self.limit and length > self.limit:
            megabytes = self.limit / (1024 * 1024)
            return HttpResponse(f"送信されたデータが大きすぎます（上限 {megabytes:g} MB）。\n",
                                status=413, content_type="text/plain; charset=utf-8")
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                          for key, values in request.GET.lists()):
            return HttpResponseBadRequest("URL に使えない文字（NUL）が含まれています。\n",
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """``Cache-Control: no-store`` (and ``private``) on every response under the staff pages and
    the admin, whatever the view or status: drafts, audit entries and the people's names on
    them must not stay in a shared proxy's cache or the browser's after logout. The public
    portal is left cacheable: it shows only what is published."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefixes: tuple[str, ...] | None = None

    def prefixes(self) -> tuple[str, ...]:
        # Resolved on the first request, when the URLconf (and the admin's path) are loaded.
        if self._prefixes is None:
            self._prefixes = (reverse("staff:home"), reverse("admin:index"))
        return self._prefixes

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.prefixes()):
            add_never_cache_headers(response)
        return response
