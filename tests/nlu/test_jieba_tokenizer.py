"""Editing the jieba dictionary retrains the tokenizer instead of reusing Rasa's cached one."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.jieba_tokenizer import READ_TEXT, DictionaryJiebaTokenizer


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


def test_the_fingerprint_follows_the_vocabulary_the_spellings_are_made_from(tmp_path, monkeypatch):
    monkeypatch.setattr("knowledge.settings.SOURCES_DIR", tmp_path)
    vocabulary = tmp_path / "vocabulary.yaml"
    vocabulary.write_text("scope:\n  中职: [中专]\n", encoding="utf-8")
    before = DictionaryJiebaTokenizer.fingerprint_addon({"dictionary_path": None})
    vocabulary.write_text("scope:\n  中职: [中专, 职高]\n", encoding="utf-8")
    assert before != DictionaryJiebaTokenizer.fingerprint_addon({"dictionary_path": None})


def test_a_message_in_pinyin_is_tokenized_as_the_chinese_it_spells():
    config = {**DictionaryJiebaTokenizer.get_default_config(), "dictionary_path": None}
    tokenizer = DictionaryJiebaTokenizer(config, None, None, spelled={"zhongzhi": "中职", "xuexiao": "学校"})
    message = Message({TEXT: "zhongzhi xuexiao 多少"})
    tokens = tokenizer.tokenize(message, TEXT)
    assert [("中职", 0, 8), ("学校", 9, 16)] == [(t.text, t.start, t.end) for t in tokens[:2]]
    assert "中职学校 多少" == message.get(READ_TEXT)[0]


def test_a_chinese_message_is_tokenized_as_before():
    config = {**DictionaryJiebaTokenizer.get_default_config(), "dictionary_path": None}
    tokenizer = DictionaryJiebaTokenizer(config, None, None, spelled={"zhongzhi": "中职"})
    assert ["中职", "学校"] == [t.text for t in tokenizer.tokenize(Message({TEXT: "中职学校"}), TEXT)]
