"""Driving the chat widget in a page: locators, asking, and standing in for the bot.

Playwright's CSS and role locators reach into the widget's (open) shadow root.
"""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

ANSWER_TIMEOUT = 20_000  # ms; the first answer of a freshly started Rasa can be slow
WEBHOOK = "**/webhooks/rest/webhook"
QUESTION = "单招考什么"
ANSWER_MARK = "文化素质"


def launcher(page: Page):
    return page.locator("zhijiao-widget .launcher")


def panel(page: Page):
    return page.locator("zhijiao-widget .panel")


def message_input(page: Page):
    return page.get_by_label("输入你的问题")


def user_messages(page: Page):
    return page.locator("zhijiao-widget .msg.user")


def bot_messages(page: Page):
    return page.locator("zhijiao-widget .msg.bot")


def open_demo(page: Page, stack) -> None:
    page.goto(stack.web_url + "/")
    expect(launcher(page)).to_be_visible()


def open_widget(page: Page) -> None:
    launcher(page).click()
    expect(panel(page)).to_be_visible()


def ask(page: Page, text: str) -> None:
    message_input(page).fill(text)
    message_input(page).press("Enter")


def expect_answer(page: Page, mark: str = ANSWER_MARK) -> None:
    expect(bot_messages(page).last).to_contain_text(mark, timeout=ANSWER_TIMEOUT)


def shadow_eval(page: Page, body: str):
    """Evaluate a function body with `root` bound to the widget's shadow root."""
    return page.evaluate(f"() => {{ const root = document.querySelector('zhijiao-widget').shadowRoot; {body} }}")


def fulfil_json(route, replies: list[dict]) -> None:
    """Answer a webhook call in place of the bot, as a hostile or broken bot might."""
    route.fulfill(
        status=200,
        content_type="application/json",
        headers={"Access-Control-Allow-Origin": "*"},
        body=json.dumps(replies, ensure_ascii=False),
    )


def wait_until(page: Page, condition, seconds: float = 10) -> None:
    """Wait for a condition set by a route handler; handlers run only while Playwright waits."""
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition()


def webhook_bodies(page: Page) -> list[dict]:
    """Collects the JSON body of every message the widget posts to the bot."""
    bodies = []
    page.on(
        "request",
        lambda r: bodies.append(r.post_data_json) if r.method == "POST" and "/webhooks/rest/webhook" in r.url else None,
    )
    return bodies
