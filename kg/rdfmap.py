"""Mapping to RDF: a resolved article becomes the quads of its own named graph.

Layout (README, "The graph"): the article's IRI names its graph and is described in it; every entity
it mentions is typed there with the aliases it was seen under; every relation gets an assertion node
(the evidence) and, when asserted as a present fact, the plain triple too. Canonical labels are not
written here: they depend on every article, so :mod:`kg.store` derives them into the entities graph.
IRIs are minted from names, document ids and offsets, never blank nodes, so the output is
deterministic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from kg import __version__
from kg.extract import EXTRACTOR_NAME
from kg.extract.text import slug
from kg.model import Document, RelationMention
from kg.ontology import CLASS_OF, PREDICATE_OF, PREFIXES
from kg.resolve import ResolvedDocument, entity_key, post_key

WIKIDATA = "http://www.wikidata.org/entity/"


class _Terms:
    """A namespace whose terms are made once: a mapped article names about 170 of them, and a fresh
    NamedNode per use was a sixth of the mapping's time."""

    def __init__(self, prefix: str) -> None:
        self._iri = PREFIXES[prefix]
        self._made: dict[str, NamedNode] = {}

    def __getattr__(self, name: str) -> NamedNode:
        node = NamedNode(self._iri + name)
        setattr(self, name, node)  # found as a plain attribute from now on
        return node

    def __getitem__(self, name: str) -> NamedNode:
        node = self._made.get(name)
        if node is None:
            node = self._made[name] = NamedNode(self._iri + name)
        return node


DCTERMS, KGO, ORG, OWL, PROV, RDF, SKOS, XSD = (
    _Terms(p) for p in ("dcterms", "kgo", "org", "owl", "prov", "rdf", "skos", "xsd"))

_Add = Callable[[NamedNode, NamedNode, "NamedNode | Literal"], None]


def document_iri(base: str, doc_id: str) -> NamedNode:
    """The IRI of an article, which also names its graph."""
    return NamedNode(base + "doc/" + quote(doc_id, safe=""))


def entity_iri(base: str, key: str) -> NamedNode:
    """The IRI of an entity from its global key (``person/mark-esper``)."""
    return NamedNode(base + quote(key, safe="/-"))


def entities_graph(base: str) -> NamedNode:
    """The graph holding derived, store-wide facts: canonical labels and Wikidata links."""
    return NamedNode(base + "graph/entities")


def extractor_iri(base: str, ner: str | None = None) -> NamedNode:
    """The software agent of the assertions: the rules at this version, and the NER model if one helped."""
    name = f"{EXTRACTOR_NAME}+{quote(ner, safe='')}" if ner else EXTRACTOR_NAME
    return NamedNode(f"{base}agent/{name}/{__version__}")


def text_hash(text: str) -> str:
    """SHA-256 of an article's normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(document: Document) -> str:
    """What ``kgo:textHash`` records: the text's SHA-256, and for a near copy the text together with
    the id of its original, so that a build which links it elsewhere (or no longer) rebuilds it.

    >>> content_hash(Document(id="a", text="T")) == text_hash("T")
    True
    """
    if document.duplicate_of is None:
        return text_hash(document.text)
    return text_hash(f"{document.text}\n\x00copy of {document.duplicate_of}")


def document_quads(resolved: ResolvedDocument, base: str, ner: str | None = None, *,
                   ordered: bool = True) -> list[Quad]:
    """All quads of one article's graph, sorted, without duplicates.

    Args:
        resolved: the article with its resolved entities and relations.
        base: the base IRI of minted IRIs (ends with ``/`` or ``#``).
        ner: the label of the statistical NER model that helped, recorded in the agent's IRI.
        ordered: sort the quads; a build, whose store does not keep order, skips that (it was a
            quarter of the mapping's time).

    >>> from kg.extract import extract
    >>> from kg.model import Document
    >>> from kg.resolve import resolve_entities
    >>> doc = Document(id="d1", text="About 5,000 US troops are in Iraq.", published="2020-01-06")
    >>> quads = document_quads(resolve_entities(extract(doc)), "http://example.org/")
    >>> any(q.predicate.value.endswith("#troopCount") and q.object.value == "5000" for q in quads)
    True
    """
    doc = resolved.document
    graph = document_iri(base, doc.id)
    quads: set[Quad] = set()

    def add(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        quads.add(Quad(s, p, o, graph))

    _describe(doc, graph, add)
    agent = extractor_iri(base, ner)
    add(agent, RDF.type, KGO.Extractor)
    add(agent, RDF.type, PROV.SoftwareAgent)

    for key, entity in resolved.entities.items():
        node = entity_iri(base, key)
        add(node, RDF.type, CLASS_OF[entity.kind])
        if entity.kind in ("MilitaryUnit", "GovernmentBody", "ArmedForces"):
            add(node, RDF.type, ORG.Organization)
        add(graph, KGO.mentions, node)
        for alias in entity.aliases:
            add(node, SKOS.altLabel, Literal(alias))
        if entity.wikidata:
            add(node, OWL.sameAs, NamedNode(WIKIDATA + entity.wikidata))
        if entity.rank:
            add(node, KGO.rank, Literal(entity.rank))
        if entity.country and entity.kind != "Person":
            country = entity_iri(base, "country/" + slug(entity.country))
            add(node, KGO.country, country)
            add(country, RDF.type, KGO.Country)
            add(country, SKOS.altLabel, Literal(entity.country))
        if entity.branch:
            branch = entity_iri(base, "org/" + slug(entity.branch))
            add(node, ORG.memberOf, branch)
            add(branch, RDF.type, KGO.ArmedForces)
            add(branch, RDF.type, ORG.Organization)

    # Two rules may state the same fact from one sentence ("took command of X, succeeding Y"):
    # one assertion node, with the strongest confidence (and its rule), so the node stays valid.
    strongest: dict[str, tuple[RelationMention, NamedNode, NamedNode, NamedNode]] = {}
    for relation in resolved.relations:
        for s, p, o in _relation_triples(relation, doc, base, add):
            node = _assertion_iri(relation, s, p, o, doc, base)
            kept = strongest.get(node.value)
            if kept is None or (relation.confidence, kept[0].rule) > (kept[0].confidence, relation.rule):
                strongest[node.value] = (relation, s, p, o)
    for relation, s, p, o in strongest.values():
        _assertion(relation, s, p, o, doc, graph, base, agent, add)
    return sorted(quads, key=str) if ordered else list(quads)


def copy_quads(document: Document, base: str) -> list[Quad]:
    """The graph of a near copy of another article: its own description, linked to the original
    with ``dcterms:isVersionOf``, and nothing extracted from it (see :mod:`kg.dedup`).

    >>> doc = Document(id="copy", text="Same story.", duplicate_of="first", url="https://example.org/b")
    >>> [q.object.value for q in copy_quads(doc, "http://example.org/")
    ...  if q.predicate.value.endswith("isVersionOf")]
    ['http://example.org/doc/first']
    """
    graph = document_iri(base, document.id)
    quads: set[Quad] = set()

    def add(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        quads.add(Quad(s, p, o, graph))

    _describe(document, graph, add)
    if document.duplicate_of:
        add(graph, DCTERMS.isVersionOf, document_iri(base, document.duplicate_of))
    return sorted(quads, key=str)


def _describe(doc: Document, graph: NamedNode, add: _Add) -> None:
    """The article's own description: identifier, text hash, title, date, source URL, language, and
    the author and publisher when the page or feed names them."""
    add(graph, RDF.type, KGO.Article)
    add(graph, DCTERMS.identifier, Literal(doc.id))
    add(graph, KGO.textHash, Literal(content_hash(doc)))
    if doc.title:
        add(graph, DCTERMS.title, Literal(doc.title))
    if doc.published:
        add(graph, DCTERMS.date, Literal(doc.published, datatype=XSD.date))
    if doc.url:
        add(graph, DCTERMS.source, NamedNode(doc.url) if _is_iri(doc.url) else Literal(doc.url))
    if doc.language:
        add(graph, DCTERMS.language, Literal(doc.language))
    if doc.author:
        add(graph, DCTERMS.creator, Literal(doc.author))
    if doc.publisher:
        add(graph, DCTERMS.publisher, Literal(doc.publisher))


def _relation_triples(relation: RelationMention, doc: Document, base: str,
                      add: _Add) -> list[tuple[NamedNode, NamedNode, NamedNode]]:
    """The (subject, predicate, object) a relation states; adds the nodes it needs (posts, deployments)."""
    subject = entity_iri(base, entity_key(relation.subject))
    asserted = relation.modality == "asserted"
    if relation.kind == "holds" and relation.post is not None:
        post = entity_iri(base, post_key(relation.post, relation.subject))
        add(post, RDF.type, ORG.Post)
        add(post, SKOS.altLabel, Literal(relation.post.label))
        add(post, KGO.postTitle, Literal(relation.post.title))
        if relation.post.org is not None:
            add(post, ORG.postIn, entity_iri(base, entity_key(relation.post.org)))
        if asserted:
            add(subject, ORG.holds, post)
            add(post, ORG.heldBy, subject)
        return [(subject, ORG.holds, post)]
    if relation.kind == "troops" and relation.object is not None and relation.count:
        sender = subject
        host = entity_iri(base, entity_key(relation.object))
        as_of = doc.published or "undated"
        sender_key, host_key = entity_key(relation.subject).split("/")[-1], entity_key(relation.object).split("/")[-1]
        key = f"deployment/{sender_key}--{host_key}--{as_of}--{relation.count}"
        if not asserted:
            key += "--" + relation.modality
        node = entity_iri(base, key)
        add(node, RDF.type, KGO.TroopDeployment if asserted else KGO.DeploymentClaim)
        add(node, KGO.sendingCountry, sender)
        add(node, KGO.hostCountry, host)
        add(node, KGO.troopCount, Literal(str(relation.count), datatype=XSD.integer))
        if doc.published:
            add(node, KGO.asOf, Literal(doc.published, datatype=XSD.date))
        if relation.hedge:
            add(node, KGO.countQualifier, Literal(relation.hedge))
        add(node, KGO.statedIn, document_iri(base, doc.id))
        return [(node, RDF.type, KGO.TroopDeployment)]
    if relation.object is None or relation.kind not in PREDICATE_OF:
        return []
    obj = entity_iri(base, entity_key(relation.object))
    if obj == subject:
        return []
    predicate = PREDICATE_OF[relation.kind]
    if asserted:
        add(subject, predicate, obj)
    return [(subject, predicate, obj)]


def _assertion_iri(relation: RelationMention, s: NamedNode, p: NamedNode, o: NamedNode, doc: Document,
                   base: str) -> NamedNode:
    digest = hashlib.sha256(f"{s.value} {p.value} {o.value} {relation.modality}".encode()).hexdigest()[:12]
    return NamedNode(f"{base}assertion/{quote(doc.id, safe='')}/{relation.start}-{relation.end}/{digest}")


def _assertion(relation: RelationMention, s: NamedNode, p: NamedNode, o: NamedNode, doc: Document,
               graph: NamedNode, base: str, agent: NamedNode, add: _Add) -> None:
    node = _assertion_iri(relation, s, p, o, doc, base)
    add(node, RDF.type, KGO.Assertion)
    add(node, RDF.subject, s)
    add(node, RDF.predicate, p)
    add(node, RDF.object, o)
    add(node, KGO.evidence, Literal(relation.sentence))
    add(node, KGO.charStart, Literal(str(relation.start), datatype=XSD.integer))
    add(node, KGO.charEnd, Literal(str(relation.end), datatype=XSD.integer))
    add(node, KGO.confidence, Literal(f"{relation.confidence:.2f}", datatype=XSD.decimal))
    add(node, KGO.modality, KGO[relation.modality])
    add(node, KGO.rule, Literal(relation.rule))
    add(node, KGO.statedIn, graph)
    add(node, PROV.wasGeneratedBy, agent)
    if doc.published:
        add(node, KGO.asOf, Literal(doc.published, datatype=XSD.date))


def _is_iri(value: str) -> bool:
    return value.startswith(("http://", "https://")) and not any(c in value for c in ' <>"{}|\\^`')

