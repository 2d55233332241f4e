"""A form (様式) as data: which columns a city's report has, how each is labelled and what it holds.

The public API (everything else here is private to the package):

* values — ``Form``, ``Layout``, ``Column``, ``Part``, ``PreambleBlock``, ``ScaleDefinition``,
  ``GradeDefinition`` (frozen dataclasses: ``model``), and the vocabularies ``ROLES``,
  ``GRADE_PLACEMENTS``, ``INTERIM_STATUSES``, ``PLACEHOLDERS``, ``BULLETS``, ``PREAMBLE_KINDS``,
  ``ARRANGEMENTS``, ``SDG_GOALS``;
* ``fill(template, values)`` — a title, declarer line or table heading with its placeholders
  replaced by plain text (never ``str.format``);
* ``form_from_dict(data, source=None) -> Form`` (``FormError`` at a JSON path),
  ``form_to_dict(form) -> dict``, ``form_to_json(form) -> str``, ``form_from_json(text, source=None)``;
* ``presets() -> dict[code, Form]``, ``preset_definition(code) -> dict``, ``preset_parts()``,
  ``DEFAULT_FORM`` (the seed's form, for documents that name none);
* ``identify(labels, document=None, forms=None) -> [(Form, Layout, score)]`` — which form a
  header row is in, best first;
* ``scale_of(form) -> core.grading.Scale | None`` — the form's grading scale as core grades it;
* ``form_of(doc, forms=None) -> Form`` — the form a ``sengen.report`` document is in (its
  ``form.code`` among ``forms`` or the presets, else the seed's), for writers given no form.

docs/forms.md explains forms for the people who define them.
"""

from __future__ import annotations

from decimal import Decimal

from sengen.core import grading

from .identify import MIN_SCORE, NUMBER_ALIASES, identify, label_key, score
from .model import (
    ARRANGEMENTS,
    BULLETS,
    GRADE_PLACEMENTS,
    INTERIM_STATUSES,
    PLACEHOLDERS,
    PREAMBLE_KINDS,
    ROLES,
    SDG_GOALS,
    TARGET_ROLES,
    Column,
    Form,
    GradeDefinition,
    Layout,
    Part,
    PreambleBlock,
    ScaleDefinition,
    default_bullet,
    fill,
    placeholders,
)
from .presets import DEFAULT_FORM, preset_definition, preset_parts, presets
from .serial import FormError, form_from_dict, form_from_json, form_to_dict, form_to_json

__all__ = [
    "ARRANGEMENTS", "BULLETS", "DEFAULT_FORM", "GRADE_PLACEMENTS", "INTERIM_STATUSES", "MIN_SCORE",
    "NUMBER_ALIASES", "PLACEHOLDERS", "PREAMBLE_KINDS", "ROLES", "SDG_GOALS", "TARGET_ROLES", "Column", "Form",
    "FormError", "GradeDefinition", "Layout", "Part", "PreambleBlock", "ScaleDefinition", "default_bullet",
    "fill", "form_from_dict", "form_from_json", "form_to_dict", "form_to_json", "identify", "label_key",
    "placeholders", "preset_definition", "preset_parts", "presets", "scale_of", "score", "form_of",
]


def scale_of(form: Form) -> grading.Scale | None:
    """The form's grading scale as ``core.grading`` judges with it: the form's own definition,
    else sengen's preset of that code; None when the form does not grade or names a scale only
    the database knows (a city's own, created in the admin)."""
    definition = form.scale_definition
    if definition is not None:
        return grading.Scale(definition.code, definition.name, tuple(
            grading.Grade(g.code, g.label, None if g.min_rate is None else Decimal(str(g.min_rate)), g.evaluation)
            for g in definition.grades))
    return grading.PRESETS.get(form.scale) if form.scale else None


def form_of(doc, forms=None) -> Form:
    """The form ``doc`` (a ``sengen.report`` dict) is in: the one its ``form.code`` names among
    ``forms`` (a mapping code → Form, or Forms) or else the presets; the seed's form
    (``DEFAULT_FORM``) when it names none or one neither knows — a /1 document names none, and
    every /1 report was made in the seed's form. The version is the database's business: the
    caller that knows versions passes the right one in ``forms``."""
    known = presets()
    if forms is not None:
        given = forms.values() if isinstance(forms, dict) else forms
        known = {**known, **{f.code: f for f in given}}
    form = doc.get("form") if isinstance(doc, dict) else None
    code = form.get("code") if isinstance(form, dict) else None
    return known.get(code) if isinstance(code, str) and code in known else presets()[DEFAULT_FORM]
