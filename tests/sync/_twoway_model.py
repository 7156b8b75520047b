"""The reference model of two-way sync's rule, and both sides' values of the synced fields,
shared by the two-way state machine, fault-injection and crash tests."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from hubqbo.sync import ConflictRule

CONTACT_FIELDS = {"firstname": "GivenName", "lastname": "FamilyName", "phone": "PrimaryPhone"}
"""The contact properties the tests edit, and their QBO customer fields."""
PRODUCT_FIELDS = {"description": "Description"}
"""The product properties the tests edit, and their QBO item fields."""


class Model:
    """The rule, from the edits alone: per field the value each side holds and the value
    both last agreed on. A run copies a side's change to the other; a conflict goes to the
    rule's side; an empty value is never copied. A record whose next write would make a
    field go back and forth (hubqbo wrote A, B, A and would write B) is quarantined: never
    written again (keys are ``(record..., field)``)."""

    def __init__(self, rule: ConflictRule) -> None:
        self.rule = rule
        self.qbo: dict[Hashable, str] = {}
        self.hs: dict[Hashable, str] = {}
        self.base: dict[Hashable, str] = {}
        self.written: dict[Hashable, list[str]] = {}
        self.quarantined: set[Hashable] = set()

    def agree(self, key: Hashable, value: str) -> None:
        """A field both sides hold equal (synced)."""
        self.qbo[key] = self.hs[key] = self.base[key] = value

    def _decide(self, key: Hashable) -> tuple[str | None, bool]:
        """The field's new agreed value (``None``: unchanged) and whether a side is written."""
        base, q, h = self.base[key], self.qbo[key], self.hs[key]
        qc, hc = q != base, h != base
        if not qc and not hc:
            return None, False
        if q == h:
            return q, False
        winner = q if (qc and not hc) else h if (hc and not qc) else None
        if winner is None:
            winner = q if self.rule is ConflictRule.QBO_WINS else h
        if winner == "":
            return None, False  # an empty value is never copied: both sides stay as they are
        return winner, True

    def run(self) -> None:
        decided: dict[Hashable, dict[Hashable, tuple[str, bool]]] = {}
        for key in self.base:
            record = key[:-1]  # type: ignore[index]
            value, write = self._decide(key)
            if record not in self.quarantined and value is not None:
                decided.setdefault(record, {})[key] = (value, write)
        for record, fields in decided.items():
            if any(w and loops(self.written.get(k, []), v) for k, (v, w) in fields.items()):
                self.quarantined.add(record)
                continue
            for key, (value, _write) in fields.items():
                self.qbo[key] = self.hs[key] = self.base[key] = value
                history = self.written.setdefault(key, [])
                if not history or history[-1] != value:  # writes, and equal changes on both sides
                    history.append(value)


def loops(history: list[str], value: str) -> bool:
    """Writing ``value`` after ``history`` makes the last four writes A, B, A, B."""
    last = [*history, value][-4:]
    return len(last) == 4 and last[0] == last[2] != last[1] == last[3]


def qbo_value(record: Mapping[str, Any], field: str) -> str:
    """A QBO record's value of a field the tests edit (phones are nested)."""
    raw = record.get(field)
    if field == "PrimaryPhone":
        raw = (raw or {}).get("FreeFormNumber")
    return str(raw or "")


def qbo_body(field: str, value: str) -> dict[str, Any]:
    """The sparse-update body that sets a QBO field the tests edit."""
    return {field: {"FreeFormNumber": value} if field == "PrimaryPhone" else value}


def seed_records(
    qbo: Any, realm: str, model: Model, *, customers: int, items: int, tag: str = ""
) -> list[tuple[str, str]]:
    """Customers and items in QBO with every edited field set; the model has them synced.
    Returns ``(entity, QBO id)`` of each record."""
    made: list[tuple[str, str]] = []
    for n in range(customers):
        values = {"firstname": f"g{tag}{n}", "lastname": f"f{tag}{n}", "phone": f"p{tag}{n}"}
        qid = qbo.add_customer(
            realm,
            f"Customer {tag}{n}",
            PrimaryEmailAddr={"Address": f"c{tag}{n}@twoway.example"},
            **{
                k: v
                for name, value in values.items()
                for k, v in qbo_body(CONTACT_FIELDS[name], value).items()
            },
        )
        made.append(("Customer", qid))
        for name, value in values.items():
            model.agree(("Customer", qid, name), value)
    for n in range(items):
        qid = qbo.add_item(
            realm, f"Item {tag}{n}", 10 + n, Sku=f"SKU-{tag}{n}", Description=f"d{tag}{n}"
        )
        made.append(("Item", qid))
        model.agree(("Item", qid, "description"), f"d{tag}{n}")
    return made


OBJECT_OF = {"Customer": "contacts", "Item": "products"}
FIELDS_OF = {"Customer": CONTACT_FIELDS, "Item": PRODUCT_FIELDS}


def hubspot_by_qbo_id(hs: Any, realm: str, entity: str) -> dict[str, dict[str, Any]]:
    """HubSpot's records of an entity's object by QBO id (hubqbo's ``realm:id`` property)."""
    out: dict[str, dict[str, Any]] = {}
    for record in hs.records(OBJECT_OF[entity]):
        props = record.get("properties") or {}
        key = str(props.get("hubqbo_id") or "")
        if key.startswith(f"{realm}:"):
            out[key.partition(":")[2]] = record
    return out


def random_edits(
    rng: Any,
    sides: tuple[Any, str, Any],
    records: list[tuple[str, str]],
    model: Model,
    *,
    count: int,
    values: tuple[str, ...] = ("", "x", "y", "z"),
) -> None:
    """``count`` random edits of the tests' fields on either side (values set and cleared,
    conflicts when both sides edit one field), recorded in the model."""
    qbo, realm, hs = sides  # the QBO sandbox, the realm, the HubSpot sandbox
    hubspot = {entity: hubspot_by_qbo_id(hs, realm, entity) for entity in OBJECT_OF}
    for _ in range(count):
        entity, qid = rng.choice(records)
        name = rng.choice(sorted(FIELDS_OF[entity]))
        value = rng.choice(values)
        if rng.random() < 0.5:
            qbo.update(realm, entity, qid, qbo_body(FIELDS_OF[entity][name], value))
            model.qbo[(entity, qid, name)] = value
        else:
            hs.update(OBJECT_OF[entity], hubspot[entity][qid]["id"], {name: value})
            model.hs[(entity, qid, name)] = value


def mismatches(qbo: Any, realm: str, hs: Any, model: Model) -> list[str]:
    """Where either side differs from the model (empty: both sides agree with it)."""
    hubspot = {entity: hubspot_by_qbo_id(hs, realm, entity) for entity in OBJECT_OF}
    out = []
    for key in sorted(model.base, key=str):
        entity, qid, name = key  # type: ignore[misc]
        record = qbo.get(realm, entity, qid) or {}
        got_qbo = qbo_value(record, FIELDS_OF[entity][name])
        found = hubspot[entity].get(qid)
        got_hs = str(((found or {}).get("properties") or {}).get(name) or "")
        if got_qbo != model.qbo[key]:
            out.append(f"QBO {entity} {qid} {name}: {got_qbo!r}, model {model.qbo[key]!r}")
        if found is None or got_hs != model.hs[key]:
            out.append(f"HubSpot {entity} {qid} {name}: {got_hs!r}, model {model.hs[key]!r}")
    return out


def duplicates(qbo: Any, realm: str, hs: Any) -> list[str]:
    """Records found twice on either side (by hubqbo's id, e-mail, DisplayName, Name)."""
    from collections import Counter

    seen: list[tuple[str, str]] = []
    for entity, object_type in OBJECT_OF.items():
        for record in hs.records(object_type):
            props = record.get("properties") or {}
            seen.append((object_type, str(props.get("hubqbo_id"))))
            if props.get("email"):
                seen.append(("email", str(props["email"])))
        for record in qbo.records(realm, entity):
            seen.append((entity, str(record.get("DisplayName") or record.get("Name"))))
    return [f"{kind} {value} x{n}" for (kind, value), n in Counter(seen).items() if n > 1]
