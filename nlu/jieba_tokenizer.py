"""Rasa's JiebaTokenizer, retrained when its dictionary changes.

Rasa reuses a cached trained component unless its config, training data or code changed.
JiebaTokenizer's config names the dictionary directory (bot/jieba), not its contents, so
after an edit to bot/jieba/userdict.txt `rasa train` kept the old dictionary in the model:
its tokens, and the featurizers and classifier trained on them, did not change. This
subclass adds the dictionary's contents to the fingerprint.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer

from knowledge import settings


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class DictionaryJiebaTokenizer(JiebaTokenizer):
    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        directory = config.get("dictionary_path")
        if not directory:
            return None
        digest = hashlib.sha256()
        for path in sorted(p for p in (settings.REPO_ROOT / directory).glob("*") if p.is_file()):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()
