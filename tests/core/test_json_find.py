from __future__ import annotations

from app.core.json_doc import parse_json_exact
from app.core.json_find import find_in_document, find_steps


def test_keys_and_values_are_found_in_tree_order_as_row_positions() -> None:
    document = parse_json_exact(
        '{"id": 7, "items": [{"name": "Coffee", "price": "3.20"}, {"name": "Tea"}],'
        ' "note": "coffee beans", "paid": true, "amount": 12.50}'
    )
    assert find_in_document(document, "coffee") == ([(1, 0, 0), (2,)], True)
    assert find_in_document(document, "Coffee", case_sensitive=True) == ([(1, 0, 0)], True)
    assert find_in_document(document, "name") == ([(1, 0, 0), (1, 1, 0)], True)
    assert find_in_document(document, "12.50") == ([(4,)], True)  # exact, as received
    assert find_in_document(document, "true") == ([(3,)], True)
    assert find_in_document(document, "") == ([], True)


def test_repeated_keys_are_rows_of_their_own() -> None:
    document = parse_json_exact('{"amount": "1.00", "amount": "1000000.00"}')
    assert find_in_document(document, "1000000") == ([(1,)], True)
    assert find_in_document(document, "amount") == ([(0,), (1,)], True)


def test_a_scalar_document_is_one_row() -> None:
    assert find_in_document(parse_json_exact('"hello"'), "ell") == ([(0,)], True)
    assert find_in_document(parse_json_exact("[]"), "x") == ([], True)


def test_deep_documents_need_no_recursion_and_the_limit_stops_early() -> None:
    deep: object = "x"
    for _ in range(50_000):  # deeper than the parser reads; built by hand
        deep = [deep]
    found, complete = find_in_document(deep, "x")
    assert complete and found == [(0,) * 50_000]
    many = parse_json_exact("[" + ",".join(['"x"'] * 50) + "]")
    found, complete = find_in_document(many, "x", limit=10)
    assert len(found) == 10 and not complete


def test_a_search_pauses_every_few_hundred_nodes_and_returns_the_same_rows() -> None:
    big = parse_json_exact("[" + ",".join(["1", "2"] * 50_000) + "]")
    steps = find_steps(big, "2", limit=100_000)
    pauses = 0
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result = done.value
            break
        pauses += 1
    assert pauses == 100_000 // 256  # so the window can run it in slices of its own length
    assert result == find_in_document(big, "2", limit=100_000)
    assert len(result[0]) == 50_000 and result[1] is True
