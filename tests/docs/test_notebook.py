"""The example notebook runs, cell by cell, in a real Jupyter kernel, against this checkout.

The kernel is a child process: it gets ``PYTHONPATH=<repo>/src`` so that it imports the hubqbo
of this checkout, not whatever is installed. The notebook's cells carry their own assertions.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbclient
import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "docs" / "notebooks" / "invoicing.ipynb"


def _outputs(cell: object) -> list[dict[str, object]]:
    return list(cell["outputs"])  # type: ignore[index]


def test_invoicing_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cell executes without error; results show as HTML tables; it used our src."""
    src = str(REPO / "src")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import hubqbo\nprint(hubqbo.__file__)"))
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell or assertion

    printed = "".join(str(o.get("text", "")) for o in _outputs(nb.cells[-1]))
    assert printed.strip().startswith(src), printed
    html = [
        str(o["data"]["text/html"])  # type: ignore[index]
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in _outputs(cell)
        if "text/html" in o.get("data", {})  # type: ignore[operator]
    ]
    joined = "".join(html)
    assert "Ready to create." in joined  # the reviewed draft
    assert "Harbour &amp; Co Ltd" in joined  # escaped
    assert "<td>overdue</td>" in joined  # the deal refresh and the search results
    assert len(html) >= 9
    assert "<p><b>Sync plan</b> for tenant notebook: 3 write(s)</p>" in joined  # the sync plan
