"""Named queries at scale: the rewritten queries (entity first, LATERAL, the entities-graph summaries) give the
same answers as the plain reference forms they replaced, on the examples and on a synthetic corpus, on
the embedded store (LATERAL) and in the form remote stores get (LATERAL blocks inlined)."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.derive import DEGREE
from kg.pipeline import build
from kg.query import named_queries, page, parameterise, select, without_lateral
from kg.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus

#: the named queries as they were before the rewrite: plain joins over the article graphs, no summary
REFERENCE = {p.stem: p.read_text(encoding="utf-8")
             for p in sorted((Path(__file__).parent / "data" / "reference-queries").glob("*.rq"))}
KIND = {"articles": "foaf:Person", "chain-of-command": "foaf:Person", "evidence": "foaf:Person",
        "entities": "foaf:Person", "posts": "foaf:Person", "reporting-lines-on-date": "foaf:Person",
        "who-commands": "org:Organization", "commander-on-date": "org:Organization",
        "troops-by-country": "kgo:Country"}
DATES = ("2020-01-10", "2022-03-01", "2023-06-30")
#: troops-by-country as it was before the deployment summaries: every deployment of the country grouped
#: at each query, from the article graphs (the `#@`/`#?`/`#!` lines are its parameter lines)
GROUPED_TROOPS = """SELECT ?sender ?host ?asOf ?troops ?upTo ?sources ?source ?url WHERE {
  { SELECT ?s ?h ?asOf (MIN(?n) AS ?troops) (MAX(?n) AS ?upTo) (COUNT(DISTINCT ?doc) AS ?sources)
           (MIN(?doc) AS ?first) WHERE {
#@name ?c per-entity
      GRAPH ?doc {
#?name { ?d kgo:sendingCountry ?c ; kgo:hostCountry ?h BIND(?c AS ?s) } UNION { ?d kgo:hostCountry ?c ; kgo:sendingCountry ?s BIND(?c AS ?h) }
#!name ?d kgo:sendingCountry ?s ; kgo:hostCountry ?h .
        LATERAL {
        ?d a kgo:TroopDeployment ; kgo:troopCount ?n .
        OPTIONAL { ?d kgo:asOf ?asOf }
        }
      }
  } GROUP BY ?s ?h ?asOf }
  LATERAL {
  ?s rdfs:label ?sender .
  ?h rdfs:label ?host .
  OPTIONAL { ?first dcterms:title ?source }
  OPTIONAL { ?first dcterms:source ?url }
  }
}
ORDER BY ?sender ?host ?asOf ?troops ?upTo ?sources ?source
"""


def has_lateral(sparql: str) -> bool:
    return any(re.search(r"\bLATERAL\s*\{", line) for line in sparql.splitlines() if not line.lstrip().startswith("#"))


class Plain:
    """The embedded store seen as a store without LATERAL (as Virtuoso is): queries get the plain form."""

    lateral = False

    def __init__(self, store: Store) -> None:
        self.store = store

    def query(self, sparql: str, *, bindings: dict[str, str] | None = None) -> Any:
        assert not has_lateral(sparql)
        return self.store.query(sparql, bindings=bindings)


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The examples and 150 synthetic articles (units under shared parents, dated commands) in one store."""
    folder = tmp_path_factory.mktemp("mixed")
    corpus = write_corpus(folder / "corpus.jsonl", 150)
    store = Store(folder / "store")
    build([corpus, Path(__file__).resolve().parent.parent / "examples"], store, workers=1)
    return store


def cases(store: Store, name: str, count: int) -> list[dict[str, str]]:
    labels = sorted({r["l"].value for r in store.query(f"SELECT ?l WHERE {{ ?e a {KIND[name]} ; rdfs:label ?l }}")})
    picked = random.Random(name).sample(labels, min(count, len(labels)))
    if name == "who-commands" or name == "commander-on-date":
        picked += ["CENTCOM"]  # an alias, not a label
    found = [{"name": n} for n in picked]
    if "#?date" in REFERENCE[name]:
        found = [dict(c, date=d) for c in found for d in DATES] + [{"date": DATES[-1]}]
    return found + [{}]


@pytest.mark.parametrize("name", sorted(KIND))
def test_query_rewritten_named_queries_answer_as_the_reference_forms(mixed_store, examples_store, name):
    assert set(REFERENCE) == set(named_queries())
    compared = answered = 0
    for store in (examples_store, mixed_store):
        for bindings in cases(store, name, 5):
            expected = select(store, REFERENCE[name], bindings=bindings or None).rows
            for form in (store, Plain(store)):
                assert select(form, named_queries()[name], bindings=bindings or None).rows == expected, bindings
                compared += 1
            answered += bool(expected)
    assert compared >= 20 and answered >= 4  # the comparison saw real answers, not only empty ones


def test_query_listing_pages_are_slices_of_the_full_listing(mixed_store):
    for name in ("entities", "evidence", "who-commands"):
        whole = select(mixed_store, named_queries()[name]).rows
        assert len(whole) > 60
        pages = [select(mixed_store, page(named_queries()[name], 25, offset)).rows for offset in range(0, 75, 25)]
        assert [row for chunk in pages for row in chunk] == whole[:75]


def test_query_remote_form_has_no_lateral_and_parses_everywhere(mixed_store):
    for name, text in named_queries().items():
        sparql, _ = parameterise(text, {"date": "2023-06-30"} if "#?date" in text else None, Plain(mixed_store))
        assert not has_lateral(sparql), name
        assert without_lateral(sparql) == sparql
    assert has_lateral(parameterise(named_queries()["evidence"], {"name": "Frank McKenzie"}, mixed_store)[0])


def test_query_entities_listing_reads_the_summary(tmp_path):
    store = Store(tmp_path / "store")
    build([write_corpus(tmp_path / "c.jsonl", 20)], store, workers=1)
    listed = select(store, named_queries()["entities"]).as_dicts()
    assert listed and all(row["degree"] is not None for row in listed)
    for quad in list(store.oxigraph.quads_for_pattern(None, DEGREE, None, None)):
        store.oxigraph.remove(quad)
    assert select(store, named_queries()["entities"]).rows == []  # no summary, no listing: it is what is read
    store.close()
    result = CliRunner().invoke(main, ["rederive", "--store", str(tmp_path / "store")])  # the upkeep of old stores
    assert result.exit_code == 0, result.output
    assert "entities graph derived again" in result.output
    with Store(tmp_path / "store", read_only=True) as again:
        assert select(again, named_queries()["entities"]).as_dicts() == listed


def test_query_store_of_an_older_kg_is_named_with_the_upkeep_to_run(tmp_path):
    from kg.derive import ENTITY_CLASS, HEADED_IN

    store = Store(tmp_path / "store")
    build([write_corpus(tmp_path / "c.jsonl", 10)], store, workers=1)
    for term in (DEGREE, ENTITY_CLASS, HEADED_IN):  # what a store built before the summaries lacks
        for quad in list(store.oxigraph.quads_for_pattern(None, term, None, None)):
            store.oxigraph.remove(quad)
    store.close()
    result = CliRunner().invoke(main, ["query", "--store", str(tmp_path / "store"), "--name", "entities"])
    assert result.exit_code == 1
    assert "built by an older kg" in result.output and "kg rederive" in result.output
    assert str(tmp_path / "store") in result.output and "Traceback" not in result.output
    plain = CliRunner().invoke(main, ["query", "--store", str(tmp_path / "store"), "--name", "posts"])
    assert plain.exit_code == 0, plain.output  # queries that do not read the summaries still answer
    assert CliRunner().invoke(main, ["rederive", "--store", str(tmp_path / "store")]).exit_code == 0
    again = CliRunner().invoke(main, ["query", "--store", str(tmp_path / "store"), "--name", "entities"])
    assert again.exit_code == 0 and "built by an older kg" not in again.output


def test_query_troops_by_country_reads_the_summaries_and_answers_as_the_grouping_it_replaced(
        mixed_store, examples_store, tmp_path):
    undated = tmp_path / "undated.jsonl"  # no date, the same figure twice, two countries of one article
    undated.write_text("".join(json.dumps(r) + "\n" for r in (
        {"id": "u1", "title": "One", "text": "There are about 1,200 American troops in Iraq, officials said."},
        {"id": "u2", "text": "There are about 1,200 American troops in Iraq, officials said."},
        {"id": "u3", "published": "2023-03-01", "title": "Three",
         "text": "There are about 400 French troops in Mali. Up to 900 British troops are in Estonia."})))
    small = Store(tmp_path / "store")
    build([undated], small, workers=1)
    assert "DeploymentSummary" in named_queries()["troops-by-country"]
    compared = answered = 0
    for store in (examples_store, mixed_store, small):
        for bindings in cases(store, "troops-by-country", 6) + [{"name": "United States"}]:
            expected = select(store, GROUPED_TROOPS, bindings=bindings or None).rows
            for form in (store, Plain(store)):
                assert select(form, named_queries()["troops-by-country"], bindings=bindings or None).rows == expected
                compared += 1
            answered += len(expected)
    assert compared >= 30 and answered >= 100


def test_query_troops_by_country_on_a_store_without_the_summaries_names_the_upkeep(tmp_path):
    from kg import derive

    store = Store(tmp_path / "store")
    build([write_corpus(tmp_path / "c.jsonl", 10)], store, workers=1)
    before = select(store, named_queries()["troops-by-country"]).rows
    assert before
    summaries = {q.subject for q in store.oxigraph.quads_for_pattern(None, None, derive.DEPLOYMENT_SUMMARY, None)}
    for node in summaries:  # as a kg older than the summaries left it
        for quad in list(store.oxigraph.quads_for_pattern(node, None, None, None)):
            store.oxigraph.remove(quad)
    store.close()
    result = CliRunner().invoke(main, ["query", "--store", str(tmp_path / "store"), "--name", "troops-by-country"])
    assert result.exit_code == 1
    assert "built by an older kg" in result.output and "kg rederive" in result.output
    assert CliRunner().invoke(main, ["rederive", "--store", str(tmp_path / "store")]).exit_code == 0
    with Store(tmp_path / "store", read_only=True) as again:
        assert select(again, named_queries()["troops-by-country"]).rows == before
