"""kg serve (the real Oxigraph server over a kg store) and remote stores (--endpoint), over loopback."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import pytest
from click.testing import CliRunner
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from conftest import EXAMPLES
from kg.cli import main
from kg.endpoint import RemoteStore, oxigraph_server
from kg.errors import StoreError
from kg.pipeline import build
from kg.serve import Server
from kg.store import Store

COUNT_HEADS = "PREFIX org: <http://www.w3.org/ns/org#> SELECT (COUNT(*) AS ?n) WHERE { ?a org:headOf ?b }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sparql(url: str, query: str) -> dict:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    return client.query().convert()


def sparql_update(url: str, update: str) -> None:
    client = SPARQLWrapper(url)
    client.setMethod(POST)
    client.setQuery(update)
    client.query()


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "store"
    with Store(path) as store:
        build([EXAMPLES], store)
    return path


def local_heads(path: Path) -> int:
    with Store(path, read_only=True) as store:
        return int(next(iter(store.query(COUNT_HEADS)))[0].value)


def test_endpoint_serves_sparql_read_only(built_store):
    with Server(built_store, port=free_port()) as endpoint:
        rows = sparql(endpoint.query_url, COUNT_HEADS)["results"]["bindings"]
        assert int(rows[0]["n"]["value"]) == local_heads(built_store) > 10
        with pytest.raises((SPARQLWrapperException, HTTPError)) as refused:
            sparql_update(f"{endpoint.url}/update", "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }")
        assert "403" in str(refused.value) or "Forbidden" in str(refused.value)
        # readers may share the store while it is served; writers may not
        with Store(built_store, read_only=True) as reader:
            assert len(reader) > 0
        with pytest.raises(StoreError, match="in use"):
            Store(built_store)
    assert local_heads(built_store) > 10  # nothing was written


def test_endpoint_allow_update_accepts_updates(tmp_path):
    path = tmp_path / "store"
    Store(path).close()
    with Server(path, port=free_port(), allow_update=True) as endpoint:
        sparql_update(f"{endpoint.url}/update", "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> 'c' } }")
        rows = sparql(endpoint.query_url, "SELECT ?o WHERE { <http://x/a> <http://x/b> ?o }")["results"]["bindings"]
        assert [r["o"]["value"] for r in rows] == ["c"]


def test_endpoint_cli_serve_runs_until_interrupted(built_store):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(built_store), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        announced = process.stderr.readline()  # printed once the server answers
        assert b"SPARQL endpoint (read-only): http://127.0.0.1:" in announced, announced + process.stderr.read()
        rows = sparql(f"http://127.0.0.1:{port}/query", COUNT_HEADS)["results"]["bindings"]
        assert int(rows[0]["n"]["value"]) > 10
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert b"Traceback" not in err


def test_endpoint_serve_missing_store_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "nothing"), "--port", str(free_port())])
    assert result.exit_code == 1 and "no store here" in result.output


@pytest.fixture
def oxigraph_remote(tmp_path):
    """A writable Oxigraph server on loopback, with the union default graph kg's queries expect."""
    port = free_port()
    process = subprocess.Popen([oxigraph_server(), "serve", "--location", str(tmp_path / "remote"),
                                "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)


def test_endpoint_remote_build_query_export_remove(oxigraph_remote, tmp_path):
    runner = CliRunner()
    remote = ["--endpoint", oxigraph_remote]
    first = runner.invoke(main, ["build", str(EXAMPLES), *remote])
    assert first.exit_code == 0 and "14 added" in first.output, first.output
    again = runner.invoke(main, ["build", str(EXAMPLES), *remote])
    assert "0 added, 0 replaced, 14 unchanged" in again.output
    answer = runner.invoke(main, ["query", "--name", "who-commands", "--param", "name=CENTCOM", *remote])
    assert answer.exit_code == 0 and "Michael Kurilla" in answer.output
    local = tmp_path / "local"
    assert runner.invoke(main, ["build", str(EXAMPLES), "--store", str(local)]).exit_code == 0
    remote_nq = runner.invoke(main, ["export", "--format", "nq", *remote]).output
    local_nq = runner.invoke(main, ["export", "--format", "nq", "--store", str(local)]).output
    assert remote_nq == local_nq  # the same graph, byte for byte, wherever it is stored
    assert runner.invoke(main, ["stats", *remote]).output == runner.invoke(main, ["stats", "--store", str(local)]).output
    view = runner.invoke(main, ["view", *remote, "-o", str(tmp_path / "remote.html")])
    assert view.exit_code == 0 and (tmp_path / "remote.html").stat().st_size > 10_000
    refused = runner.invoke(main, ["validate", *remote])
    assert refused.exit_code == 1 and "needs a local store" in refused.output
    gone = runner.invoke(main, ["remove", "centcom-change-of-command-2022-04-01", *remote])
    assert gone.exit_code == 0 and "1 removed" in gone.output
    assert "Michael Kurilla" not in runner.invoke(main, ["query", "--name", "who-commands", *remote]).output
    # what the removed article stated is subtracted remotely as locally: the same graph again
    assert runner.invoke(main, ["remove", "centcom-change-of-command-2022-04-01", "--store", str(local)]).exit_code == 0
    assert (runner.invoke(main, ["export", "--format", "nq", *remote]).output
            == runner.invoke(main, ["export", "--format", "nq", "--store", str(local)]).output)


def test_endpoint_remote_store_is_a_store_for_the_library(oxigraph_remote):
    store = RemoteStore(oxigraph_remote)
    build([EXAMPLES], store)
    assert len(store.document_hashes()) == 14
    from kg.query import named_query, select

    rows = select(store, named_query("troops-by-country"), bindings={"name": "Iraq"}).as_dicts()
    assert any(r["troops"] == "5000" for r in rows), rows


def test_endpoint_unreachable_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["query", "ASK {}", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert result.exit_code == 1
    assert "cannot reach the endpoint" in result.output and "Traceback" not in result.output


def test_endpoint_a_request_aborted_as_a_deadlock_is_sent_again():
    # Virtuoso aborts one of two concurrent transactions with SQLSTATE 40001 / SR172 and asks for a
    # retry; any other server error is reported at once
    import http.server
    import threading

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(self.path)
            if len(seen) == 1 or "broken" in self.path:
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"Virtuoso 40001 Error SR172: Transaction deadlocked" if len(seen) == 1 else b"disk full")
                return
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        store = RemoteStore(url + "/query", graph_store_url=url + "/store")
        store._put("http://x/g", b"<http://x/a> <http://x/b> <http://x/c> .\n")
        assert len(seen) == 2  # refused once as a deadlock, then stored
        with pytest.raises(StoreError, match=r"HTTP 500.*disk full"):
            store._put("http://x/broken", b"<http://x/a> <http://x/b> <http://x/c> .\n")
        assert len(seen) == 3
    finally:
        server.shutdown()
