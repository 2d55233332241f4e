"""The password policy: at least 12 characters, not common, not all digits, not the username."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", [
    "Sh0rt-pass!",          # 11 characters, however mixed
    "123456789012345",      # digits only
    "password1234",         # a common password
])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_username_is_refused(django_user_model):
    user = django_user_model(username="shiminseikatsu-bucho")
    with pytest.raises(ValidationError):
        validate_password("shiminseikatsu-bucho1", user=user)


def test_twelve_characters_that_are_not_common_are_accepted():
    validate_password("isehara-sakura-2017")
    validate_password("ぼくらのまちの目標宣言です")  # length counts, not character classes


def test_an_eleven_character_japanese_password_is_too_short():
    with pytest.raises(ValidationError):
        validate_password("まちの目標宣言の年度末")
