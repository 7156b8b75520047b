"""docs/mappings.md shows the type table as it is: its matrix and field list are generated from
``MATRIX`` and ``QBO_FIELDS`` (``tests/mapping/_doc_tables.py``) and must not drift."""

from __future__ import annotations

from ._doc_tables import current, fields_table, matrix_table


def test_the_page_shows_the_matrix_as_it_is() -> None:
    assert current("matrix") == matrix_table()


def test_the_page_lists_every_qbo_field_as_it_is() -> None:
    assert current("fields") == fields_table()
