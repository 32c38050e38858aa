"""Variable resolution, request inheritance and redaction of secret values."""

from __future__ import annotations

import base64

import pytest

from app.core.collection import (
    AuthKind,
    AuthSpec,
    Defaults,
    Environment,
    SavedRequest,
    Variable,
)
from app.core.request import BodyMode, KeyValue
from app.core.variables import (
    MASK,
    VARIABLE_PATTERN,
    Resolution,
    Scope,
    VariableContext,
    mask,
    redact,
    redact_bytes,
    redact_headers,
    resolve_request,
    restore_placeholders,
    unresolved_message,
)


def ctx(
    *scopes: tuple[str, dict[str, str]], secrets: dict[str, str] | None = None
) -> VariableContext:
    return VariableContext(
        tuple(
            Scope(name, tuple(Variable(k, v) for k, v in values.items())) for name, values in scopes
        ),
        secrets or {},
    )


# --- the pattern ---------------------------------------------------------------------------


def test_pattern_accepts_spaces_and_dotted_dashed_names() -> None:
    names = [m.group(1) for m in VARIABLE_PATTERN.finditer("{{a}} {{ b.c-d_1 }} {{bad name}} {x}")]
    assert names == ["a", "b.c-d_1"]


# --- resolution order ----------------------------------------------------------------------


def test_request_beats_folder_beats_collection_beats_environment() -> None:
    request = SavedRequest("r", variables=(Variable("a", "request"),))
    near = Defaults(variables=(Variable("a", "near"), Variable("b", "near")))
    far = Defaults(variables=(Variable("b", "far"), Variable("c", "far")))
    collection = Defaults(variables=(Variable("c", "coll"), Variable("d", "coll")))
    environment = Environment("sandbox", (Variable("d", "env"), Variable("e", "env")))
    context = VariableContext(
        (
            Scope("request", request.variables),
            Scope('folder "near"', near.variables),
            Scope('folder "far"', far.variables),
            Scope("collection", collection.variables),
            Scope('environment "sandbox"', environment.variables),
        ),
        {},
    )
    assert context.resolve("{{a}} {{b}} {{c}} {{d}} {{e}}") == "request near far coll env"
    assert context.lookup("b") == Resolution("near", secret=False, scope='folder "near"')
    assert context.lookup("e") == Resolution("env", secret=False, scope='environment "sandbox"')


def test_disabled_variable_is_skipped_for_the_next_scope() -> None:
    context = VariableContext(
        (
            Scope("request", (Variable("host", "request", enabled=False),)),
            Scope("environment", (Variable("host", "env"),)),
        ),
        {},
    )
    assert context.resolve("{{host}}") == "env"


def test_whitespace_inside_braces() -> None:
    assert ctx(("env", {"x": "1"})).resolve("{{ x }}/{{x}}") == "1/1"


# --- nesting and cycles --------------------------------------------------------------------


def test_variables_refer_to_variables_across_scopes() -> None:
    context = ctx(
        ("request", {"version": "v2"}),
        ("environment", {"host": "https://h", "base": "{{host}}/rest/{{version}}"}),
    )
    assert context.resolve("{{base}}/payments") == "https://h/rest/v2/payments"
    assert context.lookup("base") == Resolution("https://h/rest/v2", False, "environment")


def test_missing_nested_variable_is_the_one_reported() -> None:
    context = ctx(("env", {"base": "{{host}}/api"}))
    assert context.resolve("{{base}}/x") == "{{host}}/api/x"
    assert context.unresolved("{{base}}/x") == ["host"]


def test_cycles_are_unresolved_and_terminate() -> None:
    context = ctx(("env", {"a": "{{b}}", "b": "{{a}}", "self": "x{{self}}"}))
    assert context.unresolved("{{a}}") == ["a"]
    assert context.unresolved("{{self}}") == ["self"]
    assert context.lookup("a") is None
    assert context.lookup("self") is None


def test_deep_chains_stop_at_the_depth_limit() -> None:
    values = {f"v{i}": f"{{{{v{i + 1}}}}}" for i in range(100)}
    values["v100"] = "end"
    context = ctx(("env", values))
    assert context.unresolved("{{v0}}") != []
    short = ctx(("env", {"a": "{{b}}", "b": "{{c}}", "c": "end"}))
    assert short.resolve("{{a}}") == "end"


def test_unresolved_is_ordered_and_unique() -> None:
    context = ctx(("env", {"known": "1"}))
    text = "{{b}} {{known}} {{a}} {{b}} {{ a }}"
    assert context.unresolved(text) == ["b", "a"]
    assert context.resolve(text) == "{{b}} 1 {{a}} {{b}} {{ a }}"


# --- secrets -------------------------------------------------------------------------------


def test_secret_value_comes_from_secret_values_not_the_variable() -> None:
    context = VariableContext(
        (Scope("environment", (Variable("token", "ignored", secret=True),)),),
        {"token": "s3cr3t"},
    )
    assert context.resolve("Bearer {{token}}") == "Bearer s3cr3t"
    assert context.lookup("token") == Resolution("s3cr3t", secret=True, scope="environment")


def test_a_value_built_from_a_secret_is_secret_too() -> None:
    context = VariableContext(
        (Scope("env", (Variable("header", "Bearer {{token}}"), Variable("token", secret=True))),),
        {"token": "s3cr3t"},
    )
    resolution = context.lookup("header")
    assert resolution is not None and resolution.secret


def test_secret_without_a_stored_value_is_unresolved() -> None:
    context = VariableContext(
        (
            Scope("request", (Variable("token", secret=True),)),
            Scope("environment", (Variable("token", "fallback"),)),
        ),
        {},
    )
    assert context.unresolved("{{token}}") == ["token"]
    assert context.lookup("token") is None


# --- requests ------------------------------------------------------------------------------


def test_resolve_request_joins_the_nearest_base_url_and_resolves_everywhere() -> None:
    collection = Defaults(
        base_url="https://{{host}}/rest",
        headers=(KeyValue("X-Client", "{{client}}"),),
        variables=(Variable("host", "example.com"),),
    )
    folder = Defaults(base_url="{{api}}")
    request = SavedRequest(
        "pay",
        method="POST",
        url="/payments/{{id}}?lang={{lang}}",
        params=(KeyValue("lang", "{{lang}}"), KeyValue("off", "{{missing}}", enabled=False)),
        body='{"amount": {{amount}}}',
        body_mode=BodyMode.RAW,
        auth=AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)),
    )
    context = VariableContext(
        (
            Scope("request", (Variable("id", "7"), Variable("lang", "en"))),
            Scope("collection", collection.variables),
            Scope(
                "environment",
                (
                    Variable("api", "https://{{host}}/v2"),
                    Variable("client", "cli"),
                    Variable("amount", "100"),
                    Variable("token", secret=True),
                ),
            ),
        ),
        {"token": "tok-123"},
    )
    resolved = resolve_request(request, (folder, collection), context)
    assert resolved.spec.url == "https://example.com/v2/payments/7?lang=en"
    assert resolved.spec.method == "POST"
    assert resolved.spec.params == (
        KeyValue("lang", "en"),
        KeyValue("off", "{{missing}}", enabled=False),
    )
    assert resolved.spec.enabled_headers() == [("X-Client", "cli")]
    assert resolved.spec.body == '{"amount": 100}'
    assert resolved.spec.body_mode is BodyMode.RAW
    assert resolved.auth == AuthSpec(AuthKind.BEARER, (("token", "tok-123"),))
    assert resolved.unresolved == ()
    assert dict(resolved.secrets_used) == {"token": "tok-123"}


def test_absolute_url_ignores_the_base_url() -> None:
    request = SavedRequest("r", url="{{other}}/x")
    context = ctx(("env", {"other": "http://other.test"}))
    resolved = resolve_request(request, (Defaults(base_url="https://base.test"),), context)
    assert resolved.spec.url == "http://other.test/x"


def test_unresolved_names_are_collected_from_every_part() -> None:
    request = SavedRequest(
        "r",
        url="https://h/{{a}}",
        headers=(KeyValue("X", "{{b}}"), KeyValue("Off", "{{ignored}}", enabled=False)),
        body="{{c}}",
        auth=AuthSpec(AuthKind.BASIC, (("username", "{{d}}"), ("password", "{{a}}"))),
    )
    resolved = resolve_request(request, (), ctx())
    assert resolved.unresolved == ("a", "b", "c", "d")


def test_headers_merge_and_nearer_overrides_case_insensitively() -> None:
    collection = Defaults(
        headers=(
            KeyValue("Accept", "text/plain"),
            KeyValue("X-Team", "core"),
            KeyValue("X-Trace", "on"),
        )
    )
    folder = Defaults(headers=(KeyValue("accept", "application/json"), KeyValue("X-Folder", "f")))
    request = SavedRequest(
        "r",
        url="https://h",
        headers=(
            KeyValue("X-TEAM", "payments"),
            KeyValue("X-Trace", "off", enabled=False),
            KeyValue("X-Tag", "1"),
            KeyValue("X-Tag", "2"),
        ),
    )
    resolved = resolve_request(request, (folder, collection), ctx())
    assert resolved.spec.enabled_headers() == [
        ("X-Trace", "on"),
        ("accept", "application/json"),
        ("X-Folder", "f"),
        ("X-TEAM", "payments"),
        ("X-Tag", "1"),
        ("X-Tag", "2"),
    ]


def test_auth_inherits_from_the_nearest_folder_that_sets_one() -> None:
    basic = AuthSpec(AuthKind.BASIC, (("username", "u"),))
    bearer = AuthSpec(AuthKind.BEARER, (("token", "t"),))
    request = SavedRequest("r", url="https://h")
    chain = (Defaults(), Defaults(auth=bearer), Defaults(auth=basic))
    assert resolve_request(request, chain, ctx()).auth == bearer
    own = SavedRequest("r", url="https://h", auth=AuthSpec(AuthKind.NONE))
    assert resolve_request(own, chain, ctx()).auth == AuthSpec(AuthKind.NONE)


def test_inherit_all_the_way_up_means_no_auth_and_its_variables_do_not_block() -> None:
    request = SavedRequest("r", url="https://h")
    resolved = resolve_request(request, (Defaults(), Defaults()), ctx())
    assert resolved.auth == AuthSpec(AuthKind.NONE)
    unused = SavedRequest(
        "r", url="https://h", auth=AuthSpec(AuthKind.NONE, (("token", "{{nope}}"),))
    )
    assert resolve_request(unused, (), ctx()).unresolved == ()


# --- messages ------------------------------------------------------------------------------


def test_unresolved_message_names_the_variable_and_environment() -> None:
    assert unresolved_message(["token"], "sandbox") == (
        "The variable {{token}} is not defined in the request, its folders, the collection "
        'or the environment "sandbox"; define it or pick another environment, then send again.'
    )
    many = unresolved_message(["a", "b"])
    assert "The variables {{a}} and {{b}} are not defined" in many
    assert "pick an environment" in many
    assert unresolved_message([]) == ""


# --- redaction -----------------------------------------------------------------------------


def test_redact_names_the_variable_and_drops_the_value() -> None:
    assert redact("Bearer tok-123!", {"token": "tok-123"}) == "Bearer «secret:token»!"
    assert restore_placeholders("Bearer «secret:token»!") == "Bearer {{token}}!"


def test_redact_longest_first() -> None:
    secrets = {"short": "abc", "long": "abcdef"}
    assert redact("abcdef abc", secrets) == "«secret:long» «secret:short»"


def test_redact_overlapping_values_leaves_no_byte_between_them() -> None:
    secrets = {"one": "abcd", "two": "cdef"}
    assert redact("xabcdefx", secrets) == "x«secret:one»«secret:two»x"
    assert redact("aaaaa", {"t": "aa"}) == "«secret:t»"


def test_redact_skips_empty_values() -> None:
    assert redact("text", {"empty": "", "t": "q"}) == "text"


def test_redact_covers_url_and_json_encodings() -> None:
    secrets = {"pw": 'p w/"q"'}
    assert "«secret:pw»" in redact("https://h/?pw=p%20w%2F%22q%22", secrets)
    assert "«secret:pw»" in redact("https://h/?pw=p+w%2F%22q%22", secrets)
    assert redact('{"pw": "p w/\\"q\\""}', secrets) == '{"pw": "«secret:pw»"}'


@pytest.mark.parametrize(
    "value",
    ["tok-123", "aa", "é€ü", "secret", "e", "«", "}}", "a b/c"],
)
def test_redact_never_leaves_the_value(value: str) -> None:
    text = f"a{value}b {value}{value} «secret:x» {value[:-1]}"
    assert value not in redact(text, {"x": value})
    data = text.encode("utf-8") + b"\x00\xff" + value.encode("utf-8")
    assert value.encode("utf-8") not in redact_bytes(data, {"x": value})


def test_redact_bytes_keeps_other_bytes_exactly() -> None:
    data = b"\x00\xff binary tok-123 \x80"
    assert (
        redact_bytes(data, {"token": "tok-123"})
        == b"\x00\xff binary \xc2\xabsecret:token\xc2\xbb \x80"
    )
    assert redact_bytes(data, {}) is data


def test_redact_headers_opens_basic_credentials() -> None:
    basic = "Basic " + base64.b64encode(b"alice:pw-123").decode()
    headers = redact_headers(
        [("Authorization", basic), ("X-Key", "pw-123"), ("Accept", "a")], {"pw": "pw-123"}
    )
    assert headers == (
        ("Authorization", "Basic alice:«secret:pw»"),
        ("X-Key", "«secret:pw»"),
        ("Accept", "a"),
    )
    assert redact_headers([("Authorization", basic)], {}) == (("Authorization", basic),)


def test_mask_hides_value_and_length() -> None:
    assert mask("short") == mask("a much longer secret value") == MASK
    assert "s" not in mask("s")
    assert mask("") == ""


def test_params_join_a_url_without_query_and_mirror_one_with_a_query() -> None:
    context = ctx(("env", {"n": "10"}))
    params = (KeyValue("limit", "{{n}}"), KeyValue("off", "1", enabled=False))
    separate = SavedRequest("r", url="https://h/items#top", params=params)
    assert resolve_request(separate, (), context).spec.url == "https://h/items?limit=10#top"
    typed = SavedRequest("r", url="https://h/items?limit={{n}}&x=", params=params)
    assert resolve_request(typed, (), context).spec.url == "https://h/items?limit=10&x="


def test_a_secret_declared_without_a_value_is_not_called_undefined() -> None:
    from app.core.variables import unresolved_message

    message = unresolved_message(["token", "who"], "sandbox", ["token"])
    assert message.startswith('The environment "sandbox" declares {{token}} as a secret')
    assert "The variable {{who}} is not defined" in message
    assert "{{token}} is not defined" not in message
    both = unresolved_message(["a", "b"], "prod", ["a", "b"])
    assert "{{a}} and {{b}} as secrets that have no value" in both
    assert unresolved_message(["token"], None, ["token"]).startswith("The variable {{token}}")


def test_fill_variables_writes_the_values_back_everywhere_and_leaves_the_rest() -> None:
    from app.core.collection import AuthKind, AuthSpec, SavedRequest
    from app.core.request import FormField, KeyValue
    from app.core.variables import fill_variables

    request = SavedRequest(
        "Pasted",
        url="https://h/{{user}}?key={{key}}",
        params=(KeyValue("key", "{{key}}"),),
        headers=(KeyValue("X-Key", "{{key}}"),),
        body='{"k": "{{key}}", "other": "{{other}}"}',
        auth=AuthSpec(AuthKind.BASIC, (("username", "me"), ("password", "{{password}}"))),
        form=(FormField("k", "{{key}}"),),
    )
    filled = fill_variables(request, {"key": "K1", "password": "p"})
    assert filled.url == "https://h/{{user}}?key=K1"
    assert filled.params[0].value == filled.headers[0].value == filled.form[0].value == "K1"
    assert filled.body == '{"k": "K1", "other": "{{other}}"}'
    assert filled.auth.get("password") == "p"
