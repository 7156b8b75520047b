"""The pure query builder: QBO's grammar subset, refusals, and escaping proven by hypothesis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.quickbooks import literal, quote, select


def read_literal(text: str) -> tuple[str, str]:
    """An independent reader of a QBO string literal at the start of ``text``: returns the
    value and the rest of the text after the closing quote."""
    assert text.startswith("'")
    value: list[str] = []
    index = 1
    while True:
        char = text[index]
        if char == "\\":
            value.append(text[index + 1])
            index += 2
        elif char == "'":
            return "".join(value), text[index + 1 :]
        else:
            value.append(char)
            index += 1


@given(st.text())
def test_quoted_text_reads_back_exactly(text: str) -> None:
    """Any text (quotes, backslashes, unicode) survives quoting unchanged."""
    assert (text, "") == read_literal(quote(text))


@given(st.text(), st.booleans())
def test_a_value_cannot_break_out_of_its_literal(text: str, flag: bool) -> None:
    """Whatever the value, the query continues exactly after its literal."""
    sql = select("Customer").where("DisplayName", "=", text).where("Active", "=", flag).to_sql()
    prefix = "SELECT * FROM Customer WHERE DisplayName = "
    assert sql.startswith(prefix)
    value, rest = read_literal(sql[len(prefix) :])
    assert (text, f" AND Active = {'true' if flag else 'false'}") == (value, rest)


@given(st.lists(st.text(max_size=5), min_size=1, max_size=5))
def test_in_lists_read_back(values: list[str]) -> None:
    """IN renders each value as its own literal inside parentheses."""
    sql = select("Customer").where("DisplayName", "IN", values).to_sql()
    rest = sql.split(" IN (", 1)[1]
    seen = []
    while True:
        value, rest = read_literal(rest)
        seen.append(value)
        if rest == ")":
            break
        assert rest.startswith(", ")
        rest = rest[2:]
    assert values == seen


def test_grammar_of_a_full_query() -> None:
    """Conditions joined by AND, ORDERBY, STARTPOSITION and MAXRESULTS in QBO's order."""
    since = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.timezone.utc)
    sql = (
        select("Invoice")
        .where("CustomerRef", "=", "58")
        .where("TxnDate", ">=", dt.date(2026, 1, 1))
        .where("TotalAmt", "<", Decimal("100.50"))
        .where("MetaData.LastUpdatedTime", ">", since)
        .where("DocNumber", "LIKE", "INV-%")
        .order_by("MetaData.LastUpdatedTime")
        .order_by("Id", descending=True)
        .to_sql(1001, 1000)
    )
    assert (
        "SELECT * FROM Invoice WHERE CustomerRef = '58' AND TxnDate >= '2026-01-01' AND "
        "TotalAmt < 100.50 AND MetaData.LastUpdatedTime > '2026-11-01T09:30:00+00:00' AND "
        "DocNumber LIKE 'INV-%' ORDERBY MetaData.LastUpdatedTime, Id DESC "
        "STARTPOSITION 1001 MAXRESULTS 1000"
    ) == sql


def test_count_drops_ordering() -> None:
    """COUNT(*) keeps the filter and drops ORDERBY."""
    query = select("Customer").where("Active", "IN", [True, False]).order_by("Id")
    assert "SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)" == query.count().to_sql()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: select("Customer").where("DisplayName", "!=", "x"), "not '!='"),
        (lambda: select("Customer").where("DisplayName", "OR", "x"), "not 'OR'"),
        (lambda: select("Customer").where("Id", "LIKE", "1%"), "only = and IN on Id"),
        (lambda: select("Customer").where("Name; DROP", "=", "x"), "not a QBO field"),
        (lambda: select("Cust omer"), "not a QBO entity"),
        (lambda: select("Customer").where("Id", "IN", []), "at least one value"),
        (lambda: select("Customer").where("Id", "IN", "12"), "sequence"),
        (lambda: select("Invoice").where("TotalAmt", "LIKE", Decimal(1)), "string pattern"),
        (lambda: select("Customer").to_sql(0, 10), "starts at 1"),
        (lambda: select("Customer").to_sql(1, 1001), "MAXRESULTS"),
    ],
)
def test_refusals_before_any_request(build: object, message: str) -> None:
    """What QBO cannot run is refused with a ValueError saying why."""
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]


def test_float_and_naive_datetime_are_refused() -> None:
    """Money in queries is Decimal; instants are timezone-aware."""
    with pytest.raises(TypeError, match="Decimal"):
        literal(1.5)
    with pytest.raises(ValueError, match="timezone-aware"):
        literal(dt.datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test
