"""Shared HTTP machinery for the provider adapters (layer 3): retries, pacing, paging,
redaction, idempotency keys and the send loop.

Why: HubSpot and QuickBooks differ in their wire formats, not in how a well-behaved client
retries, paces, pages and keeps secrets out of logs. This package owns that common part once;
each adapter keeps only its wire code (``_wire.py``) and its error mapping.

How a provider plugs in (sketch; see ``hubqbo.quickbooks._client`` for the full use)::

    from hubqbo._http import (HttpRunner, Pacer, RateWindow, RetryPolicy, SystemClock,
                              build_http_client, derive_request_id, paginate)

    # auth: a hubqbo.auth.OAuth2Auth or StaticToken
    client, owned = build_http_client(base_url="https://api.hubapi.com", transport=transport,
                                      auth=auth)
    runner = HttpRunner(
        client=client,
        provider="hubspot",
        raise_for_response=my_error_mapper,   # raises a hubqbo.errors.ApiError subclass, or returns
        request_id_header="x-hubspot-correlation-id",
        retry=RetryPolicy(throttle_delay=10.0),              # jitter=no_jitter in tests
        pacer=Pacer({"requests": RateWindow(100, 10.0)}, clock=clock, sleep=sleep),
        sleep=sleep,
    )
    response = runner.send(request, idempotent=True, pace_key=portal_id)

* ``idempotent=True`` for reads and for writes that carry an idempotency key; then 5xx and
  transport errors are retried too (throttling is always retried: nothing was applied).
* The error mapper gets every response; raise ``RateLimitedError(retry_after=...)`` for throttling
  (use ``parse_retry_after``) and ``ServerError`` for 5xx so the policy can act on them.
* ``paginate(fetch, start)`` turns "fetch page at cursor -> (records, next cursor)" into a lazy
  record iterator; ``chunked`` splits batch inputs.
* ``derive_request_id(operation, payload, namespace=account)`` gives a deterministic 36-char key.
* Time comes from ``hubqbo.clock`` (``Clock``, ``Sleep``; re-exported here).
* Log only through ``redact_headers``/``redact_url``; hold secrets in ``Secret``.
"""

from hubqbo._http._pacing import Pacer, RateWindow
from hubqbo._http._paging import chunked, iter_pages, paginate
from hubqbo._http._redact import (
    REDACTED,
    SENSITIVE_KEYS,
    Secret,
    masked_in_logs,
    redact_headers,
    redact_mapping,
    redact_url,
)
from hubqbo._http._retry import RetryPolicy, equal_jitter, no_jitter, parse_retry_after
from hubqbo._http._runner import HttpRunner, build_http_client, user_agent
from hubqbo.clock import SYSTEM_CLOCK, Clock, Sleep, SystemClock, real_sleep
from hubqbo.idempotency import (
    canonical_json,
    derive_request_id,
    fresh_request_id,
    validate_request_id,
)

__all__ = [
    "REDACTED",
    "SENSITIVE_KEYS",
    "SYSTEM_CLOCK",
    "Clock",
    "HttpRunner",
    "Pacer",
    "RateWindow",
    "RetryPolicy",
    "Secret",
    "Sleep",
    "SystemClock",
    "build_http_client",
    "canonical_json",
    "chunked",
    "derive_request_id",
    "equal_jitter",
    "fresh_request_id",
    "iter_pages",
    "masked_in_logs",
    "no_jitter",
    "paginate",
    "parse_retry_after",
    "real_sleep",
    "redact_headers",
    "redact_mapping",
    "redact_url",
    "user_agent",
    "validate_request_id",
]
