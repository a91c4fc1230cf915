"""chain-of-command over all dates: kg's breadth-first walk over the chain index answers as the SPARQL
path of ``kg/queries/chain-of-command.rq`` does, for one person and for pages of the full listing, on the
embedded store and through the plain (remote) form; the chain index is kept exact by every write."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from kg.cli import main
from kg.derive import DISTINCT
from kg.errors import StoreError
from kg.pipeline import build
from kg.query import chains_above, named_query, run_named, select
from kg.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus

REFERENCE = (Path(__file__).parent / "data" / "reference-queries" / "chain-of-command.rq").read_text(encoding="utf-8")


class Plain:
    """The embedded store seen as a store without LATERAL (as Virtuoso is)."""

    lateral = False

    def __init__(self, store: Store) -> None:
        self.store = store

    def query(self, sparql: str, *, bindings: dict[str, str] | None = None) -> Any:
        assert "LATERAL" not in sparql
        return self.store.query(sparql, bindings=bindings)


@pytest.fixture(scope="module")
def chain_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The examples and 200 synthetic articles (units under shared parents, long chains) in one store."""
    folder = tmp_path_factory.mktemp("chains")
    store = Store(folder / "store")
    build([write_corpus(folder / "corpus.jsonl", 200), EXAMPLES], store, workers=1)
    return store


def people(store: Store, count: int) -> list[str]:
    labels = sorted({r["l"].value for r in store.query("SELECT ?l WHERE { ?p a foaf:Person ; rdfs:label ?l }")})
    return random.Random(7).sample(labels, min(count, len(labels)))


def test_chain_walk_answers_as_the_path_query(chain_store, examples_store):
    answered = 0
    for store in (examples_store, chain_store):
        for name in people(store, 12) + ["Pat White", "Seely", "Nobody Atall"]:
            expected = select(store, REFERENCE, bindings={"name": name}).rows
            assert select(store, named_query("chain-of-command"), bindings={"name": name}).rows == expected
            for form in (store, Plain(store)):
                assert chains_above(form, name).rows == expected, name
            answered += len(expected) > 3
    assert answered >= 6  # real chains were compared, not only empty ones


def test_chain_listing_pages_are_slices_of_the_full_listing(chain_store):
    whole = select(chain_store, REFERENCE).rows
    assert len(whole) > 200
    assert chains_above(chain_store).rows == whole
    for offset in (0, 40, len(whole) // 2, len(whole) - 10):
        assert chains_above(chain_store, limit=40, offset=offset).rows == whole[offset:offset + 40], offset
        assert chains_above(Plain(chain_store), limit=40, offset=offset).rows == whole[offset:offset + 40], offset


def test_chain_named_query_output_is_the_reference_output(examples_store):
    for fmt in ("tsv", "json", "table"):
        walked = run_named(examples_store, "chain-of-command", fmt=fmt, bindings={"name": "Pat White"})
        by_path = run_named(examples_store, "chain-of-command", fmt=fmt, bindings={"name": "Pat White", "date": "2099-01-01"})
        assert "Frank McKenzie" in walked and walked != by_path  # the dated walk has other columns
    page = run_named(examples_store, "chain-of-command", fmt="tsv", limit=2, offset=1)
    assert page.count("\n") == 3  # header and two rows


def test_chain_index_is_each_relation_once(chain_store):
    stated = {(r["s"].value, r["p"].value, r["o"].value) for r in chain_store.query(
        "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?g a kgo:Article . ?s ?p ?o "
        "FILTER(?p IN (org:reportsTo, org:headOf, org:subOrganizationOf, org:holds)) FILTER(isIRI(?o)) } }")}
    inverse = {term.value: relation for relation, term in DISTINCT.items()}
    indexed = [(r["s"].value, inverse[r["p"].value], r["o"].value) for r in chain_store.query(
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?p IN (kgo:distinctReportsTo, kgo:distinctHeadOf, "
        "kgo:distinctSubOrganizationOf, kgo:distinctHolds)) }")]
    assert len(indexed) == len(set(indexed)) and set(indexed) == stated
    assert len(stated) > 300


def test_chain_of_a_store_without_the_index_names_the_upkeep(tmp_path):
    store = Store(tmp_path / "store")
    build([write_corpus(tmp_path / "c.jsonl", 10)], store, workers=1)
    before = run_named(store, "chain-of-command", fmt="tsv")
    for term in DISTINCT.values():  # what a store of the kg before the chain index lacks
        for quad in list(store.oxigraph.quads_for_pattern(None, term, None, None)):
            store.oxigraph.remove(quad)
    with pytest.raises(StoreError, match="kg rederive"):
        run_named(store, "chain-of-command", fmt="tsv")
    store.close()
    result = CliRunner().invoke(main, ["rederive", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    with Store(tmp_path / "store", read_only=True) as again:
        assert run_named(again, "chain-of-command", fmt="tsv") == before
