"""HubSpot's error bodies, built in one place.

Why: every refusal the sandbox sends (validation, not found, conflict, limits, throttling, OAuth)
must have the shape HubSpot documents: ``{status: "error", message, correlationId, category,
errors[], context}`` for API errors, the ``RATE_LIMIT`` body for 429s and RFC 6749 bodies for
OAuth. Handlers raise ``ApiError``; the transport turns it into a response.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from hubqbo.sandbox.hubspot._model import ValueProblem

__all__ = ["ApiError", "property_problems_error"]


class ApiError(Exception):
    """A refusal, raised by a handler and answered by the transport.

    ``body`` is sent as is (plus ``correlationId`` when it lacks one).
    """

    def __init__(
        self,
        status: int,
        message: str,
        category: str,
        *,
        errors: Sequence[dict[str, Any]] = (),
        context: dict[str, list[str]] | None = None,
        sub_category: str | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.category = category
        self.headers = headers or {}
        if body is None:
            body = {"status": "error", "message": message, "category": category}
            if sub_category:
                body["subCategory"] = sub_category
            if errors:
                body["errors"] = list(errors)
            if context:
                body["context"] = context
        self.body = body

    @classmethod
    def validation(cls, message: str, **kwargs: Any) -> ApiError:
        """A 400 ``VALIDATION_ERROR``."""
        return cls(400, message, "VALIDATION_ERROR", **kwargs)

    @classmethod
    def not_found(cls, object_id: str, label: str = "Object") -> ApiError:
        """A 404 ``OBJECT_NOT_FOUND`` for one id."""
        message = (
            f"{label} not found.  objectId are usually numeric."
            if not object_id.isdigit()
            else "resource not found"
        )
        return cls(404, message, "OBJECT_NOT_FOUND", context={"id": [object_id]})

    def batch_entry(self, trace_id: str | None = None, ids: Iterable[str] = ()) -> dict[str, Any]:
        """This error as an item of a 207's ``errors[]`` (``context`` keeps trace ids / ids)."""
        context: dict[str, list[str]] = dict(self.body.get("context") or {})
        if trace_id is not None:
            context["objectWriteTraceId"] = [trace_id]
        id_list = list(ids)
        if id_list:
            context["ids"] = id_list
        entry: dict[str, Any] = {
            "status": "error",
            "category": self.category,
            "message": self.message,
            "context": context,
        }
        if "errors" in self.body:
            entry["errors"] = self.body["errors"]
        return entry


def property_problems_error(problems: Sequence[ValueProblem], portal_id: int) -> ApiError:
    """HubSpot's ``Property values were not valid`` 400 for one or more property problems."""
    details = [
        {
            "isValid": False,
            "message": p.message,
            "error": p.error,
            "name": p.name,
            "localizedErrorMessage": p.message,
            "portalId": portal_id,
        }
        for p in problems
    ]
    message = "Property values were not valid: " + json.dumps(details, separators=(",", ":"))
    errors = [
        {"message": p.message, "code": p.error, "in": p.name, "context": {"propertyName": [p.name]}}
        for p in problems
    ]
    return ApiError.validation(
        message,
        errors=errors,
        context={"propertyName": [p.name for p in problems]},
    )
