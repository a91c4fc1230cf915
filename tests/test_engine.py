"""The extraction engine: the article size limit, long sentences, and the indexed discourse memory
that keeps extraction linear in the length of an article (timings live in bench/extract.py)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extract import MAX_CHARS, DocumentTooLarge, extract
from kg.extract.engine import MAX_SENTENCE, sentences
from kg.extract.memory import Persons, _regex_mentions
from kg.extract.spans import Span
from kg.model import Document


def test_engine_refuses_an_article_above_max_chars_in_one_line() -> None:
    document = Document(id="big", text="Gen. Anna Berg spoke. " * 10, source="big.txt")
    with pytest.raises(DocumentTooLarge) as raised:
        extract(document, max_chars=100)
    message = str(raised.value)
    assert message.startswith("big.txt: article 'big' has 220 characters, more than the 100") and "\n" not in message
    assert extract(document, max_chars=220).mentions  # at the limit it is read


def test_engine_long_sentence_is_read_in_pieces_cut_at_spaces() -> None:
    text = "word " * 3000 + "Gen. Anna Berg, the commander of Task Force Lantern, spoke."
    pieces = list(sentences(text))
    assert len(pieces) >= 3 and all(b - a <= MAX_SENTENCE for a, b in pieces)
    assert " ".join(text[a:b] for a, b in pieces).split() == text.split()  # no word lost or cut
    relations = extract(Document(id="long", text=text)).relations
    assert ("holds", "Anna Berg") in {(r.kind, r.subject.name) for r in relations}


def test_engine_build_skips_a_too_large_article_with_a_warning_and_keeps_the_rest(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "small.txt").write_text("About 5,000 US troops are in Iraq.")
    (folder / "big.txt").write_text("x" * (MAX_CHARS + 1))
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["build", str(folder), "--store", str(store)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 added, 0 replaced, 0 unchanged, 1 skipped" in result.output
    assert re.search(r"skipped: .*big\.txt: article 'big' has 2,000,001 characters", result.output)
    rows = CliRunner().invoke(main, ["query", "SELECT ?c WHERE { ?d kgo:troopCount ?c }",
                                     "--store", str(store), "--format", "csv"], catch_exceptions=False)
    assert "5000" in rows.output


def _person(name: str) -> Span:
    return Span("Person", name, 0, len(name))


def test_memory_later_mentions_read_like_one_pattern_of_every_name() -> None:
    persons = Persons(family_first={"Kim"})
    for name in ("Anna Berg", "Omar Haddad", "Kim Min-jun", "Berg-Larsen", "Lena Voss"):
        persons.remember(_person(name))
    text = ("Berg met Haddad; Anna Berg and Berg-Larsen, not Bergman or Haddad-Smith, saw Kim and Voss. "
            "Kim Min-jun left. Lena Vossberg stayed; Voss")
    indexed = [(a, b, p.name) for a, b, p in persons.later_mentions(text, 0, len(text))]
    forms = persons._forms()
    expected = [(a, b, p.name) for a, b, p in _regex_mentions(forms, text, 0, len(text))]
    assert indexed == expected and len(indexed) == 8


def test_memory_merges_a_fuller_name_and_follows_the_rename() -> None:
    persons = Persons(family_first=set())
    persons.remember(_person("Anna Berg"))
    fuller = _person("Anna K. Berg")
    persons.remember(fuller)
    assert fuller.name == "Anna K. Berg" and len(persons.people) == 1
    assert persons.named("Anna K. Berg") is persons.named("Anna Berg") is persons.people[0]
    text = "Anna K. Berg spoke; Berg left."
    assert [text[a:b] for a, b, _ in persons.later_mentions(text, 0, len(text))] == ["Anna K. Berg", "Berg"]


def test_memory_the_role_names_the_last_person_who_still_holds_it() -> None:
    persons = Persons(family_first=set())
    first, second = _person("Anna Berg"), _person("Omar Haddad")
    first.rank, second.rank = "General", "General"
    persons.remember(first)
    persons.remember(second)
    assert persons.last_with_role("general") is persons.people[1]
    demoted = _person("Haddad")
    demoted.rank = "Colonel"
    persons.remember(demoted)  # the same person, now a colonel
    assert persons.last_with_role("general") is persons.people[0]
    assert persons.last_with_role("colonel") is persons.people[1]


def test_engine_skips_only_steps_it_has_and_only_where_they_find_nothing() -> None:
    from kg.extract.engine import NEEDS, STEPS

    names = [name for name, _ in STEPS]
    assert set(NEEDS) <= set(names) and set(NEEDS.values()) <= {"persons", "mentions"}
    # the steps with effects of their own in a sentence that names no one are never skipped
    assert not {"organisations", "later-persons", "owned-posts", "subject"} & set(NEEDS)
    # a sentence that names no one still ends the reach of "he" (the subject step runs there)
    first = ["General", "Mark", "Pell", "commands", "the", "Harbour", "Defence", "Command."]
    second = ["He", "leads", "the", "Harbour", "Defence", "Command."]
    for between, pronoun_resolved in (([], True), (["It", "rained."], False)):
        text = " ".join(first + between + second)
        found = extract(Document(id="n1", text=text)).relations
        assert ("He" in [r.subject.name for r in found]) is pronoun_resolved
        assert ("headOf", "Mark Pell") in [(r.kind, r.subject.name) for r in found]
