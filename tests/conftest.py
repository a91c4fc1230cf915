"""Shared fixtures: paths, a store built once from examples/, and the ../shared data when present."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kg.pipeline import build
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
UNSEEN = ROOT / "tests" / "data" / "unseen"
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

HOSTILE_TITLE = 'Raid <script>window.kgPwned=1</script> & "quotes"'
HOSTILE_TEXT = ('Gen. Mark <img src=x onerror="window.kgPwned=2"> Milley, commander of Task Force Zeta, spoke. '
                'About 5,000 US troops are in Iraq, officials said <script>window.kgPwned=3</script>.')


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store built from an article whose title and text carry markup and script."""
    folder = tmp_path_factory.mktemp("hostile")
    record = {"id": "h1", "published": "2024-01-01", "url": "javascript:alert(1)", "title": HOSTILE_TITLE,
              "text": HOSTILE_TEXT}
    (folder / "hostile.jsonl").write_text(json.dumps(record) + "\n")
    store = Store()
    build([folder], store)
    return store


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store on disk built from examples/ (read-only for the tests that use it)."""
    store = Store(tmp_path_factory.mktemp("examples") / "store")
    build([EXAMPLES], store)
    return store


@pytest.fixture
def memory_store() -> Store:
    return Store()


@pytest.fixture(scope="session")
def shared_dev() -> Path:
    folder = SHARED / "dev"
    if not (folder / "seed-article.txt").exists():
        pytest.skip("../shared/dev is not beside the checkout")
    return folder


@pytest.fixture(scope="session")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no chromium: .ci/run should have installed Debian's chromium")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
