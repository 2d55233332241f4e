"""`check --deploy` checks of sengen's own: what Django's security checks cannot know."""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def demo_accounts_absent(app_configs=None, **kwargs):
    """`sengen demo` makes one account per role with a password published in README.md (an
    administrator among them). On a server that citizens reach, that is an open door."""
    from django.contrib.auth import get_user_model

    from sengen.declarations.management.commands.demo import DEMO_ACCOUNTS

    names = [account[0] for account in DEMO_ACCOUNTS]
    try:
        found = sorted(get_user_model().objects.filter(username__in=names, is_active=True)
                       .values_list("username", flat=True))
    except DatabaseError:
        return []  # no database yet (or not reachable): nothing to find
    if not found:
        return []
    return [Error(
        f"demo accounts with published passwords exist: {', '.join(found)}",
        hint="Delete them (sengen shell, or the admin), or deactivate them, before the server is reachable.",
        id="sengen.E001",
    )]
