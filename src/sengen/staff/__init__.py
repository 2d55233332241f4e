"""Staff pages (login required): the annual cycle of the 目標宣言 programme in the browser.

Views only translate HTTP into calls of ``sengen.declarations.services`` (writes) and
``selectors`` (reads); every permission is checked there, whatever a page shows or hides.
"""
