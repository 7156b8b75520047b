"""Customers and items: ids, SyncTokens, unique names, sparse/full updates, deactivation, jobs."""

from __future__ import annotations

import pytest

from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.sandbox.quickbooks.conftest import ClientFactory, fault_codes, query


def test_create_returns_the_recorded_customer_shape(connect: ClientFactory, us: str) -> None:
    """Id and SyncToken are strings, MetaData is Pacific time, defaults as QBO fills them."""
    body = connect(us).post("/customer", json={"DisplayName": "Doe5, Jane"}).json()["Customer"]
    assert {
        "Id": "1",
        "SyncToken": "0",
        "MetaData": {
            "CreateTime": "2026-11-25T01:00:00-08:00",
            "LastUpdatedTime": "2026-11-25T01:00:00-08:00",
        },
        "DisplayName": "Doe5, Jane",
        "FullyQualifiedName": "Doe5, Jane",
        "PrintOnCheckName": "Doe5, Jane",
        "Active": True,
        "Job": False,
        "BillWithParent": False,
        "Balance": 0,
        "PreferredDeliveryMethod": "Print",
        "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
    } == {key: body[key] for key in (
        "Id", "SyncToken", "MetaData", "DisplayName", "FullyQualifiedName", "PrintOnCheckName",
        "Active", "Job", "BillWithParent", "Balance", "PreferredDeliveryMethod", "CurrencyRef",
    )}  # fmt: skip


def test_display_name_is_unique_case_insensitively(connect: ClientFactory, us: str) -> None:
    """A second 'ACME corp' after 'Acme Corp' is refused with 6240 Duplicate Name Exists Error."""
    client = connect(us)
    client.post("/customer", json={"DisplayName": "Acme Corp"})
    response = client.post("/customer", json={"DisplayName": "ACME corp "})
    assert (400, ["6240"]) == (response.status_code, fault_codes(response))
    assert "Duplicate Name Exists Error" == response.json()["Fault"]["Error"][0]["Message"]


def test_colon_in_display_name_is_refused(connect: ClientFactory, us: str) -> None:
    """':' is the job separator in FullyQualifiedName and cannot appear in a name."""
    response = connect(us).post("/customer", json={"DisplayName": "Parent:Child"})
    assert 400 == response.status_code
    assert ["6000"] == fault_codes(response)


def test_sparse_update_with_numeric_sync_token_increments_it(
    connect: ClientFactory, us: str, clock: ManualClock
) -> None:
    """Id/SyncToken may be numbers; sparse keeps other fields; SyncToken and time move on."""
    client = connect(us)
    created = client.post(
        "/customer", json={"DisplayName": "Jane", "CompanyName": "Jane Co"}
    ).json()["Customer"]
    clock.advance(seconds=60)
    updated = client.post(
        "/customer",
        json={"Id": 1, "SyncToken": 0, "sparse": True, "PrimaryPhone": {"FreeFormNumber": "1"}},
    ).json()["Customer"]
    assert ("1", "Jane Co", {"FreeFormNumber": "1"}) == (
        updated["SyncToken"],
        updated["CompanyName"],
        updated["PrimaryPhone"],
    )
    assert created["MetaData"]["CreateTime"] == updated["MetaData"]["CreateTime"]
    assert "2026-11-25T01:01:00-08:00" == updated["MetaData"]["LastUpdatedTime"]


def test_full_update_clears_fields_not_sent(connect: ClientFactory, us: str) -> None:
    """Without sparse, omitted writable fields are cleared (the recorded update/customer)."""
    client = connect(us)
    client.post("/customer", json={"DisplayName": "Jane", "CompanyName": "Jane Co"})
    updated = client.post(
        "/customer", json={"Id": "1", "SyncToken": "0", "DisplayName": "Jack Moe"}
    ).json()["Customer"]
    assert ("Jack Moe", None) == (updated["DisplayName"], updated.get("CompanyName"))


def test_stale_sync_token_is_5010_and_changes_nothing(connect: ClientFactory, us: str) -> None:
    """An update with an old SyncToken is refused with 5010 Stale Object Error."""
    client = connect(us)
    client.post("/customer", json={"DisplayName": "Jane"})
    client.post("/customer", json={"Id": "1", "SyncToken": "0", "sparse": True, "Notes": "a"})
    stale = client.post(
        "/customer", json={"Id": "1", "SyncToken": "0", "sparse": True, "Notes": "b"}
    )
    assert (400, ["5010"]) == (stale.status_code, fault_codes(stale))
    assert "a" == client.get("/customer/1").json()["Customer"]["Notes"]


def test_update_of_missing_customer_is_610(connect: ClientFactory, us: str) -> None:
    """Updating an Id that does not exist answers 610 Object Not Found."""
    response = connect(us).post(
        "/customer", json={"Id": "99", "SyncToken": "0", "DisplayName": "X"}
    )
    assert ["610"] == fault_codes(response)


def test_unknown_property_is_2010(connect: ClientFactory, us: str) -> None:
    """QBO rejects unknown properties (the recorded BadJson exchange)."""
    response = connect(us).post("/customer", json={"DisplayName": "X", "BadJson": True})
    assert ["2010"] == fault_codes(response)


def test_deactivated_customer_is_hidden_from_queries_unless_asked(
    connect: ClientFactory, us: str
) -> None:
    """Active=false renames to '(deleted)', frees the name, and default queries skip it."""
    client = connect(us)
    client.post("/customer", json={"DisplayName": "Thrifty Meats"})
    gone = client.post(
        "/customer", json={"Id": "1", "SyncToken": "0", "sparse": True, "Active": False}
    ).json()["Customer"]
    assert ("Thrifty Meats (deleted)", False) == (gone["DisplayName"], gone["Active"])
    assert {} == query(client, "select * from Customer").json()["QueryResponse"]
    everyone = query(client, "select * from Customer where Active in (true, false)").json()
    assert ["1"] == [c["Id"] for c in everyone["QueryResponse"]["Customer"]]
    only_inactive = query(client, "select count(*) from Customer where Active = false").json()
    assert {"totalCount": 1} == only_inactive["QueryResponse"]
    assert 200 == client.post("/customer", json={"DisplayName": "Thrifty Meats"}).status_code


def test_jobs_hang_under_their_parent(connect: ClientFactory, us: str) -> None:
    """ParentRef makes a job: Job true, Level 1, FullyQualifiedName 'Parent:Child'."""
    client = connect(us)
    client.post("/customer", json={"DisplayName": "Parent"})
    job = client.post(
        "/customer", json={"DisplayName": "Kitchen", "ParentRef": {"value": "1"}}
    ).json()["Customer"]
    assert (True, 1, "Parent:Kitchen") == (job["Job"], job["Level"], job["FullyQualifiedName"])


def test_customer_foreign_currency_needs_multicurrency(
    sandbox: QuickBooksSandbox, connect: ClientFactory, us: str
) -> None:
    """A EUR customer is refused while multicurrency is off and accepted when it is on."""
    refused = connect(us).post(
        "/customer", json={"DisplayName": "Euro", "CurrencyRef": {"value": "EUR"}}
    )
    assert ["6000"] == fault_codes(refused)
    multi = sandbox.add_realm(country="US", multi_currency=True)
    accepted = connect(multi).post(
        "/customer", json={"DisplayName": "Euro", "CurrencyRef": {"value": "EUR"}}
    )
    assert {"value": "EUR", "name": "Euro"} == accepted.json()["Customer"]["CurrencyRef"]


def test_item_needs_a_name_and_an_income_account(connect: ClientFactory, us: str) -> None:
    """Name missing -> 2020 element Name; Service without IncomeAccountRef -> 2020."""
    client = connect(us)
    no_name = client.post("/item", json={"Type": "Service", "IncomeAccountRef": {"value": "1"}})
    assert ("2020", "Name") == (
        fault_codes(no_name)[0],
        no_name.json()["Fault"]["Error"][0]["element"],
    )
    no_account = client.post("/item", json={"Name": "Hours", "Type": "Service"})
    assert ["2020"] == fault_codes(no_account)
    bad_account = client.post(
        "/item", json={"Name": "Hours", "Type": "Service", "IncomeAccountRef": {"value": "999"}}
    )
    assert ["2500"] == fault_codes(bad_account)


def test_item_shape_and_duplicate_name(connect: ClientFactory, us: str) -> None:
    """An item reads back with its account name; a duplicate Name is 6240."""
    client = connect(us)
    item = client.post(
        "/item",
        json={"Name": "Hours", "UnitPrice": 75, "IncomeAccountRef": {"value": "1"}},
    ).json()["Item"]
    assert ("Service", {"value": "1", "name": "Services"}, 75, True) == (
        item["Type"],
        item["IncomeAccountRef"],
        item["UnitPrice"],
        item["Active"],
    )
    dup = client.post("/item", json={"Name": "hours", "IncomeAccountRef": {"value": "1"}})
    assert ["6240"] == fault_codes(dup)


def test_read_by_id_errors(connect: ClientFactory, us: str) -> None:
    """Unknown id -> 610; a non-integer id -> 2030 Invalid ID (as recorded)."""
    client = connect(us)
    assert ["610"] == fault_codes(client.get("/customer/42"))
    bad = client.get("/customer/1.5")
    assert (["2030"], "Id") == (fault_codes(bad), bad.json()["Fault"]["Error"][0]["element"])


def test_customer_cannot_be_deleted(connect: ClientFactory, us: str) -> None:
    """Name lists have no delete: fault code 500 Unsupported Operation, HTTP 400."""
    client = connect(us)
    client.post("/customer", json={"DisplayName": "X"})
    response = client.post("/customer?operation=delete", json={"Id": "1", "SyncToken": "0"})
    assert (400, ["500"]) == (response.status_code, fault_codes(response))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("vendor", "customer"),
        ("employee", "customer"),
        ("customer", "vendor"),
        ("customer", "employee"),
        ("vendor", "employee"),
    ],
)
def test_display_name_is_one_space_for_customers_vendors_and_employees(
    connect: ClientFactory, us: str, first: str, second: str
) -> None:
    """Intuit: DisplayName is unique across customers, vendors and employees: a name one of
    them uses is refused for another with 6240, case-insensitively; another name is fine, and
    a record keeps its own name on update."""
    client = connect(us)
    made = client.post(f"/{first}", json={"DisplayName": "Acme Inc"})
    assert made.status_code == 200
    taken = client.post(f"/{second}", json={"DisplayName": "ACME inc"})
    assert (400, ["6240"]) == (taken.status_code, fault_codes(taken))
    assert client.post(f"/{second}", json={"DisplayName": "Acme Inc (2)"}).status_code == 200
    own = made.json()[first.title()]
    again = client.post(
        f"/{first}", json={"Id": own["Id"], "SyncToken": own["SyncToken"], "sparse": True}
    )
    assert again.status_code == 200


def test_an_inactive_vendor_frees_its_name(connect: ClientFactory, us: str) -> None:
    """As for customers, a vendor made inactive keeps its name with " (deleted)"."""
    client = connect(us)
    vendor = client.post("/vendor", json={"DisplayName": "Acme Inc"}).json()["Vendor"]
    gone = client.post(
        "/vendor",
        json={**{k: vendor[k] for k in ("Id", "SyncToken")}, "sparse": True, "Active": False},
    )
    assert gone.json()["Vendor"]["DisplayName"] == "Acme Inc (deleted)"
    assert client.post("/customer", json={"DisplayName": "Acme Inc"}).status_code == 200
