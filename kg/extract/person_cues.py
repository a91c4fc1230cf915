"""Mention family: persons named without a title, marked by what stands around the name. A reporting
verb before it ("said Anna Holm"), a nomination's "vice" or ", of Ohio,", a transcript's speaker
label ("MR KIRBY:"), a biography's opening ("Omar Haddad (Arabic: ...)", "born ..."), a lower-case
noun of a person ("the poet ...", "business leaders ..."), a list continuing a person's name, and
the well-known public figures of ``data/persons.tsv`` ("Assad", "Kofi Annan")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from kg.extract.context import Context
from kg.extract.gazetteer import UPPER, fold, trie_alternation
from kg.extract.lexicon import lines
from kg.extract.patterns import NAME_TOKEN, NICKNAME, NOT_NAME, ORG_HEADS, SUFFIX
from kg.extract.person_stops import in_quotes, not_a_person, run_goes_on
from kg.extract.persons import clean_name
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, span_len

#: One to five name words, a quoted nickname allowed after the first ("John “J.D.” Doe").
_NAME = rf"{NAME_TOKEN}(?:\s+{NICKNAME})?(?:\s+{NAME_TOKEN}){{0,4}}{SUFFIX}?"
_END = r"(?=\s*(?:[,.;:!?)”\"]|$)|\s+(?:of|from|who|when|during|at|in|on|and)\b)"
_NOUNS = sorted(lines("person_nouns.txt"), key=len, reverse=True)
PERSON_NOUNS = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in _NOUNS)
_SAID_WORDS = frozenset({"said", "says", "added", "asked", "noted", "explained", "recalled", "recalls", "according"})
_NOUN_WORDS = frozenset(n.split()[0] for n in _NOUNS)
_CUE_AT = re.compile(rf"(?<![\w\-’'])(?:{trie_alternation(sorted(_SAID_WORDS | _NOUN_WORDS | {'vice', 'born'}))})"
                     rf"(?=\s+[{UPPER}]|\s+to\s+[{UPPER}])")
_LANGUAGES = (r"Arabic|Persian|Farsi|Pashto|Dari|Kurdish|Russian|Ukrainian|Hebrew|Turkish|Urdu|Chinese|Korean|"
              r"Japanese|French|German|Spanish|born|b\.|died|d\.|also")

RULES = register(
    Rule("person-after-said", "persons", "Person", (
        rf"(?<![\w’'])(?:said|says|added|asked|noted|explained|recalled|recalls|according\s+to)\s+(?P<name>{_NAME}){_END}",),
        1.0, "none",
        ("“We are ready,” said [Tomas Lindqvist], a spokesman for the port.",
         "“We work at night,” says [Leila], who runs the kitchen."),
        ("“We are ready,” said [Monday] evening's statement.",), flags=0),
    Rule("person-vice", "persons", "Person", (rf"(?<![\w\-])vice\s+(?P<name>{_NAME})(?=\s*(?:[,.;]|$))",), 1.0, "none",
         ("Mara Quist, of Ohio, to be Inspector General, vice [Doran Pellow], resigned.",),
         ("He was named to the vice [Presidency] last year.",), flags=0),
    Rule("person-of-place", "persons", "Person", (
        rf"(?P<name>{_NAME}),\s+of\s+(?:[{UPPER}][\w.’'\-]*\s?){{1,3}}(?:,\s+(?:[{UPPER}][\w.’'\-]*\s?){{1,2}})?,",),
        1.0, "none",
        ("[Mara Quist], of Ohio, to be an Assistant Secretary of the Navy.",
         "[Tevita Lolo], of Tulsa, Okla., died on Tuesday."),
        ("The [Bureau] of Ohio, of Columbus, was closed.",), flags=0),
    Rule("person-speaker-label", "persons", "Person", (
        rf"(?m)^(?P<title>[A-Z][A-Z.]+(?:\s+[A-Z][A-Z.]+)?)\s+(?P<name>[{UPPER}][{UPPER}’'\-]+(?:\s+[{UPPER}][{UPPER}’'\-]+)?)\s*:",),
        1.0, "none",
        ("SECRETARY [HALVORSEN]: Thank you all for coming.", "MR [PELLOW]: Next question, please."),
        ("FOREIGN [QUESTION]: What did the ministry say?",), flags=0),
    Rule("person-proclaiming", "persons", "Person", (
        (r"(?<![\w’'])I,\s+(?P<name>[A-Z]{2,}(?:\s+[A-Z]\.)?(?:\s+[A-Z][A-Z’'\-]+){1,2}(?:,?\s+(?:JR|SR)\.?)?),"
         r"\s+(?=[A-Z][a-z])"),), 1.0, "none",
        ("NOW, THEREFORE, I, [MARA T. QUIST], Governor of the Harbour Province, do hereby proclaim a holiday.",),
        ("NOW, THEREFORE, I, the [GOVERNOR], do hereby proclaim a holiday.",), flags=0),
    Rule("person-biography", "persons", "Person", (
        rf"(?m)^(?P<name>{_NAME})\s*(?=\((?:[^\x00-\x7f]|\s*(?:{_LANGUAGES})\b))",
        rf"(?<![\w\-])born\s+(?P<name>{_NAME})(?=\s*[(,]|\s+(?:on|in)\b)"),
        1.0, "none",
        ("[Omar Haddad Salim] (Arabic: عمر) is an Iraqi officer.",
         "Abu Karim, born [Jalil Omar Haddad] (in 1961), led the cell."),
        ("[Tigris Valley] (in the north) is fertile.",), flags=0),
    Rule("person-noun", "persons", "Person", (rf"(?<![\w\-])(?:{PERSON_NOUNS})\s+(?P<name>{_NAME})",), 1.0, "none",
         ("The poet [Anne Lowry] read at the ceremony.", "It listed business leaders [Tun Hlaing Oo] and two others."),
         ("The poet read at the [Lowry Hall] ceremony.",), flags=0),
    Rule("person-listed", "persons", "Person", (
        (rf"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?P<name>{_NAME})(?=\s*(?:[,.;:)]|$)|\s+(?:and|or|as|were|are|"
         rf"was|is|who|have|had|will|to)\b)"),), 1.0, "none",
        ("It named business leaders Tun Hlaing Oo, [Sein Htut Maung], and Kyi Taing Oo.",
         "Brigadier Generals Anna Wexford, [Brent Kell] and Marta Quillon were promoted.",
         "Rear Admirals Anna Wexford and [Brent Kell] attended."),
        ("It named business leaders Tun Hlaing Oo, [Mandalay Region], and others.",), flags=0),
    Rule("person-known", "persons", "Person", (), 1.0, "none",
         ("Talks stalled after [Assad] rejected the plan.", "The envoy met [Kofi Annan] in Geneva."),
         ("The pro-[Assad] militia withdrew.",)),
)
_SAID, _VICE, _OF_PLACE, _LABEL, _NOUN, _LISTED = (
    RULES[k].compiled[0] for k in ("person-after-said", "person-vice", "person-of-place", "person-speaker-label",
                                   "person-noun", "person-listed"))
_BIOGRAPHY = RULES["person-biography"].compiled
_PROCLAIMING = RULES["person-proclaiming"].compiled[0]

_NICK_TOKEN = re.compile(r"[“\"‘(]")
_TITLE_CASE = re.compile(r"(?<=[^\W\d_])[^\W\d_]+")


def _overlaps(a: int, b: int, spans: list[Span]) -> bool:
    return any(t.start < b and a < t.end for t in spans)


def name_span(ctx: Context, a: int, raw: str, taken: list[Span], *, single: bool = False) -> Span | None:
    """The person a cue marks at ``a`` (``raw`` as matched), when the words hold up as a name: all of
    them name words, none a place, body or title word; one word only where ``single`` allows it."""
    name = clean_name(ctx, raw, taken, a)
    bare = " ".join(t for t in raw.split() if not _NICK_TOKEN.match(t))
    if not name or name != bare.rstrip(","):
        return None  # the cue's run held a word that ends names: not a name as a whole
    tokens = name.replace(",", "").split()
    if len(tokens) < 2 and not single:
        return None
    if any(w.lower().rstrip(".") in NOT_NAME or w in ORG_HEADS for w in tokens):
        return None
    b = a + span_len(ctx.text, a, name)
    if _overlaps(a, b, taken) or not_a_person(ctx, a, b, tokens) or in_quotes(ctx.text, a, b):
        return None
    return Span("Person", name, a, b)


def _one_word_ok(ctx: Context, word: str) -> bool:
    return word in ctx.gazetteer.given_names or word in ctx.gazetteer.persons


def cued_persons(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """Names marked by a reporting verb, "vice", ", of Ohio,", a biography's opening or a noun of a person."""
    found: list[Span] = []
    for pattern, m in _cue_matches(ctx, start, end):
        word = m.group("name")
        single = pattern is _SAID and _one_word_ok(ctx, word)
        span = name_span(ctx, m.start("name"), word, taken + found, single=single)
        if span is not None:
            found.append(span)
    return found + _speaker_labels(ctx, start, end, taken + found) + _proclaiming(ctx, start, end, taken + found)


def _proclaiming(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """"I, JOSEPH R. BIDEN JR., President of ...": a proclamation's signer, in capitals."""
    found: list[Span] = []
    if "I, " not in ctx.text[start:end]:
        return found
    for m in _PROCLAIMING.finditer(ctx.text, start, end):
        a, b = m.start("name"), m.end("name")
        name = _TITLE_CASE.sub(lambda w: w.group().lower(), m.group("name"))  # "BIDEN JR." -> "Biden Jr."
        if not _overlaps(a, b, taken) and not any(w.lower().rstrip(".,") in NOT_NAME for w in name.split()[:1]):
            found.append(Span("Person", name, a, b))
    return found


def _cue_matches(ctx: Context, start: int, end: int) -> Iterator[tuple[re.Pattern[str], re.Match[str]]]:
    """The cue rules' matches in [start, end): each rule that starts with its cue word is tried only
    where the word stands (found once per article), the two that start with the name only where a
    comma or bracket is."""
    text = ctx.text
    piece = text[start:end]
    if ", of " in piece:
        yield from ((_OF_PLACE, m) for m in _OF_PLACE.finditer(text, start, end))
    if "(" in piece:
        yield from ((_BIOGRAPHY[0], m) for m in _BIOGRAPHY[0].finditer(text, start, end))
    for word in ctx.matches("person-cue", _CUE_AT, start, end):
        cue = word.group()
        pattern = (_SAID if cue in _SAID_WORDS else _NOUN if cue in _NOUN_WORDS else _VICE if cue == "vice"
                   else _BIOGRAPHY[1] if cue == "born" else None)
        m = pattern.match(text, word.start(), end) if pattern is not None else None
        if m is not None and pattern is not None:
            yield pattern, m


def _speaker_labels(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """"SECRETARY KERRY:" at the start of a transcript's line: a title, then the speaker's name."""
    found: list[Span] = []
    g = ctx.gazetteer
    if ":" not in ctx.text[start:end]:
        return found
    for m in _LABEL.finditer(ctx.text, start, end):
        title = fold(m.group("title").rstrip("."))
        if title not in g.honorifics and fold(m.group("title")) not in g.honorifics \
                and title not in g.ranks and title not in g.posts:
            continue
        a, b = m.start("name"), m.end("name")
        name = _TITLE_CASE.sub(lambda w: w.group().lower(), m.group("name"))  # "KERRY" -> "Kerry"
        if name.lower() in NOT_NAME or _overlaps(a, b, taken):
            continue
        found.append(Span("Person", name, a, b))
    return found


@lru_cache(maxsize=1)
def _capital_word() -> re.Pattern[str]:
    return re.compile(rf"([{UPPER}][\w’'\-]*)\s+$")


def known_persons(ctx: Context, start: int, end: int, taken: list[Span]) -> list[Span]:
    """The well-known public figures of ``data/persons.tsv`` named without a title ("Assad",
    "Kofi Annan"); not inside a longer capitalised name ("Hafez Assad Street")."""
    found: list[Span] = []
    text = ctx.text
    for m in ctx.matches("person", ctx.gazetteer.person_re, start, end):
        a, b = m.start(), m.end()
        form = m.group()
        if ctx.memory.persons.named(form) or (" " not in form and (ctx.memory.persons.by_last_token(form) or any(
                t.kind == "Person" and t.name.split()[-1] == form for t in taken + found))):
            continue  # introduced already: a later mention, which the discourse step finds
        if _overlaps(a, b, taken + found) or run_goes_on(text, b, end) or not_a_person(ctx, a, b, form.split()):
            continue
        before = _capital_word().search(text, max(start, a - 30), a) if " " not in m.group() else None
        if before and not _ends_name(ctx, before.group(1)):
            continue  # "Hunter Biden": the known family name of another person
        found.append(Span("Person", m.group(), a, b))
    return found


def _ends_name(ctx: Context, word: str) -> bool:
    """A capitalised word that may stand before a name without being part of it."""
    g = ctx.gazetteer
    return (word.lower().rstrip(".") in NOT_NAME or g.lookup(word) is not None or g.rank_re.fullmatch(word) is not None
            or g.post_re.fullmatch(word) is not None or g.honorific_re.fullmatch(word) is not None)


def listed_persons(ctx: Context, start: int, end: int, persons: list[Span], taken: list[Span]) -> list[Span]:
    """"business leaders A, B, and C": names listed right after a person's name are persons too."""
    found: list[Span] = []
    queue = sorted(persons, key=lambda p: p.start)
    while queue:
        person = queue.pop(0)
        m = _LISTED.match(ctx.text, person.end, end)
        if m is None:
            continue
        span = name_span(ctx, m.start("name"), m.group("name"), taken + found)
        if span is not None:
            found.append(span)
            queue.insert(0, span)
    return found
