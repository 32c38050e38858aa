"""What a person and CI read of a collection run: terminal lines, JUnit XML and JSON.

Every text here passes through ``redact`` with the secret values the request used, so no
secret value reaches a terminal or a report, even when a server echoes it back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from app.core.variables import redact
from app.services.pipeline import Outcome, OutcomeKind
from app.services.runner import RunReport, RunStep

__all__ = ["failure_messages", "json_report", "junit_xml", "step_lines", "summary_line"]

# A terminal line or report field holds at most this much of a server's text.
_MAX_TEXT = 300


# Characters XML 1.0 cannot carry at all, not even escaped: a server may send them. Spelled
# as what is excluded (everything outside Char, spec section 2.2) rather than as the negation
# of Char: the same set, but compiled in 1 ms instead of 12 ms on every start of the command.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# What a terminal would obey (escapes, bells) or print() cannot encode (lone surrogates).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Lone surrogates (a server's "\\ud800") as JSON escapes: the report stays valid UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _clip(text: str, limit: int = _MAX_TEXT) -> str:
    text = _UNPRINTABLE.sub("\ufffd", " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe(text: str, secrets: Mapping[str, str]) -> str:
    return _clip(redact(text, secrets))


def _status(outcome: Outcome) -> str:
    if outcome.exchange is not None:
        response = outcome.exchange.response
        return f"{response.status} {response.reason}".strip()
    return "NOT SENT" if outcome.kind is OutcomeKind.REFUSED else "NO RESPONSE"


def _error_text(outcome: Outcome) -> str | None:
    """The decoded Paysera error in one line: code, description, correlation id."""
    error = outcome.exchange.error if outcome.exchange is not None else None
    if error is None or not (error.code or error.description):
        return None
    parts = [f"error {error.code}" if error.code else "error"]
    if error.description:
        parts[0] += f": {error.description}"
    if error.correlation_id:
        parts.append(f"correlation id {error.correlation_id}")
    return " — ".join(parts)


def failure_messages(outcome: Outcome) -> list[str]:
    """Why a step did not pass, one sentence each, secrets redacted (empty when it passed)."""
    secrets = outcome.secrets
    if outcome.kind is not OutcomeKind.RESPONDED:
        return [_safe(outcome.message, secrets)]
    messages = [_safe(r.describe(), secrets) for r in outcome.assertions if not r.passed]
    error = _error_text(outcome)
    if messages and error:
        messages.append(_safe(error, secrets))
    return messages


def step_lines(step: RunStep, *, show_iteration: bool = False) -> list[str]:
    """The line a step prints (method, name, status, time) and, when it did not pass, one
    indented line per reason: the failed assertion with expected and actual, the decoded
    Paysera error, or why nothing came back."""
    outcome = step.outcome
    secrets = outcome.secrets
    method = outcome.request.method if outcome.request is not None else "-"
    prefix = f"[{step.iteration}] " if show_iteration else ""
    verdict = "ok" if step.passed else "FAIL"
    elapsed = outcome.exchange.response.elapsed_ms if outcome.exchange is not None else None
    timing = f"{elapsed:.0f} ms" if elapsed is not None else "-"
    name = _safe(step.name, secrets)
    status = _safe(_status(outcome), secrets)  # the reason phrase is the server's text
    line = f"{prefix}{verdict:<4} {method:<7} {name:<40} {status:<24} {timing:>8}"
    lines = [line.rstrip()]
    if not step.passed:
        lines += [f"       {message}" for message in failure_messages(outcome)]
    return lines


def summary_line(report: RunReport) -> str:
    steps = report.steps
    failed = len(report.failed_steps)
    iterations = f"{report.iterations} iteration{'s' if report.iterations != 1 else ''}"
    tail = " (stopped at the first failure: --bail)" if report.bailed else ""
    return (
        f"{len(steps)} request{'s' if len(steps) != 1 else ''} in {iterations}, "
        f"{len(steps) - failed} passed, {failed} failed, "
        f"in {report.duration_ms / 1000:.2f} s{tail}."
    )


def _step_data(step: RunStep) -> dict[str, Any]:
    outcome = step.outcome
    secrets = outcome.secrets
    exchange = outcome.exchange
    error = exchange.error if exchange is not None else None
    return {
        "iteration": step.iteration,
        "path": step.path,
        "folder": step.folder,
        "name": redact(step.name, secrets),
        "method": outcome.request.method if outcome.request is not None else None,
        "url": redact(outcome.request.url, secrets) if outcome.request is not None else None,
        "outcome": outcome.kind.value,
        "passed": step.passed,
        "status": exchange.response.status if exchange is not None else None,
        "reason": redact(exchange.response.reason, secrets) if exchange is not None else None,
        "time_ms": round(exchange.response.elapsed_ms, 3) if exchange is not None else None,
        "message": redact(outcome.message, secrets) or None,
        "error": None
        if error is None
        else {
            "code": redact(error.code, secrets) if error.code else error.code,
            "description": redact(error.description or "", secrets) or None,
            "correlation_id": (
                redact(error.correlation_id, secrets) if error.correlation_id else None
            ),
        },
        "assertions": [
            {
                "assertion": redact(r.assertion.describe(), secrets),
                "passed": r.passed,
                "expected": redact(r.expected, secrets),
                "actual": redact(r.actual, secrets),
                "message": redact(r.describe(), secrets),
            }
            for r in outcome.assertions
        ],
    }


def json_report(report: RunReport) -> str:
    """Every step of the run as JSON (UTF-8, one object), for tools to read."""
    data = {
        "collection": report.collection,
        "environment": report.environment,
        "iterations": report.iterations,
        "started_at": report.started_at,
        "duration_ms": round(report.duration_ms, 3),
        "passed": report.passed,
        "bailed": report.bailed,
        "summary": {
            "requests": len(report.steps),
            "passed": len(report.steps) - len(report.failed_steps),
            "failed": len(report.failed_steps),
        },
        "steps": [_step_data(step) for step in report.steps],
    }
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def junit_xml(report: RunReport) -> str:
    """JUnit XML: one testsuite per folder, one testcase per request and iteration; a step
    that did not pass has a ``<failure>`` whose message is its first reason."""
    # Imported here: about 3 ms of every start of the command, for the runs that write JUnit.
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name=_xml(report.collection))
    suites: dict[str, ET.Element] = {}
    counts: dict[str, list[float]] = {}
    for step in report.steps:
        folder = step.folder or "(collection)"
        suite = suites.get(folder)
        if suite is None:
            suite = suites[folder] = ET.SubElement(root, "testsuite", name=_xml(folder))
            counts[folder] = [0, 0, 0.0]
        secrets = step.outcome.secrets
        name = redact(step.name, secrets)
        if report.iterations > 1:
            name = f"{name} [iteration {step.iteration}]"
        case = ET.SubElement(
            suite,
            "testcase",
            name=_xml(name),
            classname=_xml(f"{report.collection}.{folder}"),
            time=f"{step.elapsed_ms / 1000:.3f}",
            file=step.path,
        )
        tally = counts[folder]
        tally[0] += 1
        tally[2] += step.elapsed_ms / 1000
        if not step.passed:
            tally[1] += 1
            reasons = failure_messages(step.outcome)
            message = _xml(reasons[0]) if reasons else ""
            failure = ET.SubElement(case, "failure", message=message)
            failure.text = _xml("\n".join(reasons))
    total = failed = 0
    for folder, suite in suites.items():
        tests, failures, seconds = counts[folder]
        suite.set("tests", str(int(tests)))
        suite.set("failures", str(int(failures)))
        suite.set("errors", "0")
        suite.set("time", f"{seconds:.3f}")
        total += int(tests)
        failed += int(failures)
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    root.set("time", f"{report.duration_ms / 1000:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
