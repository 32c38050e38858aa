"""What a person and CI read of a run: terminal lines, the summary, JUnit XML and JSON."""

from __future__ import annotations

import asyncio
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from app.services.run_reports import json_report, junit_xml, step_lines, summary_line
from app.services.runner import CollectionRunner, RunReport, select_requests
from app.services.workspace import Workspace
from app.storage.collection_store import load_collection
from app.storage.secrets import FileSecretStore
from tests.services.pipeline_support import Api, Respond, mock_pipeline

TOKEN = "tok-Q7v-echoed"

SHOP = {
    "collection.yaml": "name: Shop\n",
    "payments/folder.yaml": "name: Payments\n",
    "payments/list.request.yaml": (
        "name: List\nmethod: GET\nurl: /payments\nassert:\n  - status: 200\n"
    ),
    "payments/missing.request.yaml": (
        "name: Missing\nmethod: GET\nurl: /payments/9\nassert:\n  - status: 200\n"
    ),
    "wallet/folder.yaml": "name: Wallet\n",
    "wallet/me.request.yaml": (
        "name: Balance\nmethod: GET\nurl: /wallet\nassert:\n"
        "  - path: $.balance\n    equals: 10.12\n"
    ),
    "top.request.yaml": "name: Top\nmethod: GET\nurl: /top\n",
}


def shop_api(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/payments/9":
        return httpx.Response(
            404,
            headers={"paysera-correlation-id": "corr-9"},
            json={"error": "not_found", "error_description": "No payment 9 here"},
        )
    if request.url.path == "/wallet":
        return httpx.Response(200, json={"balance": "10.12"})  # a string, not the number
    return httpx.Response(200, json={"items": []})


def _run(
    tmp_path: Path,
    files: dict[str, str],
    respond: Respond,
    *,
    iterations: int = 1,
    token: str | None = None,
) -> RunReport:
    root = tmp_path / "collection"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    loaded = load_collection(root)
    secrets = FileSecretStore(tmp_path / "secrets.json")
    workspace = Workspace(secret_store=lambda: secrets)
    workspace.set_collection(loaded)
    if token is not None:
        secrets.set(loaded.collection_id, "sandbox", "token", token)
        assert workspace.select_environment("sandbox") is not None
    pipeline = mock_pipeline(Api(respond), workspace)

    async def main() -> RunReport:
        try:
            return await CollectionRunner(pipeline).run(
                select_requests(loaded, []), iterations=iterations, base_url="https://api.test"
            )
        finally:
            await pipeline.aclose()

    return asyncio.run(main())


@pytest.fixture
def shop(tmp_path: Path) -> RunReport:
    return _run(tmp_path, SHOP, shop_api, iterations=2)


# --- JUnit XML -------------------------------------------------------------------------------


def test_junit_has_a_testsuite_per_folder_and_a_testcase_per_request_and_iteration(
    shop: RunReport,
) -> None:
    root = ET.fromstring(junit_xml(shop))
    assert root.tag == "testsuites" and root.get("name") == "Shop"
    assert root.get("tests") == "8" == str(len(shop.steps))
    assert root.get("failures") == "4" == str(len(shop.failed_steps))
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"payments", "wallet", "(collection)"}
    cases = {
        name: [case.get("name", "") for case in suite.findall("testcase")]
        for name, suite in suites.items()
    }
    assert sorted(cases["payments"]) == [
        "List [iteration 1]",
        "List [iteration 2]",
        "Missing [iteration 1]",
        "Missing [iteration 2]",
    ]
    assert sorted(cases["wallet"]) == ["Balance [iteration 1]", "Balance [iteration 2]"]
    assert sorted(cases["(collection)"]) == ["Top [iteration 1]", "Top [iteration 2]"]
    for name, suite in suites.items():
        steps = [s for s in shop.steps if (s.folder or "(collection)") == name]
        assert suite.get("tests") == str(len(steps))
        assert suite.get("failures") == str(sum(not s.passed for s in steps))


def test_a_junit_failure_says_which_assertion_failed_and_the_paysera_error(
    shop: RunReport,
) -> None:
    root = ET.fromstring(junit_xml(shop))
    failures = {
        case.get("name", ""): case.find("failure")
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    assert sorted(failures) == [
        "Balance [iteration 1]",
        "Balance [iteration 2]",
        "Missing [iteration 1]",
        "Missing [iteration 2]",
    ]
    missing = next(s for s in shop.steps if s.name == "Missing")
    [status] = missing.outcome.assertions
    failure = failures["Missing [iteration 1]"]
    assert failure is not None
    assert failure.get("message") == status.describe()
    assert "got 404" in status.describe()
    assert "No payment 9 here" in (failure.text or "")
    assert "corr-9" in (failure.text or "")

    balance = next(s for s in shop.steps if s.name == "Balance")
    [path] = balance.outcome.assertions
    failure = failures["Balance [iteration 2]"]
    assert failure is not None and failure.get("message") == path.describe()
    assert '"10.12"' in path.describe()  # the actual value, a string: shown quoted


def test_a_single_iteration_names_testcases_plainly(tmp_path: Path) -> None:
    report = _run(tmp_path, SHOP, shop_api)
    names = sorted(
        case.get("name", "") for case in ET.fromstring(junit_xml(report)).iter("testcase")
    )
    assert names == ["Balance", "List", "Missing", "Top"]


# --- JSON ------------------------------------------------------------------------------------


def test_the_json_report_has_every_step(shop: RunReport) -> None:
    data = json.loads(json_report(shop))
    assert data["collection"] == "Shop" and data["iterations"] == 2
    assert data["passed"] is False and data["bailed"] is False
    assert data["summary"] == {"requests": 8, "passed": 4, "failed": 4}
    assert [(s["iteration"], s["path"], s["passed"]) for s in data["steps"]] == [
        (s.iteration, s.path, s.passed) for s in shop.steps
    ]
    missing = next(s for s in data["steps"] if s["name"] == "Missing")
    assert missing["status"] == 404 and missing["url"] == "https://api.test/payments/9"
    assert missing["error"] == {
        "code": "not_found",
        "description": "No payment 9 here",
        "correlation_id": "corr-9",
    }
    assert [a["passed"] for a in missing["assertions"]] == [False]
    assert missing["assertions"][0]["actual"] == "404"
    top = next(s for s in data["steps"] if s["name"] == "Top")
    assert top["passed"] is True and top["assertions"] == [] and top["error"] is None


# --- terminal lines --------------------------------------------------------------------------


def test_step_lines_say_ok_or_fail_and_why(shop: RunReport) -> None:
    missing = next(s for s in shop.steps if s.name == "Missing")
    head, *reasons = step_lines(missing)
    assert head.startswith("FAIL") and "GET" in head and "Missing" in head and "404" in head
    assert reasons[0].strip() == missing.outcome.assertions[0].describe()
    assert any("not_found: No payment 9 here" in line for line in reasons)

    top = next(s for s in shop.steps if s.name == "Top" and s.iteration == 2)
    assert step_lines(top, show_iteration=True)[0].startswith("[2] ok")
    assert len(step_lines(top)) == 1


def test_the_summary_counts_and_says_when_it_bailed(shop: RunReport) -> None:
    line = summary_line(shop)
    assert line.startswith("8 requests in 2 iterations, 4 passed, 4 failed")
    assert "--bail" not in line
    shop.bailed = True
    assert "--bail" in summary_line(shop)


# --- a hostile server ------------------------------------------------------------------------

_HOSTILE = "bad\x00\x1b[31m\x07\x08\x7f\x9b\ud800 end"


def hostile_api(request: httpx.Request) -> httpx.Response:
    body = json.dumps({"error": "bad\x1b[2Jcode", "error_description": _HOSTILE})
    return httpx.Response(
        400,
        content=body.encode(),  # JSON escapes: \u0000, \ud800 ...
        headers={"Content-Type": "application/json", "paysera-correlation-id": "c\x1b1"},
        extensions={"reason_phrase": b"Bad\x1b[0m Request"},
    )


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def test_control_characters_from_a_server_break_no_report(tmp_path: Path) -> None:
    report = _run(
        tmp_path,
        {"x.request.yaml": "name: X\nmethod: GET\nurl: /x\nassert:\n  - status: 200\n"},
        hostile_api,
    )
    [step] = report.steps
    assert step.outcome.exchange is not None
    error = step.outcome.exchange.error
    assert error is not None and "\x00" in (error.description or "")  # it did arrive

    xml_text = junit_xml(report)
    failure = ET.fromstring(xml_text.encode("utf-8")).find("testsuite/testcase/failure")
    assert failure is not None and "end" in (failure.text or "")

    json_text = json_report(report)
    data = json.loads(json_text.encode("utf-8"))  # writable as UTF-8, and parses
    assert data["steps"][0]["error"]["description"] == _HOSTILE

    for line in step_lines(step):
        # Nothing a terminal would obey (escapes, bells), nothing print() cannot encode.
        assert not _UNPRINTABLE.search(line), repr(line)
        line.encode("utf-8")


# --- secrets ---------------------------------------------------------------------------------


def echo_api(request: httpx.Request) -> httpx.Response:
    """A server that repeats the credentials it got everywhere it can."""
    credentials = request.headers["Authorization"]
    return httpx.Response(
        401,
        json={
            "error": f"bad_{credentials}",
            "error_description": f"{credentials} is not valid for {request.url}",
            "you_sent": credentials,
        },
        headers={"paysera-correlation-id": credentials, "X-Echo": credentials},
        extensions={"reason_phrase": credentials.encode()},
    )


def test_no_secret_value_reaches_lines_or_reports_even_when_echoed(tmp_path: Path) -> None:
    files = {
        "collection.yaml": "name: Secret\n",
        "environments/sandbox.yaml": (
            "name: sandbox\nvariables:\n  - name: token\n    secret: true\n"
        ),
        "echo/folder.yaml": "name: Echo\n",
        "echo/me.request.yaml": (
            "name: Echo me\nmethod: GET\nurl: /me?key={{token}}\n"
            "headers:\n  - name: Authorization\n    value: Bearer {{token}}\n"
            "assert:\n  - status: 200\n  - path: $.you_sent\n    equals: nobody\n"
            "  - header: X-Echo\n    equals: nobody\n"
        ),
    }
    report = _run(tmp_path, files, echo_api, token=TOKEN)
    [step] = report.steps
    exchange = step.outcome.exchange
    assert exchange is not None and TOKEN in exchange.response.body.decode()  # it was echoed
    assert not step.passed

    lines = step_lines(step)
    texts = {
        "lines": "\n".join(lines),
        "summary": summary_line(report),
        "junit": junit_xml(report),
        "json": json_report(report),
    }
    for where, text in texts.items():
        assert TOKEN not in text, f"the secret leaked into the {where}"
    assert "«secret:token»" in texts["lines"]
    assert "«secret:token»" in texts["junit"]
    assert "«secret:token»" in texts["json"]
    data = json.loads(texts["json"])["steps"][0]
    assert data["url"] == "https://api.test/me?key=«secret:token»"
    assert [a["passed"] for a in data["assertions"]] == [False, False, False]
