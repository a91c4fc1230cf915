"""A build killed with SIGKILL leaves the store equal to its state before or after that build."""

from __future__ import annotations

import io
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.export import export
from kg.pipeline import build
from kg.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus

pytestmark = pytest.mark.slow


def snapshot(path: Path) -> bytes:
    with Store(path, read_only=True) as store:
        buffer = io.BytesIO()
        export(store, "nq", buffer)
        return buffer.getvalue()


def test_atomic_sigkill_mid_build(tmp_path):
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"id": "seed", "text": "Gen. Frank McKenzie, commander of US Central Command, "
                                 "said about 5,000 US troops are in Iraq.", "published": "2020-01-06"}) + "\n")
    corpus = write_corpus(tmp_path / "corpus.jsonl", 600)
    before_dir, after_dir = tmp_path / "before", tmp_path / "after"
    with Store(before_dir) as store:
        build([first], store)
    shutil.copytree(before_dir, after_dir)
    with Store(after_dir) as store:
        build([corpus], store)
    before, after = snapshot(before_dir), snapshot(after_dir)
    assert before != after

    outcomes = []
    # kill at several moments: while reading and extracting, and while (or after) writing
    for delay in (0.3, 1.5, 2.5, 2.8, 3.1, 3.5, 5.0):
        trial = tmp_path / f"trial-{delay}"
        shutil.copytree(before_dir, trial)
        process = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(trial)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = snapshot(trial)
        assert state in (before, after), f"store in between after a kill at {delay}s"
        outcomes.append("before" if state == before else "after")
    print("outcomes:", outcomes)
    assert "before" in outcomes
