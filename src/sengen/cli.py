"""``sengen``: Django's management commands with sengen's settings.

``sengen migrate``, ``sengen runserver``, ``sengen import FILE``, ``sengen export …``: one entry
point for people who never heard of ``manage.py``. A mistake in what someone typed must read
as one line on stderr with exit status 2 — never a traceback — so the few errors that escape
Django's own handling are caught here.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sengen.settings")
    from django.core.management import CommandError, execute_from_command_line

    args = ["sengen", *(sys.argv[1:] if argv is None else argv)]
    try:
        execute_from_command_line(args)
    except CommandError as exc:
        # Raised before a command's own handler runs (argument parsing of a command called in
        # process), which Django would otherwise let through as a traceback.
        sys.stderr.write(f"sengen: {exc}\n")
        sys.exit(getattr(exc, "returncode", 2) or 2)
    except KeyboardInterrupt:
        sys.stderr.write("sengen: 中断しました\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
