"""SPARQL over HTTP: ``kg serve`` (the Oxigraph server over a kg store) and remote stores
(``--endpoint URL``: any SPARQL 1.1 Protocol endpoint with a Graph Store Protocol service).

kg does not implement an HTTP server: ``serve`` runs the real Oxigraph server (the ``oxigraph``
package, same version as pyoxigraph) on the store directory, holding kg's lock on it for as long as it
runs. A :class:`RemoteStore` speaks the W3C protocols with the standard library only.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)
from pyoxigraph import Store as MemoryStore

from kg import derive
from kg.derive import ArticleGraph, QueryResult, Touched
from kg.errors import QueryError, StoreError
from kg.ontology import DEFAULT_BASE, ONTOLOGY_IRI, ontology_path, sparql_prefixes
from kg.rdfmap import document_iri, entities_graph
from kg.store import bind_values

DEFAULT_PORT = 7878
#: times a request the server aborted as a deadlock is sent again
RETRIES = 5
_DEADLOCK = re.compile(r"\b40001\b|\bSR172\b|deadlock", re.I)
#: quads per INSERT DATA request (Virtuoso refuses very long update texts)
INSERT_QUADS = 1_000


# -- kg serve --------------------------------------------------------------------------------------

def oxigraph_server() -> str:
    """The path of the ``oxigraph`` server program (installed beside this Python, or on PATH).

    Raises:
        StoreError: it is not installed.
    """
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise StoreError("kg serve needs the Oxigraph server, which is not installed",
                         hint="pip install oxigraph (the same version as pyoxigraph)")
    return found


# -- remote stores ---------------------------------------------------------------------------------

class RemoteStore:
    """A kg graph in a remote SPARQL store, used wherever kg takes a :class:`kg.store.Store`.

    Args:
        query_url: the SPARQL 1.1 Protocol query endpoint (``http://host:7878/query``).
        graph_store_url: its Graph Store Protocol service; by default the query URL with its last
            segment replaced by ``store`` (Oxigraph's layout), or ``sparql-graph-crud`` when the query
            URL ends with ``/sparql`` (Virtuoso's). Fuseki: ``.../ds/data``.
        base: the base IRI of the IRIs kg mints.
        update_url: its SPARQL 1.1 Update endpoint; by default ``update`` beside the query URL, or the
            query URL itself for ``/sparql`` (Virtuoso).
        parallel: Graph Store requests in flight at once while a batch is written.
        subtract: subtract what replaced or removed articles stated from the derived facts by point
            questions (:func:`kg.derive.removals`) instead of deriving their entities again from the
            store. By default, except on Virtuoso's layout: Virtuoso 7 answered those batched
            ``VALUES`` + ``FILTER EXISTS`` questions with rows missing, from one run to the next.

    Queries see the union of the named graphs only if the server is set up so (Oxigraph:
    ``--union-default-graph``; Fuseki: ``unionDefaultGraph``; Virtuoso does by default). Each
    article's graph is written with one HTTP PUT, so a remote build is idempotent per article but not
    one transaction.
    """

    def __init__(self, query_url: str, graph_store_url: str | None = None, *, base: str = DEFAULT_BASE,
                 timeout: float = 60.0, update_url: str | None = None, parallel: int = 4,
                 subtract: bool | None = None) -> None:
        parsed = urllib.parse.urlparse(query_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise StoreError("not an http(s) URL", source=query_url, hint="e.g. http://127.0.0.1:7878/query")
        self.query_url = query_url
        sibling = query_url.rstrip("/").rsplit("/", 1)[0]
        virtuoso = parsed.path.rstrip("/").endswith("/sparql")
        self.subtract = not virtuoso if subtract is None else subtract
        if virtuoso:
            # Virtuoso's layout: queries and updates at /sparql, the Graph Store at /sparql-graph-crud
            self.graph_store_url = graph_store_url or sibling + "/sparql-graph-crud"
            self.update_url = update_url or query_url
        else:  # Oxigraph's: /query, /update, /store
            self.graph_store_url = graph_store_url or sibling + "/store"
            self.update_url = update_url or sibling + "/update"
        self.base = base
        self.parallel = parallel
        self.timeout = timeout
        self.path: Path | None = None
        self.url = query_url
        self._summaries_checked = False  # whether a store of an older kg got its deployment summaries

    # the GraphStore interface (kg.derive) -----------------------------------------------------

    def close(self) -> None:
        """Nothing to release: each request is its own connection."""

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sparql: str, *, bindings: dict[str, str] | None = None) -> QueryResult:
        """Run a query remotely; returns pyoxigraph results, as :meth:`kg.store.Store.query` does."""
        text = sparql_prefixes() + bind_values(sparql, bindings)
        body = urllib.parse.urlencode({"query": text}).encode()
        # ask for what the query form gives: some servers (Virtuoso) answer a CONSTRUCT in the first
        # format offered, even a results format
        graph = re.match(r"(?is)\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*)\s*)*(CONSTRUCT|DESCRIBE)\b",
                         sparql)
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        data, content_type = self._request("POST", self.query_url, body,
                                           {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
                                           error=QueryError)
        if content_type.startswith(("application/sparql-results+json", "application/json")):
            return parse_query_results(data, format=QueryResultsFormat.JSON)
        if content_type.startswith("application/sparql-results+xml"):
            return parse_query_results(data, format=QueryResultsFormat.XML)
        # CONSTRUCT/DESCRIBE: the triples, turned back into pyoxigraph's triples result
        local = MemoryStore()
        local.extend(Quad(t.subject, t.predicate, t.object) for t in parse(data, format=_rdf_format(content_type)))
        return local.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    @property
    def oxigraph(self) -> MemoryStore:
        raise StoreError("this needs a local store (kg validate reads the whole graph)", source=self.query_url,
                         hint="use --store DIR, or kg export from the endpoint and validate the file")

    def quads(self) -> Iterator[Quad]:
        """Every quad of kg's graphs but the ontology's (for kg export); a shared server's other graphs
        (Virtuoso's system graphs, say) are not kg's."""
        rows = self._select(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
        for row in rows:
            if row["g"].value != ONTOLOGY_IRI:
                yield Quad(row["s"], row["p"], row["o"], row["g"])

    def __len__(self) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
        return int(next(iter(rows))[0].value)

    def document_hashes(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Id -> text hash of the stored articles (only those among ``ids`` when given)."""
        body = "GRAPH ?g { ?g a kgo:Article ; dcterms:identifier ?id ; kgo:textHash ?hash } }"
        if ids is None:
            queries = ["SELECT ?id ?hash WHERE { " + body]
        else:
            wanted = sorted(set(ids))
            queries = ["SELECT ?id ?hash WHERE { VALUES ?g { "
                       + " ".join(str(document_iri(self.base, i)) for i in wanted[start:start + derive.CHUNK])
                       + " } " + body for start in range(0, len(wanted), derive.CHUNK)]
        found: dict[str, str] = {}
        for text in queries:
            found.update({row["id"].value: row["hash"].value for row in self._select(text)})
        return found

    def write(self, graphs: Sequence[ArticleGraph], *, drop: Iterable[str] = ()) -> None:
        """DELETE the replaced and dropped articles' graphs and subtract what they stated from the derived
        facts (:func:`kg.derive.removals`), then PUT each new graph in parallel and merge in what it states
        (:func:`kg.derive.additions`), each in SPARQL updates.

        Each PUT or DELETE is of one whole graph, so each article is wholly in or out (a replaced one
        is out for a moment); the batch as a whole is not one transaction on the server.
        """
        if not bool(self.query(f"ASK {{ GRAPH <{ONTOLOGY_IRI}> {{ ?s ?p ?o }} }}")):
            # the ontology in its own graph, as in a local store (its class hierarchy serves the queries)
            self._put(ONTOLOGY_IRI, serialize(parse(path=str(ontology_path()), format=RdfFormat.TURTLE),
                                              format=RdfFormat.N_TRIPLES) or b"")
        if not self._summaries_checked:
            # an older kg's store: its deployment summaries first, before any batch is merged with them
            self._summaries_checked = True
            if derive.lacks_troop_summaries(self):
                self._rederive(Touched(deployments=derive.deployments(self)))
        entities = entities_graph(self.base)
        stored = self.document_hashes([g.doc_id for g in graphs] + list(drop))
        old = sorted(document_iri(self.base, i).value for i in stored)
        if old:
            removed = derive.stored_contributions(self, old)
            for name in old:
                self._request("DELETE", self._graph_url(name), None, {}, error=StoreError, missing_ok=True)
            if self.subtract:
                self._merge(derive.removals(self, removed, entities))
            else:
                change = derive.Touched()
                for item in removed:
                    change.update(derive.touched_by(item))
                self._rederive(change)
        if not graphs:
            return

        def put(graph: ArticleGraph) -> None:
            quads = parse(graph.nquads, format=RdfFormat.N_QUADS)
            self._put(document_iri(self.base, graph.doc_id).value,
                      serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES) or b"")

        plan = derive.additions(self, graphs, entities)
        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            list(pool.map(put, graphs))
        self._merge(plan)

    def _merge(self, plan: derive.Plan) -> None:
        entities = entities_graph(self.base)
        by_predicate: dict[str, list[str]] = {}
        for iri, predicate in plan.clear:
            by_predicate.setdefault(str(predicate), []).append(f"<{iri}>")
        updates = [f"DELETE {{ GRAPH {entities} {{ ?s {predicate} ?o }} }} WHERE {{ VALUES ?s {{ {' '.join(part)} }} "
                   f"GRAPH {entities} {{ ?s {predicate} ?o }} }}"
                   for predicate, subjects in sorted(by_predicate.items())
                   for part in (subjects[i:i + derive.CHUNK] for i in range(0, len(subjects), derive.CHUNK))]
        for start in range(0, len(plan.drop), INSERT_QUADS):
            updates.append(f"DELETE DATA {{ GRAPH {entities} {{\n" + "\n".join(
                f"{q.subject} {q.predicate} {q.object} ." for q in plan.drop[start:start + INSERT_QUADS]) + "\n} }")
        for start in range(0, len(plan.quads), INSERT_QUADS):
            updates.append(f"INSERT DATA {{ GRAPH {entities} {{\n" + "\n".join(
                f"{q.subject} {q.predicate} {q.object} ." for q in plan.quads[start:start + INSERT_QUADS]) + "\n} }")
        for update in updates:
            self._update(update)
        if plan.rest:
            self._rederive(plan.rest)

    def _rederive(self, change: Touched) -> None:
        entities = entities_graph(self.base)
        quads = derive.derive(self, change, entities)
        iris = change.iris()
        for start in range(0, max(len(iris), 1), derive.CHUNK):
            chunk = " ".join(f"<{iri}>" for iri in iris[start:start + derive.CHUNK])
            wanted = set(iris[start:start + derive.CHUNK])
            inserts = [q for q in quads if isinstance(q.subject, NamedNode) and q.subject.value in wanted]
            update = (f"DELETE {{ GRAPH {entities} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {chunk} }} "
                      f"GRAPH {entities} {{ ?s ?p ?o }} }}")
            if inserts:
                update += f" ;\nINSERT DATA {{ GRAPH {entities} {{\n" + "\n".join(
                    f"{q.subject} {q.predicate} {q.object} ." for q in inserts) + "\n} }"
            if chunk:
                self._update(update)

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        """Remove articles by id; returns the ids that were stored."""
        present = sorted(self.document_hashes(doc_ids))
        self.write([], drop=present)
        return present

    @property
    def _ours(self) -> str:
        """A FILTER keeping kg's graphs: the ontology's and those under the base IRI."""
        return f"FILTER(?g = <{ONTOLOGY_IRI}> || STRSTARTS(STR(?g), {Literal(self.base)}))"

    def _select(self, sparql: str) -> QuerySolutions:
        rows = self.query(sparql)
        assert isinstance(rows, QuerySolutions)
        return rows

    def _update(self, update: str) -> None:
        body = urllib.parse.urlencode({"update": sparql_prefixes() + update}).encode()
        self._request("POST", self.update_url, body, {"Content-Type": "application/x-www-form-urlencoded"},
                      error=StoreError)

    # HTTP --------------------------------------------------------------------------------------

    def _graph_url(self, graph: str) -> str:
        return f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"

    def _put(self, graph: str, ntriples: bytes) -> None:
        self._request("PUT", self._graph_url(graph), ntriples, {"Content-Type": "application/n-triples"},
                      error=StoreError)

    def _request(self, method: str, url: str, body: bytes | None, headers: dict[str, str], *,
                 error: type[QueryError] | type[StoreError], missing_ok: bool = False) -> tuple[bytes, str]:
        for attempt in range(RETRIES + 1):
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read(), response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as failure:
                if missing_ok and failure.code == 404:
                    return b"", ""
                detail = " ".join(failure.read().decode("utf-8", "replace").split())
                if failure.code >= 500 and _DEADLOCK.search(detail) and attempt < RETRIES:
                    # Virtuoso aborts one of two transactions that lock the same pages (SQLSTATE
                    # 40001, "SR172"), as concurrent PUTs of article graphs can; it asks for a retry,
                    # and every request kg sends may be repeated (whole-graph PUTs, DELETE/INSERT DATA)
                    time.sleep(0.05 * 2 ** attempt)
                    continue
                raise error(f"{method} failed: HTTP {failure.code} {failure.reason}: {detail[:200]}",
                            source=url) from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as failure:
                reason = getattr(failure, "reason", failure)
                raise StoreError(f"cannot reach the endpoint: {reason}", source=url) from None
        raise AssertionError("unreachable: the last attempt returns or raises")


def _rdf_format(content_type: str) -> RdfFormat:
    media = content_type.split(";")[0].strip()
    return {"text/turtle": RdfFormat.TURTLE, "application/rdf+xml": RdfFormat.RDF_XML,
            "application/n-quads": RdfFormat.N_QUADS}.get(media, RdfFormat.N_TRIPLES)


__all__ = ["DEFAULT_PORT", "RemoteStore", "oxigraph_server"]
