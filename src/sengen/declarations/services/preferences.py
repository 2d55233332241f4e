"""A person's own settings: the language their mail comes in, and whether they take the mail
about phases opening and hand-offs (deadline reminders always come)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from .. import audit
from ..models import MailLanguage, MailPreference
from ..permissions import Refusal, require, staff_of


def mail_preference_get(*, user) -> MailPreference:
    """``user``'s settings as stored, or the defaults (Japanese, all mail) unsaved."""
    return MailPreference.objects.filter(user=user).first() or MailPreference(user=user)


@transaction.atomic
def mail_preference_save(*, user, language: str, handoffs: bool) -> MailPreference:
    """Each person sets their own and nobody else's: there is no ``for whom`` to get wrong."""
    require(staff_of(user).role is not None, Refusal.NO_STAFF_ACCESS)
    if language not in MailLanguage.values:
        raise ValidationError({"language": gettext("メールの言語を選んでください")})
    pref = MailPreference.objects.select_for_update().filter(user=user).first() or MailPreference(user=user)
    before = {"language": pref.language, "handoffs": pref.handoffs} if pref.pk else None
    pref.language, pref.handoffs = language, bool(handoffs)
    pref.save()
    audit.record(user, "mail_preference.save", pref, before=before,
                 after={"language": pref.language, "handoffs": pref.handoffs})
    return pref
