"""Every HubSpot path, built from the configured API version in one place.

Why: HubSpot is replacing its numbered paths (``/crm/v3/objects``, ``/crm/v4/associations``,
``/settings/v3/currencies``, ``/oauth/v1/token``) with date-versioned ones
(``/crm/objects/2026-03``, ``/crm/associations/2026-03``, ``/settings/currencies/2026-03``,
``/oauth/2026-03/token``), one version each March and September. The client never writes a path
literal anywhere else, so moving to the next version is one constructor argument.

Checked against the OpenAPI descriptions (``crm-objects-*``, ``crm-associations-*``,
``crm-properties-*``, ``settings-multicurrency-*``, ``oauth-*``, ``account-info-v3``):

=================  ===============================  =====================================
family             ``"v3"``                          ``"2026-03"`` (any ``YYYY-03``/``-09``)
=================  ===============================  =====================================
objects            ``/crm/v3/objects/{type}``        ``/crm/objects/2026-03/{type}``
associations       ``/crm/v4/associations/{f}/{t}``  ``/crm/associations/2026-03/{f}/{t}``
record links       ``/crm/v4/objects/{type}/{id}``   ``/crm/objects/2026-03/{type}/{id}``
properties         ``/crm/v3/properties/{type}``     ``/crm/properties/2026-03/{type}``
currencies         ``/settings/v3/currencies``       ``/settings/currencies/2026-03``
OAuth token        ``/oauth/v1/token``               ``/oauth/2026-03/token``
account details    ``/account-info/v3/details``      ``/account-info/v3/details`` (no dated one)
=================  ===============================  =====================================

Example:
    >>> ApiPaths("2026-03").object("deals", "7")
    '/crm/objects/2026-03/deals/7'
    >>> ApiPaths("v3").associations_batch("deals", "line_items", "read")
    '/crm/v4/associations/deals/line_items/batch/read'
"""

from __future__ import annotations

import re
from urllib.parse import quote

import attrs

from hubqbo.errors import ConfigurationError, ValidationError

__all__ = ["DEFAULT_API_VERSION", "ApiPaths"]

DEFAULT_API_VERSION = "2026-03"
_DATED = re.compile(r"^(20\d\d)-(03|09)$")
_NUMBERED = "v3"


_MAX_SEGMENT = 512
"""HubSpot ids are numbers; unique values (``idProperty`` reads) are property values, which
HubSpot caps far below this."""


def _seg(value: str) -> str:
    """One path segment, percent-encoded (ids and unique values may hold ``/`` or spaces).

    Refused before any request (``ValidationError``): anything but a string or an integer,
    an empty or blank value (a trailing slash: another endpoint), ``.`` and ``..`` (dot
    segments are removed from URLs, so ``get_deal(".")`` would list deals), control
    characters, and values longer than 512 characters.

    Example:
        >>> _seg("a b/c")
        'a%20b%2Fc'
        >>> _seg("..")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        hubqbo.errors.ValidationError: hubspot: not a usable HubSpot id or name in a path: ...
    """
    checked: object = value
    if isinstance(checked, bool) or not isinstance(checked, (str, int)):
        raise _bad_segment(value, f"a {type(value).__name__}, not a string")
    text = str(value)
    if (
        not text.strip()
        or text.strip() in (".", "..")
        or len(text) > _MAX_SEGMENT
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in text)
    ):
        raise _bad_segment(value)
    return quote(text, safe="")


def _bad_segment(value: object, why: str = "") -> ValidationError:
    shown = repr(value)[:80]
    return ValidationError(
        provider="hubspot",
        status_code=None,
        code="client",
        message=f"not a usable HubSpot id or name in a path: {shown}"
        + (f" ({why})" if why else ""),
    )


def _check_version(_inst: object, _attr: attrs.Attribute[str], value: str) -> None:
    if value != _NUMBERED and not _DATED.match(value):
        raise ConfigurationError(
            f"unknown HubSpot API version {value!r}: use 'v3' for the numbered paths or a "
            "date version such as '2026-03' or '2026-09' (HubSpot ships one each March and "
            "September)"
        )


@attrs.frozen
class ApiPaths:
    """Builds every path for one API version (``"v3"`` or a dated ``"YYYY-03"``/``"YYYY-09"``).

    Example:
        >>> ApiPaths("v3").company_currency()
        '/settings/v3/currencies/company-currency'
    """

    version: str = attrs.field(default=DEFAULT_API_VERSION, validator=_check_version)

    @property
    def dated(self) -> bool:
        """True for a date-based version."""
        return self.version != _NUMBERED

    # ------------------------------------------------------------------ objects
    def _objects_root(self) -> str:
        return f"/crm/objects/{self.version}" if self.dated else "/crm/v3/objects"

    def objects(self, object_type: str) -> str:
        """List (GET) and create (POST) records of ``object_type``."""
        return f"{self._objects_root()}/{_seg(object_type)}"

    def object(self, object_type: str, object_id: str) -> str:
        """Read, update or archive one record."""
        return f"{self.objects(object_type)}/{_seg(object_id)}"

    def batch(self, object_type: str, operation: str) -> str:
        """``read``/``create``/``update``/``upsert``/``archive`` in batches of <= 100."""
        return f"{self.objects(object_type)}/batch/{_seg(operation)}"

    def search(self, object_type: str) -> str:
        """The search endpoint of ``object_type``."""
        return f"{self.objects(object_type)}/search"

    # ------------------------------------------------------------------ associations v4
    def _record_root(self) -> str:
        return f"/crm/objects/{self.version}" if self.dated else "/crm/v4/objects"

    def associations_batch(self, from_type: str, to_type: str, operation: str) -> str:
        """Associations batch endpoint: ``read``, ``create``, ``archive``, ``associate/default``."""
        root = f"/crm/associations/{self.version}" if self.dated else "/crm/v4/associations"
        return f"{root}/{_seg(from_type)}/{_seg(to_type)}/batch/{operation}"

    def association_default(self, from_type: str, from_id: str, to_type: str, to_id: str) -> str:
        """PUT: the default (unlabelled) association between two records."""
        return (
            f"{self._record_root()}/{_seg(from_type)}/{_seg(from_id)}/associations/default/"
            f"{_seg(to_type)}/{_seg(to_id)}"
        )

    def association_labelled(self, from_type: str, from_id: str, to_type: str, to_id: str) -> str:
        """PUT (with ``[{associationCategory, associationTypeId}]``) or DELETE one link."""
        return (
            f"{self._record_root()}/{_seg(from_type)}/{_seg(from_id)}/associations/"
            f"{_seg(to_type)}/{_seg(to_id)}"
        )

    # ------------------------------------------------------------------ properties
    def properties(self, object_type: str) -> str:
        """Property definitions of ``object_type`` (GET all, POST one)."""
        root = f"/crm/properties/{self.version}" if self.dated else "/crm/v3/properties"
        return f"{root}/{_seg(object_type)}"

    def property(self, object_type: str, name: str) -> str:
        """One property definition."""
        return f"{self.properties(object_type)}/{_seg(name)}"

    def property_groups(self, object_type: str) -> str:
        """Property groups of ``object_type`` (GET all, POST one)."""
        return f"{self.properties(object_type)}/groups"

    # ------------------------------------------------------------------ settings, OAuth
    def company_currency(self) -> str:
        """The portal's company currency."""
        root = f"/settings/currencies/{self.version}" if self.dated else "/settings/v3/currencies"
        return f"{root}/company-currency"

    def account_details(self) -> str:
        """Account details (time zone, company currency); only a v3 path is published."""
        return "/account-info/v3/details"

    def oauth_token(self) -> str:
        """The OAuth token endpoint (v1 for the numbered family, the dated one otherwise)."""
        return f"/oauth/{self.version}/token" if self.dated else "/oauth/v1/token"
