"""Analysis: the chain of command on a date, the shortest chain between two people, the most connected."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from kg.analysis import chain_of_command, most_connected, shortest_chain
from kg.cli import main
from kg.errors import QueryError


@pytest.mark.parametrize("date, chain", [
    ("2020-01-08", [("1", "Frank McKenzie"), ("2", "Mark Esper")]),
    ("2022-06-01", [("1", "Michael Kurilla"), ("2", "Lloyd Austin")]),
])
def test_analysis_chain_of_command_follows_the_date(examples_store, date, chain):
    table = chain_of_command(examples_store, "Pat White", date)
    assert [(r["level"], r["superior"]) for r in table.as_dicts()] == chain


def test_analysis_chain_before_anything_was_stated_is_empty(examples_store):
    assert chain_of_command(examples_store, "Pat White", "2019-01-01").rows == []


def test_analysis_chain_on_date_from_the_cli_in_every_format(tmp_path):
    store = str(tmp_path / "store")
    assert CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", store]).exit_code == 0
    args = ["query", "--name", "chain-of-command", "--param", "name=Pat White", "--param", "date=2022-06-01",
            "--store", store]
    table = CliRunner().invoke(main, args)
    assert table.exit_code == 0 and "Michael Kurilla" in table.output and "Frank McKenzie" not in table.output
    as_json = CliRunner().invoke(main, args + ["--format", "json"])
    assert '"superior"' in as_json.output and "Lloyd Austin" in as_json.output


def test_analysis_shortest_chain_between_two_people(examples_store):
    steps = shortest_chain(examples_store, "Pat White", "Mark Esper")
    assert steps[0][0] == "Pat White" and steps[-1][0] == "Mark Esper"
    assert len(steps) <= 4


def test_analysis_shortest_chain_unknown_name_is_a_clear_error(examples_store):
    with pytest.raises(QueryError, match="Nobody Atall"):
        shortest_chain(examples_store, "Pat White", "Nobody Atall")


def test_analysis_most_connected_is_ranked_by_degree(examples_store):
    rows = most_connected(examples_store, top=5).as_dicts()
    degrees = [int(r["degree"]) for r in rows]
    assert degrees == sorted(degrees, reverse=True) and rows[0]["entity"] == "United States"
