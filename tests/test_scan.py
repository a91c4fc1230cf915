"""kg.extract.scan: the faster scans find exactly what the patterns themselves find."""

from __future__ import annotations

import re

import pytest

from kg.extract import reporting, succession
from kg.extract.gazetteer import load_gazetteer
from kg.extract.scan import folded_twin, lookbehind_inside, lowered, scan_text

# words joined at run time: the extractor's freeze dump collects the test files' sentences
_WORDS = ["Lt.", "Gen.", "Ann", "Lee,", "commander", "of", "the", "9th", "Division,", "relieved", "Col.",
          "Bo", "Ek;", "Mr.", "Assad", "met", "US", "Central", "Command", "and", "his", "deputy", "in",
          "Kyiv.", "LIEUTENANT", "GENERAL", "Kim", "Jong", "Un", "handed", "over", "to", "Sgt."]
_ODD = ["ı", "ſ", "İ", "Σ", "K", "é", "’"]


def _texts() -> list[str]:
    plain = " ".join(_WORDS)
    texts = [plain, plain.upper(), plain.lower(), "x" + plain, plain.replace(" ", "\n")]
    for odd in _ODD:  # characters that case-insensitive matching and lower-casing treat apart
        texts += [plain.replace("i", odd), plain.replace("s", odd), odd + plain + odd]
    return texts


def _patterns() -> list[re.Pattern[str]]:
    g = load_gazetteer()
    return [g.surface_re, g.rank_re, g.post_re, g.honorific_re, g.person_re, succession._CHANGE_CUE,
            reporting._SENTENCE_CUES, re.compile(r"\bsaid\b", re.IGNORECASE),
            re.compile(r"(?<![\w.])(?:Gen\.|Col\.|(?:Mr|Ms)\.?)(?!\w)")]


@pytest.mark.parametrize("index", range(len(_patterns())))
def test_scan_finds_what_finditer_finds(index: int) -> None:
    regex = _patterns()[index]
    for text in _texts():
        expected = [(m.span(), m.groups()) for m in regex.finditer(text)]
        assert [(m.span(), m.groups()) for m in scan_text(regex, text, lowered(text))] == expected


def test_scan_uses_a_rewrite_for_the_gazetteer_lists() -> None:
    g = load_gazetteer()
    assert folded_twin(g.rank_re) is not None and folded_twin(g.post_re) is not None
    assert lookbehind_inside(g.honorific_re) is not None
    # a capitalised word list is not folded; a pattern with a character range is not either
    assert folded_twin(g.honorific_re) is None
    assert folded_twin(re.compile(r"\b[a-z]+ed\b", re.IGNORECASE)) is None


def test_scan_lowered_refuses_texts_whose_offsets_move() -> None:
    assert lowered("İstanbul") is None and lowered("ΟΔΥΣΣΕΥΣ") is None
    assert lowered("Kyiv") == "kyiv"
    # "ı" matches "i" case-insensitively but lower-cases to itself: the twin is not used then
    twin = folded_twin(re.compile(r"\bsaid\b", re.IGNORECASE))
    assert twin is not None and "ı" in twin[1]
    text = "he saıd so"
    assert [m.span() for m in scan_text(twin[0], text, lowered(text))] == []
    assert [m.span() for m in scan_text(re.compile(r"\bsaid\b", re.IGNORECASE), text, lowered(text))] == [(3, 7)]
