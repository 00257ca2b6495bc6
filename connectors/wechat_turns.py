"""What the WeChat channel (connectors/wechat.py) remembers between pushes, and how a push
becomes a Rasa turn within WeChat's time limit.

- WeChat drops a passive reply that arrives more than 5 s after its push, then sends the
  push again (three tries in all). A push gets WECHAT_REPLY_SECONDS (4 s) of the turn; if
  the assistant is slower, the reply is STILL_WORKING_REPLY and the turn's answer is kept
  for the user's next message ("1"). A retried or replayed push (same MsgId) joins its
  first try's turn, so Rasa sees each message once.
- The options last shown ("回复 1：…") are kept, so that a digit sends the button's payload.
- Text goes to Rasa as the REST channel hands it over (connectors/rest.py), a leading "/"
  as text.

All of it is in this process's memory, for minutes (docs/deployment.md, 多进程、多副本).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from connectors import settings
from connectors.rate_limit import RATE_LIMITED_REPLY, RateLimiter
from connectors.rest import UNAVAILABLE_REPLY, literal_text, reply_without_model
from connectors.settings import rate_limit_per_sender
from connectors.wechat_text import Option, compose, read_number, render

logger = logging.getLogger(__name__)

STILL_WORKING_REPLY = "正在查询，请稍后回复“1”查看回答。"
RESEND_NOTE = "（这是你上一个问题的回答。你刚发的消息还没有处理，看完请再发一次。）"
CHOOSE_IN_RANGE = "请回复 1 到 {count} 之间的数字，或者直接用文字回答。"
FETCH_WORDS = frozenset({"1", "查看"})

# How long what is remembered between pushes is kept. A turn outlives any timestamp the
# push could carry, so a replay within the accepted clock window still finds it.
ANSWER_KEPT_SECONDS = 30 * 60
OPTIONS_KEPT_SECONDS = 60 * 60  # the domain's session_expiration_time
MAX_REMEMBERED = 100_000
# Every push comes from WeChat's servers: the limit is per conversation (issue 14's
# per-sender limit, RATE_LIMIT_PER_SENDER), not per address.
PER_CONVERSATION = RateLimiter(rate_limit_per_sender)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Expiring(Generic[K, V]):
    """A mapping whose entries are forgotten `seconds` after they were last set."""

    def __init__(self, seconds: float, limit: int = MAX_REMEMBERED):
        self.seconds = seconds
        self.limit = limit
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        self._forget_expired()
        entry = self._entries.get(key)
        return entry[1] if entry else None

    def set(self, key: K, value: V) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (time.monotonic() + self.seconds, value)
        self._forget_expired()
        while len(self._entries) > self.limit:
            self._entries.popitem(last=False)

    def pop(self, key: K) -> V | None:
        entry = self._entries.pop(key, None)
        return entry[1] if entry else None

    def _forget_expired(self) -> None:
        now = time.monotonic()
        while self._entries and next(iter(self._entries.values()))[0] < now:
            self._entries.popitem(last=False)


@dataclass(frozen=True)
class Reply:
    text: str
    options: list[Option] = field(default_factory=list)


class Conversations:
    """Turns WeChat messages into Rasa turns within WeChat's time limit, once per MsgId."""

    def __init__(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], channel: str = "wechat"):
        self.on_new_message = on_new_message
        self.channel = channel
        turn_seconds = max(ANSWER_KEPT_SECONDS, 2 * settings.wechat_max_age_seconds())
        self._turns: Expiring[Hashable, asyncio.Future[Reply]] = Expiring(turn_seconds)
        # Per conversation, the turns whose answers the user was told to fetch, oldest first.
        self._waiting: Expiring[str, list[asyncio.Future[Reply]]] = Expiring(ANSWER_KEPT_SECONDS)
        self._options: Expiring[str, list[Option]] = Expiring(OPTIONS_KEPT_SECONDS)

    async def reply(
        self,
        message_key: Hashable,
        conversation: str,
        text: str,
        metadata: dict | None = None,
        started: float | None = None,
    ) -> str:
        """The passive reply to a message, within WECHAT_REPLY_SECONDS of `started`."""
        started = time.monotonic() if started is None else started
        turn = self._turns.get(message_key)
        if turn is None:  # a retried push joins its first try's turn
            turn = asyncio.ensure_future(self._answer(conversation, text, metadata))
            self._turns.set(message_key, turn)
        remaining = settings.wechat_reply_seconds() - (time.monotonic() - started)
        try:
            answer = await asyncio.wait_for(asyncio.shield(turn), max(remaining, 0))
        except TimeoutError:
            waiting = self._waiting.get(conversation) or []
            if turn not in waiting:
                self._waiting.set(conversation, [*waiting, turn])
            return STILL_WORKING_REPLY
        waiting = self._waiting.get(conversation) or []
        if turn in waiting:  # a retry delivered what was waiting
            self._waiting.set(conversation, [other for other in waiting if other is not turn])
        return compose(answer.text, answer.options)

    def welcome(self, conversation: str, text: str, options: list[Option]) -> str:
        self._remember_options(conversation, options)
        return compose(text, options)

    def forget(self, conversation: str) -> None:
        self._waiting.pop(conversation)
        self._options.pop(conversation)

    async def _answer(self, conversation: str, text: str, metadata: dict | None) -> Reply:
        waiting = self._waiting.pop(conversation)
        if waiting:
            return await self._deliver(waiting, text)
        options = self._options.get(conversation) or []
        number = read_number(text) if options else None
        if number is not None:
            if not 1 <= number <= len(options):
                return Reply(CHOOSE_IN_RANGE.format(count=len(options)), options)
            text = options[number - 1].payload
        if not PER_CONVERSATION.allow(conversation):
            return Reply(RATE_LIMITED_REPLY)
        # WeChat's own emoji arrive as "/::)": text, never intent syntax, as on the other channels.
        text = literal_text(text.strip())
        immediate = reply_without_model(text)
        if immediate is not None:
            return Reply(immediate)
        collector = CollectingOutputChannel()
        try:
            await self.on_new_message(
                UserMessage(text, collector, conversation, input_channel=self.channel, metadata=metadata)
            )
        except Exception:
            # Logged without the message text: it may hold what a family told us.
            logger.exception("wechat: handling a message failed (conversation %s)", conversation)
            return Reply(UNAVAILABLE_REPLY)
        answer, options = render(collector.messages)
        self._remember_options(conversation, options)
        return Reply(answer or UNAVAILABLE_REPLY, options)

    async def _deliver(self, waiting: list[asyncio.Future[Reply]], text: str) -> Reply:
        """The answers the user was told to fetch, in order; a message that was not "1" is not
        lost silently."""
        answers = await asyncio.gather(*(asyncio.shield(turn) for turn in waiting))
        joined = "\n\n".join(answer.text for answer in answers)
        if not (text.strip() in FETCH_WORDS or read_number(text) == 1):
            joined = RESEND_NOTE + "\n\n" + joined
        return Reply(joined, answers[-1].options)

    def _remember_options(self, conversation: str, options: list[Option]) -> None:
        if options:
            self._options.set(conversation, options)
        else:
            self._options.pop(conversation)
