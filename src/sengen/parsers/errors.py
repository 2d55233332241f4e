"""The one error every parser raises: which file, where in it, what was expected."""

from __future__ import annotations


class ParseError(Exception):
    def __init__(self, message: str, *, source: str | None = None, location: str | None = None):
        self.message = message
        self.source = source
        self.location = location
        super().__init__(message)

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.location) if p]
        # One line, whatever the message: callers print it as is.
        text = " ".join(self.message.split())
        return ": ".join([*parts, text])

    def at(self, source: str) -> ParseError:
        return ParseError(self.message, source=source, location=self.location)
