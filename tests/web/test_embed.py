"""The counselor's /embed page: snippet, escaping, validation and live preview."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from web.server import PREVIEW_SCHOOL

pytestmark = pytest.mark.stack

HOSTILE_SCHOOL = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def fill_embed_form(page, stack, school, title="升学咨询", color="#0a7f3f", server="https://bot.example.edu.cn"):
    page.goto(stack.web_url + "/embed")
    page.get_by_label("学校名称").fill(school)
    page.get_by_label("窗口标题").fill(title)
    page.get_by_label("主题颜色").fill(color)
    page.get_by_label("机器人服务器地址").fill(server)
    page.get_by_role("button", name="生成代码").click()
    return page.get_by_role("textbox", name="嵌入代码")


def parse_snippet(page, snippet: str) -> dict:
    """What a browser makes of the snippet: its elements and the script's attributes."""
    return page.evaluate(
        """(snippet) => {
        const t = document.createElement('template');
        t.innerHTML = snippet;
        const script = t.content.querySelector('script');
        return {
            elements: [...t.content.querySelectorAll('*')].map(e => e.tagName),
            attributes: Object.fromEntries([...script.attributes].map(a => [a.name, a.value])),
        };
    }""",
        snippet,
    )


def test_snippet_carries_the_options(page, stack):
    snippet_box = fill_embed_form(page, stack, school="XX职业学校")

    snippet = snippet_box.input_value()

    assert {
        "elements": ["SCRIPT"],
        "attributes": {
            "src": stack.web_url + "/widget.js",
            "data-server": "https://bot.example.edu.cn",
            "data-title": "升学咨询",
            "data-school": "XX职业学校",
            "data-color": "#0a7f3f",
            "async": "",
        },
    } == parse_snippet(page, snippet)


def test_hostile_school_name_is_escaped_in_snippet_and_page_and_kept_out_of_the_preview(page, stack, dialogs):
    snippet_box = fill_embed_form(page, stack, school=HOSTILE_SCHOOL)

    snippet = snippet_box.input_value()

    assert 'data-school="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"' in snippet
    assert HOSTILE_SCHOOL == parse_snippet(page, snippet)["attributes"]["data-school"]
    assert ["/static/embed.js"] == page.evaluate("[...document.scripts].map(s => new URL(s.src).pathname)")
    assert 0 == page.evaluate("document.querySelectorAll('img').length")
    page.locator("iframe").scroll_into_view_if_needed()
    preview = page.frame_locator("iframe[title='嵌入效果预览']")
    preview.locator("zhijiao-widget .launcher").click()
    # the preview takes no text from its query (issue 14): a sample school, the counselor's colour
    expect(preview.locator("zhijiao-widget .school")).to_have_text(PREVIEW_SCHOOL)
    assert [] == dialogs


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("color", "red", "#rrggbb"),
        ("color", "#12345g", "#rrggbb"),
        ("color", "#1a73e8;x", "#rrggbb"),
        ("server", "javascript:alert(1)", "http://"),
        ("server", "ftp://bot.example.edu.cn", "http://"),
        ("server", "https://bot.example.edu.cn; script-src *", "http://"),
    ],
)
def test_bad_option_is_rejected_with_a_message(page, stack, field, value, message):
    query = urllib.parse.urlencode({"school": "XX职业学校", field: value})

    response = page.goto(f"{stack.web_url}/embed?{query}")

    assert 400 == response.status
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.get_by_role("textbox", name="嵌入代码")).to_have_count(0)
    expect(page.locator("iframe")).to_have_count(0)


def test_preview_refuses_options_the_form_would_refuse(stack):
    query = urllib.parse.urlencode({"color": "red"})

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{stack.web_url}/preview?{query}")

    assert 400 == refused.value.code
