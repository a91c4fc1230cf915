"""Export: the stored graph in RDF formats (with named graphs where the format has them) or as a
networkx graph file for Gephi and other network tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

import networkx as nx
from pyoxigraph import RdfFormat, serialize

from kg.errors import KgError
from kg.ontology import PREFIXES
from kg.storedir import output_file

RDF_FORMATS = {"ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "nq": RdfFormat.N_QUADS,
               "trig": RdfFormat.TRIG, "jsonld": RdfFormat.JSON_LD}
NETWORK_FORMATS = {"graphml", "gexf"}
FORMATS = sorted(RDF_FORMATS) + sorted(NETWORK_FORMATS)


def export(store: Any, fmt: str, output: BinaryIO | str | Path) -> None:
    """Write the store (without the ontology graph) to ``output`` in ``fmt``.

    ``nq`` is sorted line by line, so the same articles always give the same bytes. ``ttl`` and ``nt``
    carry the union of the graphs; ``nq``, ``trig`` and ``jsonld`` keep the article graphs.

    Raises:
        KgError: an unknown format.
    """
    if isinstance(output, (str, Path)):
        output = output_file(output)  # before the work: a missing folder is not created
    if fmt in NETWORK_FORMATS:
        from kg.view import to_networkx
        graph = to_networkx(store)
        writer = nx.write_graphml if fmt == "graphml" else nx.write_gexf
        writer(graph, output)
        return
    if fmt not in RDF_FORMATS:
        raise KgError(f"unknown export format {fmt!r}", hint="use one of " + ", ".join(FORMATS))
    rdf_format = RDF_FORMATS[fmt]
    quads = sorted(store.quads(), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    if fmt == "nq":
        data = "".join(sorted(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" for q in quads)).encode()
    elif rdf_format.supports_datasets:
        data = serialize(quads, format=rdf_format, prefixes=PREFIXES if fmt == "trig" else None) or b""
    else:
        triples = sorted({q.triple for q in quads}, key=str)
        prefixes = PREFIXES if fmt == "ttl" else None
        data = serialize(triples, format=rdf_format, prefixes=prefixes) or b""
    if isinstance(output, (str, Path)):
        Path(output).write_bytes(data)
    else:
        output.write(data)
