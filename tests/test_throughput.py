"""Build throughput: the first pass (language, hashes, near-copy signatures) runs in the worker
processes and spools into the store's folder; its answers are those of a build in one process."""

from __future__ import annotations

import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from kg.dedup import DEFAULT_THRESHOLD, NearDuplicates, shingles, signature, sketch, sketch_values
from kg.export import export
from kg.pipeline import SPOOL_FOLDER, Progress, build, first_pass
from kg.sources import ReadOptions, read_documents
from kg.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus

DEDUP = Path(__file__).resolve().parent / "data" / "inputs" / "dedup"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def export_nq(path: Path) -> bytes:
    with Store(path, read_only=True) as store:
        buffer = io.BytesIO()
        export(store, "nq", buffer)
        return buffer.getvalue()


def test_throughput_three_word_shingles_are_the_sliced_ones():
    text = "Gen. Jane Roe, the commander of the 3rd Division, said on Monday: the brigade moves east."
    words = text.lower().replace(".", " ").replace(",", " ").replace(":", " ").split()
    assert shingles(text) == {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}
    assert shingles("two words") == {"two words"}


def test_throughput_a_sketch_decides_as_the_text_does():
    records = [json.loads(line) for line in (DEDUP / "articles.jsonl").read_text().splitlines()]
    by_text, by_sketch = NearDuplicates(DEFAULT_THRESHOLD), NearDuplicates(DEFAULT_THRESHOLD)
    found = []
    for record in records:
        title = record.get("title", "")
        values, stated = sketch(record["text"], title)
        # through bytes, as the spool keeps it
        again = by_sketch.original_of_sketch(record["id"], sketch_values(values.tobytes()), stated)
        assert again == by_text.original_of(record["id"], record["text"], title)
        found.append(again)
    assert sum(f is not None for f in found) == 4
    assert (signature("a b c d").hashvalues == sketch("a b c d")[0]).all()


def test_throughput_first_pass_rows_are_the_readers_answers():
    documents = list(read_documents([DEDUP], options=ReadOptions(dedup_threshold=None), languages=False))
    assert {d.language for d in documents} == {None}
    rows = first_pass(documents, any_language=False, sketches=True)
    read = list(read_documents([DEDUP], options=ReadOptions(dedup_threshold=None)))
    assert [r[0] for r in rows] == [d.id for d in read]
    assert all(r[5] is not None and len(sketch_values(r[5])) == 128 for r in rows)
    assert first_pass(documents, any_language=False, sketches=False)[0][5] is None


def test_throughput_workers_give_the_same_graph_and_copies(tmp_path):
    corpus = write_corpus(tmp_path / "corpus.jsonl", 150)  # more than a few chunks of the first pass
    copies = tmp_path / "copies.jsonl"
    shutil.copy(DEDUP / "articles.jsonl", copies)
    exports, reports = [], []
    for workers in (1, 2):
        path = tmp_path / f"store-{workers}"
        with Store(path) as store:
            reports.append(build([copies, corpus], store, workers=workers))
        exports.append(export_nq(path))
    assert reports[0].duplicates == reports[1].duplicates >= 4
    assert reports[0].added == reports[1].added
    assert exports[0] == exports[1]
    assert len(exports[0]) > 100_000


def test_throughput_the_spool_lives_in_the_store_and_a_stale_one_is_removed(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    corpus = write_corpus(tmp_path / "corpus.jsonl", 210)  # reading reports every 200
    path = tmp_path / "store"
    with Store(path) as store:
        build([DEDUP], store)
    stale = path / SPOOL_FOLDER
    stale.mkdir()
    (stale / "spool.db").write_bytes(b"left by a build killed with SIGKILL")
    (stale / "near.db").write_bytes(b"")
    seen: list[bool] = []

    def progress(state: Progress) -> None:
        if state.reading:  # while reading, the spool is there, and it is a fresh one
            spool = stale / "spool.db"
            seen.append(spool.exists() and not spool.read_bytes().startswith(b"left by"))

    with Store(path) as store:
        report = build([corpus], store, workers=2, progress=progress)
    assert len(report.added) == 210
    assert seen and all(seen)
    assert not stale.exists()
    assert list(scratch.iterdir()) == []
    with Store(None) as memory:  # a store in memory has no folder: the spool goes to the temporary one
        build([corpus], memory, workers=1)
    assert list(scratch.iterdir()) == []


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/corpora")
def test_throughput_real_corpora_copies_are_the_same_with_workers(tmp_path):
    inputs = [p for p in (SHARED / "us-gov-press-2021-2022" / "articles.jsonl",
                          SHARED / "dvids-sample" / "articles.jsonl") if p.exists()]
    assert inputs
    reports = []
    for workers in (1, 2):
        with Store(tmp_path / f"store-{workers}") as store:
            reports.append(build(inputs, store, workers=workers, reading=ReadOptions(skip_invalid=True)))
    assert reports[0].duplicates == reports[1].duplicates
    assert reports[0].languages == reports[1].languages
    assert reports[0].added == reports[1].added and len(reports[0].added) > 50
    assert export_nq(tmp_path / "store-1") == export_nq(tmp_path / "store-2")
