"""Field mappings between HubSpot properties and QBO fields (capability H).

A :class:`FieldMapping` joins one QBO field, named by its path in Intuit's entity
(``GivenName``, ``PrimaryEmailAddr.Address``, ``BillAddr.City``, on invoices
``CustomField[DefinitionId=1]``), to one HubSpot property by its internal name, in a
:class:`Direction`. A :class:`MappingSet` holds the mappings of one :class:`ObjectPair`
(contact <-> Customer, product <-> Item, invoice <-> Invoice) at one version: ``add``, ``edit``
and ``delete`` return new versions, refusing incompatible types (``MappingTypeError``, naming
both sides) and read-only targets when the mapping is saved. :func:`validate` checks a set
against live schemas; :func:`map_record` maps one record, with a problem per value that does
not fit. The type table is data: :data:`QBO_FIELDS` (with the XSD line of each field) and
:data:`MATRIX` (each HubSpot kind against each QBO type).

Example:
    >>> from hubqbo.mapping import (Direction, FieldMapping, ObjectPair, default_mapping_set,
    ...                             map_record)
    >>> contacts = default_mapping_set(ObjectPair.CONTACT)
    >>> out = map_record(contacts, Direction.QBO_TO_HUBSPOT,
    ...                  {"GivenName": "Ada", "PrimaryEmailAddr": {"Address": "ada@example.com"}})
    >>> out.values
    {'firstname': 'Ada', 'email': 'ada@example.com'}
    >>> contacts.add(FieldMapping("hs_object_id", "Notes", Direction.QBO_TO_HUBSPOT))
    Traceback (most recent call last):
    ...
    hubqbo.errors.MappingError: add hs_object_id:Notes refused: ...
"""

from hubqbo.mapping._compat import (
    HUBSPOT_EMAIL_PROPERTIES,
    HUBSPOT_KINDS,
    MATRIX,
    Loss,
    PairKind,
    PairVerdict,
    pair_verdict,
)
from hubqbo.mapping._defaults import DEFAULT_MAPPINGS, DEFAULT_PROPERTY_SPECS, default_mapping_set
from hubqbo.mapping._model import Direction, FieldMapping, LossPolicy, ObjectPair, Transform
from hubqbo.mapping._problems import MappingProblem, ProblemKind
from hubqbo.mapping._qbo_fields import CUSTOM_FIELD_MAX_LENGTH, QBO_FIELDS, qbo_fields_of
from hubqbo.mapping._record import MappedRecord, map_record
from hubqbo.mapping._render import HEADERS as TABLE_HEADERS
from hubqbo.mapping._render import STATUS_HEADERS as TABLE_STATUS_HEADERS
from hubqbo.mapping._render import MappingView, table_rows
from hubqbo.mapping._rules import HUBSPOT_READ_ONLY, custom_field, sales_custom_fields
from hubqbo.mapping._set import MappingDiff, MappingSet
from hubqbo.mapping._status import FieldStatus, MappingHealth, StatusLike, health_of, tally
from hubqbo.mapping._types import HubSpotProperty, QboField, QboType
from hubqbo.mapping._validate import validate

__all__ = [
    "CUSTOM_FIELD_MAX_LENGTH",
    "DEFAULT_MAPPINGS",
    "DEFAULT_PROPERTY_SPECS",
    "HUBSPOT_EMAIL_PROPERTIES",
    "HUBSPOT_KINDS",
    "HUBSPOT_READ_ONLY",
    "MATRIX",
    "QBO_FIELDS",
    "TABLE_HEADERS",
    "TABLE_STATUS_HEADERS",
    "Direction",
    "FieldMapping",
    "FieldStatus",
    "HubSpotProperty",
    "Loss",
    "LossPolicy",
    "MappedRecord",
    "MappingDiff",
    "MappingHealth",
    "MappingProblem",
    "MappingSet",
    "MappingView",
    "ObjectPair",
    "PairKind",
    "PairVerdict",
    "ProblemKind",
    "QboField",
    "QboType",
    "StatusLike",
    "Transform",
    "custom_field",
    "default_mapping_set",
    "health_of",
    "map_record",
    "pair_verdict",
    "qbo_fields_of",
    "sales_custom_fields",
    "table_rows",
    "tally",
    "validate",
]
