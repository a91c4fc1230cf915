"""The README documents every command and the two set-up commands."""

from __future__ import annotations

from conftest import ROOT
from kg.cli import main


def test_docs_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in main.commands:
        assert f"kg {name}" in readme, name


def test_docs_quick_start_has_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make demo" in quick and "make test" in quick


def test_docs_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_docs_the_readme_example_is_the_real_output(tmp_path, monkeypatch):
    import re
    import shlex

    from click.testing import CliRunner

    block = re.search(r"```console\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KG_STORE", str(tmp_path / "kg-store"))
    for command, expected in re.findall(r"^\$ (kg .*)\n((?:(?!\$ ).*\n)*)", block, re.M):
        result = CliRunner().invoke(main, shlex.split(command)[1:])
        assert result.exit_code == 0, result.output
        assert result.output.replace(str(tmp_path / "kg-store"), "kg-store") == expected, command
