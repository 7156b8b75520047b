"""Customer matching: find the accounting customer a deal's or quote's buyer is (capability A3).

Why: HubSpot's integration "tries to match the quote's or deal's details to QuickBooks records";
hubqbo makes that matching explicit, explainable and measurable. A wrong customer on an invoice
is worse than none, so the matcher chooses only on strong, unambiguous evidence and otherwise
hands a ranked candidate list to a person. Pure core (layer 1): no I/O.

Example:
    >>> from hubqbo.models import Customer
    >>> m = CustomerMatcher([Customer(id="3", given_name="William", family_name="O'Neill",
    ...                               phone="+1 415 555 0132")])
    >>> m.match(Buyer(first_name="Bill", last_name="ONeill", phone="(415) 555-0132")).customer_id
    '3'
"""

from hubqbo.matching._compare import Agreement, MatchKey, MatchReason, phonetic_key
from hubqbo.matching._config import MatchConfig
from hubqbo.matching._matcher import CustomerMatcher
from hubqbo.matching._normalize import (
    PersonName,
    StreetAddress,
    company_domain,
    email_domain,
    fold,
    is_free_mail_domain,
    is_role_email,
    normalize_address_line,
    normalize_company_name,
    normalize_email,
    normalize_postcode,
    parse_person_name,
    phone_digits,
)
from hubqbo.matching._types import Buyer, MatchCandidate, MatchResult, MatchStatus

__all__ = [
    "Agreement",
    "Buyer",
    "CustomerMatcher",
    "MatchCandidate",
    "MatchConfig",
    "MatchKey",
    "MatchReason",
    "MatchResult",
    "MatchStatus",
    "PersonName",
    "StreetAddress",
    "company_domain",
    "email_domain",
    "fold",
    "is_free_mail_domain",
    "is_role_email",
    "normalize_address_line",
    "normalize_company_name",
    "normalize_email",
    "normalize_postcode",
    "parse_person_name",
    "phone_digits",
    "phonetic_key",
]
