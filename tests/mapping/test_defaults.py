"""The three default sets validate against the HubSpot sandbox's property definitions, read
through the client as a user would (``read_properties``), after the custom invoice properties
the defaults need are created; they round-trip as JSON and map a sandbox record."""

from __future__ import annotations

import pytest

from hubqbo.errors import MappingError
from hubqbo.hubspot import HubSpotClient, read_properties
from hubqbo.mapping import (
    DEFAULT_MAPPINGS,
    DEFAULT_PROPERTY_SPECS,
    Direction,
    FieldMapping,
    HubSpotProperty,
    ObjectPair,
    ProblemKind,
    default_mapping_set,
    map_record,
    validate,
)
from hubqbo.models import CrmObjectType, PropertyGroupSpec, PropertySpec
from hubqbo.sandbox import HubSpotSandbox


@pytest.fixture
def client() -> HubSpotClient:
    crm = HubSpotClient(access_token="sandbox", transport=HubSpotSandbox())
    crm.ensure_properties([PropertyGroupSpec(CrmObjectType.INVOICE)], DEFAULT_PROPERTY_SPECS)
    return crm


@pytest.mark.parametrize("pair", list(ObjectPair))
def test_defaults_validate_against_the_sandbox(client: HubSpotClient, pair: ObjectPair) -> None:
    properties = read_properties(client, pair)
    assert validate(default_mapping_set(pair), properties) == ()
    for mapping in DEFAULT_MAPPINGS[pair]:  # the recorded types are the sandbox's
        live = properties[mapping.hubspot_property]
        assert (live.type, live.field_type) == (mapping.hubspot_type, mapping.hubspot_field_type)


def test_without_the_custom_properties_the_invoice_defaults_say_what_is_missing() -> None:
    bare = HubSpotClient(access_token="sandbox", transport=HubSpotSandbox())
    problems = validate(default_mapping_set(ObjectPair.INVOICE), read_properties(bare, "invoices"))
    assert {p.mapping for p in problems} == {
        "qbo_invoice_number:DocNumber",
        "qbo_invoice_total:TotalAmt",
        "qbo_invoice_balance:Balance",
    }
    assert {p.kind for p in problems} == {ProblemKind.UNKNOWN_HUBSPOT_PROPERTY}


def test_hubspots_own_invoice_amounts_are_read_only(client: HubSpotClient) -> None:
    """Why the defaults use hubqbo's properties: the sandbox (like HubSpot) refuses writes."""
    properties = read_properties(client, ObjectPair.INVOICE)
    assert not properties["hs_amount_billed"].writable
    assert not properties["hs_number"].writable
    with pytest.raises(MappingError, match="hs_amount_billed is calculated or read-only"):
        default_mapping_set(ObjectPair.INVOICE).add(
            FieldMapping.between(properties["hs_amount_billed"], "Deposit"), hubspot=properties
        )
    problems = validate(
        default_mapping_set(ObjectPair.INVOICE).delete("qbo_invoice_total"), properties
    )
    assert problems == ()


def test_a_custom_property_read_live_can_be_mapped(client: HubSpotClient) -> None:
    client.ensure_properties(
        [PropertyGroupSpec(CrmObjectType.CONTACT)],
        [PropertySpec(CrmObjectType.CONTACT, "qbo_notes", "QBO notes", "string", "textarea")],
    )
    properties = read_properties(client, ObjectPair.CONTACT)
    notes = properties["qbo_notes"]
    assert notes == HubSpotProperty("qbo_notes", "string", "textarea", label="QBO notes")
    contacts = default_mapping_set(ObjectPair.CONTACT).add(
        FieldMapping.between(notes, "Notes", Direction.QBO_TO_HUBSPOT), hubspot=properties
    )
    assert validate(contacts, properties) == ()
    misspelt = contacts.add(FieldMapping("qbo_note", "PrintOnCheckName"))
    found = validate(misspelt, properties)
    assert [p.kind for p in found] == [ProblemKind.UNKNOWN_HUBSPOT_PROPERTY]
    assert found[0].suggestions[0] == "qbo_notes"


def test_mapped_values_are_accepted_by_the_sandbox(client: HubSpotClient) -> None:
    """A QBO customer mapped with the defaults is a contact the sandbox stores as sent."""
    customer = {
        "GivenName": "Ada",
        "FamilyName": "Lovelace",
        "PrimaryEmailAddr": {"Address": "ada@example.com"},
        "BillAddr": {"City": "London", "PostalCode": "SW1Y 4JH"},
    }
    out = map_record(default_mapping_set(ObjectPair.CONTACT), Direction.QBO_TO_HUBSPOT, customer)
    created = client.batch_create(CrmObjectType.CONTACT, [dict(out.values)])
    assert created.ok
    record = client.get_object(
        CrmObjectType.CONTACT, created.records[0].id, properties=list(out.values)
    )
    assert {k: record.properties[k] for k in out.values} == out.values
