"""What a department's pages are made from, so that an incremental build renders only the
pages a publication or correction can have changed.

A report's page, its initiatives' pages, its department's feed and the API's documents of the
report and its initiatives show that department's published reports of every year (an
initiative's page lists the years it carried on in, which may be another department's after a
reorganisation: those departments count too). Their
inputs are: the code and templates that draw them (every file of the sengen package, and
Django's version), the reference data an administrator edits (cities, departments, sections,
years, grading scales, forms), the base URL, the language, the URL, and each of those
declarations' state and version (every write bumps the version) and publication ids. A page
whose inputs are the manifest's is taken from the tree as it is. Every other page (the index,
the year pages, the site's feeds, search, the API's listings) reads across departments and is rendered
every time; ``--check`` renders everything, so an input forgotten here shows there.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import django

from sengen.declarations import models as m

from .paths import Key

DEPARTMENT_PAGES = {"report", "initiative", "department_feed"}
REFERENCE_MODELS = (m.Municipality, m.Department, m.Section, m.FiscalYear, m.GradingScale, m.Grade, m.Form,
                    m.FormVersion)


@functools.cache
def code_stamp() -> str:
    import sengen

    root = Path(sengen.__file__).resolve().parent
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class PageInputs:
    def __init__(self, base_url: str):
        reference = [list(model.objects.order_by("pk").values_list()) for model in REFERENCE_MODELS]
        self.common = _digest(code_stamp(), base_url, reference)
        self._departments: dict[tuple[str, str | None], str] = {}

    def of(self, key: Key, url_name: str, department: str) -> str | None:
        """The inputs of a department's page; None for a page that reads across departments."""
        if url_name not in DEPARTMENT_PAGES:
            return None
        return self._inputs(key, department, dict(key.query).get("municipality"))

    def of_report(self, key: Key, declaration_id: int) -> str | None:
        """The inputs of the API's document of one report (or of one of its initiatives)."""
        row = (m.Declaration.objects.filter(pk=declaration_id)
               .values_list("department__name", "department__municipality__name").first())
        return None if row is None else self._inputs(key, *row)

    def _inputs(self, key: Key, department: str, municipality: str | None) -> str:
        state = self._departments.get((department, municipality))
        if state is None:
            state = self._departments[(department, municipality)] = self._department_state(department, municipality)
        return _digest(self.common, key.lang, key.url, state)

    @staticmethod
    def _department_state(department: str, municipality: str | None) -> str:
        found = m.Department.objects.filter(name=department)
        if municipality:
            found = found.filter(municipality__name=municipality)
        ids = set(found.values_list("pk", flat=True))
        carried = m.Initiative.objects.filter(carried_from__isnull=False)
        ids |= set(carried.filter(declaration__department__in=ids)
                   .values_list("carried_from__declaration__department", flat=True))
        ids |= set(carried.filter(carried_from__declaration__department__in=ids)
                   .values_list("declaration__department", flat=True))
        declarations = list(m.Declaration.objects.filter(department__in=ids).order_by("pk")
                            .values_list("pk", "department", "state", "version"))
        publications = list(m.Publication.objects.filter(declaration__department__in=ids).order_by("pk")
                            .values_list("pk", flat=True))
        return _digest(sorted(ids), declarations, publications)
