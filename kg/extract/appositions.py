"""Mention family: persons, continued. Untitled full names that an apposition ("Orla Fenwick, the
defence minister,") or a reporting verb ("Orla Fenwick told reporters") marks as persons: the
``person-apposed`` rule of :mod:`kg.extract.persons`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from kg.extract.context import Context
from kg.extract.patterns import NOT_NAME, ORG_HEADS
from kg.extract.person_stops import not_a_person
from kg.extract.persons import _APPOSED, _TWO_CAPITALS, _overlaps, clean_name
from kg.extract.spans import Span

_COMMA_BEFORE = re.compile(r",\s*(?:the\s+)?(?:[A-Z][\w\-]*\s+){0,3}$")  # a comma before a capitalised post
_WORD_START = re.compile(r"(?<!\S)\S")
#: the verbs the apposition rule's first pattern may find after a name (its other branch needs a comma)
_APPOSITION_VERB = re.compile(r"\s(?:said|says|told|added|announced|wrote|tweeted|is|was)\b")


@lru_cache(maxsize=4)
def _apposition_patterns(posts: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compiled once per gazetteer: too large to leave to the ``re`` module's small cache."""
    # the titles are folded to lower case: "Ambassador" is one too (a lone word keeps the lower-case
    # titles only: "Indeed, the First Secretary ..." names no one); pattern 2 finds a capitalised title
    # right after the comma ("Holm, Minister for Trade") where it stands in the article
    full = re.compile(_APPOSED.pattern(0, POSTS=f"(?i:{posts})"), _APPOSED.flags)
    lone = re.compile(_APPOSED.pattern(1, POSTS=posts), _APPOSED.flags)
    capital = re.compile(_APPOSED.pattern(2, POSTS=posts), _APPOSED.flags)
    return full, lone, capital


def _capital_appositions(ctx: Context, capital: re.Pattern[str], start: int, end: int) -> Iterator[re.Match[str]]:
    """"Orla Fenwick, Minister for Trade": the names before a comma and a capitalised post title,
    looked for only before the post titles the article holds (found once per article)."""
    text = ctx.text
    last = start
    for post in ctx.matches("post", ctx.gazetteer.post_re, start, end):
        at = text.rfind(",", max(last, post.start() - 60), post.start())
        if at < 0 or not text[post.start()].isupper() or not _COMMA_BEFORE.match(text, at, post.start()):
            continue
        window = max(last, at - 120)
        words = [w.start() for w in _WORD_START.finditer(text, window, at)][-4:]
        m = next((found for pos in words if (found := capital.match(text, pos, post.end()))), None)
        if m is not None:
            last = m.end(1)
            yield m


def apposition_persons(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """Untitled full names that an apposition or a reporting verb marks as persons."""
    found: list[Span] = []
    pattern, lone, capital = _apposition_patterns(ctx.gazetteer.post_re.pattern)
    # a match is two name words (two capitals), then a comma or a verb: many sentences have neither
    may_appose = _TWO_CAPITALS.search(ctx.text, start, end) is not None and (
        ctx.text.find(",", start, end) >= 0 or _APPOSITION_VERB.search(ctx.text, start, end) is not None)
    runs = [(m.start(1), m.group(1)) for m in pattern.finditer(ctx.text, start, end)] if may_appose else []
    runs += [(m.start(1), m.group(1)) for m in _capital_appositions(ctx, capital, start, end)]
    for run_start, run in runs:
        span = _apposed_name(ctx, run_start, run, taken + found)
        if span is not None:
            found.append(span)
    # "Esper, the defense secretary, said": a lone family name, when the apposition is a post title
    # (the pattern needs the comma: most sentences have none, and a cheap find skips the search)
    lone_matches = lone.finditer(ctx.text, start, end) if ctx.text.find(",", start, end) >= 0 else ()
    for m in lone_matches:
        a, b = m.start(1), m.end(1)
        word = m.group(1)
        if _overlaps(a, b, taken + found) or word.lower() in NOT_NAME \
                or ctx.gazetteer.lookup(word) or word in ORG_HEADS or len(word) < 3:
            continue
        found.append(Span("Person", word, a, b))
    return found


def _apposed_name(ctx: Context, run_start: int, run: str, taken: list[Span]) -> Span | None:
    """The person named by a capitalised run before an apposed post, if it is a clean full name."""
    words = run.split()
    # "for the Western Hemisphere Julie Chung, Deputy ...": the name starts at its given name
    lead = next((i for i, w in enumerate(words[:-1]) if w in ctx.gazetteer.given_names), 0)
    a, b = run_start, run_start + len(run)
    if lead and len(words) - lead >= 2:
        a += sum(len(w) + 1 for w in words[:lead])
    if _overlaps(a, b, taken):
        return None
    name = clean_name(ctx, ctx.text[a:b], taken, a)
    if not name or len(name.split()) < 2 or name != ctx.text[a:b]:
        return None
    if any(w.lower() in NOT_NAME for w in name.split()) or not_a_person(ctx, a, b, name.split()):
        return None
    return Span("Person", name, a, a + len(name))
