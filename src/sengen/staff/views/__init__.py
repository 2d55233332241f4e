"""Staff pages, one module per group of pages: ``years`` (home, fiscal years and deadlines,
who is late, the audit log), ``declarations``, ``initiatives`` and ``imports``.

Each view reads through selectors, asks ``declarations.permissions`` what the person may see
and do, writes through services, and answers what a service did through ``_common.save``
(done → message and redirect; EditConflict → the form again with the input kept and what is
stored beside it; ValidationError → the form again with the message; PermissionDenied → 403
with the reason)."""
