"""Forms (様式): 行政経営課 defines a form from a definition (a file, the admin's text box) and
chooses the form a city's new reports use.

A form's versions are immutable: loading a changed definition adds a version and a report keeps
the version it was made with, so nothing published changes when a form does. Loading the same
definition again adds nothing, so a definition file can be loaded as often as it is edited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from sengen.core import forms as core_forms

from .. import audit
from ..models import Form, FormVersion, Grade, GradingScale, Municipality
from ..permissions import Refusal, can_manage_forms, require


def _require_manager(user) -> None:
    # The command line passes no user: whoever runs `sengen form load` runs the server's
    # commands already (as `sengen import` does). A person through a page must be an administrator.
    if user is not None:
        require(can_manage_forms(user), Refusal.MANAGE_FORMS)


def _checked(definition: Any, source: str | None) -> core_forms.Form:
    try:
        return core_forms.form_from_dict(definition, source=source)
    except core_forms.FormError as exc:
        # The message names the file and the JSON path (FormError's str); the path is kept apart
        # for a caller that shows it beside a field. Not as ``params``: Django would apply them
        # with %, and the message quotes the definition's text, which may hold a %.
        error = ValidationError(str(exc), code="invalid_form")
        error.path = exc.path
        raise error from None


def _refused(message: str, source: str | None, code: str) -> ValidationError:
    # Said as FormError says it (``file: $.path: what``), whichever check refused the definition.
    return ValidationError(f"{source}: {message}" if source else message, code=code)


def _rate(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).normalize()


def _scale_check(form: core_forms.Form, source: str | None) -> list | None:
    """The grades to create for the form's scale (its ``scale_definition``), or None when the
    database has the scale already (or the form grades on none). An existing scale of that code
    with other grades is refused rather than changed: reports already judged on it would change
    meaning."""
    if form.scale is None:
        return None
    existing = GradingScale.objects.filter(code=form.scale).first()
    definition = form.scale_definition
    if definition is None:
        if existing is None:
            raise _refused(gettext(
                "$.scale: 評価尺度 %(code)s は登録されていません（scale_definition で段階を定義するか、"
                "管理画面で評価尺度を登録してください）") % {"code": form.scale}, source, "unknown_scale")
        return None
    wanted = [(g.code, g.label, g.evaluation, _rate(g.min_rate)) for g in definition.grades]
    if existing is None:
        return wanted
    stored = [(g.code, g.label, g.evaluation, _rate(g.min_rate)) for g in existing.grades.order_by("order", "pk")]
    if stored != wanted:
        raise _refused(gettext(
            "$.scale_definition: 評価尺度 %(code)s はすでにあり、段階が違います（登録済み: %(stored)s）。"
            "別のコードにするか、登録済みの段階に合わせてください")
            % {"code": definition.code, "stored": " / ".join(g[1] for g in stored) or "なし"},
            source, "scale_conflict")
    return None


def _form_of(code: str, municipality: Municipality | None, *, lock: bool = False) -> Form | None:
    # Ordered by pk: the model's ordering joins the city, and PostgreSQL locks no outer join.
    qs = (Form.objects.select_for_update(of=("self",)) if lock else Form.objects.all()).order_by("pk")
    qs = qs.filter(municipality__isnull=True) if municipality is None else qs.filter(municipality=municipality)
    return qs.filter(code=code).first()


def form_check(*, definition: Any, municipality: Municipality | None, source: str | None = None,
               form: Form | None = None, new: bool = False) -> core_forms.Form:
    """Everything ``form_load`` would refuse ``definition`` for, without writing: the definition
    itself (at its JSON path), a city's form taking a preset's code, its scale contradicting a
    stored one; ``form`` (the form being edited) keeping its code, and ``new`` (a form being
    added) not already existing. Returns the checked form. For a page that must say what is wrong
    before it saves (the admin): a refusal after a write would leave the write in place."""
    checked = _checked(definition, source)
    if form is not None and checked.code != form.code:
        raise _refused(gettext("$.code: 様式のコードは変えられません（%(old)s のまま。別の様式にするなら新しく登録してください）")
                       % {"old": form.code}, source, "code_changed")
    if municipality is not None and checked.code in core_forms.presets():
        # A document names its form by code: a city's form of a preset's code would make
        # 「f2-sengensha」 mean two layouts.
        raise _refused(gettext("$.code: %(code)s はプリセットの様式のコードです。別のコードにしてください")
                       % {"code": checked.code}, source, "preset_code")
    if new and _form_of(checked.code, municipality) is not None:
        raise _refused(gettext("$.code: 様式 %(code)s はすでにあります（変えるときはその様式を開いて定義を直してください）")
                       % {"code": checked.code}, source, "exists")
    _scale_check(checked, source)
    return checked


def _create_scale(form: core_forms.Form, grades: list) -> GradingScale:
    definition = form.scale_definition
    scale = GradingScale.objects.create(code=definition.code, name=definition.name)
    Grade.objects.bulk_create(
        Grade(scale=scale, code=code, label=label, evaluation=evaluation, min_rate=min_rate, order=order)
        for order, (code, label, evaluation, min_rate) in enumerate(grades))
    return scale


@transaction.atomic
def form_load(*, user, definition: dict, municipality: Municipality | None, source: str | None = None,
              form: Form | None = None) -> FormVersion:
    """Store ``definition`` as the form of its code for ``municipality`` (None: a preset every
    city may use): the form is created at version 1, or gets the next version when the definition
    differs from its latest; an identical definition (as ``form_to_dict`` writes it) returns the
    latest version and stores nothing.

    ``form``: the form being edited (the admin's change page): the definition must keep its code,
    and the form its city. ValidationError for what ``form_check`` refuses (the message names
    ``source`` and the JSON path); PermissionDenied unless ``user`` may manage forms (None: the
    command line)."""
    _require_manager(user)
    if form is not None:
        municipality = form.municipality  # an edited form stays the city's (or the preset) it is
    checked = form_check(definition=definition, municipality=municipality, source=source, form=form)
    canonical = core_forms.form_to_dict(checked)
    # The form row locked first: two loads of one form get consecutive versions, not one each
    # of the same number.
    stored = _form_of(checked.code, municipality, lock=True)
    latest = stored.versions.order_by("-version").first() if stored is not None else None
    if latest is not None and latest.definition == canonical:
        return latest
    grades = _scale_check(checked, source)
    if grades is not None:
        _create_scale(checked, grades)
    action = "form.update"
    if stored is None:
        action = "form.create"
        stored = Form.objects.create(municipality=municipality, code=checked.code, name=checked.name)
    elif stored.name != checked.name:
        stored.name = checked.name
        stored.save(update_fields=["name"])
    version = FormVersion.objects.create(
        form=stored, version=(latest.version + 1) if latest is not None else 1, definition=canonical,
        created_by=user if user is not None and user.is_authenticated else None)
    audit.record(user, action, stored, version=version.version, source=source,
           municipality=str(municipality) if municipality is not None else None,
           previous=latest.definition if latest is not None else None, definition=canonical)
    return version


@transaction.atomic
def form_assign(*, user, municipality: Municipality, form: Form | None) -> Municipality:
    """The form ``municipality``'s new reports use (None: sengen's default, the seed's form).
    A preset or the city's own form; reports already stored keep theirs."""
    _require_manager(user)
    if form is not None and form.municipality_id not in (None, municipality.pk):
        raise ValidationError(gettext("様式 %(code)s は%(other)sの様式です（使えるのはプリセットか%(city)sの様式）")
                              % {"code": form.code, "other": form.municipality, "city": municipality},
                              code="other_city")
    if form is not None and not form.versions.exists():
        raise ValidationError(gettext("様式 %(code)s には定義がまだありません") % {"code": form.code})
    city = Municipality.objects.select_for_update().get(pk=municipality.pk)
    before = city.form.code if city.form_id else None
    if city.form_id != (form.pk if form is not None else None):
        city.form = form
        city.save(update_fields=["form"])
        audit.record(user, "form.assign", city, before=before, after=form.code if form is not None else None)
    municipality.form = city.form
    return city
