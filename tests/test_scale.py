"""Queries at scale: entity-bound named queries evaluated per entity, listings read page by page."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import QueryError
from kg.query import named_queries, named_query, page, parameterise, select
from kg.store import Store


@pytest.mark.parametrize("name, value", [("posts", "Frank McKenzie"), ("who-commands", "CENTCOM"),
                                         ("posts", "Lloyd Austin")])
def test_scale_per_entity_queries_answer_as_a_plain_join(examples_store, monkeypatch, name, value):
    text = named_query(name)
    lateral, _ = parameterise(text, {"name": value}, examples_store)
    assert "LATERAL" in lateral
    fast = select(examples_store, text, bindings={"name": value}).rows
    monkeypatch.setattr(Store, "lateral", False)
    plain, _ = parameterise(text, {"name": value}, examples_store)
    assert "LATERAL" not in plain
    assert select(examples_store, text, bindings={"name": value}).rows == fast


def test_scale_listings_page_with_limit_and_offset(examples_store):
    every = select(examples_store, named_queries()["entities"]).rows
    assert len(every) > 20
    first = select(examples_store, page(named_queries()["entities"], 10)).rows
    second = select(examples_store, page(named_queries()["entities"], 10, 10)).rows
    assert first + second == every[:20]


def test_scale_cli_limit_offset(examples_store):
    path = str(examples_store.path)
    examples_store.detach()
    runner = CliRunner()
    result = runner.invoke(main, ["query", "--name", "entities", "--limit", "3", "--offset", "1", "--store", path,
                                  "--format", "csv"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 4  # the header and three rows
    refused = runner.invoke(main, ["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 2", "--limit", "1", "--store", path])
    assert refused.exit_code == 1 and "already has LIMIT" in refused.output


def test_scale_page_refuses_a_query_with_its_own_limit():
    with pytest.raises(QueryError, match="already has LIMIT"):
        page("SELECT * WHERE { ?s ?p ?o } LIMIT 5", 10)
