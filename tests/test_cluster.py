"""kg build --cluster: extraction on a Dask distributed cluster (a LocalCluster of 2 worker processes
started here, on loopback) gives the same sorted N-Quads as a local build."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from kg.cli import main
from kg.export import export
from kg.pipeline import build
from kg.store import Store

distributed = pytest.importorskip("distributed", reason="Dask distributed is in the test extra")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus  # noqa: E402

pytestmark = pytest.mark.slow


def nq(path: Path) -> bytes:
    with Store(path, read_only=True) as store:
        buffer = io.BytesIO()
        export(store, "nq", buffer)
        return buffer.getvalue()


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as local:
        yield local.scheduler_address


def test_cluster_build_equals_a_local_build(cluster, tmp_path):
    corpus = write_corpus(tmp_path / "corpus.jsonl", 150)
    local = tmp_path / "local"
    with Store(local) as store:
        build([EXAMPLES, corpus], store, workers=1)
    result = CliRunner().invoke(main, ["build", str(EXAMPLES), str(corpus), "--store", str(tmp_path / "remote"),
                                       "--cluster", cluster, "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "164 added" in result.output
    assert nq(tmp_path / "remote") == nq(local)
    with distributed.Client(cluster) as client:  # the work really ran in the cluster's two processes
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(executed) == 2 and all(count > 0 for count in executed.values()), executed


def test_cluster_unreachable_is_one_line(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(tmp_path / "s"), "--quiet",
                                       "--cluster", f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler" in result.output and "Traceback" not in result.output
