"""The socket.io channel (`/socket.io`), with each `user_uttered` event checked first.

Rasa's SocketIOInput crashes its handler on a payload that is not an object or whose
metadata is not JSON (the message is dropped with a traceback in the log), passes any JSON
type on as the text, and, with session persistence, files a message under whatever
`session_id` the payload names, so one browser can write into another's conversation.
With python-socketio 5.18 it also never puts the socket into its session's room
(`enter_room` became a coroutine that Rasa 3.6 does not await), so with
`session_persistence: true` the replies reach nobody.

This channel keeps Rasa's events, connect/JWT handling and output, and:

- answers a malformed `user_uttered` with a `REFUSED_EVENT` to that socket only, saying
  what is wrong, and never passes it to Rasa;
- accepts a message only for a session this socket opened with `session_request`, and
  never files one under a shared id ("default" included);
- issues the session ids itself, signed (connectors/conversation_ids.py): a page that
  reconnects with the id it was given resumes its conversation, any other proposed id,
  or one that another live socket holds, gets a new conversation instead (issue 14: a
  second socket naming a known id received its replies and continued its context);
- applies the REST channel's rate limits, metadata rules, "/" as text and log redaction;
- applies the REST channel's checks and replies (connectors/rest.py): the same payload
  rules, the same polite reply to an empty or over-long message, without the model;
- caps a socket.io packet at the HTTP body limit (SANIC_REQUEST_MAX_SIZE).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from connectors import conversation_ids, privacy_log
from connectors.metadata import honoured
from connectors.rate_limit import RATE_LIMITED_REPLY
from connectors.rest import (
    PER_SENDER,
    UNAVAILABLE_REPLY,
    PayloadError,
    install_guards,
    parse_payload,
    reply_without_model,
    within_limits,
)
from connectors.settings import request_max_bytes

logger = logging.getLogger(__name__)

REFUSED_EVENT = "message_refused"


class ValidatedSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict | None) -> SocketIOInput:
        install_guards()
        return super().from_credentials(credentials)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        namespace = self.namespace
        sio.eio.max_http_buffer_size = request_max_bytes()

        # Registering again for the same event replaces Rasa's handlers.
        # Handlers take *args: a client may emit an event with no data or with several
        # arguments, and a handler whose signature does not fit fails with a TypeError.
        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, *args: Any) -> None:
            if not self._within_limits(sid):
                await sio.emit(REFUSED_EVENT, {"error": RATE_LIMITED_REPLY}, room=sid, namespace=namespace)
                return
            data = args[0] if len(args) == 1 else None
            proposed = data.get("session_id") if isinstance(data, dict) else None
            # An id this server issued is kept (a page reconnecting resumes its conversation)
            # unless another live socket holds it; any other gets a new conversation.
            acceptable = (
                isinstance(proposed, str)
                and conversation_ids.is_issued(proposed)
                and not self._held_elsewhere(proposed, sid)
            )
            session_id = proposed if acceptable else conversation_ids.issue()
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, *args: Any) -> None:
            if not self._within_limits(sid):
                await sio.emit(REFUSED_EVENT, {"error": RATE_LIMITED_REPLY}, room=sid, namespace=namespace)
                return
            try:
                sender, text, metadata = parse_payload(self._rest_shaped(sid, args[0] if len(args) == 1 else args))
            except PayloadError as error:
                await sio.emit(REFUSED_EVENT, {"error": str(error)}, room=sid, namespace=namespace)
                return
            metadata = honoured(metadata, self._origin(sid))
            output = SocketIOOutput(sio, self.bot_message_evt)
            immediate = RATE_LIMITED_REPLY if not self._within_limits(sid, sender) else reply_without_model(text)
            if immediate is not None:
                await output.send_text_message(sender, immediate)
                return
            token = privacy_log.handling(text)
            try:
                await on_new_message(UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata))
            except Exception:
                # Logged without the message text: it may hold what a family told us.
                logger.exception("socketio: handling a message failed (sender %s)", sender)
                await output.send_text_message(sender, UNAVAILABLE_REPLY)
            finally:
                privacy_log.done(token)

        return blueprint

    def _held_elsewhere(self, session_id: str, sid: str) -> bool:
        """Whether another connected socket is in the session's room."""
        return any(other != sid for other, _ in self.sio.manager.get_participants(self.namespace or "/", session_id))

    def _origin(self, sid: str) -> str | None:
        """The Origin the socket connected from (the page the widget is on)."""
        environ = self.sio.get_environ(sid, namespace=self.namespace) or {}
        request = environ.get("sanic.request")
        return request.headers.get("origin") if request is not None else None

    def _within_limits(self, sid: str, sender: str | None = None) -> bool:
        """The REST channel's limits, for the address the socket connected from."""
        environ = self.sio.get_environ(sid, namespace=self.namespace) or {}
        request = environ.get("sanic.request")
        if request is None:
            return PER_SENDER.allow(sender) if sender else True
        return within_limits(request, sender)

    def _rest_shaped(self, sid: str, data: Any) -> dict:
        """The event as the REST channel's payload ({sender, message, metadata}), or PayloadError."""
        if not isinstance(data, dict):
            raise PayloadError('the event must be an object like {"message": "…", "session_id": "…"}')
        if self.session_persistence:
            sender = data.get("session_id")
            # Only a session this socket opened: a browser cannot write into another's.
            if not isinstance(sender, str) or sender not in self.sio.rooms(sid, namespace=self.namespace):
                raise PayloadError("'session_id' must be the id from session_confirm; send session_request first")
        else:
            sender = sid
        metadata = data.get(self.metadata_key)
        if isinstance(metadata, str):  # Rasa's channel accepts metadata as a JSON string
            try:
                metadata = json.loads(metadata)
            except (ValueError, RecursionError):
                raise PayloadError(f"'{self.metadata_key}' must be a JSON object") from None
        if metadata is not None and not isinstance(metadata, dict):
            raise PayloadError(f"'{self.metadata_key}' must be a JSON object")
        return {"sender": sender, "message": data.get("message"), "metadata": metadata}
