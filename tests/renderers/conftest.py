import pytest

from .helpers import load_seed


@pytest.fixture
def seed() -> dict:
    """A fresh copy of the seed report (tests may modify it)."""
    return load_seed()
