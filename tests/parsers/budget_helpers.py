"""Readers that misbehave, importable by name: a child started through the fork server
unpickles the function it runs, so it must live in a module, not in a test's closure."""

from __future__ import annotations

import time


def sleep_forever(data: bytes, source: str, form=None, forms=None):
    time.sleep(60)


def spin_forever(data: bytes, source: str, form=None, forms=None):
    while True:  # CPU, not sleep: what a pathological content stream does
        pass


def allocate_too_much(data: bytes, source: str, form=None, forms=None):
    return bytearray(4 * 1024 ** 3)
