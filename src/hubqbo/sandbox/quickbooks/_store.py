"""One QBO company ("realm") in memory: records, seeds, counters, tombstones.

Why: a new QuickBooks Online company is not empty. It has terms (Due on receipt, Net 15, Net 30,
Net 60) with Net 30 as the default, an income account so items can be created, tax codes that
depend on the country (US ``TAX``/``NON`` pseudo-codes; UK VAT 20/5/0/exempt; Canadian GST/HST;
Australian GST) and the ``Preferences``/``CompanyInfo`` the client reads before it writes. The
realm keeps records in their wire form (dicts with ``Decimal`` money), which is what queries,
CDC and replies work on.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hubqbo.money import normalize_currency
from hubqbo.sandbox.quickbooks._wire import qbo_time

__all__ = ["CURRENCY_NAMES", "Realm", "TaxRateSeed", "currency_ref", "system_fields"]

Record = dict[str, Any]

CURRENCY_NAMES: dict[str, str] = {
    "USD": "United States Dollar",
    "GBP": "British Pound Sterling",
    "CAD": "Canadian Dollar",
    "AUD": "Australian Dollar",
    "EUR": "Euro",
    "NZD": "New Zealand Dollar",
    "INR": "Indian Rupee",
    "JPY": "Japanese Yen",
    "CHF": "Swiss Franc",
    "ZAR": "South African Rand",
}

_DEFAULT_CURRENCY = {"US": "USD", "GB": "GBP", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "IN": "INR"}
_DEFAULT_TIME_ZONE = {
    "US": "America/Los_Angeles",
    "GB": "Europe/London",
    "CA": "America/Toronto",
    "AU": "Australia/Sydney",
    "NZ": "Pacific/Auckland",
    "IN": "Asia/Kolkata",
}

TaxRateSeed = tuple[str, Decimal]
"""A tax rate to seed: (name, percent)."""

# country -> (rates, codes); a code lists the names of the rates it applies.
_TAX_TABLES: dict[str, tuple[list[TaxRateSeed], list[tuple[str, list[str]]]]] = {
    "GB": (
        [
            ("20.0% S", Decimal(20)),
            ("5.0% R", Decimal(5)),
            ("0.0% Z", Decimal(0)),
            ("Exempt", Decimal(0)),
            ("No VAT", Decimal(0)),
        ],
        [
            ("20.0% S", ["20.0% S"]),
            ("5.0% R", ["5.0% R"]),
            ("0.0% Z", ["0.0% Z"]),
            ("Exempt", ["Exempt"]),
            ("No VAT", ["No VAT"]),
        ],
    ),
    "CA": (
        [
            ("GST", Decimal(5)),
            ("HST ON", Decimal(13)),
            ("HST NS", Decimal(14)),
            ("HST", Decimal(15)),
            ("QST", Decimal("9.975")),
            ("Exempt", Decimal(0)),
            ("Zero-rated", Decimal(0)),
        ],
        [
            ("GST", ["GST"]),
            ("HST ON", ["HST ON"]),
            ("HST NS", ["HST NS"]),
            ("HST", ["HST"]),
            ("GST/QST QC - 9.975", ["GST", "QST"]),
            ("Exempt", ["Exempt"]),
            ("Zero-rated", ["Zero-rated"]),
        ],
    ),
    "AU": (
        [("GST", Decimal(10)), ("GST free", Decimal(0)), ("Out of scope", Decimal(0))],
        [("GST", ["GST"]), ("GST free", ["GST free"]), ("Out of scope", ["Out of scope"])],
    ),
}

_TERMS: list[tuple[str, int]] = [
    ("Due on receipt", 0),
    ("Net 15", 15),
    ("Net 30", 30),
    ("Net 60", 60),
]

_ACCOUNTS: list[tuple[str, str, str, str]] = [
    # name, AccountType, AccountSubType, Classification
    ("Services", "Income", "ServiceFeeIncome", "Revenue"),
    ("Sales of Product Income", "Income", "SalesOfProductIncome", "Revenue"),
    ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs", "Expense"),
    ("Undeposited Funds", "Other Current Asset", "UndepositedFunds", "Asset"),
    ("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable", "Asset"),
    ("Inventory Asset", "Other Current Asset", "Inventory", "Asset"),
    ("Discounts given", "Income", "DiscountsRefundsGiven", "Revenue"),
]


# Names QBO keeps unique (case-insensitively) per entity, and references kept as indexes.
_UNIQUE_FIELDS = {
    "Customer": "DisplayName",
    "Vendor": "DisplayName",
    "Employee": "DisplayName",
    "Item": "Name",
    "Term": "Name",
    "Invoice": "DocNumber",
}
_PARENT_FIELDS = {"Invoice": "CustomerRef", "Customer": "ParentRef", "Payment": "CustomerRef"}


def _ref_value(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("value")
    return None if value is None else str(value)


def system_fields(record_id: str, sync_token: str, created: str, updated: str) -> Record:
    """The fields QBO puts on every stored entity: domain, sparse, Id, SyncToken, MetaData."""
    return {
        "domain": "QBO",
        "sparse": False,
        "Id": record_id,
        "SyncToken": sync_token,
        "MetaData": {"CreateTime": created, "LastUpdatedTime": updated},
    }


def currency_ref(code: str) -> dict[str, str]:
    """``{"value": "USD", "name": "United States Dollar"}``."""
    return {"value": code, "name": CURRENCY_NAMES.get(code, code)}


class Realm:
    """The state of one company; mutated only under the sandbox lock.

    Example:
        >>> import datetime as dt
        >>> realm = Realm("1", country="GB", now=dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc))
        >>> sorted(c["Name"] for c in realm.records("TaxCode"))[:2]
        ['0.0% Z', '20.0% S']
    """

    def __init__(
        self,
        realm_id: str,
        *,
        country: str = "US",
        now: dt.datetime,
        home_currency: str | None = None,
        custom_txn_numbers: bool = False,
        multi_currency: bool = False,
        automated_sales_tax: bool | None = None,
        sales_tax_percent: Decimal = Decimal("8.25"),
        time_zone: str | None = None,
        company_name: str | None = None,
        tax_rates: Mapping[str, Decimal] | None = None,
    ) -> None:
        country = country.strip().upper()
        if country == "UK":
            country = "GB"
        self.realm_id = realm_id
        self.country = country
        self.home_currency = normalize_currency(
            home_currency or _DEFAULT_CURRENCY.get(country, "USD")
        )
        self.custom_txn_numbers = custom_txn_numbers
        self.multi_currency = multi_currency
        self.automated_sales_tax = (
            (country == "US") if automated_sales_tax is None else bool(automated_sales_tax)
        )
        self.sales_tax_percent = sales_tax_percent
        self.time_zone = time_zone or _DEFAULT_TIME_ZONE.get(country, "UTC")
        self.company_name = company_name or f"Sandbox Company {country}"
        self.exchange_rates: dict[str, Decimal] = {}
        self.voided: set[str] = set()
        """Ids of voided invoices (an update keeps their amounts at zero)."""
        self._records: dict[str, dict[str, Record]] = {}
        self._unique: dict[str, dict[str, str]] = {}
        self._children: dict[tuple[str, str], dict[str, None]] = {}
        self._next_id: dict[str, int] = {}
        self.tombstones: dict[str, dict[str, dt.datetime]] = {}
        self.next_doc_number = 1001
        self.replays: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self._seed(now, tax_rates)

    # --- storage -------------------------------------------------------------------------
    @property
    def is_us(self) -> bool:
        """US companies use the ``TAX``/``NON`` pseudo tax codes on lines."""
        return self.country == "US"

    def new_id(self, entity: str) -> str:
        """The next id for ``entity`` (ids are per entity, numeric strings)."""
        value = self._next_id.get(entity, 1)
        self._next_id[entity] = value + 1
        return str(value)

    def records(self, entity: str) -> list[Record]:
        """All stored records of ``entity`` (live objects; copy before handing out)."""
        return list(self._records.get(entity, {}).values())

    def get(self, entity: str, record_id: str) -> Record | None:
        """The stored record, or None."""
        return self._records.get(entity, {}).get(record_id)

    def put(self, entity: str, record: Record) -> None:
        """Store (insert or replace) ``record`` under its ``Id``, keeping the indexes."""
        record_id = str(record["Id"])
        old = self.get(entity, record_id)
        if old is not None:
            self._index(entity, old, add=False)
        self._records.setdefault(entity, {})[record_id] = record
        self._index(entity, record, add=True)

    def remove(self, entity: str, record_id: str, now: dt.datetime) -> None:
        """Delete and leave a tombstone for CDC."""
        old = self._records.get(entity, {}).pop(record_id, None)
        if old is not None:
            self._index(entity, old, add=False)
        self.tombstones.setdefault(entity, {})[record_id] = now

    def owner(self, entity: str, name: str) -> str | None:
        """Id of the ``entity`` whose unique name (DisplayName, Name, DocNumber) is ``name``."""
        return self._unique.get(entity, {}).get(name.casefold())

    def children(self, entity: str, parent_id: str) -> list[Record]:
        """Records of ``entity`` referring to ``parent_id`` (invoices of a customer, jobs)."""
        ids = self._children.get((entity, parent_id), {})
        return [self._records[entity][record_id] for record_id in ids]

    def _index(self, entity: str, record: Record, *, add: bool) -> None:
        record_id = str(record["Id"])
        field = _UNIQUE_FIELDS.get(entity)
        value = record.get(field) if field else None
        if isinstance(value, str):
            names = self._unique.setdefault(entity, {})
            if add:
                names[value.casefold()] = record_id
            elif names.get(value.casefold()) == record_id:
                del names[value.casefold()]
        parent = _ref_value(record.get(_PARENT_FIELDS.get(entity, "")))
        if parent is not None:
            siblings = self._children.setdefault((entity, parent), {})
            if add:
                siblings[record_id] = None
            else:
                siblings.pop(record_id, None)

    def snapshot(self, entity: str, record_id: str) -> Record | None:
        """A deep copy of the stored record, or None."""
        record = self.get(entity, record_id)
        return copy.deepcopy(record) if record is not None else None

    # --- seeding -------------------------------------------------------------------------
    def _meta(self, now: dt.datetime) -> dict[str, str]:
        stamp = qbo_time(now)
        return {"CreateTime": stamp, "LastUpdatedTime": stamp}

    def _base(self, entity: str, now: dt.datetime, record_id: str | None = None) -> Record:
        stamp = qbo_time(now)
        return system_fields(record_id or self.new_id(entity), "0", stamp, stamp)

    def _seed(self, now: dt.datetime, tax_rates: Mapping[str, Decimal] | None) -> None:
        for name, days in _TERMS:
            term = self._base("Term", now)
            term.update(
                {
                    "Name": name,
                    "Active": True,
                    "Type": "STANDARD",
                    "DiscountPercent": Decimal(0),
                    "DueDays": days,
                    "DiscountDays": 0,
                }
            )
            self.put("Term", term)
        for name, account_type, sub_type, classification in _ACCOUNTS:
            account = self._base("Account", now)
            account.update(
                {
                    "Name": name,
                    "SubAccount": False,
                    "FullyQualifiedName": name,
                    "Active": True,
                    "Classification": classification,
                    "AccountType": account_type,
                    "AccountSubType": sub_type,
                    "CurrentBalance": Decimal(0),
                    "CurrentBalanceWithSubAccounts": Decimal(0),
                    "CurrencyRef": currency_ref(self.home_currency),
                }
            )
            self.put("Account", account)
        self._seed_tax(now, tax_rates)
        self.preferences = self._preferences(now)
        self.company_info = self._company_info(now)

    def _seed_tax(self, now: dt.datetime, tax_rates: Mapping[str, Decimal] | None) -> None:
        if self.is_us:
            for code, taxable in (("TAX", True), ("NON", False)):
                self.put(
                    "TaxCode",
                    {
                        "Id": code,
                        "MetaData": self._meta(now),
                        "Name": code,
                        "Description": code,
                        "Taxable": taxable,
                        "TaxGroup": False,
                    },
                )
            rates: list[TaxRateSeed] = [("Sandbox Sales Tax", self.sales_tax_percent)]
            codes: list[tuple[str, list[str]]] = [("Sandbox Sales Tax", ["Sandbox Sales Tax"])]
        elif tax_rates is not None:
            rates = [(name, Decimal(value)) for name, value in tax_rates.items()]
            codes = [(name, [name]) for name in tax_rates]
        else:
            rates, codes = _TAX_TABLES.get(
                self.country, ([("Exempt", Decimal(0))], [("Exempt", ["Exempt"])])
            )
        rate_ids: dict[str, Record] = {}
        for name, percent in rates:
            rate = self._base("TaxRate", now)
            rate.update(
                {
                    "Name": name,
                    "Description": name,
                    "Active": True,
                    "RateValue": percent,
                    "AgencyRef": {"value": "1"},
                    "SpecialTaxType": "NONE",
                    "DisplayType": "ReadOnly",
                    "EffectiveTaxRate": [
                        {"RateValue": percent, "EffectiveDate": "1970-01-01T00:00:00-08:00"}
                    ],
                }
            )
            self.put("TaxRate", rate)
            rate_ids[name] = rate
        for name, rate_names in codes:
            tax_code = self._base("TaxCode", now)
            tax_code.update(
                {
                    "Name": name,
                    "Description": name,
                    "Active": True,
                    "Hidden": False,
                    "Taxable": True,
                    "TaxGroup": len(rate_names) > 1,
                    "SalesTaxRateList": {
                        "TaxRateDetail": [
                            {
                                "TaxRateRef": {
                                    "value": rate_ids[rate]["Id"],
                                    "name": rate_ids[rate]["Name"],
                                },
                                "TaxTypeApplicable": "TaxOnAmount",
                                "TaxOrder": 0,
                            }
                            for rate in rate_names
                        ]
                    },
                    "PurchaseTaxRateList": {"TaxRateDetail": []},
                    "TaxCodeConfigType": "SYSTEM_GENERATED",
                }
            )
            self.put("TaxCode", tax_code)

    def _preferences(self, now: dt.datetime) -> Record:
        return {
            "AccountingInfoPrefs": {
                "TrackDepartments": False,
                "ClassTrackingPerTxn": False,
                "ClassTrackingPerTxnLine": False,
                "CustomerTerminology": "Customers",
            },
            "ProductAndServicesPrefs": {
                "ForSales": True,
                "ForPurchase": True,
                "QuantityWithPriceAndRate": True,
                "QuantityOnHand": True,
            },
            "SalesFormsPrefs": {
                "CustomTxnNumbers": self.custom_txn_numbers,
                "AllowDeposit": False,
                "AllowDiscount": True,
                "DefaultDiscountAccount": "7",
                "AllowEstimates": True,
                "ETransactionEnabledStatus": "NotApplicable",
                "ETransactionAttachPDF": False,
                "ETransactionPaymentEnabled": False,
                "IPNSupportEnabled": False,
                "AllowServiceDate": False,
                "AllowShipping": False,
                "DefaultTerms": {"value": "3"},
                "UsingPriceLevels": False,
                "DefaultCustomerMessage": "Thank you for your business and have a great day!",
            },
            "EmailMessagesPrefs": {
                "InvoiceMessage": {
                    "Subject": f"Invoice from {self.company_name}",
                    "Message": "Your invoice is attached.",
                },
                "EstimateMessage": {
                    "Subject": f"Estimate from {self.company_name}",
                    "Message": "Please review the estimate below.",
                },
                "SalesReceiptMessage": {
                    "Subject": f"Sales Receipt from {self.company_name}",
                    "Message": "Your sales receipt is attached.",
                },
                "StatementMessage": {
                    "Subject": f"Statement from {self.company_name}",
                    "Message": "Your statement is attached.",
                },
            },
            "VendorAndPurchasesPrefs": {
                "TrackingByCustomer": True,
                "BillableExpenseTracking": True,
            },
            "TimeTrackingPrefs": {
                "UseServices": True,
                "BillCustomers": True,
                "ShowBillRateToAll": False,
                "WorkWeekStartDate": "Monday",
                "MarkTimeEntriesBillable": True,
            },
            "TaxPrefs": {
                "UsingSalesTax": True,
                "PartnerTaxEnabled": self.automated_sales_tax,
            },
            "CurrencyPrefs": {
                "MultiCurrencyEnabled": self.multi_currency,
                "HomeCurrency": {"value": self.home_currency},
            },
            "ReportPrefs": {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
            **self._base("Preferences", now, "1"),
            "OtherPrefs": {
                "NameValue": [
                    {
                        "Name": "SalesFormsPrefs.DefaultCustomerMessage",
                        "Value": "Thank you for your business and have a great day!",
                    },
                    {"Name": "SalesFormsPrefs.DefaultItem", "Value": "1"},
                    {"Name": "DTXCopyMemo", "Value": "true"},
                ]
            },
        }

    def _company_info(self, now: dt.datetime) -> Record:
        return {
            "CompanyName": self.company_name,
            "LegalName": self.company_name,
            "CompanyAddr": {"Id": "1", "Line1": "1 Sandbox Way", "Country": self.country},
            "CustomerCommunicationAddr": {"Id": "1", "Line1": "1 Sandbox Way"},
            "LegalAddr": {"Id": "1", "Line1": "1 Sandbox Way"},
            "PrimaryPhone": {},
            "CompanyStartDate": now.date().isoformat(),
            "FiscalYearStartMonth": "January",
            "Country": self.country,
            "Email": {"Address": "sandbox@example.com"},
            "WebAddr": {},
            "SupportedLanguages": "en",
            "DefaultTimeZone": self.time_zone,
            "NameValue": [
                {"Name": "NeoEnabled", "Value": "true"},
                {"Name": "SubscriptionStatus", "Value": "SUBSCRIBED"},
                {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
            ],
            **self._base("CompanyInfo", now, "1"),
        }
