"""Serves widget.js, a demo school page that embeds it, and the counselor's embed page.

Run with ``python -m web.server``. Settings come from the environment:
WEB_HOST (127.0.0.1), WEB_PORT (8000) and RASA_URL (http://localhost:5005), the
bot server the demo page talks to. Rasa must allow CORS from this site's origin.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from web.options import DEFAULT_COLOR, DEFAULT_TITLE, ERROR_COLOR, WidgetOptions, normalise_server
from web.templates import PageTemplates, Safe

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEMO_SCHOOL = "青城职业技术学校"
PREVIEW_SCHOOL = "示例职业学校"
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")

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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> WebSettings:
        rasa_url = environ.get("RASA_URL", cls.rasa_url)
        normalised = normalise_server(rasa_url)
        if normalised is None:
            raise ValueError(f"RASA_URL must be an http(s) URL, got {rasa_url!r}")
        return cls(
            host=environ.get("WEB_HOST", cls.host),
            port=int(environ.get("WEB_PORT", str(cls.port))),
            rasa_url=normalised,
        )


SETTINGS = web.AppKey("settings", WebSettings)
TEMPLATES = web.AppKey("templates", PageTemplates)


def content_security_policy(connect_origin: str | None, frame_ancestors: str) -> str:
    """CSP for our pages: scripts and styles from this site only, fetches only to the bot."""
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src " + (connect_origin or "'none'"),
        "frame-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        f"frame-ancestors {frame_ancestors}",
    ])


def page_response(body: str, csp: str, status: int = 200) -> web.Response:
    response = web.Response(text=body, content_type="text/html", charset="utf-8", status=status)
    response.headers["Content-Security-Policy"] = csp
    return response


def widget_url(request: web.Request) -> str:
    """Absolute URL of widget.js as the visitor reached this site.

    Built from the Host header rather than request.url, which aiohttp 3.9
    cannot build under yarl >= 1.10 when the host carries a port.
    """
    host = request.host if _HOST.fullmatch(request.host or "") else None
    if host is None:
        settings = request.app[SETTINGS]
        host = f"{settings.host}:{settings.port}"
    return f"{request.scheme}://{host}{request.app.router['widget'].url_for()}"


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
    options, errors = WidgetOptions.parse(request.query, request.app[SETTINGS].rasa_url)
    if errors:
        raise web.HTTPBadRequest(text="\n".join(errors))
    return school_page(request, options, options.school or PREVIEW_SCHOOL)


async def embed_page(request: web.Request) -> web.Response:
    options, errors = WidgetOptions.parse(request.query, request.app[SETTINGS].rasa_url)
    templates = request.app[TEMPLATES]
    if errors:
        result = templates.render("embed_errors.html", errors=Safe("".join(
            templates.render("embed_error_item.html", message=message) for message in errors
        )))
    else:
        result = templates.render(
            "embed_result.html",
            snippet=options.snippet(widget_url(request)),
            preview_url=f"{request.app.router['preview'].url_for()}?{options.query_string()}",
        )
    body = templates.render(
        "embed.html",
        school=options.school,
        title=options.title,
        # <input type="color"> can only show a valid #rrggbb.
        color=DEFAULT_COLOR if ERROR_COLOR in errors else options.color,
        server=options.server,
        result=Safe(result),
    )
    return page_response(body, content_security_policy(None, "'none'"), status=400 if errors else 200)


async def widget_script(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "widget.js", headers=WIDGET_HEADERS)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")


def app_factory(settings: WebSettings | None = None) -> web.Application:
    app = web.Application()
    app[SETTINGS] = settings or WebSettings.from_env()
    app[TEMPLATES] = PageTemplates()
    app.router.add_get("/", demo_page, name="demo")
    app.router.add_get("/widget.js", widget_script, name="widget")
    app.router.add_get("/embed", embed_page, name="embed")
    app.router.add_get("/preview", preview_page, name="preview")
    app.router.add_get("/healthz", healthz, name="healthz")
    app.router.add_static("/static/", STATIC_DIR, name="static")
    # aiohttp types on_response_prepare wrongly in this version (its handlers take request and response).
    app.on_response_prepare.append(add_security_headers)  # type: ignore[arg-type]
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    settings = WebSettings.from_env()
    web.run_app(app_factory(settings), host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
