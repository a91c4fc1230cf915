"""Derived, store-wide facts, kept up to date from what changed: one canonical ``rdfs:label`` per entity, the
gazetteer's other names of known entities, ``kgo:currentHolder`` of each post, and a summary for listings
(``kgo:degree`` and ``kgo:entityClass`` of each person, organisation, country and post), so that the
``entities`` listing reads one row per entity instead of joining every relation of the store, and
``kgo:headedIn`` from each organisation to the headOf assertions about it, and the dated queries' index:
``kgo:headDay``, each date on which an asserted one is dated, and one node per (organisation, date),
``<ORG/heads/DATE>``, naming whom that date's asserted statements name as head (``kgo:headNamed``). The
head of a unit on a date is then one scan of its days (inline values) and one of a node, where its
``kgo:headedIn`` are thousands of statements to look up. And the chain index (``kgo:distinctReportsTo``,
``kgo:distinctHeadOf``, ``kgo:distinctSubOrganizationOf``, ``kgo:distinctHolds``: each of those relations
of an entity once, that ``chain-of-command`` walks), and one ``kgo:DeploymentSummary`` per (sending
country, host country, date) of the troop deployments stated (the fewest and most troops stated, how many
articles state one, the first of them by IRI: what ``troops-by-country`` reads instead of grouping every
deployment of a country at each query).

They live in the entities graph (``<BASE graph/entities>``). A build or a removal tells this module
which entities, posts and deployments its articles touch (:func:`touched`, from the quads added or
removed); :func:`derive` then asks the store, through the :class:`GraphStore` protocol, for those
entities' aliases, those posts' dated holds statements and those deployments' statements only, and
returns their new entities-graph quads.
Nothing rescans the store, so adding one article costs the same whatever the store holds.

Adding new articles does not even read those entities' statements back (a country is named by a tenth
of all articles): :func:`additions` merges what the new articles state (their :class:`Contribution`)
with what the entities graph already holds about each entity, its names seen so far (``kgo:seenAs``),
its label, classes and degree, and asks the store only whether each new relation joins two things that
were already related; a deployment summary is merged with the stored one (fewest, most and first
only move one way, and new articles are new sources). Removing articles (and replacing one, a removal
then an addition) is the same subtraction the other way round (:func:`removals`): once the articles are
dropped, the store is asked point questions about what they stated (is this name, this class, this
pair, this headOf assertion still stated by some article? was this holds statement among what decided
the post's holder?), each one ``FILTER EXISTS`` lookup, so removing an article costs what it states,
not what its entities' other articles do. Only what the entities graph cannot tell enough about (a store written before
``kgo:seenAs``), and the deployment summaries the removed articles stated (fewest, most and first do
not move back), go the first way, from the store.

The embedded store (:class:`kg.store.Store`) and a remote SPARQL store
(:class:`kg.endpoint.RemoteStore`) both implement :class:`GraphStore` and both use this module.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol, runtime_checkable

from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    parse,
)
from rbloom import Bloom

from kg.extract.gazetteer import load_gazetteer
from kg.ontology import PREFIXES, RDFS, SKOS
from kg.resolve import choose_label

#: What a SPARQL query gives back, from either store.
QueryResult = QuerySolutions | QueryBoolean | QueryTriples

_RDF = PREFIXES["rdf"]
_HOLDS = PREFIXES["org"] + "holds"
ASSERTED, PAST = PREFIXES["kgo"] + "asserted", PREFIXES["kgo"] + "past"
CURRENT_HOLDER = NamedNode(PREFIXES["kgo"] + "currentHolder")
#: from a post to the holds statements its current holder is decided from (see :func:`deciding`)
HOLDER_EVIDENCE = NamedNode(PREFIXES["kgo"] + "holderEvidence")
DEGREE = NamedNode(PREFIXES["kgo"] + "degree")
ENTITY_CLASS = NamedNode(PREFIXES["kgo"] + "entityClass")
HEADED_IN = NamedNode(PREFIXES["kgo"] + "headedIn")
#: from an organisation to each date (xsd:date) of an asserted headOf assertion about it
HEAD_DAY = NamedNode(PREFIXES["kgo"] + "headDay")
#: from an organisation's node of one date (:func:`head_day_iri`) to each person its asserted headOf
#: assertions of that date name
HEAD_NAMED = NamedNode(PREFIXES["kgo"] + "headNamed")
#: the dated walk's index of a person's lines (what chain-of-command on a date reads, per person, instead of
#: every statement naming them), kept as the head days are: from the person to each date (xsd:date) of
#: its dated reportsTo statements (asserted or past) and asserted headOf statements, and one node per
#: person and date (:func:`line_iri`) naming whom they were stated to report to that day, no longer to,
#: and which units they were named to head. The dates are inline values: a walk up to a day reads the
#: person's dates and then only the nodes of the days on or before it
LINE_DAY = NamedNode(PREFIXES["kgo"] + "lineDay")
STATED_REPORTS_TO = NamedNode(PREFIXES["kgo"] + "statedReportsTo")
ENDED_REPORTS_TO = NamedNode(PREFIXES["kgo"] + "endedReportsTo")
STATED_HEAD_OF = NamedNode(PREFIXES["kgo"] + "statedHeadOf")
#: from a person to each date of a statement that they left a post or command (past holds or headOf)
LEFT_ON = NamedNode(PREFIXES["kgo"] + "leftOn")
#: every name the articles give an entity, once: what its label is chosen from when an article is added
SEEN_AS = NamedNode(PREFIXES["kgo"] + "seenAs")
#: the chain index: each relation the chain of command walks, once per pair whatever number of articles
#: state it (a busy parent unit is "X falls under Y" in thousands of article graphs)
DISTINCT = {PREFIXES["org"] + name: NamedNode(PREFIXES["kgo"] + "distinct" + name[0].upper() + name[1:])
            for name in ("reportsTo", "headOf", "subOrganizationOf", "holds")}
_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")
#: the troop deployment summary, one node per (sending country, host country, date). Its own predicates,
#: not kgo:sendingCountry and kgo:hostCountry: those are relations that kgo:degree counts and that the
#: evidence and chart queries match over the union of all graphs
DEPLOYMENT_SUMMARY = NamedNode(PREFIXES["kgo"] + "DeploymentSummary")
SUMMARY_SENDER = NamedNode(PREFIXES["kgo"] + "summarySender")
SUMMARY_HOST = NamedNode(PREFIXES["kgo"] + "summaryHost")
AS_OF = NamedNode(PREFIXES["kgo"] + "asOf")
FEWEST_TROOPS = NamedNode(PREFIXES["kgo"] + "fewestTroops")
MOST_TROOPS = NamedNode(PREFIXES["kgo"] + "mostTroops")
SOURCE_COUNT = NamedNode(PREFIXES["kgo"] + "sourceCount")
FIRST_SOURCE = NamedNode(PREFIXES["kgo"] + "firstSource")
#: every article stating one of a summary's deployments: a removal recounts the summary from those
#: articles' graphs alone, not from every deployment of that date in the store (11 ms a key at 10 k
#: articles, growing with the store, against 0.4 ms)
SUMMARY_SOURCE = NamedNode(PREFIXES["kgo"] + "summarySource")
_DEPLOYMENT = PREFIXES["kgo"] + "TroopDeployment"
_SENDING, _HOSTING = PREFIXES["kgo"] + "sendingCountry", PREFIXES["kgo"] + "hostCountry"
_COUNT, _AS_OF = PREFIXES["kgo"] + "troopCount", AS_OF.value
_DEPLOYMENT_FIELDS = frozenset((_SENDING, _HOSTING, _COUNT, _AS_OF))
#: a troop deployment as troops-by-country counts it, dated or not (inside a GRAPH pattern). A UNION, not
#: OPTIONAL: Oxigraph hashed every kgo:asOf of the store for the OPTIONAL even when the graph was bound
#: (0.9 s against 0.6 ms for one article's graph at 10 k articles)
_DEPLOYED = " UNION ".join(
    "{ ?d kgo:sendingCountry ?s ; kgo:hostCountry ?h ; a kgo:TroopDeployment ; kgo:troopCount ?n " + tail + " }"
    for tail in ("; kgo:asOf ?asOf", "FILTER NOT EXISTS { ?d kgo:asOf ?any }"))
#: the classes the ``entities`` listing shows, and the relations its degree counts (both directions)
LISTED_CLASSES = ("foaf:Person", "org:Organization", "kgo:Country", "org:Post")
RELATIONS = ("org:headOf", "org:reportsTo", "org:subOrganizationOf", "org:holds", "org:memberOf", "org:postIn",
             "kgo:sendingCountry", "kgo:hostCountry")
_ALT_LABEL = SKOS.altLabel.value
_TYPE, _PREDICATE, _OBJECT = _RDF + "type", _RDF + "predicate", _RDF + "object"
_HEAD_OF = PREFIXES["org"] + "headOf"
_REPORTS_TO = PREFIXES["org"] + "reportsTo"
_MODALITY = PREFIXES["kgo"] + "modality"
_SUBJECT = _RDF + "subject"
_LISTED = frozenset(PREFIXES[c.split(":")[0]] + c.split(":")[1] for c in LISTED_CLASSES)
_RELATIONS = frozenset(PREFIXES[r.split(":")[0]] + r.split(":")[1] for r in RELATIONS)
_ASSERTION_FIELDS = {_RDF + "predicate": "predicate", _RDF + "object": "post", _RDF + "subject": "person",
                     PREFIXES["kgo"] + "asOf": "date", PREFIXES["kgo"] + "modality": "modality"}
#: IRIs per VALUES block: large enough to amortise a query, small enough for any endpoint's limits
CHUNK = 400


class HoldsStatement(NamedTuple):
    """One dated statement that a person holds (asserted) or held (past) a post; IRIs as strings."""

    post: str
    person: str
    date: str
    modality: str
    assertion: str = ""  # the assertion node that states it


#: a deployment summary's key: (sending country, host country, date); the date is "" when undated
Deployment = tuple[str, str, str]
#: a head day's key: (organisation, date YYYY-MM-DD)
HeadDay = tuple[str, str]
#: a line node's key: (person, date YYYY-MM-DD)
LineKey = tuple[str, str]
#: one dated statement of a line: (person, predicate, object IRI, modality, date YYYY-MM-DD)
LineDate = tuple[str, str, str, str, str]


class Troops(NamedTuple):
    """The summary of one (sender, host, date): fewest and most troops stated, the number of articles
    stating one, and the first of those articles (the least graph IRI)."""

    fewest: int
    most: int
    sources: int
    first: str
    #: the articles stating it, where they were read (a batch, the article graphs); empty when only
    #: the summary's own values were (what a merge needs: new articles add their ``kgo:summarySource``)
    docs: frozenset[str] = frozenset()

    def merged(self, other: Troops) -> Troops:
        """The summary of both, for statements from other articles (their sources add up)."""
        return Troops(min(self.fewest, other.fewest), max(self.most, other.most), self.sources + other.sources,
                      min(self.first, other.first), self.docs | other.docs)


def summed(stated: Iterable[tuple[str, int]]) -> Troops | None:
    """The summary of the (article, troop count) statements of one key; None without any.

    >>> troops = summed([("http://x/doc/b", 300), ("http://x/doc/a", 500), ("http://x/doc/b", 200)])
    >>> troops.fewest, troops.most, troops.sources, troops.first, sorted(troops.docs)
    (200, 500, 2, 'http://x/doc/a', ['http://x/doc/a', 'http://x/doc/b'])
    """
    pairs = list(stated)
    if not pairs:
        return None
    docs = frozenset(doc for doc, _ in pairs)
    counts = [n for _, n in pairs]
    return Troops(min(counts), max(counts), len(docs), min(docs), docs)


def head_day_iri(organisation: str, day: str) -> str:
    """The node of an organisation's heads on one date (the dated queries' index).

    >>> head_day_iri("https://example.org/org/centcom", "2021-03-01")
    'https://example.org/org/centcom/heads/2021-03-01'
    """
    return f"{organisation}/heads/{day}"


def line_iri(key: LineKey) -> str:
    """The node of a person's lines stated on one date (the dated walk's index), under the person's IRI.

    >>> line_iri(("http://x/person/ada", "2021-03-01"))
    'http://x/person/ada/lines/2021-03-01'
    """
    return f"{key[0]}/lines/{key[1]}"


def summary_iri(key: Deployment) -> str:
    """The IRI of the deployment summary of ``key``: under the sending country's IRI (so the base needs
    no passing around), with a digest of the three.

    >>> summary_iri(("http://x/country/us", "http://x/country/iraq", ""))
    'http://x/country/us/troops/cb7468af11c9c38b'
    """
    digest = hashlib.sha256("\n".join(key).encode()).hexdigest()[:16]
    return f"{key[0]}/troops/{digest}"


@dataclass(frozen=True)
class Contribution:
    """What one article's graph adds to the derived facts, read from its own quads (:func:`contribution`)."""

    aliases: frozenset[tuple[str, str]] = frozenset()  # (entity, a name it is given)
    classes: frozenset[tuple[str, str]] = frozenset()  # (entity, one of the listed classes)
    links: frozenset[tuple[str, str, str]] = frozenset()  # (subject, one of RELATIONS, object IRI)
    heads: frozenset[tuple[str, str]] = frozenset()  # (organisation, a headOf assertion about it)
    #: (organisation, date, person) of each asserted, dated headOf assertion
    head_days: frozenset[tuple[str, str, str]] = frozenset()
    holds: tuple[HoldsStatement, ...] = ()
    #: (sender, host, date or "", troop count, the graph stating it) of each troop deployment stated
    deployments: frozenset[tuple[str, str, str, int, str]] = frozenset()
    #: each dated reportsTo statement (asserted or past) and asserted headOf statement, as its line's date
    lines: frozenset[LineDate] = frozenset()
    #: (person, date) of each dated statement that a person left a post or command (past holds or headOf)
    left: frozenset[tuple[str, str]] = frozenset()


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
    contribution: Contribution | None = None  # what it adds to the derived facts (else read from nquads)


@dataclass
class Touched:
    """The entities, posts, deployment summaries, head days and line nodes whose derived facts a change may
    alter."""

    entities: set[str] = field(default_factory=set)
    posts: set[str] = field(default_factory=set)
    deployments: set[Deployment] = field(default_factory=set)
    heads: set[HeadDay] = field(default_factory=set)  # (organisation, date): a :func:`head_day_iri` node
    lines: set[LineKey] = field(default_factory=set)  # (person, date): a :func:`line_iri` node

    def update(self, other: Touched | ArticleGraph) -> None:
        self.entities |= other.entities
        self.posts |= other.posts
        if isinstance(other, Touched):
            self.deployments |= other.deployments
            self.heads |= other.heads
            self.lines |= other.lines
        else:
            added = contribution_of(other)
            self.deployments |= {(s, h, d) for s, h, d, _, _ in added.deployments}
            self.heads |= {(o, d) for o, d, _ in added.head_days}
            self.lines |= {(p, d) for p, _, _, _, d in added.lines}

    def __bool__(self) -> bool:
        return bool(self.entities or self.posts or self.deployments or self.heads or self.lines)

    def without(self, other: Touched) -> Touched:
        """What this touches and ``other`` does not."""
        return Touched(self.entities - other.entities, self.posts - other.posts, self.deployments - other.deployments,
                       self.heads - other.heads, self.lines - other.lines)

    def iris(self) -> list[str]:
        """Every subject whose entities-graph quads are rewritten, sorted."""
        return sorted(self.entities | self.posts | {summary_iri(key) for key in self.deployments}
                      | {head_day_iri(*key) for key in self.heads} | {line_iri(key) for key in self.lines})

    def parts(self, size: int) -> Iterator[tuple[Touched, list[str]]]:
        """This change in parts of ``size`` subjects (in :meth:`iris` order), each with its subjects."""
        summaries = {summary_iri(key): key for key in self.deployments}
        days = {head_day_iri(*key): key for key in self.heads}
        lines = {line_iri(key): key for key in self.lines}
        iris = sorted(self.entities | self.posts | summaries.keys() | days.keys() | lines.keys())
        for start in range(0, len(iris), size):
            part = iris[start:start + size]
            chosen = set(part)
            yield Touched(self.entities & chosen, self.posts & chosen,
                          {summaries[iri] for iri in part if iri in summaries},
                          {days[iri] for iri in part if iri in days},
                          {lines[iri] for iri in part if iri in lines}), part


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


def holds_statements(quads: Iterable[Quad]) -> list[HoldsStatement]:
    """The holds statements among an article's assertion quads."""
    fields: dict[str, dict[str, str]] = {}
    for quad in quads:
        name = _ASSERTION_FIELDS.get(quad.predicate.value)
        if name and isinstance(quad.subject, NamedNode) and isinstance(quad.object, (NamedNode, Literal)):
            fields.setdefault(quad.subject.value, {})[name] = quad.object.value
    return [HoldsStatement(f["post"], f["person"], f["date"], f["modality"], a) for a, f in fields.items()
            if f.get("predicate") == _HOLDS and {"post", "person", "date", "modality"} <= f.keys()]


def contribution(quads: Iterable[Quad]) -> Contribution:
    """What an article's quads add to the derived facts: its names, listed classes, relations, headOf
    assertions and holds statements.

    >>> from kg.ontology import SKOS
    >>> quad = Quad(NamedNode("http://x/e"), SKOS.altLabel, Literal("E"), NamedNode("http://x/g"))
    >>> sorted(contribution([quad]).aliases)
    [('http://x/e', 'E')]
    """
    quads = list(quads)
    aliases, classes, links, heads = set(), set(), set(), set()
    predicates: dict[str, str] = {}
    objects: dict[str, str] = {}
    modalities: dict[str, str] = {}
    dates: dict[str, str] = {}
    subjects: dict[str, str] = {}
    nodes: dict[tuple[str, str], dict[str, set[str]]] = {}  # (graph, node) -> predicate -> values
    for quad in quads:
        subject, predicate, value = quad.subject, quad.predicate.value, quad.object
        if not isinstance(subject, NamedNode) or not isinstance(value, (NamedNode, Literal)):
            continue
        if predicate in _DEPLOYMENT_FIELDS or (predicate == _TYPE and value.value == _DEPLOYMENT):
            graph = quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else ""
            nodes.setdefault((graph, subject.value), {}).setdefault(predicate, set()).add(value.value)
        if predicate == _ALT_LABEL:
            aliases.add((subject.value, value.value))
        elif predicate == _TYPE and value.value in _LISTED:
            classes.add((subject.value, value.value))
        elif predicate in _RELATIONS and isinstance(value, NamedNode):
            links.add((subject.value, predicate, value.value))
        elif predicate == _PREDICATE:
            predicates[subject.value] = value.value
        elif predicate == _OBJECT and isinstance(value, NamedNode):
            objects[subject.value] = value.value
        elif predicate == _MODALITY:
            modalities[subject.value] = value.value
        elif predicate == _SUBJECT and isinstance(value, NamedNode):
            subjects[subject.value] = value.value
        if predicate == _AS_OF and isinstance(value, Literal) and value.datatype == _DATE:
            dates[subject.value] = value.value
    heads = {(objects[a], a) for a, p in predicates.items() if p == _HEAD_OF and a in objects}
    days = {(o, dates[a], subjects[a]) for o, a in heads
            if modalities.get(a) == ASSERTED and a in dates and a in subjects}
    lines, left = _lines(predicates, subjects, objects, modalities, dates)
    return Contribution(frozenset(aliases), frozenset(classes), frozenset(links), frozenset(heads),
                        frozenset(days), tuple(holds_statements(quads)), frozenset(_deployments(nodes)),
                        frozenset(lines), frozenset(left))


def _lines(predicates: dict[str, str], subjects: dict[str, str], objects: dict[str, str], modalities: dict[str, str],
           dates: dict[str, str]) -> tuple[set[LineDate], set[tuple[str, str]]]:
    # what the dated walk reads of a person (kg.query's reporting lines on a date): their stated and
    # ended reporting lines, the units they were named to head, and when they left a post or command
    lines: set[LineDate] = set()
    left: set[tuple[str, str]] = set()
    for a, predicate in predicates.items():
        person, modality, day = subjects.get(a), modalities.get(a), dates.get(a)
        if person is None or day is None:
            continue
        if a in objects and ((predicate == _REPORTS_TO and modality in (ASSERTED, PAST))
                             or (predicate == _HEAD_OF and modality == ASSERTED)):
            lines.add((person, predicate, objects[a], modality or "", day))
        elif predicate in (_HOLDS, _HEAD_OF) and modality == PAST:
            left.add((person, day))
    return lines, left


def _deployments(nodes: dict[tuple[str, str], dict[str, set[str]]]) -> Iterator[tuple[str, str, str, int, str]]:
    # what troops-by-country matched in each graph: a TroopDeployment with a sender, a host and a
    # count, its date when it has one (every combination, as a join would give)
    for (graph, _), values in nodes.items():
        if _DEPLOYMENT not in values.get(_TYPE, ()):
            continue
        for sender in values.get(_SENDING, ()):
            for host in values.get(_HOSTING, ()):
                for count in values.get(_COUNT, ()):
                    for date in values.get(_AS_OF) or {""}:
                        yield sender, host, date, int(count), graph


def contribution_of(graph: ArticleGraph) -> Contribution:
    """``graph``'s :class:`Contribution`, read from its N-Quads when the worker did not send it."""
    if graph.contribution is not None:
        return graph.contribution
    return contribution(parse(graph.nquads, format=RdfFormat.N_QUADS))


def touched(quads: Sequence[Quad]) -> Touched:
    """The entities (with an alias) and the posts (with a holds statement) among ``quads``.

    >>> from kg.ontology import SKOS
    >>> quad = Quad(NamedNode("http://x/e"), SKOS.altLabel, Literal("E"), NamedNode("http://x/g"))
    >>> touched([quad]).entities
    {'http://x/e'}
    """
    return touched_by(contribution(quads))


def touched_by(added: Contribution) -> Touched:
    """The entities, posts, deployment summaries, head days and line nodes whose derived facts ``added``
    changes."""
    return Touched({e for e, _ in added.aliases}, {s.post for s in added.holds},
                   {(s, h, d) for s, h, d, _, _ in added.deployments}, {(o, d) for o, d, _ in added.head_days},
                   {(p, d) for p, _, _, _, d in added.lines})


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


def seen_quads(names: dict[str, set[str]], graph: NamedNode) -> list[Quad]:
    """``kgo:seenAs`` quads: every name of ``names`` once, in ``graph``."""
    return [Quad(NamedNode(iri), SEEN_AS, Literal(name), graph) for iri in sorted(names) for name in sorted(names[iri])]


def deciding(statements: Iterable[HoldsStatement]) -> list[HoldsStatement]:
    """The statements that decide each post's current holder: those dated on or after its latest asserted
    one (all of them while none is asserted). Whatever is added later, the holder follows from these and
    the additions alone, so they are all an added article needs to read.

    >>> a = HoldsStatement("post", "berg", "2021-03-01", ASSERTED)
    >>> b = HoldsStatement("post", "haddad", "2022-06-01", ASSERTED)
    >>> deciding([a, b, b._replace(date="2020-01-01", modality=PAST)]) == [b]
    True
    """
    latest: dict[str, str] = {}
    said = list(statements)
    for statement in said:
        if statement.modality == ASSERTED and statement.date > latest.get(statement.post, ""):
            latest[statement.post] = statement.date
    return [s for s in said if s.date >= latest.get(s.post, "")]


def holder_quads(statements: Iterable[HoldsStatement], graph: NamedNode) -> list[Quad]:
    """``kgo:currentHolder`` quads for :func:`current_holders`, and ``kgo:holderEvidence`` quads for
    the statements that decide them (:func:`deciding`), in ``graph``."""
    said = list(statements)
    return [Quad(NamedNode(post), CURRENT_HOLDER, NamedNode(person), graph)
            for post, person in current_holders(said)] + [
            Quad(NamedNode(s.post), HOLDER_EVIDENCE, NamedNode(s.assertion), graph)
            for s in sorted(set(deciding(said))) if s.assertion]


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
        rows = store.query(f"""SELECT ?a ?post ?person ?date ?modality WHERE {{ VALUES ?post {{ {_values(chunk)} }}
            GRAPH ?g {{ ?a rdf:object ?post ; rdf:predicate org:holds ; rdf:subject ?person ; kgo:asOf ?date ;
                       kgo:modality ?modality }} }}""")
        assert isinstance(rows, QuerySolutions)
        found += [HoldsStatement(r["post"].value, r["person"].value, r["date"].value,
                                 r["modality"].value, r["a"].value) for r in rows]
    return found


def evidence(store: GraphStore, posts: Iterable[str], graph: NamedNode) -> list[HoldsStatement]:
    """The statements that decided ``posts``' current holders, as the entities graph ``graph`` names them."""
    found: list[HoldsStatement] = []
    for chunk in _chunks(sorted(posts)):
        rows = store.query(f"""SELECT ?a ?post ?person ?date ?modality WHERE {{ VALUES ?post {{ {_values(chunk)} }}
            GRAPH {graph} {{ ?post kgo:holderEvidence ?a }}
            ?a rdf:subject ?person ; kgo:asOf ?date ; kgo:modality ?modality }}""")
        assert isinstance(rows, QuerySolutions)
        found += [HoldsStatement(r["post"].value, r["person"].value, r["date"].value,
                                 r["modality"].value, r["a"].value) for r in rows]
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


def head_days(store: GraphStore, organisations: Iterable[str]) -> set[tuple[str, str, str]]:
    """(organisation, date, person) of every asserted, dated headOf assertion about ``organisations``."""
    found: set[tuple[str, str, str]] = set()
    for chunk in _chunks(sorted(organisations)):
        # from rdf:object, as head_statements: the assertions naming each organisation, headOf ones kept
        rows = store.query(f"""SELECT DISTINCT ?e ?d ?s WHERE {{ VALUES ?e {{ {_values(chunk)} }}
            ?a rdf:object ?e FILTER EXISTS {{ ?a rdf:predicate org:headOf ; kgo:modality kgo:asserted }}
            ?a kgo:asOf ?d ; rdf:subject ?s FILTER(DATATYPE(?d) = xsd:date && isIRI(?s)) }}""")
        assert isinstance(rows, QuerySolutions)
        found.update((row["e"].value, row["d"].value, row["s"].value) for row in rows)
    return found


def head_nodes(store: GraphStore, nodes: Iterable[str], graph: NamedNode) -> dict[str, set[str]]:
    """Head day node -> the persons the entities graph names on it (``kgo:headNamed``)."""
    found: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(nodes)):
        rows = store.query(f"SELECT ?n ?s WHERE {{ VALUES ?n {{ {_values(chunk)} }} "
                           f"GRAPH {graph} {{ ?n <{HEAD_NAMED.value}> ?s }} }}")
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            found.setdefault(row["n"].value, set()).add(row["s"].value)
    return found


def date_quads(predicate: NamedNode, pairs: Iterable[tuple[str, str]], graph: NamedNode) -> list[Quad]:
    """The ``predicate`` quads of (subject, date YYYY-MM-DD) pairs, each date an ``xsd:date``: the head days
    (:data:`HEAD_DAY`), line days (:data:`LINE_DAY`) and leave dates (:data:`LEFT_ON`)."""
    return [Quad(NamedNode(subject), predicate, Literal(day, datatype=_DATE), graph)
            for subject, day in sorted(set(pairs))]


def named_quads(heads: Iterable[tuple[str, str, str]], graph: NamedNode) -> list[Quad]:
    """The ``kgo:headNamed`` quads of (organisation, date, person) triples, on each head day's node."""
    return [Quad(NamedNode(head_day_iri(org, day)), HEAD_NAMED, NamedNode(person), graph)
            for org, day, person in sorted(set(heads))]


#: the statements of a line, matched from an assertion ``?a`` about the person (see :func:`stated_lines`)
_LINE_STATED = ("?a rdf:predicate ?r ; kgo:modality ?m ; kgo:asOf ?d ; rdf:object ?o "
                "FILTER(DATATYPE(?d) = xsd:date && isIRI(?o) && (?r = org:reportsTo && ?m IN (kgo:asserted, kgo:past) "
                "|| ?r = org:headOf && ?m = kgo:asserted))")
_LEFT_STATED = ("?a rdf:predicate ?r ; kgo:modality kgo:past ; kgo:asOf ?d "
                "FILTER(DATATYPE(?d) = xsd:date && ?r IN (org:holds, org:headOf))")


def _person_first(store: GraphStore, rest: str) -> str:
    # from the person's own assertions, bound first by LATERAL where the store has it: those of a busy
    # unit or a date are tens of thousands
    return f"?a rdf:subject ?s . LATERAL {{ {rest} }}" if getattr(store, "lateral", False) else \
        f"?a rdf:subject ?s . {rest}"


def stated_lines(store: GraphStore, persons: Iterable[str]) -> tuple[set[LineDate], set[tuple[str, str]]]:
    """The dated statements of ``persons`` that their lines are made of (:data:`LINE_DAY`), and the
    (person, date) of each that they left a post or command."""
    lines: set[LineDate] = set()
    left: set[tuple[str, str]] = set()
    for chunk in _chunks(sorted(persons)):
        values = f"VALUES ?s {{ {_values(chunk)} }}"
        rows = store.query(f"SELECT DISTINCT ?s ?r ?o ?m ?d WHERE {{ {values} {_person_first(store, _LINE_STATED)} }}")
        assert isinstance(rows, QuerySolutions)
        lines.update((row["s"].value, row["r"].value, row["o"].value, row["m"].value, row["d"].value) for row in rows)
        rows = store.query(f"SELECT DISTINCT ?s ?d WHERE {{ {values} {_person_first(store, _LEFT_STATED)} }}")
        assert isinstance(rows, QuerySolutions)
        left.update((row["s"].value, row["d"].value) for row in rows)
    return lines, left


def line_statements(store: GraphStore, nodes: Iterable[str], graph: NamedNode) -> dict[str, set[tuple[str, str]]]:
    """Line node -> the (predicate, object) the entities graph holds on it."""
    found: dict[str, set[tuple[str, str]]] = {}
    for chunk in _chunks(sorted(nodes)):
        rows = store.query(f"SELECT ?n ?k ?o WHERE {{ VALUES ?n {{ {_values(chunk)} }} "
                           f"VALUES ?k {{ {STATED_REPORTS_TO} {ENDED_REPORTS_TO} {STATED_HEAD_OF} }} "
                           f"GRAPH {graph} {{ ?n ?k ?o }} }}")
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            found.setdefault(row["n"].value, set()).add((row["k"].value, row["o"].value))
    return found


def line_predicate(predicate: str, modality: str) -> NamedNode:
    """The predicate on a line node of a statement of ``predicate`` (reportsTo or headOf) and ``modality``."""
    if predicate == _HEAD_OF:
        return STATED_HEAD_OF
    return STATED_REPORTS_TO if modality == ASSERTED else ENDED_REPORTS_TO


def line_quads(lines: Iterable[LineDate], graph: NamedNode) -> list[Quad]:
    """The quads of each line node: whom or what each statement of the person and date names."""
    return sorted({Quad(NamedNode(line_iri((person, day))), line_predicate(predicate, modality), NamedNode(object_),
                        graph) for person, predicate, object_, modality, day in lines}, key=str)



#: keys of one sender above which :func:`troops` reads all of the sender's deployments at once
SENDER_SCAN = 10


def _key_pattern(key: Deployment) -> str:
    # a deployment of ``key`` inside a GRAPH pattern, from the date when there is one: the fewest
    # statements (the sender's are a tenth of all)
    sender, host, date = key
    statement = f"kgo:sendingCountry <{sender}> ; kgo:hostCountry <{host}> ; a kgo:TroopDeployment ; kgo:troopCount ?n"
    return (f"?d kgo:asOf {Literal(date, datatype=_DATE)} ; {statement}" if date
            else f"?d {statement} FILTER NOT EXISTS {{ ?d kgo:asOf ?any }}")


def _stated(rows: QueryResult) -> list[tuple[str, int]]:
    assert isinstance(rows, QuerySolutions)
    return [(row["doc"].value, int(row["n"].value)) for row in rows]


def troops(store: GraphStore, keys: Iterable[Deployment]) -> dict[Deployment, Troops]:
    """The summary of each of ``keys`` from the troop deployments the article graphs state (none for a
    key no graph states any more), as ``troops-by-country`` grouped them, with the articles stating it.

    A few keys of a sender are looked up one by one, from their date (a tenth of the articles name the
    sender); more are read in one pass over the sender's deployments. Joined with a VALUES block of
    keys instead, Oxigraph took 8 s per 400 keys at 10 k articles.
    """
    found: dict[Deployment, Troops] = {}
    by_sender: dict[str, list[Deployment]] = {}
    for key in sorted(set(keys)):
        by_sender.setdefault(key[0], []).append(key)
    for sender, wanted in by_sender.items():
        if len(wanted) > SENDER_SCAN:
            rows = store.query(f"""SELECT DISTINCT ?h ?asOf ?doc ?n WHERE {{ GRAPH ?doc {{
                ?d kgo:sendingCountry <{sender}> ; kgo:hostCountry ?h ; a kgo:TroopDeployment ; kgo:troopCount ?n
                OPTIONAL {{ ?d kgo:asOf ?asOf }} }} }}""")
            assert isinstance(rows, QuerySolutions)
            keep = set(wanted)
            stated: dict[Deployment, list[tuple[str, int]]] = {}
            for row in rows:
                key = (sender, row["h"].value, date.value if (date := row["asOf"]) is not None else "")
                if key in keep:
                    stated.setdefault(key, []).append((row["doc"].value, int(row["n"].value)))
            found.update({key: summary for key, pairs in stated.items() if (summary := summed(pairs))})
            continue
        for key in wanted:
            rows = store.query(f"SELECT DISTINCT ?doc ?n WHERE {{ GRAPH ?doc {{ {_key_pattern(key)} }} }}")
            if summary := summed(_stated(rows)):
                found[key] = summary
    return found


def recounted(store: GraphStore, docs: dict[Deployment, set[str]]) -> dict[Deployment, Troops]:
    """The summary of each key of ``docs`` from the graphs of its articles alone (those the key's
    ``kgo:summarySource`` names, less any removed): none for a key none of them states any more."""
    found: dict[Deployment, Troops] = {}
    for key, named in sorted(docs.items()):
        for chunk in _chunks(sorted(named)):
            rows = store.query(f"SELECT DISTINCT ?doc ?n WHERE {{ VALUES ?doc {{ {_values(chunk)} }} "
                               f"GRAPH ?doc {{ {_key_pattern(key)} }} }}")
            if summary := summed(_stated(rows)):
                found[key] = found[key].merged(summary) if key in found else summary
    return found


def summary_sources(store: GraphStore, keys: Iterable[Deployment], graph: NamedNode) -> dict[Deployment, set[str]]:
    """The articles the entities graph ``graph`` names as the sources of each summary of ``keys``
    (``kgo:summarySource``; none for a summary a kg older than it wrote)."""
    by_iri = {summary_iri(key): key for key in keys}
    found: dict[Deployment, set[str]] = {}
    for chunk in _chunks(sorted(by_iri)):
        rows = store.query(f"""SELECT ?t ?doc WHERE {{ VALUES ?t {{ {_values(chunk)} }}
            GRAPH {graph} {{ ?t kgo:summarySource ?doc }} }}""")
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            found.setdefault(by_iri[row["t"].value], set()).add(row["doc"].value)
    return found


def troop_quads(summaries: dict[Deployment, Troops], graph: NamedNode) -> list[Quad]:
    """The ``kgo:DeploymentSummary`` node of each summary, in ``graph``, with its sources (``docs``)."""
    quads = []
    for key, summary in sorted(summaries.items()):
        node = NamedNode(summary_iri(key))
        sender, host, date = key
        quads += [Quad(node, NamedNode(_TYPE), DEPLOYMENT_SUMMARY, graph),
                  Quad(node, SUMMARY_SENDER, NamedNode(sender), graph),
                  Quad(node, SUMMARY_HOST, NamedNode(host), graph)]
        if date:
            quads.append(Quad(node, AS_OF, Literal(date, datatype=_DATE), graph))
        quads += _troop_values(node, summary, graph) + source_quads(node, summary.docs, graph)
    return quads


def source_quads(node: NamedNode, docs: Iterable[str], graph: NamedNode) -> list[Quad]:
    """The ``kgo:summarySource`` of the summary ``node``: each of ``docs``."""
    return [Quad(node, SUMMARY_SOURCE, NamedNode(doc), graph) for doc in sorted(docs)]


def _troop_values(node: NamedNode, summary: Troops, graph: NamedNode) -> list[Quad]:
    return [Quad(node, FEWEST_TROOPS, Literal(str(summary.fewest), datatype=_INTEGER), graph),
            Quad(node, MOST_TROOPS, Literal(str(summary.most), datatype=_INTEGER), graph),
            Quad(node, SOURCE_COUNT, Literal(str(summary.sources), datatype=_INTEGER), graph),
            Quad(node, FIRST_SOURCE, NamedNode(summary.first), graph)]


def stored_troops(store: GraphStore, keys: Iterable[Deployment], graph: NamedNode) -> dict[Deployment, Troops]:
    """The summaries the entities graph ``graph`` holds of ``keys`` (point lookups of their nodes)."""
    by_iri = {summary_iri(key): key for key in keys}
    values: dict[str, dict[str, str]] = {}
    iris = sorted(by_iri)
    # the four values, not the node's every kgo:summarySource (an undated key of a large corpus has thousands)
    union = " UNION ".join(f"{{ ?t <{p.value}> ?o BIND(<{p.value}> AS ?p) }}"
                           for p in (FEWEST_TROOPS, MOST_TROOPS, SOURCE_COUNT, FIRST_SOURCE))
    for chunk in _chunks(iris):
        rows = store.query(f"""SELECT ?t ?p ?o WHERE {{ VALUES ?t {{ {_values(chunk)} }}
            GRAPH {graph} {{ {union} }} }}""")
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            values.setdefault(row["t"].value, {})[row["p"].value] = row["o"].value
    fields = (FEWEST_TROOPS.value, MOST_TROOPS.value, SOURCE_COUNT.value, FIRST_SOURCE.value)
    return {by_iri[iri]: Troops(int(v[fields[0]]), int(v[fields[1]]), int(v[fields[2]]), v[fields[3]])
            for iri, v in values.items() if all(f in v for f in fields)}


def batch_troops(added: Iterable[Contribution]) -> dict[Deployment, Troops]:
    """The summary of each (sender, host, date) that the contributions of new articles state."""
    stated: dict[Deployment, list[tuple[str, int]]] = {}
    for item in added:
        for sender, host, date, count, doc in item.deployments:
            stated.setdefault((sender, host, date), []).append((doc, count))
    return {key: summary for key, pairs in stated.items() if (summary := summed(pairs))}


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
    days = head_days(store, set(named) | {org for org, _ in change.heads})
    heads += date_quads(HEAD_DAY, {(org, day) for org, day, _ in days if names.get(org)}, graph)
    heads += named_quads({(org, day, s) for org, day, s in days if (org, day) in change.heads}, graph)
    lines, left = stated_lines(store, set(named) | {person for person, _ in change.lines})
    heads += date_quads(LINE_DAY, {(line[0], line[4]) for line in lines if names.get(line[0])}, graph)
    heads += date_quads(LEFT_ON, {(person, day) for person, day in left if names.get(person)}, graph)
    heads += line_quads({line for line in lines if (line[0], line[4]) in change.lines}, graph)
    deployed = troop_quads(troops(store, change.deployments), graph)
    return sorted(entity_quads(names, graph) + seen_quads(names, graph) + holder_quads(statements, graph)
                  + summary_quads(listed, graph) + heads + edge_quads(edges, graph) + deployed, key=str)


@dataclass
class Plan:
    """How a change of article graphs changes the entities graph, worked out by :func:`additions` (before
    new articles are written) or :func:`removals` (once dropped ones are gone).

    The writer removes the entities-graph values of every (IRI, predicate) in ``clear`` and the quads
    of ``drop``, adds ``quads``, and derives ``rest`` from the store (:func:`derive`) once the articles
    are in: entities the entities graph cannot tell enough about (a store written by a kg older than
    ``kgo:seenAs``, an entity that gains its first listed class, whose degree then counts relations
    stated before).
    """

    clear: list[tuple[str, NamedNode]] = field(default_factory=list)
    quads: list[Quad] = field(default_factory=list)
    rest: Touched = field(default_factory=Touched)
    touched: Touched = field(default_factory=Touched)
    drop: list[Quad] = field(default_factory=list)
    #: what the entities graph holds of each merged entity once this is written, and the pairs then related
    learnt: dict[str, Known] = field(default_factory=dict)
    related: set[tuple[str, str]] = field(default_factory=set)
    #: pairs no relation joins any more, and entities no article names any more (a removal's)
    unrelated: set[tuple[str, str]] = field(default_factory=set)
    forgotten: set[str] = field(default_factory=set)
    #: the deployment summaries as they are once this is written, and those no article states any more
    troops: dict[Deployment, Troops] = field(default_factory=dict)
    vanished: set[Deployment] = field(default_factory=set)


_Remembered = tuple[str | None, tuple[str, ...], tuple[str, ...], int]

#: how many distinct related pairs a writer's Bloom filter is sized for (about 8 bits each at 2 %:
#: 2 MB; more pairs than this only make it answer yes wrongly more often)
WRITTEN_PAIRS = 2_000_000
WRITTEN_FALSE_POSITIVES = 0.02


def _unordered(pair: tuple[str, str]) -> tuple[str, str]:
    return pair if pair[0] <= pair[1] else (pair[1], pair[0])


@dataclass
class Memo:
    """What a writer learnt of the entities graph from its own earlier batches, so that it asks the
    store only about entities and pairs it has not met (a country or a busy command is in most batches).

    Exact only while it is the store's one writer, and kept so by what its additions and removals
    learn (:meth:`learn`): forget everything when derived facts are rewritten another way. Kept small
    (tuples, interned strings: a few MB at the limit), and each part is emptied when it outgrows
    ``limit`` entries: what recurs is learnt again within a batch or two, and the long tail of names
    would only cost memory.
    """

    known: dict[str, _Remembered] = field(default_factory=dict)
    related: set[tuple[str, str]] = field(default_factory=set)
    troops: dict[Deployment, Troops] = field(default_factory=dict)
    limit: int = 10_000
    #: every pair a relation written by this writer joins (a Bloom filter: it may answer yes wrongly,
    #: never no), kept only when the store held no relation before the writer's first write: a pair it
    #: has not met is then not related, and the store is asked only about the others
    written: Bloom | None = None

    def start_fresh(self, capacity: int = WRITTEN_PAIRS) -> None:
        """The store holds no relation: from now on, remember the pairs of every relation written
        (call before anything is written)."""
        self.written = Bloom(capacity, WRITTEN_FALSE_POSITIVES)

    def maybe_related(self, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those of ``pairs`` some stored relation may join: all of them unless the store began empty."""
        written = self.written
        if written is None:
            return pairs
        return {pair for pair in pairs if _unordered(pair) in written}

    def wrote(self, links: Iterable[tuple[str, str, str]]) -> None:
        """Remember the pairs of relations about to be written (before they are: a write that fails
        half-way then leaves pairs remembered that are not stored, which only costs a question)."""
        if self.written is not None:
            self.written.update(_unordered((s, o)) for s, _, o in links)

    def recall(self, iris: Iterable[str]) -> dict[str, Known]:
        """What is remembered of ``iris``."""
        found = {}
        for iri in iris:
            entry = self.known.get(iri)
            if entry is not None:
                label, seen, classes, degree = entry
                found[iri] = Known(label, set(seen), set(classes), degree)
        return found

    def learn(self, plan: Plan) -> None:
        """Keep what ``plan`` found, once it is written."""
        if len(self.known) + len(plan.learnt) > self.limit:
            self.known.clear()
        if len(self.related) + len(plan.related) > self.limit:
            self.related.clear()
        if len(self.troops) + len(plan.troops) > self.limit:
            self.troops.clear()
        intern = sys.intern
        for iri, (label, seen, classes, degree) in plan.learnt.items():
            self.known[intern(iri)] = (label, tuple(sorted(seen)), tuple(intern(c) for c in sorted(classes)), degree)
        self.related |= {(intern(e), intern(x)) for e, x in plan.related}
        self.related -= plan.unrelated | {(x, e) for e, x in plan.unrelated}
        for iri in plan.rest.entities | plan.forgotten:  # derived from the store instead, or gone
            self.known.pop(iri, None)
        # the values only: a merge adds the new articles' sources, and an undated key can have thousands
        self.troops.update({(intern(s), intern(h), d): t._replace(docs=frozenset())
                            for (s, h, d), t in plan.troops.items()})
        for key in plan.vanished:
            self.troops.pop(key, None)

    def forget(self) -> None:
        """Forget everything (derived facts were rewritten from the store)."""
        self.known.clear()
        self.related.clear()
        self.troops.clear()


class Known(NamedTuple):
    """What the entities graph holds of one entity: its label, the names seen, its listed classes, its degree."""

    label: str | None
    seen: set[str]
    classes: set[str]
    degree: int


_KNOWN = (RDFS.label, SEEN_AS, ENTITY_CLASS, DEGREE)


def known(store: GraphStore, entities: Iterable[str], graph: NamedNode) -> dict[str, Known]:
    """What the entities graph holds of ``entities``: label, names seen, listed classes and degree."""
    found: dict[str, Known] = {}
    # a lookup per (entity, predicate), never the thousands of kgo:headedIn a busy command has (and a
    # VALUES of predicates made Oxigraph scan the whole graph for each)
    union = " UNION ".join(f"{{ ?e {p} ?o BIND({p} AS ?p) }}" for p in _KNOWN)
    for chunk in _chunks(sorted(entities)):
        # most entities of a batch are new (the long tail of names): one lookup tells those apart
        values = f"VALUES ?e {{ {_values(chunk)} }}"
        rows = store.query(f"SELECT ?e WHERE {{ {values} GRAPH {graph} {{ ?e {RDFS.label} ?l }} }}")
        assert isinstance(rows, QuerySolutions)
        labelled = sorted({row["e"].value for row in rows})
        if not labelled:
            continue
        values = f"VALUES ?e {{ {_values(labelled)} }}"
        rows = store.query(f"SELECT ?e ?p ?o WHERE {{ {values} GRAPH {graph} {{ {union} }} }}")
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            iri, predicate, value = row["e"].value, row["p"].value, row["o"].value
            entry = found.setdefault(iri, Known(None, set(), set(), 0))
            if predicate == RDFS.label.value:
                found[iri] = entry._replace(label=value)
            elif predicate == SEEN_AS.value:
                entry.seen.add(value)
            elif predicate == ENTITY_CLASS.value:
                entry.classes.add(value)
            else:
                found[iri] = entry._replace(degree=int(value))
    return found


def related_already(store: GraphStore, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (entity, IRI) among ``pairs`` that some stored relation of :data:`RELATIONS` joins, either way."""
    found: set[tuple[str, str]] = set()
    ordered = sorted(pairs)
    relations = ", ".join(RELATIONS)
    for start in range(0, len(ordered), CHUNK):
        values = " ".join(f"(<{e}> <{x}>)" for e, x in ordered[start:start + CHUNK])
        # FILTER EXISTS stops at the first quad: a unit and its parent are joined in thousands of articles
        rows = store.query(f"""SELECT ?e ?x WHERE {{ VALUES (?e ?x) {{ {values} }}
            FILTER EXISTS {{ {{ ?e ?p ?x }} UNION {{ ?x ?p ?e }} FILTER(?p IN ({relations})) }} }}""")
        assert isinstance(rows, QuerySolutions)
        found |= {(row["e"].value, row["x"].value) for row in rows}
    return found


class Pooled(NamedTuple):
    """What several articles' contributions state, taken together (:func:`pooled`)."""

    names: dict[str, set[str]]  # entity -> the names given to it
    classes: dict[str, set[str]]  # entity -> its listed classes
    links: set[tuple[str, str, str]]
    heads: set[tuple[str, str]]
    holds: list[HoldsStatement]
    head_days: set[tuple[str, str, str]]  # (organisation, date, person) of asserted headOf assertions
    lines: set[LineDate]
    left: set[tuple[str, str]]  # (person, date) they left a post or command


def pooled(items: Iterable[Contribution]) -> Pooled:
    """The contributions of a batch of added or removed articles, pooled per entity."""
    together = Pooled({}, {}, set(), set(), [], set(), set(), set())
    for item in items:
        for iri, name in item.aliases:
            together.names.setdefault(iri, set()).add(name)
        for iri, kind in item.classes:
            together.classes.setdefault(iri, set()).add(kind)
        together.links.update(item.links)
        together.heads.update(item.heads)
        together.head_days.update(item.head_days)
        together.lines.update(item.lines)
        together.left.update(item.left)
        together.holds.extend(item.holds)
    return together


def additions(store: GraphStore, graphs: Iterable[ArticleGraph], graph: NamedNode,
              skip: Iterable[str] = (), memo: Memo | None = None) -> Plan:
    """How writing ``graphs`` (articles the store does not hold) changes the derived facts in ``graph``,
    asked of the store before they are written.

    The result equals what :func:`derive` would give after the write: labels are chosen from every
    name seen (``kgo:seenAs``), classes and the chain index and ``kgo:headedIn`` only grow, and the
    degree grows by the new neighbours, those no stored relation joins already. IRIs in ``skip``
    (derived again later anyway) are left out. What ``memo`` knows is not asked again.
    """
    memo = memo if memo is not None else Memo()
    added = [contribution_of(g) for g in graphs]
    change = Touched()
    for item in added:
        change.update(touched_by(item))
    result = Plan(touched=change)
    left_out = set(skip)
    entities = change.entities - left_out
    together = pooled(added)
    names, classes, links, heads, statements, pooled_days = (
        together.names, together.classes, together.links, together.heads, together.holds, together.head_days)
    before = memo.recall(entities)
    before.update(known(store, entities - before.keys(), graph))
    rest = {iri for iri in entities if iri in before and (
        not before[iri].seen or (not before[iri].classes and classes.get(iri)))}
    entities -= rest
    neighbours: dict[str, set[str]] = {}
    for s, _, o in links:
        if s in entities:
            neighbours.setdefault(s, set()).add(o)
        if o in entities:
            neighbours.setdefault(o, set()).add(s)
    result.related = {(e, x) for e, xs in neighbours.items() for x in xs}
    # an entity the entities graph does not know is named by no stored article: none of its pairs is
    # related yet (those of what waits for a rewrite are asked all the same)
    new = (change.entities - left_out) - before.keys()
    asked = {(e, x) for e, x in result.related if e in before and x not in new}
    old = asked & memo.related
    old |= related_already(store, memo.maybe_related(asked - old))
    memo.wrote(links)
    for iri in sorted(entities):
        was = before.get(iri, Known(None, set(), set(), 0))
        node = NamedNode(iri)
        label = was.label
        if not names[iri] <= was.seen or iri not in before:  # a new name may make another label
            seen = was.seen | names[iri]
            fresh = entity_quads({iri: seen}, graph)
            label = next((q.object.value for q in fresh
                          if q.predicate == RDFS.label and isinstance(q.object, Literal)), None)
            if label != was.label:
                result.clear += [(iri, RDFS.label), (iri, SKOS.altLabel)]
                result.quads += fresh
            result.quads += seen_quads({iri: names[iri] - was.seen}, graph)
        kinds = was.classes | classes.get(iri, set())
        result.quads += [Quad(node, ENTITY_CLASS, NamedNode(k), graph) for k in sorted(kinds - was.classes)]
        degree = was.degree
        if kinds:
            degree += sum((iri, x) not in old for x in neighbours.get(iri, ()))
            if degree != was.degree or iri not in before:
                result.clear.append((iri, DEGREE))
                result.quads.append(Quad(node, DEGREE, Literal(str(degree), datatype=_INTEGER), graph))
        result.learnt[iri] = Known(label, was.seen | names[iri], kinds, degree)
    result.quads += [Quad(NamedNode(org), HEADED_IN, NamedNode(a), graph)
                     for org, a in sorted(heads) if org in entities]
    result.quads += date_quads(HEAD_DAY, {(org, day) for org, day, _ in pooled_days if org in entities}, graph)
    result.quads += named_quads({(org, day, s) for org, day, s in pooled_days
                                 if head_day_iri(org, day) not in left_out}, graph)
    result.quads += edge_quads({(s, p, o) for s, p, o in links if p in DISTINCT and s in entities}, graph)
    result.quads += date_quads(LINE_DAY, {(line[0], line[4]) for line in together.lines if line[0] in entities}, graph)
    result.quads += date_quads(LEFT_ON, {(person, day) for person, day in together.left if person in entities}, graph)
    result.quads += line_quads({line for line in together.lines if line_iri((line[0], line[4])) not in left_out}, graph)
    posts = change.posts - left_out - rest
    if posts:
        said = evidence(store, posts, graph) + [s for s in statements if s.post in posts]
        result.clear += [(post, p) for post in sorted(posts) for p in (CURRENT_HOLDER, HOLDER_EVIDENCE)]
        result.quads += holder_quads(said, graph)
    merge_troops(store, batch_troops(added), graph, left_out, memo, result)
    result.rest = Touched(rest, rest & change.posts)
    return result


def merge_troops(store: GraphStore, batch: dict[Deployment, Troops], graph: NamedNode, skip: set[str], memo: Memo,
                 result: Plan) -> None:
    """Merge new articles' deployment summaries ``batch`` with those the entities graph holds (or
    ``memo`` remembers) into ``result``: a key without a node gets one, a node gets the values that change
    and the new articles as sources."""
    keys = {key for key in batch if summary_iri(key) not in skip}
    before = {key: memo.troops[key] for key in keys if key in memo.troops}
    before.update(stored_troops(store, keys - before.keys(), graph))
    new: dict[Deployment, Troops] = {}
    for key in sorted(keys):
        was = before.get(key)
        if was is None:
            new[key] = result.troops[key] = batch[key]
            continue
        now = result.troops[key] = was.merged(batch[key])
        node = NamedNode(summary_iri(key))
        for predicate, quad, old, value in zip((FEWEST_TROOPS, MOST_TROOPS, SOURCE_COUNT, FIRST_SOURCE),
                                                _troop_values(node, now, graph), was, now):
            if old != value:
                result.clear.append((node.value, predicate))
                result.quads.append(quad)
        result.quads += source_quads(node, batch[key].docs, graph)
    result.quads += troop_quads(new, graph)


def stored_contributions(store: GraphStore, graphs: Iterable[str]) -> list[Contribution]:
    """What the stored article graphs ``graphs`` (IRIs) contribute to the derived facts, read from
    their own quads before they are replaced or removed (one lookup of each graph's quads)."""
    found: list[Contribution] = []
    for chunk in _chunks(sorted(graphs)):
        rows = store.query(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {_values(chunk)} }} GRAPH ?g {{ ?s ?p ?o }} }}")
        assert isinstance(rows, QuerySolutions)
        quads: dict[str, list[Quad]] = {}
        for row in rows:
            subject, predicate, value = row["s"], row["p"], row["o"]
            graph = row["g"]
            if isinstance(subject, NamedNode) and isinstance(predicate, NamedNode) and isinstance(graph, NamedNode):
                # in its graph: a deployment's summary names its source by it
                quads.setdefault(graph.value, []).append(Quad(subject, predicate, value, graph))
        found += [contribution(quads[name]) for name in sorted(quads)]
    return found


def existing(store: GraphStore, variables: Sequence[str], rows: Iterable[tuple[NamedNode | Literal, ...]],
             pattern: str) -> set[tuple[str, ...]]:
    """The values of those ``rows`` (terms bound to ``variables``) for which ``pattern`` has a match.

    Each row is one ``FILTER EXISTS`` lookup, which stops at the first match: a name, a class or a
    pair that thousands of articles state costs what one does.

    >>> from pyoxigraph import Store as Memory
    >>> memory = Memory()
    >>> memory.add(Quad(NamedNode("http://x/a"), RDFS.label, Literal("A")))
    >>> class Plain:
    ...     def query(self, sparql: str) -> QueryResult:
    ...         return memory.query(sparql, prefixes=PREFIXES)
    >>> existing(Plain(), ["e"], [(NamedNode("http://x/a"),), (NamedNode("http://x/b"),)], "?e rdfs:label ?l")
    {('http://x/a',)}
    """
    found: set[tuple[str, ...]] = set()
    ordered = sorted(set(rows), key=lambda row: tuple(str(term) for term in row))
    names = " ".join(f"?{v}" for v in variables)
    for start in range(0, len(ordered), CHUNK):
        values = " ".join("(" + " ".join(str(term) for term in row) + ")" for row in ordered[start:start + CHUNK])
        result = store.query(f"SELECT {names} WHERE {{ VALUES ({names}) {{ {values} }} "
                             f"FILTER EXISTS {{ {pattern} }} }}")
        assert isinstance(result, QuerySolutions)
        found |= {tuple(row[v].value for v in variables) for row in result}
    return found


#: what an entity's derived facts are made of (not a post's holder): all go when no article names it
_ENTITY_FACTS = (RDFS.label, SKOS.altLabel, SEEN_AS, ENTITY_CLASS, DEGREE, HEADED_IN, HEAD_DAY, LINE_DAY, LEFT_ON,
                 *DISTINCT.values())


def removals(store: GraphStore, removed: Iterable[Contribution], graph: NamedNode,
             skip: Iterable[str] = (), memo: Memo | None = None) -> Plan:
    """How dropping article graphs whose contributions were ``removed`` (:func:`stored_contributions`,
    read before) changes the derived facts in ``graph``, asked of the store once they are dropped.

    The result equals what :func:`derive` would give, but costs what the removed articles state, not
    what their entities' other articles do (a country is named by a tenth of all articles): the
    entities graph tells what each entity was, and the store is asked only point questions about
    what the removed articles stated. Is a name still given by some article (else it leaves
    ``kgo:seenAs``, and the label is chosen again from the names left; no name left, and every
    derived fact of the entity goes)? A listed class still stated? A neighbour still joined by some
    relation (else the degree is one less)? A chain-index relation or a headOf assertion still
    stated? Was a removed holds statement among a post's ``kgo:holderEvidence`` (only then is the
    post's holder derived again, from its statements)? IRIs in ``skip`` (derived again later
    anyway) are left out; entities the entities graph cannot tell enough about go to ``rest``.
    """
    memo = memo if memo is not None else Memo()
    gone = list(removed)
    change = Touched()
    for item in gone:
        change.update(touched_by(item))
    result = Plan(touched=change)
    left_out = set(skip)
    entities = change.entities - left_out
    together = pooled(gone)
    names, classes, links, heads, held = (together.names, together.classes, together.links, together.heads,
                                          together.holds)
    statements = {(s.post, s.assertion) for s in held if s.assertion}  # (post, assertion)
    before = memo.recall(entities)
    before.update(known(store, entities - before.keys(), graph))
    # not labelled (derived facts that wait), or labelled by a kg older than kgo:seenAs: from the store
    rest = {iri for iri in entities if iri not in before or not before[iri].seen}
    entities -= rest
    # the article graphs' names, not the entities graph's own (the gazetteer's): what :func:`aliases` reads
    named = existing(store, ("e", "n"), [(NamedNode(e), Literal(n)) for e in entities for n in names[e]],
                     "GRAPH ?g { ?e skos:altLabel ?n FILTER EXISTS { ?g a kgo:Article } }")
    seen: dict[str, set[str]] = {}
    for iri in sorted(entities):
        lost = {n for n in names[iri] if (iri, n) not in named}
        seen[iri] = before[iri].seen - lost
        if not seen[iri]:  # no article names it any more
            result.clear += [(iri, p) for p in _ENTITY_FACTS]
            result.forgotten.add(iri)
            continue
        result.drop += [Quad(NamedNode(iri), SEEN_AS, Literal(n), graph) for n in sorted(lost & before[iri].seen)]
    left = {iri for iri in entities if seen[iri]}
    typed = existing(store, ("e", "c"), [(NamedNode(e), NamedNode(c)) for e in left for c in classes.get(e, ())],
                     "?e a ?c")
    kinds = {iri: before[iri].classes - {c for c in classes.get(iri, ()) if (iri, c) not in typed} for iri in left}
    neighbours: dict[str, set[str]] = {}
    for s, _, o in links:
        if s in left and kinds[s]:
            neighbours.setdefault(s, set()).add(o)
        if o in left and kinds[o]:
            neighbours.setdefault(o, set()).add(s)
    pairs = {(e, x) for e, xs in neighbours.items() for x in xs}
    # the memo's pairs were related before the removal: it cannot tell which still are
    result.related = related_already(store, pairs)
    # the memo must not keep any pair of the removed relations it was not told is still related (an
    # entity no article names any more, or one without a listed class, is not asked about)
    result.unrelated = {(s, o) for s, _, o in links if (s, o) not in result.related and (o, s) not in result.related}
    for iri in sorted(left):
        was, node = before[iri], NamedNode(iri)
        label = was.label
        if seen[iri] != was.seen:  # a name went: another label may be chosen from those left
            fresh = entity_quads({iri: seen[iri]}, graph)
            label = next((q.object.value for q in fresh
                          if q.predicate == RDFS.label and isinstance(q.object, Literal)), None)
            if label != was.label:
                result.clear += [(iri, RDFS.label), (iri, SKOS.altLabel)]
                result.quads += fresh
        result.drop += [Quad(node, ENTITY_CLASS, NamedNode(k), graph) for k in sorted(was.classes - kinds[iri])]
        degree = was.degree - sum((iri, x) not in result.related for x in neighbours.get(iri, ()))
        if not kinds[iri]:
            degree = 0
            if was.classes:  # no listed class left: no summary
                result.clear.append((iri, DEGREE))
        elif degree != was.degree:
            result.clear.append((iri, DEGREE))
            result.quads.append(Quad(node, DEGREE, Literal(str(degree), datatype=_INTEGER), graph))
        result.learnt[iri] = Known(label, seen[iri], kinds[iri], degree)
    edges = [(s, p, o) for s, p, o in links if p in DISTINCT and s in left]
    stated = existing(store, ("s", "p", "o"), [(NamedNode(s), NamedNode(p), NamedNode(o)) for s, p, o in edges],
                      "?s ?p ?o")
    result.drop += [Quad(NamedNode(s), DISTINCT[p], NamedNode(o), graph)
                    for s, p, o in sorted(edges) if (s, p, o) not in stated]
    asked = [(org, a) for org, a in heads if org in left]
    still = existing(store, ("e", "a"), [(NamedNode(org), NamedNode(a)) for org, a in asked],
                     "?a rdf:object ?e ; rdf:predicate org:headOf")
    result.drop += [Quad(NamedNode(org), HEADED_IN, NamedNode(a), graph) for org, a in sorted(asked)
                    if (org, a) not in still]
    # a person stays on a head day's node while an asserted headOf assertion of that day still names them,
    # and a date while its node names someone. Asked from the person's statements: those of the date
    # or the organisation are tens of thousands on a busy store (220-370 ms a lookup at 100 k articles,
    # against 0.4-35 ms from the person, bound first by LATERAL where the store has it)
    heads_named = sorted((o, d, s) for o, d, s in together.head_days if head_day_iri(o, d) not in left_out)
    rest_of = "?a kgo:asOf ?d ; rdf:object ?e ; rdf:predicate org:headOf ; kgo:modality kgo:asserted"
    still_named = existing(store, ("e", "d", "s"), [(NamedNode(o), Literal(d, datatype=_DATE), NamedNode(s))
                                                    for o, d, s in heads_named],
                           f"?a rdf:subject ?s . LATERAL {{ {rest_of} }}" if getattr(store, "lateral", False)
                           else f"?a rdf:subject ?s . {rest_of}")
    gone_named = {key for key in heads_named if key not in still_named}
    result.drop += named_quads(gone_named, graph)
    days = sorted({(org, day) for org, day, _ in together.head_days if org in left})
    named_on = head_nodes(store, [head_day_iri(org, day) for org, day in days], graph)
    kept = {(org, day) for org, day in days
            if any((org, day, s) not in gone_named for s in named_on.get(head_day_iri(org, day), ()))}
    # a node waiting to be derived again cannot tell: the date's statements are asked for
    unknown = [(org, day) for org, day in days if head_day_iri(org, day) in left_out]
    kept |= {(org, day) for org, day in existing(
        store, ("e", "d"), [(NamedNode(org), Literal(day, datatype=_DATE)) for org, day in unknown], rest_of)}
    result.drop += date_quads(HEAD_DAY, [(org, day) for org, day in days if (org, day) not in kept], graph)
    _subtract_lines(store, together, left, left_out, graph, result)
    posts = change.posts - left_out - rest
    # a post's holder follows from the statements that decide it (:func:`deciding`) alone: removing
    # others changes nothing, and a post whose deciding statements go is derived again (posts are small)
    decided = existing(store, ("p", "a"), [(NamedNode(p), NamedNode(a)) for p, a in statements if p in posts],
                       f"GRAPH {graph} {{ ?p kgo:holderEvidence ?a }}")
    again = sorted({post for post, _ in decided})
    if again:
        result.clear += [(post, p) for post in again for p in (CURRENT_HOLDER, HOLDER_EVIDENCE)]
        result.quads += holder_quads(holds(store, again), graph)
    slow = recount_troops(store, gone, {key for key in change.deployments if summary_iri(key) not in left_out},
                          graph, result)
    result.rest = Touched(rest, rest & change.posts, slow)
    return result


def _subtract_lines(store: GraphStore, together: Pooled, left: set[str], left_out: set[str], graph: NamedNode,
                    result: Plan) -> None:
    # an object stays on a line node while a statement of that person, line, modality and date remains,
    # and the person's date of the node while the node names someone; a leave date stays while a
    # statement of it remains
    lines = sorted(line for line in together.lines if line_iri((line[0], line[4])) not in left_out)
    still = existing(store, ("s", "r", "o", "m", "d"),
                     [(NamedNode(p), NamedNode(r), NamedNode(o), NamedNode(m), Literal(d, datatype=_DATE))
                      for p, r, o, m, d in lines], _person_first(store, _LINE_STATED))
    gone = [line for line in lines if line not in still]
    result.drop += line_quads(gone, graph)
    keys = sorted({(line[0], line[4]) for line in gone})
    held = line_statements(store, [line_iri(key) for key in keys], graph)
    lost = {(line_iri((p, d)), line_predicate(r, m).value, o) for p, r, o, m, d in gone}
    emptied = [key for key in keys if all((line_iri(key), *kept) in lost for kept in held.get(line_iri(key), ()))]
    result.drop += date_quads(LINE_DAY, emptied, graph)
    leaves = sorted((person, day) for person, day in together.left if person in left)
    kept = existing(store, ("s", "d"), [(NamedNode(p), Literal(d, datatype=_DATE)) for p, d in leaves],
                    _person_first(store, _LEFT_STATED))
    result.drop += date_quads(LEFT_ON, [leave for leave in leaves if leave not in kept], graph)


#: every predicate of a deployment summary node
_SUMMARY_FACTS = (NamedNode(_TYPE), SUMMARY_SENDER, SUMMARY_HOST, AS_OF, FEWEST_TROOPS, MOST_TROOPS, SOURCE_COUNT,
                  FIRST_SOURCE, SUMMARY_SOURCE)


def recount_troops(store: GraphStore, gone: Sequence[Contribution], keys: set[Deployment], graph: NamedNode,
                   result: Plan) -> set[Deployment]:
    """Put into ``result`` the summaries of ``keys`` once the articles of ``gone`` are dropped: fewest,
    most and first do not move back, so each is counted again from the graphs of the articles its
    ``kgo:summarySource`` names, less the removed ones. Returns the keys whose summary names no source
    (written by a kg older than it), for the caller to derive from the whole store."""
    removed = {doc for item in gone for *_, doc in item.deployments}
    named = summary_sources(store, keys, graph)
    now = recounted(store, {key: docs - removed for key, docs in named.items()})
    for key in sorted(named):
        node = NamedNode(summary_iri(key))
        if key not in now:  # no article states it any more
            result.clear += [(node.value, p) for p in _SUMMARY_FACTS]
            result.vanished.add(key)
            continue
        result.troops[key] = now[key]
        result.clear += [(node.value, p) for p in (FEWEST_TROOPS, MOST_TROOPS, SOURCE_COUNT, FIRST_SOURCE)]
        result.quads += _troop_values(node, now[key], graph)
        result.drop += source_quads(node, named[key] & removed, graph)
    return keys - named.keys()


def _keys(rows: QuerySolutions) -> set[Deployment]:
    return {(r["s"].value, r["h"].value, date.value if (date := r["asOf"]) is not None else "") for r in rows}


def everything(store: GraphStore) -> Touched:
    """Every entity and post of the store: what a full re-derivation (a repair) starts from."""
    result = Touched()
    rows = store.query("SELECT DISTINCT ?e WHERE { GRAPH ?g { ?g a kgo:Article . ?e skos:altLabel ?alt } }")
    assert isinstance(rows, QuerySolutions)
    result.entities = {r["e"].value for r in rows}
    rows = store.query("SELECT DISTINCT ?post WHERE { GRAPH ?g { ?a rdf:predicate org:holds ; rdf:object ?post } }")
    assert isinstance(rows, QuerySolutions)
    result.posts = {r["post"].value for r in rows}
    result.deployments = deployments(store)
    rows = store.query("SELECT DISTINCT ?e ?d WHERE { GRAPH ?g { ?a rdf:predicate org:headOf ; "
                       "kgo:modality kgo:asserted ; rdf:object ?e ; kgo:asOf ?d FILTER(DATATYPE(?d) = xsd:date) } }")
    assert isinstance(rows, QuerySolutions)
    result.heads = {(r["e"].value, r["d"].value) for r in rows}
    rows = store.query(f"SELECT DISTINCT ?s ?d WHERE {{ GRAPH ?g {{ ?a rdf:subject ?s . {_LINE_STATED} }} }}")
    assert isinstance(rows, QuerySolutions)
    result.lines = {(r["s"].value, r["d"].value) for r in rows if isinstance(r["s"], NamedNode)}
    return result


def deployments(store: GraphStore) -> set[Deployment]:
    """Every (sender, host, date) of the troop deployments the article graphs state."""
    rows = store.query(f"SELECT DISTINCT ?s ?h ?asOf WHERE {{ GRAPH ?g {{ {_DEPLOYED} }} }}")
    assert isinstance(rows, QuerySolutions)
    return _keys(rows)


def lacks_troop_summaries(store: GraphStore) -> bool:
    """Whether the store was written by a kg older than the deployment summaries: article graphs state
    troop deployments, but no ``kgo:DeploymentSummary`` exists, or none names its sources
    (``kgo:summarySource``). A writer fills them when it opens such a store; ``kg rederive`` does too.
    """
    if bool(store.query("ASK { ?t a kgo:DeploymentSummary }")):
        # written by a kg that kept no kgo:summarySource: a removal would have nothing to count from
        return not bool(store.query("ASK { ?t kgo:summarySource ?doc }"))
    return bool(store.query("ASK { GRAPH ?g { ?d a kgo:TroopDeployment ; kgo:troopCount ?n } }"))


def lacks_summaries(store: GraphStore) -> bool:
    """Whether the store was built by a kg older than its listing summaries: it holds entities but no
    ``kgo:entityClass``, so the listings and dated-command queries that read the summaries would come
    back empty, or holds them but not the chain index (relations but no ``kgo:distinctHeadOf`` and the
    like), so ``chain-of-command`` would. ``kg rederive`` (:meth:`kg.store.Store.rederive_all`) adds them.
    """
    if bool(store.query("ASK { GRAPH ?h { ?e kgo:entityClass ?c } }")):
        # a kg of before the head days kept kgo:headedIn but not kgo:headDay and kgo:headNamed
        # (two questions: as one pattern, Oxigraph joined every kgo:headNamed of the store, 30-50 ms at 100 k)
        head_index = bool(store.query("ASK { ?o kgo:headDay ?d }")) and bool(store.query("ASK { ?n kgo:headNamed ?s }"))
        if not head_index and bool(store.query(
                "ASK { ?o kgo:headedIn ?a . ?a kgo:modality kgo:asserted ; kgo:asOf ?d }")):
            return True
        # and a kg of before the line index kept no kgo:lineDay for the dated walk
        lines = f"VALUES ?r {{ org:reportsTo org:headOf }} ?a rdf:predicate ?r ; rdf:subject ?s . {_LINE_STATED}"
        if not bool(store.query("ASK { ?p kgo:lineDay ?d }")) and bool(store.query(f"ASK {{ {lines} }}")):
            return True
        # a kg of before the chain index wrote the listing summary but not the chain index
        chain = " | ".join(f"<{term.value}>" for term in DISTINCT.values())
        if bool(store.query(f"ASK {{ ?e {chain} ?x }}")):
            return False
        return bool(store.query("ASK { ?e org:headOf|org:reportsTo|org:subOrganizationOf|org:holds ?x }"))
    return bool(store.query("ASK { GRAPH ?g { ?g a kgo:Article . ?e skos:altLabel ?alt } }"))


__all__ = ["ASSERTED", "AS_OF", "DEGREE", "DEPLOYMENT_SUMMARY", "DISTINCT", "ENDED_REPORTS_TO", "ENTITY_CLASS",
           "FEWEST_TROOPS", "FIRST_SOURCE", "HEADED_IN", "HEAD_DAY", "HEAD_NAMED", "HOLDER_EVIDENCE", "LEFT_ON",
           "LINE_DAY", "LISTED_CLASSES", "MOST_TROOPS", "PAST", "RELATIONS", "SEEN_AS", "SOURCE_COUNT",
           "STATED_HEAD_OF", "STATED_REPORTS_TO", "SUMMARY_HOST", "SUMMARY_SENDER", "SUMMARY_SOURCE", "ArticleGraph",
           "Contribution", "Deployment", "GraphStore", "HeadDay", "HoldsStatement", "Known", "LineDate", "LineKey",
           "Memo", "Plan", "QueryResult", "Touched", "Troops", "additions", "aliases", "batch_troops", "contribution",
           "contribution_of", "current_holders", "date_quads", "deciding", "deployments", "derive", "edge_quads",
           "entity_quads", "everything", "evidence", "existing", "head_day_iri", "head_days", "head_nodes",
           "head_statements", "holder_quads", "holds", "holds_statements", "known", "lacks_summaries",
           "lacks_troop_summaries", "line_iri", "line_predicate", "line_quads", "line_statements", "merge_troops",
           "named_quads", "recount_troops", "recounted", "related_already", "removals", "seen_quads", "source_quads",
           "stated_lines", "stored_contributions", "stored_troops", "summaries", "summary_iri", "summary_quads",
           "summary_sources", "summed", "touched", "touched_by", "troop_quads", "troops"]
