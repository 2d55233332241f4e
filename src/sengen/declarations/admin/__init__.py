"""Django's admin: reference data for 行政経営課 (cities, departments, sections, grading
scales, staff accounts and their roles).

The programme's content is edited on the staff pages (/staff/), through the services that
check scope, lock against concurrent edits and keep the audit log and correction history.
Edits made here would bypass all that, so content is shown read-only; the audit log and the
correction history cannot be changed at all. Reference data edited here goes into the same audit
log, with its before and after, and is locked against concurrent edits (``AuditedAdmin``).

One module per kind of page: ``reference`` (cities, scales, years, departments),
``form_definitions`` (forms), ``records`` (the content, read-only), ``accounts`` (staff and their
roles); ``base`` holds ``AuditedAdmin`` and ``ReadOnlyAdmin``.
"""

from . import accounts, form_definitions, records, reference  # noqa: F401 — registers each ModelAdmin
