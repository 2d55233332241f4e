"""A bullet at the length limit (core/limits.py: 2,000 characters) written as one unbroken run
(a URL, a string of digits) stays inside a staff page: the staff CSS breaks such runs anywhere,
as the portal's does. Screenshot: out/screenshots/staff-long-unbroken-bullet.png."""

from __future__ import annotations

import pytest

from sengen.core.limits import MAX_LINE_CHARS
from tests.declarations.people import draft_reports, make_people

from .test_cycle import fast_password_hashing, log_in  # noqa: F401 — the fixture applies here too

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_unbroken_bullet_stays_inside_the_staff_page(new_page, url, screenshot, committed_db,
                                                            seed_doc, width):
    people = make_people()
    mine, _ = draft_reports(seed_doc)
    run = "https://example.jp/" + "a" * (MAX_LINE_CHARS - 19)
    one = mine.initiatives.get(number=1)
    one.content = [run, *one.content]
    one.save(update_fields=["content"])

    page = new_page(width=width)
    log_in(page, url, people.admin.username)
    page.goto(url(f"/staff/declarations/{mine.pk}/"))
    assert page.get_by_text(run[:60], exact=False).count() >= 1
    screenshot(page, f"staff-long-unbroken-bullet-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
