"""The ontology's terms as pyoxigraph IRIs, and where ``kg.ttl`` and ``shapes.ttl`` are installed."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from pyoxigraph import NamedNode

from kg.errors import KgError

ONTOLOGY_IRI = "https://w3id.org/kg-news/ontology"
DEFAULT_BASE = "https://w3id.org/kg-news/id/"

PREFIXES = {
    "kgo": ONTOLOGY_IRI + "#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}


def check_base(base: str) -> str:
    """``base`` if kg can mint IRIs under it: an absolute IRI ending in ``/`` or ``#``.

    Raises:
        KgError: it is not.

    >>> check_base("https://example.org/id/")
    'https://example.org/id/'
    >>> check_base("not an iri")
    Traceback (most recent call last):
    kg.errors.KgError: not an absolute IRI: 'not an iri' (use one like https://example.org/id/)
    """
    hint = "use one like https://example.org/id/"
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", base):
        raise KgError(f"not an absolute IRI: {base!r}", hint=hint)
    try:
        NamedNode(base + "doc/x")
    except ValueError as error:
        raise KgError(f"not a valid IRI: {base!r}: {error}", hint=hint) from None
    if not base.endswith(("/", "#")):
        raise KgError(f"must end with / or #: {base!r}", hint=hint)
    return base


def sparql_prefixes() -> str:
    """The PREFIX lines every named query may rely on."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


class _Namespace:
    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> NamedNode:
        return NamedNode(self._base + name)

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self._base + name)


KGO = _Namespace(PREFIXES["kgo"])
ORG = _Namespace(PREFIXES["org"])
FOAF = _Namespace(PREFIXES["foaf"])
PROV = _Namespace(PREFIXES["prov"])
SKOS = _Namespace(PREFIXES["skos"])
DCTERMS = _Namespace(PREFIXES["dcterms"])
RDF = _Namespace(PREFIXES["rdf"])
RDFS = _Namespace(PREFIXES["rdfs"])
OWL = _Namespace(PREFIXES["owl"])
XSD = _Namespace(PREFIXES["xsd"])

# model kinds -> class IRIs
CLASS_OF = {
    "Person": FOAF.Person,
    "Organization": ORG.Organization,
    "MilitaryUnit": KGO.MilitaryUnit,
    "GovernmentBody": KGO.GovernmentBody,
    "ArmedForces": KGO.ArmedForces,
    "Country": KGO.Country,
    "Post": ORG.Post,
}
# relation kinds -> the plain predicate stated for asserted relations
PREDICATE_OF = {
    "holds": ORG.holds,
    "headOf": ORG.headOf,
    "reportsTo": ORG.reportsTo,
    "subOrganizationOf": ORG.subOrganizationOf,
    "memberOf": ORG.memberOf,
}


def _ontology_dir() -> Path:
    try:
        return Path(str(resources.files("kg.ontologies")))
    except ModuleNotFoundError:  # a plain checkout on sys.path, not installed
        return Path(__file__).resolve().parent.parent / "ontologies"


def ontology_path() -> Path:
    """Path of the installed ``kg.ttl`` (works from a checkout and after ``pip install .``)."""
    return _ontology_dir() / "kg.ttl"


def shapes_path() -> Path:
    """Path of the installed ``shapes.ttl``."""
    return _ontology_dir() / "shapes.ttl"
