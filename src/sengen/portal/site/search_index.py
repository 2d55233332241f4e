"""The static site's search index: Pagefind run over the built tree.

A static web server answers no query, so the public site's search is an index written beside the
pages (``pagefind/`` at the tree's root) and a script in the search page that reads it in the
reader's browser (``portal/static-search.js`` loads Pagefind's own UI from the tree: nothing from
a CDN). Pagefind's extended build segments Japanese (``公民館`` is ``公民`` + ``館``), so a search
for ``公民`` finds 公民館 as the dynamic portal's search does.

What is indexed is marked in the portal's templates: ``data-pagefind-body`` on the initiative and
report pages only (pages without it — the front page, the year summaries, the search page — are
left out), ``data-pagefind-ignore`` on their breadcrumbs and on the links to other years, and
``data-pagefind-filter`` on the fiscal year and the department (and, on an initiative's page, the
evaluation, grade, kind of target and future direction the dynamic search narrows it by:
``portal.search_filters.index_filters``), so the header, the navigation and the footer are never
found. Pagefind keeps one index per page language (``<html lang>``): the
English pages are searched from the English search page, which names the filters in English
(``portal.search_filters.static_filters``: the index knows them only by their Japanese names).

The binary comes from PyPI (``pagefind[extended]`` ships it); ``PAGEFIND_BINARY_PATH`` names
another.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

BUNDLE_DIR = "pagefind"  # the index and Pagefind's scripts, at the tree's root
TIMEOUT = 600  # seconds; a city's site of a few thousand pages indexes in well under a minute
_COUNT = re.compile(r"Indexed (\d+) (page|word|language)s?\b")


class SearchIndexError(RuntimeError):
    """The index could not be written; the message says why and what to do (one line)."""


@dataclass(frozen=True)
class SearchIndex:
    """What Pagefind wrote: the bundle directory and its counts."""

    path: Path
    pages: int
    words: int
    languages: int

    def summary(self) -> str:
        return (f"検索索引: {self.pages}ページ、{self.words}語、{self.languages}言語 "
                f"→ {self.path.name}/")


def pagefind_binary() -> Path:
    """Pagefind's executable (the extended build when installed), or :class:`SearchIndexError`."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchIndexError(
            "Pagefind が見つかりません: pip install 'pagefind[extended]'（sengen の依存関係です）で入れてください"
        ) from None
    binary = get_executable()
    if binary is None or not Path(binary).is_file():
        raise SearchIndexError(
            f"Pagefind の実行ファイルが見つかりません（{binary or 'pagefind_extended'}）: "
            "pip install 'pagefind[extended]' で入れるか、PAGEFIND_BINARY_PATH で場所を指定してください"
        )
    return Path(binary)


def index_site(root: Path | str) -> SearchIndex:
    """Writes ``ROOT/pagefind/`` from the HTML pages under ``root``, replacing the previous index
    whole (an index of pages since removed would lead readers to files that are gone)."""
    root = Path(root)
    if not root.is_dir():
        raise SearchIndexError(f"{root}: 索引を作るサイトのフォルダがありません")
    binary = pagefind_binary()
    bundle = root / BUNDLE_DIR
    if bundle.exists():
        shutil.rmtree(bundle)
    # Not --quiet: the closing counts are what the build reports. The output is kept, not shown:
    # Pagefind prints a note per language it cannot stem (Japanese), which is expected.
    try:
        done = subprocess.run([str(binary), "--site", str(root), "--output-subdir", BUNDLE_DIR],
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"{root}: Pagefind が {TIMEOUT} 秒で終わりませんでした") from None
    except OSError as exc:
        raise SearchIndexError(f"{binary}: Pagefind を起動できません（{exc.strerror}）") from None
    output = done.stdout + "\n" + done.stderr
    if done.returncode != 0:
        raise SearchIndexError(f"{root}: Pagefind が索引を作れませんでした: {_first_error(output)}")
    counts = {kind: int(n) for n, kind in _COUNT.findall(output)}
    # With no data-pagefind-body anywhere Pagefind indexes every page whole, navigation and footer
    # included (every page would match 検索): refused, as is an index that would find nothing.
    if "Did not find a data-pagefind-body" in output or not counts.get("page"):
        shutil.rmtree(bundle, ignore_errors=True)
        raise SearchIndexError(f"{root}: 索引に入るページがありません（data-pagefind-body のあるページがない）")
    return SearchIndex(bundle, counts["page"], counts.get("word", 0), counts.get("language", 0))


def _first_error(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error")]
    return (errors or lines or ["（出力なし）"])[0][:300]
