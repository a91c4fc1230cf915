"""Extraction: from a document's text to entity mentions and relation mentions.

``extract(document)`` runs the rule engine (:mod:`kg.extract.engine`) over the gazetteers and word
lists in ``data/``; the rules are values (:mod:`kg.extract.rule`) in families, one module each.
Other extractors plug in by returning the same :class:`kg.model.Extraction`.
"""

from kg.extract.engine import (
    EXTRACTOR_NAME,
    MAX_CHARS,
    DocumentTooLarge,
    extract,
    too_large,
)
from kg.extract.ner import NerModel, load_ner

__all__ = ["EXTRACTOR_NAME", "MAX_CHARS", "DocumentTooLarge", "NerModel", "extract", "load_ner", "too_large"]
