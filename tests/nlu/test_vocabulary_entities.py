"""The vocabulary entity extractor, trained and loaded as Rasa does, without a model."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.vocabulary_entities import VocabularyEntityExtractor


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture
def extractor(storage) -> VocabularyEntityExtractor:
    context = ExecutionContext(GraphSchema({}), "test")
    resource = Resource("vocabulary_entities")
    trained = VocabularyEntityExtractor.create({}, storage, resource, context)
    trained.train(TrainingData(entity_synonyms={"国励": "国家励志奖学金", "专业布点": "专业布点数"}))
    return VocabularyEntityExtractor.load({}, storage, resource, context)


def entities(extractor: VocabularyEntityExtractor, text: str) -> list[tuple[str, str]]:
    [message] = extractor.process([Message.build(text)])
    return [(entity["entity"], entity["value"]) for entity in message.get("entities")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("大专的助学金多少钱", [("scope", "高职"), ("subsidy", "国家助学金")]),
        ("单召考什么", [("channel", "单招")]),
        ("我家在包头，农村户口，低保户", [("place", "包头市"), ("household", "农村"), ("hardship", "低保")]),
        ("２０２２年中职有多少学生", [("year", "2022"), ("scope", "中职")]),
        ("22年单召录了多少", [("year", "2022"), ("channel", "单招")]),
        ("今天天气怎么样", []),
    ],
)
def test_aliases_become_canonical_values_in_text_order(extractor, text, expected):
    assert expected == entities(extractor, text)


def test_the_longest_alias_wins(extractor):
    """ "交不起学费" is the green channel, not free tuition, although it contains 学费."""
    assert [("subsidy", "绿色通道")] == entities(extractor, "家里交不起学费怎么办")


def test_training_data_synonyms_add_surface_forms_of_vocabulary_values(extractor):
    assert [("subsidy", "国家励志奖学金")] == entities(extractor, "国励怎么申请")
    # A synonym of something the vocabulary does not hold (a metric) is not an entity kind here.
    assert [] == entities(extractor, "专业布点有多少")


def test_positions_point_at_the_alias(extractor):
    [message] = extractor.process([Message.build("请问3+2和单招有什么区别")])
    assert [("3+2", "pathway"), ("单招", "channel")] == [
        (message.get("text")[e["start"] : e["end"]], e["entity"]) for e in message.get("entities")
    ]
    assert {"VocabularyEntityExtractor"} == {e["extractor"] for e in message.get("entities")}


def test_positions_point_into_the_original_when_normalising_lengthens_it(extractor):
    text = "我想问……大专学费2000元"  # NFKC turns each … into three dots
    [message] = extractor.process([Message.build(text)])
    assert [("大专", "scope", "高职"), ("学费", "subsidy", "免学费")] == [
        (text[e["start"] : e["end"]], e["entity"], e["value"]) for e in message.get("entities")
    ]


def test_a_number_is_a_year_only_on_its_own(extractor):
    assert [("year", "2022")] == entities(extractor, "2022年招了1900人，电话13920221234，每年2000元")


def test_the_model_is_retrained_when_the_vocabulary_changes(tmp_path, monkeypatch):
    """Rasa reuses a cached component unless its fingerprint changes."""
    from knowledge import settings

    before = VocabularyEntityExtractor.fingerprint_addon({})
    changed = tmp_path / "vocabulary.yaml"
    changed.write_text(
        (settings.SOURCES_DIR / "vocabulary.yaml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
    )
    monkeypatch.setattr(settings, "SOURCES_DIR", tmp_path)
    assert before != VocabularyEntityExtractor.fingerprint_addon({})
