"""The README tells the truth: every command it shows runs, in order, and prints what it says.

``test_docs_readme_runs_verbatim`` plays a fresh clone: a scratch folder holding what ``make demo``
needs (the Makefile, the package metadata, examples/, tests/data/inputs/ and the already-made ``.venv``), where the
README's ``console`` blocks run one after another in one bash session (so ``. .venv/bin/activate``
holds for the rest), starting with the Quick start's ``make demo``. Each ``$ command``'s output is
compared with the lines under it; ``...`` alone on a line stands for any lines, and within a line
for any text. Two liberties, both about the shared test machine rather than the README: ports 7878
and 7879 become free ports, and after a server's ``... &`` line the script waits until it answers.
The ``python`` block then runs in the same folder, and the ``sparql`` block through ``kg query`` and
at a real ``kg serve`` endpoint.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from kg.cli import main

README = ROOT / "README.md"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def commands(block: str) -> list[tuple[str, str]]:
    """(command, expected output) for each ``$ `` line of a console block."""
    return re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", block, re.M)


def matches(expected: str, actual: str) -> bool:
    pattern = ""
    for line in expected.splitlines():
        if line == "...":
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += r"[^\n]*".join(re.escape(part) for part in line.split("...")) + r"\n"
    return re.fullmatch(pattern, actual) is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder laid out like a fresh clone after the venv was made."""
    venv = ROOT / ".venv"
    if not (venv / "bin" / "kg").exists():
        pytest.skip("no .venv beside the checkout: run the suite through `make test`")
    folder = tmp_path_factory.mktemp("clone")
    made = (venv / "bin" / "kg").stat().st_mtime
    for name in ("Makefile", "setup.cfg", "pyproject.toml", "tests/requirements-ner.txt"):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
        os.utime(target, (made - 10, made - 10))  # the venv is up to date, as after `make demo`
    (folder / "examples").symlink_to(ROOT / "examples")
    (folder / "tests" / "data").mkdir(parents=True, exist_ok=True)
    (folder / "tests" / "data" / "inputs").symlink_to(ROOT / "tests" / "data" / "inputs")  # the Inputs section's
    (folder / ".venv").symlink_to(venv)
    return folder


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "VIRTUAL_ENV", "PYTEST"))}
    env.pop("OUT", None)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


@pytest.mark.slow
def test_docs_readme_runs_verbatim(clone: Path):
    ports = {"7878": str(free_port()), "7879": str(free_port())}
    script = ["set -u"]
    steps = [(command, expected) for block in blocks("console") for command, expected in commands(block)]
    assert steps[0][0] == "make demo", "the README's first command is the Quick start's"
    for index, (command, _expected) in enumerate(steps):
        for readme_port, port in ports.items():
            command = command.replace(readme_port, port)
        script.append(f"echo '@@{index}'")
        script.append(command)
        if command.endswith("&"):  # a server: wait until it answers
            port = next((p for p in ports.values() if p in command), ports["7878"])
            script.append(f"for i in $(seq 200); do curl -s -o /dev/null 'http://127.0.0.1:{port}/query?query=ASK%7B%7D'"
                          " && break; sleep 0.1; done")
    script.append(f"echo '@@{len(steps)}'")
    result = subprocess.run(["bash", "-c", "\n".join(script)], cwd=clone, env=clean_env(), capture_output=True,
                            text=True, timeout=600)
    parts = re.split(r"^@@(\d+)\n", result.stdout.replace("\r\n", "\n"), flags=re.M)
    outputs = {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    assert len(steps) in outputs, result.stdout[-3000:]
    for index, (command, expected) in enumerate(steps):
        actual = outputs.get(index, "")
        for readme_port, port in ports.items():
            expected = expected.replace(readme_port, port)
        if expected:
            assert matches(expected, actual), f"$ {command}\n--- README says:\n{expected}--- it printed:\n{actual}"
    # stderr: only the servers' banners and kg export's "-> FILE" (progress is quiet off a terminal)
    noise = [line for line in result.stderr.splitlines()
             if not line.startswith(("SPARQL endpoint (read-only)", "Listening for requests at", "-> out/"))]
    assert noise == [], result.stderr[-3000:]
    # what the Quick start promises it leaves behind
    assert (clone / "kg-store" / "kg-store.txt").is_file()
    assert (clone / "out" / "kg-view.html").stat().st_size > 100_000
    assert (clone / "out" / "troops.svg").read_text().startswith("<svg")


@pytest.mark.slow
def test_docs_python_block_runs(clone: Path):
    (python,) = blocks("python")
    folder = clone / "python-block"
    folder.mkdir(exist_ok=True)
    if not (folder / "examples").exists():
        (folder / "examples").symlink_to(ROOT / "examples")
    result = subprocess.run([sys.executable, "-c", python], cwd=folder, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (folder / "centcom.html").is_file() and (folder / "chain.html").is_file()
    assert (folder / "troops.svg").read_text().startswith("<svg")


def test_docs_sparql_block_runs_in_kg_query_and_at_the_endpoint(tmp_path):
    import urllib.parse
    import urllib.request

    from click.testing import CliRunner

    from conftest import EXAMPLES
    from kg.serve import Server

    (sparql,) = blocks("sparql")
    store = tmp_path / "store"
    CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(store)], catch_exceptions=False)
    local = CliRunner().invoke(main, ["query", sparql, "--store", str(store), "--format", "csv"],
                               catch_exceptions=False)
    assert local.stdout.replace("\r\n", "\n") == "commander\nFrank McKenzie\nMichael Kurilla\n"
    with Server(store, port=free_port()) as server:
        request = urllib.request.Request(server.query_url, data=urllib.parse.urlencode({"query": sparql}).encode(),
                                         headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=30) as response:
            remote = response.read().decode().replace("\r\n", "\n")
    assert remote == local.stdout.replace("\r\n", "\n")


def test_docs_every_command_is_in_the_readme():
    readme = README.read_text()
    for name in main.commands:
        assert f"`kg {name}" in readme, name


def test_docs_quick_start_has_the_two_commands():
    quick = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "$ make demo" in quick and "make test" in quick and ". .venv/bin/activate" in quick


def test_docs_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_docs_nothing_points_outside_the_repository():
    texts = {path: path.read_text(encoding="utf-8") for path in
             [README, *ROOT.joinpath("kg").rglob("*.py"), *ROOT.joinpath("kg", "queries").glob("*.rq"),
              ROOT / "examples" / "gold.json", ROOT / "notebooks" / "explore.ipynb"]}
    for path, text in texts.items():
        assert "DESIGN.md" not in text and "../shared" not in text, path
