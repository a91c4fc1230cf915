"""Validation: the SHACL shapes of ``ontologies/shapes.ttl`` run over the stored graph (pyshacl), and
the same constraints checked on each article's relations before ``kg build`` stores them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pyoxigraph import NamedNode, RdfFormat, serialize

from kg.model import Document, RelationMention
from kg.ontology import ONTOLOGY_IRI, shapes_path
from kg.resolve import ResolvedDocument


@dataclass
class Violation:
    """One SHACL result: the node it is about, the property path, and the shape's message."""

    focus: str
    path: str
    message: str
    severity: str = "Violation"

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.severity}: {self.focus}{where}: {self.message}"


@dataclass
class ValidationReport:
    """The outcome of validating a store."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def text(self) -> str:
        if self.conforms:
            return "The graph conforms to the kg shapes: no violations.\n"
        lines = [f"{len(self.violations)} violation{'s' if len(self.violations) != 1 else ''}:"]
        lines += [f"  {v}" for v in self.violations]
        return "\n".join(lines) + "\n"


def validate(store: Any) -> ValidationReport:
    """Validate the union of the store's graphs (ontology included, for its class hierarchy).

    >>> from kg.store import Store
    >>> validate(Store()).conforms
    True
    """
    import rdflib
    from pyshacl import validate as shacl_validate

    data = rdflib.Graph()
    triples = serialize((q.triple for q in store.oxigraph), format=RdfFormat.N_TRIPLES)
    data.parse(data=triples, format="nt")
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    ontology = rdflib.Graph()
    ontology_quads = store.oxigraph.quads_for_pattern(None, None, None, NamedNode(ONTOLOGY_IRI))
    ontology.parse(data=serialize((q.triple for q in ontology_quads), format=RdfFormat.N_TRIPLES), format="nt")
    conforms, results_graph, _ = shacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
                                                advanced=True, allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = []
    for result in results_graph.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results_graph.value(result, sh.focusNode)
        path = results_graph.value(result, sh.resultPath)
        message = results_graph.value(result, sh.resultMessage)
        severity = results_graph.value(result, sh.resultSeverity)
        label = data.value(focus, rdflib.RDFS.label) if focus is not None else None
        violations.append(Violation(
            focus=f"{label} <{focus}>" if label else f"<{focus}>",
            path=_short(str(path)) if path is not None else "",
            message=str(message) if message is not None else "constraint not met",
            severity=_short(str(severity)) if severity is not None else "Violation"))
    violations.sort(key=lambda v: (v.focus, v.path, v.message))
    return ValidationReport(conforms=bool(conforms), violations=violations)


def _short(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def check_relations(resolved: ResolvedDocument) -> tuple[ResolvedDocument, list[str]]:
    """What ``kg build`` checks before it stores an article: the relations that would break a shape
    of ``ontologies/shapes.ttl`` are rejected, and each rejection is explained in one line.

    Returns:
        The article without the rejected relations, and the reasons (``"<source>: ..."``). A
        deployment from an undated article is kept (it is still evidence), and ``kg validate``
        reports its missing date.

    >>> from kg.model import Document, Mention, RelationMention
    >>> from kg.resolve import ResolvedDocument
    >>> us = Mention(kind="Country", name="US", start=0, end=2, key="country:united states")
    >>> doc = Document(id="d", text="US", source="a.txt")
    >>> bad = RelationMention(kind="troops", subject=us, object=us, sentence="US", start=0, end=2,
    ...                       confidence=0.8, count=100)
    >>> check_relations(ResolvedDocument(doc, {}, [bad]))[1]
    ['a.txt: troops from US to itself (US)']
    """
    document = resolved.document
    where = document.source or document.id
    kept: list[RelationMention] = []
    reasons: list[str] = []
    for relation in resolved.relations:
        problem = _relation_problem(relation, document)
        if problem is None:
            kept.append(relation)
        else:
            reasons.append(f"{where}: {problem} ({' '.join(relation.sentence.split())[:80]})")
    return replace(resolved, relations=kept), reasons


def _mention_name(mention: Any) -> str:
    return str(mention.canonical or mention.name)


def _relation_problem(relation: RelationMention, document: Document) -> str | None:
    name = _mention_name
    subject, obj = relation.subject, relation.object
    if relation.kind in ("headOf", "subOrganizationOf") and obj is not None and obj.kind in ("Person", "Country"):
        return f"{relation.kind} must point to an organisation, not {obj.kind.lower()} {name(obj)}"
    if relation.kind == "reportsTo" and obj is not None and obj.kind != "Person":
        return f"reportsTo must point to a person, not {name(obj)}"
    if obj is not None and relation.kind != "troops" and subject.key == obj.key:
        return f"{relation.kind} from {name(subject)} to itself"
    if relation.kind == "troops":
        if obj is None or subject.kind != "Country" or obj.kind != "Country":
            return "troops need a sending and a host country"
        if subject.key == obj.key:
            return f"troops from {name(subject)} to itself"
        if not relation.count or relation.count < 1:
            return f"troop count {relation.count!r} is not an integer of at least 1"
    return None
