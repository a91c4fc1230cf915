"""SPARQL over HTTP: ``kg serve`` (the Oxigraph server over a kg store) and remote stores
(``--endpoint URL``: any SPARQL 1.1 Protocol endpoint with a Graph Store Protocol service).

kg does not implement an HTTP server: ``serve`` runs the real Oxigraph server (the ``oxigraph``
package, same version as pyoxigraph) on the store directory, holding kg's lock on it for as long as it
runs. A :class:`RemoteStore` speaks the W3C protocols with the standard library only.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pyoxigraph import Quad, QueryResultsFormat, RdfFormat, parse, parse_query_results, serialize
from pyoxigraph import Store as MemoryStore

from kg.errors import QueryError, StoreError
from kg.ontology import DEFAULT_BASE, ONTOLOGY_IRI, ontology_path, sparql_prefixes
from kg.rdfmap import document_iri, entities_graph
from kg.store import HOLDS_QUERY, HoldsStatement, Store, bind_values, holder_quads, release_lock, take_lock

DEFAULT_PORT = 7878


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


class Endpoint:
    """The Oxigraph server running over a kg store directory, on ``host:port``.

    Read-only unless ``allow_update``; the union of all graphs is the default graph, as in ``kg
    query``. While it runs it holds kg's lock on the directory (shared when read-only, so other
    readers may run, but no ``kg build``).

    >>> # with Endpoint("kg-store") as endpoint: SPARQLWrapper(endpoint.query_url) ...
    """

    def __init__(self, store_path: str | Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 allow_update: bool = False) -> None:
        self.store_path = Path(store_path)
        self.host, self.port, self.allow_update = host, port, allow_update
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def start(self, timeout: float = 20.0) -> Endpoint:
        """Start the server and wait until it answers.

        Raises:
            StoreError: no store there, it is locked by another kg process, or the server fails.
        """
        if not (self.store_path / "CURRENT").exists():
            raise StoreError("no store here", source=str(self.store_path), hint="run `kg build` first or pass --store")
        program = oxigraph_server()
        if self.allow_update:
            Store(self.store_path, create=False).close()  # the ontology graph in place before others write
        # held while the server runs: shared when read-only (kg readers welcome, kg build refused),
        # exclusive when it may write (the server then owns the database)
        self._lock = take_lock(self.store_path, shared=not self.allow_update)
        command = [program, "serve" if self.allow_update else "serve-read-only", "--location",
                   str(self.store_path), "--bind", f"{self.host}:{self.port}", "--union-default-graph"]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = (self._process.stderr.read() if self._process.stderr else b"").decode("utf-8", "replace")
                self._release()
                raise StoreError(f"the Oxigraph server stopped: {' '.join(error.split())[:200]}",
                                 source=str(self.store_path))
            try:
                ask = urllib.parse.urlencode({"query": "ASK {}"})
                with urllib.request.urlopen(f"{self.query_url}?{ask}", timeout=2):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise StoreError(f"the Oxigraph server did not answer on {self.url} within {timeout:.0f} s",
                         source=str(self.store_path))

    def wait(self) -> int:
        """Block until the server exits or Ctrl-C / SIGTERM stops it; returns 0 on a requested stop,
        else the server's exit code."""
        assert self._process is not None
        stopping: list[int] = []
        previous = {sig: signal.signal(sig, lambda number, _frame: stopping.append(number))
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not stopping:
                try:
                    code = self._process.wait(timeout=0.2)
                    return code
                except subprocess.TimeoutExpired:
                    continue
            return 0
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        self._release()

    def _release(self) -> None:
        release_lock(self._lock)
        self._lock = None

    def __enter__(self) -> Endpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- remote stores ---------------------------------------------------------------------------------

class RemoteStore:
    """A kg graph in a remote SPARQL store, used wherever kg takes a :class:`kg.store.Store`.

    Args:
        query_url: the SPARQL 1.1 Protocol query endpoint (``http://host:7878/query``).
        graph_store_url: its Graph Store Protocol service; by default the query URL with its last
            segment replaced by ``store`` (Oxigraph's layout). Fuseki: ``.../ds/data``.
        base: the base IRI of the IRIs kg mints.

    Queries see the union of the named graphs only if the server is set up so (Oxigraph:
    ``--union-default-graph``; Fuseki: ``unionDefaultGraph``). Each article's graph is written with
    one HTTP PUT, so a remote build is idempotent per article but not one transaction.
    """

    def __init__(self, query_url: str, graph_store_url: str | None = None, *, base: str = DEFAULT_BASE,
                 timeout: float = 60.0) -> None:
        parsed = urllib.parse.urlparse(query_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise StoreError("not an http(s) URL", source=query_url, hint="e.g. http://127.0.0.1:7878/query")
        self.query_url = query_url
        self.graph_store_url = graph_store_url or query_url.rstrip("/").rsplit("/", 1)[0] + "/store"
        self.base = base
        self.timeout = timeout
        self.path = None
        self.url = query_url

    # the Store interface kg's commands use -----------------------------------------------------

    def close(self) -> None:
        """Nothing to release: each request is its own connection."""

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sparql: str, *, bindings: dict[str, str] | None = None) -> Any:
        """Run a query remotely; returns pyoxigraph results, as :meth:`kg.store.Store.query` does."""
        text = sparql_prefixes() + bind_values(sparql, bindings)
        body = urllib.parse.urlencode({"query": text}).encode()
        accept = "application/sparql-results+json, application/n-triples;q=0.9"
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
    def oxigraph(self) -> Any:
        raise StoreError("this needs a local store (kg validate reads the whole graph)", source=self.query_url,
                         hint="use --store DIR, or kg export from the endpoint and validate the file")

    def quads(self) -> Iterator[Quad]:
        """Every quad in the named graphs but the ontology's (for kg export)."""
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        for row in rows:
            if row["g"].value != ONTOLOGY_IRI:
                yield Quad(row["s"], row["p"], row["o"], row["g"])

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))[0].value)

    def document_hashes(self) -> dict[str, str]:
        rows = self.query("SELECT ?id ?hash WHERE { GRAPH ?g { ?g a kgo:Article ; dcterms:identifier ?id ; "
                          "kgo:textHash ?hash } }")
        return {row["id"].value: row["hash"].value for row in rows}

    def commit(self, graphs: Iterable[tuple[str, list[Quad]]] = (), *, drop: Iterable[str] = ()) -> None:
        """PUT each article's graph (replacing it), DELETE the dropped ones, then rewrite the entities
        graph (one label per entity) from every article now on the server."""
        if not bool(self.query(f"ASK {{ GRAPH <{ONTOLOGY_IRI}> {{ ?s ?p ?o }} }}")):
            # the ontology in its own graph, as in a local store (its class hierarchy serves the queries)
            self._put(ONTOLOGY_IRI, serialize(parse(path=str(ontology_path()), format=RdfFormat.TURTLE),
                                              format=RdfFormat.N_TRIPLES) or b"")
        for doc_id, quads in graphs:
            graph = document_iri(self.base, doc_id)
            triples = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES) or b""
            self._put(graph.value, triples)
        for doc_id in drop:
            self._request("DELETE", self._graph_url(document_iri(self.base, doc_id).value), None, {},
                          error=StoreError, missing_ok=True)
        names: dict[str, set[str]] = {}
        rows = self.query("SELECT ?e ?alt WHERE { GRAPH ?g { ?g a kgo:Article . ?e skos:altLabel ?alt } }")
        for row in rows:
            names.setdefault(row["e"].value, set()).add(row["alt"].value)
        entities = entities_graph(self.base)
        holds = [HoldsStatement(r["post"].value, r["person"].value, r["date"].value, r["modality"].value)
                 for r in self.query(HOLDS_QUERY)]
        quads = Store._entity_quads(names, entities) + holder_quads(holds, entities)
        self._put(entities.value, serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES) or b"")

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        present = [i for i in doc_ids if i in self.document_hashes()]
        self.commit(drop=present)
        return present

    # HTTP --------------------------------------------------------------------------------------

    def _graph_url(self, graph: str) -> str:
        return f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"

    def _put(self, graph: str, ntriples: bytes) -> None:
        self._request("PUT", self._graph_url(graph), ntriples, {"Content-Type": "application/n-triples"},
                      error=StoreError)

    def _request(self, method: str, url: str, body: bytes | None, headers: dict[str, str], *,
                 error: type[QueryError] | type[StoreError], missing_ok: bool = False) -> tuple[bytes, str]:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as failure:
            if missing_ok and failure.code == 404:
                return b"", ""
            detail = " ".join(failure.read().decode("utf-8", "replace").split())[:200]
            raise error(f"{method} failed: HTTP {failure.code} {failure.reason}: {detail}", source=url) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as failure:
            reason = getattr(failure, "reason", failure)
            raise StoreError(f"cannot reach the endpoint: {reason}", source=url) from None


def _rdf_format(content_type: str) -> RdfFormat:
    media = content_type.split(";")[0].strip()
    return {"text/turtle": RdfFormat.TURTLE, "application/rdf+xml": RdfFormat.RDF_XML,
            "application/n-quads": RdfFormat.N_QUADS}.get(media, RdfFormat.N_TRIPLES)


__all__ = ["DEFAULT_PORT", "Endpoint", "RemoteStore", "oxigraph_server"]
