"""How much text one report may hold: limits a real report never reaches.

A director's report is a handful of initiatives with a few bullets each; the longest bullet
seen in published reports is a few hundred characters. The limits below sit one or two orders
of magnitude above that, so they refuse only what is hostile or broken (a 100,000-character
bullet makes WeasyPrint's line breaking run for minutes), never a real report. Every entry
point — ``core.report.normalise`` (every parser, JSON and the browser import go through it),
the staff forms and the services — checks against these same numbers, so what one door takes
another never refuses.
"""

from __future__ import annotations

# One line of text: a bullet of 取組内容 / 取組結果 / 今後の方向性 / 目標達成状況, a target's text,
# a reason, a comment.
MAX_LINE_CHARS = 2_000
# A name printed in a heading or a cell's first line: a title (取組名), a department, a section,
# a director's title or name, a municipality.
MAX_NAME_CHARS = 200
# A unit printed beside a number (人, 件, 万円, ％…) and a grade's code.
MAX_UNIT_CHARS = 50
# Bullets in one cell (one list field of one initiative).
MAX_ITEMS = 100
# Targets of one initiative.
MAX_TARGETS = 50
# Initiatives of one report. Real reports carry 3–10; the browser import's review form must
# also hold every one of them within DATA_UPLOAD_MAX_NUMBER_FIELDS.
MAX_INITIATIVES = 100
# All text of one report together.
MAX_REPORT_CHARS = 200_000
# Integers a report may carry (an initiative's number, a fiscal year): what every database
# sengen runs on stores in an ordinary integer column.
MAX_NUMBER = 2_147_483_647
# Digits before the decimal point of a figure (a target's value, an actual value) and of an
# achievement rate: what the database's decimal columns hold (max_digits 24 and 16, six of them
# after the point). A larger figure is refused where it is read, not when it is stored.
MAX_VALUE_DIGITS = 18
MAX_RATE_DIGITS = 10
# Fiscal years a report may name: from 昭和 (the oldest era a label is written in) to two
# centuries ahead; anything else is a typo or a hostile file.
MIN_FISCAL_YEAR = 1926
MAX_FISCAL_YEAR = 2200
