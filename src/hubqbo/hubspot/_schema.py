"""HubSpot property definitions as the field-mapping rules read them (custom ones included).

Why a function beside the client instead of a method in it: the mapping rules live in the core
(``hubqbo.mapping``) and need only name, type, field type, options and writability; this turns
``HubSpotClient.property_definitions`` into exactly that, one GET per object type.
"""

from __future__ import annotations

from hubqbo.hubspot._client import HubSpotClient
from hubqbo.hubspot._wire import PropertyDefinition
from hubqbo.mapping import HubSpotProperty, ObjectPair
from hubqbo.models import CrmObjectType

__all__ = ["read_properties", "to_mapping_property"]


def to_mapping_property(definition: PropertyDefinition) -> HubSpotProperty:
    """The mapping rules' view of one definition (hidden options included: HubSpot accepts
    them as values)."""
    return HubSpotProperty(
        name=definition.name,
        type=definition.type,
        field_type=definition.field_type,
        label=definition.label,
        options=tuple(o.value for o in definition.options),
        read_only=definition.read_only,
        calculated=definition.calculated,
        hubspot_defined=bool(definition.hubspot_defined),
    )


def read_properties(
    client: HubSpotClient, object_type: ObjectPair | CrmObjectType | str
) -> dict[str, HubSpotProperty]:
    """Every live property of ``object_type`` (an :class:`ObjectPair` reads its HubSpot side),
    archived ones left out, by name: the ``hubspot_properties`` of ``hubqbo.mapping.validate``.

    Example:
        >>> from hubqbo.hubspot import HubSpotClient
        >>> from hubqbo.sandbox import HubSpotSandbox
        >>> client = HubSpotClient(access_token="t", transport=HubSpotSandbox())
        >>> read_properties(client, ObjectPair.PRODUCT)["price"].type
        'number'
    """
    kind = object_type.crm_object if isinstance(object_type, ObjectPair) else object_type
    return {
        d.name: to_mapping_property(d) for d in client.property_definitions(kind) if not d.archived
    }
