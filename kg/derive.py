"""Derived, store-wide facts, kept up to date from what changed: one canonical ``rdfs:label`` per entity,
the gazetteer's other names of known entities, ``kgo:currentHolder`` of each post, and a summary for
listings (``kgo:degree`` and ``kgo:entityClass`` of each person, organisation, country and post), so
that the ``entities`` listing reads one row per entity instead of joining every relation of the store, and
``kgo:headedIn`` from each organisation to the headOf assertions about it (the dated queries' index), and
the chain index (``kgo:distinctReportsTo``, ``kgo:distinctHeadOf``, ``kgo:distinctSubOrganizationOf``,
``kgo:distinctHolds``: each of those relations of an entity once, that ``chain-of-command`` walks).

They live in the entities graph (``<BASE graph/entities>``). A build or a removal tells this module
which entities and posts its articles touch (:func:`touched`, from the quads added or removed);
:func:`derive` then asks the store, through the :class:`GraphStore` protocol, for those entities'
aliases and those posts' dated holds statements only, and returns their new entities-graph quads.
Nothing rescans the store, so adding one article costs the same whatever the store holds.

The embedded store (:class:`kg.store.Store`) and a remote SPARQL store
(:class:`kg.endpoint.RemoteStore`) both implement :class:`GraphStore` and both use this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol, runtime_checkable

from pyoxigraph import Literal, NamedNode, Quad, QueryBoolean, QuerySolutions, QueryTriples

from kg.extract.gazetteer import load_gazetteer
from kg.ontology import PREFIXES, RDFS, SKOS
from kg.resolve import choose_label

#: What a SPARQL query gives back, from either store.
QueryResult = QuerySolutions | QueryBoolean | QueryTriples

_RDF = PREFIXES["rdf"]
_HOLDS = PREFIXES["org"] + "holds"
ASSERTED, PAST = PREFIXES["kgo"] + "asserted", PREFIXES["kgo"] + "past"
CURRENT_HOLDER = NamedNode(PREFIXES["kgo"] + "currentHolder")
DEGREE = NamedNode(PREFIXES["kgo"] + "degree")
ENTITY_CLASS = NamedNode(PREFIXES["kgo"] + "entityClass")
HEADED_IN = NamedNode(PREFIXES["kgo"] + "headedIn")
#: the chain index: each relation the chain of command walks, once per pair whatever number of articles
#: state it (a busy parent unit is "X falls under Y" in thousands of article graphs)
DISTINCT = {PREFIXES["org"] + name: NamedNode(PREFIXES["kgo"] + "distinct" + name[0].upper() + name[1:])
            for name in ("reportsTo", "headOf", "subOrganizationOf", "holds")}
_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
#: the classes the ``entities`` listing shows, and the relations its degree counts (both directions)
LISTED_CLASSES = ("foaf:Person", "org:Organization", "kgo:Country", "org:Post")
RELATIONS = ("org:headOf", "org:reportsTo", "org:subOrganizationOf", "org:holds", "org:memberOf", "org:postIn",
             "kgo:sendingCountry", "kgo:hostCountry")
_ALT_LABEL = SKOS.altLabel.value
_ASSERTION_FIELDS = {_RDF + "predicate": "predicate", _RDF + "object": "post", _RDF + "subject": "person",
                     PREFIXES["kgo"] + "asOf": "date", PREFIXES["kgo"] + "modality": "modality"}
#: IRIs per VALUES block: large enough to amortise a query, small enough for any endpoint's limits
CHUNK = 400


@dataclass(frozen=True)
class ArticleGraph:
    """One article's graph, ready to write: what a worker (local or on a cluster) sends back.

    Plain data only (N-Quads bytes, strings), so it crosses process boundaries cheaply and no
    pyoxigraph object is ever freed on another thread.
    """

    doc_id: str
    nquads: bytes
    quads: int
    relations: int = 0
    rejected: tuple[str, ...] = ()
    entities: frozenset[str] = frozenset()  # IRIs with an alias in this graph
    posts: frozenset[str] = frozenset()  # posts this graph says someone holds (or held)


@dataclass
class Touched:
    """The entities and posts whose derived facts a change may alter."""

    entities: set[str] = field(default_factory=set)
    posts: set[str] = field(default_factory=set)

    def update(self, other: Touched | ArticleGraph) -> None:
        self.entities |= other.entities
        self.posts |= other.posts

    def __bool__(self) -> bool:
        return bool(self.entities or self.posts)

    def iris(self) -> list[str]:
        """Every subject whose entities-graph quads are rewritten, sorted."""
        return sorted(self.entities | self.posts)


@runtime_checkable
class GraphStore(Protocol):
    """What kg needs of a store, embedded or remote (the surface both implement).

    Article graphs are named by :func:`kg.rdfmap.document_iri`; queries read the union of all graphs.
    """

    base: str
    path: Path | None

    def query(self, sparql: str, *, bindings: dict[str, str] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs."""
        ...

    def document_hashes(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Id -> text hash of the stored articles (only those among ``ids`` when given)."""
        ...

    def write(self, graphs: Sequence[ArticleGraph], *, drop: Iterable[str] = ()) -> None:
        """Write (or replace) article graphs and drop others, then update the derived facts."""
        ...

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        """Remove articles; returns the ids that were stored."""
        ...

    def quads(self) -> Iterator[Quad]:
        """Every quad but the ontology's."""
        ...

    def __len__(self) -> int:
        ...

    def close(self) -> None:
        ...


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
        if name and isinstance(quad.subject, NamedNode) and isinstance(quad.object, (NamedNode, Literal)):
            fields.setdefault(quad.subject.value, {})[name] = quad.object.value
    return [HoldsStatement(f["post"], f["person"], f["date"], f["modality"]) for f in fields.values()
            if f.get("predicate") == _HOLDS and {"post", "person", "date", "modality"} <= f.keys()]


def touched(quads: Sequence[Quad]) -> Touched:
    """The entities (with an alias) and the posts (with a holds statement) among ``quads``.

    >>> from kg.ontology import SKOS
    >>> quad = Quad(NamedNode("http://x/e"), SKOS.altLabel, Literal("E"), NamedNode("http://x/g"))
    >>> touched([quad]).entities
    {'http://x/e'}
    """
    result = Touched()
    result.entities = {q.subject.value for q in quads
                       if q.predicate.value == _ALT_LABEL and isinstance(q.subject, NamedNode)}
    result.posts = {s.post for s in holds_statements(quads)}
    return result


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


def entity_quads(names: dict[str, set[str]], graph: NamedNode) -> list[Quad]:
    """One canonical ``rdfs:label`` per entity, chosen from every alias seen, and the gazetteer's
    other names for known entities (so "CENTCOM" finds US Central Command in any article)."""
    gazetteer = load_gazetteer()
    quads = []
    for iri in sorted(names):
        if not names[iri]:
            continue
        kind = "Person" if "/person/" in iri else "Other"
        label = choose_label(kind, sorted(names[iri]))
        node = NamedNode(iri)
        quads.append(Quad(node, RDFS.label, Literal(label), graph))
        known = gazetteer.entities.get(label) if kind != "Person" and "/post/" not in iri else None
        for alias in sorted(known.aliases) if known is not None else ():
            quads.append(Quad(node, SKOS.altLabel, Literal(alias), graph))
    return quads


def holder_quads(statements: Iterable[HoldsStatement], graph: NamedNode) -> list[Quad]:
    """``kgo:currentHolder`` quads for :func:`current_holders`, in ``graph``."""
    return [Quad(NamedNode(post), CURRENT_HOLDER, NamedNode(person), graph)
            for post, person in current_holders(statements)]


def _values(iris: Sequence[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _chunks(iris: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(iris), CHUNK):
        yield iris[start:start + CHUNK]


def aliases(store: GraphStore, entities: Iterable[str]) -> dict[str, set[str]]:
    """Every alias the article graphs give ``entities`` (the entities graph's own are not evidence)."""
    names: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(entities)):
        # FILTER EXISTS: a lookup per graph naming ?e; as a join, Oxigraph hashed every article of
        # the store first (15 s per 1,000 entities at 100 k articles)
        rows = store.query(f"""SELECT DISTINCT ?e ?alt WHERE {{ VALUES ?e {{ {_values(chunk)} }}
            GRAPH ?g {{ ?e skos:altLabel ?alt FILTER EXISTS {{ ?g a kgo:Article }} }} }}""")
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            names.setdefault(row["e"].value, set()).add(row["alt"].value)
    return names


def holds(store: GraphStore, posts: Iterable[str]) -> list[HoldsStatement]:
    """Every dated holds statement about ``posts``, from every article graph."""
    found: list[HoldsStatement] = []
    for chunk in _chunks(sorted(posts)):
        rows = store.query(f"""SELECT ?g ?post ?person ?date ?modality WHERE {{ VALUES ?post {{ {_values(chunk)} }}
            GRAPH ?g {{ ?a rdf:object ?post ; rdf:predicate org:holds ; rdf:subject ?person ; kgo:asOf ?date ;
                       kgo:modality ?modality }} }}""")
        assert isinstance(rows, QuerySolutions)
        found += [HoldsStatement(r["post"].value, r["person"].value, r["date"].value,
                                 r["modality"].value) for r in rows]
    return found


def summaries(store: GraphStore, entities: Iterable[str],
              edges: set[tuple[str, str, str]] | None = None) -> dict[str, tuple[list[str], int]]:
    """Entity -> (its listed classes, its degree: how many distinct things it is related to by
    :data:`RELATIONS`, either way), for those of ``entities`` with a listed class.

    Every relation joins two things an article names, and an article gives every entity it names an
    alias, so the entities a change touches are all those whose degree it can change. When ``edges``
    is given, the distinct (entity, relation, IRI) of the relations of :data:`DISTINCT` from the same
    scan are added to it (the chain index, :func:`edge_quads`).
    """
    listed = {PREFIXES[c.split(":")[0]] + c.split(":")[1] for c in LISTED_CLASSES}
    classes: dict[str, set[str]] = {}
    degree: dict[str, int] = {}
    relations = ", ".join(RELATIONS)
    for chunk in _chunks(sorted(entities)):
        # one scan of each entity's quads, filtered (VALUES of predicates would be one lookup per pair)
        rows = store.query(f"""SELECT DISTINCT ?e ?p ?x WHERE {{ VALUES ?e {{ {_values(chunk)} }} ?e ?p ?x
            FILTER(?p IN (rdf:type, {relations})) }}""")
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            e, x, p = row["e"].value, row["x"], row["p"].value
            if p != _RDF + "type":
                if edges is not None and p in DISTINCT and isinstance(x, NamedNode):
                    edges.add((e, p, x.value))
            elif x.value in listed:
                classes.setdefault(e, set()).add(x.value)
        # counted by the store: a country is the object of a relation in a tenth of all articles, and
        # listing them (12 k rows at 100 k articles) cost the writer 47 MB and five times the time
        values = f"VALUES ?e {{ {_values(chunk)} }}"
        rows = store.query(f"""SELECT ?e (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            {{ {values} ?e ?p ?x FILTER(?p IN ({relations})) }} UNION
            {{ {values} ?x ?p ?e FILTER(?p IN ({relations})) }} }} GROUP BY ?e""")
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            degree[row["e"].value] = int(row["n"].value)
    return {iri: (sorted(kinds), degree.get(iri, 0)) for iri, kinds in classes.items()}


def head_statements(store: GraphStore, entities: Iterable[str]) -> list[tuple[str, str]]:
    """(organisation, assertion) for every headOf assertion (any modality) about ``entities``: the index
    that commander-on-date and reporting-lines-on-date start from. Without it they find an
    organisation's heads among every assertion naming it, and a parent unit is named by thousands
    ("X falls under Y")."""
    found: list[tuple[str, str]] = []
    for chunk in _chunks(sorted(entities)):
        # FILTER EXISTS: a lookup per assertion naming ?e; as a join, Oxigraph hashed every headOf
        # assertion of the store first (10 s and 100 MB per 400 entities at 100 k articles)
        rows = store.query(f"""SELECT DISTINCT ?e ?a WHERE {{ VALUES ?e {{ {_values(chunk)} }}
            ?a rdf:object ?e FILTER EXISTS {{ ?a rdf:predicate org:headOf }} }}""")
        assert isinstance(rows, QuerySolutions)
        found += [(row["e"].value, row["a"].value) for row in rows]
    return found


def edge_quads(edges: Iterable[tuple[str, str, str]], graph: NamedNode) -> list[Quad]:
    """The chain index in ``graph``: ``kgo:distinctHeadOf`` etc. for each (entity, relation, IRI)."""
    return [Quad(NamedNode(e), DISTINCT[p], NamedNode(x), graph) for e, p, x in sorted(edges)]


def summary_quads(summary: dict[str, tuple[list[str], int]], graph: NamedNode) -> list[Quad]:
    """``kgo:entityClass`` and ``kgo:degree`` quads for :func:`summaries`, in ``graph``."""
    quads = []
    for iri, (kinds, degree) in sorted(summary.items()):
        node = NamedNode(iri)
        quads += [Quad(node, ENTITY_CLASS, NamedNode(kind), graph) for kind in kinds]
        quads.append(Quad(node, DEGREE, Literal(str(degree), datatype=_INTEGER), graph))
    return quads


def derive(store: GraphStore, change: Touched, graph: NamedNode) -> list[Quad]:
    """The entities-graph quads of every IRI in ``change``, from what the store holds now.

    The caller replaces the quads of ``change.iris()`` in ``graph`` with these (an IRI no article
    mentions any more gets none).
    """
    names = aliases(store, change.entities)
    statements = holds(store, change.posts)
    named = [iri for iri in change.entities if names.get(iri)]
    edges: set[tuple[str, str, str]] = set()
    listed = summaries(store, named, edges)
    heads = [Quad(NamedNode(org), HEADED_IN, NamedNode(a), graph) for org, a in head_statements(store, named)]
    return sorted(entity_quads(names, graph) + holder_quads(statements, graph) + summary_quads(listed, graph)
                  + heads + edge_quads(edges, graph), key=str)


def stored(store: GraphStore, graphs: Iterable[str]) -> Touched:
    """The entities and posts that the stored article graphs ``graphs`` (IRIs) touch, read before they
    are replaced or removed."""
    result = Touched()
    for chunk in _chunks(sorted(graphs)):
        rows = store.query(f"""SELECT DISTINCT ?e WHERE {{ VALUES ?g {{ {_values(chunk)} }}
            GRAPH ?g {{ ?e skos:altLabel ?alt }} }}""")
        assert isinstance(rows, QuerySolutions)
        result.entities |= {r["e"].value for r in rows}
        rows = store.query(f"""SELECT DISTINCT ?post WHERE {{ VALUES ?g {{ {_values(chunk)} }}
            GRAPH ?g {{ ?a rdf:predicate org:holds ; rdf:object ?post }} }}""")
        assert isinstance(rows, QuerySolutions)
        result.posts |= {r["post"].value for r in rows}
    return result


def everything(store: GraphStore) -> Touched:
    """Every entity and post of the store: what a full re-derivation (a repair) starts from."""
    result = Touched()
    rows = store.query("SELECT DISTINCT ?e WHERE { GRAPH ?g { ?g a kgo:Article . ?e skos:altLabel ?alt } }")
    assert isinstance(rows, QuerySolutions)
    result.entities = {r["e"].value for r in rows}
    rows = store.query("SELECT DISTINCT ?post WHERE { GRAPH ?g { ?a rdf:predicate org:holds ; rdf:object ?post } }")
    assert isinstance(rows, QuerySolutions)
    result.posts = {r["post"].value for r in rows}
    return result


def lacks_summaries(store: GraphStore) -> bool:
    """Whether the store was built by a kg older than its listing summaries: it holds entities but no
    ``kgo:entityClass``, so the listings and dated-command queries that read the summaries would come
    back empty, or holds them but not the chain index (relations but no ``kgo:distinctHeadOf`` and the
    like), so ``chain-of-command`` would. ``kg rederive`` (:meth:`kg.store.Store.rederive_all`) adds them.
    """
    if bool(store.query("ASK { GRAPH ?h { ?e kgo:entityClass ?c } }")):
        # a kg of before the chain index wrote the listing summary but not the chain index
        chain = " | ".join(f"<{term.value}>" for term in DISTINCT.values())
        if bool(store.query(f"ASK {{ ?e {chain} ?x }}")):
            return False
        return bool(store.query("ASK { ?e org:headOf|org:reportsTo|org:subOrganizationOf|org:holds ?x }"))
    return bool(store.query("ASK { GRAPH ?g { ?g a kgo:Article . ?e skos:altLabel ?alt } }"))


__all__ = ["ASSERTED", "DEGREE", "DISTINCT", "ENTITY_CLASS", "HEADED_IN", "LISTED_CLASSES", "PAST", "RELATIONS",
           "ArticleGraph", "GraphStore", "HoldsStatement", "QueryResult", "Touched", "aliases", "current_holders",
           "derive", "edge_quads", "entity_quads", "everything", "head_statements", "holder_quads", "holds",
           "holds_statements", "lacks_summaries", "stored", "summaries", "summary_quads", "touched"]
