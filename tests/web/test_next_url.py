import pytest

from diversion.auth.next_url import safe_next


@pytest.mark.parametrize("target", [
    "//evil.example", "//evil.example/path", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
    "JavaScript:alert(1)", "https://evil.example/", "http:/evil.example", "/\t/evil.example",
    "/\n/evil.example", "evil.example", "", None, "/" + "a" * 2001,
])
def test_next_is_refused_unless_it_is_a_path_on_this_site(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/", "/admin/users", "/admin/users/3?tab=tokens", "/contracts#notes"])
def test_next_keeps_paths_on_this_site(target):
    assert safe_next(target, "/home") == target
