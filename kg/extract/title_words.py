"""Relation family: posts, the words around a title that name its owner or its field: an acronym
right before a leading title ("SDA Director X"), lower-case words describing a unit before its name
("the amphibious assault ship USS X"), the field written before a coordinator's or envoy's title
("Counterterrorism Coordinator X"), and words describing a title after a body ("Jordanian planning
minister")."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.gazetteer import PostTitle
from kg.extract.lexicon import words
from kg.extract.patterns import NOT_NAME, REGIONS
from kg.extract.spans import Span, span_at

_DESCRIPTOR_WORDS = re.compile(r"(?:(?!(?:for|of|in|at|to|and|with|on|by|from)\s)[a-z][a-z\-]*\s+){1,4}")


def described_unit(ctx: Context, pos: int, end: int, spans: list[Span]) -> Span | None:
    """"commanding officer of the amphibious assault ship USS X": lower-case words describing the
    unit (no preposition among them) before its name."""
    m = _DESCRIPTOR_WORDS.match(ctx.text, pos, end)
    unit = span_at(spans, m.end()) if m else None
    return unit if unit is not None and unit.kind not in ("Person", "Country") else None


_ACRONYM_BEFORE = re.compile(r"(?:^|(?<=[\s(“\"]))(?P<a>[A-Z][A-Z\d&\-]{1,7})\s+$")


def acronym_before(ctx: Context, pos: int, spans: list[Span]) -> Span | None:
    """"SDA Director Derek Tournear": an acronym no earlier step named, right before a leading
    title, is the body the title leads."""
    m = _ACRONYM_BEFORE.search(ctx.text, max(0, pos - 12), pos)
    if m is None or any(s.start < pos and m.start("a") < s.end for s in spans):
        return None
    word = m.group("a")
    g = ctx.gazetteer
    if g.lookup(word) or g.rank_re.fullmatch(word) or g.honorific_re.fullmatch(word):
        return None
    return Span("Organization", word, m.start("a"), m.end("a"))


#: Titles that are named by their field, written before them: "Counterterrorism Coordinator".
_FIELD_TITLES = frozenset({"Coordinator", "Adviser", "Advisor", "Special Advisor", "Special Adviser", "Envoy",
                           "Secretary", "Minister", "Special Envoy", "Special Representative"})
_PORTFOLIO_TITLES = frozenset({"Secretary", "Minister"})
#: The fields a secretary or minister may be named by ("Energy Minister X"), from ``data/portfolios.txt``.
PORTFOLIOS = words("portfolios.txt")
_FIELD_WORDS = frozenset({"and", "&", "affairs", "defence", "defense", "joint", "security", "space", "policy",
                          "national", "control", "justice", "rights", "assistance", "protection", "trafficking",
                          "terrorism", "programs", "plans", "readiness", "acquisition", "strategy", "cooperation",
                          "nonproliferation", "resources", "management"})
_CAPITAL_FIELD = re.compile(r"(?<![\w’'\-])((?:[A-Z][\w’'\-]*\s+(?:(?:and|&)\s+)?){1,4})$")


def _field_word(ctx: Context, word: str) -> bool:
    """Whether a capitalised word may name a title's field: not a word that ends names (but "Joint",
    "Security", regions), a given name, a rank, title or honorific, or a possessive."""
    g = ctx.gazetteer
    low = word.lower()
    return not ((low in NOT_NAME and low not in _FIELD_WORDS and low not in REGIONS) or word in g.given_names
                or g.rank_re.fullmatch(word) or g.post_re.fullmatch(word) or g.honorific_re.fullmatch(word)
                or word.endswith(("'s", "’s")))


def field_before(ctx: Context, title: PostTitle, pos: int, blocked: list[Span]
                 ) -> tuple[PostTitle, int, Span | None]:
    """"National Intelligence and Counter-Terrorism Coordinator X", "Japanese Finance Minister X": the
    capitalised words naming a coordinator's, minister's or envoy's field are the title's (rule
    ``title-before-name``); none of them may be a word that ends names, a rank, title or given name.
    Returns the title, where it starts, and the body or country named right before the field."""
    if title.title not in _FIELD_TITLES:
        return title, pos, None
    m = _CAPITAL_FIELD.search(ctx.text, max(0, pos - 60), pos)
    if m is None or m.group(1).split()[-1] in ("and", "&"):
        return title, pos, None  # "Joe Biden and Special Envoy X": two persons
    keep: list[str] = []
    a = pos
    for word in reversed(m.group(1).split()):
        if not _field_word(ctx, word) or any(s.start < a - 1 and a - 1 - len(word) < s.end for s in blocked):
            break
        keep.insert(0, word)
        a -= len(word) + 1
    while keep and (keep[0] in ("and", "&") or (title.title in _PORTFOLIO_TITLES and " ".join(keep).lower()
                                                  not in PORTFOLIOS)):
        a += len(keep.pop(0)) + 1  # "Later Secretary X": a secretary's or minister's field is a known portfolio
    if not keep:
        return title, pos, None
    owner = next((s for s in blocked if s.kind != "Person" and s.end <= a and not ctx.text[s.end:a].strip()), None)
    return PostTitle(title.form, f"{' '.join(keep)} {title.title}", False), a, owner


_DESCRIBING = re.compile(r"(?<![\w\-])(?P<words>(?:[a-z][a-z\-]+\s+){1,2})$")
_OWNER_GAP = re.compile(r"(?:['’]s)?\s+")
NOT_DESCRIBING = frozenset({"the", "a", "an", "of", "and", "for", "to", "in", "on", "at", "by", "with", "new",
                             "former",
                             "his", "her", "its", "their", "our", "said", "says", "told", "is", "was", "who", "that",
                             "since", "until", "after", "before", "as", "from", "under", "than", "like", "when",
                             "while", "into", "through", "about", "over", "are", "were", "be", "been", "but", "or"})


def described_before(ctx: Context, pos: int, spans: list[Span]) -> tuple[Span, str] | None:
    """"Jordanian planning minister": a country or body, then up to two lower-case words that
    describe the title before ``pos`` (the body and the words)."""
    m = _DESCRIBING.search(ctx.text, max(0, pos - 40), pos)
    if m is None or any(w in NOT_DESCRIBING for w in m.group("words").split()):
        return None
    owner = next((s for s in spans if s.kind != "Person" and m.start() - 4 <= s.end < m.start()
                  and _OWNER_GAP.fullmatch(ctx.text, s.end, m.start())), None)
    if owner is None:
        return None
    return owner, " ".join(m.group("words").split())
