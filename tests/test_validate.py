"""SHACL validation (ontologies/shapes.ttl): a graph broken on purpose, and the derived current holders."""

from __future__ import annotations

from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Quad

from kg.cli import main
from kg.ontology import PREFIXES
from kg.pipeline import build
from kg.store import Store
from kg.validate import validate

ORG, KGO = PREFIXES["org"], PREFIXES["kgo"]
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/"


def broken_store(path) -> Store:
    """A person with two labels, heading a country; a deployment of zero troops with no date; a
    reporting cycle; every shape of the project broken once."""
    store = Store(path)
    graph = NamedNode(EX + "graph/broken")
    a, b, iraq, dep = (NamedNode(EX + n) for n in ("a", "b", "iraq", "deployment"))
    triples = [
        (a, RDF_TYPE, NamedNode("http://xmlns.com/foaf/0.1/Person")),
        (a, NamedNode(RDFS + "label"), Literal("Ann Example")),
        (a, NamedNode(RDFS + "label"), Literal("Anne Example")),
        (b, RDF_TYPE, NamedNode("http://xmlns.com/foaf/0.1/Person")),
        (b, NamedNode(RDFS + "label"), Literal("Bob Example")),
        (iraq, RDF_TYPE, NamedNode(KGO + "Country")),
        (iraq, NamedNode(RDFS + "label"), Literal("Iraq")),
        (a, NamedNode(ORG + "headOf"), iraq),
        (a, NamedNode(ORG + "reportsTo"), b),
        (b, NamedNode(ORG + "reportsTo"), a),
        (dep, RDF_TYPE, NamedNode(KGO + "TroopDeployment")),
        (dep, NamedNode(KGO + "sendingCountry"), iraq),
        (dep, NamedNode(KGO + "hostCountry"), iraq),
        (dep, NamedNode(KGO + "troopCount"), Literal("0", datatype=NamedNode(XSD + "integer"))),
    ]
    store.oxigraph.extend(Quad(s, p, o, graph) for s, p, o in triples)
    return store


def test_validate_reports_every_broken_shape(tmp_path):
    report = validate(broken_store(tmp_path / "store"))
    assert not report.conforms
    text = report.text()
    for message in ("exactly one rdfs:label", "headOf must point to an organisation", "reportsTo forms a cycle",
                    "integer troop count of at least 1", "one as-of date"):
        assert message in text, (message, text)


def test_validate_cli_prints_the_report_and_exits_1(tmp_path):
    broken_store(tmp_path / "store").close()
    result = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "reportsTo forms a cycle" in result.output
    assert "Traceback" not in result.output


def write(folder, name, date, text):
    (folder / name).write_text(f"date: {date}\n\n{text}\n", encoding="utf-8")


def holders(store: Store) -> list[tuple[str, str]]:
    rows = store.query("SELECT ?post ?who WHERE { ?p kgo:currentHolder ?h . ?p rdfs:label ?post . "
                       "?h rdfs:label ?who } ORDER BY ?post ?who")
    return [(row[0].value, row[1].value) for row in rows]


def test_validate_current_holder_follows_the_latest_article(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder, "a.txt", "2021-03-01", "Gen. Anna Berg, commander of the 7th Signal Brigade, spoke.")
    store = Store(tmp_path / "store")
    build([folder], store)
    assert holders(store) == [("Commander of 7th Signal Brigade", "Anna Berg")]
    write(folder, "b.txt", "2022-06-01", "Col. Omar Haddad took command of the 7th Signal Brigade, succeeding "
                                          "Gen. Anna Berg.")
    build([folder], store)
    assert holders(store) == [("Commander of 7th Signal Brigade", "Omar Haddad")]
    assert validate(store).conforms


def test_validate_two_current_holders_on_one_date_is_a_violation(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder, "a.txt", "2022-06-01", "Gen. Anna Berg, commander of the 7th Signal Brigade, spoke.")
    write(folder, "b.txt", "2022-06-01", "Col. Omar Haddad, commander of the 7th Signal Brigade, spoke.")
    store = Store(tmp_path / "store")
    build([folder], store)
    report = validate(store)
    assert not report.conforms
    assert "One current holder per post" in report.text()


def test_validate_build_rejects_what_would_break_a_shape(tmp_path):
    # "Iraq" commanded by a person would be headOf a country: the rule refuses it; a deployment
    # from a country to itself is what the build-time check is for
    from kg.model import Document, Mention, RelationMention
    from kg.resolve import ResolvedDocument
    from kg.validate import check_relations

    iraq = Mention(kind="Country", name="Iraq", start=0, end=4, key="country:iraq", canonical="Iraq")
    pat = Mention(kind="Person", name="Pat White", start=10, end=19, key="person:pat white")
    doc = Document(id="d", text="x", source="a.txt", published="2020-01-01")
    relations = [RelationMention(kind="troops", subject=iraq, object=iraq, sentence="s", start=0, end=1,
                                 confidence=0.8, count=5),
                 RelationMention(kind="headOf", subject=pat, object=iraq, sentence="s", start=0, end=1,
                                 confidence=0.8),
                 RelationMention(kind="reportsTo", subject=pat, object=pat, sentence="s", start=0, end=1,
                                 confidence=0.8)]
    kept, reasons = check_relations(ResolvedDocument(doc, {}, relations))
    assert kept.relations == []
    assert [r.split(":")[1].strip().split()[0] for r in reasons] == ["troops", "headOf", "reportsTo"]
