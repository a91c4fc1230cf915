"""--endpoint against a second real SPARQL server: OpenLink Virtuoso (Debian's virtuoso-opensource),
started here on loopback with a temporary database and ini file."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from kg.cli import main
from kg.endpoint import RemoteStore
from kg.pipeline import build

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
pytestmark = pytest.mark.slow

# What kg needs of Virtuoso, beyond its defaults: room for every row of an export, and the anonymous
# SPARQL user allowed to update (granted below); the union of all graphs is its default graph already.
INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {db}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if VIRTUOSO is None or ISQL is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no virtuoso-t: .ci/run should have installed virtuoso-opensource")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    db = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (db / "virtuoso.ini").write_text(INI.format(db=db, sql=sql, http=http))
    process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(db / "virtuoso.ini")], cwd=db,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}?{urllib.parse.urlencode({'query': 'ASK {}'})}", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("virtuoso-t stopped: " + (db / "virtuoso.log").read_text()[-500:])
                time.sleep(0.1)
        grant = subprocess.run([ISQL, f"127.0.0.1:{sql}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                               capture_output=True, text=True, timeout=60)
        assert grant.returncode == 0, grant.stdout + grant.stderr
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def canonical(nquads: str) -> list[str]:
    """Virtuoso keeps a decimal's value, not its spelling ("0.90" comes back "0.9"): compare values."""
    def number(match: re.Match[str]) -> str:
        return f'"{Decimal(match.group(1)).normalize()}"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    return sorted(re.sub(r'"([0-9.+-]+)"\^\^<http://www.w3.org/2001/XMLSchema#decimal>', number, line)
                  for line in nquads.splitlines())


def test_virtuoso_build_query_export_remove(virtuoso, tmp_path):
    runner = CliRunner()
    remote = ["--endpoint", virtuoso]
    first = runner.invoke(main, ["build", str(EXAMPLES), *remote, "--quiet"])
    assert first.exit_code == 0 and "14 added" in first.output, first.output
    again = runner.invoke(main, ["build", str(EXAMPLES), *remote, "--quiet"])
    assert "0 added, 0 replaced, 14 unchanged" in again.output, again.output
    answer = runner.invoke(main, ["query", "--name", "who-commands", "--param", "name=CENTCOM", *remote])
    assert answer.exit_code == 0 and "Michael Kurilla" in answer.output, answer.output
    local = tmp_path / "local"
    assert runner.invoke(main, ["build", str(EXAMPLES), "--store", str(local), "--quiet"]).exit_code == 0
    remote_nq = runner.invoke(main, ["export", "--format", "nq", *remote]).output
    local_nq = runner.invoke(main, ["export", "--format", "nq", "--store", str(local)]).output
    assert len(local_nq) > 10_000
    assert canonical(remote_nq) == canonical(local_nq)  # the same graph wherever it is stored
    gone = runner.invoke(main, ["remove", "centcom-change-of-command-2022-04-01", *remote])
    assert gone.exit_code == 0 and "1 removed" in gone.output, gone.output
    assert "Michael Kurilla" not in runner.invoke(main, ["query", "--name", "who-commands", *remote]).output


def test_virtuoso_named_queries_answer_as_locally(virtuoso, examples_store):
    """The same rows (Virtuoso's ORDER BY collates some strings differently from Oxigraph, so rows may
    come in another order)."""
    from kg.query import named_query, select

    store = RemoteStore(virtuoso)
    if len(store.document_hashes()) < 14:
        build([EXAMPLES], store)
    for name, bindings in (("troops-by-country", {"name": "Iraq"}), ("posts", None), ("entities", None)):
        remote = select(store, named_query(name), bindings=bindings).rows
        local = select(examples_store, named_query(name), bindings=bindings).rows
        assert remote and sorted(remote, key=str) == sorted(local, key=str), name


def test_virtuoso_chain_walk_answers_as_locally(virtuoso, examples_store):
    """chain-of-command over all dates, walked by kg over the chain index the endpoint keeps (SPARQL with
    VALUES there, index lookups locally): the same rows in the same order."""
    from kg.query import chains_above

    store = RemoteStore(virtuoso)
    if len(store.document_hashes()) < 14:
        build([EXAMPLES], store)
    for name in ("Pat White", None):
        remote = chains_above(store, name).rows
        assert remote and remote == chains_above(examples_store, name).rows, name


def test_virtuoso_dated_walk_answers_as_locally(virtuoso, examples_store):
    """The chain and the reporting lines on a date, walked by kg with plain SPARQL there (no LATERAL;
    dates compared and maximised by Virtuoso), give the local rows in the local order."""
    from kg.query import chain_of_command, find_entities, reporting_lines_listing, reporting_lines_on

    store = RemoteStore(virtuoso)
    if len(store.document_hashes()) < 14:
        build([EXAMPLES], store)
    for day in ("2020-01-08", "2022-06-01"):
        local = chain_of_command(examples_store, "Pat White", day).rows
        assert local and chain_of_command(store, "Pat White", day).rows == local, day
        people = find_entities(examples_store, "Pat White") + find_entities(examples_store, "Esmail Qaani")
        assert reporting_lines_on(store, people, day).rows == reporting_lines_on(examples_store, people, day).rows
        listed = reporting_lines_listing(examples_store, day).rows
        assert listed and reporting_lines_listing(store, day).rows == listed, day
