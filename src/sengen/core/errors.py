"""What a refusal of a JSON document says, for every kind sengen reads (a report, a form):
the message, the JSON path it is about and the file when known. One class, so a report's and a
form's refusal are written alike and a caller reads ``path`` and ``source`` from either."""

from __future__ import annotations


class JsonPathError(ValueError):
    """``path`` is a JSON path (``$.initiatives[2].targets[0]``) so the message says where, not
    only what; ``source`` the file it came from when known."""

    def __init__(self, message: str, path: str = "$", source: str | None = None):
        self.message = message
        self.path = path
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{path}: {message}")
