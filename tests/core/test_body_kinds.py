"""Form, multipart, file and GraphQL bodies in core: resolving their variables and the exact
bytes prepare makes (multipart and file bodies are read later, outside core)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.core.collection import Defaults, SavedRequest, Variable
from app.core.prepare import (
    FORM_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    RequestNotSendable,
    prepare_request,
)
from app.core.request import BodyMode, FormField, KeyValue, RequestSpec
from app.core.variables import Scope, VariableContext, resolve_request

URL = "https://api.test/graphql"


def spec(mode: BodyMode, body: str = "", **kwargs: object) -> RequestSpec:
    return RequestSpec("POST", URL, body=body, body_mode=mode, **kwargs)  # type: ignore[arg-type]


def refusal(request: RequestSpec) -> str:
    with pytest.raises(RequestNotSendable) as caught:
        prepare_request(request)
    return str(caught.value)


# --- urlencoded forms --------------------------------------------------------------------------


def test_a_form_is_urlencoded_utf8_with_its_content_type() -> None:
    fields = (
        FormField("amount", "10.12"),
        FormField("note", "Jūratė & co = 100%"),
        FormField("skipped", "x", enabled=False),
        FormField("", ""),  # the empty row left behind: not a field
        FormField("empty", ""),
    )
    prepared = prepare_request(spec(BodyMode.FORM, form=fields))
    assert prepared.body == b"amount=10.12&note=J%C5%ABrat%C4%97+%26+co+%3D+100%25&empty="
    assert prepared.header("Content-Type") == FORM_CONTENT_TYPE


def test_a_form_keeps_the_users_content_type_and_an_empty_form_sends_nothing() -> None:
    own = (KeyValue("Content-Type", "application/x-www-form-urlencoded;charset=utf-8"),)
    prepared = prepare_request(spec(BodyMode.FORM, form=(FormField("a", "1"),), headers=own))
    assert [v for k, v in prepared.headers if k == "Content-Type"] == [own[0].value]
    empty = prepare_request(spec(BodyMode.FORM, body='{"kept": "not sent"}'))
    assert empty.body == b"" and empty.header("Content-Type") is None


def test_a_form_refuses_a_file_and_a_value_without_a_name() -> None:
    with_file = spec(BodyMode.FORM, form=(FormField("avatar", "a.png", file=True),))
    assert "Multipart form" in refusal(with_file) and '"avatar"' in refusal(with_file)
    nameless = spec(BodyMode.FORM, form=(FormField("", "orphan"),))
    assert refusal(nameless).startswith('A form field with the value "orphan" has no name.')


# --- GraphQL -----------------------------------------------------------------------------------


def test_graphql_is_sent_as_json_with_its_variables_exactly_as_typed() -> None:
    query = 'query Pay($id: ID!) { payment(id: $id) { amount note(lang: "lt") } }'
    variables = '{\n  "id": 10145,\n  "min": 0.10000000000000000555\n}'
    prepared = prepare_request(spec(BodyMode.GRAPHQL, query, graphql_variables=variables))
    assert prepared.body == (
        b'{"query": "query Pay($id: ID!) '
        b'{ payment(id: $id) { amount note(lang: \\"lt\\") } }", '
        b'"variables": {\n  "id": 10145,\n  "min": 0.10000000000000000555\n}}'
    )
    assert prepared.header("Content-Type") == JSON_CONTENT_TYPE
    document = json.loads(prepared.body, parse_float=Decimal)
    assert document["query"] == query
    assert document["variables"] == {"id": 10145, "min": Decimal("0.10000000000000000555")}


def test_graphql_without_variables_sends_an_empty_object_and_keeps_unicode() -> None:
    prepared = prepare_request(spec(BodyMode.GRAPHQL, "{ wallet { owner } } # Jūratė"))
    assert json.loads(prepared.body) == {"query": "{ wallet { owner } } # Jūratė", "variables": {}}
    assert "Jūratė".encode() in prepared.body
    blank = prepare_request(spec(BodyMode.GRAPHQL, "  ", graphql_variables=" \n"))
    assert blank.body == b"" and blank.header("Content-Type") is None


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        (
            '{"id": 1,}',
            "The GraphQL variables are not valid JSON, so nothing was sent. Line 1, column 9:",
        ),
        ("[1, 2]", "The GraphQL variables must be one JSON object, like {"),
        ('"id"', "The GraphQL variables must be one JSON object"),
    ],
)
def test_graphql_variables_must_be_one_json_object(variables: str, expected: str) -> None:
    message = refusal(spec(BodyMode.GRAPHQL, "{ x }", graphql_variables=variables))
    assert message.startswith(expected)


def test_graphql_variables_without_a_query_are_refused() -> None:
    message = refusal(spec(BodyMode.GRAPHQL, "", graphql_variables='{"id": 1}'))
    assert message == "The GraphQL query is empty. Type the query to send."


# --- bodies read from files: checked here, read when sent ---------------------------------------


def test_multipart_and_file_bodies_are_left_empty_for_the_sender_to_read() -> None:
    fields = (FormField("note", "hi"), FormField("avatar", "files/a.png", file=True))
    for request in (spec(BodyMode.MULTIPART, form=fields), spec(BodyMode.FILE, "files/a.bin")):
        prepared = prepare_request(request)
        assert prepared.body == b""
        assert prepared.header("Content-Type") is None
        assert prepared.header("Accept") == "application/json"


def test_multipart_and_file_bodies_refuse_what_cannot_be_read() -> None:
    no_file = spec(BodyMode.MULTIPART, form=(FormField("avatar", " ", file=True),))
    assert refusal(no_file) == (
        'The field "avatar" has no file chosen. Choose one, or untick the field.'
    )
    bad_type = spec(BodyMode.MULTIPART, form=(FormField("a", "1", content_type="text/x\r\nX: 1"),))
    assert refusal(bad_type).startswith('The content type of field "a" is not valid')
    assert refusal(spec(BodyMode.FILE, "  ")).startswith("Choose the file to send as the body")


# --- resolving --------------------------------------------------------------------------------


def _context() -> VariableContext:
    variables = (
        Variable("who", "Jūratė"),
        Variable("field", "note"),
        Variable("dir", "files"),
        Variable("id", "10145"),
        Variable("type", "image/png"),
    )
    return VariableContext([Scope("collection", variables)], {})


def test_form_fields_resolve_names_values_paths_and_types_when_enabled() -> None:
    request = SavedRequest(
        "Upload",
        method="POST",
        url=URL,
        body_mode=BodyMode.MULTIPART,
        body="{{not_sent}}",  # JSON typed before switching to the form: kept, not sent
        form=(
            FormField("{{field}}", "from {{who}}"),
            FormField("avatar", "{{dir}}/a.png", file=True, content_type="{{type}}"),
            FormField("old", "{{undefined}}", enabled=False),
        ),
    )
    resolved = resolve_request(request, [Defaults()], _context())
    assert resolved.unresolved == ()
    assert resolved.spec.body == ""
    assert resolved.spec.form == (
        FormField("note", "from Jūratė"),
        FormField("avatar", "files/a.png", file=True, content_type="image/png"),
        FormField("old", "{{undefined}}", enabled=False),
    )


def test_a_file_path_and_graphql_variables_resolve_and_unsent_parts_do_not_block() -> None:
    file_request = SavedRequest(
        "File",
        url=URL,
        body_mode=BodyMode.FILE,
        body="{{dir}}/{{id}}.bin",
        form=(FormField("x", "{{undefined}}"),),
    )
    resolved = resolve_request(file_request, [Defaults()], _context())
    assert resolved.spec.body == "files/10145.bin" and resolved.unresolved == ()
    assert resolved.spec.form == ()

    graphql = SavedRequest(
        "GraphQL",
        url=URL,
        body_mode=BodyMode.GRAPHQL,
        body="query { payment(id: {{id}}) { id } }",
        graphql_variables='{"who": "{{who}}", "missing": "{{nope}}"}',
    )
    resolved = resolve_request(graphql, [Defaults()], _context())
    assert resolved.spec.body == "query { payment(id: 10145) { id } }"
    assert resolved.spec.graphql_variables == '{"who": "Jūratė", "missing": "{{nope}}"}'
    assert resolved.unresolved == ("nope",)

    json_request = SavedRequest("JSON", url=URL, body="{}", graphql_variables="{{nope}}")
    assert resolve_request(json_request, [Defaults()], _context()).unresolved == ()
