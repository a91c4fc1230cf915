"""A non-editable install carries the ontology, the shapes, the queries and the gazetteers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_packaging_plain_install_finds_its_data(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True, timeout=300)
    script = ("import kg, kg.ontology, kg.query, kg.extract.gazetteer as g;"
              f"assert kg.__file__.startswith({str(target)!r}), kg.__file__;"
              "assert kg.ontology.ontology_path().is_file() and kg.ontology.shapes_path().is_file();"
              "assert 'who-commands' in kg.query.named_queries();"
              "assert g.load_gazetteer().lookup('CENTCOM')[0].name == 'US Central Command';"
              "import kg.sources.html, kg.sources.warc, kg.sources.feeds, kg.sources.fetch;"
              f"assert kg.sources.warc.__file__.startswith({str(target)!r});"
              "print('ok')")
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            check=False)
    assert result.stdout.strip() == "ok", result.stderr
