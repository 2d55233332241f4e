"""What the staff page tests share: a response's text, and the values a browser would send back
from a page."""

from __future__ import annotations

import re


def html(response) -> str:
    return response.content.decode()


def form_fields(page: str) -> dict[str, str]:
    """The values a browser would send back for the inputs and textareas of a page (no JavaScript)."""
    import html as htmllib

    fields = {}
    for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*>', page):
        tag = m.group(0)
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        if 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[m.group(1)] = htmllib.unescape(value.group(1)) if value else ""
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        fields[m.group(1)] = htmllib.unescape(m.group(2))
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        # As a browser does: the selected option, else the first.
        chosen = (re.search(r'<option value="([^"]*)"[^>]*selected', m.group(2))
                  or re.search(r'<option value="([^"]*)"', m.group(2)))
        fields[m.group(1)] = htmllib.unescape(chosen.group(1)) if chosen else ""
    return fields
