"""Both sandboxes served over loopback HTTP: other processes share one world, survive SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from hubqbo.hubspot import HubSpotClient
from hubqbo.models import Customer
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import (
    Fault,
    FaultPlan,
    HubSpotSandbox,
    ManualClock,
    QuickBooksSandbox,
    serve_sandboxes,
)
from hubqbo.sandbox.hubspot import demo_seed

SRC = Path(__file__).resolve().parents[2] / "src"

# A worker that writes 12 QuickBooks customers (one requestid each) and upserts 12 HubSpot
# contacts by e-mail, printing its progress; started again from the beginning after a crash,
# it must end with exactly 12 of each.
WORKER = textwrap.dedent(
    """
    import sys
    from hubqbo.hubspot import HubSpotClient
    from hubqbo.models import Customer
    from hubqbo.quickbooks import QuickBooksClient

    hubspot_url, quickbooks_url, realm = sys.argv[1:4]
    qbo = QuickBooksClient(realm_id=realm, access_token="t", base_url=quickbooks_url)
    hubspot = HubSpotClient(access_token="pat-t", base_url=hubspot_url)
    for n in range(12):
        qbo.create_customer(Customer(display_name=f"Worker {n:02d}"), request_id=f"cust-{n}")
        hubspot.batch_upsert("contacts", [{"email": f"w{n}@x.example", "firstname": f"W{n}"}],
                             id_property="email")
        print("done", n, flush=True)
    print("finished", flush=True)
    """
)


def _worker(served_hubspot: str, served_qbo: str, realm: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, served_hubspot, served_qbo, realm],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_worker_killed_with_sigkill_and_restarted_ends_with_no_duplicates() -> None:
    """The providers' state lives in this process; the worker dies mid-run (SIGKILL) and a new
    one finishes the job: 12 customers and 12 contacts, none twice."""
    hubspot, quickbooks = HubSpotSandbox(), QuickBooksSandbox()
    realm = quickbooks.add_realm(country="GB")
    with serve_sandboxes(hubspot, quickbooks) as served:
        first = _worker(served.hubspot_url, served.quickbooks_url, realm)
        assert first.stdout is not None
        for _ in range(5):
            assert first.stdout.readline().startswith("done")
        first.send_signal(signal.SIGKILL)
        assert -signal.SIGKILL == first.wait(timeout=30)
        died_after = len(quickbooks.records(realm, "Customer"))
        second = _worker(served.hubspot_url, served.quickbooks_url, realm)
        out, _ = second.communicate(timeout=120)
        assert 0 == second.returncode
        assert out.splitlines()[-1] == "finished"
    names = sorted(c["DisplayName"] for c in quickbooks.records(realm, "Customer"))
    emails = sorted(c["properties"]["email"] for c in hubspot.records("contacts"))
    assert 5 <= died_after < 12
    assert [f"Worker {n:02d}" for n in range(12)] == names
    assert sorted(f"w{n}@x.example" for n in range(12)) == emails


def test_a_world_served_killed_saved_and_reloaded_lets_a_new_worker_finish(
    tmp_path: Path,
) -> None:
    """Worker killed mid-run; the serving process saves both worlds and stops; a new process
    loads them, serves them again, and a new worker finishes: the saved requestid replays and
    unique e-mails keep it from writing anything twice."""
    hubspot, quickbooks = HubSpotSandbox(), QuickBooksSandbox()
    realm = quickbooks.add_realm(country="US")
    with serve_sandboxes(hubspot, quickbooks) as served:
        first = _worker(served.hubspot_url, served.quickbooks_url, realm)
        assert first.stdout is not None
        for _ in range(4):
            assert first.stdout.readline().startswith("done")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    hubspot.save(tmp_path / "hubspot.json")
    quickbooks.save(tmp_path / "quickbooks.json")
    hubspot_again = HubSpotSandbox.load(tmp_path / "hubspot.json")
    quickbooks_again = QuickBooksSandbox.load(tmp_path / "quickbooks.json")
    with serve_sandboxes(hubspot_again, quickbooks_again) as served:
        second = _worker(served.hubspot_url, served.quickbooks_url, realm)
        out, _ = second.communicate(timeout=120)
    names = [c["DisplayName"] for c in quickbooks_again.records(realm, "Customer")]
    emails = [c["properties"]["email"] for c in hubspot_again.records("contacts")]
    assert (0, "finished") == (second.returncode, out.splitlines()[-1])
    assert [f"Worker {n:02d}" for n in range(12)] == sorted(names)
    assert (12, 12) == (len(set(emails)), len(emails))


def test_clients_in_this_process_talk_to_the_served_world_over_sockets() -> None:
    """HubSpotClient and QuickBooksClient with base_url= read what the sandbox holds, and
    their writes land in it; paging links point back at the served address."""
    clock = ManualClock()
    hubspot, quickbooks = HubSpotSandbox(clock=clock), QuickBooksSandbox(clock=clock)
    ids = hubspot.seed(demo_seed())
    realm = quickbooks.add_realm(country="US")
    with serve_sandboxes(hubspot, quickbooks) as served:
        hs = HubSpotClient(access_token="pat-t", base_url=served.hubspot_url)
        qbo = QuickBooksClient(realm_id=realm, access_token="t", base_url=served.quickbooks_url)
        deal = hs.get_deal(ids["deal-acme"])
        made = qbo.create_customer(Customer(display_name="Served Co"))
        page = httpx.get(
            f"{served.hubspot_url}/crm/v3/objects/contacts?limit=1",
            headers={"Authorization": "Bearer t"},
        ).json()
        profile = qbo.company_profile()
    assert "Acme rollout" == deal.name
    assert "Served Co" == (quickbooks.get(realm, "Customer", made.id or "") or {})["DisplayName"]
    assert page["paging"]["next"]["link"].startswith(served.hubspot_url + "/crm/v3/objects/")
    assert "USD" == profile.home_currency


def test_quickbooks_oauth_and_revoke_answer_on_the_served_port() -> None:
    """Intuit's token endpoint (its own host in production) answers at its real path."""
    quickbooks = QuickBooksSandbox()
    realm = quickbooks.add_realm()
    code = quickbooks.authorize(realm)
    with serve_sandboxes(quickbooks=quickbooks) as served:
        token = httpx.post(
            f"{served.quickbooks_url}/oauth2/v1/tokens/bearer",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": "x"},
            auth=("sandbox-client-id", "sandbox-client-secret"),
        )
        access = token.json()["access_token"]
        preferences = httpx.get(
            f"{served.quickbooks_url}/v3/company/{realm}/preferences",
            headers={"Authorization": f"Bearer {access}", "Accept": "application/json"},
        )
        revoked = httpx.post(
            f"{served.quickbooks_url}/v2/oauth2/tokens/revoke",
            json={"token": token.json()["refresh_token"]},
            auth=("sandbox-client-id", "sandbox-client-secret"),
        )
        after = httpx.get(
            f"{served.quickbooks_url}/v3/company/{realm}/preferences",
            headers={"Authorization": f"Bearer {access}"},
        )
    assert (200, 200, 200, 401) == (
        token.status_code,
        preferences.status_code,
        revoked.status_code,
        after.status_code,
    )


def test_an_injected_reset_drops_the_connection_after_the_write() -> None:
    """Fault.reset_after_apply served: the client gets no answer, the record exists."""
    hubspot = HubSpotSandbox(faults=FaultPlan.scripted([Fault.reset_after_apply(method="POST")]))
    with (
        serve_sandboxes(hubspot=hubspot) as served,
        httpx.Client(base_url=served.hubspot_url) as client,
        pytest.raises(httpx.TransportError),
    ):
        client.post(
            "/crm/v3/objects/deals",
            json={"properties": {"dealname": "Lost answer"}},
            headers={"Authorization": "Bearer t"},
        )
    assert ["Lost answer"] == [d["properties"]["dealname"] for d in hubspot.records("deals")]


def test_a_world_saved_served_and_reloaded_answers_the_same(tmp_path: Path) -> None:
    """Save after a served session, load into fresh sandboxes, serve again: same answers."""
    clock = ManualClock()
    hubspot, quickbooks = HubSpotSandbox(clock=clock), QuickBooksSandbox(clock=clock)
    ids = hubspot.seed(demo_seed())
    realm = quickbooks.add_realm(country="GB", realm_id="123145")
    quickbooks.add_customer(realm, "Acme Ltd")

    def read(served_hubspot: str, served_qbo: str) -> list[str]:
        headers = {"Authorization": "Bearer t"}
        return [
            httpx.get(
                f"{served_hubspot}/crm/v3/objects/deals/{ids['deal-acme']}", headers=headers
            ).text,
            httpx.get(
                f"{served_qbo}/v3/company/{realm}/query",
                params={"query": "select * from Customer"},
                headers=headers,
            ).text,
        ]

    with serve_sandboxes(hubspot, quickbooks) as served:
        before = read(served.hubspot_url, served.quickbooks_url)
    hubspot.save(tmp_path / "hs.json")
    quickbooks.save(tmp_path / "qbo.json")
    with serve_sandboxes(
        HubSpotSandbox.load(tmp_path / "hs.json", clock=clock),
        QuickBooksSandbox.load(tmp_path / "qbo.json", clock=clock),
    ) as again:
        after = read(again.hubspot_url, again.quickbooks_url)
    assert before == after


def test_latency_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="latency"):
        serve_sandboxes(latency=-1)


def test_a_request_cut_off_mid_body_is_dropped_not_answered_for_its_requestid() -> None:
    """A client killed while sending its body leaves a request shorter than its
    Content-Length: the served sandbox drops it, as a real server does, instead of refusing
    the cut-off JSON and keeping that refusal as the requestid's replay — so the retry with
    the same requestid is applied (this was the served-world kill test's rare failure)."""
    quickbooks = QuickBooksSandbox()
    realm = quickbooks.add_realm(country="US")
    token = quickbooks.authorize(realm)
    body = json.dumps({"DisplayName": "Cut Off Co"}).encode()
    path = f"/v3/company/{realm}/customer?requestid=cut-1&minorversion=75"
    with serve_sandboxes(quickbooks=quickbooks) as served:
        host, port = served.quickbooks_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as raw:
            raw.sendall(
                f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body[:10]
            )
            raw.shutdown(socket.SHUT_WR)  # the client is gone: EOF before the whole body
            assert raw.recv(4096) == b""  # no answer at all
        again = httpx.post(
            served.quickbooks_url + path,
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    assert 200 == again.status_code, again.text
    assert ["Cut Off Co"] == [c["DisplayName"] for c in quickbooks.records(realm, "Customer")]
