"""``api-explorer run`` and ``send`` end to end: a child process, the real demo API (--demo)
over real sockets, a copy of the sample collection."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.demo import DemoServer
from app.resources import copy_sample_collection

REPO = Path(__file__).resolve().parents[1]
# app/cli.py has no ``__main__`` guard: call main() the way the console script does.
CLI = "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"
TOKEN = "tok-5eCr3t-from-env"

# A child that cannot import Qt: any attempt is written to stderr and fails.
NO_QT = """
import sys

class _NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "qasync"):
            sys.stderr.write(f"BLOCKED IMPORT {name}\\n")
            raise ImportError(f"{name} is not installed here (test)")
        return None

sys.meta_path.insert(0, _NoQt())
"""


def cli(
    tmp_path: Path, *args: str | Path, env: dict[str, str] | None = None, prelude: str = ""
) -> subprocess.CompletedProcess[bytes]:
    home = tmp_path / "home"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("API_EXPLORER_")}
    environ.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        API_EXPLORER_KEYRING="off",
        PYTHONPATH=str(REPO),
    )
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", prelude + CLI, *map(str, args)],
        cwd=REPO,
        env=environ,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    return copy_sample_collection(tmp_path / "demo-api")


def _add_request(collection: Path, name: str, text: str) -> Path:
    path = collection / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _payment_files(collection: Path) -> list[Path]:
    return sorted((collection / "payments").glob("*.request.yaml"))


# --- run: reports and exit status ------------------------------------------------------------


def test_run_writes_both_reports_and_exits_0_when_all_pass(
    tmp_path: Path, collection: Path
) -> None:
    junit, report = tmp_path / "out" / "junit.xml", tmp_path / "out" / "report.json"
    done = cli(
        tmp_path,
        "run",
        collection,
        "payments",
        "--env",
        "demo",
        "--demo",
        "--reporter",
        f"junit:{junit}",
        "--reporter",
        f"json:{report}",
    )
    assert done.returncode == 0, done.stderr.decode()
    count = len(_payment_files(collection))
    lines = done.stdout.decode().splitlines()
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == ["ok"] * count

    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == (str(count), "0")
    assert [suite.get("name") for suite in root.findall("testsuite")] == ["payments"]
    assert {case.get("file") for case in root.iter("testcase")} == {
        p.relative_to(collection).as_posix() for p in _payment_files(collection)
    }

    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["passed"] is True and data["environment"] == "demo"
    assert len(data["steps"]) == count
    # Every request got a real answer from the demo, errors included (none was refused).
    assert all(step["outcome"] == "responded" and step["status"] for step in data["steps"])
    assert {step["error"]["code"] for step in data["steps"] if step["error"]} >= {
        "not_found",
        "forbidden",
    }
    assert f"Wrote the junit report to {junit}" in done.stderr.decode()


def test_run_exits_1_when_an_assertion_fails(tmp_path: Path, collection: Path) -> None:
    _add_request(
        collection,
        "checks/created.request.yaml",
        "name: Created\nmethod: GET\nurl: /payments\nassert:\n  - status: 201\n",
    )
    junit = tmp_path / "junit.xml"
    done = cli(tmp_path, "run", collection, "checks", "--demo", "--reporter", f"junit:{junit}")
    assert done.returncode == 1, done.stderr.decode()
    head, reason = done.stdout.decode().splitlines()
    assert head.startswith("FAIL") and "Created" in head and "200 OK" in head
    assert reason.strip() == "status is 201: got 200"
    [failure] = ET.parse(junit).getroot().iter("failure")
    assert failure.get("message") == "status is 201: got 200"
    assert "0 passed, 1 failed" in done.stderr.decode()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["{collection}", "payments/nope", "--demo"], '"payments/nope" is not a folder or request'),
        (["{tmp}/no-such-collection"], "is not a folder: give the folder of a collection"),
        (["{collection}", "--env", "production", "--demo"], 'has no environment "production"'),
        (["{collection}", "--data", "{tmp}/missing.csv"], "could not be read"),
    ],
)
def test_usage_and_collection_errors_exit_2_with_a_sentence_and_no_output(
    tmp_path: Path, collection: Path, args: list[str], says: str
) -> None:
    argv = [a.format(collection=collection, tmp=tmp_path) for a in args]
    done = cli(tmp_path, "run", *argv)
    assert done.returncode == 2
    assert done.stdout == b""
    stderr = done.stderr.decode()
    assert says in stderr and stderr.startswith("api-explorer: ")
    assert stderr.strip().endswith(".") and "Traceback" not in stderr


# --- exact numbers against a real body -------------------------------------------------------

EXACT = """name: Exact numbers
method: GET
url: /payments/10145
assert:
  - path: $.rate
    equals: 1.1
  - path: $.rate
    equals: 1.10
  - path: $.rate
    equals: "1.10"
  - path: $.rate
    equals: 1.100000000000000088817841970012523233890533447265625
  - path: $.big_id
    equals: 9007199254740993123
  - path: $.big_id
    equals: 9007199254740993124
  - path: $.price.amount
    equals: "10.12"
  - path: $.price.amount
    equals: 10.12
"""


def test_exact_number_assertions_pass_and_fail_against_the_demo(
    tmp_path: Path, collection: Path
) -> None:
    _add_request(collection, "exact/numbers.request.yaml", EXACT)
    report = tmp_path / "report.json"
    done = cli(tmp_path, "run", collection, "exact", "--demo", "--reporter", f"json:{report}")
    assert done.returncode == 1, done.stderr.decode()
    [step] = json.loads(report.read_text(encoding="utf-8"))["steps"]
    assert step["status"] == 200
    verdicts = [(a["expected"], a["passed"]) for a in step["assertions"]]
    assert verdicts == [
        ("equals 1.1", True),  # 1.10 on the wire: the same decimal value
        ("equals 1.10", True),
        ('equals "1.10"', False),  # a string never equals a number
        ("equals 1.100000000000000088817841970012523233890533447265625", False),  # no floats
        ("equals 9007199254740993123", True),
        ("equals 9007199254740993124", False),  # the same double, a different number
        ('equals "10.12"', True),
        ("equals 10.12", False),  # Paysera amounts are strings
    ]
    # What arrived is reported exactly as sent.
    assert step["assertions"][2]["actual"] == "1.10"
    assert step["assertions"][5]["actual"] == "9007199254740993123"


# --- secrets ---------------------------------------------------------------------------------


def test_a_secret_from_the_environment_reaches_the_server_and_no_output(
    tmp_path: Path, collection: Path
) -> None:
    # The demo names an unknown path in its 404: this request makes it echo the token.
    _add_request(
        collection,
        "echo/token.request.yaml",
        "name: Echo token\nmethod: GET\nurl: /echo/{{token}}\nassert:\n  - status: 200\n",
    )
    junit, report = tmp_path / "junit.xml", tmp_path / "report.json"
    done = cli(
        tmp_path,
        "run",
        collection,
        "wallet/wallet-with-token.request.yaml",
        "echo",
        "--env",
        "demo",
        "--demo",
        "--reporter",
        f"junit:{junit}",
        "--reporter",
        f"json:{report}",
        env={"API_EXPLORER_SECRET_TOKEN": TOKEN},
    )
    assert done.returncode == 1, done.stderr.decode()
    outputs = {
        "stdout": done.stdout.decode(),
        "stderr": done.stderr.decode(),
        "junit": junit.read_text(encoding="utf-8"),
        "json": report.read_text(encoding="utf-8"),
    }
    for where, text in outputs.items():
        assert TOKEN not in text, f"the secret leaked into {where}"
    echo, wallet = json.loads(outputs["json"])["steps"]
    # /wallet/me answers 401 without an Authorization header: the bearer token went out.
    assert (wallet["name"], wallet["status"], wallet["passed"]) == ("Wallet with token", 200, True)
    # The server echoed the token, which every output shows only as its marker.
    assert echo["status"] == 404
    assert echo["url"].endswith("/rest/v1/echo/«secret:token»")
    assert "/rest/v1/echo/«secret:token»" in echo["error"]["description"]
    assert "«secret:token»" in outputs["stdout"] and "«secret:token»" in outputs["junit"]


# --- send ------------------------------------------------------------------------------------


def _demo_body(path: str) -> bytes:
    with DemoServer() as server:
        host, port = server.base_url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        try:
            connection.request("GET", path)
            return connection.getresponse().read()
        finally:
            connection.close()


def test_send_writes_the_body_byte_for_byte_to_stdout(tmp_path: Path, collection: Path) -> None:
    done = cli(tmp_path, "send", collection / "payments/get-payment-10145.request.yaml", "--demo")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == _demo_body("/rest/v1/payments/10145")
    assert b'"rate": 1.10' in done.stdout  # not re-encoded through floats
    assert done.stderr == b""


def test_send_include_writes_status_and_headers_to_stderr(tmp_path: Path, collection: Path) -> None:
    done = cli(
        tmp_path, "send", collection / "server/latin-1-text.request.yaml", "--demo", "--include"
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == "Café crème".encode("latin-1")  # not decoded and re-encoded
    status, *headers = done.stderr.decode().split("\n\n")[0].splitlines()
    assert status == "HTTP/1.1 200 OK"
    assert "Content-Type: text/plain; charset=iso-8859-1" in headers


def test_send_var_reaches_the_request(tmp_path: Path, collection: Path) -> None:
    request = _add_request(
        collection,
        "vars/payment.request.yaml",
        "name: A payment\nmethod: GET\nurl: /payments/{{pid}}\n",
    )
    done = cli(tmp_path, "send", request, "--demo", "--var", "pid=10147")
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["id"] == 10147


def test_send_filter_prints_what_jsonpath_or_jq_selects_exactly(
    tmp_path: Path, collection: Path
) -> None:
    request = collection / "payments/get-payment-10145.request.yaml"
    done = cli(tmp_path, "send", request, "--demo", "--filter", "$.rate")
    assert (done.returncode, done.stdout) == (0, b"$.rate: 1.10\n"), done.stderr.decode()
    done = cli(tmp_path, "send", request, "--demo", "--filter", "jq:{rate, id}")
    assert (done.returncode, done.stdout) == (0, b'{"rate":1.10,"id":10145}\n')
    done = cli(tmp_path, "send", request, "--demo", "--filter", "jq:.rate |")
    assert done.returncode == 2
    assert done.stderr.decode().startswith("api-explorer: jq: syntax error")
    done = cli(tmp_path, "send", request, "--demo", "--filter", "$.nothing")
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"api-explorer: no matches\n")
    text = collection / "server/latin-1-text.request.yaml"
    bundle = tmp_path / "text.apx"
    done = cli(tmp_path, "send", text, "--demo", "--filter", "$.a", "--bundle", bundle)
    assert (done.returncode, done.stdout) == (1, b"")
    assert b"could not be filtered" in done.stderr
    assert bundle.is_file()  # the request went out: its bundle is written all the same
    # A filter that cannot run on any response is said before anything is sent.
    create = collection / "payments/create-payment.request.yaml"
    done = cli(tmp_path, "send", create, "--demo", "--filter", "$[", "--bundle", bundle)
    assert done.returncode == 2 and b"not a valid JSONPath" in done.stderr
    assert b"wrote the reproduction bundle" not in done.stderr


def test_run_data_rows_reach_the_requests(tmp_path: Path, collection: Path) -> None:
    _add_request(
        collection,
        "vars/payment.request.yaml",
        "name: A payment\nmethod: GET\nurl: /payments/{{pid}}\nassert:\n  - status: 200\n",
    )
    data = tmp_path / "rows.csv"
    data.write_text("pid\n10145\n10147\n999999\n", encoding="utf-8")
    report = tmp_path / "report.json"
    done = cli(
        tmp_path,
        "run",
        collection,
        "vars",
        "--demo",
        "--data",
        data,
        "--reporter",
        f"json:{report}",
    )
    assert done.returncode == 1, done.stderr.decode()
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["iterations"] == 3
    steps = [(s["iteration"], s["url"].rsplit("/", 1)[1], s["status"]) for s in result["steps"]]
    assert steps == [(1, "10145", 200), (2, "10147", 200), (3, "999999", 404)]
    assert [line[:4] for line in done.stdout.decode().splitlines()][:3] == ["[1] ", "[2] ", "[3] "]


# --- no Qt -----------------------------------------------------------------------------------


def test_the_blocker_really_blocks_qt(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", NO_QT + "import PySide6.QtCore"],
        capture_output=True,
        timeout=30,
    )
    assert done.returncode != 0 and b"BLOCKED IMPORT PySide6" in done.stderr


def test_run_and_send_work_without_pyside6(tmp_path: Path, collection: Path) -> None:
    done = cli(tmp_path, "run", collection, "payments", "--env", "demo", "--demo", prelude=NO_QT)
    assert done.returncode == 0, done.stderr.decode()
    assert b"BLOCKED" not in done.stderr
    assert done.stdout.count(b"ok ") == len(_payment_files(collection))
    sent = cli(
        tmp_path,
        "send",
        collection / "payments/list-payments.request.yaml",
        "--demo",
        prelude=NO_QT,
    )
    assert sent.returncode == 0 and b"BLOCKED" not in sent.stderr
    assert sent.stdout == _demo_body("/rest/v1/payments?limit=5")


# --- start-up --------------------------------------------------------------------------------

# What a run loads only when it needs it (each costs milliseconds of every start; see the
# comments at their imports): JSONPath and regex for path and pattern assertions, the history
# database for the window. Reported on stderr, not blocked.
LAZY = """
import sys

class _Lazy:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("jsonpath", "regex", "sqlite3"):
            sys.stderr.write(f"LOADED {name}\\n")
        return None

sys.meta_path.insert(0, _Lazy())
"""


def test_a_run_that_checks_no_json_path_loads_no_jsonpath_regex_or_history(
    tmp_path: Path,
) -> None:
    root = tmp_path / "statuses"
    _add_request(root, "collection.yaml", "name: Statuses\n")
    _add_request(
        root,
        "time.request.yaml",
        "name: Time\nmethod: GET\nurl: '{{demo_url}}/rest/v1/server'\n"
        "assert:\n  - status: 200\n  - header: Content-Type\n    exists: true\n",
    )
    done = cli(tmp_path, "run", root, "--demo", "--iterations", "2", prelude=LAZY)
    assert done.returncode == 0, done.stderr.decode()
    assert b"LOADED" not in done.stderr, done.stderr.decode()

    _add_request(
        root,
        "time.request.yaml",
        "name: Time\nmethod: GET\nurl: '{{demo_url}}/rest/v1/server'\n"
        "assert:\n  - path: $.time\n    type: integer\n",
    )
    done = cli(tmp_path, "run", root, "--demo", prelude=LAZY)
    assert done.returncode == 0, done.stderr.decode()
    assert b"LOADED jsonpath" in done.stderr  # the blocker sees what it should


def test_without_a_display_the_window_says_so_in_a_sentence(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["API_EXPLORER_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, str(root / "main.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 2  # not Qt's abort (134)
    assert done.stderr.startswith("api-explorer: there is no display to open the window on")
