"""Running a collection (or some of its folders and requests) from start to end, without Qt.

``select_requests`` picks what runs, in the sidebar's order; ``read_data_file`` turns a CSV
or JSON file into one row of variables per iteration; ``CollectionRunner`` sends each
request of each iteration through the same ``Pipeline`` as the window and reports every
``RunStep`` as it ends. What a person or CI reads of a run is ``app.services.run_reports``.

Exceptions::

    Exception
     └── RunError   the run cannot start (unknown item, broken file, bad data file);
                    ``str()`` is the sentence for the user, nothing was sent
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from app.core.collection import CollectionNode, LoadedCollection, NodeKind, SavedRequest
from app.core.json_doc import json_value_text, parse_json_exact
from app.services.pipeline import Outcome, Pipeline, Refusal, SendPlan

__all__ = [
    "CollectionRunner",
    "RunError",
    "RunReport",
    "RunStep",
    "read_data_file",
    "select_requests",
]

# A data file drives iterations of a run; anything this large is a mistake, not data.
MAX_DATA_FILE_BYTES = 50 * 1024 * 1024
_REQUEST_SUFFIX = ".request.yaml"


class RunError(Exception):
    """The run cannot start; ``str(exc)`` says why and what to do."""


def _node_for(loaded: LoadedCollection, item: str) -> CollectionNode | None:
    text = item.strip().replace("\\", "/").strip("/")
    if text in ("", "."):
        return loaded.tree
    parts = PurePosixPath(text).parts
    if ".." in parts:
        return None
    node = loaded.find(Path(*parts))
    if node is None and not text.endswith(_REQUEST_SUFFIX):
        node = loaded.find(Path(text + _REQUEST_SUFFIX))
    if node is None:
        # A name as shown in the sidebar ("Payments/List payments") also works.
        node = loaded.tree
        for name in parts:
            found = next((c for c in node.children if c.name.casefold() == name.casefold()), None)
            if found is None:
                return None
            node = found
    return node


def select_requests(loaded: LoadedCollection, items: Sequence[str]) -> list[CollectionNode]:
    """The request nodes ``items`` name (folder or request paths inside the collection, or
    their names as shown in the sidebar), each once, in the sidebar's order; every request
    when ``items`` is empty. Raises ``RunError`` for an item that is not there and for a
    chosen request file that failed to load."""
    chosen: list[CollectionNode] = []
    for item in items or (".",):
        node = _node_for(loaded, item)
        if node is None:
            raise RunError(
                f'"{item}" is not a folder or request of the collection "{loaded.name}". '
                "Give a path inside the collection, such as payments or "
                "payments/list-payments.request.yaml."
            )
        chosen.append(node)
    wanted = {n.path for top in chosen for n in top.walk()}
    selected = [n for n in loaded.tree.walk() if n.path in wanted]
    broken = [n for n in selected if n.kind is NodeKind.BROKEN]
    if broken:
        problems = "; ".join(str(n.problem) for n in broken)
        raise RunError(f"Nothing was run: a request file could not be read. {problems}")
    return [n for n in selected if n.kind is NodeKind.REQUEST]


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json_value_text(value)


def read_data_file(path: Path) -> list[dict[str, str]]:
    """One dict of variables per iteration from a CSV file (a header row names the columns)
    or a JSON file (an array of objects; numbers keep their exact text, nested values
    become their JSON text). Raises ``RunError`` with the reason."""
    try:
        size = path.stat().st_size
        if size > MAX_DATA_FILE_BYTES:
            raise RunError(
                f"The data file {path} is {size // (1024 * 1024)} MB; the limit is "
                f"{MAX_DATA_FILE_BYTES // (1024 * 1024)} MB."
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise RunError(f"The data file {path} could not be read ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RunError(f"The data file {path} is not UTF-8 text.") from None
    if path.suffix.lower() == ".json":
        try:
            document = parse_json_exact(text)
        except ValueError as exc:
            raise RunError(f"The data file {path} is not valid JSON: {exc}") from None
        if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
            raise RunError(
                f"The data file {path} must hold an array of objects, one per iteration, "
                'like [{"id": 1}, {"id": 2}].'
            )
        rows = [{str(k): _cell_text(v) for k, v in row.items()} for row in document]
    elif path.suffix.lower() != ".csv":
        raise RunError(f"The data file {path} must be a .csv or a .json file.")
    else:
        try:
            # strict: a stray or unclosed quote is an error, not a silently changed value.
            reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
            rows = [{k: v or "" for k, v in row.items() if k} for row in reader]
        except csv.Error as exc:
            raise RunError(f"The data file {path} is not valid CSV: {exc}.") from None
        if not reader.fieldnames:
            raise RunError(f"The data file {path} has no header row naming its columns.")
    if not rows:
        # Zero iterations would send nothing and pass.
        raise RunError(f"The data file {path} has no rows: give one row per iteration.")
    return rows


@dataclass(frozen=True, slots=True)
class RunStep:
    """One request of one iteration, ended. ``folder`` is the request's folder path inside
    the collection (``""`` at the top); ``iteration`` counts from 1."""

    iteration: int
    path: str
    folder: str
    name: str
    outcome: Outcome
    elapsed_ms: float

    @property
    def passed(self) -> bool:
        return self.outcome.passed


@dataclass(slots=True)
class RunReport:
    """A whole run: what ran, against which environment, and how each step ended."""

    collection: str
    environment: str | None
    iterations: int
    steps: list[RunStep] = field(default_factory=list)
    started_at: float = field(default_factory=time.time)
    duration_ms: float = 0.0
    bailed: bool = False

    @property
    def passed(self) -> bool:
        return all(step.passed for step in self.steps)

    @property
    def failed_steps(self) -> list[RunStep]:
        return [step for step in self.steps if not step.passed]


@dataclass(frozen=True, slots=True)
class _Place:
    """A request node's request, its path in the collection and its folder's path."""

    request: SavedRequest
    source: str
    folder: str

    @classmethod
    def of(cls, node: CollectionNode) -> _Place:
        assert node.request is not None
        parent = node.path.parent.as_posix()
        return cls(node.request, node.path.as_posix(), "" if parent == "." else parent)


class CollectionRunner:
    """Runs requests of the pipeline's collection, one after another."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    async def run(
        self,
        requests: Sequence[CollectionNode],
        *,
        iterations: int = 1,
        data: Sequence[Mapping[str, str]] | None = None,
        variables: Mapping[str, str] | None = None,
        base_url: str = "",
        timeout_seconds: float = 30.0,
        allow_protected: bool = False,
        bail: bool = False,
        on_step: Callable[[RunStep], None] | None = None,
    ) -> RunReport:
        """Send ``requests`` once per iteration: ``iterations`` times, or once per row of
        ``data`` (its columns are variables, below ``variables``). ``bail`` stops at the
        first step that does not pass.

        A request is planned (resolved, checked, prepared) once for as long as the variables
        stay the same, so iterations without a data file send the same bytes without working
        them out again (about 0.04 ms a request); each send is still signed afresh (a MAC
        gets a new timestamp and nonce). So the workspace must not change during a run but
        through these variables, as it does not on the command line."""
        pipeline = self.pipeline
        workspace = pipeline.workspace
        collection = workspace.collection
        env = workspace.environment
        rows: Sequence[Mapping[str, str]] = data if data is not None else [{}] * iterations
        report = RunReport(
            collection=collection.name if collection else "",
            environment=env.name if env else None,
            iterations=len(rows),
        )
        places = [_Place.of(node) for node in requests]
        plans: dict[int, SendPlan | Refusal] = {}
        started = time.perf_counter()
        try:
            for number, row in enumerate(rows, start=1):
                overrides = {**row, **(variables or {})}
                if overrides != workspace.overrides:
                    plans.clear()
                workspace.overrides = overrides
                for index, place in enumerate(places):
                    step_started = time.perf_counter()
                    plan = plans.get(index)
                    if plan is None:
                        plan = plans[index] = pipeline.plan(
                            place.request,
                            place.source,
                            base_url=base_url,
                            timeout_seconds=timeout_seconds,
                            allow_protected=allow_protected,
                        )
                    outcome = await pipeline.run_plan(plan)
                    step = RunStep(
                        iteration=number,
                        path=place.source,
                        folder=place.folder,
                        name=place.request.name,
                        outcome=outcome,
                        elapsed_ms=(time.perf_counter() - step_started) * 1000,
                    )
                    report.steps.append(step)
                    if on_step is not None:
                        on_step(step)
                    if bail and not step.passed:
                        report.bailed = True
                        return report
        finally:
            workspace.overrides = {}
            report.duration_ms = (time.perf_counter() - started) * 1000
        return report
