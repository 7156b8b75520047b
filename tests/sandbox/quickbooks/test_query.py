"""The query language: operators, paging, counts, escaping, ordering, errors, transports."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.sandbox.quickbooks.conftest import ClientFactory, fault_codes, query


@pytest.fixture
def client(
    sandbox: QuickBooksSandbox, connect: ClientFactory, us: str, clock: ManualClock
) -> httpx.Client:
    """Customers 'Cust 01'..'Cust 25' created one minute apart, plus Amy's Bird Sanctuary."""
    for number in range(1, 26):
        sandbox.add_customer(us, f"Cust {number:02d}", Notes=str(number))
        clock.advance(seconds=60)
    sandbox.add_customer(us, "Amy's Bird Sanctuary", CompanyName="Robertson & Associates")
    return connect(us)


def names(response: httpx.Response) -> list[str]:
    """DisplayNames of a Customer QueryResponse (empty when the key is omitted)."""
    return [c["DisplayName"] for c in response.json()["QueryResponse"].get("Customer", [])]


def test_paging_with_startposition_and_maxresults(client: httpx.Client) -> None:
    """STARTPOSITION is 1-based; maxResults in the answer is the page's size."""
    page = query(client, "SELECT * FROM Customer ORDERBY Id STARTPOSITION 21 MAXRESULTS 10")
    body = page.json()["QueryResponse"]
    assert (21, 6, "Cust 21") == (
        body["startPosition"],
        body["maxResults"],
        body["Customer"][0]["DisplayName"],
    )


def test_default_page_is_100_and_maxresults_is_capped_at_1000(client: httpx.Client) -> None:
    """MAXRESULTS 1001 is 4001 'value 1001 is too large'."""
    too_many = query(client, "select * from Customer maxresults 1001")
    assert ["4001"] == fault_codes(too_many)
    assert "too large" in too_many.json()["Fault"]["Error"][0]["Detail"]


def test_startposition_zero_is_the_recorded_4001(client: httpx.Client) -> None:
    """STARTPOSITION 0 -> 4001 Invalid query, 'value 0 is too small. Min allowed value is 1'."""
    response = query(client, "select * from Customer startposition 0")
    assert {
        "Message": "Invalid query",
        "Detail": "QueryValidationError: value 0 is too small. Min allowed value is 1",
        "code": "4001",
    } == response.json()["Fault"]["Error"][0]
    assert 400 == response.status_code


def test_unknown_entity_is_invalid_context_declaration(client: httpx.Client) -> None:
    """The recorded typo 'Custmoer' -> 4001 'invalid context declaration: Custmoer'."""
    response = query(client, "SELECT * FROM Custmoer")
    assert (
        "QueryValidationError: invalid context declaration: Custmoer"
        == response.json()["Fault"]["Error"][0]["Detail"]
    )


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM Customer WHERE",
        "SELECT * FROM Customer WHERE DisplayName = 'a' OR DisplayName = 'b'",
        "SELECT * FROM Customer WHERE DisplayName = 'unterminated",
        "SELECT FROM Customer",
        "",
    ],
)
def test_syntax_errors_are_4000(client: httpx.Client, text: str) -> None:
    """OR, dangling WHERE, unterminated strings, missing projection: 4000 Error parsing query."""
    assert ["4000"] == fault_codes(query(client, text))


def test_count_returns_total_count_only(client: httpx.Client) -> None:
    """COUNT(*) answers {"totalCount": n} without the entity key."""
    assert {"totalCount": 26} == query(client, "select COUNT(*) from Customer").json()[
        "QueryResponse"
    ]


def test_entity_key_is_omitted_when_nothing_matches(client: httpx.Client) -> None:
    """No match -> QueryResponse is {} (no entity key, no startPosition)."""
    empty = query(client, "select * from Customer where DisplayName = 'Nobody'")
    assert {} == empty.json()["QueryResponse"]
    assert {} == query(client, "select * from Vendor").json()["QueryResponse"]


def test_escaped_apostrophe_and_ampersand(client: httpx.Client) -> None:
    """The recorded 'Amy\\'s Bird Sanctuary' and an '&' value both match once URL-encoded."""
    amy = query(client, "SELECT * FROM Customer WHERE DisplayName = 'Amy\\'s Bird Sanctuary'")
    amp = query(client, "SELECT * FROM Customer WHERE CompanyName = 'Robertson & Associates'")
    assert (["Amy's Bird Sanctuary"], ["Amy's Bird Sanctuary"]) == (names(amy), names(amp))


def test_keywords_entities_and_values_are_case_insensitive(client: httpx.Client) -> None:
    """'select * from customer where displayname = 'cust 01'' finds 'Cust 01'."""
    assert ["Cust 01"] == names(
        query(client, "select * from customer where displayname = 'cust 01'")
    )


def test_operators_like_in_and_comparisons(client: httpx.Client) -> None:
    """LIKE with %, IN, and Id IN; comparisons on strings."""
    like = query(client, "select * from Customer where DisplayName like 'Cust 1%' orderby Id")
    in_ = query(client, "select * from Customer where Id in ('3', '5')")
    greater = query(client, "select count(*) from Customer where DisplayName >= 'Cust 20'")
    assert [f"Cust {n}" for n in range(10, 20)] == names(like)
    assert ["Cust 03", "Cust 05"] == names(in_)
    assert {"totalCount": 6} == greater.json()["QueryResponse"]


def test_id_allows_only_equality_and_in(client: httpx.Client) -> None:
    """Id > '3' is refused."""
    assert ["4001"] == fault_codes(query(client, "select * from Customer where Id > '3'"))


def test_orderby_desc_and_default_order_by_name(client: httpx.Client) -> None:
    """ORDERBY Id DESC reverses; with no ORDERBY customers come by DisplayName (as recorded)."""
    desc = query(client, "select * from Customer orderby Id desc maxresults 2")
    default = query(client, "select * from Customer maxresults 2")
    assert (["Amy's Bird Sanctuary", "Cust 25"], ["Amy's Bird Sanctuary", "Cust 01"]) == (
        names(desc),
        names(default),
    )


def test_last_updated_time_filter_for_incremental_reads(client: httpx.Client) -> None:
    """MetaData.LastUpdatedTime >= t (any offset; 'Metadata' in any case) selects later records."""
    since = "2026-11-25T09:20:00Z"
    text = (
        f"SELECT * FROM Customer WHERE Metadata.LastUpdatedTime >= '{since}' "  # noqa: S608
        "ORDER BY Metadata.LastUpdatedTime ASC STARTPOSITION 1 MAXRESULTS 1000"
    )
    assert ["Cust 21", "Cust 22", "Cust 23", "Cust 24", "Cust 25", "Amy's Bird Sanctuary"] == names(
        query(client, text)
    )


def test_query_by_post_application_text(client: httpx.Client) -> None:
    """POST /query with Content-Type application/text gives the same answer as GET."""
    text = "select * from Customer where DisplayName = 'Cust 02'"
    posted = client.post(
        "/query", content=text.encode(), headers={"Content-Type": "application/text"}
    )
    assert names(query(client, text)) == names(posted) == ["Cust 02"]


def test_projection_returns_only_the_fields_asked(client: httpx.Client) -> None:
    """SELECT Id, DisplayName answers sparse objects."""
    row = query(client, "select Id, DisplayName from Customer where Id = '1'").json()[
        "QueryResponse"
    ]["Customer"][0]
    assert {"Id": "1", "DisplayName": "Cust 01", "domain": "QBO", "sparse": True} == row


def test_unknown_property_in_where_is_4001(client: httpx.Client) -> None:
    """A property Customer does not have cannot be filtered on."""
    assert ["4001"] == fault_codes(query(client, "select * from Customer where Colour = 'red'"))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30))
def test_backslash_escaping_round_trips_any_display_name(name: str) -> None:
    """Any name stored can be found again by escaping \\ and ' with a backslash."""
    name = name.strip()
    if not name or ":" in name:
        return
    sandbox = QuickBooksSandbox(clock=ManualClock())
    realm = sandbox.add_realm()
    sandbox.add_customer(realm, name)
    escaped = name.replace("\\", "\\\\").replace("'", "\\'")
    with httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"}) as http:
        response = http.get(
            f"https://quickbooks.api.intuit.com/v3/company/{realm}/query",
            params={"query": f"select * from Customer where DisplayName = '{escaped}'"},  # noqa: S608
        )
    assert [name] == names(response)
