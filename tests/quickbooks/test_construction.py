"""Construction refuses what would corrupt every request path before anything is sent."""

from __future__ import annotations

import httpx
import pytest

from hubqbo.errors import ConfigurationError
from hubqbo.quickbooks import QuickBooksClient

SENT: list[httpx.Request] = []


def answer(request: httpx.Request) -> httpx.Response:
    SENT.append(request)
    return httpx.Response(200, json={})


TRANSPORT = httpx.MockTransport(answer)


@pytest.mark.parametrize("realm", ["../../v3/company/1", "9130?x=1", "91 30", "9130/customer"])
def test_realm_id_that_would_change_the_path_is_refused(realm: str) -> None:
    """A realm id lands in ``/v3/company/{realmId}/...``: anything but letters, digits, '-'
    and '_' is a ConfigurationError (an OAuth callback value is untrusted input)."""
    with pytest.raises(ConfigurationError, match="not a QBO company id"):
        QuickBooksClient(realm_id=realm, access_token="t", transport=TRANSPORT)
    assert [] == SENT


def test_numeric_realm_id_is_accepted_and_trimmed() -> None:
    """Real realm ids are long digit strings; surrounding spaces are trimmed."""
    client = QuickBooksClient(realm_id=" 9130355222573944 ", access_token="t", transport=TRANSPORT)
    assert "9130355222573944" == client.realm_id
