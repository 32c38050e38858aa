"""Following redirects in the pipeline, against real servers on loopback (app.core.redirects
has the rules)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.collection import (
    AuthKind,
    AuthSpec,
    CollectionNode,
    Defaults,
    LoadedCollection,
    NodeKind,
    SavedRequest,
)
from app.core.mac import body_hash_ext, mac_signature, normalized_string, parse_mac_header
from app.core.redirects import describe_chain
from app.core.request import KeyValue
from app.services.pipeline import Outcome, OutcomeKind, Pipeline, SendPlan
from app.services.workspace import Workspace
from tests.redirect_server import Received, RedirectServer, redirect_server

MAC_ID, MAC_KEY = "client-1", "secret-mac-key"


@pytest.fixture
def server() -> Iterator[RedirectServer]:
    with redirect_server() as running:
        yield running


@pytest.fixture
def other() -> Iterator[RedirectServer]:
    """A second server: another port is another origin."""
    with redirect_server() as running:
        yield running


def send(request: SavedRequest, workspace: Workspace | None = None) -> Outcome:
    pipeline = Pipeline(workspace or Workspace())

    async def main() -> Outcome:
        try:
            plan = pipeline.plan(request)
            assert isinstance(plan, SendPlan), plan
            return await pipeline.execute(plan)
        finally:
            await pipeline.aclose()

    return asyncio.run(main())


def responded(outcome: Outcome) -> tuple[int, object]:
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    assert outcome.exchange is not None
    return outcome.exchange.response.status, outcome.exchange.document


def test_a_chain_is_followed_when_on_and_carries_each_hop(server: RedirectServer) -> None:
    server.routes["/a"] = (302, "/b")
    server.routes["/b"] = (301, server.url("/c"))
    outcome = send(SavedRequest("r", url=server.url("/a"), follow_redirects=True))
    status, document = responded(outcome)
    assert status == 200 and document == {"method": "GET", "path": "/c", "body": ""}
    assert server.paths == ["/a", "/b", "/c"]
    assert outcome.exchange is not None
    hops = outcome.exchange.redirects
    assert [(h.status, h.location) for h in hops] == [(302, "/b"), (301, server.url("/c"))]
    assert hops[0].url == server.url("/b")
    assert outcome.exchange.redirect_stop is None
    assert outcome.request is not None and outcome.request.url == server.url("/c")
    assert describe_chain(hops) == f"Followed 2 redirects: 302 → /b, 301 → {server.url('/c')}."


def test_a_redirect_is_shown_as_sent_when_off(server: RedirectServer) -> None:
    server.routes["/a"] = (302, "/b")
    outcome = send(SavedRequest("r", url=server.url("/a")))
    status, _ = responded(outcome)
    assert status == 302 and server.paths == ["/a"]
    assert outcome.exchange is not None and outcome.exchange.redirects == ()


@pytest.mark.parametrize(("status", "method"), [(303, "PUT"), (303, "POST"), (302, "POST")])
def test_303_and_a_post_after_301_302_become_get_without_body(
    server: RedirectServer, status: int, method: str
) -> None:
    server.routes["/a"] = (status, "/b")
    request = SavedRequest(
        "r", method=method, url=server.url("/a"), body='{"x": 1}', follow_redirects=True
    )
    status_got, document = responded(send(request))
    assert status_got == 200 and document == {"method": "GET", "path": "/b", "body": ""}
    first, second = server.received
    assert first.method == method and first.body == b'{"x": 1}'
    assert "content-type" not in second.headers and second.body == b""


@pytest.mark.parametrize("status", [307, 308])
def test_307_and_308_keep_the_method_and_the_exact_body(
    server: RedirectServer, status: int
) -> None:
    server.routes["/a"] = (status, "/b")
    body = '{"amount": "10.12"}'
    request = SavedRequest(
        "r", method="POST", url=server.url("/a"), body=body, follow_redirects=True
    )
    _, document = responded(send(request))
    assert document == {"method": "POST", "path": "/b", "body": body}
    assert server.received[1].body == body.encode()
    assert server.received[1].headers["content-type"].startswith("application/json")


def test_a_cross_origin_hop_drops_authorization_and_cookie(
    server: RedirectServer, other: RedirectServer
) -> None:
    server.routes["/a"] = (302, "/b")  # same origin: the token goes along
    server.routes["/b"] = (307, other.url("/c"))
    request = SavedRequest(
        "r",
        url=server.url("/a"),
        headers=(KeyValue("Cookie", "session=1"), KeyValue("X-Trace", "t")),
        auth=AuthSpec(AuthKind.BEARER, (("token", "tok"),)),
        follow_redirects=True,
    )
    _, document = responded(send(request))
    assert document == {"method": "GET", "path": "/c", "body": ""}
    a, b = server.received
    assert a.headers["authorization"] == b.headers["authorization"] == "Bearer tok"
    assert b.headers["cookie"] == "session=1"
    (c,) = other.received
    assert "authorization" not in c.headers and "cookie" not in c.headers
    assert c.headers["x-trace"] == "t"


def test_coming_back_to_the_first_origin_stays_unsigned(
    server: RedirectServer, other: RedirectServer
) -> None:
    server.routes["/a"] = (302, other.url("/b"))
    other.routes["/b"] = (302, server.url("/c"))
    auth = AuthSpec(AuthKind.BEARER, (("token", "tok"),))
    responded(send(SavedRequest("r", url=server.url("/a"), auth=auth, follow_redirects=True)))
    assert [r.path for r in server.received] == ["/a", "/c"]
    assert "authorization" not in server.received[1].headers


def _mac_valid(received: Received, port: int) -> bool:
    attributes = parse_mac_header(received.headers["authorization"])
    assert attributes is not None
    text = normalized_string(
        int(attributes["ts"]),
        attributes["nonce"],
        received.method,
        received.path,
        "127.0.0.1",
        port,
        body_hash_ext(received.body),
    )
    return mac_signature(MAC_KEY, text) == attributes["mac"]


def test_a_mac_is_signed_again_for_each_url_on_the_same_origin_and_not_elsewhere(
    server: RedirectServer, other: RedirectServer
) -> None:
    server.routes["/a?x=1"] = (307, "/b?y=2")
    server.routes["/b?y=2"] = (302, other.url("/c"))
    auth = AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", MAC_ID), ("mac_key", MAC_KEY)))
    request = SavedRequest(
        "r", method="POST", url=server.url("/a?x=1"), body="{}", auth=auth, follow_redirects=True
    )
    _, document = responded(send(request))
    assert document == {"method": "GET", "path": "/c", "body": ""}
    a, b = server.received
    assert _mac_valid(a, server.port) and _mac_valid(b, server.port)
    assert a.headers["authorization"] != b.headers["authorization"]
    assert "authorization" not in other.received[0].headers


@pytest.mark.parametrize("location", ["javascript:alert(1)", "file:///etc/passwd"])
def test_a_non_http_location_stops_and_shows_the_redirect_with_a_sentence(
    server: RedirectServer, location: str
) -> None:
    server.routes["/a"] = (302, "/b")
    server.routes["/b"] = (301, location)
    outcome = send(SavedRequest("r", url=server.url("/a"), follow_redirects=True))
    status, _ = responded(outcome)
    assert status == 301 and server.paths == ["/a", "/b"]
    assert outcome.exchange is not None
    assert [h.status for h in outcome.exchange.redirects] == [302]
    scheme = location.split(":", 1)[0]
    assert outcome.exchange.redirect_stop == (
        f'Not followed: the server redirected to a "{scheme}:" URL; only http and https '
        "redirects are followed."
    )


def test_more_than_ten_hops_stop_with_a_sentence(server: RedirectServer) -> None:
    for i in range(20):
        server.routes[f"/{i}"] = (302, f"/{i + 1}")
    outcome = send(SavedRequest("r", url=server.url("/0"), follow_redirects=True))
    status, _ = responded(outcome)
    assert status == 302 and len(server.received) == 11
    assert outcome.exchange is not None and len(outcome.exchange.redirects) == 10
    assert outcome.exchange.redirect_stop == (
        "Stopped after 10 redirects: the server sent another (302 → /11); it may be a loop."
    )


def test_a_redirect_without_location_is_shown_with_a_sentence(server: RedirectServer) -> None:
    server.routes["/a"] = (302, "")
    outcome = send(SavedRequest("r", url=server.url("/a"), follow_redirects=True))
    assert responded(outcome)[0] == 302
    assert outcome.exchange is not None and outcome.exchange.redirect_stop is not None


def _workspace(collection: bool | None, folder: bool | None) -> Workspace:
    request_node = CollectionNode(
        NodeKind.REQUEST, Path("f/r.request.yaml"), "r", request=SavedRequest("r")
    )
    folder_node = CollectionNode(
        NodeKind.FOLDER,
        Path("f"),
        "f",
        defaults=Defaults(follow_redirects=folder),
        children=(request_node,),
    )
    tree = CollectionNode(
        NodeKind.COLLECTION,
        Path("."),
        "c",
        defaults=Defaults(follow_redirects=collection),
        children=(folder_node,),
    )
    workspace = Workspace()
    workspace.set_collection(LoadedCollection(Path("/nowhere"), "c", "id", tree, (), ()))
    return workspace


@pytest.mark.parametrize(
    ("collection", "folder", "own", "expected", "where"),
    [
        (None, None, None, False, "the default"),
        (True, None, None, True, "the collection"),
        (True, False, None, False, 'the folder "f"'),
        (None, True, None, True, 'the folder "f"'),
        (True, True, False, False, 'the folder "f"'),
        (False, None, True, True, "the collection"),
    ],
)
def test_follow_redirects_is_inherited_from_folder_and_collection(
    collection: bool | None, folder: bool | None, own: bool | None, expected: bool, where: str
) -> None:
    workspace = _workspace(collection, folder)
    request = SavedRequest("r", url="http://127.0.0.1:9/a", follow_redirects=own)
    source = "f/r.request.yaml"
    assert workspace.follow_redirects(request, source) is expected
    assert workspace.inherited_follow_redirects(source)[1] == where
    pipeline = Pipeline(workspace)
    plan = pipeline.plan(request, source)
    asyncio.run(pipeline.aclose())
    assert isinstance(plan, SendPlan) and plan.follow_redirects is expected


def test_the_runner_follows_as_the_collection_says(tmp_path: Path, server: RedirectServer) -> None:
    from app.services.runner import CollectionRunner, RunReport, select_requests
    from app.storage.collection_store import load_collection

    server.routes["/a"] = (302, "/b")
    root = tmp_path / "api"
    (root / "moved").mkdir(parents=True)
    (root / "collection.yaml").write_text("name: API\nfollow_redirects: true\n")
    (root / "moved" / "folder.yaml").write_text("name: Moved\n")
    (root / "moved" / "old.request.yaml").write_text(
        "name: Old\nmethod: GET\nurl: /a\nassert:\n  - status: 200\n"
    )
    (root / "stays.request.yaml").write_text(
        "name: Stays\nmethod: GET\nurl: /a\nfollow_redirects: false\nassert:\n  - status: 302\n"
    )
    loaded = load_collection(root)
    workspace = Workspace()
    workspace.set_collection(loaded)
    pipeline = Pipeline(workspace)

    async def main() -> RunReport:
        try:
            return await CollectionRunner(pipeline).run(
                select_requests(loaded, []), base_url=server.url("")
            )
        finally:
            await pipeline.aclose()

    report = asyncio.run(main())
    assert report.passed, [step.outcome.message for step in report.steps]
    assert sorted(server.paths) == ["/a", "/a", "/b"]
