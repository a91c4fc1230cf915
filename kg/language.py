"""Language identification of articles, with py3langid (its model ships inside the package).

The rules of :mod:`kg.extract` are written for English; the pipeline skips articles identified as
another language unless asked to keep them, and every article's graph records its language.
"""

from __future__ import annotations

import functools

from py3langid.langid import MODEL_FILE, LanguageIdentifier

ENGLISH = "en"
UNDETERMINED = "und"  # ISO 639-2: too little text to tell (a headline, a one-line record)
# below this, langid's guesses on a few words are noise ("Gen. Mark Milley spoke." is not Pidgin)
_CONFIDENT = 0.5
# langid scores byte n-grams in a Python loop: the first 1,500 characters decide as well as a whole
# article, at a fraction of the cost
_SAMPLE = 1500


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """The ISO 639-1 code of the language ``text`` is written in, and the model's probability.

    >>> identify("The commander of the division spoke to reporters on Monday.")[0]
    'en'
    >>> identify("Le commandant de la division a parlé aux journalistes lundi.")[0]
    'fr'
    """
    language, probability = _identifier().classify(text[:_SAMPLE])
    return str(language), float(probability)


def language_of(text: str) -> str:
    """The language code of ``text``, or ``"und"`` when the model is not confident.

    >>> language_of("Gen. Mark Milley spoke.")
    'und'
    >>> language_of("Der General übernahm am Montag das Kommando über die Division.")
    'de'
    """
    language, probability = identify(text)
    return language if probability >= _CONFIDENT else UNDETERMINED


def is_kept(language: str | None) -> bool:
    """Whether the English rules should read an article of ``language`` by default."""
    return language in (ENGLISH, UNDETERMINED, None)
