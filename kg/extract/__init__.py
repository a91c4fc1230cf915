"""Extraction: from a document's text to entity mentions and relation mentions.

``extract(document)`` runs the rule-based extractor (:mod:`kg.extract.rules`) over the gazetteers in
``data/``; other extractors plug in by returning the same :class:`kg.model.Extraction`.
"""

from kg.extract.ner import NerModel, load_ner
from kg.extract.rules import EXTRACTOR_NAME, extract

__all__ = ["EXTRACTOR_NAME", "NerModel", "extract", "load_ner"]
