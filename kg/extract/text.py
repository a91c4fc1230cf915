"""Text helpers shared by the extractors: sentences, numbers, name normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ABBREVIATIONS = {
    "gen", "lt", "col", "brig", "maj", "adm", "capt", "sgt", "cpl", "pvt", "cmdr", "cdr", "mr", "mrs",
    "ms", "dr", "st", "jr", "sr", "no", "vs", "etc", "u.s", "u.k", "u.n", "e.u", "inc", "corp", "co",
    "rep", "sen", "gov", "rev", "prof", "ft", "mt", "jan", "feb", "aug", "sept", "sep", "oct",
    "nov", "dec", "a.m", "p.m", "approx", "vice", "rear", "lt.-gen", "lt.-col", "d.c", "det",
    # rank abbreviations of every service ("Spc. Ann Lee", "Tech. Sgt.", "Flt. Lt.", "Maj.-Gen.")
    "spc", "pfc", "tech", "ssgt", "tsgt", "msgt", "smsgt", "cmsgt", "gysgt", "sra", "ens", "cdre", "cmdre",
    "flt", "sqn", "ldr", "maj.-gen", "brig.-gen", "ret", "hon", "amb",
}
# ``[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9À-Þ])|\n`` behind one leading class, which lets the
# regex engine skip to the next stop or line break instead of trying both branches everywhere
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9À-Þ])|(?<=\n))")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentences, as (start, end) offsets with surrounding whitespace trimmed.

    A line break always ends a sentence (headlines have no full stop); a full stop after a known
    abbreviation ("Gen.", "U.S.") or an initial ("H.") does not.

    >>> text = "Gen. Mark Milley spoke. Esper agreed."
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['Gen. Mark Milley spoke.', 'Esper agreed.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group() != "\n":
            token = _last_word(text, start, match.start()).lower()
            if token in _ABBREVIATIONS or _INITIAL.fullmatch(token):
                continue
        _add_span(text, start, match.end(), spans)
        start = match.end()
    _add_span(text, start, len(text), spans)
    return spans


_WORDISH = re.compile(r"[\w.\-]*")


def _last_word(text: str, start: int, end: int) -> str:
    r"""The run of word characters, dots and hyphens that ends ``text[start:end]`` (what
    ``([\w.\-]+)$`` finds there, "" if none), read backwards: searching forwards from the
    sentence's start cost a scan of the whole sentence at every full stop."""
    if end > start and text[end - 1] == "\n":  # ``$`` also matches before a final line break
        end -= 1
    # most words end at the last space: one check of the word instead of a step per character
    word = text[text.rfind(" ", start, end) + 1 or start:end]
    if _WORDISH.fullmatch(word):
        return word
    pos = end
    while pos > start and (text[pos - 1] in ".-_" or text[pos - 1].isalnum()):
        pos -= 1
    return text[pos:end]


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "a": 1, "an": 1,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
NUMBER_WORDS = sorted([*_UNITS, *_TENS, *_SCALES, "dozen", "half"], key=len, reverse=True)

NUMBER_PATTERN = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?:million|thousand|hundred|k)\b)?"
    r"|(?:(?:" + "|".join(NUMBER_WORDS) + r")(?:[\s\-]+(?:and\s+)?)?)+"
)


def parse_number(text: str) -> int | None:
    """Turn "5,000", "1.5 million", "five thousand" or "twenty-five hundred" into an integer.

    >>> parse_number("5,000"), parse_number("five thousand"), parse_number("2.5 thousand")
    (5000, 5000, 2500)
    """
    text = text.strip().lower().replace("\u2009", "").replace("\xa0", " ")
    match = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(million|thousand|hundred|k)?", text)
    if match:
        value = float(match.group(1).replace(",", ""))
        scale = {"million": 1_000_000, "thousand": 1000, "hundred": 100, "k": 1000}.get(match.group(2) or "", 1)
        return round(value * scale)
    words = [w for w in re.split(r"[\s\-]+", text) if w and w != "and"]
    if not words or words[0] in _SCALES or words == ["a"] or words == ["an"]:
        return None  # "thousands", "several thousand": no count
    return _number_words(words)


def _number_words(words: list[str]) -> int | None:
    """The value of number words ("twenty five thousand"), or None when one is not a number word."""
    total = current = 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "dozen":
            current = (current or 1) * 12
        elif word == "half":
            current += 0
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
        else:
            return None
    value = total + current
    return value if value > 0 else None


_INITIAL = re.compile(r"[a-z]|(?:[a-z]\.)+[a-z]")
_DOTTED_LETTERS = re.compile(r"\b([a-z])\.(?=[a-z]\.)")
_LETTER_DOT = re.compile(r"\b([a-z])\.")
_LEADING_THE = re.compile(r"^the\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")


@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """The comparison form of a name: no accents, case, punctuation; "U.S." equals "US".

    >>> normalise_name("U.S. Central Command"), normalise_name("Kenneth F. McKenzie Jr.")
    ('us central command', 'kenneth f mckenzie jr')
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").lower()
    text = _DOTTED_LETTERS.sub(r"\1", text)  # u.s. -> us.
    text = _LETTER_DOT.sub(r"\1", text)
    text = _LEADING_THE.sub("", text)
    text = _PUNCTUATION.sub(" ", text)
    return " ".join(text.split())


def slug(text: str) -> str:
    """An IRI-safe, readable key for a name: ``slug("US Central Command") == "us-central-command"``.

    >>> slug("Kenneth F. McKenzie Jr.")
    'kenneth-f-mckenzie-jr'
    """
    return normalise_name(text).replace(" ", "-").replace("_", "-") or "x"
