"""Reads of forms (様式) as the database keeps them: which forms there are, one by id or code,
and a form's versions. The writes are ``services.forms``; what a form *is* is ``core.forms``.

Not Django form classes (those live beside the views that use them): a 様式 is the programme's
word, and this module is named after it, as ``services/forms.py`` is.
"""

from __future__ import annotations

import copy

from django.db.models import Count, F, Max, Q, QuerySet

from sengen.core import forms as core_forms

from .models import Declaration, Form, FormVersion, Municipality

# The form each report was made with ---------------------------------------------------------

def default_form_code() -> str:
    default = core_forms.DEFAULT_FORM
    return default if isinstance(default, str) else default.code


def default_form() -> core_forms.Form:
    """The seed's form: that of every report whose declaration names no form version."""
    default = core_forms.DEFAULT_FORM
    return core_forms.presets()[default] if isinstance(default, str) else default


# FormVersion id → (its definition, its Form). A version is immutable (a change is a new
# version), so reading the definition into a Form once is enough; the definition is compared
# still, since an id can name another row after a restore or in a test's rolled-back database,
# and comparing is far cheaper than reading.
_FORMS_BY_VERSION: dict[int, tuple[dict, core_forms.Form]] = {}


def form_of_version(form_version: FormVersion | None) -> core_forms.Form:
    """The ``core.forms.Form`` of ``form_version`` (its stored definition); the seed's for None."""
    if form_version is None:
        return default_form()
    cached = _FORMS_BY_VERSION.get(form_version.pk)
    if cached is not None and cached[0] == form_version.definition:
        return cached[1]
    form = core_forms.form_from_dict(form_version.definition,
                                     source=f"様式 {form_version.form_id} 第{form_version.version}版")
    _FORMS_BY_VERSION[form_version.pk] = (copy.deepcopy(form_version.definition), form)
    return form


def form_for_declaration(declaration: Declaration) -> core_forms.Form:
    """The form ``declaration`` was made with (the version it keeps, whatever changed since)."""
    if declaration.form_version_id is None:
        return default_form()
    return form_of_version(declaration.form_version)


def form_for_municipality(municipality: Municipality) -> core_forms.Form:
    """The form the city's new reports use: its own choice's latest version, else the seed's."""
    if municipality.form_id is None:
        return default_form()
    return form_of_version(form_current_version(municipality.form))


class FormNotFound(LookupError):
    """No single form matches; ``str()`` is one line saying what was looked for."""


def forms_list(*, municipality: Municipality | None = None) -> QuerySet[Form]:
    """Every form, presets first, then by city and code; ``municipality``: the presets and
    that city's own. Each carries ``latest_version`` and ``report_count`` (the declarations made
    with any of its versions; see ``report_count`` for the default preset's own)."""
    qs = Form.objects.select_related("municipality")
    if municipality is not None:
        qs = qs.filter(Q(municipality__isnull=True) | Q(municipality=municipality))
    return (qs.annotate(latest_version=Max("versions__version"),
                        report_count=Count("versions__declarations", distinct=True))
            .order_by(F("municipality__name").asc(nulls_first=True), "code"))


def report_count(form: Form) -> int:
    """How many stored reports are in ``form``: those made with one of its versions, and for the
    default preset also every report stored without a form (before forms existed, or sengen.report/1
    without one), since those are in the seed's form."""
    count = Declaration.objects.filter(form_version__form=form).count()
    if form.municipality_id is None and form.code == core_forms.DEFAULT_FORM:
        count += Declaration.objects.filter(form_version__isnull=True).count()
    return count


def form_get(key: str | int, municipality: Municipality | str | None = None) -> Form:
    """The form ``key`` names: its id (digits), or its code — the city's own form of that code
    when ``municipality`` (a Municipality or its name) is given, else the preset of that code,
    else the one city's form of that code. FormNotFound when none or several match."""
    key = str(key).strip()
    qs = Form.objects.select_related("municipality")
    if key.isdigit():
        found = qs.filter(pk=int(key)).first()
        if found is None:
            raise FormNotFound(f"様式 {key} は登録されていません（sengen form list で一覧を表示）")
        return found
    if isinstance(municipality, str):
        city = Municipality.objects.filter(name=municipality).first()
        if city is None:
            raise FormNotFound(f"自治体「{municipality}」は登録されていません")
        municipality = city
    if municipality is not None:
        own = qs.filter(municipality=municipality, code=key).first()
        if own is not None:
            return own
    preset = qs.filter(municipality__isnull=True, code=key).first()
    if preset is not None:
        return preset
    if municipality is not None:
        raise FormNotFound(f"様式 {key} は{municipality}にもプリセットにもありません（sengen form list で一覧を表示）")
    cities = list(qs.filter(code=key)[:10])
    if not cities:
        raise FormNotFound(f"様式 {key} は登録されていません（sengen form list で一覧を表示）")
    if len(cities) > 1:
        names = "、".join(str(f.municipality) for f in cities)
        raise FormNotFound(f"様式 {key} は複数の自治体にあります（{names}）: 自治体を指定するか番号で指定してください")
    return cities[0]


def form_stored(code: str, municipality: Municipality | None) -> Form | None:
    """The form of exactly this code and city (None: the preset), or None: what loading a
    definition of that code for that city would add a version to."""
    qs = Form.objects.filter(code=code)
    return (qs.filter(municipality__isnull=True) if municipality is None
            else qs.filter(municipality=municipality)).first()


def form_current_version(form: Form) -> FormVersion | None:
    """The form's latest version: its current definition (None only for a form being created)."""
    return form.versions.order_by("-version").first()


def form_version_get(form: Form, version: int | None = None) -> FormVersion:
    """Version ``version`` of ``form`` (the latest when None); FormNotFound naming the versions
    there are otherwise."""
    found = form_current_version(form) if version is None else form.versions.filter(version=version).first()
    if found is None:
        have = list(form.versions.order_by("version").values_list("version", flat=True))
        listed = "、".join(str(v) for v in have) or "なし"
        raise FormNotFound(f"様式 {form.code} に版 {version} はありません（ある版: {listed}）")
    return found


def forms_known(*, municipality: Municipality | None = None) -> list[core_forms.Form]:
    """The latest version of every stored form (``municipality``: the presets and that city's
    own) as ``core.forms.Form``: what a reader may recognise a file's header among
    (``parsers.parse_path(…, forms=…)``), the city's own forms before the presets."""
    out = []
    for form in forms_list(municipality=municipality).order_by(F("municipality__name").asc(nulls_last=True), "code"):
        latest = form_current_version(form)
        if latest is not None:
            out.append(form_of_version(latest))
    return out
