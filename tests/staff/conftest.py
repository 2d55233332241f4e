import pytest

from tests.declarations.people import draft_reports, make_people


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Seven accounts per test: the production hasher's deliberate slowness would dominate.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def reports(people, seed_doc):
    """(市民生活部's draft year-end report, 総務部's)."""
    return draft_reports(seed_doc)


@pytest.fixture
def login(client, people):
    """``login("director")`` → the test client signed in as that person."""

    def _login(role: str):
        if role != "anonymous":
            client.force_login(people.by_role(role))
        return client

    return _login
