"""chain-of-command over all dates: kg's breadth-first walk over the chain index answers as the SPARQL
path of ``kg/queries/chain-of-command.rq`` does, for one person and for pages of the full listing, on the
embedded store and through the plain (remote) form; the chain index is kept exact by every write. On a
date: kg's dated walk answers as ``kg/queries/reporting-lines-on-date.rq`` does, step by step."""

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
from kg.query import (
    chain_of_command,
    chains_above,
    find_entities,
    named_query,
    reporting_lines_listing,
    reporting_lines_on,
    run_named,
    run_query,
    select,
)
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


def dates_stated(store: Store) -> list[str]:
    """Every date a statement is dated, the day before each, and days before and after them all: the
    days on which lines begin, end or tie."""
    days = sorted({r["d"].value for r in store.query("SELECT DISTINCT ?d WHERE { ?a kgo:asOf ?d }")})
    before = [f"{int(d[:4]) - 1}{d[4:]}" for d in days[::7]]
    return sorted({*days[::3], *before, "1999-01-01", "2099-12-31"})


def test_dated_walk_answers_as_the_reporting_lines_query(chain_store, examples_store):
    """Same rows as the query text (the reference meaning) for persons and days of both stores, lines
    that ended (a later statement of a past reporting line, post or command) included."""
    answered = ended = 0
    for store in (examples_store, chain_store):
        days = dates_stated(store)
        names = people(store, 10) + ["Pat White", "Frank McKenzie", "Seely"]
        for number, name in enumerate(names):
            for day in days[number % 3::3] if store is chain_store else days:
                expected = select(store, named_query("reporting-lines-on-date"), bindings={"name": name, "date": day}).rows
                for form in (store, Plain(store)):
                    walked = reporting_lines_on(form, find_entities(store, name), day).rows
                    assert walked == sorted(walked, key=lambda r: (r[0], r[1], r[3], r[4], r[5]))  # the ORDER BY
                    assert sorted(walked) == sorted(expected), (name, day)
                answered += bool(expected)
        ended += len(list(store.query("SELECT ?a WHERE { ?a kgo:modality kgo:past ; rdf:predicate ?p }")))
    assert answered >= 30 and ended >= 3  # real lines were compared, and ends were there to apply


def chain_by_query(store: Store, name: str, day: str) -> list[list[str | None]]:
    """The chain on a date as kg walked it before, the query text run for each level: the reference."""
    steps, rows = named_query("reporting-lines-on-date"), []
    for start in sorted(find_entities(store, name)):
        seen, frontier, first, level = {start}, [start], None, 0
        while frontier:
            level += 1
            values = " ".join(f"<{iri}>" for iri in sorted(frontier))
            found = select(store, steps.replace("#@name ?p", f"VALUES ?p {{ {values} }}"), bindings={"date": day})
            frontier = []
            for row in sorted(found.as_dicts(), key=lambda r: (r["superior"] or "", r["since"] or "", r["via"] or "")):
                first = first or row["person"] if level == 1 else first
                if row["s"] in seen:
                    continue
                seen.add(row["s"] or "")
                frontier.append(row["s"] or "")
                via = row["via"] if level == 1 else f"{row['via']} (above {row['person']})"
                rows.append([first or row["person"], str(level), row["superior"], row["since"], via])
    return rows


def test_dated_chain_answers_as_the_query_walked_level_by_level(chain_store, examples_store):
    deep = 0
    for store, names in ((examples_store, ["Pat White", "Seely"]), (chain_store, people(chain_store, 8))):
        for name in names:
            for day in dates_stated(store)[1::6]:
                expected = chain_by_query(store, name, day)
                assert chain_of_command(store, name, day).rows == expected, (name, day)
                deep += len({row[1] for row in expected}) > 1
    assert deep >= 3  # chains of more than one level were compared


def test_reporting_lines_named_query_output_is_the_query_output(examples_store):
    """`kg query --name reporting-lines-on-date --param name=...` is walked by kg, in every format
    byte for byte what the query text gives (IRIs stay IRIs)."""
    text = named_query("reporting-lines-on-date")
    for bindings in ({"name": "Pat White", "date": "2022-06-01"}, {"name": "Michael Kurilla", "date": "2022-06-01"},
                     {"name": "Pat White", "date": "2019-01-01"}):
        for fmt in ("tsv", "json", "csv"):
            assert run_named(examples_store, "reporting-lines-on-date", fmt=fmt, bindings=bindings) == \
                run_query(examples_store, text, fmt=fmt, bindings=bindings), (bindings, fmt)


def test_reporting_lines_listing_pages_are_slices_of_the_query_listing(chain_store, examples_store, monkeypatch):
    """Without a person: the whole listing, and pages of it, as the query's text gives them (rows that
    tie on the ORDER BY compared as sets), walked a few labels at a time."""
    monkeypatch.setattr("kg.query._LISTING_LABELS", 3)
    for store, day in ((examples_store, "2022-06-01"), (chain_store, "2023-08-15"), (chain_store, "2023-02-02")):
        whole = select(store, named_query("reporting-lines-on-date"), bindings={"date": day}).rows
        assert len(whole) >= (5 if store is examples_store else 12)
        listed = reporting_lines_listing(store, day).rows
        key = lambda r: (r[0], r[1], r[3], r[4], r[5])  # noqa: E731 - the query's ORDER BY
        assert sorted(listed) == sorted(whole) and listed == sorted(listed, key=key)
        for offset in (0, 2, len(whole) // 2):
            assert reporting_lines_listing(Plain(store), day, limit=9, offset=offset).rows == listed[offset:offset + 9]
    page = run_named(chain_store, "reporting-lines-on-date", fmt="tsv", bindings={"date": "2023-08-15"}, limit=5, offset=2)
    assert page.count("\n") == 6 and "^^<http://www.w3.org/2001/XMLSchema#date>" in page
