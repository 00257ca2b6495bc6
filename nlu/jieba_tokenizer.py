"""Rasa's JiebaTokenizer, retrained when its dictionary changes, that reads pinyin.

Rasa reuses a cached trained component unless its config, training data or code changed.
JiebaTokenizer's config names the dictionary directory (bot/jieba), not its contents, so
after an edit to bot/jieba/userdict.txt `rasa train` kept the old dictionary in the model:
its tokens, and the featurizers and classifier trained on them, did not change. This
subclass adds the dictionary's contents to the fingerprint.

A message typed in pinyin ("zhongzhi gaozhi yigong duoshao suo xuexiao") is tokenized as
the Chinese it spells (knowledge/pinyin.py), each token keeping the span of its letters, so
the classifier sees the words it was trained on. The spellings are made at training time
and stored with the dictionary; the text read is left on the message (READ_TEXT) for the
entity extractor.
"""

from __future__ import annotations

import glob
import hashlib
import json
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge import pinyin, settings
from knowledge.pinyin import PinyinReader, build_lexicon
from knowledge.schema import load_vocabulary

PINYIN_FILE = "pinyin.json"
# Message property: (the text read as Chinese, where each of its characters starts and ends).
READ_TEXT = "read_text"
# U+FF01-FF5E are U+0021-007E in full width; U+3000 is the full-width space.
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class DictionaryJiebaTokenizer(JiebaTokenizer):
    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        spelled: dict[str, str] | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self._spelled = spelled
        self._reader: PinyinReader | None = None

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        digest = hashlib.sha256()
        directory = config.get("dictionary_path")
        paths = sorted(p for p in (settings.REPO_ROOT / directory).glob("*") if p.is_file()) if directory else []
        # The spellings are made from the vocabulary, by knowledge/pinyin.py.
        paths += [settings.SOURCES_DIR / "vocabulary.yaml", Path(pinyin.__file__)]
        for path in paths:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    @staticmethod
    def _load_custom_dictionary(path: str) -> None:
        import jieba

        for dictionary in glob.glob(f"{path}/*.txt"):  # not the spellings stored beside them
            jieba.load_userdict(dictionary)

    @property
    def reader(self) -> PinyinReader:
        if self._reader is None:
            if self._spelled is None:
                self._spelled = build_lexicon(load_vocabulary(settings.SOURCES_DIR / "vocabulary.yaml"))
            self._reader = PinyinReader(self._spelled)
        return self._reader

    def train(self, training_data: TrainingData) -> Resource:
        # Made again from the sources of this training, not kept from an earlier one.
        self._spelled = build_lexicon(load_vocabulary(settings.SOURCES_DIR / "vocabulary.yaml"))
        self._reader = None
        self.persist()
        return self._resource

    def persist(self) -> None:
        super().persist()
        with self._model_storage.write_to(self._resource) as directory:
            (directory / PINYIN_FILE).write_text(json.dumps(self._spelled, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DictionaryJiebaTokenizer:
        loaded = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as directory:
                loaded._spelled = json.loads((directory / PINYIN_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            pass  # a model trained before spellings were stored: they are made again
        return loaded

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        import jieba

        text = message.get(attribute) or ""
        read, starts, ends = self.reader.to_hanzi_keeping_positions(text)
        if attribute == TEXT:
            message.set(READ_TEXT, (read, starts, ends))
        # Full-width letters, digits and signs (a Chinese keyboard's "３＋２") are read as their
        # ASCII forms, one character for one, so the classifier sees the words it was trained on.
        read = read.translate(FULL_WIDTH)
        if read == text:
            return super().tokenize(message, attribute)
        tokens = [Token(word, starts[start], end=ends[end - 1]) for word, start, end in jieba.tokenize(read)]
        return self._apply_token_pattern(tokens)
