"""The corruption-class labels of the benchmark generators (``LinkageData.labels``).

The per-class figures of ``bench_matching.py --by-class`` are only as good as the labels: each
pair gets one set, ``none`` alone or real classes, and a class says something true about the
records it labels. (That the labels draw nothing from the generators' random streams was
checked against the data's hashes before and after they were added; see docs/benchmarks.md.)
"""

from __future__ import annotations

import pytest

from benchmarks._judge_like import generate_judge_like
from benchmarks._linkage_data import CLASSES, LinkageData, generate, generate_person_records


def _datasets() -> list[tuple[str, LinkageData]]:
    return [
        ("crm", generate(1500, seed=3)),
        ("crm drift", generate(1500, seed=3, drift=True)),
        ("judge drift", generate_judge_like(1500, seed=3, drift=True)),
        ("person", generate_person_records(600, seed=3)),
    ]


@pytest.mark.parametrize(("name", "data"), _datasets())
def test_every_pair_has_known_classes(name: str, data: LinkageData) -> None:
    assert len(data.labels) == len(data.pairs), name
    for labels in data.labels:
        assert labels, name
        assert labels <= set(CLASSES), (name, labels)
        assert "none" not in labels or labels == {"none"}, (name, labels)


@pytest.mark.parametrize(("name", "data"), _datasets()[1:3])
def test_drift_labels_describe_the_records(name: str, data: LinkageData) -> None:
    """A changed family name differs from the customer's; a suffix label has a (n) customer."""
    by_id = {c.id: c for c in data.customers}
    suffixed = {_base(c.display_name) for c in data.customers if _base(c.display_name)}
    seen: set[str] = set()
    for (buyer, truth), labels in zip(data.pairs, data.labels, strict=True):
        seen |= labels
        if "family_changed" in labels and buyer.last_name and buyer.first_name:
            families = {by_id[i].family_name for i in truth} - {None}
            written = {buyer.last_name.lower(), buyer.first_name.lower()}
            assert not any(f.lower() in written for f in families if f), (buyer, families)
        if "qbo_suffix" in labels and truth:
            bases = {(by_id[i].display_name or "").lower() for i in truth}
            own = {_base(by_id[i].display_name) for i in truth} - {""}
            assert own or bases & suffixed, (buyer, bases)  # it has (n), or a namesake has
    assert {"family_changed", "space_slip", "name_missing", "qbo_suffix"} <= seen, (name, seen)
    assert "none" in seen


def _base(display: str | None) -> str:
    """The name before QBO's " (n)" suffix, lower-cased; "" when there is no suffix."""
    head, sep, tail = (display or "").rpartition(" (")
    return head.lower() if sep and tail[:-1].isdigit() and tail.endswith(")") else ""
