"""JSON, time and Fault formatting exactly as QuickBooks Online writes them.

Why: every handler answers with the same envelope (``{"<Entity>": {...}, "time": ...}``), the
same Fault shape (``{"Fault": {"Error": [...], "type": ...}, "time": ...}``) and the same
timestamp format (``2026-11-25T01:00:00-08:00``, server time in US Pacific, as every recorded
exchange shows). One module writes them so the handlers cannot drift apart.

Money is ``Decimal`` end to end: request bodies are parsed with ``parse_float=Decimal`` and
responses are written by :func:`dumps`, which prints a ``Decimal`` as a JSON number.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hubqbo.timezones import resolve_time_zone

__all__ = [
    "SERVER_TIME_ZONE",
    "QboFault",
    "dumps",
    "fault_body",
    "loads",
    "qbo_date",
    "qbo_time",
    "qbo_time_ms",
]

SERVER_TIME_ZONE = "America/Los_Angeles"
"""QBO stamps ``MetaData`` and ``time`` in US Pacific time (every recording shows -07/-08:00)."""

_PACIFIC = resolve_time_zone(SERVER_TIME_ZONE)

OBJECT_NOT_FOUND_DETAIL = (
    "Object Not Found : Something you're trying to use has been made inactive. Check the fields "
    "with accounts, customers, items, vendors or employees."
)


class QboFault(Exception):
    """A QBO Fault to answer with; raised by handlers, rendered by the transport.

    Example:
        >>> fault = QboFault.not_found()
        >>> (fault.status, fault.code)
        (400, '610')
    """

    def __init__(
        self,
        code: str,
        message: str,
        detail: str,
        *,
        element: str | None = "",
        status: int = 400,
        fault_type: str = "ValidationFault",
        timed: bool = True,
    ) -> None:
        super().__init__(f"{code} {message}: {detail}")
        self.code = code
        self.message = message
        self.detail = detail
        self.element = element
        self.status = status
        self.fault_type = fault_type
        self.timed = timed

    def error(self) -> dict[str, Any]:
        """The ``Fault.Error[]`` item."""
        item: dict[str, Any] = {"Message": self.message, "Detail": self.detail, "code": self.code}
        if self.element is not None:
            item["element"] = self.element
        return item

    def fault(self) -> dict[str, Any]:
        """The ``Fault`` object (without ``time``), as batch items carry it."""
        return {"Error": [self.error()], "type": self.fault_type}

    # --- the faults QBO is known to send -------------------------------------------------
    @classmethod
    def not_found(cls) -> QboFault:
        """610: the object does not exist or is inactive."""
        return cls("610", "Object Not Found", OBJECT_NOT_FOUND_DETAIL)

    @classmethod
    def stale(cls) -> QboFault:
        """5010: the SyncToken sent is not the current one."""
        return cls(
            "5010",
            "Stale Object Error",
            "Stale Object Error : You and Sandbox User were working on this at the same time. "
            "Sandbox User finished before you did, so your work was not saved.",
        )

    @classmethod
    def required(cls, name: str) -> QboFault:
        """2020: a required parameter is missing."""
        return cls(
            "2020",
            "Required param missing, need to supply the required value for the API",
            f"Required parameter {name} is missing in the request",
            element=name,
        )

    @classmethod
    def business(cls, detail: str, element: str = "") -> QboFault:
        """6000: a business validation error."""
        return cls(
            "6000",
            "A business validation error has occurred while processing your request",
            f"Business Validation Error: {detail}",
            element=element,
        )

    @classmethod
    def unsupported_property(cls, name: str, entity: str) -> QboFault:
        """2010: a property the entity does not have."""
        return cls(
            "2010",
            "Request has invalid or unsupported property",
            f'Property Name:Unrecognized field "{name}" (class com.intuit.schema.finance.v3.'
            f"{entity}), not marked as ignorable\n specified is unsupported or invalid",
            element=None,
        )

    @classmethod
    def unsupported_operation(cls, detail: str) -> QboFault:
        """Fault code 500 (sent with HTTP 400): the operation or resource is not supported."""
        return cls("500", "Unsupported Operation", detail, element=None)

    @classmethod
    def parse_error(cls, detail: str) -> QboFault:
        """4000: the query could not be parsed."""
        return cls("4000", "Error parsing query", f"QueryParserError: {detail}", element=None)

    @classmethod
    def invalid_query(cls, detail: str) -> QboFault:
        """4001: the query parsed but is invalid."""
        return cls("4001", "Invalid query", f"QueryValidationError: {detail}", element=None)

    @classmethod
    def throttled(cls) -> QboFault:
        """3001 with HTTP 429, type SERVICE."""
        return cls(
            "3001",
            "message=ThrottleExceeded; errorCode=003001; statusCode=429",
            "The request limit was reached.  Try again later",
            element=None,
            status=429,
            fault_type="SERVICE",
        )

    @classmethod
    def server_error(cls, status: int) -> QboFault:
        """10000 SystemFault with a 5xx status."""
        return cls(
            "10000",
            "An application error has occurred while processing your request",
            "System Failure Error: An unexpected error occurred while accessing or saving your "
            "data. Please wait a few minutes and try again. If the problem persists, contact "
            "customer support.",
            status=status,
            fault_type="SystemFault",
        )


def qbo_time(instant: dt.datetime) -> str:
    """``2026-11-25T01:00:00-08:00``: seconds precision, Pacific offset (``MetaData``)."""
    local = instant.astimezone(_PACIFIC).replace(microsecond=0)
    return local.isoformat()


def qbo_time_ms(instant: dt.datetime) -> str:
    """``2026-11-25T01:00:00.000-08:00``: the envelope's ``time``."""
    return instant.astimezone(_PACIFIC).isoformat(timespec="milliseconds")


def qbo_date(instant: dt.datetime, time_zone: str) -> str:
    """The calendar date of ``instant`` in the company time zone, ``YYYY-MM-DD``."""
    return instant.astimezone(resolve_time_zone(time_zone)).date().isoformat()


def fault_body(fault: QboFault, instant: dt.datetime) -> dict[str, Any]:
    """The full Fault envelope with ``time`` (QBO leaves ``time`` off a few, e.g. 2030)."""
    body: dict[str, Any] = {"Fault": fault.fault()}
    if fault.timed:
        body["time"] = qbo_time_ms(instant)
    return body


def loads(raw: bytes) -> Any:
    """Parse a JSON body with ``Decimal`` for non-integers (4000-style errors are the caller's)."""
    return json.loads(raw.decode("utf-8-sig"), parse_float=Decimal)


def _encode(value: Any, out: list[str]) -> None:
    if isinstance(value, Mapping):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(json.dumps(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, Decimal):
        out.append(format(value, "f"))
    else:
        out.append(json.dumps(value))


def dumps(value: Any) -> bytes:
    """Serialize ``value`` to compact JSON; ``Decimal`` becomes a JSON number, never a float.

    Example:
        >>> dumps({"TotalAmt": Decimal("100.00"), "Active": True})
        b'{"TotalAmt":100.00,"Active":true}'
    """
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")
