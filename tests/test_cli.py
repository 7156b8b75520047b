"""The ``hubqbo`` command: ``hubqbo demo`` tells the whole story, offline, in seconds."""

from __future__ import annotations

import io
import re
import time

from hubqbo.cli import main


def test_demo_walks_the_story_offline_and_fast() -> None:
    """Every chapter appears, with the outcomes the sandboxes produced, in a few seconds."""
    out = io.StringIO()
    started = time.perf_counter()
    assert 0 == main(["demo"], out=out)
    elapsed = time.perf_counter() - started
    text = out.getvalue()
    for expected in (
        "matched Acme Corporation",
        "ambiguous between 2 customers",
        "no match",
        "refused: quote",
        "[tax_code_required]",
        "[item_not_found]",
        "→ 0 problem(s)",
        "second create: created=False, same invoice: True (idempotent)",
        "qbo_invoice_status: awaiting_send",
        "payment_received",
        "invoice_became_overdue",
        "qbo_invoice_status: overdue",
        "Invoice A-0999",
        "does not meet the contact sync filter",
        "custom transaction numbers turned on",
    ):
        assert expected in text, expected
    assert elapsed < 10


def test_demo_syncs_a_backfill_then_only_the_change_then_nothing() -> None:
    """The sync chapter: the backfill writes, the run after one QuickBooks change writes that
    change alone (one contact update), the re-run writes nothing."""
    out = io.StringIO()
    assert 0 == main(["demo"], out=out)
    text = out.getvalue()
    runs = dict(re.findall(r"^   (backfill|incremental run|re-run): (\d+) written", text, re.M))
    assert int(runs["backfill"]) > 0
    assert "   incremental run: 1 written (contacts 1 update)\n" in text
    assert int(runs["re-run"]) == 0
    assert "'s phone changed in QuickBooks" in text


def test_unknown_command_is_refused() -> None:
    """An unknown subcommand ends with the usage exit status, 2."""
    assert 2 == main(["frobnicate"], out=io.StringIO())


def test_demo_cites_no_internal_ids() -> None:
    """The demo speaks to users: no capability ids like "(A3)" or "— C3", no test files."""
    out = io.StringIO()
    assert 0 == main(["demo"], out=out)
    text = out.getvalue()
    assert [] == re.findall(
        r"\([A-J]\d*(?:(?:, ?|–)[A-J]\d*)*\)|— [A-J]\d|tests/|test_\w+\.py", text
    )
