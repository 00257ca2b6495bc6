"""The WeChat channel with real wechatpy-signed and encrypted pushes, and a stand-in assistant
(no Rasa server): checks, retries, the 5-second limit, options, message types.
tests/stack/test_wechat_conversation.py drives the same channel against the real assistant."""

from __future__ import annotations

import asyncio
import time

import pytest

from connectors.wechat import (
    ASK_FOR_TEXT,
    NO_REPLY,
    ConfigurationError,
    Endpoint,
    Refused,
    School,
    WeChatInput,
    conversation_id,
    read_schools,
)
from connectors.wechat_text import Option
from connectors.wechat_turns import RESEND_NOTE, STILL_WORKING_REPLY, Conversations
from tests.connectors.wechat_client import ID_KEY, PLAIN_SCHOOL, SECURE_SCHOOL, WeChatClient

SCHOOLS = [PLAIN_SCHOOL, SECURE_SCHOOL]
WELCOME = ("你好！我是职教升学助手。", [Option("3+2是什么？", "3+2是什么？")])


class Assistant:
    """Stands in for Rasa: answers "答：<text>", with buttons when asked for, after `delay` s."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.received: list[tuple[str, str]] = []
        self.release = asyncio.Event()

    async def __call__(self, message) -> None:
        self.received.append((message.sender_id, message.text))
        if self.delay == float("inf"):
            await self.release.wait()
        else:
            await asyncio.sleep(self.delay)
        if message.text == "查资助":
            await message.output_channel.send_text_with_buttons(
                message.sender_id,
                "读中职还是高职？",
                [{"title": "中职", "payload": "读中职"}, {"title": "高职", "payload": "读高职"}],
            )
        else:
            await message.output_channel.send_text_message(message.sender_id, f"答：{message.text}\n来源：测试")


def endpoint_for(school, assistant: Assistant, conversations: Conversations | None = None) -> Endpoint:
    return Endpoint(school, ID_KEY, conversations or Conversations(assistant), lambda: WELCOME)


async def exchange(endpoint: Endpoint, client: WeChatClient, request) -> str:
    return client.read_reply(request, await endpoint.receive(request.args, request.body))["Content"]


@pytest.fixture(params=SCHOOLS, ids=lambda school: school.id)
def school(request):
    return request.param


def test_verification_echoes_with_the_right_token(school):
    args = WeChatClient(school).verification()
    assert args["echostr"] == endpoint_for(school, Assistant()).verify(args)


def test_verification_fails_with_a_wrong_token(school):
    with pytest.raises(Refused) as refused:
        endpoint_for(school, Assistant()).verify(WeChatClient(school).verification(token="wrongtoken"))
    assert 403 == refused.value.status


async def test_a_text_push_gets_a_passive_text_reply_addressed_to_the_sender(school):
    assistant = Assistant()
    client = WeChatClient(school)
    request = client.text("单招考什么")
    reply = client.read_reply(request, await endpoint_for(school, assistant).receive(request.args, request.body))
    assert ("text", "答：单招考什么\n来源：测试", client.open_id, "gh_0123456789ab") == (
        reply["MsgType"],
        reply["Content"],
        reply["ToUserName"],
        reply["FromUserName"],
    )


@pytest.mark.parametrize("forge", ["token", "old", "future"])
async def test_a_forged_or_replayed_push_is_refused_before_anything_is_read(school, forge):
    assistant = Assistant()
    client = WeChatClient(school)
    request = {
        "token": lambda: client.text("你好", token="wrongtoken"),
        "old": lambda: client.text("你好", timestamp=int(time.time()) - 301),
        "future": lambda: client.text("你好", timestamp=int(time.time()) + 301),
    }[forge]()
    with pytest.raises(Refused) as refused:
        await endpoint_for(school, assistant).receive(request.args, request.body)
    assert 403 == refused.value.status and [] == assistant.received


async def test_in_secure_mode_a_body_that_is_not_the_signed_one_is_refused():
    assistant = Assistant()
    client = WeChatClient(SECURE_SCHOOL)
    request, other = client.text("你好"), client.text("我家是低保户")
    with pytest.raises(Refused) as refused:
        await endpoint_for(SECURE_SCHOOL, assistant).receive(request.args, other.body)
    assert 403 == refused.value.status and [] == assistant.received


async def test_a_plain_push_to_a_school_in_secure_mode_is_refused():
    downgraded = School(SECURE_SCHOOL.id, SECURE_SCHOOL.app_id, SECURE_SCHOOL.token)  # right token, no AES
    request = WeChatClient(downgraded).text("你好")
    assistant = Assistant()
    with pytest.raises(Refused) as refused:
        await endpoint_for(SECURE_SCHOOL, assistant).receive(request.args, request.body)
    assert 403 == refused.value.status and [] == assistant.received


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml",
        b"<xml></xml>",
        b"<xml>x</xml>",
        b"\xff\xfe",
        b"<xml><MsgType>text</MsgType></xml>",
        b"<xml><FromUserName>o1</FromUserName><MsgType>text</MsgType><MsgId>x</MsgId></xml>",
    ],
)
async def test_a_signed_request_whose_body_is_not_a_push_is_a_400(body):
    with pytest.raises(Refused) as refused:
        await endpoint_for(PLAIN_SCHOOL, Assistant()).receive(WeChatClient(PLAIN_SCHOOL).query(), body)
    assert 400 == refused.value.status


async def test_a_retried_push_is_processed_once_and_answered_each_time(school):
    assistant = Assistant(delay=0.2)
    endpoint = endpoint_for(school, assistant)
    client = WeChatClient(school)
    request = client.text("单招考什么")
    replies = await asyncio.gather(*(exchange(endpoint, client, request) for _ in range(3)))
    again = await exchange(endpoint, client, request)  # a late retry, or a replay within the window
    assert ["答：单招考什么\n来源：测试"] * 4 == [*replies, again]
    assert 1 == len(assistant.received)


async def test_a_slow_assistant_still_gets_a_reply_within_five_seconds_and_the_answer_next_time():
    assistant = Assistant(delay=float("inf"))
    endpoint = endpoint_for(PLAIN_SCHOOL, assistant)
    client = WeChatClient(PLAIN_SCHOOL)
    started = time.monotonic()
    first = await exchange(endpoint, client, client.text("中职有哪些资助"))
    assert time.monotonic() - started < 5
    assert STILL_WORKING_REPLY == first
    assistant.release.set()
    assert "答：中职有哪些资助\n来源：测试" == await exchange(endpoint, client, client.text("1"))
    assert [(conversation_id(ID_KEY, PLAIN_SCHOOL, client.open_id), "中职有哪些资助")] == assistant.received


async def test_two_slow_answers_are_both_delivered_in_order(monkeypatch):
    monkeypatch.setenv("WECHAT_REPLY_SECONDS", "0.1")
    assistant = Assistant(delay=0.3)
    endpoint = endpoint_for(PLAIN_SCHOOL, assistant)
    client = WeChatClient(PLAIN_SCHOOL)
    first, second = await asyncio.gather(
        exchange(endpoint, client, client.text("单招考什么")), exchange(endpoint, client, client.text("对口招生呢"))
    )
    assert [STILL_WORKING_REPLY] * 2 == [first, second]
    monkeypatch.setenv("WECHAT_REPLY_SECONDS", "4")
    reply = await exchange(endpoint, client, client.text("1"))
    assert reply.index("答：单招考什么") < reply.index("答：对口招生呢")


async def test_a_new_question_while_an_answer_waits_gets_that_answer_and_is_asked_again(monkeypatch):
    monkeypatch.setenv("WECHAT_REPLY_SECONDS", "0.1")
    assistant = Assistant(delay=0.3)
    endpoint = endpoint_for(PLAIN_SCHOOL, assistant)
    client = WeChatClient(PLAIN_SCHOOL)
    assert STILL_WORKING_REPLY == await exchange(endpoint, client, client.text("中职有哪些资助"))
    await asyncio.sleep(0.4)
    reply = await exchange(endpoint, client, client.text("单招考什么"))
    assert reply.startswith(RESEND_NOTE) and "答：中职有哪些资助" in reply
    assert ["中职有哪些资助"] == [text for _, text in assistant.received]


async def test_buttons_become_numbered_options_and_a_digit_sends_the_payload():
    assistant = Assistant()
    endpoint = endpoint_for(PLAIN_SCHOOL, assistant)
    client = WeChatClient(PLAIN_SCHOOL)
    assert "读中职还是高职？\n\n回复 1：中职\n回复 2：高职" == await exchange(endpoint, client, client.text("查资助"))
    assert "答：读高职\n来源：测试" == await exchange(endpoint, client, client.text("２"))
    assert "答：2\n来源：测试" == await exchange(endpoint, client, client.text("2"))  # no options shown any more
    assert ["查资助", "读高职", "2"] == [text for _, text in assistant.received]


async def test_a_number_beyond_the_options_is_asked_again_without_the_assistant():
    assistant = Assistant()
    endpoint = endpoint_for(PLAIN_SCHOOL, assistant)
    client = WeChatClient(PLAIN_SCHOOL)
    await exchange(endpoint, client, client.text("查资助"))
    assert "请回复 1 到 2" in await exchange(endpoint, client, client.text("3"))
    assert "答：读中职\n来源：测试" == await exchange(endpoint, client, client.text("1"))
    assert 2 == len(assistant.received)


async def test_intent_syntax_from_a_user_reaches_the_assistant_as_text():
    assistant = Assistant()
    client = WeChatClient(PLAIN_SCHOOL)
    await exchange(endpoint_for(PLAIN_SCHOOL, assistant), client, client.text('/inform{"elig_scope": 5}'))
    [(_, text)] = assistant.received
    assert not text.startswith("/") and "inform" in text


async def test_a_voice_message_with_recognition_is_answered_as_text(school):
    assistant = Assistant()
    client = WeChatClient(school)
    assert "答：单招考什么？\n来源：测试" == await exchange(
        endpoint_for(school, assistant), client, client.voice("单招考什么？")
    )


@pytest.mark.parametrize(
    "request_of",
    [
        lambda client: client.image(),
        lambda client: client.voice(""),
        lambda client: client.text("【收到不支持的消息类型，暂无法显示】"),
        lambda client: client.push(
            {
                "MsgType": "location",
                "Location_X": "40.8",
                "Location_Y": "111.7",
                "Scale": "15",
                "Label": "呼和浩特",
                "MsgId": "1",
            }
        ),
        lambda client: client.push(
            {"MsgType": "link", "Title": "t", "Description": "d", "Url": "http://x", "MsgId": "2"}
        ),
    ],
    ids=["image", "voice-without-text", "sticker", "location", "link"],
)
async def test_what_is_not_text_gets_asked_for_text(request_of):
    assistant = Assistant()
    client = WeChatClient(PLAIN_SCHOOL)
    assert ASK_FOR_TEXT == await exchange(endpoint_for(PLAIN_SCHOOL, assistant), client, request_of(client))
    assert [] == assistant.received


async def test_a_new_follower_is_welcomed_with_numbered_options_and_can_pick_one(school):
    assistant = Assistant()
    endpoint = endpoint_for(school, assistant)
    client = WeChatClient(school)
    assert "你好！我是职教升学助手。\n\n回复 1：3+2是什么？" == await exchange(
        endpoint, client, client.event("subscribe")
    )
    assert "答：3+2是什么？\n来源：测试" == await exchange(endpoint, client, client.text("1"))


async def test_other_events_get_no_reply():
    client = WeChatClient(PLAIN_SCHOOL)
    request = client.event("CLICK")
    assert NO_REPLY == await endpoint_for(PLAIN_SCHOOL, Assistant()).receive(request.args, request.body)


def test_the_conversation_id_is_a_keyed_hash_of_the_openid():
    first = conversation_id(ID_KEY, PLAIN_SCHOOL, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
    assert first == conversation_id(ID_KEY, PLAIN_SCHOOL, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
    assert first != conversation_id("another-key", PLAIN_SCHOOL, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
    assert "o6_bmjrPTlm6_2sgVt7hMZOPfL2M" not in first


@pytest.mark.parametrize(
    "raw",
    [
        "{",
        "{}",
        '[{"school": "a b", "app_id": "wx1", "token": "abc"}]',
        '[{"school": "a", "app_id": "", "token": "abc"}]',
        '[{"school": "a", "app_id": "wx1", "token": "x"}]',
        '[{"school": "a", "app_id": "wx1", "token": "abc", "aes_key": "short"}]',
        '[{"school": "a", "app_id": "wx1", "token": "abc"}, {"school": "a", "app_id": "wx2", "token": "abc"}]',
        '[{"school": "a", "app_id": 1, "token": "abc"}]',
    ],
)
def test_a_bad_school_list_is_refused_at_start_with_a_message(raw):
    with pytest.raises(ConfigurationError):
        read_schools(raw)


def test_the_school_list_is_read_and_never_shows_its_secrets():
    schools = read_schools(
        '[{"school": "bt-1", "app_id": "wx1", "token": "tok123",'
        ' "aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}]'
    )
    assert ["bt-1"] == list(schools) and "tok123" not in repr(schools)
    assert {} == read_schools("")


def test_schools_without_an_id_key_are_refused_at_start():
    with pytest.raises(ConfigurationError):
        WeChatInput({"a": PLAIN_SCHOOL}, "")


def test_the_channel_reads_its_schools_from_the_environment(monkeypatch):
    monkeypatch.setenv("WECHAT_SCHOOLS", '[{"school": "bt-1", "app_id": "wx1", "token": "tok123"}]')
    monkeypatch.setenv("WECHAT_ID_KEY", "k")
    assert ["bt-1"] == list(WeChatInput.from_credentials(None).schools)
    monkeypatch.setenv("WECHAT_SCHOOLS", '[{"school": "bt-1", "app_id": "wx1", "token": "x"}]')
    with pytest.raises(ConfigurationError, match="token") as refused:
        WeChatInput.from_credentials(None)
    assert '"x"' not in str(refused.value)  # says which setting, never its value


def test_without_schools_the_channel_serves_nothing_and_needs_no_key(monkeypatch):
    monkeypatch.delenv("WECHAT_SCHOOLS", raising=False)
    monkeypatch.delenv("WECHAT_ID_KEY", raising=False)
    assert {} == WeChatInput.from_credentials(None).schools


async def test_a_conversation_over_the_per_sender_limit_gets_the_polite_reply(monkeypatch):
    # Every push comes from WeChat's servers: issue 14's limit holds per conversation here.
    from connectors.rate_limit import RATE_LIMITED_REPLY
    from connectors.wechat_turns import Conversations

    monkeypatch.setenv("RATE_LIMIT_PER_SENDER", "2")
    asked = []

    async def assistant(message):
        asked.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "答")

    turns = Conversations(assistant)
    replies = [await turns.reply(("wx-limit", n), "wx-limit", f"问题{n}") for n in range(3)]
    assert [RATE_LIMITED_REPLY] == [r for r in replies if r == RATE_LIMITED_REPLY]
    assert ["问题0", "问题1"] == asked
    assert RATE_LIMITED_REPLY != await turns.reply(("wx-other", 0), "wx-other", "问题")
