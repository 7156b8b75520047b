"""hubqbo.testing, the opt-in pytest plugin, exercised in fresh pytest runs (pytester)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def _conftest(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["hubqbo.testing"]\n')


def test_a_users_test_uses_the_fixtures_in_five_lines(pytester: pytest.Pytester) -> None:
    """The README promise: a fresh project, one conftest line, a five-line test."""
    _conftest(pytester)
    pytester.makepyfile(
        """
        def test_acme_is_a_customer(hubqbo_world, hubqbo_requests):
            qbo = hubqbo_world.quickbooks_client()
            names = sorted(c.display_name for c in qbo.iter_customers())
            assert ["Acme Corp", "Globex GmbH"] == names
            assert 1 <= hubqbo_requests.quickbooks(method="GET")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_without_the_plugin_the_fixtures_do_not_exist(pytester: pytest.Pytester) -> None:
    """Opt-in: nothing is registered unless pytest_plugins names hubqbo.testing."""
    pytester.makepyfile("def test_x(hubqbo_clock):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'hubqbo_clock' not found*"])


def test_clock_faults_counters_and_both_sandboxes(pytester: pytest.Pytester) -> None:
    """The clock drives both sandboxes; fault plans reach them; counters start at zero."""
    _conftest(pytester)
    pytester.makepyfile(
        """
        import httpx
        import pytest
        from hubqbo.sandbox import Fault

        def test_clock_is_shared(hubqbo_clock, hubqbo_hubspot, hubqbo_quickbooks):
            assert hubqbo_hubspot.clock is hubqbo_clock is hubqbo_quickbooks.clock
            assert "2026-11-25T09:00:00+00:00" == hubqbo_clock.now().isoformat()

        def test_faults_reach_the_sandbox(hubqbo_faults, hubqbo_hubspot, hubqbo_requests):
            hubqbo_faults.hubspot.add(Fault.server_error(503))
            client = httpx.Client(transport=hubqbo_hubspot, base_url="https://api.hubapi.com",
                                  headers={"Authorization": "Bearer t"})
            assert 503 == client.get("/crm/v3/objects/deals").status_code
            assert 200 == client.get("/crm/v3/objects/deals").status_code
            assert (2, 1) == (hubqbo_requests.hubspot(), hubqbo_requests.hubspot(status=503))
            assert 0 == hubqbo_requests.quickbooks()

        def test_realm(hubqbo_quickbooks, hubqbo_realm):
            assert [hubqbo_realm] == hubqbo_quickbooks.realm_ids

        def test_world(hubqbo_world):
            deal = hubqbo_world.hubspot_client().get_deal(hubqbo_world.hs["deal-acme"])
            assert "Acme rollout" == deal.name
            assert {"term:Net 30", "item:Widget", "customer:Acme Corp"} <= set(hubqbo_world.qbo)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_served_fixture_answers_over_http(pytester: pytest.Pytester) -> None:
    """hubqbo_served: real sockets, the same world as the sandbox fixtures."""
    _conftest(pytester)
    pytester.makepyfile(
        """
        import httpx

        def test_served(hubqbo_served, hubqbo_hubspot):
            deal = hubqbo_hubspot.create("deals", {"dealname": "Boat"})
            answer = httpx.get(f"{hubqbo_served.hubspot_url}/crm/v3/objects/deals/{deal}",
                               headers={"Authorization": "Bearer t"})
            assert "Boat" == answer.json()["properties"]["dealname"]
            assert hubqbo_served.quickbooks_url.startswith("http://127.0.0.1:")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_failing_user_test_fails(pytester: pytest.Pytester) -> None:
    """The fixtures do not hide failures: a wrong expectation fails the user's test."""
    _conftest(pytester)
    pytester.makepyfile(
        """
        def test_wrong(hubqbo_world):
            assert [] == hubqbo_world.quickbooks.records(hubqbo_world.realm_id, "Customer")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
