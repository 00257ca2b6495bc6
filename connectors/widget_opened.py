"""The widget's "opened" beacon, `POST /webhooks/widget/opened?school=<id>`: one count of
`widget_open` for the school when the page is on one of the school's allowed origins (else
for no school). The widget sends it with navigator.sendBeacon the first time a visitor
opens it on a page, to the bot server it already talks to (a school site's CSP allows it).
Nothing is read from the request but the school id and the Origin; the REST channel's
per-address limit applies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.metadata import ALLOWED_METADATA, honoured
from connectors.rest import within_limits
from console import background


class WidgetOpenedInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "widget"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        beacon = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @beacon.route("/opened", methods=["POST"])
        async def opened(request: Request) -> HTTPResponse:
            if not within_limits(request):
                return response.empty(status=429)
            school = request.args.get("school", "")[: ALLOWED_METADATA["school"]]
            kept = honoured({"school": school} if school else {}, request.headers.get("origin"))
            background.count(kept.get("school"), background.WIDGET_OPEN)
            return response.empty(status=204)

        return beacon
