"""Querying: named queries answer the questions users ask; result formats are the W3C ones."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from kg.errors import QueryError
from kg.query import format_result, named_queries, named_query, query_kind, run_query, select


def rows(store, query_name, **bindings):
    return select(store, named_query(query_name), bindings=bindings or None).as_dicts()


def test_query_who_commands_centcom(examples_store):
    found = {r["commander"] for r in rows(examples_store, "who-commands", name="CENTCOM")}
    assert found == {"Frank McKenzie", "Michael Kurilla"}


def test_query_who_commands_carries_date_and_source(examples_store):
    kurilla = [r for r in rows(examples_store, "who-commands", name="Central Command") if r["commander"] == "Michael Kurilla"]
    assert kurilla[0]["asOf"] == "2022-04-01" and kurilla[0]["source"] == "Kurilla takes command of CENTCOM"


def test_query_who_commands_is_one_row_per_commander_with_the_latest_source(examples_store):
    # McKenzie's command of CENTCOM is stated by two articles (2020-01-06 and 2021-08-24): one row, the latest
    assert rows(examples_store, "who-commands", name="CENTCOM") == [
        {"commander": "Frank McKenzie", "organisation": "US Central Command", "asOf": "2021-08-24", "sources": "2",
         "source": "US commanders race to finish Kabul airlift"},
        {"commander": "Michael Kurilla", "organisation": "US Central Command", "asOf": "2022-04-01", "sources": "1",
         "source": "Kurilla takes command of CENTCOM"}]


SAME_DAY = [  # two articles of one day give different figures; a later one gives a third; the last has no title
    ("a1", "2023-03-01", "Briefing one", "Gen. Maria Holloway, the commander of Task Force Granite, spoke to "
     "reporters on Monday. There are about 2,500 American troops in Iraq, officials said."),
    ("a2", "2023-03-01", "Briefing two", "There are about 3,000 American troops in Iraq, officials said. Gen. Maria "
     "Holloway, the commander of Task Force Granite, spoke to reporters on Tuesday."),
    ("a3", "2023-05-02", "Briefing three", "Gen. Maria Holloway, the commander of Task Force Granite, spoke to "
     "reporters on Friday. There are about 2,000 American troops in Iraq, officials said."),
    ("a4", "2023-06-01", None, "Engineers finished the new runway at the northern base in June, and Gen. Maria "
     "Holloway, the commander of Task Force Granite, opened it with a short speech about supply flights."),
]


@pytest.fixture(scope="module")
def same_day_store(tmp_path_factory):
    from kg.pipeline import build
    from kg.store import Store

    folder = tmp_path_factory.mktemp("same-day")
    corpus = folder / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "published": d, "text": t, **({"title": h} if h else {})}) + "\n"
                              for i, d, h, t in SAME_DAY), encoding="utf-8")
    store = Store(folder / "store")
    build([corpus], store, workers=1)
    return store


def test_query_who_commands_counts_the_articles_and_names_the_latest(same_day_store):
    assert rows(same_day_store, "who-commands", name="Task Force Granite") == [
        {"commander": "Maria Holloway", "organisation": "Task Force Granite", "asOf": "2023-06-01", "sources": "4",
         "source": None}]  # the latest article has no title


def test_query_troops_by_country_is_one_row_per_sender_host_and_date(same_day_store):
    assert rows(same_day_store, "troops-by-country", name="Iraq") == [
        {"sender": "United States", "host": "Iraq", "asOf": "2023-03-01", "troops": "2500", "upTo": "3000",
         "sources": "2", "source": "Briefing one", "url": None},
        {"sender": "United States", "host": "Iraq", "asOf": "2023-05-02", "troops": "2000", "upTo": "2000",
         "sources": "1", "source": "Briefing three", "url": None}]
    assert rows(same_day_store, "troops-by-country", name="United States") == rows(same_day_store, "troops-by-country")
    evidence = [r for r in rows(same_day_store, "evidence", name="Iraq") if r["relation"] == "type"]
    assert sorted(r["article"] for r in evidence) == ["Briefing one", "Briefing three", "Briefing two"]  # every source


def test_query_chain_of_command_goes_through_units(examples_store):
    chain = {r["superior"] for r in rows(examples_store, "chain-of-command", name="Pat White")}
    assert {"Frank McKenzie", "Mark Esper"} <= chain


def test_query_troops_by_country(examples_store):
    us = rows(examples_store, "troops-by-country", name="United States")
    hosts = {(r["host"], int(r["troops"]), r["asOf"]) for r in us}
    assert ("Iraq", 5000, "2020-01-06") in hosts and ("Japan", 54000, "2023-06-15") in hosts
    assert not any(r["sender"] == "United States" and r["host"] == "Germany" and r["troops"] == "11900" for r in us)


def test_query_evidence_returns_sentences_and_sources(examples_store):
    evidence = rows(examples_store, "evidence", name="Seely")
    assert any(r["relation"] == "headOf" and "Task Force Iraq" in r["sentence"] and r["date"] == "2020-01-06"
               for r in evidence)


def test_query_entities_have_class_and_degree(examples_store):
    entities = {r["entity"]: r for r in rows(examples_store, "entities")}
    assert entities["US Central Command"]["class"] == "Organization"
    assert int(entities["US Central Command"]["degree"]) >= 4


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_query_every_named_query_runs(examples_store, name):
    assert select(examples_store, named_query(name)).rows


def test_query_json_is_w3c_results(examples_store):
    data = json.loads(run_query(examples_store, "SELECT ?p WHERE { ?p org:headOf ?o } LIMIT 2", fmt="json"))
    assert data["head"]["vars"] == ["p"] and data["results"]["bindings"][0]["p"]["type"] == "uri"


def test_query_csv_tsv_xml(examples_store):
    sparql = "SELECT ?o WHERE { ?p org:headOf ?o } ORDER BY ?o LIMIT 3"
    assert next(csv.reader(io.StringIO(run_query(examples_store, sparql, fmt="csv")))) == ["o"]
    assert run_query(examples_store, sparql, fmt="tsv").startswith("?o\n")
    root = ET.fromstring(run_query(examples_store, sparql, fmt="xml"))
    assert root.tag.endswith("sparql")


def test_query_construct_formats(examples_store):
    sparql = "CONSTRUCT { ?p org:headOf ?o } WHERE { ?p org:headOf ?o }"
    assert query_kind(sparql) == "CONSTRUCT"
    assert "headOf" in run_query(examples_store, sparql, fmt="ttl")
    assert json.loads(run_query(examples_store, sparql, fmt="jsonld"))
    with pytest.raises(QueryError, match="is for SELECT/ASK"):
        run_query(examples_store, sparql, fmt="csv")


def test_query_ask_table(examples_store):
    assert "true" in run_query(examples_store, "ASK { ?s org:headOf ?o }")
    assert format_result(examples_store.query("ASK { ?s org:headOf ?s }"), "json").strip().endswith("false}")


def test_query_unknown_named_query():
    with pytest.raises(QueryError, match="no named query"):
        named_query("nope")


@pytest.mark.parametrize("date, commander", [("2021-01-01", "Frank McKenzie"), ("2022-05-01", "Michael Kurilla")])
def test_query_commander_on_date_follows_succession(examples_store, date, commander):
    found = rows(examples_store, "commander-on-date", name="CENTCOM", date=date)
    assert [r["commander"] for r in found] == [commander]


def test_query_commander_on_date_before_any_evidence(examples_store):
    assert rows(examples_store, "commander-on-date", name="CENTCOM", date="2019-01-01") == []


def test_query_module_does_not_import_analysis():
    """analysis builds on query; query never reaches back (issue 10: the import cycle is gone)."""
    import ast
    import inspect

    import kg.query

    tree = ast.parse(inspect.getsource(kg.query))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | \
        {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(name and name.startswith(("kg.analysis", "kg.view", "kg.cli")) for name in imported), imported


def test_query_kg_never_calls_sys_exit():
    from conftest import ROOT

    for path in (ROOT / "kg").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "sys.exit" not in text and "raise SystemExit" not in text, path
