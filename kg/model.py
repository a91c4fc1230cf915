"""Plain data passed between the stages of kg (read -> extract -> resolve -> map to RDF)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EntityKind = Literal["Person", "Organization", "MilitaryUnit", "GovernmentBody", "ArmedForces",
                     "Country", "Post"]
Modality = Literal["asserted", "negated", "past", "planned", "reported"]
RelationKind = Literal["holds", "headOf", "reportsTo", "subOrganizationOf", "memberOf", "troops"]


@dataclass(frozen=True)
class Document:
    """One news article, normalised: plain text with paragraphs separated by blank lines."""

    id: str
    text: str
    title: str = ""
    published: str | None = None  # ISO date, YYYY-MM-DD
    url: str | None = None
    source: str | None = None  # where it came from: a file path, "file.jsonl:12" or "<stdin>"
    language: str | None = None  # ISO 639-1 code identified by kg.language
    duplicate_of: str | None = None  # id of the earlier article this one republishes (kg.dedup)
    author: str | None = None  # as the page or feed names it
    publisher: str | None = None  # the site or feed it was published on


@dataclass(frozen=True)
class Mention:
    """A span of a document that names an entity.

    ``key`` identifies the entity inside the document (after in-document coreference); ``name`` is the
    name as written without title or rank; ``canonical`` is a known canonical name (gazetteer).
    """

    kind: EntityKind
    name: str
    start: int
    end: int
    key: str = ""
    canonical: str | None = None
    wikidata: str | None = None
    rank: str | None = None
    country: str | None = None  # canonical country name the mention is tied to (demonym, "US Army")
    branch: str | None = None  # canonical name of a service branch ("US Marine Corps")


@dataclass(frozen=True)
class Post:
    """A post as named in an article: a title, optionally the organisation or country it belongs to."""

    title: str  # canonical title, e.g. "Commander", "Secretary of Defense"
    org: Mention | None = None

    @property
    def label(self) -> str:
        if self.org is None:
            return self.title
        org_name = self.org.canonical or self.org.name
        if self.title.lower().endswith(" of " + org_name.lower()) or org_name.lower() in self.title.lower():
            return self.title
        return f"{self.title} of {org_name}"


@dataclass(frozen=True)
class RelationMention:
    """One relation stated in one sentence, with its evidence.

    For ``troops`` the subject is the sending country and the object the host; ``count`` is set.
    For ``holds`` the object is None and ``post`` is set (the post may be tied to an organisation).
    """

    kind: RelationKind
    subject: Mention
    object: Mention | None
    sentence: str
    start: int  # offsets of the sentence in the document text
    end: int
    confidence: float
    modality: Modality = "asserted"
    post: Post | None = None
    count: int | None = None
    hedge: str | None = None  # "about", "some", "more than"...
    rule: str = ""


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: Document
    mentions: list[Mention] = field(default_factory=list)
    relations: list[RelationMention] = field(default_factory=list)


@dataclass
class Entity:
    """A resolved real-world entity: its IRI key, class, canonical label and every alias seen."""

    key: str
    kind: EntityKind
    label: str
    aliases: set[str] = field(default_factory=set)
    wikidata: str | None = None
    rank: str | None = None
    branch: str | None = None
    country: str | None = None
