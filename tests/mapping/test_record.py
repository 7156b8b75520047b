"""map_record: target values, and a problem per value that does not fit — never a silently
altered value. Fixtures are our own, shaped like QBO's JSON (``../shared/specs/qbo/samples``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hubqbo.mapping import (
    Direction,
    FieldMapping,
    FieldStatus,
    HubSpotProperty,
    LossPolicy,
    MappingSet,
    ObjectPair,
    ProblemKind,
    Transform,
    default_mapping_set,
    map_record,
    tally,
)

IN, OUT = Direction.QBO_TO_HUBSPOT, Direction.HUBSPOT_TO_QBO
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)

CUSTOMER: dict[str, Any] = {
    "Id": "58",
    "SyncToken": "0",
    "GivenName": "Ada",
    "FamilyName": "Lovelace",
    "DisplayName": "Ada Lovelace",
    "CompanyName": "Analytical Engines Ltd",
    "PrimaryEmailAddr": {"Address": "ada@example.com"},
    "PrimaryPhone": {"FreeFormNumber": "(555) 555-0100"},
    "BillAddr": {
        "Id": "2",
        "Line1": "12 St James's Square",
        "City": "London",
        "CountrySubDivisionCode": "LND",
        "PostalCode": "SW1Y 4JH",
        "Country": "GB",
    },
    "Balance": Decimal("0"),
    "MetaData": {"CreateTime": "2026-11-25T09:00:00-08:00"},
}


def two_way(pair: ObjectPair) -> MappingSet:
    """The defaults, every mapping turned two-way (they keep LossPolicy.REFUSE)."""
    out = default_mapping_set(pair)
    for m in list(out):
        if m.qbo_field not in ("TotalAmt", "Balance"):
            out = out.edit(m.key, direction=Direction.BOTH)
    return out


def kinds(record: Any) -> list[ProblemKind]:
    return [p.kind for p in record.problems]


# --------------------------------------------------------------------------- shapes


def test_qbo_customer_to_hubspot_contact_properties() -> None:
    out = map_record(default_mapping_set(ObjectPair.CONTACT), IN, CUSTOMER)
    assert out.ok
    assert out.version == 1
    assert out.values == {
        "firstname": "Ada",
        "lastname": "Lovelace",
        "email": "ada@example.com",
        "phone": "(555) 555-0100",
        "company": "Analytical Engines Ltd",
        "address": "12 St James's Square",
        "city": "London",
        "state": "LND",
        "zip": "SW1Y 4JH",
        "country": "GB",
    }
    assert "mobilephone:Mobile.FreeFormNumber" not in out.written  # absent: not mapped


def test_hubspot_contact_to_a_nested_qbo_body() -> None:
    out = map_record(
        two_way(ObjectPair.CONTACT),
        OUT,
        {"firstname": "Ada", "email": "ada@example.com", "city": "London", "jobtitle": "x"},
    )
    assert out.values == {
        "GivenName": "Ada",
        "PrimaryEmailAddr": {"Address": "ada@example.com"},
        "BillAddr": {"City": "London"},
    }


def test_empty_values_clear_and_missing_ones_are_left_alone() -> None:
    out = map_record(
        default_mapping_set(ObjectPair.CONTACT), IN, {"GivenName": "", "FamilyName": None}
    )
    assert out.values == {"firstname": "", "lastname": ""}
    back = map_record(two_way(ObjectPair.PRODUCT), OUT, {"name": "", "price": ""})
    assert back.values == {"Name": "", "UnitPrice": None}


def test_a_record_is_mapped_one_way() -> None:
    with pytest.raises(ValueError, match="one way"):
        map_record(default_mapping_set(ObjectPair.CONTACT), Direction.BOTH, CUSTOMER)


# --------------------------------------------------------------------------- e-mail


def test_several_qbo_addresses_into_hubspot_email() -> None:
    several = {"PrimaryEmailAddr": {"Address": "ada@example.com, accounts@example.com"}}
    refused = map_record(default_mapping_set(ObjectPair.CONTACT), IN, several)
    assert kinds(refused) == [ProblemKind.SEVERAL_EMAILS]
    assert refused.values == {}
    assert refused.refused == ("email:PrimaryEmailAddr.Address",)
    first = default_mapping_set(ObjectPair.CONTACT).edit("email", transform=Transform.FIRST_EMAIL)
    kept = map_record(first, IN, several)
    assert kept.values == {"email": "ada@example.com"}
    assert kept.lossy == ("email:PrimaryEmailAddr.Address",)


def test_qbo_email_into_another_hubspot_string_is_copied() -> None:
    notes = default_mapping_set(ObjectPair.CONTACT).add(
        FieldMapping("hs_additional_emails", "PrimaryEmailAddr.Address", IN)
    )
    out = map_record(notes, IN, {"PrimaryEmailAddr": {"Address": "a@x.co, b@y.co"}})
    assert out.values["hs_additional_emails"] == "a@x.co, b@y.co"


def test_addresses_qbo_would_not_take_are_refused() -> None:
    contacts = two_way(ObjectPair.CONTACT)
    bad = map_record(contacts, OUT, {"email": "ada at example.com"})
    assert kinds(bad) == [ProblemKind.INVALID_EMAIL]
    assert "ada at example.com" in bad.problems[0].message
    joined = map_record(contacts, OUT, {"email": "ada@example.com;bob@example.com"})
    assert joined.values == {"PrimaryEmailAddr": {"Address": "ada@example.com, bob@example.com"}}
    long = "a" * 90 + "@example.com"
    assert kinds(map_record(contacts, OUT, {"email": long})) == [ProblemKind.TOO_LONG]


def test_bill_email_takes_one_address() -> None:
    invoices = default_mapping_set(ObjectPair.INVOICE).add(
        FieldMapping("billing_email", "BillEmail.Address", OUT, policy="refuse")
    )
    two = {"billing_email": "a@x.co, b@y.co"}
    assert kinds(map_record(invoices, OUT, two)) == [ProblemKind.SEVERAL_EMAILS]
    first = invoices.edit("billing_email", transform=Transform.FIRST_EMAIL)
    assert map_record(first, OUT, two).values == {"BillEmail": {"Address": "a@x.co"}}
    cc = default_mapping_set(ObjectPair.INVOICE).add(
        FieldMapping("billing_cc", "BillEmailCc.Address", OUT, policy="refuse")
    )
    assert map_record(cc, OUT, {"billing_cc": "a@x.co,b@y.co"}).values == {
        "BillEmailCc": {"Address": "a@x.co, b@y.co"}
    }


# --------------------------------------------------------------------------- lengths, options


def test_too_long_is_refused_unless_truncated() -> None:
    contacts = two_way(ObjectPair.CONTACT)
    name = "Featherstonehaugh-Smythe"  # 24 > FamilyName's 15
    out = map_record(contacts, OUT, {"lastname": name, "firstname": "Ada"})
    assert kinds(out) == [ProblemKind.TOO_LONG]
    assert out.problems[0].message == (
        "Customer.FamilyName: takes at most 15 characters, the value has 24"
    )
    assert out.values == {"GivenName": "Ada"}  # the other field is still mapped
    cut = contacts.edit("lastname", transform=Transform.TRUNCATE, policy=None)
    assert map_record(cut, OUT, {"lastname": name}).values == {"FamilyName": name[:15]}


def test_enumeration_values_need_a_counterpart() -> None:
    currencies = HubSpotProperty("hs_currency", "enumeration", "select", options=("EUR", "USD"))
    invoices = default_mapping_set(ObjectPair.INVOICE)
    ok = map_record(invoices, IN, {"CurrencyRef": {"value": "EUR"}}, hubspot=[currencies])
    assert ok.values == {"hs_currency": "EUR"}
    odd = map_record(invoices, IN, {"CurrencyRef": {"value": "XAU"}}, hubspot=[currencies])
    assert kinds(odd) == [ProblemKind.UNKNOWN_OPTION]
    status = FieldMapping(
        "invoice_state",
        "EmailStatus",
        Direction.BOTH,
        "enumeration",
        "select",
        hubspot_options=("unsent", "sent"),
        option_map={"unsent": "NeedToSend", "sent": "EmailSent"},
        policy=LossPolicy.REFUSE,
    )
    mapped = invoices.add(status)
    assert map_record(mapped, OUT, {"invoice_state": "sent"}).values == {"EmailStatus": "EmailSent"}
    assert map_record(mapped, IN, {"EmailStatus": "NeedToSend"}).values["invoice_state"] == "unsent"
    assert kinds(map_record(mapped, IN, {"EmailStatus": "NotSet"})) == [ProblemKind.UNKNOWN_OPTION]
    assert kinds(map_record(mapped, OUT, {"invoice_state": "lost"})) == [ProblemKind.UNKNOWN_OPTION]


# --------------------------------------------------------------------------- numbers


def test_numbers_are_copied_exactly_never_rounded() -> None:
    products = two_way(ObjectPair.PRODUCT)
    out = map_record(products, OUT, {"price": "12.34567", "hs_cost_of_goods_sold": "0.125"})
    assert out.values == {"UnitPrice": Decimal("12.34567"), "PurchaseCost": Decimal("0.125")}
    back = map_record(products, IN, {"UnitPrice": Decimal("0.00125"), "PurchaseCost": 7})
    assert back.values == {"price": "0.00125", "hs_cost_of_goods_sold": "7"}


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_numbers_that_are_not_finite_are_refused(raw: str) -> None:
    out = map_record(two_way(ObjectPair.PRODUCT), OUT, {"price": raw})
    assert kinds(out) == [ProblemKind.NOT_FINITE]
    assert out.values == {}
    back = map_record(default_mapping_set(ObjectPair.PRODUCT), IN, {"UnitPrice": Decimal(raw)})
    assert kinds(back) == [ProblemKind.NOT_FINITE]


def test_a_source_value_of_the_wrong_type_is_a_problem() -> None:
    out = map_record(two_way(ObjectPair.PRODUCT), OUT, {"price": "twelve"})
    assert kinds(out) == [ProblemKind.INVALID_SOURCE_VALUE]
    assert "HubSpot price holds 'twelve'" in out.problems[0].message
    back = map_record(default_mapping_set(ObjectPair.PRODUCT), IN, {"UnitPrice": 1.5})
    assert kinds(back) == [ProblemKind.INVALID_SOURCE_VALUE]  # a float is not exact


# --------------------------------------------------------------------------- dates


def test_qbo_dates_become_the_days_start_in_the_portals_zone() -> None:
    out = map_record(
        default_mapping_set(ObjectPair.INVOICE),
        IN,
        {"TxnDate": "2026-12-01", "DueDate": "2026-12-31"},
        hubspot_time_zone="America/New_York",
    )
    assert out.values == {
        "hs_invoice_date": "2026-12-01T05:00:00.000Z",
        "hs_due_date": "2026-12-31T05:00:00.000Z",
    }


def test_hubspot_datetimes_become_qbo_dates_only_at_a_days_start() -> None:
    invoices = default_mapping_set(ObjectPair.INVOICE).edit("hs_due_date", direction=Direction.BOTH)
    tokyo = "Asia/Tokyo"
    start = map_record(
        invoices, OUT, {"hs_due_date": "2026-12-31T15:00:00.000Z"}, qbo_time_zone=tokyo
    )
    assert start.values == {"DueDate": "2027-01-01"}
    noon = map_record(invoices, OUT, {"hs_due_date": "2026-12-31T03:00:00Z"}, qbo_time_zone=tokyo)
    assert kinds(noon) == [ProblemKind.TIME_OF_DAY]
    dated = invoices.edit("hs_due_date", transform=Transform.DATE_ONLY, policy=None)
    kept = map_record(dated, OUT, {"hs_due_date": "2026-12-31T03:00:00Z"}, qbo_time_zone=tokyo)
    assert kept.values == {"DueDate": "2026-12-31"}
    assert kept.lossy == ("hs_due_date:DueDate",)
    millis = map_record(invoices, OUT, {"hs_due_date": "1798761600000"})  # 2027-01-01 UTC
    assert millis.values == {"DueDate": "2027-01-01"}


def test_qbo_datetimes_into_hubspot() -> None:
    stamps = default_mapping_set(ObjectPair.CONTACT).add(
        FieldMapping("qbo_created_at", "MetaData.CreateTime", IN, "datetime", "date")
    )
    out = map_record(stamps, IN, CUSTOMER)
    assert out.values["qbo_created_at"] == "2026-11-25T17:00:00.000Z"
    as_date = default_mapping_set(ObjectPair.CONTACT).add(
        FieldMapping("qbo_created_on", "MetaData.CreateTime", IN, "date", "date", policy="refuse")
    )
    # 09:00 in Los Angeles is no day's start in the portal's zone
    assert kinds(map_record(as_date, IN, CUSTOMER, hubspot_time_zone="UTC")) == [
        ProblemKind.TIME_OF_DAY
    ]


# --------------------------------------------------------------------------- custom fields


def test_invoice_custom_fields_both_ways() -> None:
    path = "CustomField[DefinitionId=1]"
    invoices = default_mapping_set(ObjectPair.INVOICE).add(
        FieldMapping("hs_purchase_order_number", path, Direction.BOTH, policy="refuse")
    )
    out = map_record(invoices, OUT, {"hs_purchase_order_number": "PO-7"})
    assert out.values == {
        "CustomField": [{"DefinitionId": "1", "Type": "StringType", "StringValue": "PO-7"}]
    }
    qbo = {
        "CustomField": [
            {"DefinitionId": "1", "Name": "PO", "Type": "StringType", "StringValue": "PO-9"}
        ]
    }
    assert map_record(invoices, IN, qbo).values["hs_purchase_order_number"] == "PO-9"
    too_long = map_record(invoices, OUT, {"hs_purchase_order_number": "x" * 32})
    assert kinds(too_long) == [ProblemKind.TOO_LONG]


# --------------------------------------------------------------------------- status


def test_tally_counts_written_and_refused_values() -> None:
    contacts = two_way(ObjectPair.CONTACT)
    first = map_record(contacts, OUT, {"firstname": "Ada", "lastname": "Lovelace"})
    second = map_record(contacts, OUT, {"firstname": "Bo", "lastname": "Featherstonehaugh-Smythe"})
    later = T0 + dt.timedelta(minutes=5)
    statuses = tally(tally({}, first, T0), second, later)
    assert statuses["firstname:GivenName"] == FieldStatus(
        "firstname:GivenName", 2, 0, None, None, later
    )
    last = statuses["lastname:FamilyName"]
    assert (last.written, last.refused, last.health.value) == (1, 1, "failing")
    assert last.last_refusal == "Customer.FamilyName: takes at most 15 characters, the value has 24"
    assert FieldStatus.of(last) == last
    assert tally(statuses, second, later)["lastname:FamilyName"].refused == 2
