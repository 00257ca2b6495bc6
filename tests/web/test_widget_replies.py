"""How the widget lays out a bot reply: sources, long answers, links, lists and quick replies.

The bot's replies are given by the test (a routed webhook), so the layout is tested on
replies of a known shape; the conversation with the real bot is tested in test_widget.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.widget_page import (
    WEBHOOK,
    ask,
    bot_messages,
    expect_answer,
    fulfil_json,
    open_demo,
    open_widget,
    shadow_eval,
    user_messages,
    webhook_bodies,
)

pytestmark = pytest.mark.stack

TWO_SOURCES = (
    "来源：《内蒙古自治区：加速推进职业教育高质量发展》，内蒙古自治区教育厅，2022；"
    "《关于做好2024年高等职业院校单独考试招生工作的通知》，内蒙古自治区教育招生考试中心，内教学函〔2024〕3号"
)
# Sources on lines of their own are folded together.
TWO_SOURCE_LINES = (
    "单招考文化素质和职业技能两部分。\n来源：《中华人民共和国职业教育法》，全国人民代表大会常务委员会\n"
    "来源：院校单招方案，各高职院校"
)
LIST_ANSWER = "\n".join(
    [
        "【高职单独招生（单招）】",
        "· 单招是高职院校的单独考试招生，按“文化素质+职业技能”的方式考核录取。",
        "· 考试一般包括职业适应性测试、文化基础测试和职业技能测试，具体内容由各院校的单招方案公布；"
        "参加单招必须先完成当年高考报名并选对报考类别。",
        "  怎么办：到内蒙古招生考试信息网 https://www.nm.zsks.cn/zxks/gzdz/20240219/index_detail.html 查看当年公告。",
        "",
        "往年的大致时间：上一年11月高考报名，3月中旬考试。每年时间不同，以当年公告为准。",
        TWO_SOURCES,
    ]
)
# Taller than a phone screen: the layout of a long topic answer.
LONG_ANSWER = "\n".join(
    ["单招是高职院校自己组织的考试招生，下面按步骤说明。"]
    + [f"· 第{n}步：按学校的单招方案准备材料，按时在网上填报志愿并参加学校组织的考试。" for n in range(1, 16)]
    + [TWO_SOURCES]
)


@pytest.fixture
def phone(browser):
    """A 375 px wide phone page (iPhone SE/8 size), with touch."""
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    yield context.new_page()
    context.close()


def bot_answers(page: Page, replies: list[dict]) -> None:
    page.route(WEBHOOK, lambda route: fulfil_json(route, replies))


def ask_and_wait(page: Page, stack, question: str, mark: str) -> None:
    open_demo(page, stack)
    open_widget(page)
    ask(page, question)
    expect_answer(page, mark)


def source_toggle(page: Page):
    return bot_messages(page).last.get_by_role("button", name="来源（2）")


def source_text(page: Page):
    return bot_messages(page).last.locator(".source-text")


# ------------------------------------------------------------------ sources


def test_sources_fold_into_one_tappable_line_on_a_phone(phone, stack, artifacts_dir):
    bot_answers(phone, [{"text": LIST_ANSWER}])
    ask_and_wait(phone, stack, "单招考什么", "单独考试招生")
    toggle = source_toggle(phone)

    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(source_text(phone)).to_be_hidden()
    phone.screenshot(path=str(artifacts_dir / "widget-375-sources-folded.png"))

    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(source_text(phone)).to_be_visible()
    expect(source_text(phone)).to_contain_text("内教学函〔2024〕3号")
    phone.screenshot(path=str(artifacts_dir / "widget-375-sources-open.png"))

    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(source_text(phone)).to_be_hidden()


def test_folded_sources_open_with_the_keyboard(phone, stack):
    bot_answers(phone, [{"text": TWO_SOURCE_LINES}])
    ask_and_wait(phone, stack, "单招考什么", "文化素质")
    toggle = source_toggle(phone)
    expect(bot_messages(phone).last.locator(".text")).to_have_text("单招考文化素质和职业技能两部分。")

    toggle.focus()
    phone.keyboard.press("Enter")

    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(source_text(phone)).to_have_text(
        "来源：《中华人民共和国职业教育法》，全国人民代表大会常务委员会来源：院校单招方案，各高职院校"
    )
    assert (
        shadow_eval(
            phone,
            "const b = root.querySelector('.msg.bot:last-child .source-toggle');"
            "return root.getElementById(b.getAttribute('aria-controls')).className",
        )
        == "source-text"
    )


def test_sources_stay_shown_but_secondary_on_a_wide_screen(page, stack, artifacts_dir):
    bot_answers(page, [{"text": LIST_ANSWER}])
    ask_and_wait(page, stack, "单招考什么", "单独考试招生")

    expect(source_text(page)).to_be_visible()
    expect(source_text(page)).to_contain_text("来源：《内蒙古自治区：加速推进职业教育高质量发展》")
    expect(bot_messages(page).last.locator(".source-toggle")).to_be_hidden()
    style = shadow_eval(
        page,
        """
        const answer = [...root.querySelectorAll('.msg.bot')].pop();
        const of = (el) => ({size: parseFloat(getComputedStyle(el).fontSize), color: getComputedStyle(el).color});
        return {text: of(answer.querySelector('.text')), source: of(answer.querySelector('.source-text'))};
    """,
    )
    assert style["source"]["size"] < style["text"]["size"]
    assert style["source"]["color"] != style["text"]["color"]
    page.screenshot(path=str(artifacts_dir / "widget-1280-reply.png"))


def test_only_closing_source_lines_are_folded(phone, stack):
    reply = "来源：这行在开头，是回答的一部分\n答案在这里。"
    bot_answers(phone, [{"text": reply}])
    ask_and_wait(phone, stack, "问题", "答案在这里")

    expect(bot_messages(phone).last.locator(".source")).to_have_count(0)
    expect(bot_messages(phone).last).to_contain_text("来源：这行在开头")


# --------------------------------------------------------------- long replies


def message_and_view(page: Page) -> dict:
    return shadow_eval(
        page,
        """
        const view = root.querySelector('.scroll').getBoundingClientRect();
        const message = [...root.querySelectorAll('.msg.bot')].pop().getBoundingClientRect();
        return {view_top: view.top, view_bottom: view.bottom, top: message.top, height: message.height};
    """,
    )


def test_a_long_reply_opens_at_its_first_line(phone, stack, artifacts_dir):
    bot_answers(phone, [{"text": LONG_ANSWER}])
    ask_and_wait(phone, stack, "单招怎么报名", "第15步")
    phone.screenshot(path=str(artifacts_dir / "widget-375-long-reply.png"))

    where = message_and_view(phone)

    assert where["height"] > where["view_bottom"] - where["view_top"]  # the reply is taller than the view
    assert where["view_top"] <= where["top"] < where["view_top"] + 40
    expect(bot_messages(phone).last.get_by_text("单招是高职院校自己组织的考试招生")).to_be_in_viewport()


def test_a_long_reply_still_opens_at_its_first_line_after_a_reload(phone, stack):
    bot_answers(phone, [{"text": LONG_ANSWER}])
    ask_and_wait(phone, stack, "单招怎么报名", "第15步")

    phone.reload()
    open_widget(phone)

    where = message_and_view(phone)
    assert where["view_top"] <= where["top"] < where["view_top"] + 40


def test_a_short_reply_scrolls_the_conversation_to_its_end(phone, stack):
    replies = {
        "长": [{"text": LONG_ANSWER}],
        "短": [{"text": "好的。", "buttons": [{"title": "再问一个", "payload": "再问一个"}]}],
    }
    phone.route(WEBHOOK, lambda route: fulfil_json(route, replies[route.request.post_data_json["message"]]))
    ask_and_wait(phone, stack, "长", "第15步")

    ask(phone, "短")

    expect(bot_messages(phone).last).to_have_text("助手：好的。")
    expect(phone.get_by_role("group", name="快捷回复").get_by_role("button", name="再问一个")).to_be_in_viewport()


# ---------------------------------------------------------------------- links


def test_bare_addresses_become_links_and_script_stays_text(page, stack, dialogs):
    reply = (
        "报名看内蒙古招生考试信息网 https://www.nm.zsks.cn，或者 www.nm.zsks.cn/zxks/。\n"
        "学校官网（http://www.example-school.edu.cn/zs?id=3&t=1）。\n"
        "<script>window.__pwned=1</script>javascript:alert(1) javascript://www.evil.cn/%0Aalert(2)\n"
        "邮箱 zs@www.example.cn 和 www.local 不是网址。\n"
        "来源：内蒙古自治区教育招生考试中心 www.nm.zsks.cn"
    )
    bot_answers(page, [{"text": reply}])
    ask_and_wait(page, stack, "在哪报名", "不是网址")
    links = bot_messages(page).last.locator("a")

    expect(links).to_have_text(
        [
            "https://www.nm.zsks.cn",
            "www.nm.zsks.cn/zxks/",
            "http://www.example-school.edu.cn/zs?id=3&t=1",
            "www.nm.zsks.cn",
        ]
    )
    assert [
        "https://www.nm.zsks.cn/",
        "https://www.nm.zsks.cn/zxks/",
        "http://www.example-school.edu.cn/zs?id=3&t=1",
        "https://www.nm.zsks.cn/",
    ] == [links.nth(i).get_attribute("href") for i in range(4)]
    for i in range(4):
        expect(links.nth(i)).to_have_attribute("target", "_blank")
        assert {"noopener", "noreferrer"} <= set(links.nth(i).get_attribute("rel").split())
    expect(bot_messages(page).last).to_contain_text("<script>window.__pwned=1</script>javascript:alert(1)")
    assert 0 == shadow_eval(page, "return root.querySelectorAll('.log script').length")
    assert page.evaluate("window.__pwned") is None
    assert [] == dialogs


# ------------------------------------------------------------- lists on a phone


def test_lists_and_line_breaks_fit_a_375_pixel_phone(phone, stack):
    bot_answers(phone, [{"text": LIST_ANSWER}])
    ask_and_wait(phone, stack, "单招考什么", "单独考试招生")
    source_toggle(phone).tap()
    answer = bot_messages(phone).last

    expect(answer.locator(".item")).to_have_count(2)
    layout = shadow_eval(
        phone,
        """
        const s = root.querySelector('.scroll');
        const item = [...root.querySelectorAll('.msg.bot .item')].pop();
        const mark = item.querySelector('.mark').getBoundingClientRect();
        const text = item.querySelector('.item-text').getBoundingClientRect();
        return {fits: s.scrollWidth <= s.clientWidth, page_fits: document.documentElement.scrollWidth <= innerWidth,
                wrapped: text.height > 30, hangs: text.left > mark.left};
    """,
    )
    # A wrapped item continues under its text, not under its bullet.
    assert {"fits": True, "page_fits": True, "wrapped": True, "hangs": True} == layout


# -------------------------------------------------------------- quick replies


def test_cancel_chip_of_a_question_sends_its_payload(phone, stack):
    question = [
        {
            "text": "孩子读的是中职还是高职？",
            "buttons": [
                {"title": "中职", "payload": "中职"},
                {"title": "高职", "payload": "高职"},
                {"title": "取消", "payload": "/cancel"},
            ],
        },
        {"text": "这一项如果不方便回答，说“跳过”就行。"},  # a hint after the question keeps its chips
    ]
    replies = {"帮我查查我家能领什么": question, "/cancel": [{"text": "好的，已取消资助查询。"}]}
    phone.route(WEBHOOK, lambda route: fulfil_json(route, replies[route.request.post_data_json["message"]]))
    sent = webhook_bodies(phone)
    ask_and_wait(phone, stack, "帮我查查我家能领什么", "跳过")
    chips = phone.get_by_role("group", name="快捷回复").get_by_role("button")
    expect(chips).to_have_text(["中职", "高职", "取消"])

    chips.get_by_text("取消").tap()

    expect(user_messages(phone).last).to_have_text("我：取消")
    expect_answer(phone, "已取消")
    assert "/cancel" == sent[-1]["message"]
    expect(phone.get_by_role("group", name="快捷回复")).to_be_hidden()
