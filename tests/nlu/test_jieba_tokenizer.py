"""Editing the jieba dictionary retrains the tokenizer instead of reusing Rasa's cached one."""

from __future__ import annotations

from nlu.jieba_tokenizer import DictionaryJiebaTokenizer


def test_the_fingerprint_follows_the_dictionary_contents(tmp_path, monkeypatch):
    monkeypatch.setattr("knowledge.settings.REPO_ROOT", tmp_path)
    (tmp_path / "jieba").mkdir()
    userdict = tmp_path / "jieba" / "userdict.txt"
    userdict.write_text("单招 1000 n\n", encoding="utf-8")
    config = {"dictionary_path": "jieba"}
    before = DictionaryJiebaTokenizer.fingerprint_addon(config)
    assert before == DictionaryJiebaTokenizer.fingerprint_addon(config)
    userdict.write_text("单招 1000 n\n大类 1000 n\n", encoding="utf-8")
    assert before != DictionaryJiebaTokenizer.fingerprint_addon(config)


def test_without_a_dictionary_there_is_nothing_to_add():
    assert DictionaryJiebaTokenizer.fingerprint_addon({"dictionary_path": None}) is None
