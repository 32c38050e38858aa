"""The ``api-explorer`` command: the window by default, ``run`` and ``send`` for terminals and CI.

``run`` and ``send`` never import PySide6: they work without a display and on machines with
no Qt at all. Both go through the same ``Pipeline`` as the window, so they send the same
bytes and reach the same verdicts.

Exit status of ``run`` and ``send``: 0 when every request got a response and every assertion
held; 1 when an assertion failed or a request got no response (or was refused); 2 for usage
and collection errors (a sentence on stderr, nothing sent).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from app.core.collection import CollectionNode, LoadedCollection
    from app.core.exchange import Exchange
    from app.services.pipeline import Outcome, Pipeline
    from app.services.runner import RunStep

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_COMMANDS = ("run", "send", "import", "export", "replay")
_DESCRIPTION = "A desktop client for JSON REST APIs that follow the Paysera conventions."
_EPILOG = """commands (without a display, for terminals and CI):
  api-explorer run COLLECTION [ITEM ...]   run a collection's requests and check their assertions
  api-explorer send REQUEST_FILE           send one saved request, the body to stdout
  api-explorer import SOURCE --into FOLDER  a Postman, Insomnia, HAR, OpenAPI, RAML or cURL
                                           file (or - for a cURL command on stdin) as a
                                           new collection
  api-explorer export COLLECTION [ITEM] --format curl|httpie|httpx|postman|har
                                           requests as snippets, a Postman v2.1 file, or
                                           what history recorded for them as HAR
  api-explorer replay BUNDLE [--env NAME]  send a reproduction bundle's request again and
                                           print how the response differs (exit 1 if it does)
Run "api-explorer COMMAND --help" for a command's options."""


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one sentence (its default is also 2)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


def _gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="api-explorer",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="a collection folder to open (default: the last one opened), or a reproduction "
        "bundle (*.apx) to open in a tab of its own beside the last collection",
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="start without the built-in demo API"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the window, send one request to the built-in demo API and exit: "
        "0 when a response arrived and its assertions held (checks an installed build)",
    )
    return parser


def _window_opens(path: Path | None) -> tuple[Path | None, Path | None]:
    """What the window's ``path`` names: ``(collection folder, bundle file)``. A file is a
    bundle when it is named ``*.apx`` or its bytes say so; ``ValueError`` (one sentence)
    for a file that is neither, or a missing ``*.apx``."""
    if path is None or path.is_dir():
        return path, None
    from app.formats.bundle import EXTENSION, sniff  # only now: a plain start goes without

    if path.suffix.lower() == EXTENSION:
        if not path.is_file():
            raise ValueError(f"{path} does not exist, so there is no reproduction bundle to open.")
        return None, path
    if not path.exists():
        return path, None  # said in the window, as a collection that is not there
    try:
        with path.open("rb") as handle:  # the head and tail are enough to sniff
            data = handle.read(4)
            handle.seek(max(4, path.stat().st_size - 256))
            data += handle.read()
    except OSError as exc:
        raise ValueError(f"{path} could not be read ({exc.strerror or exc}).") from None
    if not sniff(data, path.name):
        raise ValueError(
            f"{path} is neither a collection folder nor a reproduction bundle (*.apx), "
            "so there is nothing to open."
        )
    return None, path


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("api-explorer")
    except PackageNotFoundError:
        return "(version unknown: not installed as a package)"


def _variable(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f'"{text}" is not NAME=VALUE')
    return name.strip(), value


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", metavar="NAME", help="the environment to use (by name)")
    parser.add_argument(
        "--var",
        metavar="NAME=VALUE",
        type=_variable,
        action="append",
        default=[],
        help="a variable for this run; wins over every other value (repeatable)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=30.0,
        help="the longest one request may take (default: 30)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the built-in demo API for the run ({{demo_url}} is its address)",
    )
    parser.add_argument(
        "--allow-protected",
        action="store_true",
        help="on a protected environment, send requests other than GET/HEAD/OPTIONS too",
    )


def _run_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="api-explorer run",
        description="Run a collection's requests (all, or the folders and requests named) "
        "and check their assertions. One line per request goes to stdout, progress to stderr.",
        epilog="Secrets come from the system keyring, or from API_EXPLORER_SECRET_<NAME> "
        "(the variable's name upper-cased). Exit status: 0 all passed, 1 a request failed, "
        "2 usage or collection error.",
    )
    parser.add_argument("collection", type=Path, help="the collection folder")
    parser.add_argument(
        "items",
        nargs="*",
        metavar="ITEM",
        help="a folder or request inside the collection, e.g. payments or "
        "payments/list-payments.request.yaml (default: all, in the sidebar's order)",
    )
    _add_common(parser)
    runs = parser.add_mutually_exclusive_group()
    runs.add_argument(
        "--iterations", type=int, metavar="N", help="run everything N times (default: 1)"
    )
    runs.add_argument(
        "--data",
        type=Path,
        metavar="FILE",
        help="a .csv or .json file: one iteration per row, its columns as variables",
    )
    parser.add_argument("--bail", action="store_true", help="stop at the first failure")
    parser.add_argument(
        "--reporter",
        action="append",
        default=[],
        metavar="KIND:PATH",
        help="also write a report: junit:PATH (JUnit XML) or json:PATH (repeatable)",
    )
    return parser


def _send_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="api-explorer send",
        description="Send one saved request and write the response body to stdout, byte "
        "for byte. Its collection is the nearest folder above it with a collection.yaml.",
    )
    parser.add_argument("request_file", type=Path, help="a *.request.yaml file")
    _add_common(parser)
    parser.add_argument(
        "--include", action="store_true", help="also write the status and headers to stderr"
    )
    parser.add_argument(
        "--bundle",
        type=Path,
        metavar="FILE",
        help="also write a reproduction bundle (*.apx: the exchange as HAR, secrets taken "
        "out, with the environment, app version and correlation id) for someone to replay",
    )
    parser.add_argument("--note", default="", help="a note for the bundle (with --bundle)")
    parser.add_argument(
        "--filter",
        metavar="EXPR",
        help="print what a JSONPath (RFC 9535), or a jq program written jq:PROGRAM, selects "
        "in the JSON response instead of the body: PATH: VALUE per match, or one value per "
        "line for values jq builds, numbers exactly as sent",
    )
    return parser


_EXPORT_FORMATS = ("curl", "httpie", "httpx", "postman", "har")


def _export_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="api-explorer export",
        description="Write a collection's requests (all, or the folder or request named) as "
        "cURL, HTTPie or Python httpx snippets (variables resolved in the environment "
        "chosen, auth applied, secrets as {{name}}), as a Postman v2.1 collection, or what "
        "history recorded for them as HAR 1.2.",
        epilog="Exit status: 0 written, 1 some requests could not be exported (each said on "
        "stderr) or history holds nothing for them, 2 usage or collection error.",
    )
    parser.add_argument("collection", type=Path, help="the collection folder")
    parser.add_argument(
        "item",
        nargs="?",
        help="a folder or request inside it, e.g. payments or "
        "payments/list-payments.request.yaml (default: the whole collection)",
    )
    parser.add_argument("--format", required=True, choices=_EXPORT_FORMATS)
    parser.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    parser.add_argument(
        "--include-secrets",
        action="store_true",
        help="write secret values into the snippets instead of {{name}}",
    )
    _add_common(parser)
    return parser


def _export(
    options: argparse.Namespace, loaded: LoadedCollection, pipeline: Pipeline, *, base_url: str
) -> int:
    from app.formats import FormatError
    from app.services.exporting import export_postman, request_snippet
    from app.services.runner import RunError, select_requests
    from app.storage.fs import atomic_write

    kind = options.format
    failed = 0
    try:
        if kind == "postman":
            text = export_postman(loaded, Path(options.item) if options.item else None)
        else:
            nodes = select_requests(loaded, [options.item] if options.item else [])
            if kind == "har":
                har, failed = _history_har(nodes, pipeline, base_url, options.timeout)
                if har is None:
                    return _fail_with(EXIT_FAILED, "History holds no entries for these requests.")
                text = har
            else:
                pieces = []
                for node in nodes:
                    assert node.request is not None
                    source = node.path.as_posix()
                    try:
                        snippet = request_snippet(
                            pipeline,
                            node.request,
                            source,
                            kind,
                            base_url=base_url,
                            timeout_seconds=options.timeout,
                            include_secrets=options.include_secrets,
                        )
                    except ValueError as exc:
                        failed += 1
                        print(f"api-explorer: {source} was not exported: {exc}", file=sys.stderr)
                        continue
                    pieces.append(f"# {node.request.name} ({source})\n{snippet.rstrip()}\n")
                text = "\n".join(pieces)
    except (FormatError, RunError) as exc:
        return _fail(str(exc))
    if options.out is not None:
        try:
            atomic_write(options.out, text.encode("utf-8"))
        except OSError as exc:
            return _fail(f"{options.out} could not be written ({exc.strerror or exc}).")
    else:
        sys.stdout.write(text)
    return EXIT_FAILED if failed else EXIT_OK


def _history_har(
    nodes: Sequence[CollectionNode], pipeline: Pipeline, base_url: str, timeout: float
) -> tuple[str | None, int]:
    """HAR of what history recorded for ``nodes`` (same method, same URL before the query),
    newest first; ``None`` when it holds nothing for them."""
    from app.core.urls import url_without_query
    from app.services.exporting import history_har
    from app.services.pipeline import Refusal
    from app.storage.history import HistoryStore
    from app.storage.settings import data_dir

    wanted: set[tuple[str, str]] = set()
    failed = 0
    for node in nodes:
        assert node.request is not None
        plan = pipeline.plan(
            node.request,
            node.path.as_posix(),
            base_url=base_url,
            timeout_seconds=timeout,
            allow_protected=True,
        )
        if isinstance(plan, Refusal):
            failed += 1
            print(f"api-explorer: {node.path.as_posix()}: {plan.message}", file=sys.stderr)
            continue
        wanted.add((plan.prepared.method, url_without_query(plan.shown_url)))
    history = HistoryStore(data_dir())
    try:
        found = [
            summary.id
            for summary in history.search(limit=100_000)
            if (summary.method, url_without_query(summary.url)) in wanted
        ]
        entries = [e for e in (history.get(i) for i in found) if e is not None]
    finally:
        history.close()
    if not entries:
        return None, failed
    return history_har(entries, _version()), failed


def _replay_ignored() -> tuple[str, ...]:
    from app.services.comparing import REPLAY_IGNORED

    return REPLAY_IGNORED


def _replay_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="api-explorer replay",
        description="Send a reproduction bundle's request again (re-signed, its {{secrets}} "
        "resolved in the environment given) and print how the new response differs from "
        "the recorded one, JSON-aware: by path, keys in any order, numbers exactly.",
        epilog="Exit status: 0 the same, 1 it differs, 2 the bundle cannot be read or the "
        "request not sent. Left out of the comparison: Date, Content-Length, "
        + ", ".join(p.split(":", 1)[1] for p in _replay_ignored())
        + ", and every --ignore.",
    )
    parser.add_argument("bundle", type=Path, help="a *.apx file (Share reproduction…)")
    parser.add_argument(
        "--collection",
        type=Path,
        metavar="FOLDER",
        help="the collection whose environments (--env) resolve the request's variables",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="PATH",
        help="leave a path out: $.created_at, $.items[*].id, $..timestamp or header:Name "
        "(repeatable)",
    )
    _add_common(parser)
    return parser


async def _replay(options: argparse.Namespace) -> int:
    from app.core.json_diff import IgnoreRules, render
    from app.core.response import ResponseData
    from app.formats import FormatError
    from app.formats.bundle import read_bundle, replay_request
    from app.services.comparing import replay_diff
    from app.services.pipeline import Pipeline
    from app.services.workspace import Workspace
    from app.storage.collection_store import load_collection
    from app.storage.secrets import EnvironmentSecretStore, SecretStore, open_secret_store
    from app.storage.settings import data_dir

    try:
        IgnoreRules.parse(options.ignore)  # a pattern it cannot read: said before sending
    except ValueError as exc:
        return _fail(str(exc))
    try:
        data = options.bundle.read_bytes()
    except OSError as exc:
        return _fail(f"{options.bundle} could not be read ({exc.strerror or exc}).")
    try:
        bundle = read_bundle(data)
        request = replay_request(bundle)
    except FormatError as exc:
        return _fail(str(exc))
    recorded = bundle.exchange
    if recorded.status is None:
        return _fail("The bundle recorded no response to compare with.")

    def keyring_store() -> SecretStore:
        store, _notice = open_secret_store(data_dir())
        return store

    server = None
    app_variables: dict[str, str] = {}
    if options.demo:
        from app.demo import DemoServer

        server = DemoServer()
        server.start()
        app_variables["demo_url"] = server.base_url
    secrets = EnvironmentSecretStore(os.environ, keyring_store)
    workspace = Workspace(app_variables=app_variables, secret_store=lambda: secrets)
    try:
        if options.collection is not None:
            workspace.set_collection(load_collection(options.collection))
        if options.env is not None and workspace.select_environment(options.env) is None:
            return _fail(f'There is no environment "{options.env}": give --collection with it.')
        workspace.overrides = dict(options.var)
        pipeline = Pipeline(workspace)
        try:
            outcome = await pipeline.run(
                request,
                None,
                timeout_seconds=options.timeout,
                allow_protected=options.allow_protected,
            )
        finally:
            await pipeline.aclose()
    finally:
        if server is not None:
            server.stop()
    if outcome.exchange is None:
        return _fail(f"The request was not replayed: {outcome.message}")
    old = ResponseData(
        recorded.status,
        recorded.reason,
        tuple(recorded.headers),
        recorded.body,
        recorded.elapsed_ms or 0.0,
    )
    difference = replay_diff(old, outcome.exchange.response, outcome.secrets, options.ignore)
    print(render(difference))
    return EXIT_FAILED if difference.differences else EXIT_OK


def _fail_with(status: int, message: str) -> int:
    print(f"api-explorer: {message}", file=sys.stderr)
    return status


def _import_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="api-explorer import",
        description="Make a new collection from a Postman collection or environment, an "
        "Insomnia export, a HAR file, an OpenAPI or Swagger description, a RAML 1.0 "
        "definition (the root file, beside its includes) or a cURL command. The format is "
        "detected. What could not come across is listed on stdout.",
        epilog="Secret values found (tokens, passwords, secret variables) go to the system "
        "keyring, never into the files. Exit status: 0 imported, 2 not a format this app "
        "reads, a broken file, or FOLDER not empty (nothing is written then).",
    )
    parser.add_argument("source", help="the file to import, or - to read a cURL command from stdin")
    parser.add_argument(
        "--into", type=Path, required=True, metavar="FOLDER", help="a new or empty folder"
    )
    parser.add_argument("--name", help="the collection's name (default: the import's own)")
    return parser


def _import(options: argparse.Namespace) -> int:
    from app.formats import FormatError
    from app.services.importing import read_import, write_imported
    from app.storage.collection_store import CollectionWriteError
    from app.storage.secrets import SecretStore, open_secret_store
    from app.storage.settings import data_dir

    try:
        if options.source == "-":
            imported = read_import(data=sys.stdin.buffer.read())
        else:
            imported = read_import(Path(options.source))
    except FormatError as exc:
        return _fail(str(exc))

    def secret_store() -> SecretStore:
        store, notice = open_secret_store(data_dir())
        if notice:
            print(f"api-explorer: {notice}", file=sys.stderr)
        return store

    try:
        written = write_imported(
            imported, options.into, name=options.name, secret_store=secret_store
        )
    except CollectionWriteError as exc:
        return _fail(str(exc))
    requests = f"{written.requests} request{'s' * (written.requests != 1)}"
    folders = f"{written.folders} folder{'s' * (written.folders != 1)}"
    environments = len(imported.environments)
    print(
        f"Imported {imported.format} into {written.folder}: {requests} in {folders}, "
        f"{environments} environment{'s' * (environments != 1)}."
    )
    if written.secrets_stored:
        print(
            "Secret values stored in this computer's secret store (not in the files): "
            + ", ".join(written.secrets_stored)
            + "."
        )
    if written.report:
        print(f"Not carried over or changed ({len(written.report)}):")
        for line in written.report:
            print(f"  {line.where}: {line.what}")
    return EXIT_OK


def _fail(message: str) -> int:
    print(f"api-explorer: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``api-explorer`` command."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "import":
        return _import(_import_parser().parse_args(args[1:]))
    if args and args[0] == "replay":
        try:
            return asyncio.run(_replay(_replay_parser().parse_args(args[1:])))
        except KeyboardInterrupt:
            print("api-explorer: interrupted.", file=sys.stderr)
            return 130
    if args and args[0] in _COMMANDS:
        command = args.pop(0)
        parsers = {"run": _run_parser, "send": _send_parser, "export": _export_parser}
        parser = parsers[command]()
        options = parser.parse_args(args)
        try:
            return asyncio.run(_command(command, options))
        except KeyboardInterrupt:
            print("api-explorer: interrupted.", file=sys.stderr)
            return 130
    options = _gui_parser().parse_args(args)
    if options.self_test:
        from app.self_test import self_test

        return self_test()
    try:
        collection, bundle = _window_opens(options.path)
    except ValueError as exc:
        return _fail(str(exc))
    missing = _no_display()
    if missing:
        return _fail(missing)
    from app.launch import run_window

    return run_window(collection=collection, bundle=bundle, demo=not options.no_demo)


def _no_display() -> str:
    """A sentence when the window has nowhere to show (Qt would abort with exit 134)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return ""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    return (
        "there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY "
        "is set). Run it in a desktop session, under xvfb-run, or use the commands that "
        "need none: api-explorer run, send, import, export (see --help)."
    )


# --- run and send ----------------------------------------------------------------------------


def _reporters(specs: Sequence[str]) -> list[tuple[str, Path]]:
    reporters = []
    for spec in specs:
        kind, sep, path = spec.partition(":")
        if not sep or kind not in ("junit", "json") or not path:
            raise ValueError(f'"{spec}" is not a reporter: use junit:PATH or json:PATH.')
        reporters.append((kind, Path(path)))
    return reporters


def _collection_root(request_file: Path) -> Path:
    """The nearest folder above ``request_file`` holding a ``collection.yaml``, else the
    file's own folder."""
    start = request_file.resolve().parent
    for folder in (start, *start.parents):
        if (folder / "collection.yaml").is_file():
            return folder
    return start


async def _command(command: str, options: argparse.Namespace) -> int:
    from app.services.pipeline import Pipeline
    from app.services.workspace import Workspace
    from app.storage.collection_store import load_collection
    from app.storage.secrets import (
        EnvironmentSecretStore,
        SecretStore,
        open_secret_store,
        secret_env_name,
    )
    from app.storage.settings import data_dir

    if command in ("run", "export"):
        root = options.collection
        if not root.is_dir():
            return _fail(f"{root} is not a folder: give the folder of a collection.")
    else:
        request_file = options.request_file
        if not request_file.is_file():
            return _fail(f"{request_file} is not a file: give a saved *.request.yaml file.")
        root = _collection_root(request_file)
    loaded = load_collection(root)
    if command != "send" and loaded.tree.problem is not None and not loaded.tree.children:
        return _fail(f"The collection in {root} could not be read: {loaded.tree.problem}")

    def keyring_store() -> SecretStore:
        store, _notice = open_secret_store(data_dir())
        return store

    secrets = EnvironmentSecretStore(os.environ, keyring_store)
    app_variables: dict[str, str] = {}
    server = None
    if options.demo:
        from app.demo import DemoServer

        server = DemoServer()
        server.start()
        app_variables["demo_url"] = server.base_url
    workspace = Workspace(app_variables=app_variables, secret_store=lambda: secrets)
    workspace.set_collection(loaded)
    if options.env is not None and workspace.select_environment(options.env) is None:
        names = ", ".join(e.name for e in loaded.environments) or "none"
        if server is not None:
            server.stop()
        return _fail(
            f'The collection "{loaded.name}" has no environment "{options.env}" (it has: {names}).'
        )
    env = workspace.environment
    if env is not None:
        known = workspace.secret_values(env)
        for variable in env.variables:
            if variable.secret and variable.enabled and variable.name not in known:
                print(
                    f'api-explorer: the secret "{variable.name}" of environment "{env.name}" '
                    f"has no value here: set {secret_env_name(variable.name)} or save it "
                    "in the window; requests that use it are not sent.",
                    file=sys.stderr,
                )
    pipeline = Pipeline(workspace)
    # The window's Base URL field with the demo: what a request without one is joined to.
    base_url = f"{server.base_url}/rest/v1" if server is not None else ""
    try:
        if command == "run":
            return await _run(options, loaded, pipeline, base_url=base_url)
        if command == "export":
            return _export(options, loaded, pipeline, base_url=base_url)
        return await _send(options, loaded, pipeline, request_file.resolve(), base_url=base_url)
    finally:
        await pipeline.aclose()
        if server is not None:
            server.stop()


async def _run(
    options: argparse.Namespace, loaded: LoadedCollection, pipeline: Pipeline, *, base_url: str
) -> int:
    from app.services.run_reports import json_report, junit_xml, step_lines, summary_line
    from app.services.runner import CollectionRunner, RunError, read_data_file, select_requests
    from app.storage.fs import atomic_write

    # Everything loaded by now lives as long as the process: keep it out of the cyclic GC's
    # full collections, which would walk all of it again (a 1,000-request run makes one, 20
    # to 26 ms of CPU; a plain httpx script, with a third fewer objects, makes none).
    gc.freeze()
    try:
        reporters = _reporters(options.reporter)
        requests = select_requests(loaded, options.items)
        data = read_data_file(options.data) if options.data is not None else None
    except (ValueError, RunError) as exc:
        return _fail(str(exc))
    if options.iterations is not None and options.iterations < 1:
        return _fail("--iterations must be 1 or more.")
    if options.timeout <= 0:
        return _fail("--timeout must be more than 0 seconds.")
    for problem in loaded.problems:
        print(f"api-explorer: warning: {problem}", file=sys.stderr)
    if not requests:
        return _fail(f'There are no requests to run in "{loaded.name}".')
    iterations = len(data) if data is not None else options.iterations or 1
    env = pipeline.workspace.environment
    print(
        f"Running {len(requests)} request{'s' if len(requests) != 1 else ''} of "
        f'"{loaded.name}"'
        + (f' against "{env.name}"' if env else "")
        + (f", {iterations} iterations" if iterations != 1 else "")
        + "…",
        file=sys.stderr,
    )

    def on_step(step: RunStep) -> None:
        for line in step_lines(step, show_iteration=iterations > 1):
            print(line)
        sys.stdout.flush()

    report = await CollectionRunner(pipeline).run(
        requests,
        iterations=options.iterations or 1,
        data=data,
        variables=dict(options.var),
        base_url=base_url,
        timeout_seconds=options.timeout,
        allow_protected=options.allow_protected,
        bail=options.bail,
        on_step=on_step,
    )
    print(summary_line(report), file=sys.stderr)
    for kind, path in reporters:
        text = junit_xml(report) if kind == "junit" else json_report(report)
        try:
            atomic_write(path, text.encode("utf-8"))
        except OSError as exc:
            print(
                f"api-explorer: the {kind} report could not be written to {path} "
                f"({exc.strerror or exc}).",
                file=sys.stderr,
            )
            return EXIT_USAGE
        print(f"Wrote the {kind} report to {path}.", file=sys.stderr)
    return EXIT_OK if report.passed else EXIT_FAILED


async def _send(
    options: argparse.Namespace,
    loaded: LoadedCollection,
    pipeline: Pipeline,
    request_file: Path,
    *,
    base_url: str,
) -> int:
    from app.core.collection import NodeKind
    from app.core.variables import redact
    from app.services.run_reports import failure_messages

    relative = request_file.relative_to(loaded.root.resolve())
    node = loaded.find(relative)
    if node is None or node.kind is NodeKind.BROKEN or node.request is None:
        problem = node.problem if node is not None else "it is not a saved request"
        return _fail(f"{request_file} could not be read: {problem}")
    if options.filter is not None:
        from app.services.filtering import FilterSyntaxError, check_filter

        try:
            check_filter(options.filter)  # said before anything is sent
        except FilterSyntaxError as exc:
            return _fail(str(exc))
    pipeline.workspace.overrides = dict(options.var)
    outcome = await pipeline.run(
        node.request,
        relative.as_posix(),
        base_url=base_url,
        timeout_seconds=options.timeout,
        allow_protected=options.allow_protected,
    )
    exchange = outcome.exchange
    filtered: int | None = None
    if exchange is not None:
        response = exchange.response
        if options.include:
            print(f"{response.http_version} {response.status} {response.reason}", file=sys.stderr)
            for name, value in response.headers:
                print(f"{name}: {redact(value, outcome.secrets)}", file=sys.stderr)
            print(file=sys.stderr)
        if options.filter is None:
            sys.stdout.buffer.write(response.body)
            sys.stdout.flush()
        else:
            filtered = _print_filtered(options.filter, exchange)
    for message in failure_messages(outcome):
        print(f"api-explorer: {message}", file=sys.stderr)
    if options.bundle is not None:  # whatever the filter found: the request was sent
        written = _write_bundle(options, pipeline, outcome)
        if written is not None:
            return written
    if filtered is not None:
        return filtered
    return EXIT_OK if outcome.passed else EXIT_FAILED


def _print_filtered(expression: str, exchange: Exchange) -> int | None:
    """Print what ``--filter`` selects; an exit status when it could not run."""
    from app.services.filtering import (
        FilterError,
        document_text,
        filter_json,
        jq_body,
        results_text,
        split_language,
    )

    if not exchange.is_json:
        problem = (exchange.json_problem or "it is not JSON").rstrip(".")
        return _fail_with(EXIT_FAILED, f"The response could not be filtered: {problem}.")
    language, program = split_language(expression)
    body = jq_body(exchange)
    if body is None:
        body = document_text(exchange.document)
    try:
        filtered = filter_json(language, program, exchange.document, body)
    except FilterError as exc:
        return _fail_with(EXIT_FAILED, str(exc))
    if filtered.matches:
        print(results_text(filtered))
    else:
        print("api-explorer: no matches", file=sys.stderr)
    if filtered.note:
        print(f"api-explorer: {filtered.note}", file=sys.stderr)
    return None


def _write_bundle(options: argparse.Namespace, pipeline: Pipeline, outcome: Outcome) -> int | None:
    """Write ``outcome`` as the bundle ``--bundle`` names; an exit status when that failed."""
    from app.formats import FormatError
    from app.services.exporting import bundle_of, outcome_as_har
    from app.storage.fs import atomic_write

    entry = outcome_as_har(outcome)
    if entry is None:
        return _fail_with(EXIT_FAILED, "Nothing was sent, so no bundle was written.")
    environment = pipeline.workspace.environment
    try:
        data = bundle_of(
            entry,
            # Every secret of the environment, not only those this request used.
            secrets={**pipeline.workspace.secret_values(), **outcome.secrets},
            marked=(),
            environment=environment.name if environment is not None else None,
            note=options.note,
            version=_version(),
        )
        atomic_write(options.bundle, data)
    except FormatError as exc:
        return _fail_with(EXIT_FAILED, f"The bundle was not written: {exc}")
    except OSError as exc:
        return _fail_with(EXIT_FAILED, f"{options.bundle} could not be written ({exc.strerror}).")
    print(f"api-explorer: wrote the reproduction bundle {options.bundle}", file=sys.stderr)
    return None
