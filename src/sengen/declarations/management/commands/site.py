"""``sengen site build DIR``: the public site as files (issue 13, ``sengen.portal.site``).

    sengen site build /srv/sengen-site --base-url https://www.city.example.jp/sengen/
    sengen site build /srv/sengen-site --check          # does the tree match the database?
    sengen site build /srv/sengen-site --zip site.zip   # the tree as one file to carry across

A build writes only the files that changed (one line each) and removes the ones no longer
published; ``--check`` writes nothing and exits with status 2 listing each file that differs.
One build at a time runs in a directory (a lock file beside the manifest): a second waits.
"""

from __future__ import annotations

import fcntl
import os
import zipfile
from pathlib import Path

from ._base import SengenCommand, UsageError

LOCK = ".sengen-site.lock"
# Not part of the site: the manifest, the lock and half-written files stay on the LGWAN side.
PRIVATE_PREFIX = ".sengen-"
PROGRESS_EVERY = 500


class Command(SengenCommand):
    help = ("公開ページ一式（日本語・英語のページ、ダウンロード、フィード、API の JSON、静的ファイル）を、"
            "どのウェブサーバーでも配信できるファイルとしてディレクトリに書き出します。変わったファイルだけを書き換えます。")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="build")
        build = commands.add_parser("build", help="サイトを書き出す（または --check で確かめる）")
        build.error = parser.error
        build.add_argument("directory", help="書き出し先のディレクトリ")
        build.add_argument("--base-url", default=os.environ.get("SENGEN_SITE_BASE_URL") or None,
                           help="公開する URL（例 https://www.city.example.jp/sengen/）。省略すると前回と同じ"
                                "（初回は相対リンクで、どのパスに置いても動きます。sitemap.xml は作りません）。"
                                "相対リンクに戻すには --base-url ''")
        build.add_argument("--check", action="store_true",
                           help="書き込まずに、ディレクトリがデータベースの公開内容と一致するか確かめます（違えば終了コード 2）")
        build.add_argument("--zip", metavar="OUT", help="書き出したサイトを ZIP ファイルにもまとめます（庁内の受け渡し用）")

    def handle(self, *args, **options):
        from sengen.portal.site import BuildError, build

        root = Path(options["directory"])
        if root.exists() and not root.is_dir():
            raise UsageError(f"{root}: ディレクトリではありません")
        if options["check"] and options["zip"]:
            raise UsageError("--check と --zip は一緒に指定できません")
        self.require_migrated_database()
        if not options["check"]:
            root.mkdir(parents=True, exist_ok=True)
        with _locked(root, wait=not options["check"]):
            try:
                result = build(root, base_url=options["base_url"], check=options["check"],
                               say=lambda line: self.stdout.write(line), progress=self._progress())
            except BuildError as exc:
                raise UsageError(str(exc)) from None
        for url, why in sorted(result.failed.items()):
            self.stderr.write(f"書き出せませんでした: {url}（{why}）")
        for url in sorted(result.missed):
            # A page links it, but the build has no file for it (a static file not collected,
            # a page that failed above): the link still points at the server.
            self.stderr.write(f"リンク先のファイルがありません: {url}")
        if options["check"]:
            if result.differences:
                for line in result.differences:
                    self.stderr.write(line)
                raise UsageError(f"{root}: {len(result.differences)} 件のファイルが公開内容と違います")
            if result.failed:
                raise UsageError(f"{root}: {len(result.failed)} 件の URL を書き出せません（上の一覧）")
            self.stdout.write(f"{root}: {result.files} ファイルとも公開内容と一致しています（{result.seconds:.2f} 秒）")
            return
        changes = result.changes
        self.stdout.write(f"{root}: {result.files} ファイル、書き換え {len(changes.written)}、削除 {len(changes.removed)}、"
                          f"変更なし {changes.unchanged}（{result.seconds:.2f} 秒）")
        if result.failed:
            # The rest of the site is written; a script (the sync) must not carry it across as complete.
            raise UsageError(f"{root}: {len(result.failed)} 件の URL を書き出せませんでした（上の一覧）")
        if options["zip"]:
            count = write_zip(root, Path(options["zip"]))
            self.stdout.write(f"{options['zip']}: {count} ファイルを ZIP にまとめました")


    def _progress(self):
        """A line on stderr every PROGRESS_EVERY files rendered: a city's site is done in
        seconds and says nothing; a country's takes minutes and shows it is moving."""
        count = 0

        def one(path: str) -> None:
            nonlocal count
            count += 1
            if count % PROGRESS_EVERY == 0:
                self.stderr.write(f"…{count} ファイル（{path}）")

        return one


class _locked:
    """An exclusive lock on ``DIR/.sengen-site.lock`` (``--check`` of a missing tree needs none)."""

    def __init__(self, root: Path, *, wait: bool):
        self.root, self.handle = root, None

    def __enter__(self):
        if self.root.is_dir():
            self.handle = open(self.root / LOCK, "a")  # noqa: SIM115 — held until __exit__
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()


def write_zip(root: Path, out: Path) -> int:
    """The tree (without the manifest and lock) as one ZIP, the same bytes for the same tree."""
    files = sorted(p for p in root.rglob("*") if p.is_file()
                   and not any(part.startswith(PRIVATE_PREFIX) for part in p.relative_to(root).parts))
    temporary = out.with_name(f".{out.name}.part")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
        os.replace(temporary, out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UsageError(f"{out}: ZIP を書けません（{exc.strerror or exc}）") from None
    return len(files)
