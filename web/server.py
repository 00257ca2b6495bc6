"""Serves widget.js, a demo school page that embeds it, and the counselors' console.

Run with ``python -m web.server``. Settings come from the environment:
WEB_HOST (127.0.0.1), WEB_PORT (8000), RASA_URL (http://localhost:5005), the
bot server the demo page talks to, and WEB_PUBLIC_URL (http://WEB_HOST:WEB_PORT), the
address schools load widget.js from. Rasa must allow CORS from this site's origin.
The console (/console, web/console/) keeps its data in CONSOLE_DB_URL; `main` applies its
migrations before serving. /embed, the old snippet form, now leads into the console.

Nothing a visitor sends decides where a page points (issue 14): the snippet's widget URL
comes from WEB_PUBLIC_URL, never the Host header, and /preview shows the configured bot
server with sample names, taking only a colour from its query, so a link to it cannot put
someone else's text or bot on this origin. No Server header names the software.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from console.db import create_schema
from console.store import ConsoleStore
from web.options import DEFAULT_COLOR, DEFAULT_TITLE, WidgetOptions, normalise_server
from web.templates import PageTemplates, Safe

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEMO_SCHOOL = "青城职业技术学校"
PREVIEW_SCHOOL = "示例职业学校"

# A public script: any site may load it, and it changes rarely but must be
# replaceable within minutes, so a short max-age plus revalidation by ETag.
WIDGET_HEADERS = {
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": "public, max-age=300",
    "Cross-Origin-Resource-Policy": "cross-origin",
}


@dataclass(frozen=True)
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    rasa_url: str = "http://localhost:5005"
    public_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> WebSettings:
        host = environ.get("WEB_HOST", cls.host)
        port = int(environ.get("WEB_PORT", str(cls.port)))
        return cls(
            host=host,
            port=port,
            rasa_url=_checked_url("RASA_URL", environ.get("RASA_URL", cls.rasa_url)),
            public_url=_checked_url("WEB_PUBLIC_URL", environ.get("WEB_PUBLIC_URL", f"http://{host}:{port}")),
        )

    @property
    def site_url(self) -> str:
        """Where visitors reach this site: WEB_PUBLIC_URL, else the address it listens on."""
        return self.public_url or f"http://{self.host}:{self.port}"


def _checked_url(name: str, value: str) -> str:
    normalised = normalise_server(value)
    if normalised is None:
        raise ValueError(f"{name} must be an http(s) URL, got {value!r}")
    return normalised


SETTINGS = web.AppKey("settings", WebSettings)
TEMPLATES = web.AppKey("templates", PageTemplates)


def content_security_policy(connect_origin: str | None, frame_ancestors: str) -> str:
    """CSP for our pages: scripts and styles from this site only, fetches only to the bot."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src " + (connect_origin or "'none'"),
            "frame-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def page_response(body: str, csp: str, status: int = 200) -> web.Response:
    response = web.Response(text=body, content_type="text/html", charset="utf-8", status=status)
    response.headers["Content-Security-Policy"] = csp
    return response


def widget_url(request: web.Request) -> str:
    """Absolute URL of widget.js at this site's configured public address (never the
    Host header, which any client may set)."""
    return f"{request.app[SETTINGS].site_url}{request.app.router['widget'].url_for()}"


def school_page(request: web.Request, options: WidgetOptions, school: str) -> web.Response:
    """A made-up school homepage with the widget embedded by its snippet."""
    body = request.app[TEMPLATES].render(
        "school.html",
        school=school,
        widget_snippet=Safe(options.snippet(widget_url(request))),
    )
    return page_response(body, content_security_policy(options.server_origin, "'self'"))


async def demo_page(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    options = WidgetOptions(server=settings.rasa_url, title=DEFAULT_TITLE, school=DEMO_SCHOOL, color=DEFAULT_COLOR)
    return school_page(request, options, DEMO_SCHOOL)


async def preview_page(request: web.Request) -> web.Response:
    """The sample school page with the counselor's colour: only the colour comes from the
    query; the bot server is this site's, the names are samples."""
    server = request.app[SETTINGS].rasa_url
    options, errors = WidgetOptions.parse({"color": request.query.get("color", DEFAULT_COLOR)}, server)
    if errors:
        raise web.HTTPBadRequest(text="\n".join(errors))
    return school_page(
        request, WidgetOptions(server=server, school=PREVIEW_SCHOOL, color=options.color), PREVIEW_SCHOOL
    )


async def embed_page(request: web.Request) -> web.Response:
    """The old snippet form asked for the bot server's address and handed out localhost:
    the console's embed page gives each school its snippet with the configured addresses."""
    raise web.HTTPFound("/console")


async def widget_script(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "widget.js", headers=WIDGET_HEADERS)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.popall("Server", None)  # aiohttp's "Python/3.11 aiohttp/3.9.5"


def app_factory(settings: WebSettings | None = None, console_store: ConsoleStore | None = None) -> web.Application:
    from web.console import Addresses, add_routes

    app = web.Application()
    app[SETTINGS] = settings or WebSettings.from_env()
    app[TEMPLATES] = PageTemplates()
    app.router.add_get("/", demo_page, name="demo")
    app.router.add_get("/widget.js", widget_script, name="widget")
    app.router.add_get("/embed", embed_page, name="embed")
    app.router.add_get("/preview", preview_page, name="preview")
    app.router.add_get("/healthz", healthz, name="healthz")
    app.router.add_static("/static/", STATIC_DIR, name="static")
    add_routes(app, Addresses(app[SETTINGS].site_url, app[SETTINGS].rasa_url), console_store)
    # aiohttp 3.9 types this signal's callbacks as taking a handler, not (request, response).
    app.on_response_prepare.append(add_security_headers)  # type: ignore[arg-type]
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    settings = WebSettings.from_env()
    create_schema()
    web.run_app(app_factory(settings), host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
