"""Response > Save as example… and Compare with a saved example…: responses kept with a
request in the collection (``examples:`` in its file, secrets as ``{{name}}``), and the
active tab's response diffed against one of them (``DiffDialog``, side by side)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.core.collection import ResponseExample
from app.core.response import ResponseData
from app.services.comparing import compare_with_example, example_of
from app.services.session import Finished

if TYPE_CHECKING:
    from collections.abc import Mapping

    from app.ui.main_window import MainWindow

__all__ = ["ExampleActions"]


class ExampleActions(QObject):
    """Keeps the active tab's response as an example; compares it with one."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def _response(self) -> tuple[str, ResponseData, Mapping[str, str]] | None:
        """The active tab's id, its response and the secrets to keep out; ``None`` (said)
        when it has none."""
        window = self.window
        tab = window.active_tab()
        result = window.session.result(tab.id) if tab is not None else None
        if tab is None or not isinstance(result, Finished) or result.outcome.exchange is None:
            window.show_error("Send the request first: there is no response to use here.")
            return None
        exchange = result.outcome.exchange
        secrets = {**window.workspace.secret_values(), **result.outcome.secrets}
        return tab.id, exchange.response, secrets

    def save_example(self) -> None:
        """Ask a name, then keep the active tab's response as an example of its request."""
        found = self._response()
        if found is None:
            return
        tab_id, response, secrets = found
        window = self.window
        default = f"{response.status} {response.reason}".strip()
        name = window.prompts.ask_text("Save as example", "Name of the example:", default)
        if name is None:
            return
        if not name.strip():
            window.show_error("An example needs a name.")
            return
        example = example_of(response, name, secrets)
        if isinstance(example, str):
            window.show_error(f"Not saved as an example: {example}")
            return
        result = window.session.keep_example(tab_id, example)
        if result.message:
            window.statusBar().showMessage(result.message, 8000)

    def compare_with_example(self) -> None:
        """The active tab's response against one of its request's examples (asked which
        when there are several), in the differences window."""
        found = self._response()
        if found is None:
            return
        tab_id, response, secrets = found
        window = self.window
        tab = window.session.get(tab_id)
        examples = tab.current.examples if tab is not None else ()
        if tab is None or not examples:
            window.show_error(
                "This request has no saved examples: Response > Save as example… keeps one."
            )
            return
        example: ResponseExample | None = examples[0]
        if len(examples) > 1:
            names = [e.name for e in examples]
            chosen = window.prompts.choose(
                "Compare with a saved example", "Compare with:", names, names[-1]
            )
            example = next((e for e in examples if e.name == chosen), None)
        if example is None:
            return
        comparison = compare_with_example(example, response, secrets)
        request = tab.current
        window.show_diff(
            f"{request.name or request.url}: the response against the example {example.name}",
            comparison,
            window.area.request_key_of(tab),
            (f"Example: {example.name}", "This response"),
        )
