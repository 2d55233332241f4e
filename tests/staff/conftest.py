import pytest

# The same people and reports as the service tests: one definition of each.
from tests.declarations.conftest import fast_password_hashing, people, reports  # noqa: F401


@pytest.fixture
def login(client, people):  # noqa: F811 (people is the imported fixture)
    """``login("director")`` → the test client signed in as that person."""

    def _login(role: str):
        if role != "anonymous":
            client.force_login(people.by_role(role))
        return client

    return _login
