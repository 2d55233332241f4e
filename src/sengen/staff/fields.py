"""Fields for what staff type that no Django field reads as people write it: bullets one per
line, SDG goal numbers. They check the text-size limits and nothing else (rules are in the
services)."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from sengen.declarations import textlimits
from sengen.declarations.services.plans import SDGS_INVALID


class LinesField(forms.CharField):
    """A list of bullets typed one per line (the leading ・ is not part of a bullet)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("箇条書き1項目を1行に。行頭の「・」は不要です。"))
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.rstrip().removeprefix("・") for line in text.splitlines() if line.strip()]

    def validate(self, value):
        super().validate(value)
        textlimits.check_lines(value)


class SdgsField(forms.CharField):
    """SDG goal numbers typed as 「3, 11 17」 (full-width digits and 、 too)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("1〜17 の番号を「、」か空白で区切って入力します"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(str(n) for n in value)
        return value

    def to_python(self, value):
        text = unicodedata.normalize("NFKC", super().to_python(value) or "")
        numbers = []
        for token in re.split(r"[\s,、]+", text.strip()):
            if not token:
                continue
            if not token.isdigit() or not 1 <= int(token) <= 17:
                raise forms.ValidationError(SDGS_INVALID)
            numbers.append(int(token))
        return list(dict.fromkeys(numbers))
