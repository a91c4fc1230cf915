"""Stage 5: the Oxigraph store: graphs, incremental builds, locking."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import NamedNode

from kg.errors import InputError, QueryError, StoreError
from kg.export import export
from kg.ontology import ONTOLOGY_IRI
from kg.pipeline import build
from kg.store import Store, bind_values


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def nq(store: Store) -> bytes:
    import io
    buffer = io.BytesIO()
    export(store, "nq", buffer)
    return buffer.getvalue()


def test_store_one_graph_per_article_and_ontology_graph(examples_store):
    graphs = examples_store.document_graphs()
    assert len(graphs) == 14
    assert examples_store.oxigraph.contains_named_graph(NamedNode(ONTOLOGY_IRI))


def test_store_queries_see_the_union_of_graphs(examples_store):
    rows = list(examples_store.query("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a a kgo:Assertion } }"))
    assert int(rows[0]["n"].value) == 14
    assert bool(examples_store.query("ASK { ?p org:headOf ?o }"))


def test_store_rebuild_same_articles_is_a_no_op(tmp_path):
    articles = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a1", "text": "About 5,000 US troops are in Iraq.", "published": "2020-01-06"}])
    store = Store(tmp_path / "store")
    first = build([articles], store)
    before = nq(store)
    second = build([articles], store)
    assert first.added == ["a1"] and second.unchanged == ["a1"] and not second.added
    assert nq(store) == before


def test_store_changed_text_replaces_the_graph(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "text": "About 5,000 US troops are in Iraq.",
                                               "published": "2020-01-06"}])], store)
    report = build([write_jsonl(tmp_path / "b.jsonl", [{"id": "a1", "text": "About 3,000 US troops are in Iraq.",
                                                        "published": "2020-01-07"}])], store)
    assert report.replaced == ["a1"]
    counts = sorted(r["n"].value for r in store.query("SELECT ?n WHERE { ?d kgo:troopCount ?n }"))
    assert counts == ["3000"]


def test_store_failed_build_changes_nothing(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "text": "About 5,000 US troops are in Iraq."}])], store)
    before = nq(store)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "b1", "text": "Gen. Mark Milley spoke."}) + "\n{not json\n")
    with pytest.raises(InputError, match=r"bad\.jsonl:2"):
        build([bad], store)
    assert nq(store) == before


def test_store_is_locked_against_a_second_writer(tmp_path):
    store = Store(tmp_path / "store")
    with pytest.raises(StoreError, match="in use by another process"):
        Store(tmp_path / "store")
    store.close()
    Store(tmp_path / "store").close()


def test_store_missing_store_is_an_error_when_not_creating(tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        Store(tmp_path / "absent", create=False)


def test_store_sparql_syntax_error():
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        Store().query("SELECT * WHERE { ?s ?p }")


def test_store_bindings_are_literals_not_query_text():
    query = bind_values("SELECT ?x WHERE { ?x rdfs:label ?name }", {"name": '" } ; DROP ALL ; { "'})
    assert 'VALUES ?name { "\\" } ; DROP ALL ; { \\"" }' in query
    assert list(Store().query("SELECT ?x WHERE { ?x rdfs:label ?name }", bindings={"name": '" } DROP ALL {'})) == []


def test_store_replace_drops_articles_not_given(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "text": "Gen. Mark Milley spoke."},
                                              {"id": "a2", "text": "Gen. Frank McKenzie spoke."}])], store)
    build([write_jsonl(tmp_path / "b.jsonl", [{"id": "a2", "text": "Gen. Frank McKenzie spoke."}])], store, replace=True)
    assert sorted(store.document_hashes()) == ["a2"]
    assert not list(store.query("SELECT ?p WHERE { ?p rdfs:label 'Mark Milley' }"))


def test_store_remove_drops_what_only_that_article_supports(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a1", "text": "Gen. Mark Milley, chairman of the Joint Chiefs of Staff, spoke."},
        {"id": "a2", "text": "Gen. Frank McKenzie, commander of US Central Command, spoke with Gen. Mark Milley."}])], store)
    assert store.remove(["a2", "nope"]) == ["a2"]
    labels = {r["l"].value for r in store.query("SELECT ?l WHERE { ?e rdfs:label ?l . FILTER(!isLiteral(?e) && "
                                                "!STRSTARTS(STR(?e), 'https://w3id.org/kg-news/ontology')) }")}
    assert "Mark Milley" in labels and "Frank McKenzie" not in labels and "US Central Command" not in labels
    assert not bool(store.query("ASK { ?p org:headOf ?o . ?o rdfs:label 'US Central Command' }"))
