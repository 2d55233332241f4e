"""The public site as files (issue 13): a full `sengen site build` of the demo data against the
incremental build after one correction, in the same run, with the no-change rebuild and
`--check` beside them. The correction is the one a programme office makes most (an initiative's
title, 市民生活部 No.4); the incremental build must list only the files it changed and finish
in under 2 s on the demo data (a figure of a quiet machine: a shared two-core one reads more).

    .venv/bin/python bench/site_build.py [--repeat N]      # also part of `make bench` (bench/run.py)

A scratch SQLite database and scratch trees under a temporary directory; nothing of the
checkout's data is touched.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path


def setup(scratch: Path) -> None:
    os.environ["SENGEN_DATA_DIR"] = str(scratch)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("SENGEN_SECRET_KEY", "bench-site-not-a-secret-0123456789")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sengen.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=io.StringIO())


def correct(round_: int) -> None:
    from django.contrib.auth import get_user_model

    from sengen.declarations.models import Declaration, Role, StaffProfile
    from sengen.declarations.services.publications import Correction, initiative_correct

    user, created = get_user_model().objects.get_or_create(username="bench-admin")
    if created:
        StaffProfile.objects.create(user=user, role=Role.ADMINISTRATOR)
    four = Declaration.objects.get(department__name="市民生活部").initiatives.get(number=4)
    initiative_correct(user=user, initiative=four, version=four.version, reason="誤字の訂正",
                       correction=Correction(title=f"男女共同参画の推進（第{round_}版）", content=four.content,
                                             target_texts={}))


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main(repeat: int) -> float:
    from sengen.portal.site import build

    quiet = lambda line: None  # noqa: E731 — the files written are counted, not printed
    print(f"sengen site build on the demo data (3 reports, 2 cities, ja + en), best of {repeat}")
    full = nochange = incremental = check = float("inf")
    written: list[str] = []
    with tempfile.TemporaryDirectory() as trees:
        for round_ in range(repeat):
            site = Path(trees) / f"site{round_}"
            seconds, result = timed(lambda s=site: build(s, say=quiet))
            full = min(full, seconds)
            files = result.files
            nochange = min(nochange, timed(lambda s=site: build(s, say=quiet))[0])
            correct(round_)
            seconds, result = timed(lambda s=site: build(s, say=quiet))
            incremental = min(incremental, seconds)
            written = result.changes.written
            seconds, result = timed(lambda s=site: build(s, check=True, say=quiet))
            check = min(check, seconds)
            assert not result.differences, result.differences
    print(f"{'full build':<36}{full:>8.2f} s  {files} files")
    print(f"{'rebuild, nothing changed':<36}{nochange:>8.2f} s  {nochange / full:.2f}× full")
    print(f"{'incremental after one correction':<36}{incremental:>8.2f} s  {incremental / full:.2f}× full,"
          f" {len(written)} files written (goal < 2 s)")
    print(f"{'--check':<36}{check:>8.2f} s  {check / full:.2f}× full")
    for path in written:
        print(f"    {path}")
    return incremental


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup(Path(scratch))
        main(options.repeat)
    sys.exit(0)
