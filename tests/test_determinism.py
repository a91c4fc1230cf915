"""The same articles give the same sorted N-Quads, whatever the order of inputs or the workers."""

from __future__ import annotations

import io

from conftest import EXAMPLES
from kg.export import export
from kg.pipeline import build
from kg.store import Store


def export_nq(store: Store) -> bytes:
    buffer = io.BytesIO()
    export(store, "nq", buffer)
    return buffer.getvalue()


def test_determinism_order_and_workers(tmp_path):
    files = sorted(p for p in EXAMPLES.iterdir() if p.name != "gold.json")
    forward = Store(tmp_path / "forward")
    build(files, forward)
    backward = Store(tmp_path / "backward")
    build(list(reversed(files)), backward, workers=2)
    twice = Store(tmp_path / "twice")
    build(files[:2], twice)
    build(files, twice)
    reference = export_nq(forward)
    assert reference == export_nq(backward) == export_nq(twice)
    assert len(reference) > 10_000
