"""The NLU synonyms are generated from the vocabulary: every alias once, never out of date."""

from __future__ import annotations

import pytest
import yaml

from knowledge import settings
from knowledge.schema import load_vocabulary
from knowledge.text import normalize
from knowledge.training_data import OUT, render
from tests.knowledge import tiny


def synonyms(text: str) -> dict[str, list[str]]:
    blocks = yaml.safe_load(text)["nlu"]
    return {
        block["synonym"]: [line[2:] for line in block["examples"].splitlines()]
        for block in blocks
        if "synonym" in block
    }


def test_every_alias_of_the_vocabulary_is_a_synonym_of_its_value():
    written = synonyms(render())
    vocabulary = load_vocabulary(settings.SOURCES_DIR / "vocabulary.yaml")
    missing = [
        (canonical, alias)
        for values in vocabulary.values()
        for canonical, aliases in values.items()
        for alias in aliases
        if normalize(alias) != normalize(canonical) and alias not in written.get(canonical, [])
    ]
    assert [] == missing


def test_every_place_of_the_lookup_is_a_place_of_the_vocabulary():
    vocabulary = load_vocabulary(settings.SOURCES_DIR / "vocabulary.yaml")
    places = {normalize(name) for canonical, aliases in vocabulary["place"].items() for name in (canonical, *aliases)}
    blocks = yaml.safe_load((settings.REPO_ROOT / "data" / "nlu" / "lookups.yml").read_text(encoding="utf-8"))["nlu"]
    [lookup] = [block for block in blocks if block.get("lookup") == "place"]
    assert [] == [name for name in lookup["examples"].split() if name != "-" and normalize(name) not in places]


def test_a_value_of_the_vocabulary_gets_its_aliases_as_synonyms(tmp_path):
    assert {"中职": ["中职学校", "中等职业学校"], "莫力达瓦达斡尔族自治旗": ["莫旗"]} == {
        canonical: aliases
        for canonical, aliases in synonyms(render(tiny.write_sources(tmp_path))).items()
        if canonical in ("中职", "莫力达瓦达斡尔族自治旗")
    }


def test_the_generated_file_is_what_the_sources_give():
    if not OUT.exists():
        pytest.skip(f"{OUT.name} is not generated yet (make train writes it)")
    assert render() == OUT.read_text(encoding="utf-8"), "run `make train`: the vocabulary changed since"
