"""Compile a gettext catalogue (.po) into the binary form Django reads (.mo), in pure Python.

GNU gettext's ``msgfmt`` is not on every machine (nor installable on every city's server), and the
portal's English pages must not depend on it. This handles what Django's catalogues use: the
header, ``msgctxt``, plurals, multi-line strings and C escapes; fuzzy and untranslated entries are
left out as msgfmt leaves them out. Output is deterministic, so a recompiled .mo is byte-identical.

    python tools/msgfmt.py src/sengen/locale/en/LC_MESSAGES/django.po [django.mo]

A build tool (``make messages``), not part of the installed web app: it lives beside the
sources, outside the package.
"""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)")
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


class POError(ValueError):
    pass


def _unquote(token: str, where: str) -> str:
    token = token.strip()
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise POError(f"{where}: expected a quoted string, found {token!r}")

    def unescape(match: re.Match) -> str:
        char = match.group(1)
        if char not in _ESCAPES:
            raise POError(f"{where}: unknown escape \\{char}")
        return _ESCAPES[char]

    return _ESCAPE.sub(unescape, token[1:-1])


def parse_po(text: str, name: str = "<po>") -> dict[str, str]:
    """``{key: translation}`` as stored in a .mo: a context joins its msgid with ``\\x04`` and the
    forms of a plural are joined with ``\\x00``."""
    catalogue: dict[str, str] = {}
    entry: dict = {}
    field: tuple | None = None
    fuzzy = False

    def finish():
        nonlocal entry, fuzzy, field
        if "msgid" in entry:
            key = entry["msgid"]
            if "msgid_plural" in entry:
                key += "\x00" + entry["msgid_plural"]
                forms = [entry["msgstr"][i] for i in sorted(entry.get("msgstr", {}))]
                value = "\x00".join(forms)
                translated = bool(forms) and all(forms)
            else:
                value = entry.get("msgstr", {}).get(0, "")
                translated = bool(value)
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            # The header (msgid "") is kept even when fuzzy: it carries the charset and plural rule.
            if key == "" or (translated and not fuzzy):
                catalogue[key] = value
        entry, field, fuzzy = {}, None, False

    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{name}:{number}"
        stripped = line.strip()
        if not stripped:
            finish()
            continue
        if stripped.startswith("#"):
            if "msgid" in entry and field and field[0] == "msgstr":
                finish()  # a comment after a complete entry starts the next one
            if stripped.startswith("#,") and "fuzzy" in stripped:
                fuzzy = True
            continue
        match = _KEYWORD.match(stripped)
        if match:
            keyword, index, token = match.groups()
            if keyword in ("msgctxt", "msgid") and "msgid" in entry and (keyword == "msgctxt" or "msgstr" in entry):
                finish()
            value = _unquote(token, where)
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
                entry.setdefault("msgstr", {})[field[1]] = value
            else:
                field = (keyword,)
                entry[keyword] = value
            continue
        if stripped.startswith('"') and field is not None:
            value = _unquote(stripped, where)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += value
            else:
                entry[field[0]] += value
            continue
        raise POError(f"{where}: cannot read {stripped!r}")
    finish()
    return catalogue


def mo_bytes(catalogue: dict[str, str]) -> bytes:
    """The GNU .mo layout (little-endian, no hash table), byte for byte what `msgfmt --no-hash` writes."""
    keys = sorted(catalogue, key=lambda k: k.encode("utf-8"))
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        key_b, value_b = key.encode("utf-8"), catalogue[key].encode("utf-8")
        offsets.append((len(ids), len(key_b), len(strs), len(value_b)))
        ids += key_b + b"\0"
        strs += value_b + b"\0"
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    value_start = key_start + len(ids)
    key_table, value_table = [], []
    for key_off, key_len, value_off, value_len in offsets:
        key_table += [key_len, key_start + key_off]
        value_table += [value_len, value_start + value_off]
    header = struct.pack("<7I", 0x950412DE, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, key_start)
    return (header + struct.pack(f"<{2 * count}I", *key_table) + struct.pack(f"<{2 * count}I", *value_table)
            + ids + strs)


def compile_po(po_path: Path) -> bytes:
    return mo_bytes(parse_po(Path(po_path).read_text(encoding="utf-8"), str(po_path)))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        print("usage: python -m sengen.portal.msgfmt FILE.po [FILE.mo]", file=sys.stderr)
        return 2
    po = Path(args[0])
    mo = Path(args[1]) if len(args) == 2 else po.with_suffix(".mo")
    try:
        data = compile_po(po)
    except (OSError, POError) as exc:
        print(f"msgfmt: {exc}", file=sys.stderr)
        return 2
    mo.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
