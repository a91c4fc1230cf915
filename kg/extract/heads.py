"""Whole-text scans of word lists through the words' first characters, without changing a match.

A pattern such as ``(?<![\\w.])(?:acting\\s+prime\\s+minister|admiral|...)`` (every gazetteer list)
can only match where a word starts (its guard: a lookbehind that refuses a word character, or
``\\b``, before a word character) and only where the text there begins with one of a small set of
strings: its **heads**, the first few characters of every branch, read off the parsed pattern. The
words of a text are indexed once by their first characters (:class:`Heads`); a scan then tries the
pattern only at the words whose head it has, in text order, as ``finditer`` would: the same
matches, at a fraction of the cost of trying the pattern at every character.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from typing import Any, TypeVar

try:  # the parser and the characters case-insensitive matching pairs beyond lower-casing (3.11+)
    from re import _parser  # type: ignore[attr-defined,unused-ignore]
    from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - older Pythons scan the slow way
    _EXTRA_CASES = None
    _parser = None

_LENGTH = 4  # heads of four characters: few words of a text share one
_MAX_HEADS = 20_000
_MAX_CLASS = 8  # a class of this many literals or fewer ("[Tt]") is read as that many heads
_WORD_HEAD = re.compile(rf"\b\w{{1,{_LENGTH}}}")
_WORD_PART = re.compile(r"\w*")
_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")

#: (whether the heads are lower-cased, the heads of one, two, ... ``_LENGTH`` characters, the text
#: characters that void the lower-cased ones)
Plan = tuple[bool, tuple[frozenset[str], ...], frozenset[str]]


_T = TypeVar("_T")


def by_identity(compute: Callable[[re.Pattern[str]], _T]) -> Callable[[re.Pattern[str]], _T]:
    """Remember ``compute`` per pattern object: hashing a compiled pattern hashes its whole code,
    which costs more than a scan of a sentence for the large word lists."""
    memo: dict[int, tuple[re.Pattern[str], _T]] = {}

    def cached(regex: re.Pattern[str]) -> _T:
        hit = memo.get(id(regex))
        if hit is None or hit[0] is not regex:
            hit = memo[id(regex)] = (regex, compute(regex))  # the pattern is kept: its id stays its own
        return hit[1]

    cached.__doc__ = compute.__doc__
    return cached


class _NoHeads(Exception):
    """The pattern has no usable heads: scanned the ordinary way."""


class Heads:
    """The first characters of the words of one text (and of the text lower-cased), read when first asked."""

    def __init__(self, text: str, low: str | None) -> None:
        self.text, self.low = text, low
        self._keys: dict[tuple[bool, int], set[str]] = {}
        self._starts: dict[int, tuple[re.Pattern[str], list[int] | None]] = {}

    def finditer(self, regex: re.Pattern[str], start: int, end: int) -> list[re.Match[str]] | None:
        """``list(regex.finditer(text, start, end))``, tried only where a word with one of its heads
        starts; None when it has no usable heads."""
        found = self._starts.get(id(regex))
        if found is None or found[0] is not regex:
            found = self._starts[id(regex)] = (regex, self._word_starts(regex))
        starts = found[1]
        if starts is None:
            return None
        index = bisect_left(starts, start)
        out: list[re.Match[str]] = []
        last = start
        text = self.text
        for pos in starts[index:bisect_left(starts, end, index)]:
            if pos >= last:
                match = regex.match(text, pos, end)
                if match is not None:
                    out.append(match)
                    last = match.end()
        return out

    def _word_starts(self, regex: re.Pattern[str]) -> list[int] | None:
        """Where, in text order, a word starts with one of ``regex``'s heads; None: it has none."""
        found = plan(regex)
        if found is None:
            return None
        folded, wanted, unsafe = found
        source = self.low if folded else self.text
        if source is None or (folded and not source.isascii() and any(c in source for c in unsafe)):
            return None
        positions: list[int] = []
        for length, want in enumerate(wanted, 1):
            for head in want & self.keys(folded, length) if want else ():
                pos = source.find(head)  # the head's places that start a word (lower-casing keeps which do)
                while pos >= 0:
                    if pos == 0 or not (source[pos - 1].isalnum() or source[pos - 1] == "_"):
                        positions.append(pos)
                    pos = source.find(head, pos + 1)
        return sorted(set(positions))

    def keys(self, folded: bool, length: int) -> set[str]:
        """The first ``length`` characters of every word (all of a shorter one), of the lower-cased
        text if ``folded`` (only used when lower-casing keeps the text's offsets)."""
        found = self._keys.get((folded, length))
        if found is None:
            longest = self._keys.get((folded, _LENGTH))
            if longest is None:
                if not folded:
                    longest = set(_WORD_HEAD.findall(self.text))
                else:  # lower-casing keeps which characters are a word's (every one, checked)
                    longest = {k.lower() for k in self.keys(False, _LENGTH)}
                self._keys[(folded, _LENGTH)] = longest
            found = self._keys[(folded, length)] = {k[:length] for k in longest} if length < _LENGTH else longest
        return found


def head_scan(regex: re.Pattern[str], heads: Heads) -> list[re.Match[str]] | None:
    """``list(regex.finditer(text))`` through the words' heads; None when ``regex`` has none usable
    (or the text holds a character that would void them): scan it the ordinary way."""
    return heads.finditer(regex, 0, len(heads.text))


@by_identity
def plan(regex: re.Pattern[str]) -> Plan | None:
    """The heads of ``regex``, or None when not every match provably starts a word at one of them.

    >>> folded, heads, _ = plan(re.compile(r"(?<![\\w.])(?:gen(?:eral)?|adm|[Tt]he|lt\\.)\\b", re.I))
    >>> folded, [sorted(h) for h in heads]
    (True, [[], ['lt'], ['adm', 'gen', 'the'], []])
    """
    if _parser is None or regex.flags & (re.ASCII | re.LOCALE):
        return None
    try:
        parsed = _parser.parse(regex.pattern, regex.flags)
    except (re.error, ValueError, TypeError):  # pragma: no cover - a compiled pattern parses
        return None
    folded = bool(parsed.state.flags & re.IGNORECASE)
    if not _guarded(parsed.data):
        return None
    out: set[str] = set()
    try:
        _walk(list(parsed.data), 0, "", folded, out)
    except _NoHeads:
        return None
    cut = {_WORD_PART.match(h).group() for h in out}  # type: ignore[union-attr]  # (it matches "")
    if "" in cut:  # a head must start with a word's character
        return None
    unsafe = {chr(o) for h in cut for c in h for o in (_EXTRA_CASES or {}).get(ord(c), ())} if folded else set()
    by_length = tuple(frozenset(h for h in cut if len(h) == n) for n in range(1, _LENGTH + 1))
    return folded, by_length, frozenset(unsafe)


def _guarded(items: Any) -> bool:
    """Whether a word boundary or a lookbehind refusing a word character comes before the first
    character a match takes."""
    for op, av in items:
        name = str(op)
        if name not in _ZERO_WIDTH:
            return False
        if name == "AT" and str(av) == "AT_BOUNDARY":
            return True
        if name == "ASSERT_NOT" and av[0] == -1 and len(av[1].data) == 1:
            sub_op, members = av[1].data[0]
            if str(sub_op) == "IN" and any(str(o) == "CATEGORY" and str(a) == "CATEGORY_WORD" for o, a in members) \
                    and not any(str(o) == "NEGATE" for o, _ in members):
                return True
    return False


def _walk(items: list[Any], i: int, acc: str, folded: bool, out: set[str]) -> None:
    """Add to ``out`` the strings of up to ``_LENGTH`` characters a match of ``items[i:]`` after
    ``acc`` starts with; raise :class:`_NoHeads` where one would be empty."""
    while True:
        if len(acc) >= _LENGTH or i == len(items):
            if not acc:
                raise _NoHeads
            out.add(acc[:_LENGTH])
            if len(out) > _MAX_HEADS:
                raise _NoHeads
            return
        op, av = items[i]
        name = str(op)
        if name == "LITERAL":
            acc += _char(av, folded)
            i += 1
        elif name in _ZERO_WIDTH:
            i += 1
        elif name == "BRANCH":
            for alt in av[1]:
                _walk(list(alt.data) + items[i + 1:], 0, acc, folded, out)
            return
        elif name == "SUBPATTERN":
            if (av[1] | av[2]) & re.IGNORECASE:
                raise _NoHeads
            items, i = list(av[3].data) + items[i + 1:], 0
        elif name == "IN" and len(av) <= _MAX_CLASS and all(str(o) == "LITERAL" for o, _ in av):
            for _, code in av:
                _walk(items, i + 1, acc + _char(code, folded), folded, out)
            return
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            items, i = list(av[2].data), 0  # what follows the repetition is not known: heads end in it
        else:
            items, i = [], 0  # heads end here


def _char(code: int, folded: bool) -> str:
    char = chr(code)
    if not folded:
        return char
    low = char.lower()
    if len(low) != 1 or char in "\u0130\u03a3\u03c2":
        raise _NoHeads
    return low
