"""A school id is honoured only from one of the school's allowed origins."""

from __future__ import annotations

import pytest

from connectors.metadata import honoured
from console import assistant_store
from console.origins import honoured_school, normal_origin, origin_allowed
from console.school_answers import School
from tests.console.assistant_db import add_school, console_db

SCHOOL = School("qingcheng", "青城职业技术学校", ("https://www.qczx.edu.cn", "http://localhost:8000"))


@pytest.mark.parametrize(
    "origin, normal",
    [
        ("https://WWW.Qczx.edu.cn", "https://www.qczx.edu.cn"),
        ("https://www.qczx.edu.cn:443", "https://www.qczx.edu.cn"),
        ("http://localhost:8000/", "http://localhost:8000"),
        ("null", None),
        ("file:///tmp/a.html", None),
        ("https://", None),
        ("http://x:99999", None),
        (None, None),
    ],
)
def test_origins_are_compared_in_one_form(origin, normal):
    assert normal == normal_origin(origin)


@pytest.mark.parametrize(
    "origin, allowed",
    [
        ("https://www.qczx.edu.cn", True),
        ("http://localhost:8000", True),
        ("http://www.qczx.edu.cn", False),  # another scheme is another origin
        ("https://evil.qczx.edu.cn", False),
        ("https://www.qczx.edu.cn.evil.com", False),
        ("http://localhost:8001", False),
        (None, False),
    ],
)
def test_only_the_schools_origins_are_allowed(origin, allowed):
    assert allowed == origin_allowed(origin, SCHOOL.allowed_origins)
    assert (SCHOOL.id if allowed else None) == honoured_school(SCHOOL.id, origin, {SCHOOL.id: SCHOOL}.get)


def test_an_unknown_school_or_an_unreadable_database_honours_nothing():
    assert honoured_school("other", "https://www.qczx.edu.cn", {SCHOOL.id: SCHOOL}.get) is None

    def broken(school_id):
        raise RuntimeError("no database")

    assert honoured_school(SCHOOL.id, "https://www.qczx.edu.cn", broken) is None


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = console_db(tmp_path, monkeypatch)
    add_school(url, "qingcheng", "青城职业技术学校", "https://www.qczx.edu.cn\nhttp://localhost:8000")
    assistant_store.store.cache_clear()
    yield url
    assistant_store.store.cache_clear()


def test_the_channels_drop_a_school_sent_from_a_foreign_origin(database):
    sent = {"school": "qingcheng"}
    assert sent == honoured(sent, "https://www.qczx.edu.cn")
    assert {} == honoured(sent, "https://evil.example")
    assert {} == honoured(sent, None)  # no Origin: a script, not the school's page
    assert {} == honoured({"school": "nosuchschool"}, "https://www.qczx.edu.cn")
