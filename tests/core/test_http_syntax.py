import pytest

from app.core.http_syntax import (
    DEFAULT_PORTS,
    breaks_header_line,
    default_port,
    first_non_ascii,
    is_header_name,
)


@pytest.mark.parametrize("name", ["X-Api-Key", "Content-Type", "a", "!#$%&'*+-.^_`|~09AZaz"])
def test_rfc_9110_tokens_are_header_names(name: str) -> None:
    assert is_header_name(name)


@pytest.mark.parametrize(
    "name", ["", "X Key", "X:Key", "X-Key ", "Kéy", "X\tKey", '"X"', "X(1)", "X/Y", "X\nY"]
)
def test_anything_else_is_not_a_header_name(name: str) -> None:
    assert not is_header_name(name)


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\0b", "\r\n"])
def test_cr_lf_and_nul_break_a_header_line(value: str) -> None:
    assert breaks_header_line(value)


@pytest.mark.parametrize("value", ["", "plain", "tab\there", "é", "\x7f"])
def test_other_text_does_not_break_a_header_line(value: str) -> None:
    assert not breaks_header_line(value)


def test_first_non_ascii_names_the_first_character_a_header_cannot_carry() -> None:
    assert first_non_ascii("abc") is None
    assert first_non_ascii("") is None
    assert first_non_ascii("naïve café") == "ï"
    assert first_non_ascii("key-€") == "€"


def test_default_ports() -> None:
    assert default_port("https") == 443
    assert default_port("HTTPS") == 443
    assert default_port("http") == 80
    assert default_port("ftp") == 80
    assert dict(DEFAULT_PORTS) == {"http": 80, "https": 443}
