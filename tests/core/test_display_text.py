from app.core.display_text import LABEL_CHARS, display_text, visible_text


def test_bidi_overrides_and_isolates_are_escaped() -> None:
    spoof = "invoice\u202egpj.exe \u202d \u2066x\u2067y\u2068z\u2069"
    shown = visible_text(spoof)
    assert shown == "invoice\\u202egpj.exe \\u202d \\u2066x\\u2067y\\u2068z\\u2069"
    assert all(ch.isprintable() for ch in shown)


def test_control_characters_are_escaped_but_tab_and_newline_stay() -> None:
    assert visible_text("a\x00b\x1bc\x07d\x85e\x7f") == "a\\u0000b\\u001bc\\u0007d\\u0085e\\u007f"
    assert visible_text("one\ttwo\nthree\r\nfour\rfive") == "one\ttwo\nthree\nfour\\u000dfive"


def test_zero_width_and_byte_order_marks_are_escaped() -> None:
    assert visible_text("pay\u200bsera\ufeff") == "pay\\u200bsera\\ufeff"


def test_ordinary_text_is_unchanged() -> None:
    text = "Zoë paid 10.12 € — ok (لا) 你好"
    assert visible_text(text) == text
    assert display_text(text) == (text, False)


def test_long_text_is_cut_before_escaping() -> None:
    shown = display_text("\u202e" * (LABEL_CHARS + 5))
    assert shown.cut
    assert shown.text == "\\u202e" * LABEL_CHARS + " …"
    assert display_text("x" * 10, 4) == ("xxxx …", True)
