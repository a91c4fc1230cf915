"""Word lists of the rules, read from the text files in ``data/`` (one entry a line, ``#`` comments).

Two shapes: a *word set* (``not_name.txt``: lower-case words, order free) and an *alternation*
(``troop_nouns.txt``: one regular-expression alternative a line, tried in the file's order). Adding
a hedge word or a troop noun is an edit to a file, not to code.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=64)
def lines(name: str) -> tuple[str, ...]:
    """The non-empty, non-comment lines of ``data/<name>``, stripped of their line ends.

    >>> "troops" in lines("troop_nouns.txt")
    True
    """
    data = resources.files("kg.extract").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return tuple(line.rstrip("\n") for line in data.splitlines() if line.strip() and not line.startswith("#"))


def words(name: str) -> frozenset[str]:
    """A word list as a set: ``words("not_name.txt")``."""
    return frozenset(line.strip() for line in lines(name))


def table(name: str) -> dict[str, str]:
    """A two-column tab-separated list as a dict, first column to second, in file order."""
    rows = (line.split("\t") for line in lines(name))
    return {row[0].strip(): row[1].strip() for row in rows}


def alternation(name: str) -> str:
    """The lines of an alternation file joined with ``|``, in file order (regex syntax kept)."""
    return "|".join(lines(name))
