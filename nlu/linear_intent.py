"""Intents from a linear model over the pipeline's sparse sentence features, without TensorFlow.

DIET costs ~1.9 ms per message in the Rasa server, almost all of it TensorFlow's call
(a smaller DIET was no faster, docs/benchmarks.md). A linear SVM over the same features
(the RegexFeaturizer's and both CountVectorsFeaturizers' sentence vectors) is one sparse
product. Rasa's LogisticRegressionClassifier does the same but fixes its regularisation;
this one takes the regularisation chosen by cross-validation on the training data.

An SVM gives scores, not probabilities, and the FallbackClassifier reads confidences. The
confidences are a softmax of the scores with one temperature, fitted at training time to
the scores of held-out examples (cross-validation on the training data: temperature
scaling, the one-parameter form of Platt scaling). A model's scores on its own training
examples are too large to fit it on.

The model is stored as numpy arrays (no pickle) and read without scikit-learn: a parse is
a sparse product and a softmax.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intent.npz"


def sentence_features(messages: list[Message]) -> scipy.sparse.csr_matrix:
    """Each message's sentence features, sparse then dense, one row per message."""
    rows = []
    for message in messages:
        _, sparse = message.get_sparse_features(TEXT)
        _, dense = message.get_dense_features(TEXT)
        parts = [scipy.sparse.csr_matrix(sparse.features)] if sparse else []
        if dense:
            parts.append(scipy.sparse.csr_matrix(dense.features))
        rows.append(scipy.sparse.hstack(parts) if parts else scipy.sparse.csr_matrix((1, 0)))
    return scipy.sparse.vstack(rows).tocsr()


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    scaled = scores * temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that gives held-out examples' true intents the highest likelihood."""
    from scipy.optimize import minimize_scalar

    def negative_log_likelihood(temperature: float) -> float:
        chosen = softmax(scores, temperature)[np.arange(len(truth)), truth]
        return float(-np.log(chosen + 1e-12).mean())

    return float(minimize_scalar(negative_log_likelihood, bounds=(0.01, 100.0), method="bounded").x)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    """A linear SVM over sentence features, with confidences from a fitted softmax."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Regularisation and class weights chosen by 5-fold cross-validation on data/nlu
            # (docs/benchmarks.md, What changed).
            "C": 0.1,
            "class_weight": "balanced",
            # Folds of the training data whose held-out scores fit the temperature.
            "calibration_folds": 5,
            "random_seed": 42,
            "ranking_length": LABEL_RANKING_LENGTH,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.intents = np.array([], dtype=str)
        self.weights = np.zeros((0, 0))
        self.bias = np.zeros(0)
        self.temperature = 1.0

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def _svm(self) -> Any:
        from sklearn.svm import LinearSVC

        return LinearSVC(
            C=self.config["C"], class_weight=self.config["class_weight"], random_state=self.config["random_seed"]
        )

    @staticmethod
    def _per_intent(svm: Any) -> tuple[np.ndarray, np.ndarray]:
        """The fitted SVM's weights and bias, one row per intent. With two intents
        scikit-learn gives one row, the second intent's: the first's is its negation."""
        if svm.coef_.shape[0] == 1:
            return np.vstack([-svm.coef_[0], svm.coef_[0]]), np.array([-svm.intercept_[0], svm.intercept_[0]])
        return svm.coef_, svm.intercept_

    def _held_out_scores(self, features: scipy.sparse.csr_matrix, truth: np.ndarray) -> np.ndarray:
        from sklearn.model_selection import StratifiedKFold

        folds = min(self.config["calibration_folds"], int(np.bincount(truth).min()))
        if folds < 2:
            return np.zeros((0, len(np.unique(truth))))
        scores = np.zeros((len(truth), len(np.unique(truth))))
        split = StratifiedKFold(folds, shuffle=True, random_state=self.config["random_seed"])
        for train, held_out in split.split(features, truth):
            if len(np.unique(truth[train])) < scores.shape[1]:
                continue
            weights, bias = self._per_intent(self._svm().fit(features[train], truth[train]))
            scores[held_out] = features[held_out] @ weights.T + bias
        return scores

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = np.array([e.get(INTENT) for e in examples])
        if len(np.unique(labels)) < 2:
            logger.warning("LinearIntentClassifier needs two intents or more to train; it predicts none.")
            return self._resource
        features = sentence_features(examples)
        intents, truth = np.unique(labels, return_inverse=True)
        held_out = self._held_out_scores(features, truth)
        self.temperature = fit_temperature(held_out, truth) if len(held_out) else 1.0
        self.intents = intents
        self.weights, self.bias = self._per_intent(self._svm().fit(features, truth))
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(
                directory / MODEL_FILE,
                intents=self.intents,
                weights=self.weights,
                bias=self.bias,
                temperature=np.array(self.temperature),
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                if not (directory / MODEL_FILE).exists():
                    raise FileNotFoundError(MODEL_FILE)
                try:
                    with np.load(directory / MODEL_FILE, allow_pickle=False) as stored:
                        component.intents = stored["intents"]
                        component.weights = stored["weights"]
                        component.bias = stored["bias"]
                        component.temperature = float(stored["temperature"])
                except (ValueError, KeyError, OSError):
                    # A model that is there but cannot be read is an error, not an untrained one.
                    logger.exception("The LinearIntentClassifier in the model cannot be read: it predicts no intent.")
        except (ValueError, FileNotFoundError):
            # Trained on fewer than two intents, as Rasa's classifiers: nothing was stored.
            logger.debug("No trained LinearIntentClassifier in the model: it predicts no intent.")
        return component

    def _score(self, message: Message) -> np.ndarray:
        """The message's score for each intent: what `sentence_features` gives, without building it.

        Rasa's `get_sparse_features` copies and stacks every featurizer's sequence and
        sentence matrices (four sparse stacks a message, most of a parse's cost here). A
        sentence vector has a few dozen non-zero counts among thousands: each featurizer's
        block is read where it is, in the order Rasa stacks them (sparse, then dense).
        """
        score = self.bias.copy()
        sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
        offset = 0
        for block in [f for f in sentence if f.is_sparse()] + [f for f in sentence if f.is_dense()]:
            if block.is_sparse():
                counts = block.features.tocoo()
                score += self.weights[:, offset + counts.col] @ counts.data
                offset += counts.shape[1]
            else:
                values = np.asarray(block.features).reshape(-1)
                score += self.weights[:, offset : offset + len(values)] @ values
                offset += len(values)
        return score

    def process(self, messages: list[Message]) -> list[Message]:
        if not len(self.intents) or not messages:
            return messages
        confidences = softmax(np.array([self._score(message) for message in messages]), self.temperature)
        for message, row in zip(messages, confidences, strict=True):
            order = np.argsort(-row)
            if self.config["ranking_length"] > 0:
                order = order[: self.config["ranking_length"]]
            ranking = [{INTENT_NAME_KEY: str(self.intents[i]), PREDICTED_CONFIDENCE_KEY: float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
