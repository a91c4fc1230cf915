"""The bad-input matrix (issue 10): every fault is one line on stderr, with the exact message and
exit code (1 bad input, 2 wrong usage), no traceback, the store unchanged and nothing of the user's
touched.

Each case runs the real command through click's runner against a store built from examples/; the
store's sorted N-Quads and the listing of every folder involved are compared before and after.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from kg.cli import main

SERVICE_PORT_1 = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
SERVICE_FILE = "SELECT * WHERE { SERVICE <file:///etc/hostname> { ?s ?p ?o } }"

# (case, command with {store} {tmp} placeholders, exact stderr line, exit code)
MATRIX = [
    ("--base not an IRI", ["build", "examples", "--store", "{store}", "--base", "not an iri"],
     "Error: Invalid value for '--base': not an absolute IRI: 'not an iri' (use one like https://example.org/id/) "
     "(see `kg build --help`)", 2),
    ("SERVICE to a refused port", ["query", SERVICE_PORT_1, "--store", "{store}"],
     "Error: query: evaluation failed: The port 1 is not allowed for HTTP(S) because it is dedicated to an other "
     "use (a SERVICE endpoint could not be queried)", 1),
    ("SERVICE to a file IRI", ["query", SERVICE_FILE, "--store", "{store}"],
     "Error: query: evaluation failed: invalid format (a SERVICE endpoint could not be queried)", 1),
    ("unknown --param name", ["query", "--name", "who-commands", "--param", "nmae=CENTCOM", "--store", "{store}"],
     "Error: --param nmae: query who-commands has no parameter 'nmae' (its parameters: name)", 2),
    ("unknown --param in ad-hoc SPARQL", ["query", "SELECT ?x WHERE { ?x ?p ?o }", "--param", "y=1", "--store", "{store}"],
     "Error: --param y: the query has no parameter 'y' (its parameters: o, p, x)", 2),
    ("malformed date", ["query", "--name", "commander-on-date", "--param", "name=CENTCOM", "--param", "date=2021-13-45",
                        "--store", "{store}"],
     "Error: --param date: not a valid date: '2021-13-45' (use YYYY-MM-DD, e.g. 2021-01-31)", 2),
    ("malformed date, chain walk", ["query", "--name", "chain-of-command", "--param", "name=Pat White",
                                    "--param", "date=1 May 2021", "--store", "{store}"],
     "Error: --param date: not a valid date: '1 May 2021' (use YYYY-MM-DD, e.g. 2021-01-31)", 2),
    ("remove a present and a missing id", ["remove", "us-iraq-letter-2020-01-06", "no-such", "--store", "{store}"],
     "Error: {store}: not in the store: no-such; nothing removed (list the ids with kg query --name articles)", 1),
    ("gold file {}", ["eval", "{tmp}/empty-gold.json", "--store", "{store}"],
     "Error: {tmp}/empty-gold.json: no annotations: none of persons, posts, headOf, reportsTo, partOf, troops is "
     "given (see the README section Gold files; examples/gold.json is one)", 1),
    ("gold file missing", ["eval", "{tmp}/no-gold.json", "--store", "{store}"],
     "Error: {tmp}/no-gold.json: no such gold file", 1),
    ("--endpoint with --store", ["query", "ASK {}", "--store", "{store}", "--endpoint", "http://127.0.0.1:9/query"],
     "Error: give --store or --endpoint, not both (see `kg query --help`)", 2),
    ("--graph-store without --endpoint", ["query", "ASK {}", "--store", "{store}", "--graph-store", "http://x/store"],
     "Error: --graph-store needs --endpoint (see `kg query --help`)", 2),
    ("view -o into a missing folder", ["view", "--store", "{store}", "-o", "{tmp}/missing/dir/x.html"],
     "Error: {tmp}/missing/dir/x.html: folder {tmp}/missing/dir does not exist (create it first, or write elsewhere)",
     1),
    ("export -o into a missing folder", ["export", "--store", "{store}", "--format", "nq", "-o", "{tmp}/missing/x.nq"],
     "Error: {tmp}/missing/x.nq: folder {tmp}/missing does not exist (create it first, or write elsewhere)", 1),
    ("chart -o into a missing folder", ["chart", "troops", "--store", "{store}", "-o", "{tmp}/missing/c.svg"],
     "Error: {tmp}/missing/c.svg: folder {tmp}/missing does not exist (create it first, or write elsewhere)", 1),
    ("chart -o with another suffix", ["chart", "troops", "--store", "{store}", "-o", "{tmp}/c.pdf"],
     "Error: Invalid value for '-o': {tmp}/c.pdf: use a name ending in .html, .svg, .png (see `kg chart --help`)", 2),
    ("build into a folder of the user's own files", ["build", "examples", "--store", "{tmp}/mine"],
     "Error: {tmp}/mine: not a kg store, and not empty: kg will not write among other files "
     "(use a new or empty folder for --store)", 1),
    ("query a folder of the user's own files", ["query", "ASK {}", "--store", "{tmp}/mine"],
     "Error: {tmp}/mine: not a kg store (build one with `kg build INPUT --store DIR`, or pass the right --store)", 1),
    ("build a store under a missing folder", ["build", "examples", "--store", "{tmp}/missing/deep/store"],
     "Error: {tmp}/missing/deep/store: folder {tmp}/missing/deep does not exist "
     "(create it first, or pick another --store)", 1),
    ("query a missing store", ["query", "ASK {}", "--store", "{tmp}/nothing"],
     "Error: {tmp}/nothing: no store here (run `kg build` first or pass --store)", 1),
    ("serve beyond loopback without --public", ["serve", "--store", "{store}", "--host", "0.0.0.0"],
     "Error: --host 0.0.0.0: listening beyond this machine needs --public (the Oxigraph server cannot turn off "
     "SERVICE, so any client could make it fetch internal addresses; see the README section kg serve)", 2),
    ("unknown relation kind", ["view", "--store", "{store}", "--relations", "likes", "-o", "{tmp}/v.html"],
     "Error: unknown relation kind 'likes' (known: headOf, reportsTo, subOrganizationOf, holds, postIn, memberOf, "
     "troops)", 1),
    ("no query given", ["query", "--store", "{store}"],
     "Error: give exactly one of SPARQL, -f FILE or --name NAME (see `kg query --help`)", 2),
    ("unknown named query", ["query", "--name", "who-leads", "--store", "{store}"],
     "Error: query who-leads: no named query 'who-leads' (known: articles, chain-of-command, commander-on-date, "
     "entities, evidence, posts, reporting-lines-on-date, troops-by-country, who-commands)", 1),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("badinput") / "store"
    result = CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (names and contents), ignoring the store's own database files."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def quads(store: Path) -> str:
    result = CliRunner().invoke(main, ["export", "--store", str(store), "--format", "nq"], catch_exceptions=False)
    assert result.exit_code == 0
    return result.stdout


@pytest.mark.parametrize(("case", "command", "message", "code"), MATRIX, ids=[m[0] for m in MATRIX])
def test_badinput_one_line_exact_message_store_unchanged(case, command, message, code, store, tmp_path, monkeypatch):
    monkeypatch.chdir(EXAMPLES.parent)
    (tmp_path / "empty-gold.json").write_text("{}")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own notes\n")
    shutil.copy(EXAMPLES / "gold.json", mine / "gold.json")
    before_quads, before_user = quads(store), snapshot(tmp_path)
    args = [a.replace("{store}", str(store)).replace("{tmp}", str(tmp_path)) for a in command]
    result = CliRunner().invoke(main, args)
    expected = message.replace("{store}", str(store)).replace("{tmp}", str(tmp_path))
    assert result.exit_code == code, result.output
    assert result.stderr == expected + "\n", case
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert quads(store) == before_quads  # nothing stored is lost or added
    assert snapshot(tmp_path) == before_user  # no folder or file of the user's created or changed
    assert not (tmp_path / "missing").exists()


def test_badinput_remove_keeps_the_present_article(store):
    result = CliRunner().invoke(main, ["remove", "us-iraq-letter-2020-01-06", "no-such", "--store", str(store)])
    assert result.exit_code == 1
    listed = CliRunner().invoke(main, ["query", "--name", "articles", "--store", str(store), "--format", "csv"],
                                catch_exceptions=False)
    assert "us-iraq-letter-2020-01-06" in listed.stdout


def test_badinput_reading_a_user_folder_leaves_no_lock_file(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("x")
    for command in (["query", "ASK {}"], ["stats"], ["view", "-o", str(tmp_path / "v.html")]):
        result = CliRunner().invoke(main, [*command, "--store", str(mine)])
        assert result.exit_code == 1 and "not a kg store" in result.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]


def test_badinput_an_empty_folder_becomes_a_marked_store(tmp_path):
    from kg.storedir import MARKER, is_kg_store

    folder = tmp_path / "empty"
    folder.mkdir()
    record = {"id": "a1", "text": "About 5,000 US troops are in Iraq.", "published": "2020-01-06"}
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.jsonl"), "--store", str(folder)],
                                catch_exceptions=False)
    assert result.exit_code == 0 and (folder / MARKER).is_file() and is_kg_store(folder)
    again = CliRunner().invoke(main, ["build", str(tmp_path / "a.jsonl"), "--store", str(folder)],
                               catch_exceptions=False)
    assert again.exit_code == 0 and "1 unchanged" in again.stdout


def test_badinput_build_summary_counts_what_kg_stats_counts(tmp_path):
    store = tmp_path / "s"
    built = CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(store)], catch_exceptions=False)
    stats = CliRunner().invoke(main, ["stats", "--store", str(store)], catch_exceptions=False)
    assertions = int(next(line.split()[-1] for line in stats.stdout.splitlines() if line.startswith("assertions")))
    assert f"; {assertions} relations," in built.stdout, (built.stdout, assertions)


def test_badinput_a_store_made_before_the_marker_is_still_a_store(tmp_path):
    from kg.errors import StoreError
    from kg.store import Store
    from kg.storedir import MARKER, is_kg_store

    path = tmp_path / "old"
    Store(path).close()
    (path / MARKER).unlink()  # as every store was before the marker
    assert is_kg_store(path)
    Store(path, read_only=True).close()
    assert not (path / MARKER).exists()  # readers change nothing
    Store(path).close()
    assert (path / MARKER).is_file()  # the next write marks it
    lookalike = tmp_path / "lookalike"
    lookalike.mkdir()
    (lookalike / "CURRENT").write_text("someone else's database\n")
    with pytest.raises(StoreError, match="not a kg store, and not empty"):
        Store(lookalike)
    assert sorted(p.name for p in lookalike.iterdir()) == ["CURRENT"]
