"""JSON colouring: each kind of token gets its own colour, readable on light and dark."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QPalette, QTextDocument

from app.ui.json_highlighter import MAX_COLOURED_LINE_LENGTH, JsonHighlighter, JsonTheme


def colours(document: QTextDocument, block_number: int = 0) -> list[str | None]:
    """The foreground colour the highlighter gave each UTF-16 position of a block."""
    block = document.findBlockByNumber(block_number)
    result: list[str | None] = [None] * block.length()
    for fmt_range in block.layout().formats():
        colour = fmt_range.format.foreground().color().name()
        for position in range(fmt_range.start, fmt_range.start + fmt_range.length):
            result[position] = colour
    return result


def highlighted(
    text: str, palette: QPalette | None = None
) -> tuple[QTextDocument, JsonHighlighter]:
    document = QTextDocument()
    highlighter = JsonHighlighter(document, palette)
    document.setPlainText(text)
    # Attaching to a document only schedules highlighting for the next event loop pass.
    highlighter.rehighlight()
    return document, highlighter


def light_palette() -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f0f0f0"))
    return palette


def dark_palette() -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    return palette


def test_keys_strings_numbers_keywords_and_punctuation_differ(qapp: Any) -> None:
    text = '{"key": "text", "n": -10.5e3, "t": true, "z": null}'
    document, highlighter = highlighted(text, light_palette())
    theme = highlighter.theme
    found = colours(document)

    assert found[text.index('"key"')] == theme.key
    assert found[text.index('"text"') + 3] == theme.string
    assert found[text.index("-10.5e3") + 4] == theme.number
    assert found[text.index("true")] == theme.keyword
    assert found[text.index("null") + 3] == theme.keyword
    assert found[text.index("{")] == theme.punctuation
    assert found[text.index(":")] == theme.punctuation
    assert len({theme.key, theme.string, theme.number, theme.keyword, theme.punctuation}) == 5


def test_key_and_string_are_told_apart_by_the_colon(qapp: Any) -> None:
    text = '["same", {"same" : 1}]'
    document, highlighter = highlighted(text, light_palette())
    found = colours(document)

    assert found[1] == highlighter.theme.string
    assert found[text.index('"same" :')] == highlighter.theme.key


def test_placeholders_stand_out_inside_and_outside_strings(qapp: Any) -> None:
    text = '{"url": "{{base}}/pay", "n": {{amount}}}'
    document, highlighter = highlighted(text, light_palette())
    found = colours(document)
    theme = highlighter.theme

    assert found[text.index("{{base}}") + 2] == theme.placeholder
    assert found[text.index("/pay")] == theme.string
    assert found[text.index("{{amount}}") + 9] == theme.placeholder


def test_colours_line_up_after_emoji(qapp: Any) -> None:
    # "😀" is one Python character but two UTF-16 units in Qt.
    text = '{"😀": 12}'
    document, highlighter = highlighted(text, light_palette())
    found = colours(document)

    qt_offset = text.index("12") + 1
    assert found[qt_offset] == highlighter.theme.number
    assert found[qt_offset + 1] == highlighter.theme.number


def test_each_line_is_coloured_on_its_own(qapp: Any) -> None:
    document, highlighter = highlighted('{\n  "a": "unterminated\n  "b": 1\n}', light_palette())

    assert colours(document, 2)[2] == highlighter.theme.key
    assert colours(document, 2)[7] == highlighter.theme.number


def test_dark_palette_gets_light_colours(qapp: Any) -> None:
    light = JsonTheme.for_palette(light_palette())
    dark = JsonTheme.for_palette(dark_palette())

    assert light != dark
    assert QColor(dark.key).lightness() > QColor(light.key).lightness()
    assert QColor(dark.string).lightness() > 128 > QColor(light.string).lightness()


def test_apply_palette_recolours_the_document(qapp: Any) -> None:
    text = '{"a": 1}'
    document, highlighter = highlighted(text, light_palette())

    highlighter.apply_palette(dark_palette())

    assert colours(document)[1] == JsonTheme.for_palette(dark_palette()).key


def test_very_long_lines_are_coloured_only_at_the_start(qapp: Any) -> None:
    text = "[" + ", ".join(["1"] * MAX_COLOURED_LINE_LENGTH) + "]"
    document, highlighter = highlighted(text, light_palette())
    found = colours(document)

    assert found[1] == highlighter.theme.number
    assert found[len(text) - 2] is None
