"""``{% site_root %}``: where the site's root is, for pages that cannot resolve URLs.

The error pages link back to the root. Django renders 500.html and 400.html with no request and
no context processors, and a 500 may come from a broken URL configuration or database, so they
cannot use ``{% url %}``; a literal "/" leaves an installation served under a sub-path
(``https://city.example.jp/sengen/``) for the host's root instead. The script prefix is what
Django's handler set for this request from SCRIPT_NAME (or FORCE_SCRIPT_NAME) before anything
else ran: a thread-local read, with no database and no URL resolution, that cannot fail.
"""

from django import template
from django.urls import get_script_prefix

register = template.Library()


@register.simple_tag
def site_root() -> str:
    """"/" or the sub-path the site is served under, ending in "/"."""
    return get_script_prefix()
