"""A city's open-data license: the terms its year's ZIP (datapackage.json) and its public year page
name. Each city chooses its own (CC BY 4.0, 政府標準利用規約 第2.0版, CC0, its own terms at an
address); a city that chose none is published under the server's SENGEN_OPEN_DATA_LICENSE.

What an administrator types here is printed on public pages and in every package: each part is
bounded, the identifier is an identifier (no spaces, no markup), and an address is http(s) only,
so that no ``javascript:`` or ``file:`` link reaches a citizen's page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from sengen.core import opendata as core_opendata

from .. import audit
from ..models import Municipality
from ..permissions import Refusal, can_change_city_settings, require

FIELDS = ("open_data_license_name", "open_data_license_title", "open_data_license_path")
# An SPDX or Open Definition id: letters, digits and . _ + - (CC-BY-4.0, CC0-1.0, odc-by).
_LICENSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
# Control characters would break a header or a line in the package; a title is one line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _too_long(limit: int, value: str) -> str:
    return gettext("%(limit)s文字までです（%(length)s文字あります）") % {
        "limit": f"{limit:,}", "length": f"{len(value):,}"}


def open_data_license_check(*, name: str = "", title: str = "", path: str = "") -> dict[str, str]:
    """The three parts as they will be stored (trimmed), or ``ValidationError`` naming each part
    that is wrong, keyed by the municipality's field. All three empty is valid: the server's
    default."""
    name, title, path = (str(v or "").strip() for v in (name, title, path))
    errors: dict[str, str] = {}
    if len(name) > core_opendata.LICENSE_NAME_MAX_CHARS:
        errors["open_data_license_name"] = _too_long(core_opendata.LICENSE_NAME_MAX_CHARS, name)
    elif name and not _LICENSE_ID.fullmatch(name):
        errors["open_data_license_name"] = gettext(
            "ライセンスの識別子は英数字と . _ + - で書きます（例: CC-BY-4.0、CC0-1.0）。"
            "識別子のないライセンスは空欄にして、名前と URL を入力してください")
    if len(title) > core_opendata.LICENSE_TITLE_MAX_CHARS:
        errors["open_data_license_title"] = _too_long(core_opendata.LICENSE_TITLE_MAX_CHARS, title)
    elif _CONTROL.search(title):
        errors["open_data_license_title"] = gettext("ライセンスの名前は1行で入力してください")
    if len(path) > core_opendata.LICENSE_PATH_MAX_CHARS:
        errors["open_data_license_path"] = _too_long(core_opendata.LICENSE_PATH_MAX_CHARS, path)
    elif path:
        parts = urlsplit(path)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or _CONTROL.search(path) \
                or any(ch.isspace() for ch in path):
            errors["open_data_license_path"] = gettext(
                "ライセンスの URL は http:// または https:// で始まるアドレスを入力してください")
    if not errors and title and not name and not path:
        # Frictionless needs a name or a path: a title alone names no terms anyone can read.
        errors["open_data_license_path"] = gettext(
            "識別子のないライセンスには、条文の URL を入力してください")
    if errors:
        raise ValidationError(errors)
    return {"open_data_license_name": name, "open_data_license_title": title, "open_data_license_path": path}


@transaction.atomic
def open_data_license_save(*, user, municipality: Municipality, name: str = "", title: str = "",
                           path: str = "") -> Municipality:
    """Set ``municipality``'s open-data license (all empty: back to the server's default). Only
    that city's administrators, or an administrator of every city, may; the audit log keeps the
    license before and after. The next year ZIP drawn names it (its cache key holds the license)."""
    require(can_change_city_settings(user, municipality), Refusal.CITY_SETTINGS % {"city": municipality})
    values = open_data_license_check(name=name, title=title, path=path)
    city = Municipality.objects.select_for_update().get(pk=municipality.pk)
    before = {field: getattr(city, field) for field in FIELDS}
    if before != values:
        for field, value in values.items():
            setattr(city, field, value)
        city.save(update_fields=list(FIELDS))
        audit.record(user, "municipality.open_data_license", city, before=before, after=values)
    for field in FIELDS:
        setattr(municipality, field, getattr(city, field))
    return city
