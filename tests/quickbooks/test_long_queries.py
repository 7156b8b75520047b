"""Long queries (a big ``IN`` list) go as ``POST /query`` with an ``application/text`` body, as
QBO documents, instead of a GET whose URL could pass server limits."""

from __future__ import annotations

import httpx

from hubqbo.quickbooks import QuickBooksClient, select
from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.quickbooks.conftest import make_client


class Recorder(httpx.BaseTransport):
    """Passes requests to the sandbox and keeps them."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)


def setup(customers: int) -> tuple[QuickBooksSandbox, Recorder, list[str], QuickBooksClient]:
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="US")
    ids = [sandbox.add_customer(realm, f"Customer {n:04d}") for n in range(customers)]
    recorder = Recorder(sandbox)
    client, _, _ = make_client(transport=recorder, clock=clock, realm_id=realm)
    return sandbox, recorder, ids, client


def test_long_in_list_is_posted_as_application_text() -> None:
    """An ``Id IN (...)`` of 400 ids is sent as POST /query (text body, minorversion in the
    URL, no query parameter) and answers every record; the URL stays short."""
    _, recorder, ids, client = setup(400)
    query = select("Customer").where("Id", "IN", ids)
    found = sorted(c.id for c in client.iter_query(query))
    assert sorted(ids) == found
    [request] = recorder.requests
    assert ("POST", "application/text") == (request.method, request.headers["Content-Type"])
    assert {"minorversion": "75"} == dict(request.url.params)
    assert request.content.decode().startswith("SELECT * FROM Customer WHERE Id IN ('")
    assert len(str(request.url)) < 200


def test_short_query_stays_a_get() -> None:
    """An ordinary query is ``GET /query?query=...`` with no body."""
    _, recorder, ids, client = setup(3)
    found = [c.id for c in client.iter_query(select("Customer").where("Id", "IN", ids))]
    assert sorted(ids) == sorted(found)
    [request] = recorder.requests
    assert ("GET", b"") == (request.method, request.content)
    assert request.url.params["query"].startswith("SELECT * FROM Customer WHERE Id IN")
