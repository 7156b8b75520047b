"""Every exception hubqbo raises, under one root.

Why: callers catch one thing (``HubQboError``) or exactly the case they can act on. API errors
carry what support needs (provider, HTTP status, provider code, request id) and whether a retry
can help; domain errors say what to do next. Messages never contain tokens or secrets.

The tree::

    HubQboError
    ├── ApiError                      provider, status_code, code, message, request_id, retryable
    │   ├── AuthenticationError       401, invalid_grant: reconnect the app
    │   ├── PermissionDeniedError     403, missing scope
    │   ├── NotFoundError             404, QBO 610 (not found or inactive)
    │   ├── ConflictError             409
    │   │   ├── StaleObjectError      QBO 5010: re-read and re-apply
    │   │   └── LockedError           HubSpot 423 (retryable after >= 2 s)
    │   ├── DuplicateError
    │   │   ├── DuplicateNameError    QBO 6240 (DisplayName), HubSpot unique-value conflicts
    │   │   └── DuplicateDocNumberError  QBO 6140
    │   ├── ValidationError           400: QBO 2010/2020/2500/4000/4001/6000/500,
    │   │                             HubSpot VALIDATION_ERROR
    │   ├── RateLimitedError          429, QBO 3001; retry_after, policy
    │   ├── ServerError               5xx
    │   │   └── MigrationInProgressError  HubSpot 477: nothing applied; retry_after (<= 24 h)
    │   └── UnexpectedResponseError   a reply that is not what the call expects (not JSON, an
    │                                 HTML page, no entity or id, bad types); excerpt, reason
    ├── TransportError                no usable HTTP response (connect, read, reset)
    │   └── RequestTimeout
    ├── ConfigurationError            the library was set up wrongly (missing realm, bad settings)
    ├── StateStoreError               the durable sync state store refuses or cannot work
    │   ├── StoreNotUsable            not a hubqbo store, corrupt, or unreadable: nothing changed
    │   │   └── SchemaTooNew          written by a newer hubqbo: upgrade hubqbo
    │   ├── StoreConnectionError      cannot connect or authenticate (DSN password redacted),
    │   │                             or the driver is missing (pip install 'hubqbo[postgres]')
    │   ├── InvalidTenantName         empty, too long, or characters outside [A-Za-z0-9._@-]
    │   ├── TenantMismatch            the tenant was connected to another portal or realm
    │   ├── LeaseHeld                 another holder has the tenant's lease: wait or give up
    │   ├── LeaseLost                 a newer epoch took the lease over: stop writing
    │   ├── RunAlreadyOpen            the tenant has an open run
    │   ├── LinkConflict              a record is already linked to another record
    │   ├── InvalidTransition         a journal operation cannot move to that state
    │   └── MappingSetVersionConflict  another writer saved a newer mapping set version
    └── DomainError                   hubqbo refuses, before any write, and says why
        ├── CustomTransactionNumbersEnabled
        ├── QuoteNotUsable
        ├── TaxCodeRequired
        ├── AmbiguousCustomerMatch
        ├── CurrencyMismatch
        ├── MappingError
        │   └── MappingTypeError
        ├── SignatureVerificationError
        ├── WebhookPayloadError        a signed webhook body that is not a valid event list
        ├── DraftHasProblems           an invoice draft still has problems (each says what to do)
        ├── InvoiceGone                the invoice this attempt made was deleted or voided in QBO
        └── ContactNotEligible         workflow policy ONLY_IF_ELIGIBLE: contact fails the filter

Example:
    >>> try:
    ...     raise StaleObjectError(provider="quickbooks", status_code=400, code="5010",
    ...                            message="Stale Object Error", request_id="tid-1")
    ... except ApiError as exc:
    ...     (exc.code, exc.retryable)
    ('5010', False)
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousCustomerMatch",
    "ApiError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "ContactNotEligible",
    "CurrencyMismatch",
    "CustomTransactionNumbersEnabled",
    "DomainError",
    "DraftHasProblems",
    "DuplicateDocNumberError",
    "DuplicateError",
    "DuplicateNameError",
    "HubQboError",
    "InvalidTenantName",
    "InvalidTransition",
    "InvoiceGone",
    "LeaseHeld",
    "LeaseLost",
    "LinkConflict",
    "LockedError",
    "MappingError",
    "MappingSetVersionConflict",
    "MappingTypeError",
    "MigrationInProgressError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuoteNotUsable",
    "RateLimitedError",
    "RequestTimeout",
    "RunAlreadyOpen",
    "SchemaTooNew",
    "ServerError",
    "SignatureVerificationError",
    "StaleObjectError",
    "StateStoreError",
    "StoreConnectionError",
    "StoreNotUsable",
    "TaxCodeRequired",
    "TenantMismatch",
    "TransportError",
    "UnexpectedResponseError",
    "ValidationError",
    "WebhookPayloadError",
]


class HubQboError(Exception):
    """Root of every exception hubqbo raises."""


# --------------------------------------------------------------------------- API errors


class ApiError(HubQboError):
    """An error answer from HubSpot or QuickBooks Online.

    Attributes:
        provider: ``"hubspot"`` or ``"quickbooks"``.
        status_code: the HTTP status (QBO can send a Fault with 200).
        code: the provider's error code (QBO ``Fault.Error.code``, HubSpot ``category``).
        message: the provider's message (and detail), free of secrets.
        request_id: QBO ``intuit_tid`` or HubSpot ``correlationId``, for support.
        retryable: whether sending the same request again may succeed.
        details: further provider error entries (messages), if any.
        retry_after: seconds the provider asked to wait before a retry, when it said
            (``Retry-After``); set on throttling and on HubSpot's 477.
    """

    default_retryable = False

    def __init__(
        self,
        *,
        provider: str,
        status_code: int | None,
        code: str | None,
        message: str,
        request_id: str | None = None,
        retryable: bool | None = None,
        details: Sequence[str] = (),
        retry_after: float | None = None,
    ) -> None:
        self.provider = provider
        self.retry_after = retry_after
        self.status_code = status_code
        self.code = code
        self.message = message
        self.request_id = request_id
        self.retryable = self.default_retryable if retryable is None else retryable
        self.details = tuple(details)
        super().__init__(self._render())

    def _render(self) -> str:
        parts = [f"{self.provider}: {self.message}"]
        meta = []
        if self.status_code is not None:
            meta.append(f"HTTP {self.status_code}")
        if self.code:
            meta.append(f"code {self.code}")
        if self.request_id:
            meta.append(f"request id {self.request_id}")
        if meta:
            parts.append(f"({', '.join(meta)})")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(provider={self.provider!r}, status_code={self.status_code!r}, "
            f"code={self.code!r}, message={self.message!r}, request_id={self.request_id!r}, "
            f"retryable={self.retryable!r})"
        )


class AuthenticationError(ApiError):
    """The credentials were refused (expired, revoked, ``invalid_grant``): reconnect the app."""


class PermissionDeniedError(ApiError):
    """The credentials lack a scope or permission for this call."""


class NotFoundError(ApiError):
    """The record does not exist (QBO 610 also means: referenced record is inactive)."""


class ConflictError(ApiError):
    """The request conflicts with the record's current state."""


class StaleObjectError(ConflictError):
    """QBO 5010: the SyncToken is out of date; re-read the record and re-apply the change."""


class LockedError(ConflictError):
    """HubSpot 423 Locked: wait at least two seconds and retry."""

    default_retryable = True


class DuplicateError(ApiError):
    """A record with the same unique value already exists."""


class DuplicateNameError(DuplicateError):
    """QBO 6240: the DisplayName is already used by a customer, vendor or employee."""


class DuplicateDocNumberError(DuplicateError):
    """QBO 6140: the invoice number (DocNumber) is already used."""


class ValidationError(ApiError):
    """The provider refused the request's content (bad field, bad query, business rule)."""


class RateLimitedError(ApiError):
    """Throttled (HTTP 429, QBO fault 3001, HubSpot policy ``TEN_SECONDLY_ROLLING``/``DAILY``).

    Attributes:
        retry_after: seconds to wait before retrying, when known.
        policy: HubSpot's ``policyName`` (``DAILY`` is not worth retrying today).
    """

    default_retryable = True

    def __init__(
        self,
        *,
        provider: str,
        status_code: int | None,
        code: str | None,
        message: str,
        request_id: str | None = None,
        retryable: bool | None = None,
        details: Sequence[str] = (),
        retry_after: float | None = None,
        policy: str | None = None,
    ) -> None:
        self.policy = policy
        super().__init__(
            provider=provider,
            status_code=status_code,
            code=code,
            message=message,
            request_id=request_id,
            retryable=retryable,
            details=details,
            retry_after=retry_after,
        )


class ServerError(ApiError):
    """The provider failed (HTTP 5xx); usually worth a retry."""

    default_retryable = True


class MigrationInProgressError(ServerError):
    """HubSpot 477 Migration in Progress: the portal's data is moving between data centres.

    The request was not applied, so it may be sent again (writes included) after
    ``retry_after`` seconds: HubSpot's ``Retry-After``, which can be up to 24 hours.
    """


class UnexpectedResponseError(ApiError):
    """A reply that is not what the call expects: nothing was built from it, nothing written after.

    Raised when a provider answers with something the API does not promise for that call: a
    body that is not JSON (an HTML error page from a proxy, an XML fault, an empty or truncated
    body), JSON of the wrong shape (no entity, no id, a list where an object is due), values of
    the wrong type (a NaN amount, an empty currency) or a reply nested or sized beyond reason.
    The run that got it stops there; a re-run starts from the provider's state.

    For a write, the provider may have applied it before its reply went wrong: writes carry an
    idempotency key (QBO ``requestid``, HubSpot unique-id upserts), so a re-run with the same key
    does not duplicate it. ``retryable`` is ``False``: sending the same request at once rarely
    turns a broken reply into a good one.

    Attributes:
        reason: what was wrong with the reply (e.g. ``"Invoice.Id missing"``).
        excerpt: the start of the body (at most 200 characters), secrets redacted; may be empty.

    Example:
        >>> err = UnexpectedResponseError(provider="quickbooks", status_code=200,
        ...     reason="body is not JSON", excerpt="<html>Bad gateway</html>", request_id="t-1")
        >>> (err.code, err.retryable, err.reason)
        ('unexpected_response', False, 'body is not JSON')
    """

    code_name = "unexpected_response"

    def __init__(
        self,
        *,
        provider: str,
        status_code: int | None,
        reason: str,
        excerpt: str = "",
        request_id: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        self.reason = reason
        self.excerpt = excerpt
        message = f"unexpected reply: {reason}"
        if excerpt:
            message += f"; body starts {excerpt!r}"
        super().__init__(
            provider=provider,
            status_code=status_code,
            code=self.code_name,
            message=message,
            request_id=request_id,
            retryable=retryable,
        )


# --------------------------------------------------------------------------- transport


class TransportError(HubQboError):
    """No usable HTTP response arrived (connection refused or reset, protocol error).

    Whether the request was applied is unknown: retry only requests that carry an
    idempotency key (QBO ``requestid``) or that are reads.
    """


class RequestTimeout(TransportError):
    """The request timed out."""


class ConfigurationError(HubQboError):
    """hubqbo was set up wrongly (no credentials, unknown realm, inconsistent options)."""


# --------------------------------------------------------------------------- state store


class StateStoreError(HubQboError):
    """The durable sync state store refuses an operation or cannot work; says what to do."""


class StoreNotUsable(StateStoreError):
    """The file or database is not a hubqbo state store, is corrupt, or cannot be read.

    Nothing was changed in it. Point the store at another path, or restore a backup.
    """


class SchemaTooNew(StoreNotUsable):
    """The store was written by a newer hubqbo (schema ``found`` > ``supported``): upgrade."""

    def __init__(self, found: int, supported: int, where: str) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"the state store {where} has schema version {found}, but this hubqbo knows only "
            f"up to {supported}: it was written by a newer hubqbo. Upgrade hubqbo "
            "(pip install -U hubqbo); nothing was changed."
        )


class StoreConnectionError(StateStoreError):
    """The store's database cannot be reached or refuses the credentials (or its driver is
    not installed). The message names the target with any password redacted."""


class InvalidTenantName(StateStoreError, ValueError):
    """A tenant name is empty, too long, or has characters outside ``[A-Za-z0-9._@-]``."""


class TenantMismatch(StateStoreError):
    """The tenant was first connected to another HubSpot portal or QBO realm; its links would
    be wrong for this one. Use a new tenant name for the other pair."""


class LeaseHeld(StateStoreError):
    """Another holder has the tenant's lease and it has not expired: wait, or give up.

    Attributes:
        holder: the current holder's id; ``expires_at``: when its lease runs out.
    """

    def __init__(self, tenant: str, holder: str, expires_at: object) -> None:
        self.tenant = tenant
        self.holder = holder
        self.expires_at = expires_at
        super().__init__(
            f"tenant {tenant!r} is leased by {holder!r} until {expires_at}; another run or "
            "invoice creation is writing it. Retry after that time."
        )


class LeaseLost(StateStoreError):
    """A newer lease epoch exists (the lease expired and was taken over, or was released):
    this holder must stop writing; nothing of this write was stored."""


class RunAlreadyOpen(StateStoreError):
    """The tenant already has an open run (at most one at a time)."""


class LinkConflict(StateStoreError):
    """A record is already linked to another record of the other side; unlink it first.
    Nothing of the batch was stored."""


class InvalidTransition(StateStoreError):
    """A journal operation is unknown or cannot move from its state to the one asked.
    Nothing of the batch was stored."""


class MappingSetVersionConflict(StateStoreError):
    """Another writer saved a newer version of the mapping set since it was read: re-read it
    and apply the change again."""


# --------------------------------------------------------------------------- domain


class DomainError(HubQboError):
    """hubqbo refuses an operation before writing anything, and says what to do."""


class CustomTransactionNumbersEnabled(DomainError):
    """QBO's custom transaction numbers are on: an API-created invoice would have no number.

    Turn the setting off in QBO (Account and settings → Sales → Custom transaction numbers) or
    use the policy that supplies a DocNumber.
    """

    def __init__(self, realm_id: str) -> None:
        self.realm_id = realm_id
        super().__init__(
            f"QuickBooks company {realm_id} has custom transaction numbers turned on, so an "
            "invoice created through the API would get no number. Turn the setting off in "
            "QuickBooks (Settings → Account and settings → Sales → Custom transaction numbers), "
            "or supply the invoice number yourself (doc_number policy)."
        )


class QuoteNotUsable(DomainError):
    """The quote is not published or has expired, so it cannot become an invoice."""

    def __init__(self, quote_id: str, reason: str) -> None:
        self.quote_id = quote_id
        self.reason = reason
        super().__init__(f"quote {quote_id} cannot be invoiced: {reason}")


class TaxCodeRequired(DomainError):
    """A non-US QBO company needs a tax code on every line."""

    def __init__(self, lines: Sequence[str], realm_id: str | None = None) -> None:
        self.lines = tuple(lines)
        self.realm_id = realm_id
        super().__init__(
            "a tax code is required on every line for a QuickBooks company outside the US; "
            f"missing on: {', '.join(self.lines) or 'lines'}. Give the item a default sales tax "
            "code in QuickBooks or choose one with with_tax_code(...)."
        )


class AmbiguousCustomerMatch(DomainError):
    """Several accounting customers fit the buyer equally well; a person must choose."""

    def __init__(self, candidates: Sequence[str]) -> None:
        self.candidates = tuple(candidates)
        super().__init__(
            "the buyer matches several QuickBooks customers too closely to choose: "
            f"{', '.join(self.candidates)}. Pick one with with_customer(...) or create a new "
            "customer with with_new_customer()."
        )


class CurrencyMismatch(DomainError):
    """Two currencies that must agree do not (deal vs customer, invoice vs company)."""

    def __init__(self, expected: str, actual: str, what: str = "") -> None:
        self.expected = expected
        self.actual = actual
        suffix = f" ({what})" if what else ""
        super().__init__(f"currency mismatch{suffix}: expected {expected}, got {actual}")


class MappingError(DomainError):
    """A field mapping is invalid (unknown field, duplicate target, read-only property).

    Attributes:
        problems: every problem found (``hubqbo.mapping.MappingProblem`` objects; their
            ``str`` names the mapping, what is wrong and what to do).
    """

    def __init__(self, message: str, problems: Sequence[object] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


class MappingTypeError(MappingError):
    """A field mapping joins incompatible types (e.g. a date field to a number property)."""


class SignatureVerificationError(DomainError):
    """A webhook's signature or timestamp does not verify: do not trust the body."""


class WebhookPayloadError(DomainError, ValueError):
    """A webhook body whose signature verified is not a valid event list (answer 400).

    Also a ``ValueError``, which the parsers raised before it existed.
    """


class DraftHasProblems(DomainError):
    """An invoice draft still has problems, so nothing was written.

    Attributes:
        problems: every problem of the draft (``hubqbo.invoices.Problem`` objects; their
            ``str`` says what is wrong and what to do).
    """

    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(str(p) for p in self.problems)
        super().__init__(
            f"the invoice draft has {len(self.problems)} problem(s), nothing was written: {listed}"
        )


class ContactNotEligible(DomainError):
    """The buyer contact does not meet the sync filter the workflow policy requires.

    Raised by the workflow action under the ``ONLY_IF_ELIGIBLE`` customer-creation policy
    (HubSpot's newer behaviour) before anything is written.
    """

    def __init__(self, contact_id: str | None, reason: str = "") -> None:
        self.contact_id = contact_id
        self.reason = reason
        detail = f": {reason}" if reason else ""
        super().__init__(
            f"contact {contact_id or '(none)'} does not meet the contact sync filter{detail}; "
            "no QuickBooks customer was created. Make the contact eligible, or use the ALWAYS "
            "customer-creation policy."
        )


class InvoiceGone(DomainError):
    """The QBO invoice an earlier run of this attempt made was deleted or voided since.

    Raised by ``InvoiceBuilder.create`` (with a state store) before anything is written: the
    attempt is done, and its invoice is not live. To invoice again, start a new attempt
    explicitly: ``builder.create(draft.with_attempt("..."))``.

    Attributes:
        realm_id, invoice_id: the invoice the attempt made.
        reason: ``"deleted"`` or ``"voided"``.
    """

    def __init__(self, realm_id: str, invoice_id: str, reason: str, attempt: str) -> None:
        self.realm_id = realm_id
        self.invoice_id = invoice_id
        self.reason = reason
        super().__init__(
            f"QuickBooks invoice {invoice_id} (company {realm_id}), made by {attempt}, was "
            f"{reason} in QuickBooks; nothing was written. To invoice again, start a new "
            "attempt: builder.create(draft.with_attempt('<new id>'))"
        )
