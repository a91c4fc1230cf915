"""Gazetteers: the names kg knows before it reads an article, loaded from the TSV files in ``data/``.

The files are data, written by the project from public facts, so that adding a country, a rank or a
command is an edit to a table, not to code. Each file has a ``#`` header line naming its columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

UPPER = "A-ZÀ-ÖØ-ÞĀĆČĐĒĘĞİŁŃŌŐŒŘŚŞŠŢŪŰŹŻŽ"


@dataclass(frozen=True)
class KnownEntity:
    """An entity named in a gazetteer: a country or an organisation."""

    name: str
    kind: str  # "Country", "Organization", "MilitaryUnit", "GovernmentBody", "ArmedForces"
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    country: str | None = None
    part_of: str | None = None
    wikidata: str | None = None


@dataclass(frozen=True)
class PostTitle:
    """A post title as it appears in text, mapped to its canonical title."""

    form: str
    title: str
    leads: bool  # the holder heads the organisation the post is "of"


@dataclass
class Gazetteer:
    """Every table of ``data/``, with the regular expressions built from them."""

    entities: dict[str, KnownEntity] = field(default_factory=dict)
    surface: dict[str, tuple[KnownEntity, bool]] = field(default_factory=dict)  # form -> (entity, is demonym)
    ranks: dict[str, str] = field(default_factory=dict)  # lower-case form -> canonical rank
    posts: dict[str, PostTitle] = field(default_factory=dict)  # lower-case form -> post title
    honorifics: set[str] = field(default_factory=set)
    given_names: set[str] = field(default_factory=set)  # and Chinese/Korean family names: both come first
    family_first: set[str] = field(default_factory=set)  # family names written first ("Kim Myung-soo")
    persons: dict[str, str] = field(default_factory=dict)  # written form of a known person -> canonical name
    surface_re: re.Pattern[str] = re.compile("(?!)")
    rank_re: re.Pattern[str] = re.compile("(?!)")
    post_re: re.Pattern[str] = re.compile("(?!)")
    honorific_re: re.Pattern[str] = re.compile("(?!)")
    person_re: re.Pattern[str] = re.compile("(?!)")

    def lookup(self, text: str) -> tuple[KnownEntity, bool] | None:
        """The known entity a surface form names, and whether the form is a demonym.

        >>> gazetteer = load_gazetteer()
        >>> entity, is_demonym = gazetteer.lookup("U.S.")
        >>> entity.name, is_demonym
        ('United States', False)
        """
        return self.surface.get(text) or self.surface.get(_fold(text))


def _fold(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def _rows(name: str) -> list[list[str]]:
    data = resources.files("kg.extract").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    rows = []
    for line in data.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _alternation(forms: list[str], fold_case: bool = False) -> str:
    """One regular expression matching any of ``forms``, longest match first ("Brigadier General"
    wins over "General"). The forms are merged into a trie, so the pattern shares prefixes: Python's
    regex engine then tries a few branches per position instead of hundreds.
    """
    trie: dict[str, Any] = {}
    for form in set(forms):
        node = trie
        for char in (form.lower() if fold_case else form):
            node = node.setdefault(char, {})
        node[""] = True
    return _trie_pattern(trie)


def trie_alternation(forms: list[str]) -> str:
    """A regular expression matching any of ``forms`` (literal words), merged into a trie so that
    it scans fast: ``trie_alternation(["said", "says"])`` is ``sa(?:id|ys)``.

    >>> trie_alternation(["said", "says"])
    'sa(?:id|ys)'
    """
    return _alternation(forms)


def _trie_pattern(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = []
    for char in sorted(k for k in node if k):
        piece = r"\s+" if char == " " else re.escape(char)
        branches.append(piece + _trie_pattern(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # greedy: the longer continuation is tried first, the form ending here after it
    return f"(?:{body})?" if ends else body


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Load the gazetteer tables shipped in ``kg/extract/data`` (cached: they are read once)."""
    gazetteer = Gazetteer()
    _load_entities(gazetteer)
    _load_surface(gazetteer)
    _load_titles(gazetteer)
    _compile(gazetteer)
    return gazetteer


def _load_entities(gazetteer: Gazetteer) -> None:
    for row in _rows("countries.tsv"):
        entity = KnownEntity(name=row[0], kind="Country", aliases=_split(_cell(row, 1)),
                             demonyms=_split(_cell(row, 2)), wikidata=_cell(row, 3) or None)
        gazetteer.entities[entity.name] = entity
    for row in _rows("organisations.tsv"):
        entity = KnownEntity(name=row[0], kind=_cell(row, 2) or "Organization",
                             aliases=_split(_cell(row, 1)), country=_cell(row, 3) or None,
                             part_of=_cell(row, 4) or None, wikidata=_cell(row, 5) or None)
        gazetteer.entities[entity.name] = entity


def _load_surface(gazetteer: Gazetteer) -> None:
    """Every written form of every entity: names, aliases (also folded), demonyms."""
    for entity in gazetteer.entities.values():
        for form in (entity.name, *entity.aliases):
            form = re.sub(r"^the\s+", "", form, flags=re.IGNORECASE)
            gazetteer.surface.setdefault(form, (entity, False))
            if not form.isupper() and "." not in form:
                gazetteer.surface.setdefault(_fold(form), (entity, False))
        for form in entity.demonyms:
            gazetteer.surface.setdefault(form, (entity, True))


def _load_titles(gazetteer: Gazetteer) -> None:
    """Ranks, post titles, honorifics and given names."""
    for row in _rows("ranks.tsv"):
        gazetteer.ranks[_fold(row[0])] = row[1]
    for row in _rows("posts.tsv"):
        gazetteer.posts[_fold(row[0])] = PostTitle(row[0], row[1], _cell(row, 2) == "1")
    for row in _rows("honorifics.tsv"):
        gazetteer.honorifics.add(_fold(row[0]))
    gazetteer.given_names = {row[0] for row in _rows("given_names.tsv")}
    gazetteer.family_first = {row[0] for row in _rows("given_names.tsv") if _cell(row, 1) == "family"}
    for row in _rows("persons.tsv"):
        for form in (row[0], *_split(_cell(row, 1))):
            gazetteer.persons.setdefault(form, row[0])


def _compile(gazetteer: Gazetteer) -> None:
    """The patterns that find the tables' forms in text."""
    # Names are matched case-sensitively (so "US" is a country and "us" is not); the folded
    # lower-case forms are matched when they are capitalised as written in the table.
    forms = [f for f in gazetteer.surface if f != _fold(f) or f[:1].isupper()]
    gazetteer.surface_re = re.compile(rf"(?<![\w.\-])(?:{_alternation(forms)})(?![\w\-]|\.\w)")
    gazetteer.rank_re = re.compile(
        rf"(?<![\w.])(?:{_alternation(_rank_forms(), fold_case=True)})(?![\w\-])", re.IGNORECASE)
    gazetteer.post_re = re.compile(
        rf"(?<![\w.])(?:{_alternation([p.form for p in gazetteer.posts.values()], fold_case=True)})(?![\w\-])",
        re.IGNORECASE)
    gazetteer.honorific_re = re.compile(
        rf"(?<![\w.])(?:{_alternation([r[0] for r in _rows('honorifics.tsv')])})(?![\w\-])")
    # known persons as written (case-sensitive: "Assad", "Kim Jong Un"), never inside a longer word
    gazetteer.person_re = re.compile(rf"(?<![\w\-’'])(?:{_alternation(list(gazetteer.persons))})(?![\w\-])")


def _rank_forms() -> list[str]:
    return [row[0] for row in _rows("ranks.tsv")]


def canonical_rank(form: str) -> str:
    """The canonical rank for a written form: ``canonical_rank("Brig. Gen.") == "Brigadier General"``.

    >>> canonical_rank("Lt. Gen.")
    'Lieutenant General'
    """
    return load_gazetteer().ranks.get(_fold(form), form.strip().title())


def fold(text: str) -> str:
    """Lower-case, single-spaced, straight apostrophes: the key gazetteer look-ups use."""
    return _fold(text)
