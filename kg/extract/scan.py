"""Whole-text scans made faster without changing a single match: the same pattern, rewritten into
a form Python's regular-expression engine skips through quickly.

Two rewrites, each used only where it provably finds the same matches:

- **Folded twin.** A case-insensitive pattern written in lower case finds the same spans in a text
  as the case-sensitive pattern finds in the text lower-cased, unless the text holds a character
  that case-insensitive matching pairs with a letter of the pattern but lower-casing does not
  ("ı" for "i", "ſ" for "s"), or one whose lower case is longer ("İ") or depends on its
  neighbours ("Σ"). Case-sensitive literals let the engine reject a branch on one comparison.
- **Lookbehind inside.** ``(?<![\\w.])(?:A...|B...)``, a word list behind a guard, tries the guard at
  every position; with the guard moved behind each branch's first character,
  ``(?:A(?<![\\w.][\\s\\S])...|B...)``, the engine only stops at the characters a branch starts with
  (used when those are capitals: most positions hold none).

A scan then re-matches the original pattern at each start found, so that callers get its own match
objects (groups, ``group()`` in the original case).

A scan of one sentence is first gated by the pattern's **required words**: literal strings one of
which every match contains ("succeed", "replac", "relieved", ...), read off the parsed pattern.
A sentence holding none of them cannot match, and is not scanned.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

try:  # the characters case-insensitive matching pairs beyond lower-casing, and the parser (3.11+)
    from re import _parser  # type: ignore[attr-defined,unused-ignore]
    from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - older Pythons scan the slow way
    _EXTRA_CASES = None
    _parser = None

#: characters whose ``str.lower()`` is not the one-character lower case the engine uses
_UNSAFE_LOWER = frozenset("\u0130\u03a3")
_T = TypeVar("_T")


def _by_identity(compute: Callable[[re.Pattern[str]], _T]) -> Callable[[re.Pattern[str]], _T]:
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


_INLINE_FLAGS = re.compile(r"\(\?[a-zA-Z\-](?<!\(\?P)")
_CLASS_RANGE = re.compile(r"\[(?:\\.|[^\]\\])*?[^\\]-[^\]\\](?:\\.|[^\]\\])*\]")


@_by_identity
def folded_twin(regex: re.Pattern[str]) -> tuple[re.Pattern[str], frozenset[str]] | None:
    """The case-sensitive twin of a case-insensitive pattern written in lower case, and the
    (lower-cased) text characters in whose presence the twin may differ; None when it has none.

    >>> twin, unsafe = folded_twin(re.compile(r"\\bsaid\\b", re.IGNORECASE))
    >>> bool(twin.flags & re.IGNORECASE), sorted(unsafe)
    (False, ['ı', 'ſ'])
    """
    source = regex.pattern
    if (_EXTRA_CASES is None or not regex.flags & re.IGNORECASE or any(c.isupper() for c in source)
            or _INLINE_FLAGS.search(source) or _CLASS_RANGE.search(source)):
        return None
    unsafe = {chr(other) for c in set(source) for other in _EXTRA_CASES.get(ord(c), ())}
    return re.compile(source, regex.flags & ~re.IGNORECASE), frozenset(unsafe)


def lowered(text: str) -> str | None:
    """``text`` lower-cased, when its offsets stay those of ``text``."""
    if not text.isascii() and any(c in text for c in _UNSAFE_LOWER):
        return None
    low = text.lower()
    return low if len(low) == len(text) else None


@_by_identity
def lookbehind_inside(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """``(?<!G)(?:A...|B...)TAIL`` as ``(?:A(?<!G[\\s\\S])...|B(?<!G[\\s\\S])...)TAIL``, when the
    pattern has that shape and ``G`` matches one character; None otherwise.

    >>> lookbehind_inside(re.compile(r"(?<![\\w.])(?:A(?:b|c)|D)(?!\\w)")).pattern
    '(?:A(?<![\\\\w.][\\\\s\\\\S])(?:b|c)|D(?<![\\\\w.][\\\\s\\\\S]))(?!\\\\w)'
    """
    guard = re.match(r"\(\?<!(\[(?:\\.|[^\]\\])+\])\)\(\?:", regex.pattern)
    if guard is None or regex.flags & re.IGNORECASE:
        return None
    body_end = _group_end(regex.pattern, guard.end() - 3)
    if body_end is None:
        return None
    body = regex.pattern[guard.end():body_end - 1]
    while body.startswith("(?:") and _group_end(body, 0) == len(body):  # "(?:(?:A|B))"
        body = body[3:-1]
    branches = _top_branches(body)
    # only a gain when the branches start with characters most positions do not hold (capitals)
    if branches is None or any(not b or b[0] in "([|.*+?{^$" or b[0].islower() or (b[0] == "\\" and b[1:2].isalnum())
                               for b in branches):
        return None
    inside = f"(?<!{guard.group(1)}[\\s\\S])"
    rewritten = [(b[:2] + inside + b[2:]) if b[0] == "\\" else (b[0] + inside + b[1:]) for b in branches]
    return re.compile("(?:" + "|".join(rewritten) + ")" + regex.pattern[body_end:], regex.flags)


def _group_end(source: str, opening: int) -> int | None:
    """The index just after the parenthesis that closes the one at ``opening``."""
    depth = 0
    pos = opening
    while pos < len(source):
        char = source[pos]
        if char == "\\":
            pos += 2
            continue
        if char == "[":
            close = re.compile(r"(?:\\.|[^\]\\])*\]").match(source, pos + 1)
            if close is None:
                return None
            pos = close.end()
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        pos += 1
        if depth == 0:
            return pos
    return None


def _top_branches(body: str) -> list[str] | None:
    """The alternatives of ``body`` split at its top-level ``|``."""
    branches, start, pos = [], 0, 0
    while pos < len(body):
        if body[pos] == "\\":
            pos += 2
        elif body[pos] == "(":
            end = _group_end(body, pos)
            if end is None:
                return None
            pos = end
        elif body[pos] == "[":
            close = re.compile(r"(?:\\.|[^\]\\])*\]").match(body, pos + 1)
            if close is None:
                return None
            pos = close.end()
        elif body[pos] == "|":
            branches.append(body[start:pos])
            pos += 1
            start = pos
        else:
            pos += 1
    branches.append(body[start:])
    return branches


def scan_text(regex: re.Pattern[str], text: str, low: str | None) -> list[re.Match[str]]:
    """``list(regex.finditer(text))``, found through a faster equivalent where there is one;
    ``low`` is :func:`lowered` of ``text``."""
    if not _holds_a_word(text_gate(regex), text, low):
        return []
    twin = folded_twin(regex)
    if twin is not None and low is not None and (low.isascii() or not any(c in low for c in twin[1])):
        found = _rematched(regex, text, twin[0].finditer(low))
    else:
        inside = lookbehind_inside(regex)
        found = _rematched(regex, text, inside.finditer(text)) if inside is not None else None
    return found if found is not None else list(regex.finditer(text))


def _rematched(regex: re.Pattern[str], text: str, hits: Iterator[re.Match[str]]) -> list[re.Match[str]] | None:
    """The original pattern's matches at the rewrite's hits; None (scan the slow way) should one
    ever differ."""
    out = []
    for hit in hits:
        match = regex.match(text, hit.start())
        if match is None or match.end() != hit.end():  # pragma: no cover - the rewrites are exact
            return None
        out.append(match)
    return out


#: (case-sensitive words, case-insensitive words (lower-cased), text characters that void the latter)
Gate = tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]
_Words = frozenset[tuple[str, bool]]
_MIN_WORD = 3  # shorter required strings are in nearly every sentence: no gate
_MAX_WORDS = 24
_MAX_TEXT_WORDS = 64  # a whole text is gated by ``in`` tests, which cost less than its scan
_MANY_WORDS = 8  # more case-sensitive words than this: one scan for them all costs less than the tests


@_by_identity
def gate(regex: re.Pattern[str]) -> Gate | None:
    """The words one of which every match of ``regex`` contains, or None when it has no useful ones
    for a sentence (too short, too many).

    >>> gate(re.compile(r"\\b(?:succeed(?:s|ed)?|took\\s+over)\\s+", re.IGNORECASE))[1]
    ('succeed', 'took')
    """
    words = _words(regex)
    if not words or min(len(w) for w, _ in words) < _MIN_WORD or len(words) > _MAX_WORDS:
        return None
    return _as_gate(words)


@_by_identity
def text_gate(regex: re.Pattern[str]) -> tuple[Gate, re.Pattern[str] | None] | None:
    """:func:`gate` for a whole text: short words too ("USS", "JS"), and more of them; with, for
    many case-sensitive words, one pattern of them all (one scan, not one ``in`` test per word)."""
    words = _words(regex)
    if not words or len(words) > _MAX_TEXT_WORDS:
        return None
    found = _as_gate(words)
    if len(found[0]) <= _MANY_WORDS:
        return found, None
    return found, re.compile("|".join(re.escape(w) for w in sorted(found[0], key=len, reverse=True)))


@_by_identity
def _words(regex: re.Pattern[str]) -> _Words | None:
    if _parser is None:
        return None
    try:
        parsed = _parser.parse(regex.pattern, regex.flags)
    except (re.error, ValueError, TypeError):  # pragma: no cover - a compiled pattern parses
        return None
    return _required(parsed.data, bool(parsed.state.flags & re.IGNORECASE))


def _as_gate(words: _Words) -> Gate:
    folded = tuple(sorted(w.lower() for w, ci in words if ci))
    unsafe = {chr(other) for w in folded for c in w for other in (_EXTRA_CASES or {}).get(ord(c), ())}
    return tuple(sorted(w for w, ci in words if not ci)), folded, frozenset(unsafe)


def _required(items: list[tuple[Any, Any]], ignorecase: bool) -> _Words | None:
    """The best set of literal strings one of which every match of ``items`` contains."""
    best: _Words | None = None
    run: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run.append(chr(av))
            continue
        if run:
            best = _better(best, frozenset({("".join(run), ignorecase)}))
            run = []
        best = _better(best, _required_in(name, av, ignorecase))
    if run:
        best = _better(best, frozenset({("".join(run), ignorecase)}))
    return best


def _required_in(name: str, av: Any, ignorecase: bool) -> _Words | None:
    """What a group, alternation, repetition or lookahead requires (a lookbehind may look before
    the scan's start, a negative lookaround requires nothing)."""
    if name == "SUBPATTERN":
        _, add, remove, sub = av
        folding = (ignorecase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
        return _required(sub.data, folding)
    if name == "BRANCH":
        union: set[tuple[str, bool]] = set()
        for alt in av[1]:
            words = _required(alt.data, ignorecase)
            if not words:
                return None
            union |= words
        return frozenset(union)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
        return _required(av[2].data, ignorecase)
    if name == "ASSERT" and av[0] == 1:  # a lookahead sees no further than the scan's end
        return _required(av[1].data, ignorecase)
    return None


def _better(a: _Words | None, b: _Words | None) -> _Words | None:
    """The more selective of two requirements: longer shortest word, then fewer words."""
    if a is None or b is None:
        return a or b
    score_a = (min(len(w) for w, _ in a), -len(a))
    score_b = (min(len(w) for w, _ in b), -len(b))
    return b if score_b > score_a else a


Hits = tuple[list[int], list[int]]


def _holds_a_word(found: tuple[Gate, re.Pattern[str] | None] | None, text: str, low: str | None) -> bool:
    """False only when ``text`` holds none of the gate's words (so ``regex`` cannot match in it)."""
    if found is None:
        return True
    (sensitive, folded, unsafe), any_sensitive = found
    if folded and (low is None or (not low.isascii() and any(c in low for c in unsafe))):
        return True
    if any_sensitive is not None:
        if any_sensitive.search(text):
            return True
    elif any(word in text for word in sensitive):
        return True
    return any(word in (low or "") for word in folded)


def word_hits(found: Gate | None, text: str, low: str | None) -> Hits | None:
    """Where the gate's words occur in ``text`` (starts and ends, by start; overlapping ones too),
    found once per document; None when the gate cannot be used on this text."""
    if found is None:
        return None
    sensitive, folded, unsafe = found
    if folded and (low is None or (not low.isascii() and any(c in low for c in unsafe))):
        return None
    hits = []
    for words, where in ((sensitive, text), (folded, low or "")):
        for word in words:
            pos = where.find(word)
            while pos >= 0:
                hits.append((pos, pos + len(word)))
                pos = where.find(word, pos + 1)
    hits.sort()
    return [a for a, _ in hits], [b for _, b in hits]


def hit_between(hits: Hits | None, start: int, end: int) -> bool:
    """Whether a gate's word lies inside [start, end) (always, with no usable gate)."""
    if hits is None:
        return True
    starts, ends = hits
    index = bisect_left(starts, start)
    while index < len(starts) and starts[index] < end:
        if ends[index] <= end:
            return True
        index += 1
    return False


def usable_twin(regex: re.Pattern[str], low: str | None) -> re.Pattern[str] | None:
    """The folded twin of ``regex`` when it may scan ``low`` (the text lower-cased) in its place."""
    twin = folded_twin(regex)
    if twin is None or low is None or (not low.isascii() and any(c in low for c in twin[1])):
        return None
    return twin[0]


def finditer(regex: re.Pattern[str], twin: re.Pattern[str] | None, text: str, low: str | None,
             start: int, end: int) -> list[re.Match[str]]:
    """``list(regex.finditer(text, start, end))``, through ``twin`` (:func:`usable_twin`) if given."""
    if twin is None or low is None:
        return list(regex.finditer(text, start, end))
    out = []
    for hit in twin.finditer(low, start, end):
        match = regex.match(text, hit.start(), end)
        if match is None or match.end() != hit.end():  # pragma: no cover - the twin is exact
            return list(regex.finditer(text, start, end))
        out.append(match)
    return out
