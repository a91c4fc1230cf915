"""Stage 4: RDF output, compared with golden N-Quads files.

Regenerate the golden files on purpose with ``KG_REGENERATE_GOLDEN=1 pytest tests/test_rdfmap.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from conftest import EXAMPLES
from kg.extract import extract
from kg.model import Document
from kg.ontology import DEFAULT_BASE, KGO, ORG, RDF
from kg.rdfmap import document_quads
from kg.resolve import resolve_entities
from kg.sources import read_documents

GOLDEN = Path(__file__).parent / "golden"


def quads_for(doc_id: str):
    doc = next(d for d in read_documents([EXAMPLES]) if d.id == doc_id)
    return document_quads(resolve_entities(extract(doc)), DEFAULT_BASE)


def nquads(quads) -> str:
    return "".join(sorted(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" for q in quads))


@pytest.mark.parametrize("doc_id", ["us-iraq-letter-2020-01-06", "cjtf-oir-2020-01-08"])
def test_rdfmap_golden_nquads(doc_id):
    text = nquads(quads_for(doc_id))
    golden = GOLDEN / f"{doc_id}.nq"
    if os.environ.get("KG_REGENERATE_GOLDEN") == "1":
        golden.write_text(text)
    assert text == golden.read_text(), f"RDF for {doc_id} changed; regenerate on purpose if intended"


def test_rdfmap_no_blank_nodes_and_one_graph():
    quads = quads_for("us-iraq-letter-2020-01-06")
    graphs = {q.graph_name for q in quads}
    assert graphs == {NamedNode(DEFAULT_BASE + "doc/us-iraq-letter-2020-01-06")}
    assert all(isinstance(t, (NamedNode, Literal)) for q in quads for t in (q.subject, q.object))


def test_rdfmap_only_asserted_relations_are_plain_triples():
    text = "Former Defense Secretary Mark Esper spoke. The US will send 3,000 more troops to Poland."
    quads = document_quads(resolve_entities(extract(Document(id="m", text=text, published="2022-02-02"))), DEFAULT_BASE)
    assert not [q for q in quads if q.predicate == ORG.holds]
    assert not [q for q in quads if q.predicate == RDF.type and q.object == KGO.TroopDeployment]
    modalities = {q.object for q in quads if q.predicate == KGO.modality}
    assert modalities == {KGO.past, KGO.planned}


def test_rdfmap_assertion_carries_evidence():
    quads = quads_for("us-iraq-letter-2020-01-06")
    evidence = [q.object.value for q in quads if q.predicate == KGO.evidence]
    assert any("about 5,000 US troops in Iraq" in e for e in evidence)
    starts = [int(q.object.value) for q in quads if q.predicate == KGO.charStart]
    assert starts and all(s >= 0 for s in starts)
