"""RAML 1.0 definitions into the core model: a Paysera-style API written for these tests
(``raml/wallet-api``: a shared REST library, included types and traits, inheritance,
annotations) checked request by request, each feature on a small definition, includes that
try to leave the folder, loop or explode, and any bytes answered with a collection or one
sentence."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from app.core.collection import AuthKind, AuthSpec, Environment, SavedRequest, Variable
from app.core.request import BodyMode, FormField, KeyValue
from app.formats import FormatError, Imported, ImportedFolder, ReportLine, raml
from tests.formats import fuzzing

WALLET = Path(__file__).resolve().parent / "raml" / "wallet-api"
PAYSERA_LIBRARY_URL = "https://raw.githubusercontent.com/paysera/lib-raml-common/2.3.0/rest.raml"


class FolderInclude:
    """What a caller hands to ``read``: files under one folder, nothing outside it (links
    followed), every path asked for recorded."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.asked: list[str] = []

    def __call__(self, path: str) -> bytes:
        self.asked.append(path)
        target = (self.folder / path).resolve()
        if not target.is_relative_to(self.folder) or not target.is_file():
            raise FormatError(f"{path} does not exist.")
        return target.read_bytes()


class Files:
    """An include callable over files held in memory, recording what it was asked for."""

    def __init__(self, files: dict[str, str] | None = None) -> None:
        self.files = files or {}
        self.asked: list[str] = []

    def __call__(self, path: str) -> bytes:
        self.asked.append(path)
        if path not in self.files:
            raise FormatError(f"{path} does not exist.")
        return self.files[path].encode()


def wallet() -> tuple[Imported, FolderInclude]:
    include = FolderInclude(WALLET)
    data = (WALLET / "api.raml").read_bytes()
    assert raml.sniff(data, "api.raml")
    return raml.read(data, "api.raml", include), include


def requests_by_name(imported: Imported) -> dict[str, SavedRequest]:
    return {request.name: request for _, request in imported.requests()}


def load(text: str, files: dict[str, str] | None = None) -> Imported:
    return raml.read(text.encode(), "api.raml", Files(files))


def only_request(imported: Imported) -> SavedRequest:
    [(_, request)] = imported.requests()
    return request


NO_BASE_URI = "api.raml has no baseUri: requests are paths, joined to the Base URL of the window."


def report(imported: Imported) -> list[str]:
    """The report's sentences, but for the small definitions' missing baseUri."""
    return [line.what for line in imported.report if line.what != NO_BASE_URI]


def body_of(text: str, files: dict[str, str] | None = None) -> Any:
    return json.loads(only_request(load(text, files)).body)


def params(request: SavedRequest) -> list[tuple[str, str, bool]]:
    return [(p.name, p.value, p.enabled) for p in request.params]


# --- the wallet API, request by request ----------------------------------------------------


def test_sniff_knows_raml_by_its_first_line() -> None:
    assert raml.sniff(b"#%RAML 1.0\ntitle: x\n", "api.raml")
    assert raml.sniff(b"\xef\xbb\xbf#%RAML 1.0\ntitle: x\n", "api.raml")
    assert raml.sniff(b"#%RAML 0.8\n", "old.raml")  # read says why it cannot be imported
    assert not raml.sniff(b"openapi: 3.0.0\n", "api.yaml")
    assert not raml.sniff(b'{"info": {}}', "api.raml")
    assert not raml.sniff(b"", "api.raml")


def test_a_folder_per_top_level_resource_and_a_request_per_method() -> None:
    imported, _ = wallet()
    assert imported.format == "RAML 1.0"
    assert imported.root.name == "Wallet API"
    assert imported.folders() == ["Payments", "/wallets", "Transfers", "/server", "/user-tokens"]
    assert [(path, r.name, r.method, r.url) for path, r in imported.requests()] == [
        ("Payments", "List payments", "GET", "{{baseUri}}/payments"),
        ("Payments", "Create payment", "POST", "{{baseUri}}/payments"),
        ("Payments", "Get payment", "GET", "{{baseUri}}/payments/{{paymentId}}"),
        ("Payments", "Delete payment", "DELETE", "{{baseUri}}/payments/{{paymentId}}"),
        ("Payments", "Cancel payment", "PUT", "{{baseUri}}/payments/{{paymentId}}/cancel"),
        ("/wallets", "Get wallet", "GET", "{{baseUri}}/wallets/{{walletId}}"),
        (
            "/wallets",
            "Wallet statements",
            "GET",
            "{{baseUri}}/wallets/{{walletId}}/statements?currency=EUR",
        ),
        ("Transfers", "Create transfer", "POST", "{{baseUri}}/transfers"),
        ("Transfers", "Sign transfer", "PUT", "{{baseUri}}/transfers/{{transferId}}/sign"),
        ("/server", "Server time", "GET", "{{baseUri}}/server"),
        ("/user-tokens", "Exchange code for a token", "POST", "{{baseUri}}/user-tokens"),
    ]


def test_base_uri_and_its_parameters_become_the_collection_base_url_and_variables() -> None:
    imported, _ = wallet()
    defaults = imported.root.defaults
    assert defaults.base_url == "{{baseUri}}"
    assert defaults.variables == (
        Variable("baseUri", "https://{{host}}/wallet/rest/{{version}}"),
        Variable("host", "wallet.paysera.test"),
        Variable("version", "v1"),
    )
    assert imported.root.description == (
        "Payments, wallets and transfers of a Paysera-style wallet service.\n\n## Errors\n\n"
        "Every error is a JSON object with `error` and, mostly, `error_description`."
    )


def test_mac_for_the_whole_api_with_its_key_a_secret_of_an_environment() -> None:
    imported, _ = wallet()
    assert imported.root.defaults.auth == AuthSpec(
        AuthKind.PAYSERA_MAC, (("mac_id", "{{mac_id}}"), ("mac_key", "{{mac_key}}"))
    )
    assert imported.environments == (
        Environment(
            "default",
            (
                Variable("mac_id"),
                Variable("mac_key", secret=True),
                Variable("username"),
                Variable("password", secret=True),
            ),
        ),
    )
    assert dict(imported.secrets) == {}  # RAML names credentials, it never holds them


def test_secured_by_per_method_basic_none_and_oauth_kept_as_text() -> None:
    imported, _ = wallet()
    requests = requests_by_name(imported)
    assert requests["List payments"].auth == AuthSpec(AuthKind.INHERIT)
    assert requests["Cancel payment"].auth == AuthSpec(
        AuthKind.BASIC, (("username", "{{username}}"), ("password", "{{password}}"))
    )
    assert requests["Server time"].auth == AuthSpec(AuthKind.NONE)
    token = requests["Exchange code for a token"]
    assert token.auth == AuthSpec(AuthKind.NONE)
    assert token.description == (
        "Secured by oauth_2_0 (OAuth 2.0), which API Explorer cannot sign; set the auth by "
        "hand.\nTokens of the wallet's end users.\n"
        "authorizationUri: https://wallet.paysera.test/oauth/authorize\n"
        "accessTokenUri: https://wallet.paysera.test/oauth/token\n"
        "authorizationGrants: authorization_code"
    )


def test_traits_become_query_parameters_with_defaults_and_optional_ones_disabled() -> None:
    requests = requests_by_name(wallet()[0])
    # PaymentFilter's own parameters, then those of Paysera.Filter, which it applies.
    assert params(requests["List payments"]) == [
        ("status", "new", False),
        ("beneficiary_name", "", False),
        ("limit", "20", False),
        ("offset", "", False),
        ("order_by", "id", False),
        ("order_direction", "asc", False),
    ]
    statements = requests["Wallet statements"]
    assert params(statements) == [
        ("currency", "EUR", True),
        ("from", "", False),
        ("limit", "20", False),
        ("offset", "", False),
        ("order_by", "id", False),
        ("order_direction", "asc", False),
    ]
    # The parametrised trait: localized: {language: lt}.
    assert statements.headers == (KeyValue("Accept-Language", "lt"),)
    sign = requests["Sign transfer"]
    assert sign.headers == (KeyValue("X-Request-Id", "9f1c2d", enabled=False),)


def test_uri_parameters_of_every_level_become_request_variables() -> None:
    requests = requests_by_name(wallet()[0])
    assert requests["Cancel payment"].variables == (Variable("paymentId", "1045"),)
    assert requests["Wallet statements"].variables == (Variable("walletId", "1"),)
    assert requests["Sign transfer"].variables == (Variable("transferId", ""),)
    assert requests["List payments"].variables == ()


PAYMENT_EXAMPLE = """{
  "id": 0,
  "status": "new",
  "price": {
    "amount": "10.00",
    "currency": "EUR"
  },
  "commission": {
    "amount": "10.00",
    "currency": "EUR"
  },
  "description": "Invoice 2024-17",
  "beneficiary": {
    "type": "natural",
    "country_code": "LT",
    "email": "string",
    "first_name": "string",
    "last_name": "string",
    "birth_date": "2024-01-01"
  },
  "created_at": 1704067200,
  "valid_until": "2024-01-01T00:00:00Z",
  "attachments": [
    {
      "name": "string",
      "content": "string",
      "mime_type": "string",
      "size": 0
    }
  ],
  "tags": [
    "string"
  ],
  "purpose_code": "string"
}"""


def test_the_body_example_is_built_from_the_types() -> None:
    # The resource type gives POST /payments its body (type: <<item>>); Payment brings
    # Paysera.Money twice, NaturalPerson (inheriting Party), an integer timestamp marked
    # (datetime_timestamp), Paysera.File[] and a union.
    create = requests_by_name(wallet()[0])["Create payment"]
    assert create.body_mode is BodyMode.JSON
    assert create.body == PAYMENT_EXAMPLE
    assert create.headers == ()  # application/json: the app sets the Content-Type itself


def test_an_included_json_example_is_the_body_as_written() -> None:
    create = requests_by_name(wallet()[0])["Create transfer"]
    assert create.body_mode is BodyMode.JSON
    assert create.body == (WALLET / "examples" / "transfer.json").read_text().rstrip("\n")


def test_resource_types_bring_descriptions_and_optional_methods_with_their_parameters() -> None:
    imported, _ = wallet()
    requests = requests_by_name(imported)
    assert requests["List payments"].description == "Lists payments, newest first."
    assert requests["Create payment"].description == "Creates one payment."
    # The resource's own description wins over the resource type's.
    [payments, *_] = imported.root.items
    assert isinstance(payments, ImportedFolder)
    assert payments.description == "Payments made from the client's wallets."


def test_nested_resource_and_parameter_descriptions_are_kept_in_the_description() -> None:
    requests = requests_by_name(wallet()[0])
    assert requests["Get payment"].description == (
        "One payment.\n\n- paymentId (URI): The payment's number."
    )
    assert requests["Delete payment"].description == (
        "Deletes a payment that is not done yet.\n\n- paymentId (URI): The payment's number."
    )
    assert requests["Wallet statements"].description == (
        "- Accept-Language (header): The language of error_description."
    )


def test_an_urlencoded_body_becomes_form_fields() -> None:
    token = requests_by_name(wallet()[0])["Exchange code for a token"]
    assert token.body_mode is BodyMode.FORM
    assert token.form == (
        FormField("grant_type", "authorization_code"),
        FormField("code", "string"),
        FormField("redirect_uri", "string", enabled=False),
    )


def test_the_report_lists_the_annotations_with_counts_and_the_oauth_scheme() -> None:
    imported, _ = wallet()
    assert [line.where for line in imported.report] == ["(collection)"] * 4
    assert report(imported) == [
        "api.raml, line 39: the security scheme oauth_2_0 (OAuth 2.0) cannot be applied, so "
        "/user-tokens / Exchange code for a token has no auth; what the scheme needs is in its "
        "description.",
        "Annotation (entity_type) is ignored (1 use, the first in types/payment.raml, line 4).",
        "Annotation (datetime_timestamp) is ignored (3 uses, the first in types/payment.raml, "
        "line 20).",
        "Annotation (stream_response) is ignored (1 use, the first in api.raml, line 137).",
    ]


def test_every_file_is_read_once_through_the_include_callable_relative_to_its_includer() -> None:
    _, include = wallet()
    assert include.asked == [
        "types/payment.raml",
        "types/payment-result.raml",
        "types/party.raml",
        "types/natural-person.raml",
        "types/transfer.raml",
        "types/statement.raml",
        "traits/payment-filter.raml",
        "traits/localized.raml",
        "resource-types/collection.raml",
        "examples/transfer.json",
        "libraries/rest-library.raml",
        "libraries/rest/money.raml",  # named rest/money.raml in the library
    ]


# --- includes that must not be read --------------------------------------------------------

ESCAPES = [
    "../secret.txt",
    "/../secret.txt",
    "types/../../secret.txt",
    "..\\secret.txt",
    "C:\\Windows\\win.ini",
    "~/.ssh/id_rsa",
]


@pytest.mark.parametrize("path", ESCAPES)
def test_an_include_leaving_the_folder_is_refused_and_nothing_is_read(path: str) -> None:
    files = Files({"secret.txt": "no"})
    text = f"#%RAML 1.0\ntitle: Leak\ntypes:\n  Secret: !include {path}\n"
    with pytest.raises(FormatError) as caught:
        raml.read(text.encode(), "api.raml", files)
    message = str(caught.value)
    assert message.startswith(f"api.raml, line 4: !include {path} ")
    assert "absolute path" in message or "leaves the definition's folder" in message
    assert files.asked == []


def test_a_path_starting_with_a_slash_is_read_from_the_root_folder_never_the_system() -> None:
    # RAML 1.0: "/x" is relative to the root file's folder. /etc/passwd is etc/passwd there.
    files = Files({"types/money.raml": "#%RAML 1.0 DataType\ntype: string\n"})
    text = "#%RAML 1.0\ntitle: t\ntypes:\n  Money: !include /types/money.raml\n"
    raml.read(text.encode(), "api.raml", files)
    assert files.asked == ["types/money.raml"]
    leak = Files()
    with pytest.raises(FormatError, match="could not be read"):
        raml.read(b"#%RAML 1.0\ntitle: t\ntypes:\n  S: !include /etc/passwd\n", "api.raml", leak)
    assert leak.asked == ["etc/passwd"]


@pytest.mark.parametrize("path", ["../rest.raml", "//server/share/rest.raml"])
def test_a_library_outside_the_folder_is_refused_and_nothing_is_read(path: str) -> None:
    files = Files()
    with pytest.raises(FormatError, match=r"^api\.raml, line 4: the library Lib "):
        raml.read(f"#%RAML 1.0\ntitle: t\nuses:\n  Lib: {path}\n".encode(), "api.raml", files)
    assert files.asked == []


def test_an_included_file_may_name_a_sibling_folder_but_not_above_the_root() -> None:
    files = Files(
        {
            "types/a.raml": "#%RAML 1.0 DataType\nexample: !include ../examples/a.json\n",
            "examples/a.json": '{"a": 1}',
            "types/b.raml": "#%RAML 1.0 DataType\nexample: !include ../../b.json\n",
        }
    )
    imported = raml.read(
        b"#%RAML 1.0\ntitle: t\n/a:\n  post:\n    body:\n      application/json:\n"
        b"        type: !include types/a.raml\n",
        "api.raml",
        files,
    )
    assert only_request(imported).body == '{"a": 1}'
    assert files.asked == ["types/a.raml", "examples/a.json"]
    with pytest.raises(FormatError, match=r"^types/b\.raml, line 2: !include \.\./\.\./b\.json "):
        raml.read(b"#%RAML 1.0\ntitle: t\ntypes:\n  B: !include types/b.raml\n", "api.raml", files)


def test_include_loops_are_refused() -> None:
    files = Files(
        {
            "a.raml": "#%RAML 1.0 DataType\ntype: object\nexample: !include b.raml\n",
            "b.raml": "value: !include a.raml\n",
        }
    )
    with pytest.raises(FormatError) as caught:
        raml.read(b"#%RAML 1.0\ntitle: t\ntypes:\n  A: !include a.raml\n", "api.raml", files)
    assert str(caught.value) == (
        "b.raml, line 1: the includes form a loop (a.raml includes b.raml includes a.raml)."
    )
    with pytest.raises(FormatError, match="loop"):
        raml.read(
            b"#%RAML 1.0\ntitle: t\ntypes:\n  A: !include api.raml\n",
            "api.raml",
            Files({"api.raml": "#%RAML 1.0\ntitle: t\n"}),
        )


def test_a_billion_laughs_is_refused_at_once() -> None:
    lines = ["#%RAML 1.0", "title: lol", 'a: &a ["lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    started = time.monotonic()
    with pytest.raises(FormatError, match="billion laughs"):
        raml.read("\n".join(lines).encode(), "api.raml")
    assert time.monotonic() - started < 5


def test_includes_repeated_without_end_are_refused() -> None:
    # Each file includes the next one ten times: 10**8 copies if nothing stopped it.
    files = {
        f"f{i}.raml": "[" + ", ".join([f"!include f{i + 1}.raml"] * 10) + "]" for i in range(8)
    }
    files["f8.raml"] = "[1, 2, 3]"
    with pytest.raises(FormatError, match="repeat more than"):
        load("#%RAML 1.0\ntitle: t\ntypes:\n  A:\n    example: !include f0.raml\n", files)


def test_includes_need_the_include_callable() -> None:
    with pytest.raises(FormatError) as caught:
        raml.read(b"#%RAML 1.0\ntitle: t\ntypes:\n  A: !include a.raml\n", "api.raml")
    assert str(caught.value) == (
        "api.raml, line 4: a.raml is another file, which cannot be read here; import api.raml "
        "from its folder (as a file, not pasted text)."
    )


def test_what_the_include_callable_raises_becomes_one_sentence_with_the_place() -> None:
    text = b"#%RAML 1.0\ntitle: t\ntypes:\n  A: !include types/a.raml\n"
    with pytest.raises(FormatError) as caught:
        raml.read(text, "api.raml", Files())
    assert str(caught.value) == (
        "api.raml, line 4: types/a.raml could not be read (types/a.raml does not exist)."
    )

    def broken(path: str) -> bytes:
        raise PermissionError(13, "Permission denied")

    with pytest.raises(FormatError, match=r"^api\.raml, line 4: types/a\.raml could not be read"):
        raml.read(text, "api.raml", broken)


def test_broken_included_files_name_their_file_and_line() -> None:
    text = "#%RAML 1.0\ntitle: t\ntypes:\n  A: !include types/a.raml\n"
    with pytest.raises(FormatError, match=r"^types/a\.raml, line 3: not valid YAML"):
        load(text, {"types/a.raml": "type: object\nproperties:\n  a: b: c\n"})
    with pytest.raises(FormatError, match=r"^types/a\.raml, line 2: not UTF-8 text\.$"):
        raml.read(text.encode(), "api.raml", lambda path: b"type: object\n\xff\xfe\n")


def test_over_fifty_megabytes_is_refused() -> None:
    big = b"#%RAML 1.0\ntitle: t\n#" + b"x" * raml.MAX_BYTES
    with pytest.raises(FormatError, match=r"^api\.raml is over 50 MB"):
        raml.read(big, "api.raml")
    with pytest.raises(FormatError, match=r"^api\.raml, line 4: with a\.txt the definition is"):
        raml.read(
            b"#%RAML 1.0\ntitle: t\ndescription:\n  !include a.txt\n",
            "api.raml",
            lambda path: b"x" * raml.MAX_BYTES,
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: t\n", "api.raml, line 1: not a RAML file (the first line must be #%RAML 1.0)."),
        (
            "#%RAML 0.8\ntitle: t\n",
            "api.raml: RAML 0.8 is not supported; only RAML 1.0 definitions can be imported.",
        ),
        (
            "#%RAML 1.0 Library\ntypes: {}\n",
            "api.raml is a RAML 1.0 Library fragment, not an API definition; import the "
            "api.raml that uses it instead.",
        ),
        (
            "#%RAML 1.0 Overlay\nextends: master.raml\n",
            "api.raml is a RAML 1.0 Overlay; import the API definition it extends instead.",
        ),
        (
            "#%RAML 1.0\n- a list\n",
            "api.raml: a RAML definition must be a mapping (title, baseUri, resources, …).",
        ),
        ("#%RAML 1.0\ntitle: [\n", "api.raml, line 3: not valid YAML"),
        ("#%RAML 1.0\ntitle: a\x07b\n", "api.raml, line 2: contains a character YAML"),
        ("#%RAML 1.0\ntitle: t\n---\ntitle: u\n", "api.raml, line 3: not valid YAML"),
        ("#%RAML 1.0\n" + "[" * 5000 + "]" * 5000 + "\n", "api.raml"),
        ("#%RAML 1.0\nx:\n" + "".join("  " * i + "a:\n" for i in range(1, 150)), "api.raml"),
    ],
)
def test_what_is_not_a_raml_1_definition_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        raml.read(text.encode(), "api.raml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


# --- features on small definitions ---------------------------------------------------------


def test_paysera_common_library_named_by_its_url_is_built_in() -> None:
    files = Files()
    imported = raml.read(
        f"""#%RAML 1.0
title: Categories
baseUri: https://example.test/category/rest/v1
uses:
  Paysera: {PAYSERA_LIBRARY_URL}
/categories:
  get:
    is: [Paysera.Filter]
  post:
    body:
      application/json:
        properties:
          name: string
          fee: Paysera.Money
          page: Paysera.Result
""".encode(),
        "api.raml",
        files,
    )
    listing, create = (request for _, request in imported.requests())
    assert params(listing) == [
        ("limit", "20", False),
        ("offset", "", False),
        ("order_by", "id", False),
        ("order_direction", "asc", False),
        ("after", "", False),
        ("before", "", False),
    ]
    assert json.loads(create.body) == {
        "name": "string",
        "fee": {"amount": "10.00", "currency": "EUR"},
        "page": {
            "_metadata": {
                "total": 0,
                "offset": 0,
                "limit": 0,
                "order_by": "string",
                "order_direction": "string",
                "has_next": True,
                "has_previous": True,
                "cursors": {"after": "string", "before": "string"},
            }
        },
    }
    assert files.asked == []
    assert report(imported) == [
        f"api.raml, line 5: the library Paysera ({PAYSERA_LIBRARY_URL}) is not downloaded; "
        "API Explorer's built-in copy of Paysera's common REST library (Money, File, Result, "
        "ResultMetadata, Cursors, the Filter trait) was used."
    ]


def test_another_library_given_by_url_is_reported_once_and_its_names_unknown() -> None:
    imported = load("""#%RAML 1.0
title: t
uses:
  Lib: https://example.test/lib.raml
/a:
  get:
    is: [Lib.paged]
  post:
    body:
      application/json:
        properties:
          x: Lib.Thing
          y: Lib.Thing
""")
    assert report(imported) == [
        "api.raml, line 4: the library Lib (https://example.test/lib.raml) is a URL, which is "
        "never fetched; its types, traits and resource types are unknown."
    ]
    assert json.loads(requests_by_name(imported)["POST /a"].body) == {"x": None, "y": None}


def test_undeclared_types_traits_and_resource_types_are_reported_once_each() -> None:
    imported = load("""#%RAML 1.0
title: t
/a:
  type: missingType
  get:
    is: [missingTrait]
  post:
    is: [missingTrait]
    body:
      application/json:
        properties:
          x: Missing
          y: Missing[]
""")
    assert report(imported) == [
        "api.raml, line 4: the resource type missingType is not declared; what it adds to its "
        "resources is missing.",
        "api.raml, line 6: the trait missingTrait is not declared; its parameters and headers "
        "are missing from the requests that use it.",
        "api.raml, line 12: the type Missing is not declared; its examples were left empty.",
    ]


def test_types_with_inheritance_unions_arrays_enums_and_examples() -> None:
    body = body_of("""#%RAML 1.0
title: t
types:
  Named:
    properties:
      name: string
  Aged:
    properties:
      age:
        type: integer
        minimum: 18
  Person:
    type: [Named, Aged]
    properties:
      nickname?: string
  Tree:
    properties:
      value: number
      children?: Tree[]
  Amount:
    type: number
    example: 10.50
  Color:
    enum: [red, green]
  Labelled:
    properties:
      label: string
    example:
      label: given
  MoreLabelled:
    type: Labelled
  Extended:
    type: Labelled
    properties:
      extra: boolean
/a:
  post:
    body:
      application/json:
        properties:
          person: Person
          tree: Tree
          amount: Amount
          color: Color
          union: nil | Color | string
          matrix: (integer | string)[][]
          items:
            type: array
            items:
              type: object
              properties:
                id: integer
          same: MoreLabelled
          extended: Extended
          moment: datetime-only
          http_date:
            type: datetime
            format: rfc2616
          stamp:
            (datetime_timestamp):
            type: datetime
          time: time-only
          anything: any
          nothing: nil
          plain:
          yes_word:
            type: string
            example: yes
          named_examples:
            type: string
            examples:
              first:
                value: one
              second: two
          defaulted:
            type: integer
            default: 7
""")
    assert body == {
        "person": {"name": "string", "age": 18, "nickname": "string"},
        "tree": {"value": 0, "children": []},  # a Tree's children are Trees: one level
        "amount": 10.5,
        "color": "red",
        "union": "red",
        "matrix": [[0]],
        "items": [{"id": 0}],
        "same": {"label": "given"},
        "extended": {"label": "string", "extra": True},
        "moment": "2024-01-01T00:00:00",
        "http_date": "Mon, 01 Jan 2024 00:00:00 GMT",
        "stamp": 1704067200,
        "time": "00:00:00",
        "anything": None,
        "nothing": None,
        "plain": "string",
        "yes_word": "yes",  # YAML 1.2, as RAML: a word, not a boolean
        "named_examples": "one",
        "defaulted": 7,
    }


def test_numbers_in_examples_keep_their_exact_text() -> None:
    request = only_request(
        load("""#%RAML 1.0
title: t
/a:
  post:
    body:
      application/json:
        example:
          rate: 1.10
          big: 123456789012345678901234567890
          hex: 0x1F
          exponent: 1e3
""")
    )
    assert request.body == (
        '{\n  "rate": 1.10,\n  "big": 123456789012345678901234567890,\n  "hex": 31,\n'
        '  "exponent": 1e3\n}'
    )


def test_a_json_schema_as_a_type_gives_an_example_too() -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "when": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            "kind": {"oneOf": [{"type": "boolean"}, {"type": "string"}]},
            "linked": {"$ref": "#/definitions/Other"},
        },
    }
    imported = load(
        "#%RAML 1.0\ntitle: t\ntypes:\n  Thing: !include thing.json\n"
        "/a:\n  post:\n    body:\n      application/json:\n        type: Thing\n",
        {"thing.json": json.dumps(schema)},
    )
    assert json.loads(only_request(imported).body) == {
        "id": 0,
        "when": "2024-01-01T00:00:00Z",
        "tags": ["a"],
        "kind": True,
        "linked": None,
    }
    assert report(imported) == [
        "thing.json, line 1: the JSON schema's $ref is not followed; that part of the example "
        "was left empty."
    ]


def test_parametrised_traits_reserved_parameters_and_transforms() -> None:
    imported = load("""#%RAML 1.0
title: t
traits:
  searchable:
    queryParameters:
      <<field | !lowerunderscorecase>>:
        description: Search <<resourcePathName>> by <<field>> with <<methodName | !uppercase>>.
        required: false
        example: <<sample>>
  paged:
    queryParameters:
      limit:
        default: <<max>>
resourceTypes:
  collection:
    displayName: <<resourcePathName | !uppercamelcase>>
    get:
      displayName: List <<resourcePathName>>
      is: [paged: {max: 50}]
    post?:
      displayName: New <<resourcePathName | !singularize | !uppercamelcase>>
/bank-accounts:
  type: collection
  get:
    is:
      - searchable: {field: accountHolder, sample: 42}
      - paged: {max: 10}
/categories:
  type: collection
  post:
""")
    assert imported.folders() == ["BankAccounts", "Categories"]
    assert [(r.name, r.method, r.url) for _, r in imported.requests()] == [
        ("List bank-accounts", "GET", "/bank-accounts?limit=10"),
        ("New Category", "POST", "/categories"),  # post? applies: /categories has a post
        ("List categories", "GET", "/categories?limit=50"),  # get (not get?) always applies
    ]
    listing = requests_by_name(imported)["List bank-accounts"]
    # The nearest application of paged wins: the method's own, max 10.
    assert params(listing) == [("account_holder", "42", False), ("limit", "10", True)]
    assert report(imported) == []


def test_pass_through_and_custom_schemes_with_one_credential_are_api_keys() -> None:
    imported = load("""#%RAML 1.0
title: t
securitySchemes:
  key:
    type: Pass Through
    describedBy:
      headers:
        X-Api-Key:
          type: string
  token:
    type: x-token
    describedBy:
      queryParameters:
        access_token: string
  digest:
    type: Digest Authentication
/a:
  get:
    securedBy: [key]
  put:
    securedBy: [token]
  post:
    securedBy: [digest, null]
""")
    requests = requests_by_name(imported)
    assert requests["GET /a"].auth == AuthSpec(
        AuthKind.API_KEY, (("name", "X-Api-Key"), ("value", "{{X-Api-Key}}"), ("in", "header"))
    )
    assert requests["PUT /a"].auth == AuthSpec(
        AuthKind.API_KEY,
        (("name", "access_token"), ("value", "{{access_token}}"), ("in", "query")),
    )
    assert requests["POST /a"].auth == AuthSpec(AuthKind.NONE)
    assert imported.environments[0].variables == (
        Variable("X-Api-Key", secret=True),
        Variable("access_token", secret=True),
    )
    assert report(imported) == [
        "api.raml, line 16: the security scheme digest (Digest Authentication) cannot be "
        "applied, so /a / POST /a has no auth; what the scheme needs is in its description."
    ]


def test_without_a_base_uri_requests_are_paths() -> None:
    imported = load("#%RAML 1.0\ntitle: t\n/a/{id}:\n  get:\n")
    assert only_request(imported).url == "/a/{{id}}"
    assert imported.root.defaults.base_url is None
    assert imported.report == (ReportLine("(collection)", NO_BASE_URI),)


def test_other_body_media_types_are_reported_and_raw_bodies_keep_their_content_type() -> None:
    imported = load("""#%RAML 1.0
title: t
/a:
  post:
    body:
      application/xml:
        example: <a/>
      application/vnd.api+json:
        properties:
          a: string
  put:
    body:
      text/plain:
        example: hello
  patch:
    body:
      multipart/form-data:
        properties:
          document: file
          note?: string
""")
    requests = requests_by_name(imported)
    post = requests["POST /a"]
    assert (post.body_mode, post.body) == (BodyMode.JSON, '{\n  "a": "string"\n}')
    assert post.headers == (KeyValue("Content-Type", "application/vnd.api+json"),)
    put = requests["PUT /a"]
    assert (put.body_mode, put.body, put.headers) == (
        BodyMode.RAW,
        "hello",
        (KeyValue("Content-Type", "text/plain"),),
    )
    patch = requests["PATCH /a"]
    assert patch.body_mode is BodyMode.MULTIPART
    assert patch.form == (
        FormField("document", "", file=True),
        FormField("note", "string", enabled=False),
    )
    assert report(imported) == [
        "The body may also be application/xml; only application/vnd.api+json was imported."
    ]
    assert imported.report[-1].where == "/a / POST /a"


def test_a_library_fragment_with_its_own_uses_and_library_local_names() -> None:
    imported = load(
        """#%RAML 1.0
title: t
types:
  Order: !include types/order.raml
/orders:
  post:
    body:
      application/json:
        type: Order
""",
        {
            "types/order.raml": "#%RAML 1.0 DataType\nuses:\n  Shop: ../lib/shop.raml\n"
            "properties:\n  line: Shop.Line\n",
            "lib/shop.raml": "#%RAML 1.0 Library\ntypes:\n  Line:\n    properties:\n"
            "      price: Price\n  Price:\n    type: number\n    example: 2.50\n",
        },
    )
    assert only_request(imported).body == '{\n  "line": {\n    "price": 2.50\n  }\n}'


def test_loops_typos_and_repeated_keys_are_reported_and_resource_auth_stays_on_its_level() -> None:
    imported = load("""#%RAML 1.0
title: t
baseUrl: https://typo.test
securitySchemes:
  basic:
    type: Basic Authentication
traits:
  a:
    is: [b]
    headers:
      X-A: {default: a}
  b:
    is: [a]
    headers:
      X-B: {default: b}
resourceTypes:
  r1:
    type: r2
  r2:
    type: r1
types:
  Loop:
    type: Pool
  Pool:
    type: Loop
  Cents:
    properties:
      amount: integer
      currency: string
/a:
  type: r1
  securedBy: [basic]
  get:
    is: [a]
    is: [a]
  post:
    body:
      application/json:
        properties:
          loop: Loop
          price: Cents
  /b:
    get:
""")
    requests = requests_by_name(imported)
    assert requests["GET /a"].headers == (KeyValue("X-A", "a"), KeyValue("X-B", "b"))
    assert requests["GET /a"].auth.kind is AuthKind.BASIC
    assert requests["GET /a/b"].auth.kind is AuthKind.INHERIT  # not the resource's: nested
    # Money-shaped with an integer amount: cents, as older Paysera APIs send them.
    assert json.loads(requests["POST /a"].body) == {
        "loop": None,
        "price": {"amount": 1000, "currency": "EUR"},
    }
    assert report(imported) == [
        "api.raml, line 35: is is given twice; the later one was used.",
        "api.raml, line 3: baseUrl is not a RAML root property; it was left out.",
        "api.raml, line 20: the resource type r1 is based on itself; the loop was cut.",
        "api.raml, line 25: the type Loop inherits from itself; the loop was cut.",
    ]


# --- anything at all gives a collection or a sentence --------------------------------------


def _answers(data: bytes, include: Any = None) -> None:
    result = fuzzing.answer(lambda: raml.read(data, "api.raml", include or Files()))
    if isinstance(result, str):
        assert "\n" not in result
    else:
        assert result.root.name
        for path, request in result.requests():
            assert request.name
            assert path
        assert all(line.what for line in result.report)


@fuzzing.settings(150)
@given(st.binary(max_size=2048))
def test_any_bytes_give_a_collection_or_a_sentence(data: bytes) -> None:
    _answers(data)
    _answers(b"#%RAML 1.0\n" + data)


WALLET_ROOT = (WALLET / "api.raml").read_bytes()


@fuzzing.settings(150)
@given(**fuzzing.SPLICES)
def test_a_mutated_wallet_api_gives_a_collection_or_a_sentence(
    start: int, length: int, insert: bytes
) -> None:
    _answers(fuzzing.splice(WALLET_ROOT, start, length, insert), FolderInclude(WALLET))


SELF_CONTAINED: dict[str, Any] = yaml.safe_load("""
title: Everything
version: v2
baseUri: https://{host}/{version}
baseUriParameters: {host: {default: api.test}}
mediaType: [application/json]
securitySchemes:
  mac: {type: x-mac, describedBy: {headers: {Authorization: string}}}
  basic: {type: Basic Authentication}
securedBy: [mac]
types:
  Money: {properties: {amount: string, currency: string}}
  Base: {properties: {"id?": integer, made: {type: integer, (datetime_timestamp): null}}}
  Item: {type: Base, properties: {price: Money, tags: "string[]", kind: {enum: [a, b]}}}
traits:
  paged: {queryParameters: {limit: {default: <<max>>, required: false}}}
  hdr: {headers: {X-Who: {example: me}}, is: [paged: {max: 5}]}
resourceTypes:
  coll:
    get?: {description: List <<resourcePathName>>}
    post?: {body: {application/json: {type: <<item>>}}}
/items:
  type: {coll: {item: Item}}
  is: [hdr]
  get: {is: [paged: {max: 9}]}
  post: {securedBy: [basic]}
  /{id}:
    uriParameters: {id: {example: 7}}
    delete: {securedBy: [null]}
""")


YAML_VALUES = fuzzing.json_values(
    extra=st.sampled_from(["<<max>>", "Item", "Money[]", "a | b", "(", "/x", "get", "mac", "{x}"]),
    keys=st.text(max_size=8) | st.sampled_from(["type", "properties", "is", "/z", "(a)"]),
)


def test_the_self_contained_definition_imports() -> None:
    text = "#%RAML 1.0\n" + yaml.safe_dump(SELF_CONTAINED, sort_keys=False)
    imported = raml.read(text.encode(), "api.raml")
    assert [(r.method, r.url, r.auth.kind) for _, r in imported.requests()] == [
        ("GET", "{{baseUri}}/items", AuthKind.INHERIT),
        ("POST", "{{baseUri}}/items", AuthKind.BASIC),
        ("DELETE", "{{baseUri}}/items/{{id}}", AuthKind.NONE),
    ]
    [line] = imported.report
    assert line.what.startswith("Annotation (datetime_timestamp) is ignored (1 use, the first")


@fuzzing.settings(150)
@given(where=st.sampled_from(fuzzing.places(SELF_CONTAINED)), value=YAML_VALUES)
def test_any_value_anywhere_in_a_definition_gives_a_collection_or_a_sentence(
    where: tuple[object, ...], value: object
) -> None:
    document = fuzzing.replaced(SELF_CONTAINED, where, value)
    _answers(("#%RAML 1.0\n" + yaml.safe_dump(document, sort_keys=False)).encode())
