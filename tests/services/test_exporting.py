from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.collection import AuthKind, SavedRequest
from app.core.urls import has_query, url_with_params
from app.formats import FormatError
from app.formats.postman import read
from app.resources import sample_collection
from app.services.exporting import export_postman, folder_tree
from app.storage.collection_store import load_collection


@pytest.fixture
def sample() -> Path:
    return Path(str(sample_collection()))  # a plain folder in the source tree


def _sent_url(request: SavedRequest) -> str:
    """The URL with the enabled params, as the builder and the sender put them together."""
    return request.url if has_query(request.url) else url_with_params(request.url, request.params)


def test_the_sample_collection_goes_to_postman_and_reads_back_the_same(sample: Path) -> None:
    loaded = load_collection(sample)
    text = export_postman(loaded)
    document = json.loads(text)
    assert document["info"]["name"] == "Demo API (sample)"
    back = read(text.encode(), "sample.postman_collection.json")
    ours = sorted(
        (n.request.method, _sent_url(n.request))
        for n in loaded.tree.walk()
        if n.request is not None
    )
    theirs = sorted((r.method, _sent_url(r)) for _, r in back.requests())
    assert len(theirs) == len(ours) == 26  # counted in the sample collection folder
    assert theirs == ours
    assert sorted(back.folders()) == ["Auth", "Errors", "Payments", "Server", "Wallet"]


def test_a_folder_exported_alone_keeps_what_it_inherits(sample: Path) -> None:
    loaded = load_collection(sample)
    tree, inherited = folder_tree(loaded, Path("payments"))
    assert tree.name == "Payments" and inherited  # the collection's header, at least
    document = json.loads(export_postman(loaded, Path("payments")))
    assert document["info"]["name"] == "Demo API (sample) - Payments"
    first = document["item"][0]["request"]
    assert {"key": "Accept-Language", "value": "en"}.items() <= first["header"][0].items()
    mac = read(export_postman(loaded, Path("auth")).encode(), "auth.json")
    # Postman cannot sign Paysera MAC: written as no auth, and said in the description.
    assert all(r.auth.kind in (AuthKind.NONE, AuthKind.INHERIT) for _, r in mac.requests())
    with pytest.raises(FormatError, match="not a folder or request"):
        folder_tree(loaded, Path("nowhere"))
