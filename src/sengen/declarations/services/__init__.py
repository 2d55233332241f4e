"""Writes. Every change to the programme's data goes through a function in this package, one
module per noun; import each from the module that defines it (this package re-exports nothing,
so a name has one address):

- ``imports``: storing a ``sengen.report`` document (``report_import``), what the command line,
  the folder import, the demo and the browser import all call;
- ``fiscal_years``: opening a year and setting its deadlines;
- ``plans``: declarations and their initiatives (creating, carrying over, planning targets);
- ``results``: interim progress, year-end results and the director's judging;
- ``transitions``: the workflow's steps (submit, approve, check, publish, return, next phase);
- ``publications``: what citizens read (the publication snapshot) and corrections to it;
- ``forms``: the forms (様式) a city's reports are written in;
- ``open_data``: the license a city's open data is published under;
- ``_common``: the optimistic locking (``EditConflict``) and the checks the services share.

Reads are in ``selectors`` and ``grading``; who may do what in ``permissions``.

Every service takes the acting ``user``, checks the user's scope itself (not only in templates:
PermissionDenied whatever the URL or form said), and records an AuditEntry for what it wrote."""
