"""The chat widget on the demo school page, driven in real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.widget_page import (
    ANSWER_TIMEOUT,
    QUESTION,
    WEBHOOK,
    ask,
    bot_messages,
    expect_answer,
    fulfil_json,
    launcher,
    message_input,
    open_demo,
    open_widget,
    panel,
    shadow_eval,
    user_messages,
    wait_until,
    webhook_bodies,
)

pytestmark = pytest.mark.stack

# -------------------------------------------------------------- conversation


def test_answers_a_question_with_its_source_under_the_demo_page_csp(page, stack):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    open_demo(page, stack)
    open_widget(page)

    ask(page, QUESTION)

    expect(user_messages(page).last).to_contain_text(QUESTION)
    expect_answer(page)
    expect(bot_messages(page).last.locator(".source")).to_contain_text("来源")
    assert [] == [e for e in console_errors if "Content Security Policy" in e or "CORS" in e]


def test_typing_indicator_shows_while_the_bot_is_answering(page, stack):
    held = []
    page.route(WEBHOOK, lambda route: route.continue_() if route.request.method == "OPTIONS" else held.append(route))
    open_demo(page, stack)
    open_widget(page)
    typing = page.locator("zhijiao-widget .typing")
    expect(typing).to_be_hidden()

    ask(page, QUESTION)
    expect(typing).to_be_visible()
    expect(typing).to_contain_text("助手正在输入")
    wait_until(page, lambda: held)
    held[0].continue_()

    expect_answer(page)
    expect(typing).to_be_hidden()


def test_suggested_question_is_sent_by_its_quick_reply(page, stack):
    open_demo(page, stack)
    open_widget(page)
    suggestions = page.get_by_role("group", name="推荐问题").get_by_role("button")
    expect(suggestions).to_have_text(["3+2是什么？", "单招考什么？", "我家能享受哪些资助？"])

    suggestions.get_by_text("单招考什么？").click()

    expect(user_messages(page).last).to_contain_text("单招考什么？")
    expect_answer(page)
    expect(page.get_by_role("group", name="推荐问题")).to_be_hidden()


def test_bot_button_sends_its_payload_and_shows_its_title(page, stack):
    def first_reply_has_a_button(route):
        if route.request.post_data_json["message"] == "有什么升学途径":
            fulfil_json(
                route, [{"text": "你想了解哪一种？", "buttons": [{"title": "单招考试科目", "payload": QUESTION}]}]
            )
        else:
            route.continue_()

    page.route(WEBHOOK, first_reply_has_a_button)
    sent = webhook_bodies(page)
    open_demo(page, stack)
    open_widget(page)
    ask(page, "有什么升学途径")
    button = page.get_by_role("group", name="快捷回复").get_by_role("button", name="单招考试科目")

    button.click()

    expect(user_messages(page).last).to_have_text("我：单招考试科目")
    expect_answer(page)
    assert QUESTION == sent[-1]["message"]
    assert sent[0]["sender"] == sent[-1]["sender"]


def test_conversation_survives_a_reload(page, stack):
    sent = webhook_bodies(page)
    open_demo(page, stack)
    open_widget(page)
    ask(page, QUESTION)
    expect_answer(page)
    answer = bot_messages(page).last.text_content()

    page.reload()
    open_widget(page)

    expect(user_messages(page)).to_have_count(1)
    expect(user_messages(page).first).to_contain_text(QUESTION)
    expect(bot_messages(page).last).to_have_text(answer)
    ask(page, QUESTION)
    expect(user_messages(page)).to_have_count(2)
    assert sent[0]["sender"] == sent[-1]["sender"]


def test_new_conversation_clears_history_and_conversation_id(page, stack):
    sent = webhook_bodies(page)
    open_demo(page, stack)
    open_widget(page)
    ask(page, QUESTION)
    expect_answer(page)

    page.get_by_role("button", name="清空对话记录，开始新对话").click()

    expect(user_messages(page)).to_have_count(0)
    expect(bot_messages(page)).to_have_count(1)  # the welcome message
    expect(page.get_by_role("group", name="推荐问题")).to_be_visible()
    ask(page, QUESTION)
    expect(user_messages(page)).to_have_count(1)
    wait_until(page, lambda: len(sent) == 2)
    assert sent[0]["sender"] != sent[1]["sender"]


def test_corrupt_stored_history_is_dropped_not_rendered(page, stack):
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    open_demo(page, stack)
    page.evaluate("""() => {
        const server = document.querySelector('script[data-server]').dataset.server.replace(/\\/+$/, '');
        localStorage.setItem('zhijiao-widget:v1:' + server, JSON.stringify({senderId: 'abc', messages: [
            {from: 'user', text: '保留的问题', payload: '保留的问题'},
            {from: 'bot', text: {toString: 1}}, null, 42, {from: 'script', text: 'x'},
            {from: 'bot', text: '保留的回答', buttons: [{title: 7}, {title: '按钮', payload: '/x'}]},
        ]}));
    }""")

    page.reload()
    open_widget(page)

    expect(user_messages(page)).to_have_text(["我：保留的问题"])
    expect(bot_messages(page).last).to_have_text("助手：保留的回答")
    expect(page.get_by_role("group", name="快捷回复").get_by_role("button")).to_have_text(["按钮"])
    assert [] == page_errors


def test_a_conversation_id_the_server_did_not_issue_is_replaced_and_the_message_answered(page, stack):
    # Issue 14: the server issues conversation ids and refuses others (an older widget's
    # own uuid, or one copied from someone else's page).
    sent = webhook_bodies(page)
    open_demo(page, stack)
    page.evaluate("""() => {
        const server = document.querySelector('script[data-server]').dataset.server.replace(/\\/+$/, '');
        const stored = {senderId: 'someone-elses-id', messages: []};
        localStorage.setItem('zhijiao-widget:v1:' + server, JSON.stringify(stored));
    }""")
    page.reload()
    open_widget(page)

    ask(page, QUESTION)

    expect_answer(page)
    assert "someone-elses-id" == sent[0]["sender"]
    assert sent[-1]["sender"].startswith("c-") and "someone-elses-id" != sent[-1]["sender"]
    page.reload()
    open_widget(page)
    ask(page, QUESTION)
    expect(user_messages(page)).to_have_count(2)
    wait_until(page, lambda: len(sent) >= 3)
    assert sent[-1]["sender"] == sent[-2]["sender"]  # the issued id is kept across reloads


# -------------------------------------------------------------------- safety


def test_user_markup_is_shown_as_text(page, stack, dialogs):
    markup = "<img src=x onerror=alert(1)>"
    open_demo(page, stack)
    open_widget(page)

    ask(page, markup)

    expect(user_messages(page).last).to_have_text("我：" + markup)
    expect(bot_messages(page)).to_have_count(2, timeout=ANSWER_TIMEOUT)  # welcome + reply
    assert 0 == page.evaluate("document.querySelectorAll('img').length")
    assert 0 == shadow_eval(page, "return root.querySelectorAll('img').length")
    assert [] == dialogs


def test_hostile_bot_reply_cannot_inject_markup_or_script_links(page, stack, dialogs):
    reply = (
        '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script><b>加粗</b>\n'
        "点这里 javascript:alert(1) 或 data:text/html,<script>alert(3)</script>\n"
        "官网：https://example.edu.cn/zhaosheng?a=1&b=2。\n"
        '来源：<a href="javascript:alert(4)">通知</a>'
    )
    button = {"title": "<img src=y onerror=alert(5)>", "payload": "/x"}
    page.route(WEBHOOK, lambda route: fulfil_json(route, [{"text": reply, "buttons": [button]}]))
    open_demo(page, stack)
    open_widget(page)

    ask(page, "你好")

    answer = bot_messages(page).last
    expect(answer).to_contain_text('<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>')
    expect(answer).to_contain_text("javascript:alert(1)")
    expect(page.get_by_role("button", name="<img src=y onerror=alert(5)>")).to_be_visible()
    links = answer.locator("a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://example.edu.cn/zhaosheng?a=1&b=2")
    expect(links).to_have_attribute("target", "_blank")
    assert {"noopener", "noreferrer"} <= set(links.get_attribute("rel").split())
    assert 0 == shadow_eval(page, "return root.querySelectorAll('.log img, .log script, .log b, .replies img').length")
    assert page.evaluate("window.__pwned") is None
    assert [] == dialogs


def test_widget_adds_one_global_name(browser, stack):
    names = "Object.getOwnPropertyNames(window)"
    with_widget, without_widget = browser.new_context(), browser.new_context()
    try:
        page, bare = with_widget.new_page(), without_widget.new_page()
        bare.route("**/widget.js", lambda route: route.abort())
        open_demo(page, stack)
        bare.goto(stack.web_url + "/")

        assert ["ZhijiaoWidget"] == sorted(set(page.evaluate(names)) - set(bare.evaluate(names)))
    finally:
        with_widget.close()
        without_widget.close()


HOSTILE_CSS = """
* { font-size: 40px !important; display: block }
html { font-size: 40px !important; line-height: 3 !important; color: red !important; }
zhijiao-widget { position: absolute !important; transform: scale(0.5) !important; opacity: 0.3 !important;
  font-family: serif !important; display: none; }
button { all: unset !important; background: red !important; width: 300px !important; }
textarea, div { font-size: 40px !important; padding: 30px !important; }
"""


def widget_geometry(page: Page) -> dict:
    geometry = {"launcher": launcher(page).bounding_box()}
    open_widget(page)
    ask(page, QUESTION)
    expect_answer(page)
    geometry["panel"] = panel(page).bounding_box()
    geometry["input"] = message_input(page).bounding_box()
    geometry["fonts"] = shadow_eval(
        page,
        """
        const size = (selector) => getComputedStyle(root.querySelector(selector)).fontSize;
        return [size('.msg.bot'), size('textarea'), size('.title'), size('.reply, .counter')];
    """,
    )
    geometry["opacity"] = page.evaluate("getComputedStyle(document.querySelector('zhijiao-widget')).opacity")
    return geometry


def test_host_page_css_does_not_change_the_widget(browser, stack):
    normal_context = browser.new_context(viewport={"width": 1280, "height": 800})
    # The demo page's CSP would block the injected <style>, as it should.
    hostile_context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    try:
        normal, hostile = normal_context.new_page(), hostile_context.new_page()
        open_demo(normal, stack)
        open_demo(hostile, stack)
        hostile.add_style_tag(content=HOSTILE_CSS)
        assert "40px" == hostile.evaluate("getComputedStyle(document.body).fontSize")  # the CSS did apply

        assert widget_geometry(normal) == widget_geometry(hostile)
    finally:
        normal_context.close()
        hostile_context.close()


# ------------------------------------------------------------- reliability


def test_reconnects_when_the_bot_server_comes_back(page, stack):
    attempts = []
    server_down = [True]

    def flaky_network(route):
        attempts.append(route.request.method)
        if server_down[0]:
            route.abort("connectionrefused")
        else:
            route.continue_()

    page.route(WEBHOOK, flaky_network)
    open_demo(page, stack)
    open_widget(page)

    ask(page, QUESTION)

    status = page.locator("zhijiao-widget .status")
    expect(status).to_be_visible()
    expect(status).to_contain_text("连接中断，正在重连…")
    expect(user_messages(page).last.get_by_text("等待发送")).to_be_visible()
    wait_until(page, lambda: len(attempts) >= 2)  # the widget retries by itself

    server_down[0] = False

    expect_answer(page)
    expect(status).to_be_hidden()
    expect(user_messages(page)).to_have_count(1)
    expect(user_messages(page).last).not_to_contain_text("等待发送")


def test_message_sent_while_offline_survives_a_reload(page, stack):
    server_down = [True]
    page.route(WEBHOOK, lambda route: route.abort("connectionrefused") if server_down[0] else route.continue_())
    open_demo(page, stack)
    open_widget(page)
    ask(page, QUESTION)
    expect(page.locator("zhijiao-widget .status")).to_be_visible()

    page.reload()
    open_widget(page)
    expect(user_messages(page).last.get_by_text("等待发送")).to_be_visible()
    server_down[0] = False
    page.get_by_role("button", name="立即重试").click()

    expect_answer(page)
    expect(user_messages(page)).to_have_count(1)


def test_message_over_500_characters_is_refused_with_a_hint(page, stack):
    sent = webhook_bodies(page)
    open_demo(page, stack)
    open_widget(page)
    box = message_input(page)
    counter = page.locator("zhijiao-widget .counter")
    hint = page.locator("zhijiao-widget .hint")

    box.fill("字" * 501)

    expect(counter).to_have_text("501/500")
    expect(hint).to_have_text("消息不能超过 500 字，请精简后再发送。")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("button", name="发送")).to_be_disabled()
    box.press("Enter")
    page.wait_for_timeout(300)
    expect(user_messages(page)).to_have_count(0)
    expect(box).to_have_value("字" * 501)
    assert [] == sent

    box.press("Backspace")
    expect(counter).to_have_text("500/500")
    expect(hint).to_have_text("")
    expect(page.get_by_role("button", name="发送")).to_be_enabled()


# ------------------------------------------------------------ accessibility


def focused_in_widget(page: Page) -> str | None:
    """Class or id of the focused element inside the widget, None if focus is elsewhere."""
    return page.evaluate("""() => {
        const host = document.activeElement;
        if (!host || host.tagName !== 'ZHIJIAO-WIDGET') return null;
        const el = host.shadowRoot.activeElement;
        return el ? (el.id || el.className) : null;
    }""")


def test_usable_with_the_keyboard_alone(page, stack):
    open_demo(page, stack)
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused_in_widget(page) == "launcher":
            break
    assert "launcher" == focused_in_widget(page)

    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    assert "zw-input" == focused_in_widget(page)

    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect_answer(page)

    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    assert "launcher" == focused_in_widget(page)


def test_controls_are_labelled_for_screen_readers(page, stack):
    open_demo(page, stack)
    button = page.get_by_role("button", name="打开在线咨询：职教升学助手")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "zw-panel")

    button.click()

    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("dialog", name="职教升学助手")).to_be_visible()
    log = page.get_by_role("log", name="对话记录")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("textbox", name="输入你的问题")).to_be_focused()
    for name in ("发送", "关闭对话窗口", "清空对话记录，开始新对话"):
        expect(page.get_by_role("button", name=name)).to_be_attached()
    expect(page.get_by_role("group", name="推荐问题")).to_be_visible()


def test_fits_a_360_pixel_wide_phone(browser, stack, artifacts_dir):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    try:
        page = context.new_page()
        open_demo(page, stack)
        open_widget(page)
        ask(page, QUESTION)
        expect_answer(page)
        page.screenshot(path=str(artifacts_dir / "widget-360.png"))

        box = panel(page).bounding_box()
        assert (0, 0, 360, 740) == (box["x"], box["y"], box["width"], box["height"])
        assert shadow_eval(page, "const s = root.querySelector('.scroll'); return s.scrollWidth <= s.clientWidth")
        expect(page.get_by_role("button", name="关闭对话窗口")).to_be_in_viewport()
    finally:
        context.close()
