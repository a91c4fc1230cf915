"""Stage 5: the Oxigraph store: graphs, incremental builds, locking."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.errors import InputError, QueryError, StoreError
from kg.export import export
from kg.ontology import ONTOLOGY_IRI
from kg.pipeline import build
from kg.store import Store, bind_values


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def nq(store: Store) -> bytes:
    import io
    buffer = io.BytesIO()
    export(store, "nq", buffer)
    return buffer.getvalue()


def test_store_one_graph_per_article_and_ontology_graph(examples_store):
    graphs = examples_store.document_graphs()
    assert len(graphs) == 14
    assert examples_store.oxigraph.contains_named_graph(NamedNode(ONTOLOGY_IRI))


def test_store_queries_see_the_union_of_graphs(examples_store):
    rows = list(examples_store.query("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a a kgo:Assertion } }"))
    assert int(rows[0]["n"].value) == 14
    assert bool(examples_store.query("ASK { ?p org:headOf ?o }"))


def test_store_rebuild_same_articles_is_a_no_op(tmp_path):
    articles = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a1", "text": "About 5,000 US troops are in Iraq.", "published": "2020-01-06"}])
    store = Store(tmp_path / "store")
    first = build([articles], store)
    before = nq(store)
    second = build([articles], store)
    assert first.added == ["a1"] and second.unchanged == ["a1"] and not second.added
    assert nq(store) == before


def test_store_changed_text_replaces_the_graph(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "text": "About 5,000 US troops are in Iraq.",
                                               "published": "2020-01-06"}])], store)
    report = build([write_jsonl(tmp_path / "b.jsonl", [{"id": "a1", "text": "About 3,000 US troops are in Iraq.",
                                                        "published": "2020-01-07"}])], store)
    assert report.replaced == ["a1"]
    counts = sorted(r["n"].value for r in store.query("SELECT ?n WHERE { ?d kgo:troopCount ?n }"))
    assert counts == ["3000"]


def test_store_failed_build_changes_nothing(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "text": "About 5,000 US troops are in Iraq."}])], store)
    before = nq(store)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "b1", "text": "Gen. Mark Milley spoke."}) + "\n{not json\n")
    with pytest.raises(InputError, match=r"bad\.jsonl:2"):
        build([bad], store)
    assert nq(store) == before


def test_store_is_locked_against_a_second_writer(tmp_path):
    store = Store(tmp_path / "store")
    with pytest.raises(StoreError, match="in use by another process"):
        Store(tmp_path / "store")
    store.close()
    Store(tmp_path / "store").close()


def test_store_missing_store_is_an_error_when_not_creating(tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        Store(tmp_path / "absent", create=False)


def test_store_sparql_syntax_error():
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        Store().query("SELECT * WHERE { ?s ?p }")


def test_store_bindings_are_literals_not_query_text():
    query = bind_values("SELECT ?x WHERE { ?x rdfs:label ?name }", {"name": '" } ; DROP ALL ; { "'})
    assert 'VALUES ?name { "\\" } ; DROP ALL ; { \\"" }' in query
    assert list(Store().query("SELECT ?x WHERE { ?x rdfs:label ?name }", bindings={"name": '" } DROP ALL {'})) == []


def test_store_replace_drops_articles_not_given(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "text": "Gen. Mark Milley spoke."},
                                              {"id": "a2", "text": "Gen. Frank McKenzie spoke."}])], store)
    build([write_jsonl(tmp_path / "b.jsonl", [{"id": "a2", "text": "Gen. Frank McKenzie spoke."}])], store, replace=True)
    assert sorted(store.document_hashes()) == ["a2"]
    assert not list(store.query("SELECT ?p WHERE { ?p rdfs:label 'Mark Milley' }"))


def test_store_remove_drops_what_only_that_article_supports(tmp_path):
    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a1", "text": "Gen. Mark Milley, chairman of the Joint Chiefs of Staff, spoke."},
        {"id": "a2", "text": "Gen. Frank McKenzie, commander of US Central Command, spoke with Gen. Mark Milley."}])], store)
    assert store.remove(["a2", "nope"]) == ["a2"]
    labels = {r["l"].value for r in store.query("SELECT ?l WHERE { ?e rdfs:label ?l . FILTER(!isLiteral(?e) && "
                                                "!STRSTARTS(STR(?e), 'https://w3id.org/kg-news/ontology')) }")}
    assert "Mark Milley" in labels and "Frank McKenzie" not in labels and "US Central Command" not in labels
    assert not bool(store.query("ASK { ?p org:headOf ?o . ?o rdfs:label 'US Central Command' }"))


def test_store_readers_get_in_between_batches_of_a_build(tmp_path):
    """kg query is delayed only while a batch commits, never refused for the length of a build."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from corpus import write_corpus

    corpus = write_corpus(tmp_path / "corpus.jsonl", 500)
    path = tmp_path / "store"
    Store(path).close()
    process = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "--store", str(path),
                                "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    counts = []
    deadline = time.monotonic() + 240  # a loaded machine takes its time over the first batch
    try:
        while process.poll() is None and time.monotonic() < deadline:
            with Store(path, read_only=True) as reader:  # waits for a batch commit, if one is under way
                rows = reader.query("SELECT (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?g a kgo:Article } }")
                alive = process.poll() is None
                counts.append((int(next(iter(rows))[0].value), alive))
            time.sleep(0.3)
    finally:
        _out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    seen_while_building = sorted({n for n, alive in counts if alive})
    assert len(seen_while_building) >= 2, counts  # articles arrived batch by batch, readers saw them
    assert 0 < seen_while_building[-1] < 500 or seen_while_building[0] == 0


def test_store_build_progress_lines_and_quiet(tmp_path):
    import subprocess
    import sys

    records = [{"id": f"p{i}", "text": f"Gen. Mark Milley spoke on day {i}. About {i + 2},000 US troops are in Iraq."}
               for i in range(30)]
    articles = write_jsonl(tmp_path / "a.jsonl", records)
    import os

    short = subprocess.run([sys.executable, "-m", "kg", "build", str(articles), "--store", str(tmp_path / "s0")],
                           capture_output=True, text=True, timeout=120)
    assert short.returncode == 0 and short.stderr == "", short.stderr  # a short build says nothing
    environment = dict(os.environ, KG_PROGRESS_INTERVAL="0")  # as if each batch took longer than a log period
    loud = subprocess.run([sys.executable, "-m", "kg", "build", str(articles), "--store", str(tmp_path / "s1")],
                          capture_output=True, text=True, timeout=120, env=environment)
    assert loud.returncode == 0, loud.stderr
    # not a terminal: log lines, the last one with the count and the rate, once
    assert loud.stderr.count("kg build: 30/30 articles (100%)") == 1 and "articles/s" in loud.stderr
    assert "30 added" in loud.stdout
    quiet = subprocess.run([sys.executable, "-m", "kg", "build", str(articles), "--store", str(tmp_path / "s2"),
                            "--quiet"], capture_output=True, text=True, timeout=120, env=environment)
    assert quiet.returncode == 0 and quiet.stderr == "" and "30 added" in quiet.stdout


def test_store_progress_line_has_rate_and_eta():
    from kg.pipeline import Progress

    line = Progress(done=1200, total=10000, written=1200, quads=148800, elapsed=5.0).line()
    assert line == "1,200/10,000 articles (12%), 240 articles/s, 148,800 quads, ETA 0:37"


def test_store_progress_printer_log_lines_every_interval():
    import io

    from kg.pipeline import Progress, ProgressPrinter

    out = io.StringIO()
    printer = ProgressPrinter(out, interval=5.0, tty=False)
    for done, elapsed in ((400, 2.0), (800, 5.5), (1200, 7.0), (1600, 11.0), (2000, 12.0), (2000, 12.1)):
        printer(Progress(done, 2000, done, done * 120, elapsed))
    lines = out.getvalue().splitlines()
    assert [line.split("/")[0] for line in lines] == ["kg build: 800", "kg build: 1,600", "kg build: 2,000"]
    first = io.StringIO()  # the reading pass has no total; the build's own clock starts after it
    printer = ProgressPrinter(first, interval=5.0, tty=False)
    for done, elapsed, reading in ((200, 1.0, True), (4000, 20.0, True), (400, 2.0, False), (800, 6.0, False)):
        printer(Progress(done, None if reading else 4000, 0, 0, elapsed, reading=reading))
    assert Progress(600, 4000, 0, 0, 2.0, reading=True).line() == "finding near copies: 600/4,000 articles, 300 articles/s"
    assert first.getvalue().splitlines() == ["kg build: reading: 4,000 articles, 200 articles/s",
                                             "kg build: 800/4,000 articles (20%), 133 articles/s, 0 quads, ETA 0:24"]
    terminal = io.StringIO()
    live = ProgressPrinter(terminal, tty=True)
    live(Progress(10, 10, 10, 1200, 0.1))
    live.finish()
    assert terminal.getvalue().startswith("\r") and terminal.getvalue().endswith("(100%), 100 articles/s, 1,200 quads\n")


def _labels(store: Store) -> int:
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?e rdfs:label ?l } FILTER(?g != <"
                       + ONTOLOGY_IRI + ">) }")
    return int(next(iter(rows))[0].value)


def _forget_names_seen(store: Store) -> None:
    """Make the store look written by a kg older than ``kgo:seenAs``: what a change touches is then
    rewritten from the store (the only derivation a build defers)."""
    from kg.derive import SEEN_AS

    for quad in list(store.oxigraph.quads_for_pattern(None, SEEN_AS, None, None)):
        store.oxigraph.remove(quad)
    store._memo.forget()


def _names_seen(store: Store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?e kgo:seenAs ?l }")))[0].value)


def test_store_deferred_derivation_settles_for_a_reader_and_at_close(tmp_path, monkeypatch):
    import os

    import kg.store
    from kg.model import Document
    from kg.pipeline import article_graph
    from kg.store import PENDING_FILE, WAITING_FILE

    texts = ["Gen. Frank McKenzie, commander of US Central Command, spoke.",
             "About 5,000 US troops are in Iraq, officials said.",
             "Defense Secretary Mark Esper visited Gen. Frank McKenzie.",
             "Gen. Mark Milley, chairman of the Joint Chiefs of Staff, spoke."]
    graphs = [article_graph(Document(id=f"d{i}", text=t, published="2020-01-0" + str(i + 1)), "https://w3id.org/kg-news/")
              for i, t in enumerate(texts)]
    expected = Store(tmp_path / "plain")
    expected.write(graphs)
    path = tmp_path / "deferred"
    monkeypatch.setattr(kg.store, "DERIVE_CHUNK", 1)  # one IRI at a time: flushed, reopened every ten
    store = Store(path)
    # what replaced articles stated is subtracted at once, but what the entities graph cannot tell
    # enough about (no names seen) is read back from the store, and that waits while deferring
    store.write([article_graph(Document(id=g.doc_id, text="Adm. John Aquilino spoke."), store.base)
                 for g in graphs])
    _forget_names_seen(store)
    store.defer_derivation()
    store.write(graphs[:2])
    assert (path / PENDING_FILE).exists()  # left for later, and noted
    seen = _names_seen(store)  # the new articles' names only: Aquilino's wait
    waiting = path / f"{WAITING_FILE}{os.getpid()}"
    waiting.touch()  # a reader asks for the store: it gets every derived fact of what is written
    store.detach(force=False)
    waiting.unlink()
    assert not (path / PENDING_FILE).exists()
    store.attach()
    assert _labels(store) > 0 and _names_seen(store) > seen
    _forget_names_seen(store)
    store.write(graphs[2:])
    assert (path / PENDING_FILE).exists()
    store.close()
    assert not (path / PENDING_FILE).exists()
    with Store(path) as reopened:
        # rewritten at close: no article names Aquilino any more
        assert "John Aquilino" not in {r["l"].value for r in reopened.query("SELECT ?l WHERE { ?e rdfs:label ?l }")}
        _forget_names_seen(expected)  # the names of articles the rewrite did not touch are gone in both
        expected.rederive_all()
        reopened.rederive_all()
        assert nq(reopened) == nq(expected)


def test_store_a_replacement_is_subtracted_at_once_while_deferring(tmp_path):
    from kg.model import Document
    from kg.pipeline import article_graph
    from kg.store import PENDING_FILE

    store = Store(tmp_path / "store")
    store.write([article_graph(Document(id="d1", text="Adm. John Aquilino spoke."), store.base)])
    store.defer_derivation()
    store.write([article_graph(Document(id="d1", text="Gen. Frank McKenzie spoke."), store.base)])
    assert not (tmp_path / "store" / PENDING_FILE).exists()  # nothing left for later
    labels = {r["l"].value for r in store.query("SELECT ?l WHERE { ?e rdfs:label ?l }")}
    assert "Frank McKenzie" in labels and "John Aquilino" not in labels


def test_store_a_pending_note_cut_by_a_kill_is_completed(tmp_path):
    from kg.store import PENDING_FILE

    store = Store(tmp_path / "store")
    build([write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "text": "Gen. Mark Milley, chairman of the Joint Chiefs "
                                                                   "of Staff, spoke."}])], store)
    complete = nq(store)
    entities = [line.split(" ")[0][1:-1] for line in complete.decode().splitlines() if "graph/entities" in line]
    store.oxigraph.remove_graph(NamedNode("https://w3id.org/kg-news/graph/entities"))
    store.close()
    # a kill while appending leaves a last line without its newline: it is not read as an IRI
    (tmp_path / "store" / PENDING_FILE).write_text("".join(f"e {iri}\n" for iri in sorted(set(entities)))
                                                    + "e https://w3id.org/kg-ne")
    with Store(tmp_path / "store") as reopened:
        assert nq(reopened) == complete
    assert not (tmp_path / "store" / PENDING_FILE).exists()


def test_store_a_long_deferred_rewrite_reopens_and_the_build_closes_cleanly(tmp_path, monkeypatch):
    """A rewrite of many derived facts reopens the database on the way (RocksDB allows one open
    database per process, so the old handle must be gone first), and the build's final attach works."""
    import sys
    from pathlib import Path

    import kg.store

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from corpus import write_corpus

    store = Store(tmp_path / "store")
    build([write_corpus(tmp_path / "first.jsonl", 40, seed=8, varied=True)], store, workers=2)
    _forget_names_seen(store)  # what the replacements touch is then rewritten from the store
    monkeypatch.setattr(kg.store, "DERIVE_CHUNK", 2)  # a reopening every 20 IRIs
    corpus = write_corpus(tmp_path / "corpus.jsonl", 40, varied=True)  # the same ids, other texts
    report = build([corpus], store, workers=2)
    assert len(report.replaced) == 40
    store.close()
    expected = Store(tmp_path / "plain")
    monkeypatch.setattr(kg.store, "DERIVE_CHUNK", 1000)
    build([corpus], expected, workers=1)
    with Store(tmp_path / "store", read_only=True) as again:
        assert nq(again) == nq(expected)


def test_store_a_rewrite_due_in_the_middle_of_a_build_reopens_cleanly(tmp_path, monkeypatch):
    """When enough derived facts wait (``DERIVE_EVERY``), the write that reaches it rewrites them,
    reopening the database on the way: no handle of the old database may outlive that (a 100 k
    build stopped at 16,800 articles with "the store is in use by another process")."""
    import sys
    from pathlib import Path

    import kg.store

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from corpus import write_corpus

    monkeypatch.setattr(kg.store, "DERIVE_EVERY", 30)  # reached by the first batches
    monkeypatch.setattr(kg.store, "DERIVE_CHUNK", 2)  # a reopening every 20 IRIs
    store = Store(tmp_path / "store")
    build([write_corpus(tmp_path / "first.jsonl", 60, seed=8, varied=True)], store, workers=1)
    _forget_names_seen(store)  # what the replacements touch is then rewritten from the store
    corpus = write_corpus(tmp_path / "corpus.jsonl", 60, varied=True)  # the same ids, other texts
    report = build([corpus], store, workers=1, batch=10)
    assert len(report.replaced) == 60
    store.close()
    monkeypatch.setattr(kg.store, "DERIVE_EVERY", 50_000)
    monkeypatch.setattr(kg.store, "DERIVE_CHUNK", 1000)
    expected = Store(tmp_path / "plain")
    build([corpus], expected, workers=1)
    with Store(tmp_path / "store", read_only=True) as again:
        assert nq(again) == nq(expected)


ARENAS_SCRIPT = """
import ctypes, sys, threading
from kg.store import Store
if sys.argv[2] == "store":
    Store(sys.argv[1]).close()  # an on-disk open asks glibc for one arena
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = libc.fopen.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]

def allocate():
    blocks = [libc.malloc(4096) for _ in range(200)]
    for block in blocks:
        libc.free(block)

threads = [threading.Thread(target=allocate) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
out = libc.fopen(sys.argv[3].encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(out))
libc.fclose(ctypes.c_void_p(out))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="glibc's arenas")
def test_an_on_disk_store_keeps_new_threads_in_one_malloc_arena(tmp_path: Path) -> None:
    """RocksDB's threads, started by the open, then allocate where give_back_memory() trims."""
    libc = ctypes.util.find_library("c")
    if libc is None or "musl" in libc:
        pytest.skip("not glibc")
    heaps = {}
    for mode in ("plain", "store"):
        folder = tmp_path / mode
        folder.mkdir()
        subprocess.run([sys.executable, "-c", ARENAS_SCRIPT, str(folder / "store"), mode, str(folder / "malloc.xml")],
                       check=True)
        heaps[mode] = (folder / "malloc.xml").read_text().count("<heap nr=")
    assert heaps["plain"] > 1  # four threads without the limit get arenas of their own
    assert heaps["store"] == 1


def test_store_a_build_compacts_once_at_the_end(tmp_path, monkeypatch):
    """A build compacts once, when its last batch is in, past a quarter of what the store held at
    its last compaction; the graph is the same as without, the files merged into one per index, and
    a build of fewer N-Quads bytes than COMPACT_MIN_BYTES, or a build that adds less than a quarter,
    compacts nothing."""
    import kg.store

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from corpus import write_corpus

    corpus = write_corpus(tmp_path / "corpus.jsonl", 60, varied=True)
    plain = Store(tmp_path / "plain")
    build([corpus], plain, workers=1, batch=10)
    assert plain.compactions == 0  # 60 articles are far below COMPACT_MIN_BYTES
    monkeypatch.setattr(kg.store, "COMPACT_MIN_BYTES", 1)
    compacting = Store(tmp_path / "store")
    calls: list[tuple[float, bool]] = []
    compact = Store.compact

    def counted(self: Store, *, growth: float = 0.0) -> bool:
        done = compact(self, growth=growth)
        calls.append((growth, done))
        if done:  # a file per column family (Oxigraph has 11) where each batch had left its own
            assert self.path is not None and len(list(self.path.glob("*.sst"))) <= 11
        return done

    monkeypatch.setattr(Store, "compact", counted)
    build([corpus], compacting, workers=1, batch=10)
    assert calls == [(kg.store.FINAL_COMPACT_GROWTH, True)]  # not between the six batches
    assert compacting.compactions == 1 and nq(compacting) == nq(plain)
    count = compacting.compactions
    build([write_corpus(tmp_path / "few.jsonl", 5, seed=99, varied=True)], compacting, workers=1)
    assert compacting.compactions == count  # 5 articles added to 60: below a quarter
    one = write_jsonl(tmp_path / "one.jsonl", [{"id": "one", "text": "About 5,000 US troops are in Iraq.",
                                                "published": "2020-01-06"}])
    monkeypatch.setattr(kg.store, "COMPACT_MIN_BYTES", 64_000_000)
    build([one], compacting, workers=1)
    assert compacting.compactions == count
    compacting.close()
    plain.close()
