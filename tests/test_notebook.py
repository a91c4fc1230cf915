"""The notebook runs top to bottom in a real Jupyter kernel, and is stored without outputs."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_notebook_executes():
    notebook = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()
    text = "\n".join(out.get("text", "") for cell in notebook.cells for out in cell.get("outputs", []))
    assert "Frank McKenzie" in text and "Michael Kurilla" in text
    assert "Pat White -> " in text and "Mark Esper" in text
    assert "nodes in the org chart ->" in text and "11 pairs of countries with dated troop counts" in text
    svg = [out for cell in notebook.cells for out in cell.get("outputs", []) if "image/svg+xml" in out.get("data", {})]
    assert svg and "Troop counts over time" in svg[0]["data"]["image/svg+xml"]
