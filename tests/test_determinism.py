"""The same articles give the same sorted N-Quads, whatever the order of inputs or the workers."""

from __future__ import annotations

import io
import json

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


def test_an_id_given_twice_is_built_once_from_the_smaller_text_hash(tmp_path):
    from kg.rdfmap import text_hash

    texts = ["About 5,000 US troops are in Iraq.", "About 700 British troops are in Estonia."]
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path, text in ((first, texts[0]), (second, texts[1])):
        path.write_text(json.dumps({"id": "twice", "text": text}) + "\n"
                        + json.dumps({"id": f"only-{path.stem}", "text": text}) + "\n", encoding="utf-8")
    graphs = []
    for order in ([first, second], [second, first]):
        store = Store(tmp_path / f"store-{order[0].stem}")
        report = build(order, store, batch=1)  # the two copies in different batches
        assert report.added == ["only-a", "only-b", "twice"] and not report.replaced
        graphs.append(export_nq(store))
    assert graphs[0] == graphs[1]
    kept = min(texts, key=text_hash)
    troops = "5000" if kept == texts[0] else "700"
    assert f'"{troops}"' in graphs[0].decode()
    gone = "700" if troops == "5000" else "5000"
    twice_graph = [line for line in graphs[0].decode().splitlines() if "/twice>" in line.split()[-2]]
    assert twice_graph and not any(f'"{gone}"' in line for line in twice_graph)
