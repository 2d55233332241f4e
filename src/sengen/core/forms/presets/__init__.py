"""The forms sengen ships, as definition files (package data), and the parts any form may use.

One JSON file per form, each exactly what ``sengen form load`` takes, so a city starts from the
nearest preset and edits a copy. ``parts.json`` holds what several forms share by name: preamble
blocks (``{"part": "mission-themes"}``: 真庭市's themed mission with SDG tags) and interim levels
(``"interim_levels": "yonago"``: 米子市's 概ね順調 / 取組強化が必要 / 進捗困難).
Which real form each preset follows: shared/forms/FAMILIES.md (F1 is the seed's form).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

# Preset code → file, in FAMILIES.md's order.
PRESET_FILES = {
    "f1-isehara": "f1-isehara.json",
    "f2-sengensha": "f2-sengensha.json",
    "f3-seisaku": "f3-seisaku.json",
    "f4-minamiashigara": "f4-minamiashigara.json",
    "f7-tsubame": "f7-tsubame.json",
}
# The seed's form: what a report with no form of its own (every sengen.report/1 document) is in.
DEFAULT_FORM = "f1-isehara"


def _read(name: str):
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


@cache
def preset_parts() -> dict:
    """``{"preamble_blocks": {name: block}, "interim_levels": {name: levels}}`` as shipped."""
    return _read("parts.json")


def preset_definition(code: str) -> dict:
    """The preset's definition file as a fresh dict (a caller may edit it: it is a copy)."""
    return _read(PRESET_FILES[code])


@cache
def _presets():
    from ..serial import form_from_dict

    return {code: form_from_dict(_read(name), source=name) for code, name in PRESET_FILES.items()}


def presets() -> dict:
    """Preset code → ``Form``, in FAMILIES.md's order (the forms are immutable; the dict is a copy)."""
    return dict(_presets())
