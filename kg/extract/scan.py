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
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

try:  # the characters case-insensitive matching pairs beyond lower-casing (CPython 3.11+)
    from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - older Pythons scan the slow way
    _EXTRA_CASES = None

#: characters whose ``str.lower()`` is not the one-character lower case the engine uses
_UNSAFE_LOWER = frozenset("\u0130\u03a3")
_INLINE_FLAGS = re.compile(r"\(\?[a-zA-Z\-](?<!\(\?P)")
_CLASS_RANGE = re.compile(r"\[(?:\\.|[^\]\\])*?[^\\]-[^\]\\](?:\\.|[^\]\\])*\]")


@lru_cache(maxsize=256)
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


@lru_cache(maxsize=256)
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
