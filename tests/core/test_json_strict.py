import json

import pytest

from app.core.json_strict import NonStandardConstant, constant_position, reject_constant


@pytest.mark.parametrize("name", ["NaN", "Infinity", "-Infinity"])
def test_each_constant_json_does_not_allow_is_refused(name: str) -> None:
    with pytest.raises(NonStandardConstant) as caught:
        json.loads(f'{{"a": [1, {name}]}}', parse_constant=reject_constant)
    assert caught.value.name == name
    assert str(caught.value) == f"{name} is not valid JSON"
    assert isinstance(caught.value, ValueError)


def test_the_same_words_inside_strings_are_fine() -> None:
    text = '{"NaN": "Infinity", "x": "-Infinity"}'
    assert json.loads(text, parse_constant=reject_constant) == {
        "NaN": "Infinity",
        "x": "-Infinity",
    }


def test_constant_position_skips_strings_even_with_escaped_quotes() -> None:
    text = '{"a \\" NaN": "Infinity", "b": NaN}'
    assert constant_position(text, "NaN") == text.rindex("NaN")


def test_constant_position_points_at_the_minus_sign() -> None:
    text = '[1, "-Infinity", -Infinity]'
    assert constant_position(text, "-Infinity") == text.rindex("-Infinity")
    assert constant_position(text, "Infinity") == 0  # only the negative one is there


def test_constant_position_is_zero_when_absent() -> None:
    assert constant_position('{"a": 1}', "NaN") == 0
