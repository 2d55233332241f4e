"""The built tree on disk: its manifest, atomic writes, and the check against what a build makes.

``DIR/.sengen-site.json`` records every file the build wrote with its SHA-256 and what it was
made from (a download's cache key: the document, the form and the renderers' code). A build
writes only the files whose bytes differ from the tree, removes the files it no longer makes (a
withdrawn report), and says so one line per file. Each file is written to a temporary name
beside it and renamed over the old one, so a web server serving the tree meanwhile never sends
half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".sengen-site.json"
SCHEMA = "sengen.site/1"


class TreeError(Exception):
    """The directory cannot hold a site (not a directory, a manifest that is not ours)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Manifest:
    base_url: str = ""
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # path → {"sha256", "inputs"}

    @classmethod
    def read(cls, root: Path) -> Manifest:
        path = root / MANIFEST
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("schema") != SCHEMA or not isinstance(data.get("files"), dict):
                raise ValueError(f"schema は {SCHEMA} ではありません")
            return cls(base_url=str(data.get("base_url") or ""), files=data["files"])
        except (ValueError, OSError) as exc:
            raise TreeError(f"{path}: サイトの目録として読めません（{exc}）") from None

    def dumps(self) -> bytes:
        return json.dumps({"schema": SCHEMA, "base_url": self.base_url,
                           "files": dict(sorted(self.files.items()))},
                          ensure_ascii=False, indent=1).encode() + b"\n"


def tree_file(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise TreeError(f"{relative}: サイトのディレクトリの外です")
    return path


def on_disk(root: Path, relative: str) -> bytes | None:
    path = tree_file(root, relative)
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".sengen-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the file from the web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class Changes:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def write_tree(root: Path, files: dict[str, tuple[bytes, str]], base_url: str, say,
               links: dict[str, list] | None = None) -> Changes:
    """Makes ``root`` hold exactly ``files`` (path → (bytes, inputs)); ``say(line)`` per change.
    ``links``: what a page the next build may take from the tree links to (path → keys)."""
    if root.exists() and not root.is_dir():
        raise TreeError(f"{root}: ディレクトリではありません")
    root.mkdir(parents=True, exist_ok=True)
    previous = Manifest.read(root)
    changes = Changes()
    manifest = Manifest(base_url=base_url)
    for relative in sorted(files):
        data, inputs = files[relative]
        manifest.files[relative] = {"sha256": sha256(data), "inputs": inputs}
        if links and relative in links:
            manifest.files[relative]["links"] = links[relative]
        if on_disk(root, relative) == data:
            changes.unchanged += 1
            continue
        write_atomic(tree_file(root, relative), data)
        changes.written.append(relative)
        say(f"書きました: {relative}")
    for relative in sorted(set(previous.files) - set(files)):
        path = tree_file(root, relative)
        if path.exists():
            path.unlink()
            _prune(root, path.parent)
        changes.removed.append(relative)
        say(f"削除しました: {relative}")
    write_atomic(root / MANIFEST, manifest.dumps())
    return changes


def _prune(root: Path, folder: Path) -> None:
    """Removes the folders a removed file leaves empty, up to the tree's root."""
    root = root.resolve()
    while folder.resolve() != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def differences(root: Path, files: dict[str, tuple[bytes | None, str]]) -> list[str]:
    """What differs between the tree and what a build makes now, one line each (empty: none).
    A file's bytes are None when the build did not draw it because its inputs are not the
    tree's (a download ``--check`` leaves undrawn)."""
    if not (root / MANIFEST).exists():
        return [f"{MANIFEST}: ありません（sengen site build で作られたディレクトリではありません）"]
    manifest = Manifest.read(root)
    found = []
    for relative in sorted(set(files) | set(manifest.files)):
        if relative not in files:
            found.append(f"{relative}: もう公開されていないファイルが残っています")
            continue
        data = on_disk(root, relative)
        if data is None:
            found.append(f"{relative}: ありません")
        elif files[relative][0] is None:
            found.append(f"{relative}: 古くなっています（元の文書・様式・描画のどれかが変わりました）")
        elif data != files[relative][0]:
            found.append(f"{relative}: 内容がデータベースと違います")
        elif relative not in manifest.files or manifest.files[relative].get("sha256") != sha256(data):
            found.append(f"{relative}: 目録（{MANIFEST}）と合いません")
    return found
