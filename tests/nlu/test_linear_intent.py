"""The linear intent classifier: trained on a tiny data set, stored, loaded, and its confidences."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.linear_intent import LinearIntentClassifier, fit_temperature, sentence_features, softmax

# Each intent has words of its own; a message's sentence features count them.
WORDS = {
    "greet": ["你好", "您好", "早上好"],
    "thank": ["谢谢", "多谢", "感谢"],
    "ask_statistic": ["多少", "几所", "人数"],
}
VOCABULARY = [word for words in WORDS.values() for word in words] + ["学校", "请问"]


def message(words: list[str], intent: str | None = None) -> Message:
    counts = np.zeros((1, len(VOCABULARY)))
    for word in words:
        counts[0, VOCABULARY.index(word)] += 1
    built = Message.build(text="".join(words), intent=intent)
    # Two featurizers' blocks, as the pipeline has three: Rasa stacks them in this order.
    built.add_features(Features(scipy.sparse.coo_matrix(counts[:, :4]), "sentence", "text", "words"))
    built.add_features(Features(scipy.sparse.coo_matrix(counts[:, 4:]), "sentence", "text", "characters"))
    return built


def training_data(intents: dict[str, list[str]]) -> TrainingData:
    examples = []
    for intent, words in intents.items():
        for word in words:
            examples += [message([word], intent), message([word, "学校"], intent), message(["请问", word], intent)]
    return TrainingData(examples)


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def trained(storage, intents=WORDS, **config) -> LinearIntentClassifier:
    classifier = LinearIntentClassifier.create(config, storage, Resource("linear_intent"), context())
    classifier.train(training_data(intents))
    return classifier


def classify(classifier: LinearIntentClassifier, words: list[str]) -> Message:
    [classified] = classifier.process([message(words)])
    return classified


def test_each_intent_is_read_from_its_own_words(storage):
    classifier = trained(storage)
    assert ["greet", "thank", "ask_statistic"] == [
        classify(classifier, [words[0], "请问"]).get("intent")["name"] for words in WORDS.values()
    ]


def test_the_ranking_is_every_intent_by_confidence_and_the_confidences_sum_to_one(storage):
    message = classify(trained(storage, ranking_length=0), ["多少"])
    ranking = message.get("intent_ranking")
    confidences = [r["confidence"] for r in ranking]
    assert sorted(WORDS) == sorted(r["name"] for r in ranking)
    assert sorted(confidences, reverse=True) == confidences
    assert 1.0 == pytest.approx(sum(confidences))
    assert ranking[0] == message.get("intent")
    assert confidences[0] > 0.5


def test_a_message_without_known_words_is_not_read_with_confidence(storage):
    classifier = trained(storage)
    assert (
        classify(classifier, []).get("intent")["confidence"]
        < classify(classifier, ["谢谢"]).get("intent")["confidence"]
    )


def test_a_message_is_scored_as_its_row_of_sentence_features(storage):
    classifier = trained(storage)
    messages = [message(["你好", "学校", "学校"]), message(["多少", "谢谢"]), message([])]
    rows = sentence_features(messages) @ classifier.weights.T + classifier.bias
    assert np.allclose(rows, [classifier._score(m) for m in messages])


def test_the_ranking_is_cut_to_its_length(storage):
    assert 2 == len(classify(trained(storage, ranking_length=2), ["谢谢"]).get("intent_ranking"))


def test_a_loaded_model_gives_the_same_confidences(storage):
    classifier = trained(storage)
    loaded = LinearIntentClassifier.load({}, storage, Resource("linear_intent"), context())
    for words in (["你好"], ["多少", "学校"], ["请问"]):
        assert classify(classifier, words).get("intent_ranking") == classify(loaded, words).get("intent_ranking")
    assert classifier.temperature == loaded.temperature


def test_two_intents_are_enough(storage):
    classifier = trained(storage, intents={"greet": WORDS["greet"], "thank": WORDS["thank"]})
    assert "thank" == classify(classifier, ["感谢"]).get("intent")["name"]
    assert "greet" == classify(classifier, ["您好"]).get("intent")["name"]


def test_an_untrained_model_leaves_the_message_alone(storage):
    loaded = LinearIntentClassifier.load({}, storage, Resource("never_trained"), context())
    assert classify(loaded, ["你好"]).get("intent") is None


def test_the_fitted_temperature_is_the_one_the_labels_were_drawn_with():
    random = np.random.default_rng(0)
    scores = random.normal(size=(4000, 5))
    truth = np.array([random.choice(5, p=p) for p in softmax(scores, 2.5)])
    assert 2.5 == pytest.approx(fit_temperature(scores, truth), rel=0.1)
