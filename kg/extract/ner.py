"""Optional statistical NER (spaCy): its PERSON and ORG spans add recall to the rules.

The rules still decide every relation; a spaCy pipeline only proposes names the rules could not see
(a person named without a title: "Kathleen Hicks told reporters"). spaCy is not a requirement of kg:
``load_ner`` imports it when asked, and says what to install when it is missing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from kg.errors import KgError

#: spaCy labels kg uses, and the kind of mention each becomes.
NER_LABELS = {"PERSON": "Person", "ORG": "Organization"}


@dataclass(frozen=True)
class NerSpan:
    """A name the statistical model found: document offsets and the kg kind it maps to."""

    start: int
    end: int
    kind: str
    text: str


class NerModel:
    """A loaded spaCy pipeline, run with only the components NER needs."""

    def __init__(self, name: str, nlp: Any) -> None:
        self.name = name
        self.version = str(nlp.meta.get("version", ""))
        self._nlp = nlp

    @property
    def label(self) -> str:
        """``name-version``, recorded as part of the extractor in the provenance of each fact."""
        return f"{self.name}-{self.version}" if self.version else self.name

    def spans(self, text: str) -> list[NerSpan]:
        """The PERSON and ORG spans of ``text``, in order."""
        doc = self._nlp(text)
        return [NerSpan(ent.start_char, ent.end_char, NER_LABELS[ent.label_], ent.text)
                for ent in doc.ents if ent.label_ in NER_LABELS]


_LOADED: dict[str, NerModel] = {}


def load_ner(model: str) -> NerModel:
    """Load an installed spaCy pipeline by package name or path (``en_core_web_sm``).

    Raises:
        KgError: spaCy or the model is not installed (the message says what to install).
    """
    if model in _LOADED:
        return _LOADED[model]
    try:
        spacy = importlib.import_module("spacy")
    except ImportError:
        raise KgError(f"--ner {model}: spaCy is not installed", hint="pip install spacy, then the model package") \
            from None
    keep = {"tok2vec", "ner"}
    try:
        nlp = spacy.load(model)
    except (OSError, ImportError) as error:
        raise KgError(f"--ner {model}: cannot load the spaCy model ({' '.join(str(error).split())[:160]})",
                      hint="install the model package, e.g. pip install en-core-web-sm") from None
    disabled = [name for name in nlp.pipe_names if name not in keep]
    nlp.select_pipes(disable=disabled)
    if "ner" not in nlp.pipe_names:
        raise KgError(f"--ner {model}: the pipeline has no 'ner' component")
    _LOADED[model] = NerModel(model, nlp)
    return _LOADED[model]
