"""Reading Intuit's XSDs (``../shared/specs/qbo/xsd``) to check the type table against them.

An independent reading: it resolves a field path through the entity's complex types and their
bases, and extracts the maximum lengths the documentation states for QBO, so the table's rows
are compared with the schema, not with themselves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import attrs
import pytest

XS = "{http://www.w3.org/2001/XMLSchema}"
SHARED = (
    Path(os.environ["HUBQBO_SHARED_DIR"])  # a worktree elsewhere can point at ../shared
    if os.environ.get("HUBQBO_SHARED_DIR")
    else Path(__file__).resolve().parents[2] / ".." / "shared"
) / "specs"
XSD_DIR = SHARED / "qbo" / "xsd"
HUBSPOT_DIR = SHARED / "hubspot"
FILES = ("IntuitBaseTypes.xsd", "IntuitNamesTypes.xsd", "Finance.xsd")


def require_shared(directory: Path) -> Path:
    """``directory``, or skip (fail under ``CI=true``, where ../shared is beside the clone)."""
    if directory.is_dir():
        return directory.resolve()
    message = f"{directory} is absent: the published specs are in ../shared beside the repo"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")  # pragma: no cover


@attrs.frozen
class Element:
    """One resolved element: its name, declared type, and documentation text."""

    name: str
    type: str
    doc: str


class Schema:
    """The complex and simple types of the three XSD files."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.complex: dict[str, ET.Element] = {}
        self.simple: dict[str, ET.Element] = {}
        self.lines: dict[str, list[str]] = {}
        for name in FILES:
            text = (directory / name).read_text(encoding="utf-8")
            self.lines[name] = text.splitlines()
            root = ET.fromstring(text)  # noqa: S314 - Intuit's published schema
            for node in root.iter(f"{XS}complexType"):
                if node.get("name"):
                    self.complex[node.attrib["name"]] = node
            for node in root.iter(f"{XS}simpleType"):
                if node.get("name"):
                    self.simple[node.attrib["name"]] = node

    def line(self, cite: str) -> str:
        """The text of ``File.xsd:N``."""
        name, number = cite.split(":")
        return self.lines[name][int(number) - 1]

    def _chain(self, type_name: str) -> Iterator[ET.Element]:
        node: ET.Element | None = self.complex.get(type_name)
        while node is not None:
            yield node
            ext = node.find(f".//{XS}complexContent/{XS}extension")
            node = self.complex.get(ext.attrib["base"]) if ext is not None else None

    def element(self, type_name: str, name: str) -> Element | None:
        """The element ``name`` of ``type_name`` or of one of its base types."""
        for node in self._chain(type_name):
            for el in node.iter(f"{XS}element"):
                if el.get("name") == name:
                    doc = " ".join("".join(el.itertext()).split())
                    return Element(name, el.get("type", ""), doc)
        return None

    def simple_content_base(self, type_name: str) -> str | None:
        """The base of a simpleContent complex type (``ReferenceType`` -> ``id``)."""
        node = self.complex.get(type_name)
        ext = None if node is None else node.find(f".//{XS}simpleContent/{XS}extension")
        return None if ext is None else ext.attrib["base"]

    def enumeration(self, type_name: str) -> tuple[str, ...] | None:
        """The values of an enumeration simple type."""
        node = self.simple.get(type_name)
        if node is None:
            return None
        values = tuple(e.attrib["value"] for e in node.iter(f"{XS}enumeration"))
        return values or None

    def resolve(self, entity: str, path: str) -> list[Element]:
        """The elements along ``path`` from ``entity`` (``value`` of a reference included)."""
        found: list[Element] = []
        current = entity
        for part in path.split("."):
            if part == "value" and found:
                base = self.simple_content_base(current)
                assert base is not None, f"{current} has no simple content for .value"
                found.append(Element("value", base, ""))
                break
            el = self.element(current, part)
            assert el is not None, f"{entity}.{path}: no element {part!r} in {current}"
            found.append(el)
            current = el.type
        return found


_SPLIT = re.compile(r"(?=Product:\s*\w+)|(?=Description:\s*QB[WO]\b)")
_LENGTH = re.compile(
    r"(?:max(?:imum)?\.?\s*length(?:\s+for\s+[A-Za-z ]+?)?\s*(?:is|:)\s*(\d+))", re.IGNORECASE
)
_RANGE = re.compile(r"ValidRange:\s*(QBW|QBO)\s*:\s*(?:Min=\d+,\s*)?max=(\d+)", re.IGNORECASE)


def qbo_lengths(doc: str) -> list[int]:
    """The maximum lengths ``doc`` states for QBO (sections for ``QBW`` left out)."""
    found: list[int] = []
    for section in _SPLIT.split(doc):
        head = section[:40]
        if re.match(r"(Product:\s*QBW|Description:\s*QBW)", head):
            continue
        cleaned = _RANGE.sub("", section)
        found += [int(n) for n in _LENGTH.findall(cleaned)]
    found += [int(n) for product, n in _RANGE.findall(doc) if product.upper() == "QBO"]
    return found
