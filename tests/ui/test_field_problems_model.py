from typing import Any

from app.core.errors import DecodedError, ErrorItem, FieldProblem
from app.ui.field_problems_model import FieldProblemsModel


def _error(properties: int, errors: tuple[ErrorItem, ...] = ()) -> DecodedError:
    return DecodedError(
        400,
        "Bad Request",
        "",
        code="invalid_parameters",
        properties=tuple(FieldProblem(f"f{i}", f"Problem {i}.") for i in range(properties)),
        errors=errors,
    )


def test_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = FieldProblemsModel()
    model.set_error(_error(50, (ErrorItem("required", "Missing.", "currency"),)))
    qtmodeltester.check(model)


def test_rows_are_lazy_lines_with_the_errors_code() -> None:
    model = FieldProblemsModel()
    model.set_error(_error(200_000, (ErrorItem("min", "Problem 3.", "f3"),)))
    assert model.rowCount() == 200_000
    assert model.index(0, 0).data() == "f0: Problem 0."
    # The problem sent in both lists is shown once, with its code.
    assert model.index(199_999, 0).data() == "f3: Problem 3. (min)"


def test_a_long_or_spoofing_problem_is_bounded_and_visible() -> None:
    model = FieldProblemsModel()
    error = DecodedError(
        400, "", "", properties=(FieldProblem("amount\u202e", "x" * 10_000 + "\x00"),)
    )
    model.set_error(error)
    line = model.index(0, 0).data()
    assert line.startswith("amount\\u202e: xxx") and len(line) < 600
