import logging

from django.apps import AppConfig
from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)


class PortalConfig(AppConfig):
    name = "sengen.portal"
    verbose_name = "公開ページ"

    def ready(self):
        # Every publication and correction is a new Publication row, whichever door it came in
        # by (the staff's publish and correction services, an import stored as published,
        # `sengen demo`). A signal catches them all without the declarations app knowing about
        # the portal's downloads: declarations never imports the portal (nothing imports upward).
        from django.db.models.signals import post_save

        from sengen.declarations.models import Publication

        post_save.connect(_published, sender=Publication, dispatch_uid="sengen.portal.draw_ahead")
        # The public site as files (SENGEN_SITE_DIR) is rebuilt after each publication too.
        post_save.connect(_site_rebuild, sender=Publication, dispatch_uid="sengen.portal.site_rebuild")

        # What public pages show besides the services' writes (which the page cache sees through
        # the audit log): reference data an administrator edits in the admin, and deletions.
        from django.db.models.signals import post_delete

        from sengen.declarations import models as m

        from .pagecache import reference_changed

        # Publications and audit entries too: see pagecache's note on ids that commit out of order.
        for model in (m.Municipality, m.Department, m.Section, m.FiscalYear, m.GradingScale, m.Grade,
                      m.Form, m.FormVersion, m.Publication, m.AuditEntry):
            post_save.connect(reference_changed, sender=model, dispatch_uid=f"sengen.portal.pages.{model.__name__}")
        for model in (m.Municipality, m.Department, m.Section, m.FiscalYear, m.GradingScale, m.Grade,
                      m.Form, m.FormVersion, m.Declaration, m.Publication):
            post_delete.connect(reference_changed, sender=model,
                                dispatch_uid=f"sengen.portal.pages.deleted.{model.__name__}")


def _published(sender, instance, created, raw=False, **kwargs):
    """Draws the report's PDF and XLSX ahead once the publication is committed (before that the
    public document is not yet what citizens will read, and a rolled-back one never is)."""
    if not created or raw or getattr(settings, "SENGEN_DOWNLOADS_INLINE", False) \
            or not getattr(settings, "SENGEN_DRAW_AHEAD", False):
        return
    declaration_id = instance.declaration_id
    transaction.on_commit(lambda: _draw_ahead(declaration_id), robust=True)


def _site_rebuild(sender, **kwargs):
    # Only a serving process with a site directory imports the site builder (it brings the
    # charts' matplotlib): a command or a process without SENGEN_SITE_DIR pays nothing.
    if getattr(settings, "SENGEN_SITE_DIR", "") and getattr(settings, "SENGEN_DRAW_AHEAD", False):
        from .site import autobuild

        autobuild.published(sender, **kwargs)


def _draw_ahead(declaration_id: int) -> None:
    from sengen.declarations.models import Declaration
    from sengen.declarations.selectors import DeclarationNotFound

    from . import downloads, selectors

    declaration = Declaration.objects.filter(pk=declaration_id).first()
    if declaration is None:
        return
    try:
        # The very document the download view serves, so the key is the one it will look up.
        doc = selectors.document_public(declaration)
    except DeclarationNotFound:
        return
    downloads.draw_ahead(doc, selectors.report_form(declaration=declaration, doc=doc))
    # Then the year's ZIP, which this publication changed; read here, in the publishing request's
    # thread after its commit, so the drawing thread needs no database connection.
    from sengen.declarations.opendata import year_reports

    try:
        year = year_reports(fiscal_year=declaration.fiscal_year.year,
                            municipality=declaration.department.municipality.name)
    except DeclarationNotFound:
        return
    downloads.draw_year_ahead(year)
