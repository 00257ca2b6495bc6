"""Every console route refuses an anonymous visitor and another school's counselor; forms
need their CSRF token; passwords are rate-limited; a session ends at sign-out."""

from __future__ import annotations

import pytest

from tests.web.console_app import PASSWORD, SETTINGS, Browser, make_console, run
from web.server import app_factory

PUBLIC = {("GET", "/console/login"), ("POST", "/console/login")}


@pytest.fixture
def console(tmp_path):
    return make_console(tmp_path)


def console_routes(console, school_id="school-b"):
    """(method, path) of every /console route, its parameters pointing at `school_id`'s data."""
    app = console.app()
    entry = console.entry_b if school_id == "school-b" else console.entry_a
    params = {"school_id": school_id, "entry_id": str(entry), "account_id": str(console.counselor_b)}
    routes = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter", "")
        if route.method in ("GET", "POST") and path.startswith("/console"):
            routes.append((route.method, path.format(**params)))
    return routes


def test_the_route_list_covers_the_console(console):
    routes = console_routes(console)

    assert 30 <= len(routes)
    assert ("POST", f"/console/schools/school-b/entries/{console.entry_b}/delete") in routes
    assert ("GET", "/console/admin") in routes


def test_every_route_refuses_an_anonymous_visitor(console):
    async def scenario(browser: Browser):
        refused = {}
        for method, path in console_routes(console):
            if (method, path) in PUBLIC:
                continue
            status, body, response = await (browser.get(path) if method == "GET" else browser.post(path, csrf=False))
            refused[(method, path)] = (status, response.headers.get("Location", "").split("?")[0])
            assert "乙校" not in body
        return refused

    refused = run(console.app(), scenario)

    expected = {
        route: ((302, "/console/login") if route[0] == "GET" else (403, ""))
        for route in console_routes(console)
        if route not in PUBLIC
    }
    assert expected == refused


def test_every_route_of_another_school_and_of_the_administrator_refuses_a_counselor(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        outcomes = {}
        for method, path in console_routes(console):
            if (method, path) in PUBLIC or path == "/console/logout":
                continue
            status, body, _ = await (browser.get(path) if method == "GET" else browser.post(path))
            outcomes[(method, path)] = status
            assert "乙校的秘密" not in body and "乙校没答上" not in body
        # The same counselor's own school answers (so the refusals above are not a broken login).
        status, body, _ = await browser.get("/console/schools/school-a/entries")
        return outcomes, status, body

    outcomes, own_status, own_page = run(console.app(), scenario)

    for (method, path), status in outcomes.items():
        if path in ("/console", "/console/"):
            assert 302 == status  # to the counselor's own school
        elif "/schools/school-b" in path:
            assert 404 == status, (method, path)
        else:
            assert 403 == status, (method, path)
    assert (200, True) == (own_status, "甲校的回答" in own_page)


def test_the_administrator_reaches_every_school(console):
    async def scenario(browser: Browser):
        await browser.sign_in("admin")
        return [(path, (await browser.get(path))[0]) for method, path in console_routes(console) if method == "GET"]

    statuses = run(console.app(), scenario)

    for path, status in statuses:
        assert status in (200, 302), path


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_a_post_without_the_sessions_csrf_token_is_refused_and_changes_nothing(console, token):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        data = {"question": "新问题", "answer": "新回答"}
        if token is not None:
            data["csrf"] = token
        status, _, _ = await browser.post("/console/schools/school-a/entries", data, csrf=False)
        deleted, _, _ = await browser.post(
            f"/console/schools/school-a/entries/{console.entry_a}/delete", {"csrf": token or ""}, csrf=False
        )
        return status, deleted

    assert (403, 403) == run(console.app(), scenario)
    assert ["甲校学费多少"] == [entry["question"] for entry in console.store.entries("school-a")]


def test_the_same_post_with_the_token_works(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        return (await browser.post("/console/schools/school-a/entries", {"question": "新问题", "answer": "新回答"}))[0]

    assert 303 == run(console.app(), scenario)
    assert {"甲校学费多少", "新问题"} == {entry["question"] for entry in console.store.entries("school-a")}


def test_a_login_without_the_login_forms_token_is_refused(console):
    async def scenario(browser: Browser):
        response = await browser.client.post(
            "/console/login", data={"username": "teacher-a", "password": PASSWORD}, allow_redirects=False
        )
        return response.status

    assert 403 == run(console.app(), scenario)


def test_the_eleventh_wrong_password_in_a_minute_is_refused(console):
    async def scenario(browser: Browser):
        wrong = [(await browser.sign_in("teacher-a", f"wrong password {n}")).status for n in range(10)]
        eleventh = await browser.sign_in("teacher-a", PASSWORD)
        return wrong, eleventh.status, await eleventh.text()

    wrong, eleventh, page = run(console.app(), scenario)

    assert [401] * 10 == wrong
    assert 429 == eleventh and "请一分钟后再试" in page


def test_signing_out_ends_the_session_for_its_cookie_too(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        cookie = browser.client.session.cookie_jar.filter_cookies(browser.client.make_url("/console"))["zj_console"]
        before = (await browser.get("/console/schools/school-a"))[0]
        out = (await browser.post("/console/logout"))[0]
        # A copy of the old cookie (say, kept by someone else) no longer opens the console.
        browser.client.session.cookie_jar.update_cookies({"zj_console": cookie.value})
        after = await browser.get("/console/schools/school-a")
        return before, out, after[0], after[2].headers["Location"]

    before, out, after, location = run(console.app(), scenario)

    assert (200, 303, 302) == (before, out, after)
    assert location.startswith("/console/login")


@pytest.mark.parametrize(
    "public_url, secure", [("http://widget.school.example", False), ("https://widget.school.example", True)]
)
def test_the_session_cookie_is_http_only_same_site_with_an_expiry_and_secure_on_https(console, public_url, secure):
    settings = SETTINGS.__class__(SETTINGS.host, SETTINGS.port, SETTINGS.rasa_url, public_url)

    async def scenario(browser: Browser):
        # A Secure cookie is not sent back over the test's plain http: send it by hand.
        form = await browser.client.get("/console/login")
        token = form.cookies["zj_console_login"].value
        response = await browser.client.post(
            "/console/login",
            data={"csrf": token, "username": "teacher-a", "password": PASSWORD},
            headers={"Cookie": f"zj_console_login={token}"},
            allow_redirects=False,
        )
        return response.headers.getall("Set-Cookie")

    [session_cookie] = [c for c in run(console.app(settings), scenario) if c.startswith("zj_console=")]

    attributes = {part.strip().split("=")[0].lower() for part in session_cookie.split(";")}
    assert {"httponly", "max-age", "path", "samesite"} <= attributes
    assert "SameSite=Strict" in session_cookie and "Path=/console" in session_cookie
    assert secure == ("secure" in attributes)


def test_next_after_login_stays_in_the_console(console):
    async def scenario(browser: Browser):
        form = await browser.client.get("/console/login?next=//attacker.example/")
        text = await form.text()
        return 'value="//attacker.example/"' in text

    assert not run(console.app(), scenario)


def test_console_pages_forbid_framing_and_inline_scripts(console):
    async def scenario(browser: Browser):
        await browser.sign_in("teacher-a")
        return (await browser.get("/console/schools/school-a"))[2].headers["Content-Security-Policy"]

    policy = run(console.app(), scenario)

    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_old_embed_page_leads_into_the_console(tmp_path):
    console = make_console(tmp_path)

    async def scenario(browser: Browser):
        status, _, response = await browser.get("/embed?server=http://localhost:5005")
        return status, response.headers["Location"]

    assert (302, "/console") == run(app_factory(SETTINGS, console_store=console.store), scenario)
