"""The exceptions kg raises.

Every error a user can cause is a :class:`KgError`; the command line prints its message on one line
(``Error: SOURCE:LINE: problem (hint)``) and exits 1, or 2 for a :class:`ParameterError`. The tree:

- ``KgError``: base class.
  - ``ParameterError``: a wrong argument or option value (an unknown ``--param`` name, a malformed
    date, an invalid ``--base`` IRI, a busy ``--port``): a usage mistake, exit 2.
  - ``InputError``: an article file or record that cannot be read (missing, binary, malformed JSON).
  - ``QueryError``: a SPARQL query that does not parse or cannot run.
  - ``StoreError``: a store that cannot be opened, is locked by another process, or an endpoint that fails.
  - ``GoldError``: a gold file for ``kg eval`` that is not in the expected format.
"""

from __future__ import annotations


class KgError(Exception):
    """Base class of kg's errors; ``str(error)`` is a one-line message for the user.

    Args:
        problem: what went wrong.
        source: the file, URL or query the problem is in, when there is one.
        line: the 1-based line number in ``source``, when known.
        hint: what the user can do about it.
    """

    def __init__(self, problem: str, *, source: str | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        self.problem = problem
        self.source = source
        self.line = line
        self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = ""
        if self.source:
            where = f"{self.source}:{self.line}: " if self.line else f"{self.source}: "
        text = f"{where}{self.problem}"
        if self.hint:
            text += f" ({self.hint})"
        return " ".join(text.split())


class InputError(KgError):
    """An input file or record cannot be read as articles."""


class QueryError(KgError):
    """A SPARQL query is malformed or fails."""


class StoreError(KgError):
    """The store cannot be opened or written, or a remote endpoint fails."""


class GoldError(KgError):
    """A gold annotation file is malformed."""


class ParameterError(KgError):
    """A command was called wrongly: an argument or option value that cannot be used (exit 2)."""
