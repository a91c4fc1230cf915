"""Stage 1: reading articles."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conftest import EXAMPLES
from kg.errors import InputError
from kg.sources import document_from_record, normalise_text, read_documents


def test_sources_reads_every_example_kind():
    docs = list(read_documents([EXAMPLES]))
    assert len(docs) == 14
    by_id = {d.id: d for d in docs}
    html = by_id["korea-japan-2023-06-15"]
    assert html.title == "US troop presence in South Korea and Japan holds steady"
    assert html.published == "2023-06-15"
    assert "page script" not in html.text and "Home | World" not in html.text
    assert '"ironclad"' in html.text
    txt = by_id["uk-estonia-2022-02-14"]
    assert txt.published == "2022-02-14" and txt.url == "https://example.org/kg-examples/uk-estonia"
    assert not txt.text.startswith("title:")


def test_sources_skips_gold_files_in_folders():
    assert all(d.source and "gold" not in Path(d.source.split(":")[0]).name for d in read_documents([EXAMPLES]))


def test_sources_id_from_text_hash_is_stable():
    a = document_from_record({"text": "Same text."}, "a.jsonl", 1)
    b = document_from_record({"text": "Same text.\r\n"}, "b.jsonl", 7)
    assert a.id == b.id


def test_sources_stdin_jsonl():
    stream = io.StringIO(json.dumps({"id": "x1", "text": "Gen. Mark Milley spoke."}) + "\n\n")
    docs = list(read_documents(["-"], stdin=stream))
    assert [d.id for d in docs] == ["x1"]


def test_sources_normalise_text():
    assert normalise_text("a\r\n\r\n\r\n\r\nb  \n") == "a\n\nb"


@pytest.mark.parametrize("name, content, message", [
    ("bad.jsonl", '{"text": "ok"}\n{"text": \n', "bad.jsonl:2: malformed JSON line"),
    ("notext.jsonl", '{"title": "no text"}\n', 'notext.jsonl:1: missing or empty "text" field'),
    ("date.jsonl", '{"text": "t", "published": "Monday"}\n', 'is not an ISO date'),
    ("bin.txt", b"\x00\x01\x02binary", "binary file, not an article"),
    ("latin.txt", "caf\xe9".encode("latin-1"), "not UTF-8 text"),
    ("empty.txt", "   \n", "empty file"),
])
def test_sources_bad_input_names_file_and_problem(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(InputError) as caught:
        list(read_documents([path]))
    assert message in str(caught.value)
    assert name in str(caught.value)
    assert "\n" not in str(caught.value)


def test_sources_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        list(read_documents([tmp_path / "nope.txt"]))
