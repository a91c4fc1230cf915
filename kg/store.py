"""The store: an embedded Oxigraph database on disk holding one named graph per article.

Graphs in a kg store:

- ``<https://w3id.org/kg-news/ontology>``: the ontology (``kg.ttl``), loaded on first open;
- ``<BASE doc/ID>``: one per article, written by :func:`kg.rdfmap.document_quads`;
- ``<BASE graph/entities>``: derived from all articles: one canonical ``rdfs:label`` per entity.

Queries read the union of all graphs. Oxigraph locks the directory, so a second process that opens the
same store for writing gets a clear :class:`~kg.errors.StoreError` instead of corrupting it.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, RdfFormat
from pyoxigraph import Store as OxStore

from kg.errors import QueryError, StoreError
from kg.extract.gazetteer import load_gazetteer
from kg.ontology import DEFAULT_BASE, ONTOLOGY_IRI, PREFIXES, RDFS, SKOS, ontology_path, sparql_prefixes
from kg.rdfmap import document_iri, entities_graph
from kg.resolve import choose_label
from kg.storedir import prepare_store_folder

DEFAULT_STORE = "kg-store"
LOCK_FILE = "kg.lock"


def default_store_path() -> Path:
    """``$KG_STORE`` if set, else ``./kg-store``."""
    return Path(os.environ.get("KG_STORE", DEFAULT_STORE))


class Store:
    """A kg knowledge graph in an Oxigraph store (on disk, or in memory when ``path`` is None).

    Args:
        path: the store directory; created when missing. None keeps the graph in memory.
        base: the base IRI of the IRIs kg mints.
        create: create the directory when it does not exist (``kg query`` on a missing store is an error).

    Raises:
        StoreError: the directory is used by another process, or is not an Oxigraph store.

    >>> store = Store()
    >>> store.document_hashes()
    {}
    """

    def __init__(self, path: str | Path | None = None, *, base: str = DEFAULT_BASE, create: bool = True,
                 read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.base = base
        self.read_only = read_only
        self._lock: IO[bytes] | None = None
        if self.path is not None:
            if not self.path.exists() and (read_only or not create):
                raise StoreError("no store here", source=str(self.path), hint="run `kg build` first or pass --store")
            prepare_store_folder(self.path, write=not read_only)  # never among a user's own files
            self._lock = take_lock(self.path, shared=read_only)
        try:
            if self.path is None:
                self._ox = OxStore()
            elif read_only:
                self._ox = OxStore.read_only(str(self.path))
            else:
                self._ox = OxStore(str(self.path))
        except OSError as error:
            self._release()
            message = str(error)
            if "lock" in message.lower():
                raise StoreError("the store is in use by another process", source=str(self.path),
                                 hint="wait for the other kg command to finish or stop `kg serve`") from None
            raise StoreError(f"cannot open store: {message.splitlines()[0]}", source=str(self.path)) from None
        if not read_only:
            self._ensure_ontology()

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Release the store (and its lock on the directory)."""
        if getattr(self, "_ox", None) is not None:
            if self.path is not None and not self.read_only:
                self._ox.flush()
            self._ox = None  # type: ignore[assignment]
        self._release()

    def _release(self) -> None:
        release_lock(self._lock)
        self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def oxigraph(self) -> OxStore:
        """The underlying :class:`pyoxigraph.Store`, for anything kg does not wrap."""
        return self._ox

    def __len__(self) -> int:
        return len(self._ox)

    # -- writing -------------------------------------------------------------------------------

    def _ensure_ontology(self) -> None:
        graph = NamedNode(ONTOLOGY_IRI)
        if self._ox.contains_named_graph(graph):
            return
        self._ox.load(path=str(ontology_path()), format=RdfFormat.TURTLE, to_graph=graph)

    def document_hashes(self) -> dict[str, str]:
        """The id and text hash of every article in the store."""
        rows = self._ox.query(
            sparql_prefixes() + "SELECT ?id ?hash WHERE { GRAPH ?g { ?g a kgo:Article ; dcterms:identifier ?id ; "
            "kgo:textHash ?hash } }")
        assert isinstance(rows, QuerySolutions)
        return {row["id"].value: row["hash"].value for row in rows}

    def commit(self, graphs: Iterable[tuple[str, list[Quad]]] = (), *, drop: Iterable[str] = ()) -> None:
        """Write article graphs, drop others, and recompute the entities graph, in one transaction.

        Args:
            graphs: (article id, quads of its graph); an article already stored is replaced.
            drop: ids of articles to remove.

        A build killed at any moment leaves the store as it was before or as it is after: the
        whole change is one SPARQL update, which Oxigraph applies atomically.
        """
        dropped = {document_iri(self.base, doc_id).value for doc_id in drop}
        parts: list[str] = []
        labels: dict[str, set[str]] = {}
        holds: list[HoldsStatement] = []
        for doc_id, quads in graphs:
            graph = document_iri(self.base, doc_id)
            dropped.add(graph.value)
            parts.append(_graph_block(graph, quads))
            for quad in quads:
                if quad.predicate == SKOS.altLabel:
                    labels.setdefault(quad.subject.value, set()).add(quad.object.value)  # type: ignore[union-attr]
            holds += holds_statements(quads)
        if not parts and not any(self._ox.contains_named_graph(NamedNode(g)) for g in dropped):
            return
        names = self._aliases(excluding=dropped)
        for iri, more in labels.items():
            names.setdefault(iri, set()).update(more)
        holds += self._holds(excluding=dropped)
        entities = entities_graph(self.base)
        parts.append(_graph_block(entities, self._entity_quads(names, entities) + holder_quads(holds, entities)))
        update = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in sorted(dropped))
        update += f"DROP SILENT GRAPH <{entities.value}> ;\nINSERT DATA {{\n" + "\n".join(parts) + "\n}"
        del parts
        self._ox.update(update)

    def _holds(self, *, excluding: set[str]) -> list[HoldsStatement]:
        rows = self._ox.query(sparql_prefixes() + HOLDS_QUERY)
        assert isinstance(rows, QuerySolutions)
        return [HoldsStatement(r["post"].value, r["person"].value, r["date"].value, r["modality"].value)
                for r in rows if r["g"].value not in excluding]

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        """Remove articles, and with them every entity and fact no remaining article supports.

        Returns:
            The ids that were in the store.
        """
        present = [i for i in doc_ids if self._ox.contains_named_graph(document_iri(self.base, i))]
        self.commit(drop=present)
        return present

    def _aliases(self, *, excluding: set[str]) -> dict[str, set[str]]:
        rows = self._ox.query(sparql_prefixes() + """
            SELECT ?g ?e ?alt WHERE { GRAPH ?g { ?g a kgo:Article . ?e skos:altLabel ?alt } }""")
        assert isinstance(rows, QuerySolutions)
        names: dict[str, set[str]] = {}
        for row in rows:
            if row["g"].value not in excluding:
                names.setdefault(row["e"].value, set()).add(row["alt"].value)
        return names

    @staticmethod
    def _entity_quads(names: dict[str, set[str]], graph: NamedNode) -> list[Quad]:
        """One canonical ``rdfs:label`` per entity, chosen from every alias seen, and the gazetteer's
        other names for known entities (so "CENTCOM" finds US Central Command in any article)."""
        gazetteer = load_gazetteer()
        quads = []
        for iri in sorted(names):
            kind = "Person" if "/person/" in iri else "Other"
            label = choose_label(kind, sorted(names[iri]))
            node = NamedNode(iri)
            quads.append(Quad(node, RDFS.label, Literal(label), graph))
            known = gazetteer.entities.get(label) if kind != "Person" and "/post/" not in iri else None
            for alias in sorted(known.aliases) if known is not None else ():
                quads.append(Quad(node, SKOS.altLabel, Literal(alias), graph))
        return quads

    # -- reading -------------------------------------------------------------------------------

    def query(self, sparql: str, *, bindings: dict[str, str] | None = None) -> Any:
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
            return self._ox.query(bind_values(sparql, bindings), use_default_graph_as_union=True,
                                  prefixes=PREFIXES)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {_first_line(error)}", hint="check the query") from None
        except OSError as error:
            raise QueryError(f"query failed: {_first_line(error)}") from None

    def quads(self) -> Iterator[Quad]:
        """Every quad of the store except the ontology graph's."""
        ontology = NamedNode(ONTOLOGY_IRI)
        return (q for q in self._ox if q.graph_name != ontology)

    def document_graphs(self) -> list[str]:
        """The IRIs of the article graphs."""
        return sorted(g.value for g in self._ox.named_graphs()
                      if isinstance(g, NamedNode) and g.value.startswith(self.base + "doc/"))


def take_lock(path: Path, *, shared: bool) -> IO[bytes]:
    """A lock file in the store directory: one writer, or any number of readers, never both.

    Oxigraph itself only stops a second writer; a reader opening a store that another process is
    writing is undefined behaviour in Oxigraph, so kg's readers and writers all go through this lock.
    """
    handle = open(path / LOCK_FILE, "a+b")  # noqa: SIM115 (held until release_lock)
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        doing = "being written by another kg command" if shared else "in use by another process"
        raise StoreError(f"the store is {doing}", source=str(path),
                         hint="wait for the other kg command to finish or stop `kg serve`") from None
    return handle


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


#: Every dated statement that someone holds (or held) a post, by article graph.
HOLDS_QUERY = """
SELECT ?g ?post ?person ?date ?modality WHERE { GRAPH ?g {
  ?a rdf:predicate org:holds ; rdf:object ?post ; rdf:subject ?person ; kgo:asOf ?date ; kgo:modality ?modality .
} }"""


class HoldsStatement(NamedTuple):
    """One dated statement that a person holds (asserted) or held (past) a post; IRIs as strings."""

    post: str
    person: str
    date: str
    modality: str


def holds_statements(quads: Iterable[Quad]) -> list[HoldsStatement]:
    """The holds statements among an article's assertion quads."""
    fields: dict[str, dict[str, str]] = {}
    for quad in quads:
        name = _ASSERTION_FIELDS.get(quad.predicate.value)
        if name:
            fields.setdefault(quad.subject.value, {})[name] = quad.object.value  # type: ignore[union-attr]
    return [HoldsStatement(f["post"], f["person"], f["date"], f["modality"]) for f in fields.values()
            if f.get("predicate") == _HOLDS and {"post", "person", "date", "modality"} <= f.keys()]


def current_holders(statements: Iterable[HoldsStatement]) -> list[tuple[str, str]]:
    """(post, person) for whoever the latest dated statement says holds each post, unless a statement
    as late or later says it ended; more than one holder means the sources disagree.

    >>> a = HoldsStatement("post", "berg", "2021-03-01", ASSERTED)
    >>> b = HoldsStatement("post", "haddad", "2022-06-01", ASSERTED)
    >>> current_holders([a, b]), current_holders([a, b, b._replace(modality=PAST)])
    ([('post', 'haddad')], [])
    """
    by_post: dict[str, list[HoldsStatement]] = {}
    for statement in statements:
        by_post.setdefault(statement.post, []).append(statement)
    holders = set()
    for post, said in by_post.items():
        asserted = [s for s in said if s.modality == ASSERTED]
        if not asserted:
            continue
        latest = max(s.date for s in asserted)
        for statement in asserted:
            ended = any(s.modality == PAST and s.person == statement.person and s.date >= latest for s in said)
            if statement.date == latest and not ended:
                holders.add((post, statement.person))
    return sorted(holders)


def holder_quads(statements: Iterable[HoldsStatement], graph: NamedNode) -> list[Quad]:
    """``kgo:currentHolder`` quads for :func:`current_holders`, in ``graph``."""
    return [Quad(NamedNode(post), _CURRENT_HOLDER, NamedNode(person), graph)
            for post, person in current_holders(statements)]


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_HOLDS = PREFIXES["org"] + "holds"
ASSERTED, PAST = PREFIXES["kgo"] + "asserted", PREFIXES["kgo"] + "past"
_CURRENT_HOLDER = NamedNode(PREFIXES["kgo"] + "currentHolder")
_ASSERTION_FIELDS = {_RDF + "predicate": "predicate", _RDF + "object": "post", _RDF + "subject": "person",
                     PREFIXES["kgo"] + "asOf": "date", PREFIXES["kgo"] + "modality": "modality"}


def _graph_block(graph: NamedNode, quads: Iterable[Quad]) -> str:
    """``GRAPH <g> { s p o . ... }`` for INSERT DATA: the graph name once, not once per quad."""
    return f"GRAPH {graph} {{\n" + "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads) + "\n}"


def _first_line(error: BaseException) -> str:
    return " ".join(str(error).split())
