"""One pure function maps every QBO error shape to hubqbo's error classes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.errors import (
    ApiError,
    AuthenticationError,
    DuplicateDocNumberError,
    DuplicateNameError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    StaleObjectError,
    ValidationError,
)
from hubqbo.quickbooks import fault_to_error


def fault(code: str, message: str = "m", kind: str = "ValidationFault") -> dict[str, Any]:
    return {"Fault": {"Error": [{"Message": message, "Detail": "d", "code": code}], "type": kind}}


@pytest.mark.parametrize(
    ("status", "body", "cls", "retryable"),
    [
        (400, fault("5010", "Stale Object Error"), StaleObjectError, False),
        (400, fault("6240", "Duplicate Name Exists Error"), DuplicateNameError, False),
        (400, fault("6140", "Duplicate Document Number Error"), DuplicateDocNumberError, False),
        (400, fault("610", "Object Not Found"), NotFoundError, False),
        (400, fault("6000", "A business validation error has occurred"), ValidationError, False),
        (400, fault("2020", "Required param missing"), ValidationError, False),
        (400, fault("2010", "Request has invalid or unsupported property"), ValidationError, False),
        (400, fault("2500", "Invalid Reference Id"), ValidationError, False),
        (400, fault("4000", "Error parsing query"), ValidationError, False),
        (400, fault("4001", "Invalid query"), ValidationError, False),
        (400, fault("500", "Unsupported Operation"), ValidationError, False),
        (429, fault("3001", "message=ThrottleExceeded", "SERVICE"), RateLimitedError, True),
        (200, fault("3001", "message=ThrottleExceeded", "SERVICE"), RateLimitedError, True),
        (403, fault("3001", "message=ThrottleExceeded", "SERVICE"), RateLimitedError, True),
        (429, None, RateLimitedError, True),
        (
            500,
            fault("10000", "An application error has occurred", "SystemFault"),
            ServerError,
            True,
        ),
        (502, None, ServerError, True),
        (503, None, ServerError, True),
        (504, None, ServerError, True),
        (403, fault("100", "General Authentication Error"), PermissionDeniedError, False),
        (404, None, NotFoundError, False),
        (
            200,
            fault("10000", "An application error has occurred", "SystemFault"),
            ServerError,
            True,
        ),
    ],
)
def test_fault_mapping(status: int, body: Any, cls: type[ApiError], retryable: bool) -> None:
    """Each code/status lands on its class with the right retryability and the intuit_tid."""
    error = fault_to_error(status, body, request_id="1-tid")
    assert (cls, retryable, "1-tid", status) == (
        type(error),
        error.retryable if error else None,
        error.request_id if error else None,
        error.status_code if error else None,
    )


def test_lowercase_401_shape_says_reconnect_and_hides_detail() -> None:
    """The 401 ``fault.error`` shape: AuthenticationError, code kept, detail (token) dropped."""
    body = {
        "fault": {
            "error": [
                {
                    "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                    "detail": "Token expired: eyJsecret",
                    "code": "3200",
                }
            ],
            "type": "AUTHENTICATION",
        },
        "time": 1732525200000,
    }
    error = fault_to_error(401, body, request_id="tid")
    assert isinstance(error, AuthenticationError)
    assert "3200" == error.code
    assert "reconnect" in error.message
    assert "eyJsecret" not in str(error) + repr(error)


def test_retry_after_is_carried_on_throttling() -> None:
    """Retry-After seconds ride on the RateLimitedError."""
    error = fault_to_error(429, fault("3001"), retry_after=12.0)
    assert isinstance(error, RateLimitedError)
    assert 12.0 == error.retry_after


def test_several_errors_keep_the_rest_as_details() -> None:
    """The first Error decides the class; the others are kept as details; element is named."""
    body = {
        "Fault": {
            "Error": [
                {"Message": "Required param missing", "code": "2020", "element": "Line.DetailType"},
                {"Message": "Invalid Reference Id", "Detail": "Item 99", "code": "2500"},
            ]
        }
    }
    error = fault_to_error(400, body)
    assert isinstance(error, ValidationError)
    assert (
        "Required param missing (element Line.DetailType)",
        ("Invalid Reference Id: Item 99",),
    ) == (
        error.message,
        error.details,
    )


@given(
    st.integers(min_value=200, max_value=399),
    st.dictionaries(st.sampled_from(["Invoice", "QueryResponse", "time"]), st.just({})),
)
def test_success_without_fault_is_none(status: int, body: dict[str, Any]) -> None:
    """Any 2xx/3xx body without a Fault is not an error."""
    assert fault_to_error(status, body) is None


@given(st.integers(min_value=200, max_value=599), st.text(max_size=6))
def test_any_fault_or_error_status_is_an_api_error(status: int, code: str) -> None:
    """A Fault (any status) or an error status always yields an ApiError, never None."""
    error = fault_to_error(status, fault(code))
    assert isinstance(error, ApiError)
    assert status == error.status_code
