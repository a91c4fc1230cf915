"""A rule is a value: an id (recorded as the provenance of what it finds), the relation kind it
states (or, for a mention rule, the kind of name it finds), its patterns, confidence, modality
policy and the example sentences that show it working.

Rules are built once, when their family module is imported, and checked then: the pattern compiles,
there is at least one example, the id is not taken. :func:`all_rules` lists every family's rules
(``tests/test_rules.py`` runs each one's examples). See ``docs/rules.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from kg.errors import KgError

#: What a rule's modality follows: the words of the title itself ("former", "incoming"), the verb
#: and the cue words of the clause, the troop phrase and its clause, or always past (a predecessor);
#: "none" for mention rules.
MODALITY_POLICIES = ("title", "verb+clause", "clause", "troops", "past", "none")
RELATION_KINDS = ("holds", "headOf", "reportsTo", "subOrganizationOf", "memberOf", "troops")
#: What mention rules find: persons, organisations of any kind, countries.
MENTION_KINDS = ("Person", "Organization", "Country")
#: Placeholders a pattern may hold, filled from the gazetteer when the rule runs.
PLACEHOLDERS = {"<RANK_GAP>": r"(?:the\s+)?", "<POSTS>": r"(?:commander)"}


class RuleError(KgError):
    """A rule that cannot be built: a pattern that does not compile, no example, a duplicate id."""


@dataclass(frozen=True)
class Rule:
    """One extraction rule.

    Args:
        id: stable name, written into ``RelationMention.rule`` (a family may add a suffix after
            ``:``, e.g. ``verb:commands``, or ``+and`` for a second object joined by "and").
        family: the module that runs it ("command", "troops", "persons", ...).
        kind: the relation kind it states (:data:`RELATION_KINDS`), or for a mention rule the kind
            of name it finds (:data:`MENTION_KINDS`).
        patterns: regular expressions tried in order (one is usual; none when a gazetteer table
            or the article's own names are the pattern); ``<RANK_GAP>`` stands for "a rank or
            honorific or two" and ``<POSTS>`` for any post title, filled from the gazetteer.
        confidence: the confidence of what it finds (1.0 for mention rules).
        modality: one of :data:`MODALITY_POLICIES`.
        examples: sentences (ours) in which the rule must find its relation; a mention rule's
            examples mark the name it must find in brackets: "Defense Secretary [Mark Esper] spoke."
        not_examples: sentences in which it must not (for a mention rule: no name of its kind
            overlapping the bracketed words).
        flags: ``re`` flags of the patterns.

    >>> rule = Rule("demo", "command", "headOf", (r"leads\\s+",), 0.8, "clause", ("X leads Y.",))
    >>> bool(rule.compiled[0].fullmatch("leads "))
    True
    """

    id: str
    family: str
    kind: str
    patterns: tuple[str, ...]
    confidence: float
    modality: str
    examples: tuple[str, ...]
    not_examples: tuple[str, ...] = ()
    flags: int = re.IGNORECASE

    def __post_init__(self) -> None:
        where = f"rule {self.id!r} ({self.family})"
        if not re.fullmatch(r"[a-z][a-z0-9\-]*", self.id):
            raise RuleError(f"{where}: an id is lower-case words joined by '-'")
        if self.kind not in RELATION_KINDS + MENTION_KINDS:
            raise RuleError(f"{where}: unknown relation kind {self.kind!r}",
                            hint=", ".join(RELATION_KINDS + MENTION_KINDS))
        if self.modality not in MODALITY_POLICIES:
            raise RuleError(f"{where}: unknown modality policy {self.modality!r}", hint=", ".join(MODALITY_POLICIES))
        if not 0 < self.confidence <= 1:
            raise RuleError(f"{where}: confidence must be in (0, 1]")
        if not self.examples:
            raise RuleError(f"{where}: no example sentence", hint="add one written by us")
        if self.is_mention and not all(_bracketed(e) for e in self.examples + self.not_examples):
            raise RuleError(f"{where}: a mention rule's sentences mark the name in [brackets]")
        for pattern in self.patterns:
            try:
                re.compile(_filled(pattern, PLACEHOLDERS), self.flags)
            except re.error as error:
                raise RuleError(f"{where}: pattern does not compile: {error}") from None

    @property
    def is_mention(self) -> bool:
        """Whether the rule finds names (a mention rule) rather than relations."""
        return self.kind in MENTION_KINDS

    @cached_property
    def compiled(self) -> tuple[re.Pattern[str], ...]:
        """The patterns compiled with the placeholders' stand-ins (for checks and tests)."""
        return tuple(re.compile(_filled(p, PLACEHOLDERS), self.flags) for p in self.patterns)

    def pattern(self, index: int = 0, **fill: str) -> str:
        """Pattern ``index`` with its placeholders filled (``RANK_GAP=...``)."""
        return _filled(self.patterns[index], {f"<{k}>": v for k, v in fill.items()})


def _bracketed(sentence: str) -> bool:
    return re.fullmatch(r"[^\[\]]*\[[^\[\]]+\][^\[\]]*", sentence) is not None


def _filled(pattern: str, fill: dict[str, str]) -> str:
    for placeholder, value in fill.items():
        pattern = pattern.replace(placeholder, value)
    return pattern


_REGISTRY: dict[str, Rule] = {}


def register(*rules: Rule) -> dict[str, Rule]:
    """Add a family's rules to the registry; returns them by id.

    Raises:
        RuleError: an id is already taken.
    """
    for rule in rules:
        if rule.id in _REGISTRY and _REGISTRY[rule.id] is not rule:
            taken_by = _REGISTRY[rule.id].family
            raise RuleError(f"rule {rule.id!r} ({rule.family}): the id is taken by the {taken_by} family")
        _REGISTRY[rule.id] = rule
    return {rule.id: rule for rule in rules}


def all_rules() -> list[Rule]:
    """Every registered rule, by family then id (the engine's import registers them all)."""
    import kg.extract.engine  # noqa: F401  (importing the engine imports every family)
    return sorted(_REGISTRY.values(), key=lambda r: (r.family, r.id))
