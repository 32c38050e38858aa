"""Postman collection v2.1 (and Postman environment) text from the core model.

``to_postman`` writes a collection or one folder of it as a Postman v2.1 collection that
Postman and other Postman-format readers open: folders in order, requests with method, URL
(``url.raw`` as typed plus its parts: protocol, host, port, path, query with disabled rows,
path variables), headers (disabled rows kept), bodies (raw text or JSON, urlencoded,
form-data with files by path, file, GraphQL), auth, variables and descriptions.
``app.formats.postman.read`` reads it back to the same tree.

What Postman has no place for is carried the way Postman means it:

- folder and collection headers are written into each request below them (unless the
  request has a row of that name), since Postman has no inherited headers;
- a base URL becomes the collection variable ``baseUrl`` (a folder's own base URL is joined
  into its requests' URLs);
- whether to follow redirects is written per request where it differs from Postman's
  default (follow), and a GET, HEAD, ... with a body is told to keep it
  (``disableBodyPruning``), as this app sends it;
- request variables used as a whole path segment become Postman path variables (``:name``);
- Paysera MAC auth, which Postman cannot compute, is written as No auth with a line in the
  request's description;
- secret variables (in the tree, and those declared in ``environments``) are written as
  names only, typed ``secret``, with no value: the receiver fills them in.

Assertions are not written (Postman's tests are scripts). TLS and proxy settings are
collection-wide settings of this app, not part of a Postman collection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from http import HTTPStatus

from app.core.collection import (
    AuthKind,
    AuthSpec,
    Defaults,
    Environment,
    ResponseExample,
    SavedRequest,
    Variable,
)
from app.core.request import BodyMode, KeyValue
from app.core.urls import has_query, has_scheme, join_url, url_with_params
from app.formats._model import ImportedFolder

__all__ = ["SCHEMA_URL", "to_postman", "to_postman_environment"]

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
"""The ``info.schema`` every exported collection names: Postman collection format v2.1.0."""

_BASE_URL_VARIABLE = "baseUrl"
_PRUNED_METHODS = frozenset({"GET", "HEAD", "COPY", "PURGE", "UNLOCK"})
_RAW_LANGUAGES = (("xml", "xml"), ("html", "html"), ("javascript", "javascript"))
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_PORT = re.compile(r"^(.*?):(\d+|\{\{[^{}]+\}\})$")
_WHOLE_VARIABLE = re.compile(r"\{\{([A-Za-z0-9_.\-]+)\}\}")

_Json = dict[str, object]


def to_postman(
    root: ImportedFolder,
    name: str,
    environments: Sequence[Environment] = (),
    inherited: Sequence[Defaults] = (),
) -> str:
    """``root`` (a collection, or a folder of one) as Postman collection v2.1 JSON text.

    ``name`` is the collection's name in Postman. The secret variables of ``environments``
    are declared as collection variables, names only, so whoever imports the file sees
    what to fill in; their values are never written. ``inherited`` is what a folder takes
    from the folders above it and the collection (nearest first), so that an exported
    folder keeps the auth, headers, variables and base URL it is sent with.
    """
    top = _flattened(root.defaults, inherited)
    writer = _Writer(top)
    info: _Json = {"name": name or root.name or "Untitled collection"}
    if root.description:
        info["description"] = root.description
    info["schema"] = SCHEMA_URL
    document: _Json = {"info": info}
    document["item"] = writer.items(root.items, [top])
    auth = _auth(top.auth)
    if auth is not None:
        document["auth"] = auth
    variables = [_variable(v) for v in top.variables]
    declared = {v.name for v in top.variables}
    if writer.base_url_variable:
        variables.append({"key": writer.base_url_variable, "value": top.base_url, "type": "string"})
        declared.add(writer.base_url_variable)
    for environment in environments:
        for variable in environment.variables:
            if variable.secret and variable.name not in declared:
                declared.add(variable.name)
                variables.append({"key": variable.name, "value": "", "type": "secret"})
    if variables:
        document["variable"] = variables
    return json.dumps(document, indent="\t", ensure_ascii=False) + "\n"


def to_postman_environment(environment: Environment) -> str:
    """``environment`` as a Postman environment file; secret values are left empty."""
    values = [
        {
            "key": v.name,
            "value": "" if v.secret else v.value,
            "type": "secret" if v.secret else "default",
            "enabled": v.enabled,
        }
        for v in environment.variables
    ]
    document = {
        "name": environment.name,
        "values": values,
        "_postman_variable_scope": "environment",
    }
    return json.dumps(document, indent="\t", ensure_ascii=False) + "\n"


def _flattened(own: Defaults, inherited: Sequence[Defaults]) -> Defaults:
    """``own`` with what it inherits folded in: the folder exported stands alone."""
    if not inherited:
        return own
    chain = (own, *inherited)
    auth = next((d.auth for d in chain if d.auth.kind is not AuthKind.INHERIT), own.auth)
    base_url = next((d.base_url for d in chain if d.base_url and d.base_url.strip()), None)
    follow = next((d.follow_redirects for d in chain if d.follow_redirects is not None), None)
    variables: list[Variable] = []
    names: set[str] = set()
    for defaults in chain:
        for variable in defaults.variables:
            if variable.name not in names:
                names.add(variable.name)
                variables.append(variable)
    headers: list[KeyValue] = []
    for defaults in reversed(chain):
        rows = [h for h in defaults.headers if h.enabled and h.name.strip()]
        replaced = {h.name.strip().lower() for h in rows}
        headers = [h for h in headers if h.name.strip().lower() not in replaced] + rows
    return Defaults(
        base_url=base_url,
        headers=tuple(headers),
        auth=auth,
        variables=tuple(variables),
        follow_redirects=follow,
    )


class _Writer:
    def __init__(self, top: Defaults) -> None:
        self.top = top
        self.base_url_variable = ""
        if top.base_url and top.base_url.strip():
            taken = {v.name for v in top.variables}
            self.base_url_variable = _BASE_URL_VARIABLE
            number = 2
            while self.base_url_variable in taken:
                self.base_url_variable = f"{_BASE_URL_VARIABLE}_{number}"
                number += 1

    def items(
        self, items: Sequence[ImportedFolder | SavedRequest], chain: list[Defaults]
    ) -> list[_Json]:
        return [
            self.folder(item, chain)
            if isinstance(item, ImportedFolder)
            else self.request(item, chain)
            for item in items
        ]

    def folder(self, folder: ImportedFolder, chain: list[Defaults]) -> _Json:
        written: _Json = {"name": folder.name}
        if folder.description:
            written["description"] = folder.description
        written["item"] = self.items(folder.items, [*chain, folder.defaults])
        auth = _auth(folder.defaults.auth)
        if auth is not None:
            written["auth"] = auth
        if folder.defaults.variables:
            written["variable"] = [_variable(v) for v in folder.defaults.variables]
        return written

    def request(self, request: SavedRequest, chain: list[Defaults]) -> _Json:
        names = {v.name for v in request.variables}
        url, path_names = _postman_path(self.full_url(request.url, chain), names)
        if not has_query(url) and any(p.enabled and p.name for p in request.params):
            url = url_with_params(url, request.params)
        body = _body(request)
        description = request.description
        if request.auth.kind is AuthKind.PAYSERA_MAC:
            note = (
                "Paysera MAC auth (MAC id "
                f"{request.auth.get('mac_id')}) is not available in Postman: sign the "
                "request yourself."
            )
            description = f"{description.rstrip()}\n\n{note}" if description.strip() else note
        written: _Json = {"name": request.name}
        postman_request: _Json = {}
        auth = _auth(request.auth)
        if auth is not None:
            postman_request["auth"] = auth
        postman_request["method"] = request.method
        postman_request["header"] = [_row(h) for h in self.headers(request, chain)]
        if body is not None:
            postman_request["body"] = body
        path_variables = [v for v in request.variables if v.name in path_names]
        postman_request["url"] = _url_object(url, request.params, path_variables)
        if description:
            postman_request["description"] = description
        written["request"] = postman_request
        others = [v for v in request.variables if v.name not in path_names]
        if others:
            written["variable"] = [_variable(v) for v in others]
        behaviour: _Json = {}
        follow = request.follow_redirects
        if follow is None:
            inherited = next(
                (d.follow_redirects for d in reversed(chain) if d.follow_redirects is not None),
                False,
            )
            if not inherited:
                behaviour["followRedirects"] = False
        else:
            behaviour["followRedirects"] = follow
        if request.method in _PRUNED_METHODS and body is not None:
            behaviour["disableBodyPruning"] = True
        if behaviour:
            written["protocolProfileBehavior"] = behaviour
        written["response"] = [_example(example) for example in request.examples]
        return written

    def full_url(self, url: str, chain: list[Defaults]) -> str:
        """The URL Postman needs: a path joined to the base URL it inherits."""
        if has_scheme(url) or url.lstrip().startswith("{{"):
            return url
        for defaults in reversed(chain):
            if defaults.base_url and defaults.base_url.strip():
                base = defaults.base_url
                if defaults is self.top and self.base_url_variable:
                    base = "{{" + self.base_url_variable + "}}"
                return join_url(base, url)
        return url

    @staticmethod
    def headers(request: SavedRequest, chain: list[Defaults]) -> list[KeyValue]:
        inherited: list[KeyValue] = []
        for defaults in chain:
            rows = [h for h in defaults.headers if h.enabled and h.name.strip()]
            replaced = {h.name.strip().lower() for h in rows}
            inherited = [h for h in inherited if h.name.strip().lower() not in replaced] + rows
        own = {h.name.strip().lower() for h in request.headers if h.name.strip()}
        return [h for h in inherited if h.name.strip().lower() not in own] + list(request.headers)


def _row(row: KeyValue) -> _Json:
    written: _Json = {"key": row.name, "value": row.value}
    if not row.enabled:
        written["disabled"] = True
    return written


def _example(example: ResponseExample) -> _Json:
    """A saved example as Postman keeps one (``status`` is the reason phrase)."""
    written: _Json = {
        "name": example.name,
        "code": example.status,
        "header": [_row(h) for h in example.headers],
        "body": example.body,
    }
    if example.status in HTTPStatus._value2member_map_:
        written["status"] = HTTPStatus(example.status).phrase
    return written


def _variable(variable: Variable) -> _Json:
    written: _Json = {
        "key": variable.name,
        "value": "" if variable.secret else variable.value,
        "type": "secret" if variable.secret else "string",
    }
    if not variable.enabled:
        written["disabled"] = True
    return written


def _auth(spec: AuthSpec) -> _Json | None:
    def settings(kind: str, rows: list[tuple[str, str]]) -> _Json:
        return {
            "type": kind,
            kind: [{"key": k, "value": v, "type": "string"} for k, v in rows],
        }

    if spec.kind is AuthKind.INHERIT:
        return None
    if spec.kind is AuthKind.BASIC:
        return settings(
            "basic", [("username", spec.get("username")), ("password", spec.get("password"))]
        )
    if spec.kind is AuthKind.BEARER:
        return settings("bearer", [("token", spec.get("token"))])
    if spec.kind is AuthKind.API_KEY:
        place = spec.get("in", "header") or "header"
        return settings(
            "apikey", [("key", spec.get("name")), ("value", spec.get("value")), ("in", place)]
        )
    return {"type": "noauth"}  # NONE, and Paysera MAC, which Postman cannot sign


def _body(request: SavedRequest) -> _Json | None:
    mode = request.body_mode
    if mode is BodyMode.JSON:
        if request.body == "":
            return None
        return {"mode": "raw", "raw": request.body, "options": {"raw": {"language": "json"}}}
    if mode is BodyMode.RAW:
        content_type = next(
            (
                h.value.lower()
                for h in reversed(request.headers)
                if h.enabled and h.name.strip().lower() == "content-type"
            ),
            "",
        )
        language = next((lang for mark, lang in _RAW_LANGUAGES if mark in content_type), "text")
        return {"mode": "raw", "raw": request.body, "options": {"raw": {"language": language}}}
    if mode is BodyMode.FORM:
        if not request.form:
            return None
        fields: list[_Json] = []
        for field in request.form:
            row: _Json = {"key": field.name, "value": field.value, "type": "text"}
            if not field.enabled:
                row["disabled"] = True
            fields.append(row)
        return {"mode": "urlencoded", "urlencoded": fields}
    if mode is BodyMode.MULTIPART:
        if not request.form:
            return None
        parts: list[_Json] = []
        for field in request.form:
            part: _Json = {"key": field.name}
            if field.file:
                part["type"] = "file"
                part["src"] = field.value
            else:
                part["value"] = field.value
                part["type"] = "text"
            if field.content_type:
                part["contentType"] = field.content_type
            if not field.enabled:
                part["disabled"] = True
            parts.append(part)
        return {"mode": "formdata", "formdata": parts}
    if mode is BodyMode.FILE:
        return {"mode": "file", "file": {"src": request.body}}
    return {
        "mode": "graphql",
        "graphql": {"query": request.body, "variables": request.graphql_variables},
    }


def _split(url: str) -> tuple[str, str, str, str]:
    """(``scheme://`` or "", host and port, path with its leading ``/``, ``?query#hash``)."""
    fragment_at = url.find("#")
    query_at = url.find("?")
    ends = [i for i in (fragment_at, query_at) if i >= 0]
    cut = min(ends) if ends else len(url)
    head, tail = url[:cut], url[cut:]
    match = _SCHEME.match(head)
    scheme = match.group(0) if match else ""
    rest = head[len(scheme) :]
    slash = rest.find("/")
    if slash < 0:
        return scheme, rest, "", tail
    return scheme, rest[:slash], rest[slash:], tail


def _postman_path(url: str, names: set[str]) -> tuple[str, set[str]]:
    """``url`` with each whole path segment ``{{name}}`` of a request variable written as
    Postman's path variable ``:name``; returns the names so written."""
    scheme, host, path, tail = _split(url)
    if not path or not names:
        return url, set()
    used: set[str] = set()
    segments = path.split("/")
    for index, segment in enumerate(segments):
        match = _WHOLE_VARIABLE.fullmatch(segment)
        if match and match.group(1) in names:
            segments[index] = ":" + match.group(1)
            used.add(match.group(1))
    return scheme + host + "/".join(segments) + tail, used


def _url_object(raw: str, params: Sequence[KeyValue], path_variables: list[Variable]) -> _Json:
    url: _Json = {"raw": raw}
    scheme, host_port, path, tail = _split(raw)
    if scheme:
        url["protocol"] = scheme[: -len("://")]
    host, port = host_port, ""
    port_match = _PORT.match(host_port)
    if port_match and not host_port.startswith("["):
        host, port = port_match.group(1), port_match.group(2)
    if host:
        url["host"] = [host] if _WHOLE_VARIABLE.fullmatch(host) else host.split(".")
    if port:
        url["port"] = port
    if path:
        url["path"] = path[1:].split("/")
    if params:
        url["query"] = [_row(p) for p in params]
    if "#" in tail:
        url["hash"] = tail.split("#", 1)[1]
    if path_variables:
        url["variable"] = [
            {"key": v.name, "value": v.value, **({} if v.enabled else {"disabled": True})}
            for v in path_variables
        ]
    return url
