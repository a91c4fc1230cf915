"""Stage 3: identities across articles."""

from __future__ import annotations

from kg.extract import extract
from kg.model import Document
from kg.pipeline import build
from kg.resolve import choose_label, person_key, resolve_entities
from kg.store import Store


def test_resolve_person_key_ignores_middle_names_initials_and_suffixes():
    assert person_key("William H Seely III") == person_key("William H. Seely III") == person_key("William Seely")
    assert person_key("Kenneth F. McKenzie Jr.") == person_key("Frank McKenzie")


def test_resolve_different_first_names_stay_apart():
    assert person_key("Christopher Miller") != person_key("Austin Scott Miller")


def test_resolve_country_aliases_and_demonyms_are_one_entity():
    text = "US forces, U.S. officials, the United States and American troops were there."
    entities = resolve_entities(extract(Document(id="d", text=text))).entities
    countries = [e for e in entities.values() if e.kind == "Country"]
    assert len(countries) == 1 and countries[0].key == "country/united-states"
    assert {"US", "U.S.", "United States", "American"} <= countries[0].aliases


def test_resolve_command_aliases_are_one_entity():
    text = "CENTCOM said so. Gen. Frank McKenzie, commander of US Central Command, agreed."
    entities = resolve_entities(extract(Document(id="d", text=text))).entities
    assert [k for k in entities if k.startswith("org/")] == ["org/us-central-command"]


def test_resolve_label_choice_does_not_depend_on_order():
    names = ["Smith", "John Smith", "John Q. Smith"]
    assert choose_label("Person", names) == choose_label("Person", list(reversed(names))) == "John Q. Smith"
    assert choose_label("Person", ["Esper", "Mark T. Esper"]) == "Mark Esper"  # the gazetteer's canonical name


def test_resolve_surname_alone_is_not_merged_across_articles(tmp_path):
    (tmp_path / "a.txt").write_text("Defense Secretary Mark Esper spoke. Esper left.")
    (tmp_path / "b.txt").write_text("Senator Esper, a different person, spoke.")
    store = Store()
    build([tmp_path], store)
    rows = store.query("SELECT ?p WHERE { ?p a foaf:Person }")
    people = sorted(r["p"].value.rsplit("/", 1)[-1] for r in rows)
    assert people == ["esper", "mark-esper"]


def test_resolve_full_names_merge_across_articles(tmp_path):
    (tmp_path / "a.txt").write_text("Gen. Mark Milley spoke.")
    (tmp_path / "b.txt").write_text("Army Gen. Mark A. Milley, chairman of the Joint Chiefs of Staff, spoke.")
    store = Store()
    build([tmp_path], store)
    rows = list(store.query("SELECT DISTINCT ?p ?l WHERE { ?p a foaf:Person ; rdfs:label ?l }"))
    assert len(rows) == 1 and rows[0]["l"].value == "Mark Milley"
