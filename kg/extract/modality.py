"""Modality: whether a relation is asserted, negated, past, planned or reported, read from the cue
words of its clause (the counterpart of Presidio's context words: a separate pass over a match).

The cue words are data (``data/negation.txt``, ``planned.txt``, ``denial.txt``, ``reported.txt``).
"""

from __future__ import annotations

import re

from kg.extract.lexicon import alternation
from kg.model import Modality


def _cues(name: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{alternation(name)})\b", re.IGNORECASE)


NEGATION = _cues("negation.txt")
PLANNED = _cues("planned.txt")
DENIAL = _cues("denial.txt")
REPORTED = _cues("reported.txt")
CLAUSE_BREAK = re.compile(r"[;:]|\s[-–—]\s|,\s+(?:but|while|although|whereas|though|where|which|who)\b|"
                          r"\bbut\b|\bwhile\b|"
                          r"\bafter\b|\bbefore\b|\bbecause\b|\bwhen\b|\bthat\b|[“”\"]")
_RELATIVE = re.compile(r",\s+(?:which|who|whom|that|where)\b")
_PAST_TROOPS = re.compile(r"\b(?:withdr[ae]w|withdrawn|withdrawing|pulled\s+out|left|departed|had\s+been|used\s+to|"
                          r"was\s+home\s+to|once|previously|formerly|at\s+its\s+peak|in\s+(?:19|20)\d\d)\b",
                          re.IGNORECASE)
_MORE = re.compile(r"\b(?:more|additional|extra|further|fresh|another)\b", re.IGNORECASE)
_TO_SEND = re.compile(r"\b(?:to\s+send|to\s+deploy|sending|deploying|will|would|could)\b", re.IGNORECASE)


def clause_start(text: str, sent_start: int, pos: int) -> int:
    """Where the clause holding ``pos`` starts: after the last clause break before it."""
    start = sent_start
    for brk in CLAUSE_BREAK.finditer(text, sent_start, pos):
        start = brk.end()
    return start


def relation_clause_start(text: str, sent_start: int, start: int, end: int) -> int:
    """Where the clause stating a relation over [start, end) starts: a relative clause opened inside
    it ("the Combined Forces Command, which Brunson now leads") is the relation's own clause, and
    the cue words of the clause it hangs from ("control would pass to ...") do not reach it."""
    last = max((m.end() for m in _RELATIVE.finditer(text, start, end)), default=None)
    return last if last is not None else clause_start(text, sent_start, start)


def clause_modality(text: str, sent_start: int, start: int, end: int, base: Modality) -> Modality:
    """The modality a relation spanning [start, end) takes from the words of its clause.

    >>> clause_modality("Smith will lead the brigade.", 0, 0, 27, "asserted")
    'planned'
    >>> clause_modality("Control would pass to the corps, which Smith leads.", 0, 22, 44, "asserted")
    'asserted'
    """
    window = text[relation_clause_start(text, sent_start, start, end):end]
    if base == "past":
        return "past"
    if NEGATION.search(window) or DENIAL.search(text[sent_start:start]):
        return "negated"
    if REPORTED.search(window):
        return "reported"
    if base == "planned" or PLANNED.search(window):
        return "planned"
    return base


def troop_modality(text: str, sent_start: int, m: re.Match[str], after: str) -> Modality:
    """The modality of a troop count ``m``: its clause before it, the phrase, and what follows."""
    before = text[clause_start(text, sent_start, m.start()):m.start()]
    tail = re.split(r"[,;.]", after, maxsplit=1)[0]
    window = before + " " + m.group() + " " + tail
    if NEGATION.search(before) or re.search(r"\bno\b|\bnot\b", m.group()) or DENIAL.search(text[sent_start:m.start()]):
        return "negated"
    more = re.search(r"\b(?:more|additional|extra)\b", m.group(), re.IGNORECASE)
    if re.search(r"\b(?:its|their|the)\s+$", before) and not more:
        # "move some of its roughly 500 soldiers in Iraq": the troops are there now, whatever happens next
        return "asserted"
    if _PAST_TROOPS.search(window):
        return "past"
    if REPORTED.search(window):
        return "reported"
    added = m.group()[m.end("hedge") - m.start():] if m.group("hedge") else m.group()  # "more than" is a hedge
    if _MORE.search(added) or PLANNED.search(window) or _TO_SEND.search(window):
        return "planned"
    return "asserted"
