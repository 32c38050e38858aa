"""Choosing what a run sends, reading data files, iterations, variables and --bail."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.core.collection import CollectionNode, LoadedCollection
from app.demo.server import DEMO_MAC_ID, DEMO_MAC_KEY, DemoServer
from app.services.pipeline import Pipeline
from app.services.runner import (
    CollectionRunner,
    RunError,
    RunReport,
    read_data_file,
    select_requests,
)
from app.services.workspace import Workspace
from app.storage.collection_store import load_collection
from tests.services.pipeline_support import Api, mock_pipeline


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def collection(tmp_path: Path) -> LoadedCollection:
    """File names sort differently from the names the sidebar shows (and sorts by)."""
    root = tmp_path / "api"
    _write(
        root,
        {
            "collection.yaml": "name: API\n",
            "payments/folder.yaml": "name: Payments\n",
            "payments/a-list.request.yaml": "name: Zed list\nmethod: GET\nurl: /list\n",
            "payments/b-create.request.yaml": "name: Create\nmethod: POST\nurl: /create\n",
            "payments/refunds/folder.yaml": "name: Refunds\n",
            "payments/refunds/one.request.yaml": "name: One refund\nmethod: GET\nurl: /refund\n",
            "top.request.yaml": "name: Top\nmethod: GET\nurl: /top\n",
            "another.request.yaml": "name: Another\nmethod: GET\nurl: /another\n",
            "zbroken/bad.request.yaml": "name: Bad\nmethod: GET\nurl: [unclosed\n",
        },
    )
    return load_collection(root)


def _paths(nodes: Sequence[CollectionNode]) -> list[str]:
    return [node.path.as_posix() for node in nodes]


# --- select_requests -------------------------------------------------------------------------


def test_a_folder_path_selects_its_requests_in_sidebar_order(
    collection: LoadedCollection,
) -> None:
    # Sidebar: folders first, then requests, each by shown name ("Create" before "Zed list").
    assert _paths(select_requests(collection, ["payments"])) == [
        "payments/refunds/one.request.yaml",
        "payments/b-create.request.yaml",
        "payments/a-list.request.yaml",
    ]
    assert _paths(select_requests(collection, ["payments/refunds/"])) == [
        "payments/refunds/one.request.yaml"
    ]


def test_a_request_is_selected_by_path_with_or_without_suffix_or_by_name(
    collection: LoadedCollection,
) -> None:
    expected = ["payments/a-list.request.yaml"]
    assert _paths(select_requests(collection, ["payments/a-list.request.yaml"])) == expected
    assert _paths(select_requests(collection, ["payments/a-list"])) == expected
    assert _paths(select_requests(collection, ["Payments/Zed list"])) == expected
    assert _paths(select_requests(collection, ["payments/ZED LIST"])) == expected
    assert _paths(select_requests(collection, ["Payments/Refunds"])) == [
        "payments/refunds/one.request.yaml"
    ]


def test_the_order_is_the_sidebars_not_the_commands_and_each_request_runs_once(
    collection: LoadedCollection,
) -> None:
    chosen = select_requests(
        collection, ["top", "payments/a-list", "another", "payments", "payments/a-list"]
    )
    assert _paths(chosen) == [
        "payments/refunds/one.request.yaml",
        "payments/b-create.request.yaml",
        "payments/a-list.request.yaml",
        "another.request.yaml",
        "top.request.yaml",
    ]


def test_an_unknown_item_is_a_run_error_naming_it(collection: LoadedCollection) -> None:
    with pytest.raises(RunError, match='"payments/nope" is not a folder or request') as info:
        select_requests(collection, ["payments", "payments/nope"])
    assert '"API"' in str(info.value) and str(info.value).endswith(".")


@pytest.mark.parametrize("item", ["../api/top", "payments/../top", ".."])
def test_dot_dot_is_refused(collection: LoadedCollection, item: str) -> None:
    with pytest.raises(RunError, match="is not a folder or request"):
        select_requests(collection, [item])


def test_a_broken_selected_file_is_a_run_error_but_other_items_still_run(
    collection: LoadedCollection,
) -> None:
    with pytest.raises(RunError, match="Nothing was run") as info:
        select_requests(collection, ["zbroken"])
    assert "zbroken/bad.request.yaml" in str(info.value)
    with pytest.raises(RunError, match=r"zbroken/bad\.request\.yaml"):
        select_requests(collection, [])  # everything: the broken file included
    assert _paths(select_requests(collection, ["top"])) == ["top.request.yaml"]


def test_no_items_selects_every_request(tmp_path: Path) -> None:
    root = tmp_path / "small"
    _write(
        root,
        {
            "b.request.yaml": "name: B\nmethod: GET\nurl: /b\n",
            "x/a.request.yaml": "name: A\nmethod: GET\nurl: /a\n",
        },
    )
    assert _paths(select_requests(load_collection(root), [])) == [
        "x/a.request.yaml",
        "b.request.yaml",
    ]


# --- read_data_file --------------------------------------------------------------------------


def test_a_csv_file_gives_one_row_of_text_per_iteration(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    # A BOM, a quoted comma, a quoted line break and a missing last cell.
    path.write_bytes(
        '\ufeffid,amount,note\r\n1,1.10,"a, b"\r\n2,0.5,"two\nlines"\r\n3,7\r\n'.encode()
    )
    assert read_data_file(path) == [
        {"id": "1", "amount": "1.10", "note": "a, b"},
        {"id": "2", "amount": "0.5", "note": "two\nlines"},
        {"id": "3", "amount": "7", "note": ""},
    ]


def test_a_json_file_keeps_exact_numbers_as_text_and_nested_values_as_json(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rows.json"
    path.write_text(
        '[{"id": 1, "amount": 1.10, "big": 123456789012345678901234567890, "exp": 1E+2,'
        ' "text": "x", "yes": true, "none": null, "nested": {"price": [2.50, "EUR"]}},'
        ' {"id": 2}]',
        encoding="utf-8",
    )
    first, second = read_data_file(path)
    assert first["id"] == "1" and second == {"id": "2"}
    assert first["amount"] == "1.10"
    assert first["big"] == "123456789012345678901234567890"
    assert first["exp"] == "1E+2"
    assert (first["text"], first["yes"], first["none"]) == ("x", "true", "null")
    nested = first["nested"]
    assert "2.50" in nested
    assert json.loads(nested, parse_float=Decimal) == {"price": [Decimal("2.50"), "EUR"]}
    assert all(isinstance(v, str) for row in (first, second) for v in row.values())


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("rows.json", b'[{"id": 1},', "is not valid JSON"),
        ("rows.json", b'{"id": 1}', "must hold an array of objects"),
        ("rows.json", b'[{"id": 1}, 2]', "must hold an array of objects"),
        ("rows.csv", b"", "has no header row"),
        ("rows.csv", b"id\n\xff\xfe\n", "is not UTF-8 text"),
        ("rows.txt", b"id\n1\n", "must be a .csv or a .json file"),
        ("rows.csv", b'id,name\n1,"never closed\n', "is not valid CSV"),
    ],
)
def test_a_bad_data_file_is_a_run_error_with_a_sentence(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RunError) as info:
        read_data_file(path)
    message = str(info.value)
    assert reason in message and str(path) in message


def test_a_missing_data_file_is_a_run_error(tmp_path: Path) -> None:
    path = tmp_path / "missing.csv"
    with pytest.raises(RunError, match="could not be read") as info:
        read_data_file(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(("name", "content"), [("rows.json", "[]"), ("rows.csv", "id,amount\n")])
def test_a_data_file_without_rows_is_a_run_error(tmp_path: Path, name: str, content: str) -> None:
    # Zero iterations would run nothing and pass: a CI job would go green having sent nothing.
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RunError, match="no rows"):
        read_data_file(path)


# --- running ---------------------------------------------------------------------------------


def _run(
    api: Api, loaded: LoadedCollection, items: list[str], **options: Any
) -> tuple[RunReport, Workspace]:
    workspace = Workspace()
    workspace.set_collection(loaded)
    pipeline = mock_pipeline(api, workspace)

    async def main() -> RunReport:
        try:
            return await CollectionRunner(pipeline).run(
                select_requests(loaded, items), base_url="https://api.test", **options
            )
        finally:
            await pipeline.aclose()

    return asyncio.run(main()), workspace


@pytest.fixture
def variables_collection(tmp_path: Path) -> LoadedCollection:
    root = tmp_path / "vars"
    _write(
        root,
        {
            "collection.yaml": "name: Vars\n",
            "a-first.request.yaml": "name: First\nmethod: GET\nurl: /items/{{id}}?mode={{mode}}\n",
            "b-second.request.yaml": "name: Second\nmethod: GET\nurl: /other/{{id}}\n",
        },
    )
    return load_collection(root)


def test_data_rows_set_variables_one_iteration_each(
    variables_collection: LoadedCollection,
) -> None:
    api = Api()
    rows = [{"id": "7", "mode": "row"}, {"id": "8", "mode": "row"}]
    report, workspace = _run(
        api, variables_collection, [], data=rows, variables={"mode": "cli"}, iterations=5
    )
    # --var wins over a data column; data decides the number of iterations.
    assert [str(r.url) for r in api.requests] == [
        "https://api.test/items/7?mode=cli",
        "https://api.test/other/7",
        "https://api.test/items/8?mode=cli",
        "https://api.test/other/8",
    ]
    assert report.iterations == 2
    assert [(s.iteration, s.name) for s in report.steps] == [
        (1, "First"),
        (1, "Second"),
        (2, "First"),
        (2, "Second"),
    ]
    assert report.passed and not report.bailed
    assert workspace.overrides == {}  # the run's values do not outlive it


def test_iterations_repeat_every_request(variables_collection: LoadedCollection) -> None:
    api = Api()
    report, _ = _run(
        api, variables_collection, ["First"], iterations=3, variables={"id": "1", "mode": "m"}
    )
    assert api.paths == ["/items/1"] * 3
    assert [s.iteration for s in report.steps] == [1, 2, 3]
    assert report.iterations == 3


def test_an_undefined_variable_fails_its_step_and_the_run_goes_on(
    variables_collection: LoadedCollection,
) -> None:
    api = Api()
    report, _ = _run(api, variables_collection, [], variables={"id": "1"})
    first, second = report.steps
    assert not first.passed and "{{mode}}" in first.outcome.message
    assert second.passed
    assert api.paths == ["/other/1"]
    assert report.failed_steps == [first] and not report.passed


@pytest.fixture
def failing_collection(tmp_path: Path) -> LoadedCollection:
    root = tmp_path / "failing"
    _write(
        root,
        {
            "collection.yaml": "name: Failing\n",
            "a.request.yaml": "name: A\nmethod: GET\nurl: /a\nassert:\n  - status: 201\n",
            "b.request.yaml": "name: B\nmethod: GET\nurl: /b\nassert:\n  - status: 200\n",
        },
    )
    return load_collection(root)


def test_bail_stops_at_the_first_step_that_does_not_pass(
    failing_collection: LoadedCollection,
) -> None:
    api = Api()
    report, _ = _run(api, failing_collection, [], iterations=2, bail=True)
    assert api.paths == ["/a"]
    assert [s.name for s in report.steps] == ["A"]
    assert report.bailed and not report.passed

    api = Api()
    report, _ = _run(api, failing_collection, [], iterations=2)
    assert api.paths == ["/a", "/b", "/a", "/b"]
    assert [s.passed for s in report.steps] == [False, True, False, True]
    assert not report.bailed


def test_on_step_hears_each_step_as_it_ends(failing_collection: LoadedCollection) -> None:
    api = Api()
    heard: list[tuple[str, int]] = []
    report, _ = _run(
        api,
        failing_collection,
        [],
        on_step=lambda step: heard.append((step.name, len(api.requests))),
    )
    assert heard == [("A", 1), ("B", 2)]
    assert [s.folder for s in report.steps] == ["", ""]
    assert report.collection == "Failing" and report.environment is None


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


def test_every_iteration_signs_its_request_afresh(demo: DemoServer, tmp_path: Path) -> None:
    # A request is planned once for all iterations; the MAC must still be new each time:
    # the demo API refuses a nonce it has seen, so three 200s mean three signatures.
    root = tmp_path / "mac"
    _write(
        root,
        {
            "collection.yaml": "name: Mac\n",
            "wallet.request.yaml": (
                "name: Wallet\nmethod: GET\nurl: /mac/wallet\n"
                f"auth:\n  kind: paysera_mac\n  mac_id: {DEMO_MAC_ID}\n  mac_key: {DEMO_MAC_KEY}\n"
                "assert:\n  - status: 200\n"
            ),
        },
    )
    loaded = load_collection(root)
    workspace = Workspace()
    workspace.set_collection(loaded)
    pipeline = Pipeline(workspace)

    async def main() -> RunReport:
        try:
            return await CollectionRunner(pipeline).run(
                select_requests(loaded, []), iterations=3, base_url=f"{demo.base_url}/rest/v1"
            )
        finally:
            await pipeline.aclose()

    report = asyncio.run(main())
    assert report.passed, [step.outcome.message for step in report.steps]
    nonces = set()
    for step in report.steps:
        assert step.outcome.request is not None
        header = step.outcome.request.header("Authorization") or ""
        found = re.search(r'nonce="([^"]+)"', header)
        assert found is not None
        nonces.add(found.group(1))
    assert len(nonces) == 3


def test_a_data_row_with_the_same_values_as_the_last_sends_the_same_request(
    variables_collection: LoadedCollection,
) -> None:
    api = Api()
    rows = [{"id": "7"}, {"id": "7"}, {"id": "9"}, {"id": "7"}]
    report, _ = _run(api, variables_collection, ["Second"], data=rows)
    assert api.paths == ["/other/7", "/other/7", "/other/9", "/other/7"]
    assert report.passed
