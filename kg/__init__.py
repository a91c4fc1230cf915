"""kg: a knowledge-graph loader for defence and government news."""

__version__ = "0.1.0"
