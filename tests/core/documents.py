"""What the core tests and the fuzz tests both do to a JSON document: walk every path in it
(to break each field in turn) and check how ``normalise`` refuses one (where, what, on one
line)."""

from __future__ import annotations

import pytest

from sengen.core.report import ReportError, normalise


def json_paths(doc, path=()):
    """Every path in ``doc`` as a tuple of keys and indexes, the root's ``()`` first."""
    yield path
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from json_paths(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from json_paths(value, (*path, i))


def refusal(doc, path: str, words: str, max_chars: int) -> ReportError:
    """``normalise(doc)``'s refusal, checked to name ``path``, say ``words`` and fit on one line
    shorter than ``max_chars``."""
    with pytest.raises(ReportError) as err:
        normalise(doc)
    assert err.value.path == path
    assert words in err.value.message
    assert "\n" not in str(err.value) and len(str(err.value)) < max_chars
    return err.value
