"""HubSpot error JSON + status → hubqbo's exception classes (one pure function)."""

from __future__ import annotations

import json

import pytest

from hubqbo.errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    DuplicateNameError,
    LockedError,
    MigrationInProgressError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from hubqbo.hubspot import error_from_body, error_from_response


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (423, LockedError),
        (477, MigrationInProgressError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (521, ServerError),
        (523, ServerError),
        (524, ServerError),
        (418, ValidationError),
    ],
)
def test_status_decides_the_class(status: int, cls: type[ApiError]) -> None:
    """Each documented status maps to its class, even with an empty body."""
    error = error_from_response(status, b"", {})
    assert (cls, status, "hubspot") == (type(error), error.status_code, error.provider)


def test_full_body_is_carried() -> None:
    """message, category, correlationId and errors[] end up on the exception."""
    error = error_from_response(
        400,
        body(
            status="error",
            message="Property values were not valid",
            correlationId="aeb5f871-7f07-4993-9211-075dc63e7cbf",
            category="VALIDATION_ERROR",
            errors=[{"message": "bad email", "in": "email", "code": "INVALID_EMAIL"}],
            context={"missingScopes": ["crm.objects.deals.write"]},
        ),
        {},
    )
    assert (
        "Property values were not valid",
        "VALIDATION_ERROR",
        "aeb5f871-7f07-4993-9211-075dc63e7cbf",
        ("email, INVALID_EMAIL: bad email", "missingScopes: crm.objects.deals.write"),
        False,
    ) == (error.message, error.code, error.request_id, error.details, error.retryable)


def test_every_field_is_optional() -> None:
    """A body of {} or non-JSON still maps; the correlation id header is a fallback."""
    error = error_from_response(403, b"<html>nope</html>", {"X-HubSpot-Correlation-Id": "c-1"})
    assert (PermissionDeniedError, "<html>nope</html>", "c-1") == (
        type(error),
        error.message,
        error.request_id,
    )
    assert "HTTP 500" == error_from_response(500, b"{}", {}).message


def test_ten_secondly_429_waits_the_window_and_is_retryable() -> None:
    """TEN_SECONDLY_ROLLING: retry after the reported interval (10 s by default)."""
    raw = body(
        status="error",
        message="You have reached your ten_secondly_rolling limit.",
        errorType="RATE_LIMIT",
        correlationId="c-2",
        policyName="TEN_SECONDLY_ROLLING",
    )
    error = error_from_response(429, raw, {})
    assert isinstance(error, RateLimitedError)
    assert ("TEN_SECONDLY_ROLLING", 10.0, True) == (
        error.policy,
        error.retry_after,
        error.retryable,
    )
    interval = error_from_response(429, raw, {"X-HubSpot-RateLimit-Interval-Milliseconds": "2500"})
    assert isinstance(interval, RateLimitedError)
    assert 2.5 == interval.retry_after
    retry_after = error_from_response(429, raw, {"Retry-After": "4"})
    assert isinstance(retry_after, RateLimitedError)
    assert 4.0 == retry_after.retry_after


def test_daily_429_is_not_retryable() -> None:
    """DAILY: raise, do not spin until midnight."""
    error = error_from_response(
        429,
        body(
            message="You have reached your daily limit.", errorType="RATE_LIMIT", policyName="DAILY"
        ),
        {},
    )
    assert isinstance(error, RateLimitedError)
    assert ("DAILY", False) == (error.policy, error.retryable)


def test_search_secondly_limit_waits_one_second() -> None:
    """Search's "secondly limit" message: wait one second."""
    error = error_from_response(429, body(message="You have reached your secondly limit."), {})
    assert isinstance(error, RateLimitedError)
    assert 1.0 == error.retry_after


def test_conflicts_on_unique_values_are_duplicates() -> None:
    """409 "already exists" → DuplicateNameError; other 409s stay ConflictError."""
    dup = error_from_response(409, body(message="Contact already exists. Existing ID: 1201"), {})
    other = error_from_response(409, body(message="Conflict on pipeline stage"), {})
    assert (DuplicateNameError, ConflictError) == (type(dup), type(other))


def test_batch_entries_map_by_category() -> None:
    """207 errors[] carry status "error": their category decides the class."""
    assert [ValidationError, NotFoundError, DuplicateNameError, ApiError] == [
        type(
            error_from_body(
                None, {"status": "error", "category": "VALIDATION_ERROR", "message": "x"}
            )
        ),
        type(
            error_from_body(
                None, {"status": "error", "category": "OBJECT_NOT_FOUND", "message": "x"}
            )
        ),
        type(error_from_body(None, {"category": "CONFLICT", "message": "value already exists"})),
        type(error_from_body(None, {"status": "error", "message": "unknown"})),
    ]


def test_locked_is_retryable() -> None:
    """423 Locked is worth a retry (after >= 2 s, see test_retries)."""
    assert error_from_response(423, body(message="Locked"), {}).retryable


def test_migration_in_progress_carries_retry_after() -> None:
    """477 Migration in Progress: a ServerError subclass whose retry_after is HubSpot's
    Retry-After in seconds (up to 24 h); absent header, no wait is invented."""
    error = error_from_response(
        477, body(status="error", message="Migration in progress"), {"Retry-After": "3600"}
    )
    bare = error_from_response(477, b"", {})
    assert isinstance(error, MigrationInProgressError)
    assert isinstance(bare, MigrationInProgressError)
    assert (3600.0, True, 477, None) == (
        error.retry_after,
        isinstance(error, ServerError),
        error.status_code,
        bare.retry_after,
    )


def test_a_400_of_unique_value_conflicts_only_is_a_duplicate() -> None:
    """A 400 VALIDATION_ERROR whose every problem is a unique-value conflict is a
    DuplicateNameError (the value belongs to another record); one other problem keeps it a
    ValidationError."""
    conflict = {
        "message": '"r:1" already has that value. Property "qbo_ref" requires unique values.',
        "code": "CONFLICTING_UNIQUE_VALUE",
        "in": "qbo_ref",
    }
    other = {"message": 'Property "colour" does not exist', "code": "PROPERTY_DOESNT_EXIST"}
    only = error_from_response(
        400, body(category="VALIDATION_ERROR", message="invalid", errors=[conflict]), {}
    )
    mixed = error_from_response(
        400, body(category="VALIDATION_ERROR", message="invalid", errors=[conflict, other]), {}
    )
    by_message = error_from_response(
        400,
        body(
            category="VALIDATION_ERROR",
            message="x",
            errors=[{"message": "7 already has that value."}],
        ),
        {},
    )
    assert (DuplicateNameError, ValidationError, DuplicateNameError) == (
        type(only),
        type(mixed),
        type(by_message),
    )
