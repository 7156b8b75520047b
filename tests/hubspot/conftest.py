"""Fixtures for the HubSpot client tests: cassettes (vcrpy, replay only), contract harness."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest
import vcr
from vcr.request import Request as VcrRequest

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "hubspot"


def _body(request: VcrRequest) -> object:
    raw = request.body or b""
    text = raw.decode() if isinstance(raw, bytes) else raw
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return sorted(parse_qsl(text))


def _same_body(r1: VcrRequest, r2: VcrRequest) -> None:
    """Bodies match as JSON (key order free) or as form fields."""
    assert _body(r1) == _body(r2), f"{_body(r1)!r} != {_body(r2)!r}"


def replaying(name: str) -> vcr.cassette.CassetteContextDecorator:
    """Replay ``tests/cassettes/hubspot/<name>.yaml`` only: an unrecorded request fails."""
    recorder = vcr.VCR(
        record_mode="none",
        filter_headers=["authorization"],
        match_on=["method", "scheme", "host", "path", "query", "json_body"],
    )
    recorder.register_matcher("json_body", _same_body)
    return recorder.use_cassette(str(CASSETTES / f"{name}.yaml"), allow_playback_repeats=False)


@pytest.fixture(scope="session")
def hubspot_specs() -> object | None:
    """HubSpot's OpenAPI descriptions (patched by the harness's defect list), or None when
    ``../shared`` is absent (contract checks are then skipped; CI has it)."""
    from tests.contract.hubspot_openapi import HubSpotSpecs, shared_specs_dir

    directory = shared_specs_dir()
    return HubSpotSpecs(directory) if directory is not None else None


def validating(inner: httpx.BaseTransport, specs: object | None) -> httpx.BaseTransport:
    """``inner`` wrapped in the strict OpenAPI contract harness when the specs are present."""
    if specs is None:
        return inner
    from tests.contract.hubspot_openapi import ValidatingTransport

    return ValidatingTransport(inner, specs, strict=True)  # type: ignore[arg-type]


@pytest.fixture
def contract(hubspot_specs: object | None) -> httpx.BaseTransport:
    """A real ``HTTPTransport`` (intercepted by vcrpy) inside the contract harness."""
    return validating(httpx.HTTPTransport(), hubspot_specs)
