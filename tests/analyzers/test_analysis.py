"""The generated analysis settings and field mappings hold together."""

import json

import pytest

from analyzers.analysis import analysis_settings, sort_field, text_field


def test_settings_are_deterministic_json() -> None:
    assert json.dumps(analysis_settings()) == json.dumps(analysis_settings())


def test_every_analyzer_part_is_defined() -> None:
    settings = analysis_settings()
    for analyzer in settings["analyzer"].values():
        assert analyzer["tokenizer"] in settings["tokenizer"]
        for name in analyzer["char_filter"]:
            assert name in settings["char_filter"]
        for name in analyzer["filter"]:
            assert name in settings["filter"] or name == "lowercase"


@pytest.mark.parametrize(
    ("autocomplete", "subfields"),
    [
        (False, {"folded", "shingles", "folded_shingles", "variant"}),
        (True, {"folded", "shingles", "folded_shingles", "variant", "prefix", "start"}),
    ],
)
def test_text_field_subfields(autocomplete: bool, subfields: set[str]) -> None:
    mapping = text_field(autocomplete=autocomplete)
    assert set(mapping["fields"]) == subfields
    analyzers = analysis_settings()["analyzer"]
    assert mapping["analyzer"] in analyzers
    settings = analysis_settings()
    for sub in mapping["fields"].values():
        if sub["type"] == "keyword":
            assert sub["normalizer"] in settings["normalizer"]
        else:
            assert sub["analyzer"] in analyzers


def test_no_stopword_filter() -> None:
    filters = analysis_settings()["filter"].values()
    assert all(f["type"] != "stop" for f in filters)


def test_sort_field_is_keyword_with_doc_values() -> None:
    assert sort_field()["type"] == "keyword" and sort_field()["doc_values"]
