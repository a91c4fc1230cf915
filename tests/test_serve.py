"""kg serve for daily use: a real Oxigraph server started as a user would, in its own process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from kg.cli import main


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "store"
    result = CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    return path


def start(store: Path, port: int) -> subprocess.Popen[str]:
    # a session of its own, as a terminal gives a command: Ctrl-C goes to the whole process group
    return subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def ask(port: int, query: str) -> str:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/query", data=data, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(response.read().decode())


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_ctrl_c_to_the_process_group_exits_0(store, stop):
    port = free_port()
    process = start(store, port)
    try:
        banner = process.stderr.readline() if process.stderr else ""
        assert banner == f"SPARQL endpoint (read-only): http://127.0.0.1:{port}/query   Ctrl-C to stop\n"
        assert ask(port, "ASK { ?s ?p ?o }").strip().endswith("true")
    finally:
        os.killpg(process.pid, stop)  # what the terminal does on Ctrl-C: the server is not in that group
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert err == "" and out == ""
    with pytest.raises(OSError):  # the server is gone with it
        ask(port, "ASK {}")


def test_serve_busy_port_is_one_line_before_any_banner(store):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = start(store, port)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err == f"Error: 127.0.0.1:{port}: the port is in use (stop what listens there, or pick another with --port)\n"
    assert out == ""


def test_serve_holds_the_store_against_builds(store):
    port = free_port()
    process = start(store, port)
    try:
        assert process.stderr is not None and process.stderr.readline().startswith("SPARQL endpoint")
        refused = CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(store)])
        assert refused.exit_code == 1
        assert refused.stderr == (f"Error: {store}: the store is in use by another process "
                                  "(wait for the other kg command to finish or stop `kg serve`)\n")
        readers = CliRunner().invoke(main, ["stats", "--store", str(store)], catch_exceptions=False)
        assert readers.exit_code == 0 and "articles             14" in readers.stdout
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_serve_the_endpoint_answers_prefixed_queries_and_refuses_undeclared_prefixes(store):
    port = free_port()
    process = start(store, port)
    try:
        assert process.stderr is not None and process.stderr.readline().startswith("SPARQL endpoint")
        query = "PREFIX org: <http://www.w3.org/ns/org#> SELECT (COUNT(*) AS ?n) WHERE { ?a org:headOf ?b }"
        local = CliRunner().invoke(main, ["query", query, "--store", str(store), "--format", "csv"],
                                   catch_exceptions=False)
        assert ask(port, query).replace("\r\n", "\n") == local.stdout.replace("\r\n", "\n")
        assert int(local.stdout.split()[-1]) > 10
        # documented in the README: the Oxigraph server does not predeclare prefixes
        with pytest.raises(urllib.error.HTTPError) as refused:
            ask(port, "SELECT (COUNT(*) AS ?n) WHERE { ?a org:headOf ?b }")
        assert refused.value.code == 400
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=30)


def test_serve_public_host_needs_public(store):
    result = CliRunner().invoke(main, ["serve", "--store", str(store), "--host", "192.0.2.1"])
    assert result.exit_code == 2 and "needs --public" in result.stderr
    # with --public the address is tried (and this one is not the machine's): still one line, exit 1
    result = CliRunner().invoke(main, ["serve", "--store", str(store), "--host", "192.0.2.1", "--public",
                                       "--port", str(free_port())])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 192.0.2.1:") and "cannot listen there" in result.stderr


def test_serve_the_oxigraph_server_is_a_core_dependency():
    import configparser

    from conftest import ROOT

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    required = config["options"]["install_requires"].split()
    assert any(r.startswith("oxigraph") for r in required)
    assert "server" not in config["options.extras_require"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_serve_no_server_outlives_a_killed_kg(store):
    port = free_port()
    process = start(store, port)
    assert process.stderr is not None and process.stderr.readline().startswith("SPARQL endpoint")
    process.kill()  # SIGKILL: kg cannot stop the server itself
    process.wait(timeout=10)
    for _ in range(100):
        try:
            ask(port, "ASK {}")
        except OSError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the Oxigraph server still answers after kg was killed")
