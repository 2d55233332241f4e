"""The JSON Schemas (draft 2020-12) of ``sengen.report/1`` and ``/2``, shipped for other systems
that exchange reports with sengen (a city's CMS, a researcher's scripts). ``core.report.normalise``
stays the authority; tests/core/test_schemas.py checks that everything it accepts validates here."""

from __future__ import annotations

import json
from importlib import resources

VERSIONS = (1, 2)


def schema_path(version: int):
    """The schema file of ``sengen.report/<version>`` (a ``Traversable``; ``str()`` of it is a path
    when the package is installed from files)."""
    if version not in VERSIONS:
        raise ValueError(f"no sengen.report/{version} schema (known: {VERSIONS})")
    return resources.files(__package__) / f"sengen.report-{version}.schema.json"


def schema(version: int) -> dict:
    """The schema of ``sengen.report/<version>`` as a dict."""
    return json.loads(schema_path(version).read_text(encoding="utf-8"))
