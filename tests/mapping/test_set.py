"""MappingSet: versions, refusals when saved, diff, JSON, views, and validation."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hubqbo import MappingError, MappingTypeError
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
    custom_field,
    default_mapping_set,
    validate,
)

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def kinds(exc: MappingError) -> list[ProblemKind]:
    return [p.kind for p in exc.problems]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- versions


def test_add_edit_delete_return_new_numbered_versions() -> None:
    v1 = default_mapping_set(ObjectPair.CONTACT)
    v2 = v1.add(FieldMapping("jobtitle", "Title", Direction.BOTH))
    v3 = v2.edit("jobtitle", direction=Direction.QBO_TO_HUBSPOT)
    v4 = v3.delete("Title")
    assert [v.version for v in (v1, v2, v3, v4)] == [1, 2, 3, 4]
    assert [v.based_on for v in (v1, v2, v3, v4)] == [None, 1, 2, 3]
    assert [v.change for v in (v2, v3, v4)] == [
        "add jobtitle:Title",
        "edit jobtitle:Title",
        "delete jobtitle:Title",
    ]
    assert "jobtitle:Title" not in v1
    assert "jobtitle:Title" in v2
    assert "jobtitle:Title" not in v4
    assert v4.mappings == v1.mappings


def test_editing_a_default_makes_it_the_users_own() -> None:
    v2 = default_mapping_set(ObjectPair.PRODUCT).edit("price", direction=Direction.BOTH)
    assert v2.get("price:UnitPrice").default is False
    assert v2.get("name:Name").default is True


def test_edit_with_a_replacement() -> None:
    v1 = default_mapping_set(ObjectPair.PRODUCT)
    new = FieldMapping(
        "description", "PurchaseDesc", Direction.QBO_TO_HUBSPOT, "string", "textarea"
    )
    v2 = v1.edit("description:Description", new)
    assert "description:PurchaseDesc" in v2
    assert "description:Description" not in v2
    with pytest.raises(TypeError):
        v1.edit("name", new, direction=Direction.BOTH)


def test_diff_names_added_removed_and_changed() -> None:
    v1 = default_mapping_set(ObjectPair.PRODUCT)
    v2 = v1.add(FieldMapping("hs_recurring_billing_period", "PurchaseDesc")).delete("hs_sku")
    v3 = v2.edit("price", direction=Direction.BOTH)
    diff = v1.diff(v3)
    assert [m.key for m in diff.added] == ["hs_recurring_billing_period:PurchaseDesc"]
    assert [m.key for m in diff.removed] == ["hs_sku:Sku"]
    assert [(a.key, b.direction) for a, b in diff.changed] == [("price:UnitPrice", Direction.BOTH)]
    text = str(diff)
    assert text.startswith("v1 -> v4")
    assert "~ price:UnitPrice: direction, default" in text
    assert v3.diff(v3).is_empty
    assert "(no change)" in str(v3.diff(v3))


def test_get_suggests_the_nearest_names() -> None:
    contacts = default_mapping_set(ObjectPair.CONTACT)
    with pytest.raises(MappingError, match=r"did you mean.*firstname"):
        contacts.get("firstnme")
    two = contacts.add(FieldMapping("jobtitle", "CompanyName", Direction.QBO_TO_HUBSPOT))
    with pytest.raises(MappingError, match="several mappings"):
        two.get("CompanyName")


# --------------------------------------------------------------------------- refusals


def test_read_only_qbo_targets_are_refused_when_saved() -> None:
    invoices = default_mapping_set(ObjectPair.INVOICE)
    for path in ("TotalAmt", "Balance", "MetaData.LastUpdatedTime", "Id", "SyncToken"):
        with pytest.raises(MappingError) as caught:
            invoices.edit(
                "qbo_invoice_total",
                FieldMapping(
                    "qbo_invoice_total",
                    path,
                    Direction.BOTH,
                    "string",
                    "text",
                    policy=LossPolicy.REFUSE,
                    transform=None,
                ),
            )
        assert ProblemKind.READ_ONLY_TARGET in kinds(caught.value), path
        assert f"QBO Invoice.{path} is computed by QuickBooks" in str(caught.value)


def test_read_only_hubspot_targets_are_refused_when_saved() -> None:
    invoices = default_mapping_set(ObjectPair.INVOICE)
    with pytest.raises(MappingError, match="hs_amount_billed is calculated or read-only"):
        invoices.add(
            FieldMapping(
                "hs_amount_billed", "Deposit", Direction.QBO_TO_HUBSPOT, "number", "number"
            )
        )
    # with live definitions, whatever they mark read-only
    props = {
        "my_calc": HubSpotProperty("my_calc", "number", "calculation_equation", calculated=True)
    }
    with pytest.raises(MappingError, match="my_calc is calculated"):
        invoices.add(
            FieldMapping(
                "my_calc", "Deposit", Direction.QBO_TO_HUBSPOT, "number", "calculation_equation"
            ),
            hubspot=props,
        )
    # reading from it into QBO is fine
    ok = invoices.add(
        FieldMapping(
            "my_calc", "Deposit", Direction.HUBSPOT_TO_QBO, "number", "calculation_equation"
        ),
        hubspot=props,
    )
    assert ok.version == 2


def test_unknown_qbo_field_suggests_the_nearest() -> None:
    with pytest.raises(MappingError) as caught:
        default_mapping_set(ObjectPair.CONTACT).add(FieldMapping("jobtitle", "Titel"))
    assert kinds(caught.value) == [ProblemKind.UNKNOWN_QBO_FIELD]
    assert "Title" in caught.value.problems[0].suggestions  # type: ignore[attr-defined]
    assert "did you mean" in str(caught.value)


def test_custom_fields_on_invoices_only() -> None:
    path = "CustomField[DefinitionId=1]"
    invoices = default_mapping_set(ObjectPair.INVOICE).add(
        FieldMapping("hs_purchase_order_number", path, Direction.BOTH, policy=LossPolicy.REFUSE)
    )
    assert path in invoices.get(path).qbo_field
    for pair in (ObjectPair.CONTACT, ObjectPair.PRODUCT):
        with pytest.raises(MappingError) as caught:
            default_mapping_set(pair).add(FieldMapping("x", path, Direction.BOTH))
        assert kinds(caught.value) == [ProblemKind.CUSTOM_FIELD_NOT_ALLOWED]
        assert "sales transactions" in str(caught.value)


def test_lossy_pairs_need_a_transform_or_policy() -> None:
    contacts = default_mapping_set(ObjectPair.CONTACT)
    two_way = FieldMapping("jobtitle", "Suffix", Direction.BOTH)  # Suffix: 15 characters
    with pytest.raises(MappingTypeError) as caught:
        contacts.add(two_way)
    assert kinds(caught.value) == [ProblemKind.LOSSY_WITHOUT_POLICY]
    assert "HubSpot jobtitle (string/text) -> QBO Customer.Suffix (string(15)) is lossy" in str(
        caught.value
    )
    assert contacts.add(FieldMapping("jobtitle", "Suffix", Direction.BOTH, transform="truncate"))
    assert contacts.add(FieldMapping("jobtitle", "Suffix", Direction.BOTH, policy="refuse"))
    # one way into HubSpot nothing is lost
    assert contacts.add(FieldMapping("jobtitle", "Suffix", Direction.QBO_TO_HUBSPOT))


def test_a_transform_must_apply_to_the_pair() -> None:
    with pytest.raises(MappingTypeError) as caught:
        default_mapping_set(ObjectPair.PRODUCT).edit("price", transform=Transform.DATE_ONLY)
    assert kinds(caught.value) == [ProblemKind.TRANSFORM_NOT_APPLICABLE]


def test_one_source_per_target() -> None:
    contacts = default_mapping_set(ObjectPair.CONTACT)
    with pytest.raises(MappingError) as caught:
        contacts.add(FieldMapping("jobtitle", "GivenName", Direction.QBO_TO_HUBSPOT)).edit(
            "jobtitle", direction=Direction.BOTH, policy=LossPolicy.REFUSE
        ).edit("firstname", direction=Direction.BOTH)
    assert ProblemKind.DUPLICATE_TARGET in kinds(caught.value)
    with pytest.raises(MappingError, match="already written by firstname:GivenName"):
        contacts.add(FieldMapping("firstname", "MiddleName", Direction.QBO_TO_HUBSPOT))
    with pytest.raises(MappingError, match="there twice"):
        contacts.add(contacts.get("firstname"))


def test_refusal_lists_every_problem_of_the_mapping() -> None:
    with pytest.raises(MappingTypeError) as caught:
        default_mapping_set(ObjectPair.INVOICE).add(
            FieldMapping("hs_due_date", "TotalAmt", Direction.BOTH, "datetime", "date")
        )
    found = kinds(caught.value)
    assert ProblemKind.READ_ONLY_TARGET in found
    assert ProblemKind.INCOMPATIBLE_TYPES in found


# --------------------------------------------------------------------------- storage


@pytest.mark.parametrize("pair", list(ObjectPair))
def test_json_round_trip_and_digest(pair: ObjectPair) -> None:
    v1 = default_mapping_set(pair)
    text = v1.to_json()
    assert MappingSet.from_json(text) == v1
    assert MappingSet.from_json(json.loads(text)).digest == v1.digest
    assert json.loads(text)["format"] == "hubqbo.mapping_set/1"


def test_a_stored_set_that_breaks_the_rules_is_refused() -> None:
    data = json.loads(default_mapping_set(ObjectPair.INVOICE).to_json())
    data["mappings"][0]["direction"] = "both"
    data["mappings"][0]["qbo_field"] = "TotalAmt"
    with pytest.raises(MappingError, match="stored mapping set v1 refused"):
        MappingSet.from_json(json.dumps(data))
    with pytest.raises(MappingError, match="not a hubqbo mapping set"):
        MappingSet.from_json('{"format": "other"}')
    with pytest.raises(MappingError, match="not a hubqbo mapping set"):
        MappingSet.from_json("[1, 2")
    data = json.loads(default_mapping_set(ObjectPair.INVOICE).to_json())
    data["mappings"][0]["direction"] = "sideways"
    with pytest.raises(MappingError, match="not a hubqbo mapping set"):
        MappingSet.from_json(data)


# --------------------------------------------------------------------------- validation


def test_validate_returns_every_problem_with_suggestions() -> None:
    props = [
        HubSpotProperty("name"),
        HubSpotProperty("descripton", "string", "textarea"),
        HubSpotProperty("price", "date", "date"),
        HubSpotProperty("hs_sku"),
        HubSpotProperty("hs_cost_of_goods_sold", "number", "number"),
    ]
    problems = validate(default_mapping_set(ObjectPair.PRODUCT), props)
    by_mapping = {p.mapping: p for p in problems}
    assert set(by_mapping) == {"description:Description", "price:UnitPrice"}
    assert by_mapping["description:Description"].suggestions == ("descripton",)
    price = [p.kind for p in problems if p.mapping == "price:UnitPrice"]
    assert price == [ProblemKind.TYPE_CHANGED, ProblemKind.INCOMPATIBLE_TYPES]


def test_validate_checks_custom_fields_against_the_company() -> None:
    invoices = default_mapping_set(ObjectPair.INVOICE).add(
        FieldMapping("hs_purchase_order_number", "CustomField[DefinitionId=2]", policy="refuse")
    )
    props = {m.hubspot_property: m.hubspot for m in invoices}
    assert validate(invoices, props) == ()
    assert validate(invoices, props, [custom_field(2)]) == ()
    missing = validate(invoices, props, [custom_field(1)])
    assert [p.kind for p in missing] == [ProblemKind.UNKNOWN_QBO_FIELD]
    assert missing[0].suggestions == ("CustomField[DefinitionId=1]",)


# --------------------------------------------------------------------------- views


def test_views_show_direction_types_lossy_marks_and_status() -> None:
    contacts = default_mapping_set(ObjectPair.CONTACT).add(
        FieldMapping("jobtitle", "Suffix", Direction.BOTH, transform=Transform.TRUNCATE)
    )
    text = str(contacts)
    assert (
        text.splitlines()[0]
        == "HubSpot contact <-> QBO Customer: mapping set v2, from v1 (add jobtitle:Suffix)"
    )
    row = next(line for line in text.splitlines() if line.startswith("jobtitle"))
    assert "<->" in row
    assert "string(15)" in row
    assert "lossy (length)" in row
    assert "truncate" in row
    assert "user" in row
    email = next(line for line in text.splitlines() if line.startswith("email"))
    assert "lossy (emails)" in email
    assert "email(100)" in email
    assert "default" in email
    status = FieldStatus("jobtitle:Suffix").wrote(T0).refused_with("too long", T0)
    view = contacts.with_status([status])
    shown = str(view)
    assert "last refusal" in shown.splitlines()[1]
    assert "failing" in next(line for line in shown.splitlines() if line.startswith("jobtitle"))
    assert "not synced" in next(line for line in shown.splitlines() if line.startswith("firstname"))
    page = view._repr_html_()
    assert page.startswith("<table>")
    assert '<tr class="lossy"><td>email</td>' in page
    assert "<td>too long</td>" in page
    assert "<th>QBO field</th>" in contacts._repr_html_()


def test_one_hubspot_property_has_one_type_in_a_set() -> None:
    """Found by the add/edit/delete property: two mappings disagreeing on a property's type."""
    contacts = default_mapping_set(ObjectPair.CONTACT)
    with pytest.raises(MappingTypeError) as caught:
        contacts.add(
            FieldMapping("lastname", "Notes", Direction.QBO_TO_HUBSPOT, "enumeration", "select")
        )
    assert ProblemKind.CONFLICTING_TYPES in kinds(caught.value)
    assert "but string/text in lastname:FamilyName" in str(caught.value)


def test_a_type_hubspot_does_not_have_is_refused() -> None:
    with pytest.raises(MappingTypeError) as caught:
        default_mapping_set(ObjectPair.PRODUCT).add(FieldMapping("x", "Sku", hubspot_type="strng"))
    assert kinds(caught.value) == [ProblemKind.UNKNOWN_HUBSPOT_TYPE]
    assert "did you mean string" in str(caught.value)
