"""Staff pages (login required): the annual cycle of the 目標宣言 programme in the browser.

Views only translate HTTP into calls of ``sengen.declarations.services`` (writes) and
``selectors`` (reads), and ask ``permissions`` what to show; the services check the same
permissions themselves, whatever a page shows or hides.
"""
