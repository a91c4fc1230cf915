"""Per-article cost of each stage of a build, on one core (part of make bench; not a test).

Times, on the same synthetic articles as bench/run.py (after their start-up): reading (parsing and normalising;
language identification; the near-copy signature and facts; the near-copy index), extraction, resolution with the
pre-store checks, the RDF mapping, serialising to N-Quads (what a worker sends back), the write
transaction and the derived-facts upkeep of a batch of 400 articles into a fresh on-disk store.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv: list[str]) -> dict[str, float]:
    from corpus import write_corpus
    from pyoxigraph import RdfFormat, serialize

    from kg import derive
    from kg.dedup import DiskNearDuplicates, sketch
    from kg.derive import ArticleGraph
    from kg.extract import extract
    from kg.ontology import DEFAULT_BASE
    from kg.rdfmap import document_quads, entities_graph
    from kg.resolve import resolve_entities
    from kg.sources import ReadOptions, read_documents, with_language
    from kg.store import Store
    from kg.validate import check_relations

    size = int(argv[0]) if argv else 400
    folder = Path(tempfile.mkdtemp(prefix="kg-stages-"))
    try:
        corpus = write_corpus(folder / "corpus.jsonl", size, varied=True)
        costs: dict[str, float] = {}
        next(iter(read_documents([corpus])))  # start-up: the language model, datasketch
        sketch("start-up")
        plain = ReadOptions(dedup_threshold=None)
        started = time.perf_counter()
        documents = list(read_documents([corpus], options=plain, languages=False))
        costs["read (parse, normalise)"] = time.perf_counter() - started
        started = time.perf_counter()
        documents = [with_language(d) for d in documents]
        costs["language id"] = time.perf_counter() - started
        started = time.perf_counter()
        sketches = [sketch(d.text, d.title) for d in documents]
        costs["near-copy signature + facts"] = time.perf_counter() - started
        finder = DiskNearDuplicates(path=folder / "near.db")
        started = time.perf_counter()
        for document, (values, stated) in zip(documents, sketches):
            finder.original_of_sketch(document.id, values, stated)
        costs["near-copy index (on disk)"] = time.perf_counter() - started
        finder.close()
        extract(documents[0])  # start-up: word lists, compiled patterns
        started = time.perf_counter()
        extractions = [extract(d) for d in documents]
        costs["extract"] = time.perf_counter() - started
        started = time.perf_counter()
        resolved = [check_relations(resolve_entities(e))[0] for e in extractions]
        costs["resolve + check"] = time.perf_counter() - started
        started = time.perf_counter()
        quads = [document_quads(r, DEFAULT_BASE, ordered=False) for r in resolved]
        costs["map to RDF"] = time.perf_counter() - started
        started = time.perf_counter()
        graphs = []
        for document, article in zip(documents, quads):
            change = derive.touched(article)
            graphs.append(ArticleGraph(document.id, serialize(article, format=RdfFormat.N_QUADS) or b"",
                                       len(article), 0, (), frozenset(change.entities), frozenset(change.posts)))
        costs["serialise + what it touches"] = time.perf_counter() - started
        with Store(folder / "store") as store:
            ox = store.oxigraph
            started = time.perf_counter()
            ox.load(b"".join(g.nquads for g in graphs), format=RdfFormat.N_QUADS)
            costs["write (one transaction)"] = time.perf_counter() - started
            change = derive.Touched()
            for graph in graphs:
                change.update(graph)
            started = time.perf_counter()
            new = derive.derive(store, change, entities_graph(store.base))
            ox.extend(new)
            costs["derive labels + holders"] = time.perf_counter() - started
            started = time.perf_counter()
            ox.flush()
            costs["flush"] = time.perf_counter() - started
        per_article = {k: v / size * 1000 for k, v in costs.items()}
        total = sum(per_article.values())
        print(f"per-article cost of each stage, one core, {size} articles (ms):")
        for name, ms in per_article.items():
            print(f"  {name:<30} {ms:7.3f} ms  {100 * ms / total:5.1f} %")
        print(f"  {'total':<30} {total:7.3f} ms  = {1000 / total:.0f} articles/s on one core")
        return per_article
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
