"""A build killed with SIGKILL at any moment leaves every article wholly in or wholly out, keeps what
was stored before, and running the same command again completes it."""

from __future__ import annotations

import io
import json
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from kg.export import export
from kg.ontology import DEFAULT_BASE
from kg.pipeline import build
from kg.rdfmap import entities_graph
from kg.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus

pytestmark = pytest.mark.slow
ENTITIES = str(entities_graph(DEFAULT_BASE))


def snapshot(path: Path) -> bytes:
    with Store(path, read_only=True) as store:
        buffer = io.BytesIO()
        export(store, "nq", buffer)
        return buffer.getvalue()


def by_graph(nquads: bytes) -> dict[str, set[str]]:
    graphs: dict[str, set[str]] = defaultdict(set)
    for line in nquads.decode().splitlines():
        graphs[line.rsplit(" ", 2)[1]].add(line)
    return graphs


def test_atomic_sigkill_mid_build(tmp_path):
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"id": "seed", "text": "Gen. Frank McKenzie, commander of US Central Command, "
                                 "said about 5,000 US troops are in Iraq.", "published": "2020-01-06"}) + "\n")
    corpus = write_corpus(tmp_path / "corpus.jsonl", 900)
    before_dir, after_dir = tmp_path / "before", tmp_path / "after"
    with Store(before_dir) as store:
        build([first], store)
    shutil.copytree(before_dir, after_dir)
    with Store(after_dir) as store:
        build([corpus], store, workers=1)
    before, after = snapshot(before_dir), snapshot(after_dir)
    final = by_graph(after)
    seed = by_graph(before)
    assert before != after

    def articles_in(path: Path) -> int:
        with Store(path, read_only=True) as reader:  # readers get in between batches
            return len(reader.document_hashes())

    partial = 0
    # kill while reading and extracting (fixed delays), and right after a batch was written (when a
    # reader first sees more articles than the seed), whatever the speed of the machine
    for moment in (0.3, 1.5, "batch", "batch+0.5"):
        trial = tmp_path / f"trial-{moment}"
        shutil.copytree(before_dir, trial)
        command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(trial), "--workers", "1",
                   "--quiet"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if isinstance(moment, float):
            time.sleep(moment)
        else:
            deadline = time.monotonic() + 240
            while process.poll() is None and time.monotonic() < deadline and articles_in(trial) <= 1:
                time.sleep(0.2)
            if moment.endswith("+0.5"):
                time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = by_graph(snapshot(trial))
        articles = [g for g in state if g != ENTITIES]
        for graph in articles:  # every article graph present is exactly as a complete build leaves it
            assert state[graph] == final[graph], f"article {graph} half-written after a kill at {moment}"
        for graph, lines in seed.items():  # nothing stored before the build is lost
            if graph != ENTITIES:
                assert state.get(graph) == lines
        if 1 < len(articles) < len(final) - 1:
            partial += 1
        rerun = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        assert rerun.returncode == 0, rerun.stderr
        assert snapshot(trial) == after, f"re-running after a kill at {moment} did not complete the build"
    assert partial, "no kill landed between batches"
