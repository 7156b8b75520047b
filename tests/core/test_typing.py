"""What mypy sees matches what the runtime does: typed query results, money that refuses floats.

mypy runs on a small user program, in a child process, against this checkout's ``src``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from hubqbo.models import Payment, Ref

REPO = Path(__file__).resolve().parents[2]

PROGRAM = """
from decimal import Decimal
from hubqbo.models import Invoice, Item, Payment, Ref
from hubqbo.quickbooks import QuickBooksClient, select


def use(qbo: QuickBooksClient, name: str) -> None:
    reveal_type(qbo.iter_query(select("Invoice").where("TotalAmt", ">", Decimal(1))))
    reveal_type(qbo.iter_query(select("Item").order_by("Name")))
    reveal_type(qbo.iter_query(select("Vendor")))
    reveal_type(qbo.iter_query(select(name)))
    reveal_type(qbo.iter_customers())
    Payment(customer=Ref("1"), total="12.50")
    Payment(customer=Ref("1"), total=12)
    Payment(customer=Ref("1"), total=Decimal("12.5"))
    Payment(customer=Ref("1"), total=12.5)  # line 16: refused
    Invoice(customer=Ref("1"), currency="USD", total=0.1)  # line 17: refused
"""


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """mypy --strict on PROGRAM (about 4 s with an empty cache)."""
    work = tmp_path_factory.mktemp("typing")
    program = work / "program.py"
    program.write_text(PROGRAM, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(REPO / "src")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(work / "cache"),
            str(program),
        ],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        check=False,
    )
    return done.stdout + done.stderr


def test_iter_query_yields_the_querys_model(mypy_output: str) -> None:
    """select("Invoice") yields Invoice to the type checker; others are honest about it."""
    revealed = [line.split('Revealed type is "', 1)[1] for line in mypy_output.splitlines() if
                "Revealed type is" in line]  # fmt: skip
    assert revealed == [
        'typing.Iterator[hubqbo.models.Invoice]"',
        'typing.Iterator[hubqbo.models.Item]"',
        'typing.Iterator[typing.Mapping[str, object]]"',
        'typing.Iterator[object]"',
        'typing.Iterator[hubqbo.models.Customer]"',
    ], mypy_output


def test_mypy_refuses_a_float_for_money(mypy_output: str) -> None:
    """Exactly the two float amounts are errors; str, int and Decimal pass."""
    errors = [line for line in mypy_output.splitlines() if ": error:" in line]
    assert [e.split(":")[1] for e in errors] == ["16", "17"], mypy_output
    assert all('incompatible type "float"' in e for e in errors)


def test_runtime_refuses_what_mypy_refuses() -> None:
    """The same float fails at run time; strings and ints are converted exactly."""
    with pytest.raises(TypeError, match="never float"):
        Payment(customer=Ref("1"), total=12.5)  # type: ignore[arg-type]
    assert Payment(customer=Ref("1"), total="12.50").total == Decimal("12.50")
    assert Payment(customer=Ref("1"), total=12).total == Decimal(12)
