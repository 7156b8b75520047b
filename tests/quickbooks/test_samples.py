"""Every real JSON sample under ``../shared/specs/qbo/samples`` (files and the JSON bodies of the
recorded exchanges) parses with the adapter's converter; every Fault maps to a typed error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from hubqbo.errors import ApiError
from hubqbo.models import CompanyProfile
from hubqbo.quickbooks import _wire
from hubqbo.quickbooks._faults import fault_to_error
from tests.quickbooks.conftest import SHARED_QBO

SAMPLES = SHARED_QBO / "samples"
pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"../shared is absent ({SAMPLES}): real QBO samples unavailable"
)


def json_samples() -> list[tuple[str, Any]]:
    """(name, parsed body) for every .json file and every JSON body in the VCR cassettes."""
    found: list[tuple[str, Any]] = []
    if not SAMPLES.is_dir():
        return found
    for path in sorted(SAMPLES.rglob("*.json")):
        found.append(
            (str(path.relative_to(SAMPLES)), _wire.loads(path.read_bytes().lstrip(b"\xef\xbb\xbf")))
        )
    for path in sorted(SAMPLES.rglob("*.yml")):
        for n, exchange in enumerate(yaml.safe_load(path.read_text())["http_interactions"]):
            text = exchange["response"]["body"].get("string") or ""
            if text.lstrip().startswith("{"):
                found.append((f"{path.relative_to(SAMPLES)}#{n}", _wire.loads(text)))
    return found


SAMPLE_BODIES = json_samples()


def us_home() -> str:
    """The home currency of the recorded sample companies (US sandbox companies)."""
    return "USD"


def check_body(body: dict[str, Any]) -> int:
    """Parse every part of one QBO body; returns how many records were converted."""
    converted = 0
    for key, value in body.items():
        if key in _wire.ENTITY_MODELS:
            model = _wire.ENTITY_MODELS[key]
            assert isinstance(_wire.parse_entity(key, value, home_currency=us_home), model)
            converted += 1
        elif key == "QueryResponse":
            for entity in value:
                if isinstance(value[entity], list):
                    records, _ = _wire.parse_query_page(entity, body, home_currency=us_home)
                    assert len(value[entity]) == len(records)
                    converted += len(records)
            if "totalCount" in value:
                assert _wire.parse_query_page("Customer", body)[1] == value["totalCount"]
                converted += 1
        elif key == "CDCResponse":
            changes = _wire.parse_cdc(body, home_currency=us_home)
            converted += sum(len(v) for v in changes.values())
        elif key == "BatchItemResponse":
            for item in value:
                if "Fault" in item:
                    assert isinstance(fault_to_error(200, item), ApiError)
                else:
                    converted += check_body({k: v for k, v in item.items() if k != "bId"}) or 1
        elif key == "Preferences":
            profile = _wire.parse_company_profile("1", {}, value)
            assert isinstance(profile, CompanyProfile)
            converted += 1
        elif key == "Fault":
            error = fault_to_error(400, body)
            assert isinstance(error, ApiError)
            assert value["Error"][0]["code"] == error.code
            converted += 1
        elif key not in ("time",) and isinstance(value, dict):
            converted += 1  # an entity hubqbo has no model for (Vendor, SalesReceipt...)
    return converted


def test_there_are_samples() -> None:
    """The shared samples hold both files and recorded exchanges."""
    names = [name for name, _ in SAMPLE_BODIES]
    assert any(n.endswith(".json") for n in names)
    assert any(".yml#" in n for n in names)


@pytest.mark.parametrize(("name", "body"), SAMPLE_BODIES, ids=[n for n, _ in SAMPLE_BODIES])
def test_sample_parses(name: str, body: Any) -> None:
    """The body converts (records to models, Faults to typed errors) without loss of count."""
    assert isinstance(body, dict), name
    assert check_body(body) >= 1, name


def test_voided_sales_receipt_matches_the_void_rule() -> None:
    """The real voided SalesReceipt (zeroed, "Voided" note) satisfies the voided rule; the
    created one does not."""
    voided = json.loads(
        (SAMPLES / "json-exquickbooks/sales_receipt/void_sales_receipt.json").read_text()
    )
    created = json.loads(
        (SAMPLES / "json-exquickbooks/sales_receipt/create_sales_receipt.json").read_text()
    )
    assert (True, False) == (
        _wire.is_voided(voided["SalesReceipt"]),
        _wire.is_voided({**created["SalesReceipt"], "TotalAmt": 5}),
    )


def test_real_invoice_amounts_are_exact_decimals() -> None:
    """The recorded invoice create parses to Decimal totals, never floats."""
    path = Path(SAMPLES / "vcr-qbo_api/create/invoice.yml")
    text = yaml.safe_load(path.read_text())["http_interactions"][0]["response"]["body"]["string"]
    invoice = _wire.parse_entity("Invoice", _wire.loads(text)["Invoice"])
    assert ("1043", "100.00", "USD") == (invoice.doc_number, str(invoice.total), invoice.currency)
