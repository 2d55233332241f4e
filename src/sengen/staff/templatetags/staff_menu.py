"""The staff menu offers a page only to whom it opens for: a viewer was offered 報告の取込 and
got a 403 (issue 12.4). Which pages those are is ``permissions.pages_offered``."""

from __future__ import annotations

from django import template

from sengen.declarations.permissions import pages_offered

register = template.Library()


@register.simple_tag
def staff_pages(user) -> frozenset[str]:
    return pages_offered(user)
