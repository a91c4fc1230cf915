"""Resolution: from the mentions of one article to entities with global, stable identities.

Inside an article the extractor has already tied later mentions ("Esper", "the general") to the
person they name. Across articles identity comes from the name itself, so that an IRI never depends
on which other articles are in the store (incremental builds stay stable):

- countries and known organisations: their gazetteer entry ("U.S.", "American" -> United States);
- persons: a known alias (``data/persons.tsv``) or the first and last name, ignoring middle names,
  initials and suffixes ("William H Seely III" = "William Seely"). A surname alone is never merged
  with another article's person, since two people may share it;
- other organisations: the normalised name ("the Iraqi Army" = "Iraqi army").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from kg.extract.gazetteer import load_gazetteer
from kg.extract.text import normalise_name, slug
from kg.model import Document, Entity, Extraction, Mention, Post, RelationMention

_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


@dataclass
class ResolvedDocument:
    """One article's entities (by global key) and relations, ready to map to RDF."""

    document: Document
    entities: dict[str, Entity] = field(default_factory=dict)
    relations: list[RelationMention] = field(default_factory=list)


@lru_cache(maxsize=1)
def _known_persons() -> dict[str, str]:
    table = resources.files("kg.extract").joinpath("data/persons.tsv").read_text(encoding="utf-8")
    aliases: dict[str, str] = {}
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, _, rest = line.partition("\t")
        for name in [canonical, *rest.split("|")]:
            if name.strip():
                aliases[normalise_name(name)] = canonical.strip()
    return aliases


def person_key(name: str) -> str:
    """The global key of a person named ``name``.

    >>> person_key("William H. Seely III") == person_key("William Seely")
    True
    >>> person_key("Kenneth F. McKenzie Jr.") == person_key("Frank McKenzie")
    True
    """
    normal = normalise_name(name)
    canonical = _known_persons().get(normal)
    if canonical:
        normal = normalise_name(canonical)
    tokens = [t for t in normal.split() if t not in _SUFFIXES]
    if len(tokens) > 2 and tokens[0] not in _family_first():
        tokens = [tokens[0], tokens[-1]]  # middle names and initials vary; "Kim Myung-soo" keeps them all
    return "person/" + "-".join(tokens)


@lru_cache(maxsize=1)
def _family_first() -> frozenset[str]:
    """Family names written first (Chinese, Korean), lower-cased, from the given-names gazetteer."""
    table = resources.files("kg.extract").joinpath("data/given_names.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in table.splitlines() if line and not line.startswith("#")]
    return frozenset(row[0].lower() for row in rows if len(row) > 1 and row[1].strip() == "family")


def entity_key(mention: Mention) -> str:
    """The global key of the entity a mention names; the IRI is the base IRI plus this key."""
    if mention.kind == "Person":
        return person_key(mention.key.removeprefix("person:") or mention.name)
    if mention.kind == "Country":
        return "country/" + slug(mention.canonical or mention.name)
    return "org/" + slug(mention.canonical or mention.name)


def post_key(post: Post, holder: Mention) -> str:
    """Posts tied to an organisation are shared by all their holders; a bare title is the holder's own.

    An organisation has one top post, whatever an article calls it: "commander of CENTCOM" and "the
    head of Central Command" are the same post.
    """
    if post.org is None:
        return "post/" + slug(post.title) + "--" + entity_key(holder).removeprefix("person/")
    if post.title in _leading_titles():
        return "post/leader--" + entity_key(post.org).split("/", 1)[1]
    return "post/" + slug(post.label)


@lru_cache(maxsize=1)
def _leading_titles() -> frozenset[str]:
    return frozenset(p.title for p in load_gazetteer().posts.values() if p.leads)


def choose_label(kind: str, names: list[str]) -> str:
    """The canonical label among the names an entity was seen under: the fullest, then the first in
    sorted order, so the choice never depends on the order articles were read.

    >>> choose_label("Person", ["Smith", "John Smith", "John Q. Smith"])
    'John Q. Smith'
    >>> choose_label("Person", ["Esper", "Mark T. Esper"])  # a known person: the gazetteer's name
    'Mark Esper'
    """
    names = [n for n in names if n.strip()]
    if not names:
        return ""
    if kind == "Person":
        persons = {p for p in (_known_persons().get(normalise_name(n)) for n in names) if p is not None}
        if len(persons) == 1:
            return str(persons.pop())
        return sorted(names, key=lambda n: (-len(n.split()), -len(n), n))[0]
    known = sorted(n for n in names if n in load_gazetteer().entities)
    if known:
        return known[0]
    return sorted(names, key=lambda n: (-sum(c.isupper() for c in n[:1]), -len(n), n))[0]


def resolve_entities(extraction: Extraction) -> ResolvedDocument:
    """Give every mention of one article its global entity, collecting the aliases it was seen under.

    >>> from kg.extract import extract
    >>> from kg.model import Document
    >>> doc = Document(id="d", text="Defense Secretary Mark Esper spoke. Esper left.")
    >>> sorted(resolve_entities(extract(doc)).entities["person/mark-esper"].aliases)
    ['Esper', 'Mark Esper']
    """
    resolved = ResolvedDocument(document=extraction.document)

    def add(mention: Mention) -> None:
        key = entity_key(mention)
        entity = resolved.entities.get(key)
        if entity is None:
            label = mention.canonical or mention.name
            entity = Entity(key=key, kind=mention.kind, label=label, wikidata=mention.wikidata,
                            country=mention.country if mention.kind != "Country" else None)
            resolved.entities[key] = entity
        entity.aliases.add(_clean_alias(mention.name))
        if mention.canonical:
            entity.aliases.add(mention.canonical)
        if mention.rank and not entity.rank:
            entity.rank = mention.rank
        if mention.branch and not entity.branch:
            entity.branch = mention.branch
        if mention.kind == "Person":
            entity.label = choose_label("Person", sorted(entity.aliases))
        elif mention.country and not entity.country and mention.kind != "Country":
            entity.country = mention.country

    for mention in extraction.mentions:
        add(mention)
    for relation in extraction.relations:
        add(relation.subject)
        if relation.object is not None:
            add(relation.object)
        if relation.post is not None and relation.post.org is not None:
            add(relation.post.org)
        resolved.relations.append(relation)
    return resolved


def _clean_alias(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("’", "'")).strip(" ,")
