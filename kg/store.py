"""The store: an embedded Oxigraph database on disk holding one named graph per article.

Graphs in a kg store:

- ``<https://w3id.org/kg-news/ontology>``: the ontology (``kg.ttl``), loaded on first open;
- ``<BASE doc/ID>``: one per article, written by :func:`kg.rdfmap.document_quads`;
- ``<BASE graph/entities>``: derived from the articles by :mod:`kg.derive`: one canonical
  ``rdfs:label`` per entity, known aliases, current post holders.

Writes go through pyoxigraph's API (no SPARQL text): each batch of articles is a few bulk loads of
whole articles (``BULK_BYTES`` each; ``load`` transactions of ``LOAD_BYTES`` for a store in memory),
each atomic, so an article is wholly in the store or wholly out of it, whenever a build is killed.
New articles' derived facts are merged into the entities graph as they go in (:func:`kg.derive.additions`:
what the entities graph holds about each entity, plus what the new articles state), under a
``kg.pending.batch`` note naming what they touch; a writer that finds the note (its predecessor was
killed) derives those again from the store. What replaced or removed articles stated is subtracted
from the derived facts once they are dropped (:func:`kg.derive.removals`: point questions of what
remains), under a ``kg.pending`` note naming all they touch, which the next writer derives again from
the store if this one is killed first. What the entities graph cannot tell enough about (a store
written before ``kgo:seenAs``) is rewritten from the store instead, and a long build defers that
rewrite (:meth:`Store.defer_derivation`): the entities a country or a shared unit names are mentioned
by a share of every article, so rewriting them after each batch would cost more with every batch;
they are rewritten once per ``DERIVE_EVERY`` touched IRIs, when a reader asks for the store, and when
the build ends. Queries read the union of all graphs.

Locks (``fcntl`` on files in the store directory): ``kg.build.lock`` is held by the one writer for as
long as it has the store; ``kg.lock`` is held shared by readers and exclusively by the writer only
while it touches the database, so a long build lets readers in between its batches (Oxigraph
documents that reading a store another process has open for writing is undefined behaviour).
"""

from __future__ import annotations

import ctypes
import fcntl
import gc
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, QuerySolutions, RdfFormat
from pyoxigraph import Store as OxStore

from kg import derive
from kg.derive import ArticleGraph, QueryResult, Touched
from kg.errors import QueryError, StoreError
from kg.ontology import DEFAULT_BASE, ONTOLOGY_IRI, PREFIXES, ontology_path, sparql_prefixes
from kg.rdfmap import document_iri, entities_graph
from kg.storedir import prepare_store_folder

DEFAULT_STORE = "kg-store"
LOCK_FILE = "kg.lock"
WRITER_LOCK_FILE = "kg.build.lock"
PENDING_FILE = "kg.pending"
#: names what a batch of new articles touches while its derived facts are merged in
BATCH_FILE = "kg.pending.batch"
WAITING_FILE = "kg.waiting."
#: seconds a reader waits for a batch commit to finish (``KG_LOCK_WAIT``) before it gives up
READER_WAIT = 30.0
#: seconds a build waits for readers between its batches
WRITER_WAIT = 120.0
#: seconds a build waits, when it starts, for readers that hold the store for one query
WRITER_OPEN_WAIT = 5.0
#: entities and posts whose derived facts a deferring build lets wait before it rewrites them
DERIVE_EVERY = 50_000
#: of which so many are rewritten at a time
DERIVE_CHUNK = 1_000
#: chunks of a long rewrite after which the database is closed and reopened (its read caches fill)
REOPEN_CHUNKS = 10
#: N-Quads bytes per write transaction: Oxigraph holds a transaction in memory (a 400-article batch in
#: one took 90 MB more), so a batch goes in as a few of these, each article wholly in one
LOAD_BYTES = 2_000_000
#: below so many N-Quads bytes (a few articles: adding or replacing one), a load is one transaction
SMALL_LOAD_BYTES = 200_000
#: N-Quads bytes per bulk load (each writes new sorted files for every index: fewer, larger ones are cheaper;
#: loads of 4 MB, with the merge in 4,000-quad transactions each flushed, peaked 16 MB lower at 20 k
#: articles, but a 100 k build took 1,214 against 833 s, with its floor at 340 against 310 s)
BULK_BYTES = 8_000_000
#: a build compacts the database (Oxigraph's ``optimize``, a full RocksDB compaction) when its last batch
#: is in, once it has loaded this share of the N-Quads bytes the store's files held when it opened or last
#: compacted them: an uncompacted 100 k store answered lookups at half the speed (25 against 12 us) from
#: twice the disk (4.2 against 2.3 GB). Not between batches: compacting each time the store doubled made
#: a 100 k build slower (1,094 against 958 s) and bigger (362 against 334 MB peak RSS)
FINAL_COMPACT_GROWTH = 0.25
#: never for fewer N-Quads bytes loaded than this (some 3,000 articles): a build of a few articles into
#: a large store would otherwise rewrite it all
COMPACT_MIN_BYTES = 64_000_000


_LIBC: ctypes.CDLL | None
try:
    _LIBC = ctypes.CDLL("libc.so.6") if sys.platform == "linux" else None
except OSError:  # not glibc
    _LIBC = None


#: glibc's ``mallopt`` parameter for the number of malloc arenas
_M_ARENA_MAX = -8


def share_one_arena() -> None:
    """Let every thread of this process allocate from glibc's main arena (``M_ARENA_MAX`` 1).

    RocksDB's background threads would otherwise each get an arena of their own, which keeps what
    their compactions freed: with one arena, and :func:`give_back_memory` after each batch, a
    writer adding 3,000 articles to a 30 k store stayed 15-30 MB lower (340 against 359 MB at its
    peak), at no measurable cost in CPU. Called before the first on-disk database is opened, since
    a thread keeps the arena it was given.
    """
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is not None:
        mallopt(_M_ARENA_MAX, 1)


def give_back_memory() -> None:
    """Collect garbage, and hand the freed pages back to the system.

    glibc keeps what was freed otherwise: a build's writer then grew by some 30 KB an article, and
    the read caches of a closed database (RocksDB's, filled by a long rewrite of derived facts)
    stayed resident after the database was reopened.
    """
    gc.collect()
    release_freed_memory()


def release_freed_memory() -> None:
    """Hand what glibc holds freed back to the system (``malloc_trim``), without collecting garbage."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def default_store_path() -> Path:
    """``$KG_STORE`` if set, else ``./kg-store``."""
    return Path(os.environ.get("KG_STORE", DEFAULT_STORE))


class Store:
    """A kg knowledge graph in an Oxigraph store (on disk, or in memory when ``path`` is None).

    Args:
        path: the store directory; created when missing. None keeps the graph in memory.
        base: the base IRI of the IRIs kg mints.
        create: create the directory when it does not exist (``kg query`` on a missing store is an error).
        read_only: open for reading; waits up to ``KG_LOCK_WAIT`` seconds (default 30) while a
            build commits a batch.

    Raises:
        StoreError: the directory is used by another process, or is not an Oxigraph store.

    >>> store = Store()
    >>> store.document_hashes()
    {}
    """

    #: Oxigraph evaluates SPARQL 1.2's LATERAL: kg.query uses it for named queries about one entity
    lateral = True

    def __init__(self, path: str | Path | None = None, *, base: str = DEFAULT_BASE, create: bool = True,
                 read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.base = base
        self.read_only = read_only
        self._lock: IO[bytes] | None = None
        self._writer: IO[bytes] | None = None
        self._ox: OxStore | None = None
        self._entities = entities_graph(base)
        self._deferring = False
        self._pending = Touched()  # what waits for its derived facts (only while deferring)
        self._reopen_due = False  # a batch or a rewrite read much of the store: reopen at the next detach
        self._memo = derive.Memo()  # what this writer learnt of the entities graph (it is the only one)
        self._loaded = 0  # N-Quads bytes loaded since the store was opened or last compacted
        self._compacted_bytes = 0  # the size of its files then
        self.compactions = 0
        self.compact_seconds = 0.0  # what they took (make bench reports it)
        if self.path is not None:
            if not self.path.exists() and (read_only or not create):
                raise StoreError("no store here", source=str(self.path), hint="run `kg build` first or pass --store")
            prepare_store_folder(self.path, write=not read_only)  # never among a user's own files
            if not read_only:
                self._writer = take_lock(self.path, shared=False, name=WRITER_LOCK_FILE)
            # a reader holds the store for one query, so a starting build gives it a moment rather
            # than refusing (a `kg serve` holds it for good: the build is refused after the wait)
            wait = float(os.environ.get("KG_LOCK_WAIT", READER_WAIT)) if read_only else WRITER_OPEN_WAIT
            try:
                self._lock = take_lock(self.path, shared=read_only, wait=wait)
            except StoreError:
                self._release()
                raise
        self._open()
        if not read_only:
            if self._holds_only_kg_graphs():
                self._memo.start_fresh()  # every relation will be one this writer wrote
            self._compacted_bytes = self.files_bytes()
            self._ensure_ontology()
            self._finish_pending()
            self._fill_troop_summaries()

    # -- lifecycle -----------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            if self.path is None:
                self._ox = OxStore()
            elif self.read_only:
                share_one_arena()
                self._ox = OxStore.read_only(str(self.path))
            else:
                share_one_arena()
                self._ox = OxStore(str(self.path))
        except OSError as error:
            self._release()
            message = str(error)
            if "lock" in message.lower():
                raise StoreError("the store is in use by another process", source=str(self.path),
                                 hint="wait for the other kg command to finish or stop `kg serve`") from None
            raise StoreError(f"cannot open store: {message.splitlines()[0]}", source=str(self.path)) from None

    def close(self) -> None:
        """Release the store (and its locks on the directory), deriving what a build deferred."""
        if self._pending and self.path is not None and self._writer is not None:
            self.attach()  # detached between batches: reopen to rewrite what waits
        if self._ox is not None:
            self.settle()
            if self.path is not None and not self.read_only:
                self._ox.flush()
            self._ox = None
        self._release()

    def detach(self, *, force: bool = True) -> None:
        """Let readers in: close the database and give back the data lock, keeping the writer's lock.

        A build calls this between batches with ``force=False``: the store is then closed only when a
        reader is waiting for it (each waiting reader leaves a ``kg.waiting.PID`` file), or after a
        batch of more than a few articles or a rewrite of derived facts, the data lock kept: what
        Oxigraph cached of the files they read is then given back, and a build of one article does
        not pay for reopening the database (50-100 ms). With 20 k articles, the writer between
        batches rose from 309 to 357 MB when it reopened after every 5 batches, from 258 to 276 MB
        reopening after each, and took no longer. Nothing to do in memory.
        """
        if self.path is None or self.read_only or self._ox is None:
            return
        readers = force or readers_waiting(self.path)
        if not readers and not self._reopen_due:
            self._ox.flush()  # the write buffers would otherwise grow with the build (600 MB at 4 k articles)
            return
        self._reopen_due = False
        if readers:
            self.settle()  # a reader sees every derived fact of what is written
        self._ox.flush()
        self._ox = None
        if readers:
            release_lock(self._lock)
            self._lock = None

    def attach(self) -> None:
        """Take the data lock back (after waiting readers got their turn) and reopen the database."""
        if self._ox is not None:
            return
        assert self.path is not None
        if self._lock is None:
            deadline = time.monotonic() + 2.0
            while readers_waiting(self.path) and time.monotonic() < deadline:
                time.sleep(0.02)  # flock is not fair: give the readers that asked a moment to get in
            self._lock = take_lock(self.path, shared=False, wait=WRITER_WAIT)
        self._open()

    def compact(self, *, growth: float = 0.0) -> bool:
        """Compact the database files (Oxigraph's ``optimize``) when this writer has loaded at least
        ``growth`` times what they held when it opened or last compacted them, and never for less than
        ``COMPACT_MIN_BYTES`` unless ``growth`` is 0; True if it did.

        RocksDB keeps each batch's files, and the overwritten and removed entries in them, until its
        background compactions merge them a level at a time; a lookup reads every level. A compacted
        store answers lookups twice as fast from about half the disk; the compaction rewrites every
        file (46 s for a 100 k store, 65 MB of memory), so a build does it once, at the end
        (:meth:`compact_after_build`), and ``kg compact`` on demand.
        """
        if self.path is None or self.read_only or self._ox is None:
            return False
        if growth > 0 and (self._loaded < COMPACT_MIN_BYTES or self._loaded < growth * self._compacted_bytes):
            return False
        started = time.perf_counter()
        self._ox.flush()
        self._ox.optimize()
        self.compact_seconds += time.perf_counter() - started
        self._loaded = 0
        self._compacted_bytes = self.files_bytes()
        self.compactions += 1
        self._reopen_due = True  # what the compaction read stays cached until the database closes
        return True

    def compact_after_build(self) -> bool:
        """What a build does when its last batch is in: :meth:`compact` once it has loaded a quarter
        (``FINAL_COMPACT_GROWTH``) of what the store held at its last compaction."""
        return self.compact(growth=FINAL_COMPACT_GROWTH)

    def files_bytes(self) -> int:
        """The bytes of the database's data files (0 for a store in memory)."""
        if self.path is None:
            return 0
        total = 0
        for entry in os.scandir(self.path):
            if entry.name.endswith(".sst"):  # the data files alone: RocksDB's own log grows with every compaction
                try:
                    total += entry.stat().st_size
                except FileNotFoundError:  # merged away by a background compaction since the listing
                    continue
        return total

    def _release(self) -> None:
        release_lock(self._lock)
        release_lock(self._writer)
        self._lock = self._writer = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def oxigraph(self) -> OxStore:
        """The underlying :class:`pyoxigraph.Store`, for anything kg does not wrap."""
        self.attach()
        assert self._ox is not None
        return self._ox

    def __len__(self) -> int:
        return len(self.oxigraph)

    # -- writing -------------------------------------------------------------------------------

    def _ensure_ontology(self) -> None:
        graph = NamedNode(ONTOLOGY_IRI)
        if self.oxigraph.contains_named_graph(graph):
            return
        self.oxigraph.load(path=str(ontology_path()), format=RdfFormat.TURTLE, to_graph=graph)

    def _holds_only_kg_graphs(self) -> bool:
        """Whether the store holds no article graph and nothing in its default graph (a new store,
        or one every article was removed from): no relation, then, but those written from now on."""
        ox = self.oxigraph
        own = {NamedNode(ONTOLOGY_IRI), self._entities}
        if next(ox.quads_for_pattern(None, None, None, DefaultGraph()), None) is not None:
            return False
        return all(graph in own for graph in ox.named_graphs())

    def document_hashes(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """The id and text hash of every article in the store, or of those among ``ids``."""
        head = "SELECT ?id ?hash WHERE { "
        body = "GRAPH ?g { ?g a kgo:Article ; dcterms:identifier ?id ; kgo:textHash ?hash } }"
        if ids is None:
            return _hash_rows(self.oxigraph.query(sparql_prefixes() + head + body))
        found: dict[str, str] = {}
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), derive.CHUNK):
            graphs = " ".join(str(document_iri(self.base, i)) for i in wanted[start:start + derive.CHUNK])
            query = sparql_prefixes() + head + f"VALUES ?g {{ {graphs} }} " + body
            found.update(_hash_rows(self.oxigraph.query(query)))
        return found

    def write(self, graphs: Sequence[ArticleGraph], *, drop: Iterable[str] = ()) -> None:
        """Write a batch of article graphs (replacing any stored under the same id), drop others, and
        update the derived facts of every entity they touch.

        The new graphs go in as bulk loads of whole articles (``BULK_BYTES`` of N-Quads each, each
        atomic); a replaced or dropped article is removed just before, so a kill leaves each article wholly in
        or wholly out. What replaced or dropped articles stated is subtracted from the derived facts once
        they are out (:func:`kg.derive.removals`), and what the new ones state merged in once they are in
        (:func:`kg.derive.additions`). Either way a note in the store directory names what they touch
        until it is done, and the next writer derives those again from the store if this one is killed
        first. Only what the entities graph cannot tell enough about is rewritten from the store (while
        :meth:`defer_derivation` is on, later).
        """
        ox = self.oxigraph
        names = [document_iri(self.base, g.doc_id) for g in graphs] + [document_iri(self.base, d) for d in drop]
        old = sorted({n.value for n in names if ox.contains_named_graph(n)})
        del ox  # a rewrite of what remains may reopen the database, and RocksDB allows one open per process
        if not graphs and not old:
            return
        if old:
            self._subtract(old)
        if graphs:
            self._add(graphs)
        if not self._deferring or len(self._pending.entities) + len(self._pending.posts) >= DERIVE_EVERY:
            self.settle()

    def _subtract(self, old: Sequence[str]) -> None:
        # the graphs' own quads say what they stated; once they are out, their derived facts are
        # subtracted by point questions of what remains, under a note naming all they touch that the
        # next writer derives again from the store if this one is killed before it is done
        removed = derive.stored_contributions(self, old)
        change = Touched()
        for item in removed:
            change.update(derive.touched_by(item))
        waiting = Touched(set(self._pending.entities), set(self._pending.posts), set(self._pending.deployments),
                          set(self._pending.heads), set(self._pending.lines))
        self._note_pending(change)
        ox = self.oxigraph
        for name in old:
            ox.remove_graph(NamedNode(name))
        del ox
        plan = derive.removals(self, removed, self._entities, skip=waiting.iris(), memo=self._memo)
        self._merge(plan)
        self._memo.learn(plan)
        if self._deferring:
            waiting.update(plan.rest)  # left for later by _merge
        self._rewrite_pending(waiting)

    def _add(self, graphs: Sequence[ArticleGraph]) -> None:
        # new articles: their derived facts are merged into what the entities graph holds, worked out
        # before they go in (what waits for a deferred rewrite is left to it), under a note naming them
        # that the next writer derives again from the store if this one is killed before it is done
        plan = derive.additions(self, graphs, self._entities, skip=self._pending.iris(), memo=self._memo)
        self._note(self._batch_path(), plan.touched)
        if sum(len(g.nquads) for g in graphs) >= SMALL_LOAD_BYTES:  # more than a few articles
            self._drop_read_caches()
            self._reopen_due = True  # what the merge and the next batch's questions read, at detach
        self._load(self.oxigraph, graphs)
        # what the load allocated is freed by now: given back before the merge allocates its own
        # (20 k articles peaked at 332 against 346 MB)
        release_freed_memory()
        self._merge(plan)
        self._memo.learn(plan)
        path = self._batch_path()
        if path is not None:
            path.unlink(missing_ok=True)

    def _drop_read_caches(self) -> None:
        # Working out the additions asks about entities all over the store, and RocksDB keeps the
        # blocks it read cached (up to 32 MB for the indexes, 128 MB for the strings) until the
        # database closes: the larger the store, the more a batch reads, so the writer's peak grew
        # with the store, the load's own memory coming on top. Reopening here, the data lock kept,
        # gives the cache back first: 20 k articles peaked at 346 against 378 MB, in no more time
        # (a few articles read little, and a reopening costs 50-100 ms: not for them).
        if self.path is None or self.read_only or self._ox is None:
            return
        self._ox.flush()  # what was just written, out of the write buffers (not replayed at the reopening)
        self._ox = None  # the last reference: RocksDB allows one open database per process
        release_freed_memory()
        self._open()

    def _load(self, ox: OxStore, graphs: Sequence[ArticleGraph]) -> None:
        for chunk in _load_chunks(graphs, LOAD_BYTES if self.path is None else BULK_BYTES):
            data = b"".join(g.nquads for g in chunk)
            self._loaded += len(data)
            if self.path is None or len(data) < SMALL_LOAD_BYTES:
                # a transaction, atomic too: a bulk load's files for every index cost some 100 ms
                # whatever their size, a transaction of one article a few ms
                ox.load(data, format=RdfFormat.N_QUADS)
            else:
                # Oxigraph's bulk loader writes the chunk's sorted files for every index and hands them
                # to RocksDB in one IngestExternalFiles call, which is atomic across column families
                # (a crash ingests all or none); it is three times as fast as a transaction (0.9 against
                # 2.6 ms an article at 10 k). A chunk is far below its 1,000,000-quad split.
                ox.bulk_load(data, format=RdfFormat.N_QUADS)

    def _merge(self, plan: derive.Plan) -> None:
        ox = self.oxigraph
        for iri, predicate in plan.clear:
            for quad in list(ox.quads_for_pattern(NamedNode(iri), predicate, None, self._entities)):
                ox.remove(quad)
        for quad in plan.drop:
            ox.remove(quad)
        ox.extend(plan.quads)
        del ox  # the rewrite of what remains may reopen the database
        if plan.rest and self._deferring:
            self._note_pending(plan.rest)  # rewritten from the store with what else waits
        elif plan.rest:
            self._rederive(plan.rest)

    def defer_derivation(self, on: bool = True) -> None:
        """Let :meth:`write` leave the derived facts it must rewrite from the store for later (a build's
        batches; what additions and subtractions merge in is never left): they are rewritten once
        enough have gathered (``DERIVE_EVERY``), when a reader asks for the store, at :meth:`settle`,
        at the next write that does not defer, and at :meth:`close`."""
        self._deferring = on

    def settle(self) -> None:
        """Rewrite the derived facts that wait (nothing to do unless :meth:`write` deferred some)."""
        if self._pending and self._ox is not None:
            self._rederive(self._pending)
            self._clear_pending()
            self._reopen_due = True

    def _rederive(self, change: Touched) -> None:
        self._memo.forget()
        ox = self.oxigraph
        # each IRI's derived facts depend on it alone: a few thousand at a time keep memory flat
        parts = list(change.parts(DERIVE_CHUNK))
        for index, (piece, part) in enumerate(parts):
            quads = derive.derive(self, piece, self._entities)
            for iri in part:
                for quad in list(ox.quads_for_pattern(NamedNode(iri), None, None, self._entities)):
                    ox.remove(quad)
            ox.extend(quads)
            if self.path is not None and index + 1 < len(parts):
                # Oxigraph's write buffers and read caches fill over a long rewrite (200 MB more
                # over 50,000 IRIs at 25 k articles): flush them, and reopen now and then
                ox.flush()
                if index % REOPEN_CHUNKS == REOPEN_CHUNKS - 1:
                    del ox  # the last reference to the old database: RocksDB allows one open per process
                    self._ox = None
                    give_back_memory()
                    self._open()
                    ox = self.oxigraph

    def rederive_all(self) -> None:
        """Recompute every derived fact from the article graphs (a repair; builds never need it)."""
        # no local reference to the database: the rewrite reopens it every 10,000 IRIs
        self.oxigraph.remove_graph(self._entities)
        self._rederive(derive.everything(self))

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        """Remove articles, and with them every entity and fact no remaining article supports.

        Returns:
            The ids that were in the store.
        """
        present = [i for i in doc_ids if self.oxigraph.contains_named_graph(document_iri(self.base, i))]
        self.write([], drop=present)
        return present

    # the pending note: which derived facts a killed writer may have left stale ------------------

    def _pending_path(self) -> Path | None:
        return self.path / PENDING_FILE if self.path is not None else None

    def _note_pending(self, change: Touched) -> None:
        # appended before the articles go in: a kill while appending loses only IRIs of a batch that
        # was not written (a last line without its newline is not read back)
        new = change.without(self._pending)
        self._pending.update(new)
        self._note(self._pending_path(), new)

    def _rewrite_pending(self, waiting: Touched) -> None:
        # what is noted but done is taken off the note (replaced whole, so a kill leaves the old or the new)
        self._pending = waiting
        path = self._pending_path()
        if path is None:
            return
        if not waiting:
            path.unlink(missing_ok=True)
            return
        fresh = path.with_name(path.name + ".new")
        fresh.unlink(missing_ok=True)
        self._note(fresh, waiting)
        os.replace(fresh, path)

    @staticmethod
    def _note(path: Path | None, new: Touched) -> None:
        if path is None or not new:
            return
        with open(path, "a", encoding="utf-8") as out:
            out.writelines(f"e {iri}\n" for iri in sorted(new.entities))
            out.writelines(f"p {iri}\n" for iri in sorted(new.posts))
            out.writelines(f"d {sender}\t{host}\t{date}\n" for sender, host, date in sorted(new.deployments))
            out.writelines(f"h {organisation}\t{day}\n" for organisation, day in sorted(new.heads))
            out.writelines(f"l {person}\t{day}\n" for person, day in sorted(new.lines))
            out.flush()
            os.fsync(out.fileno())

    def _batch_path(self) -> Path | None:
        return self.path / BATCH_FILE if self.path is not None else None

    def _clear_pending(self) -> None:
        self._pending = Touched()
        for path in (self._pending_path(), self._batch_path()):
            if path is not None:
                path.unlink(missing_ok=True)

    def _fill_troop_summaries(self) -> None:
        # a store written by a kg older than the deployment summaries: derived once, under the pending
        # note (a writer killed half-way leaves the rest to the next), before any batch is merged with them
        if derive.lacks_troop_summaries(self):
            self._note_pending(Touched(deployments=derive.deployments(self)))
            self.settle()

    def _finish_pending(self) -> None:
        for path in (self._pending_path(), self._batch_path()):
            if path is not None and path.exists():
                self._pending.update(_read_pending(path))
        self.settle()

    # -- reading -------------------------------------------------------------------------------

    def query(self, sparql: str, *, bindings: dict[str, str] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs.

        Args:
            sparql: the query; the prefixes of :data:`kg.ontology.PREFIXES` may be used undeclared.
            bindings: values for variables, bound before evaluation (as strings).

        Returns:
            pyoxigraph's result: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE).

        Raises:
            QueryError: the query does not parse or fails.
        """
        try:
            return self.oxigraph.query(bind_values(sparql, bindings), use_default_graph_as_union=True,
                                       prefixes=PREFIXES)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {_first_line(error)}", hint="check the query") from None
        except OSError as error:
            raise QueryError(f"query failed: {_first_line(error)}") from None

    def quads(self) -> Iterator[Quad]:
        """Every quad of the store except the ontology graph's."""
        ontology = NamedNode(ONTOLOGY_IRI)
        return (q for q in self.oxigraph if q.graph_name != ontology)

    def document_graphs(self) -> list[str]:
        """The IRIs of the article graphs."""
        return sorted(g.value for g in self.oxigraph.named_graphs()
                      if isinstance(g, NamedNode) and g.value.startswith(self.base + "doc/"))


def _load_chunks(graphs: Sequence[ArticleGraph], limit: int) -> Iterator[Sequence[ArticleGraph]]:
    start, size = 0, 0
    for end, graph in enumerate(graphs):
        if size and size + len(graph.nquads) > limit:
            yield graphs[start:end]
            start, size = end, 0
        size += len(graph.nquads)
    if start < len(graphs):
        yield graphs[start:]


def _hash_rows(rows: object) -> dict[str, str]:
    assert isinstance(rows, QuerySolutions)
    return {row["id"].value: row["hash"].value for row in rows}


def _read_pending(path: Path) -> Touched:
    change = Touched()
    if path.exists():
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines(keepends=True):
            kind, _, iri = line.rstrip("\n").partition(" ")
            if not line.endswith("\n") or not iri:  # a line cut by a kill is skipped
                continue
            if kind in ("e", "p"):
                (change.entities if kind == "e" else change.posts).add(iri)
            elif kind == "d" and iri.count("\t") == 2:  # sender, host and date (empty when undated)
                sender, host, date = iri.split("\t")
                change.deployments.add((sender, host, date))
            elif kind == "h" and iri.count("\t") == 1:  # an organisation and one of its head days
                organisation, day = iri.split("\t")
                change.heads.add((organisation, day))
            elif kind == "l" and iri.count("\t") == 1:  # a person and one of their line days
                person, day = iri.split("\t")
                change.lines.add((person, day))
    return change


def readers_waiting(path: Path) -> bool:
    """Whether a live process waits to read the store (stale notes of dead readers are cleared)."""
    waiting = False
    for note in path.glob(WAITING_FILE + "*"):
        try:
            os.kill(int(note.name.removeprefix(WAITING_FILE)), 0)
            waiting = True
        except (ValueError, ProcessLookupError):
            note.unlink(missing_ok=True)
        except PermissionError:  # alive, another user's
            waiting = True
    return waiting


def take_lock(path: Path, *, shared: bool, wait: float = 0.0, name: str = LOCK_FILE) -> IO[bytes]:
    """A lock file in the store directory: one writer, or any number of readers, never both.

    Oxigraph itself only stops a second writer; a reader opening a store that another process is
    writing is undefined behaviour in Oxigraph, so kg's readers and writers all go through this lock.
    ``wait`` is how many seconds to keep trying (a build holds the lock only while it commits a batch).
    """
    handle = open(path / name, "a+b")  # noqa: SIM115 (held until release_lock)
    deadline = time.monotonic() + wait
    waiting: Path | None = None
    try:
        while True:
            try:
                fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() < deadline:
                    if shared and waiting is None:
                        waiting = path / f"{WAITING_FILE}{os.getpid()}"
                        waiting.touch()  # asks a running build to let readers in after its batch
                    time.sleep(0.02)
                    continue
                handle.close()
                doing = "being written by another kg command" if shared else "in use by another process"
                raise StoreError(f"the store is {doing}", source=str(path),
                                 hint="wait for the other kg command to finish or stop `kg serve`") from None
    finally:
        if waiting is not None:
            waiting.unlink(missing_ok=True)


def release_lock(handle: IO[bytes] | None) -> None:
    """Give back a lock taken by :func:`take_lock` (nothing to do for None)."""
    if handle is not None:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def bind_values(sparql: str, bindings: dict[str, str] | None) -> str:
    """Bind variables by an inline ``VALUES`` block at the start of every WHERE group.

    A parameter is a constant of the whole query, so subqueries (which see only their own
    variables) get the block too. The values go in as escaped literals, never as query text,
    and any SPARQL 1.1 endpoint accepts it.

    >>> print(bind_values("SELECT ?x WHERE { ?x ?p ?name }", {"name": 'say "hi"'}))
    SELECT ?x WHERE { VALUES ?name { "say \\"hi\\"" } ?x ?p ?name }
    """
    if not bindings:
        return sparql
    values = " ".join(f"VALUES ?{name} {{ {Literal(value)} }}" for name, value in sorted(bindings.items()))
    bound, count = re.subn(r"\bWHERE\s*\{", lambda m: m.group(0) + " " + values, sparql, flags=re.I)
    if count:
        return bound
    match = re.search(r"\{", sparql)
    if match is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return sparql[: match.end()] + " " + values + sparql[match.end():]


def _first_line(error: BaseException) -> str:
    return " ".join(str(error).split())
