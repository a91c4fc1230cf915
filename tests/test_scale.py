"""Queries at scale: entity-bound named queries evaluated per entity, listings read page by page."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import sources
from kg.cli import main
from kg.dedup import DEFAULT_THRESHOLD, DEFAULT_WINDOW, DiskNearDuplicates, NearDuplicates
from kg.errors import InputError, QueryError
from kg.model import Document
from kg.pipeline import build
from kg.query import named_queries, named_query, page, parameterise, select
from kg.store import Store


@pytest.mark.parametrize("name, value", [("posts", "Frank McKenzie"), ("who-commands", "CENTCOM"),
                                         ("posts", "Lloyd Austin")])
def test_scale_per_entity_queries_answer_as_a_plain_join(examples_store, monkeypatch, name, value):
    text = named_query(name)
    lateral, _ = parameterise(text, {"name": value}, examples_store)
    assert "LATERAL" in lateral
    fast = select(examples_store, text, bindings={"name": value}).rows
    monkeypatch.setattr(Store, "lateral", False)
    plain, _ = parameterise(text, {"name": value}, examples_store)
    assert "LATERAL" not in plain
    assert select(examples_store, text, bindings={"name": value}).rows == fast


def test_scale_listings_page_with_limit_and_offset(examples_store):
    every = select(examples_store, named_queries()["entities"]).rows
    assert len(every) > 20
    first = select(examples_store, page(named_queries()["entities"], 10)).rows
    second = select(examples_store, page(named_queries()["entities"], 10, 10)).rows
    assert first + second == every[:20]


def test_scale_cli_limit_offset(examples_store):
    path = str(examples_store.path)
    examples_store.detach()
    runner = CliRunner()
    result = runner.invoke(main, ["query", "--name", "entities", "--limit", "3", "--offset", "1", "--store", path,
                                  "--format", "csv"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 4  # the header and three rows
    refused = runner.invoke(main, ["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 2", "--limit", "1", "--store", path])
    assert refused.exit_code == 1 and "already has LIMIT" in refused.output


def test_scale_page_refuses_a_query_with_its_own_limit():
    with pytest.raises(QueryError, match="already has LIMIT"):
        page("SELECT * WHERE { ?s ?p ?o } LIMIT 5", 10)


# -- bounded memory: the near-copy index on disk, each input read once into a spool ----------------

DEDUP = Path(__file__).resolve().parent / "data" / "inputs" / "dedup"


def _copies(finder: NearDuplicates, articles: list[tuple[str, str, str]]) -> list[str | None]:
    return [finder.original_of(doc_id, text, title) for doc_id, text, title in articles]


def test_scale_disk_near_duplicates_answer_as_the_index_in_memory(tmp_path):
    records = [json.loads(line) for line in (DEDUP / "articles.jsonl").read_text().splitlines()]
    articles = [(r["id"], r["text"], r.get("title", "")) for r in records]
    articles += [(f"again-{doc_id}", text + " Staff writers contributed.", title) for doc_id, text, title in articles]
    for capacity in (DEFAULT_WINDOW, 3):  # a small window forgets, and the disk index must forget alike
        disk = DiskNearDuplicates(DEFAULT_THRESHOLD, capacity, path=tmp_path / f"near-{capacity}.db")
        try:
            found = _copies(disk, articles)
        finally:
            disk.close()
        assert found == _copies(NearDuplicates(DEFAULT_THRESHOLD, capacity), articles)
        assert sum(f is not None for f in found) >= 4
    assert found != _copies(NearDuplicates(DEFAULT_THRESHOLD), articles)  # the window did change answers


def test_scale_build_reads_each_file_once_and_leaves_no_spool(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    reads: list[str] = []
    original = sources.read_file

    def counted(path: Path, log: sources.ReadLog) -> Iterator[Document]:
        reads.append(Path(path).name)
        yield from original(path, log)

    monkeypatch.setattr(sources, "read_file", counted)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEDUP / "articles.jsonl", folder / "a.jsonl")
    (folder / "b.txt").write_text("Navy news\n\nAbout 2,000 British troops are in Estonia, officials said.")
    report = build([folder], Store(tmp_path / "store"))
    assert sorted(reads) == ["a.jsonl", "b.txt"]
    assert report.duplicates == 4 and len(report.added) == report.articles
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "store" / "kg.spool").exists()
    (folder / "c.jsonl").write_text('{"id": "x", "text": "fine"}\n{broken\n')
    with pytest.raises(InputError, match="malformed JSON"):
        build([folder], Store(tmp_path / "store"))
    assert list(scratch.iterdir()) == []
