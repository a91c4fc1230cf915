"""Mentions as the rules see them before they become :class:`kg.model.Mention`: spans with what the
sentence said about them (posts, rank), and the small helpers every family uses to find them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.gazetteer import KnownEntity, PostTitle
from kg.extract.patterns import MODIFIERS
from kg.extract.text import normalise_name
from kg.model import Mention, Modality, Post

#: A post a sentence gives a person: (post, confidence, rule id, modality).
PostClaim = tuple[Post, float, str, Modality]


@dataclass
class Span:
    """A mention found in a sentence, before in-document resolution; offsets are in the document."""

    kind: str
    name: str
    start: int
    end: int
    known: KnownEntity | None = None
    demonym: bool = False
    rank: str | None = None
    country: str | None = None
    branch: str | None = None
    posts: list[PostClaim] = field(default_factory=list)
    head_start: int | None = None  # where the title/rank phrase introducing a person starts
    refers_to: str | None = None  # for a later mention ("Esper"): the name the person was introduced by
    qualified: str | None = None  # a generic name made specific: "General Staff" -> "Russian General Staff"

    @property
    def canonical(self) -> str:
        """The gazetteer's name, else the qualified name ("Russian General Staff"), else the name."""
        return self.known.name if self.known else (self.qualified or self.name)


@dataclass
class Person:
    """A person the article has introduced, for later mentions ("Esper", "the general", "he")."""

    key: str
    name: str
    tokens: list[str]
    rank: str | None = None
    titles: set[str] = field(default_factory=set)


def span_at(spans: list[Span], pos: int) -> Span | None:
    """The first span starting at ``pos``."""
    for span in spans:
        if span.start == pos:
            return span
    return None


_BEFORE_TITLE = re.compile(rf"(?:['’]s)?\s+{MODIFIERS}$", re.IGNORECASE)
_WINDOW = 256


def span_ending_at(spans: list[Span], pos: int, text: str) -> Span | None:
    """The organisation or country right before a title: "US Central Command commander", "Iraq's".

    The possessive and modifiers before ``pos`` are found in a window that widens only while the
    match could reach further back, so the cost does not grow with the length of the article.
    """
    window = _WINDOW
    while True:
        low = max(0, pos - window)
        m = _BEFORE_TITLE.search(text, low, pos)
        if m is None or low == 0 or m.start() > low + _WINDOW // 2:
            break
        window *= 4
    cut = m.start() if m else pos
    best = None
    for span in spans:
        if span.end == cut and span.kind != "Person":
            best = span
    return best


def span_len(text: str, start: int, phrase: str) -> int:
    """Length in the text of a phrase whose whitespace may have been normalised."""
    pos = start
    for word in phrase.split():
        found = text.find(word, pos)
        if found < 0:
            return len(phrase)
        pos = found + len(word)
    return pos - start


def key_of(span: Span) -> str:
    """The in-document key of a span: persons by name, the rest by canonical name."""
    if span.kind == "Person":
        return "person:" + normalise_name(span.refers_to or span.name)
    return ("country:" if span.kind == "Country" else "org:") + normalise_name(span.canonical)


def mention_of(span: Span) -> Mention:
    """The :class:`Mention` a span becomes."""
    known = span.known
    return Mention(kind=span.kind, name=span.name, start=span.start, end=span.end,  # type: ignore[arg-type]
                   key=key_of(span), canonical=known.name if known else span.qualified,
                   wikidata=known.wikidata if known else None, rank=span.rank, country=span.country,
                   branch=span.branch)


def make_post(title: PostTitle, org: Span | None) -> Post:
    """A post with its title and, when named, the organisation (or country) it belongs to."""
    if org is None:
        return Post(title=title.title)
    known = org.known
    mention = Mention(kind=org.kind, name=org.name, start=org.start, end=org.end,  # type: ignore[arg-type]
                      key=("country:" if org.kind == "Country" else "org:") + normalise_name(org.canonical),
                      canonical=known.name if known else org.qualified, wikidata=known.wikidata if known else None,
                      country=org.country)
    return Post(title=title.title, org=mention)
