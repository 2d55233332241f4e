"""The page where each person sets their own mail: language, and all mail or deadline mail only."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sengen.declarations.models import MailLanguage
from sengen.declarations.services.preferences import mail_preference_get, mail_preference_save

from ._common import save, staff_required


class MailPreferenceForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("メールの言語"), choices=MailLanguage.choices,
                                 widget=forms.RadioSelect)
    handoffs = forms.BooleanField(
        label=gettext_lazy("段階の開始と受け渡し（提出・差戻し・承認・公開）のメールを受け取る"), required=False,
        help_text=gettext_lazy("外しても、期限のお知らせ（期限前と期限の翌日）は届きます。"))


@staff_required
def mail_preferences(request):
    stored = mail_preference_get(user=request.user)
    form = MailPreferenceForm(request.POST or None,
                              initial={"language": stored.language, "handoffs": stored.handoffs})
    if request.method == "POST" and form.is_valid():
        saved = save(request, form, lambda: mail_preference_save(user=request.user, **form.cleaned_data),
                     success=_("メールの設定を保存しました"), redirect_to="staff:mail_preferences")
        if saved.response:
            return saved.response
    return render(request, "staff/mail_preferences.html",
                  {"form": form, "email": request.user.email})
