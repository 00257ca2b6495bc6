"""The console's pages over HTTP (no browser): what they show and what they change."""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import re
from datetime import datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert

from console.forms import school_profile
from console.reports import today_in_china
from console.schema import daily_counts, declined_questions
from tests.web.console_app import SETTINGS, Browser, make_console, run
from web.console.common import session_lifetime
from web.server import WebSettings

HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


@pytest.fixture
def console(tmp_path):
    return make_console(tmp_path)


def test_an_administrator_creates_a_school_and_its_counselor_who_then_signs_in(console):
    async def scenario(browser: Browser):
        await browser.sign_in("admin")
        school = await browser.post("/console/admin/schools", {"id": "qingcheng", "name": "青城职业技术学校"})
        account = await browser.post(
            "/console/admin/accounts",
            {
                "username": "qc-teacher",
                "password": "another long password",
                "role": "counselor",
                "school_id": "qingcheng",
            },
        )
        duplicate = await browser.post("/console/admin/schools", {"id": "qingcheng", "name": "又一个"})
        await browser.post("/console/logout")
        signed_in = await browser.sign_in("qc-teacher", "another long password")
        return school[0], account[0], duplicate[0], duplicate[1], signed_in.status

    school, account, duplicate, duplicate_page, signed_in = run(console.app(), scenario)

    assert (303, 303, 400, 303) == (school, account, duplicate, signed_in)
    assert "学校代号 qingcheng 已被使用" in duplicate_page
    assert ["create_school", "create_account"] == [row["action"] for row in reversed(console.store.audit("qingcheng"))][
        :2
    ]


def test_a_hostile_entry_is_shown_as_text(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        await browser.post("/console/schools/school-a/entries", {"question": HOSTILE, "answer": HOSTILE})
        return (await browser.get("/console/schools/school-a/entries"))[1]

    page = run(console.app(), scenario)

    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_bad_profile_is_shown_again_with_the_message_and_nothing_is_saved(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        return await browser.post(
            "/console/schools/school-a", {"name": "甲校", "color": "#1a73e8", "allowed_origins": "javascript:alert(1)"}
        )

    status, page, _ = run(console.app(), scenario)

    assert 400 == status and "不是网站地址" in page and "javascript:alert(1)" in page
    assert "甲职业学校" == console.store.school("school-a")["name"]


def test_the_snippet_uses_the_configured_public_addresses_and_the_school_id(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        return (await browser.get("/console/schools/school-a/embed"))[1]

    page = run(console.app(), scenario)

    snippet = html.unescape(re.search(r'<textarea id="snippet"[^>]*>(.*?)</textarea>', page, re.S)[1])
    assert snippet.startswith('<script src="http://widget.school.example/widget.js"')
    assert 'data-server="https://bot.school.example"' in snippet
    assert 'data-school="school-a"' in snippet and 'data-school-name="甲职业学校"' in snippet
    assert "localhost" not in page
    assert "只有本机能访问" not in page


def test_a_localhost_deployment_is_named_as_such(console):
    local = WebSettings("127.0.0.1", 8000, "http://localhost:5005", "http://127.0.0.1:8000")

    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        return (await browser.get("/console/schools/school-a/embed"))[1]

    assert "只有本机能访问" in run(console.app(local), scenario)


def fake_bot(allowed_origin: str) -> web.Application:
    async def root(request):
        return web.Response(text="Hello from Rasa: 3.6.21")

    async def preflight(request):
        headers = {}
        if request.headers.get("Origin") == allowed_origin:
            headers = {"Access-Control-Allow-Origin": allowed_origin, "Access-Control-Allow-Methods": "POST"}
        return web.Response(status=204, headers=headers)

    app = web.Application()
    app.router.add_get("/", root)
    app.router.add_route("OPTIONS", "/webhooks/rest/webhook", preflight)
    return app


def check_embedding(console, allowed, page_url, bot_running=True):
    """The 检查嵌入 results (good/bad per line) with a bot server that allows one origin."""
    profile, _ = school_profile({"name": "甲职业学校", "color": "#1a73e8", "allowed_origins": allowed})
    console.store.update_school("admin", "school-a", profile)

    async def main():
        bot = TestServer(fake_bot("https://www.jia.edu.cn"))
        await bot.start_server()
        try:
            bot_url = str(bot.make_url("")).rstrip("/") if bot_running else "http://127.0.0.1:9"
            settings = WebSettings(SETTINGS.host, SETTINGS.port, bot_url, SETTINGS.public_url)
            async with TestClient(TestServer(console.app(settings))) as client:
                browser = Browser(client)
                await browser.sign_in("teacher-a")
                _, page, _ = await browser.post("/console/schools/school-a/embed/check", {"url": page_url})
                return re.findall(r"<li class=\"(good|bad)\">", page)
        finally:
            await bot.close()

    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, main()).result(60)


def test_check_embedding_says_the_origin_is_allowed_and_the_server_answers(console):
    assert ["good", "good", "good"] == check_embedding(console, "https://www.jia.edu.cn", "https://www.jia.edu.cn/zs/")


def test_check_embedding_names_an_origin_that_is_not_allowed(console):
    assert ["bad", "good", "bad"] == check_embedding(console, "https://www.jia.edu.cn", "https://evil.example/")


def test_check_embedding_says_when_the_bot_server_does_not_answer(console):
    assert ["good", "bad"] == check_embedding(
        console, "https://www.jia.edu.cn", "https://www.jia.edu.cn/", bot_running=False
    )


def test_answering_a_declined_group_adds_an_entry(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-b")
        before = (await browser.get("/console/schools/school-b/declined"))[1]
        answered = await browser.post(
            "/console/schools/school-b/declined/answer",
            {"group_key": "乙校 没答上", "question": "乙校没答上的问题", "answer": "答案在这里"},
        )
        marked = await browser.post(
            "/console/schools/school-b/declined/mark", {"group_key": "乙校 没答上", "marked": "1"}
        )
        exported = (await browser.get("/console/schools/school-b/declined/export.yaml"))[1]
        return before, answered[0], marked[0], exported

    before, answered, marked, exported = run(console.app(), scenario)

    assert "乙校没答上的问题" in before and "问了 1 次" in before
    assert (303, 303) == (answered, marked)
    assert "答案在这里" in [entry["answer"] for entry in console.store.entries("school-b")]
    assert "question: 乙校没答上的问题" in exported and "school_answer: 答案在这里" in exported


def test_reports_show_this_weeks_counts_for_the_school_only(console):
    today = today_in_china().isoformat()
    with console.store.engine.begin() as conn:
        conn.execute(
            insert(daily_counts),
            [
                {"school_id": "school-a", "day": today, "measure": "conversations", "count": 7},
                {"school_id": "school-a", "day": today, "measure": "subject:单招", "count": 5},
                {"school_id": "school-b", "day": today, "measure": "conversations", "count": 40},
            ],
        )

    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        page = (await browser.get("/console/schools/school-a/reports"))[1]
        csv = (await browser.get("/console/schools/school-a/reports.csv"))[1]
        await browser.post("/console/logout")
        await browser.sign_in("admin")
        across = (await browser.get("/console/reports"))[1]
        return page, csv, across

    page, csv, across = run(console.app(), scenario)

    assert re.search(r'data-total="对话">7<', page) and "单招：5" in page
    assert "school-b" not in csv and f"school-a,{today},conversations,7" in csv
    assert re.search(r'data-total="对话">47<', across) and "school-b：40" in across


def test_the_audit_log_names_who_changed_what(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        await browser.post(f"/console/schools/school-a/entries/{console.entry_a}/delete")
        return (await browser.get("/console/schools/school-a/audit"))[1]

    page = run(console.app(), scenario)

    assert "delete_entry" in page and "teacher-a" in page and "甲校学费多少" in page
    assert datetime.utcnow().strftime("%Y-%m-%d") in page


def test_the_administrator_marks_questions_from_widgets_without_a_school(console):
    with console.store.engine.begin() as conn:
        conn.execute(
            insert(declined_questions).values(
                school_id=None,
                question="职业本科学费多少",
                group_key="学费 职业本科",
                asked_at=datetime.utcnow(),
                for_maintainers=False,
            )
        )

    async def scenario(browser: Browser):
        await browser.sign_in("admin")
        listed = (await browser.get("/console/admin/declined"))[1]
        marked = await browser.post("/console/admin/declined/mark", {"group_key": "学费 职业本科", "marked": "1"})
        exported = (await browser.get("/console/admin/export.yaml"))[1]
        return listed, marked[0], exported

    listed, marked, exported = run(console.app(), scenario)

    assert "职业本科学费多少" in listed and "乙校没答上的问题" not in listed
    assert 303 == marked
    assert "question: 职业本科学费多少" in exported


def test_an_entry_is_edited_and_an_unknown_one_is_not_found(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        form = (await browser.get(f"/console/schools/school-a/entries/{console.entry_a}"))[1]
        saved = await browser.post(
            f"/console/schools/school-a/entries/{console.entry_a}", {"question": "甲校学费", "answer": "免学费。"}
        )
        missing = await browser.get("/console/schools/school-a/entries/9999")
        return form, saved[0], missing[0]

    form, saved, missing = run(console.app(), scenario)

    assert "甲校的回答" in form
    assert (303, 404) == (saved, missing)
    assert ("甲校学费", "免学费。", "teacher-a") == tuple(
        console.store.entry("school-a", console.entry_a)[k] for k in ("question", "answer", "author")
    )


@pytest.mark.parametrize("value", ["abc", "0", "-1", "100000"])
def test_a_bad_session_lifetime_is_named(value):
    with pytest.raises(ValueError, match="CONSOLE_SESSION_HOURS"):
        session_lifetime({"CONSOLE_SESSION_HOURS": value})
