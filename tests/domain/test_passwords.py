import pytest

from diversion.domain.passwords import MIN_LENGTH, password_problems


def test_a_long_unusual_passphrase_is_accepted():
    assert password_problems("Orbit-kettle-marmalade-42") == []


@pytest.mark.parametrize("password", ["", "short", "elevenchars"])
def test_passwords_under_twelve_characters_are_refused(password):
    assert password_problems(password) == [f"Password must be {MIN_LENGTH} characters or more"]


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "123456789012", "iloveyou1234"])
def test_common_and_breached_style_passwords_are_refused(password):
    problems = password_problems(password)
    assert len(problems) == 1 and problems[0].startswith("Choose a password that is harder to guess")


def test_a_password_built_from_the_users_own_name_is_refused():
    inputs = ("margaret.thompson@police.example", "Margaret Thompson")
    assert password_problems("MargaretThompson1", inputs) != []
    assert password_problems("Orbit-kettle-marmalade-42", inputs) == []


def test_absurdly_long_passwords_are_refused_before_hashing():
    assert password_problems("x" * 257) == ["Password must be 256 characters or fewer"]
