"""End to end: the kg command, through click's runner and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from kg.cli import main


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(store)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "14 added" in result.output
    return store


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_query_named_with_param(built):
    result = CliRunner().invoke(main, ["query", "--name", "who-commands", "--param", "name=CENTCOM",
                                       "--store", str(built)], catch_exceptions=False)
    assert result.exit_code == 0 and "Michael Kurilla" in result.output and "Frank McKenzie" in result.output


def test_cli_query_file_and_json(built, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?p WHERE { ?p org:reportsTo ?b }")
    result = CliRunner().invoke(main, ["query", "-f", str(query), "--format", "json", "--store", str(built)],
                                catch_exceptions=False)
    assert json.loads(result.output)["head"]["vars"] == ["p"]


def test_cli_query_list():
    result = CliRunner().invoke(main, ["query", "--list"], catch_exceptions=False)
    assert "troops-by-country" in result.output


def test_cli_view_export_stats_eval_validate(built, tmp_path):
    runner = CliRunner()
    view = runner.invoke(main, ["view", "--store", str(built), "-o", str(tmp_path / "v.html")], catch_exceptions=False)
    assert view.exit_code == 0 and (tmp_path / "v.html").stat().st_size > 100_000
    focus = runner.invoke(main, ["view", "--store", str(built), "--focus", "CENTCOM", "--hops", "1",
                                 "-o", str(tmp_path / "f.html")], catch_exceptions=False)
    assert focus.exit_code == 0
    for fmt in ("nq", "ttl", "graphml"):
        out = tmp_path / f"g.{fmt}"
        result = runner.invoke(main, ["export", "--store", str(built), "--format", fmt, "-o", str(out)],
                               catch_exceptions=False)
        assert result.exit_code == 0 and out.stat().st_size > 1000
    stats = runner.invoke(main, ["stats", "--store", str(built)], catch_exceptions=False)
    assert "articles             14" in stats.output
    scores = runner.invoke(main, ["eval", str(EXAMPLES / "gold.json"), "--store", str(built), "--format", "json"],
                           catch_exceptions=False)
    assert json.loads(scores.output)["headOf"]["f1"] >= 0.9
    valid = runner.invoke(main, ["validate", "--store", str(built)], catch_exceptions=False)
    assert valid.exit_code == 0, valid.output


def test_cli_bad_sparql_is_one_line_exit_1(built):
    result = run("query", "SELECT * WHERE { ?s ?p }", "--store", str(built))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: query: SPARQL syntax error")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_cli_missing_input_exit_1_and_store_unchanged(built, tmp_path):
    before = run("export", "--store", str(built), "--format", "nq").stdout
    result = run("build", str(tmp_path / "missing.txt"), "--store", str(built))
    assert result.returncode == 1 and "missing.txt: no such file or folder" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert run("export", "--store", str(built), "--format", "nq").stdout == before


def test_cli_malformed_jsonl_names_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Gen. Mark Milley spoke."}\n{"text": oops}\n')
    result = run("build", str(bad), "--store", str(tmp_path / "s"))
    assert result.returncode == 1 and "bad.jsonl:2: malformed JSON line" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_binary_file(tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x00")
    result = run("build", str(binary), "--store", str(tmp_path / "s"))
    assert result.returncode == 1 and "binary file" in result.stderr


def test_cli_usage_error_exit_2():
    result = run("query")
    assert result.returncode == 2


def test_cli_stdin(tmp_path):
    line = json.dumps({"id": "s1", "text": "About 5,000 US troops are in Iraq.", "published": "2020-01-06"})
    result = subprocess.run([sys.executable, "-m", "kg.cli", "build", "-", "--store", str(tmp_path / "s")],
                            input=line + "\n", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "1 added" in result.stdout


def test_cli_query_on_missing_store(tmp_path):
    result = run("query", "ASK {}", "--store", str(tmp_path / "nothing"))
    assert result.returncode == 1 and "no store here" in result.stderr


def test_cli_remove(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "s")
    runner.invoke(main, ["build", str(EXAMPLES), "--store", store], catch_exceptions=False)
    result = runner.invoke(main, ["remove", "nato-cavoli-2022-07-01", "--store", store], catch_exceptions=False)
    assert result.exit_code == 0 and "1 removed" in result.output
    again = runner.invoke(main, ["remove", "nato-cavoli-2022-07-01", "--store", store])
    assert again.exit_code == 1 and "not in the store: nato-cavoli-2022-07-01; nothing removed" in again.stderr


@pytest.mark.parametrize(("args", "code", "start"), [
    (["build", str(EXAMPLES), "--base", "not an iri"], 2, "Error: Invalid value for '--base': not an absolute IRI"),
    (["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"], 1,
     "Error: query: evaluation failed: The port 1 is not allowed"),
    (["query", "--name", "who-commands", "--param", "nmae=CENTCOM"], 2, "Error: --param nmae: query who-commands"),
    (["query"], 2, "Error: give exactly one of SPARQL, -f FILE or --name NAME (see `kg query --help`)"),
])
def test_cli_real_process_faults_are_one_line(built, args, code, start):
    result = run(*args, "--store", str(built))
    assert result.returncode == code
    assert result.stderr.startswith(start) and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stdout == ""


def test_cli_compact_keeps_the_graph_and_merges_the_files(tmp_path):
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(EXAMPLES), "--store", str(store)], catch_exceptions=False).exit_code == 0
    before = runner.invoke(main, ["export", "--store", str(store), "--format", "nq"], catch_exceptions=False).output
    files = len(list(store.glob("*.sst")))
    result = runner.invoke(main, ["compact", "--store", str(store)], catch_exceptions=False)
    assert result.exit_code == 0 and result.output.startswith("store compacted: ")
    assert len(list(store.glob("*.sst"))) < files
    after = runner.invoke(main, ["export", "--store", str(store), "--format", "nq"], catch_exceptions=False).output
    assert sorted(after.splitlines()) == sorted(before.splitlines()) and before
    missing = run("compact", "--store", str(tmp_path / "nothing"))
    assert missing.returncode == 1 and "no store here" in missing.stderr and "Traceback" not in missing.stderr
