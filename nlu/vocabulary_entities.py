"""Entities from the knowledge base's vocabulary: the same aliases the actions use.

`knowledge/sources/vocabulary.yaml` lists how users name each value (大专 → 高职, 单召 →
单招, 包头 → 包头市, 低保户 → 低保); the training data's synonyms (data/nlu/synonyms.yml)
add more surface forms of the same values (traditional characters, 国励, 中本贯通). This
extractor finds them in a message the way the actions do (knowledge.text.find_aliases:
normalised text, longest alias first), gives each entity its canonical value, and finds
years (2019, ２０２２) by pattern.

It replaces DIET's entity recognition (docs/evaluation.md has the figures): on the
held-out questions the vocabulary scores a higher entity F1 than DIET's CRF, and the CRF
was most of the model's training time and of the Rasa server's cold start, where
Rasa rebuilds DIET by tracing a training step.

The aliases are read from the sources at training time and stored in the model, so the
served model does not depend on the knowledge database (make train retrains when the
vocabulary changes).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge import settings
from knowledge.schema import load_vocabulary
from knowledge.text import YEAR, find_aliases, longest_first, normalize_keeping_positions, year_of
from nlu.jieba_tokenizer import READ_TEXT

ALIASES_FILE = "aliases.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class VocabularyEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The entity kinds to extract: every kind of the vocabulary unless listed.
        return {"kinds": None}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        aliases: dict[str, list[tuple[str, str]]] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.aliases = aliases or {}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Rasa reuses a cached trained component unless its config, training data or code
        changed: the vocabulary and the normalisation are inputs too."""
        digest = hashlib.sha256()
        for path in (settings.SOURCES_DIR / "vocabulary.yaml", settings.REPO_ROOT / "knowledge" / "text.py"):
            digest.update(path.read_bytes())
        return digest.hexdigest()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VocabularyEntityExtractor:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        vocabulary = load_vocabulary(settings.SOURCES_DIR / "vocabulary.yaml")
        kinds = self._config["kinds"] or list(vocabulary)
        pairs = {
            kind: {
                (alias, canonical) for canonical, aliases in vocabulary[kind].items() for alias in {canonical, *aliases}
            }
            for kind in kinds
        }
        # A synonym is of the kind whose canonical value it maps to (metric synonyms have none).
        kind_of = {canonical: kind for kind in kinds for canonical in vocabulary[kind]}
        for surface, canonical in training_data.entity_synonyms.items():
            if canonical in kind_of:
                pairs[kind_of[canonical]].add((surface, canonical))
        self.aliases = {kind: longest_first(sorted(found)) for kind, found in pairs.items()}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / ALIASES_FILE).write_text(json.dumps(self.aliases, ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> VocabularyEntityExtractor:
        with model_storage.read_from(resource) as directory:
            stored = json.loads((directory / ALIASES_FILE).read_text(encoding="utf-8"))
        return cls(
            config, model_storage, resource, {kind: [tuple(pair) for pair in pairs] for kind, pairs in stored.items()}
        )

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            # A message in pinyin, as the tokenizer read it: its entities point back to the letters.
            read, starts, ends = message.get(READ_TEXT) or (text, range(len(text)), range(1, len(text) + 1))
            found = [
                {**entity, "start": starts[entity["start"]], "end": ends[entity["end"] - 1]}
                for entity in self.entities(read)
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages

    def entities(self, text: str) -> list[dict[str, Any]]:
        """Rasa entities for `text`, with start and end in `text` itself."""
        normalized, origin = normalize_keeping_positions(text)

        def entity(kind: str, value: str, start: int, end: int) -> dict[str, Any]:
            # Back from the normalised text to the original (NFKC may lengthen: ㎡ → m2).
            return {
                "entity": kind,
                "value": value,
                "start": origin[start],
                "end": origin[end - 1] + 1,
                "confidence_entity": 1.0,
            }

        found = [
            entity(kind, canonical, start, end)
            for kind, aliases in self.aliases.items()
            for canonical, start, end in find_aliases(text, aliases)
        ]
        found += [
            entity("year", str(year_of(match)), match.start(), match.end()) for match in YEAR.finditer(normalized)
        ]
        return sorted(found, key=lambda e: e["start"])
